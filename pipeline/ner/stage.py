"""The `entities` stage: transformer NER over the tokenize stage's tokens.

Words are the tokens inside each sentence; the model's word-level entities
become character spans of the ORIGINAL text (first token's start to last
token's end), then a leading proclitic is trimmed and run-together names are
split (clitics.py) -- character edits, because tokens keep their clitics.
Before that, one name the model cut in two at an initial is joined back
("أنتوني ج. بلينكن", initials.py).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Literal

from pipeline.document import Document, Entity, Span
from pipeline.ner.clitics import (document_proclitic_length, proclitic_length, split_joined,
                                  strip_edges)
from pipeline.ner.infer import ONNX_FILE, NerModel, WordEntity, resolve_runtime
from pipeline.ner.initials import join_across_initials
from pipeline.ner.lexicon import NameLexicon
from pipeline.stages import BaseStage


@dataclass(frozen=True)
class EntitiesSettings:
    # Model folder; relative paths resolve against the config file's folder.
    model: str = "../models/default"
    # "auto": "torch-bf16" on a CPU with hardware bf16 (AMX or AVX512-BF16), else
    # "onnx"; "onnx": the int8 graph run by onnxruntime; "torch": the weights in
    # fp32; "torch-bf16": in bf16.
    runtime: Literal["auto", "onnx", "torch", "torch-bf16"] = "auto"
    batch_size: int = 32  # windows per forward pass (windows of all documents in a call)
    max_length: int = 128  # subwords per window, <s> and </s> included
    stride: int = 32  # subwords of overlap between consecutive windows of a long sentence
    threads: int = 0  # 0: the runtime's default
    trim_proclitics: bool = True  # "وسوريا" -> "سوريا"
    split_joined: bool = True  # "العراقوسوريا" -> "العراق", "سوريا"
    join_initials: bool = True  # "أنتوني ج" + "بلينكن" -> "أنتوني ج. بلينكن"
    min_score: float = 0.0  # drop entities whose mean tag probability is lower


def sentence_words(doc: Document) -> list[list[Span]]:
    """Tokens grouped by sentence (both lists are in text order). Without
    sentences the whole text is one sentence; without tokens, whitespace words."""
    tokens = doc.tokens
    if not tokens:
        import re

        tokens = [doc.span(m.start(), m.end()) for m in re.finditer(r"\S+", doc.text)]
    sentences = doc.sentences or ([doc.span(0, len(doc.text))] if doc.text else [])
    groups: list[list[Span]] = []
    t = 0
    for sent in sentences:
        while t < len(tokens) and tokens[t].end <= sent.start:
            t += 1
        group = []
        while t < len(tokens) and tokens[t].start < sent.end:
            group.append(tokens[t])
            t += 1
        if group:
            groups.append(group)
    return groups


class EntitiesStage(BaseStage):
    def __init__(self, settings: EntitiesSettings, base_dir: Path):
        self.settings = settings
        folder = Path(settings.model).expanduser()
        if not folder.is_absolute():
            folder = Path(base_dir) / folder
        runtime = resolve_runtime(settings.runtime)
        if runtime == "onnx" and not (folder / ONNX_FILE).exists() \
                and (folder / "model.safetensors").exists():
            # A folder fresh from `arabic-news train` holds torch weights only
            # (`python -m pipeline.ner.onnx_export DIR` adds the int8 graph).
            warnings.warn(f"{folder}: no {ONNX_FILE}; running the torch weights instead",
                          stacklevel=2)
            runtime = "torch"
        self.model = NerModel(folder, runtime, max_length=settings.max_length,
                              stride=settings.stride, threads=settings.threads)
        self.lexicon = NameLexicon.load(folder)

    def __call__(self, doc: Document) -> Document:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Document], batch_size: int = 32) -> Iterator[Document]:
        docs = list(docs)
        groups = [sentence_words(doc) for doc in docs]
        flat = [[t.text for t in sent] for g in groups for sent in g]
        documents = [d for d, g in enumerate(groups) for _ in g]
        predicted = iter(self.model.predict(flat, self.settings.batch_size, documents))
        for doc, g in zip(docs, groups):
            entities: list[Entity] = []
            for sent in g:
                wents = next(predicted)
                if self.settings.join_initials:
                    wents = join_across_initials(sent, wents)
                for went in wents:
                    entities.extend(self._to_chars(doc, sent, went))
            if self.settings.trim_proclitics:
                entities = self._trim_by_document(doc, entities)
            doc.entities = [e for e in entities if (e.score or 0.0) >= self.settings.min_score]
            yield doc

    def _trim_by_document(self, doc: Document, entities: list[Entity]) -> list[Entity]:
        names = {e.text for e in entities}
        out = []
        for e in entities:
            k = document_proclitic_length(e.text, names)
            out.append(doc.entity(e.start + k, e.end, e.label, e.score) if k else e)
        return out

    def _to_chars(self, doc: Document, words: list[Span], went: WordEntity) -> list[Entity]:
        start, end = words[went.start].start, words[went.end - 1].end
        parts = [(start, end, went.label)]
        if self.settings.split_joined and went.end - went.start == 1:
            pieces = split_joined(words[went.start].text, self.lexicon)
            if pieces:
                parts = [(start + p.start, start + p.end, p.label or went.label) for p in pieces]
        out = []
        for s, e, label in parts:
            lead, trail = strip_edges(doc.text[s:e])
            s, e = s + lead, e - trail
            if self.settings.trim_proclitics and s < e:
                first_word_end = min(e, words[went.start].end) if s == start + lead else e
                s += proclitic_length(doc.text[s:first_word_end], self.lexicon)
            if s < e and label in self.model.output_types:
                out.append(doc.entity(s, e, label, round(went.score, 4)))
        return out
