"""The `tokenize` stage: tokens and sentences, offsets into the original text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pipeline.document import Document
from pipeline.stages import BaseStage
from pipeline.text.sentences import split_sentences
from pipeline.text.tokenizer import tokenize


@dataclass(frozen=True)
class TokenizeSettings:
    # "spacy": spaCy's blank `ar` with our Arabic-news rules (offline, default).
    # "stanza": stanza's Arabic tokenizer, only from models already on disk.
    backend: Literal["spacy", "stanza"] = "spacy"
    # Folder holding stanza resources (the one `stanza.download("ar",
    # model_dir=...)` fills on a machine with network); needed for "stanza".
    stanza_dir: str = ""


class TokenizeStage(BaseStage):
    def __init__(self, settings: TokenizeSettings, base_dir: Path):
        self.settings = settings
        self._stanza = None
        if settings.backend == "stanza":
            from pipeline.text.stanza_backend import StanzaTokenizer

            self._stanza = StanzaTokenizer(_resolve(settings.stanza_dir, base_dir))

    def __call__(self, doc: Document) -> Document:
        if self._stanza is not None:
            tokens, sentences = self._stanza(doc.text)
        else:
            tokens = tokenize(doc.text)
            sentences = split_sentences(doc.text, tokens)
        doc.tokens = [doc.span(s, e) for s, e in tokens]
        doc.sentences = [doc.span(s, e) for s, e in sentences]
        return doc


def _resolve(path: str, base_dir: Path) -> Path:
    p = Path(path).expanduser()
    return p if p.is_absolute() else (base_dir / p)
