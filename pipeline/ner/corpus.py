"""Training files -> validated sentences of (words, IOB2 tags), before any training.

Two formats, told apart by the file name:
* CoNLL (`.conll`, `.bio`, `.iob`): read by pipeline.io.conll, which already
  refuses a line without a tag, a tag that is not BIO and an unknown label
  with FILE:LINE.
* Annotated JSONL (`.jsonl`, FORMAT.md records such as corrected `annotate`
  output): read by pipeline.io.annotated (offsets, labels, overlaps checked
  with FILE:LINE), tokenised by the tokenize stage, and the character-offset
  entities projected onto the tokens as BIO (pipeline.io.bio), one sentence
  at a time -- so the model learns on exactly the tokens it is run on.

Tags are rewritten in IOB2 form (an `I-X` that opens a chunk becomes `B-X`):
the Viterbi decoder never predicts `O I-X`, so the model should not be taught
it. Everything a user can get wrong in a file is an error here, naming the
file and line, so a bad file never costs a training run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from pipeline.io.bio import chunks, group_by_sentence, project, tags_from_chunks
from pipeline.io.readers import InputError

CONLL_SUFFIXES = (".conll", ".bio", ".iob")
JSONL_SUFFIXES = (".jsonl",)
MISC_LIKE = ("MISC",)  # labels corpora carry that the product may drop (pipeline.io.conll)

Sentence = tuple[list[str], list[str]]  # (words, IOB2 tags), as pipeline.ner.data


class TrainingDataError(InputError):
    """Training data that must not be trained on; the message starts with FILE[:LINE]."""


@dataclass
class TrainingFile:
    path: Path
    format: str  # "conll" | "jsonl"
    sentences: list[Sentence]
    documents: int  # JSONL records, or CoNLL documents (-DOCSTART- sections)
    entities: int


def allowed_labels(types: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(labels kept, labels dropped to O): MISC is dropped unless the model learns it."""
    return tuple(types), tuple(t for t in MISC_LIKE if t not in types)


def read_training_file(path: str | Path, types: Sequence[str]) -> TrainingFile:
    path = Path(path)
    if not path.is_file():
        raise TrainingDataError(f"{path}: no such training file")
    suffix = path.suffix.lower()
    if suffix in CONLL_SUFFIXES:
        result = _read_conll(path, types)
    elif suffix in JSONL_SUFFIXES:
        result = _read_jsonl(path, types)
    else:
        raise TrainingDataError(f"{path}: training data must be CoNLL "
                                f"({', '.join(CONLL_SUFFIXES)}) or annotated JSONL (.jsonl)")
    if not result.sentences:
        raise TrainingDataError(f"{path}:1: no training sentences in this file (empty file)")
    return result


def read_training_files(paths: Sequence[str | Path], types: Sequence[str]) -> list[TrainingFile]:
    """Every file read and checked before the caller loads a model."""
    return [read_training_file(p, types) for p in paths]


def iob2(tags: Sequence[str]) -> list[str]:
    return tags_from_chunks(len(tags), chunks(tags))


def _read_conll(path: Path, types: Sequence[str]) -> TrainingFile:
    from pipeline.io.conll import ConllError, read_conll_sentences

    keep, drop = allowed_labels(types)
    sentences: list[Sentence] = []
    docs = 0
    try:
        for doc in read_conll_sentences(path, labels=keep, ignore=drop):
            docs += 1
            sentences.extend((s.tokens, iob2(s.tags)) for s in doc)
    except ConllError as exc:
        raise TrainingDataError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise TrainingDataError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") \
            from None
    n_ents = sum(len(chunks(t)) for _, t in sentences)
    return TrainingFile(path, "conll", sentences, docs, n_ents)


def _read_jsonl(path: Path, types: Sequence[str]) -> TrainingFile:
    from pipeline.io.annotated import AnnotationError, read_annotated_jsonl
    from pipeline.text.stage import TokenizeSettings, TokenizeStage

    keep, drop = allowed_labels(types)
    tokenize = TokenizeStage(TokenizeSettings(), path.parent)
    sentences: list[Sentence] = []
    docs = n_ents = 0
    try:
        for rec in read_annotated_jsonl(path, labels=keep, ignore=drop):
            if rec.doc.error is not None:
                raise TrainingDataError(f"{rec.where}: an error record (the pipeline failed on "
                                        f"this article): fix or remove it before training")
            if not rec.has_entities:
                raise TrainingDataError(
                    f"{rec.where}: record {rec.doc.id!r} has no \"entities\" key, so every "
                    f"word would be taught as O; write \"entities\": [] for an article "
                    f"without names")
            doc = tokenize(rec.doc)
            tags = project(doc.tokens, doc.entities)
            _check_every_entity_landed(doc, tags, rec.where)
            for group in group_by_sentence(doc.tokens, doc.sentences):
                words = [doc.tokens[i].text for i in group]
                sentences.append((words, iob2([tags[i] for i in group])))
            docs += 1
            n_ents += len(doc.entities)
    except AnnotationError as exc:
        raise TrainingDataError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise TrainingDataError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") \
            from None
    return TrainingFile(path, "jsonl", sentences, docs, n_ents)


def _check_every_entity_landed(doc, tags: list[str], where: str) -> None:
    """An entity that overlaps no token (only spaces or punctuation the
    tokenizer drops) would silently vanish from training. Two entities inside
    one token ("العراقوسوريا" as العراق + سوريا, as FORMAT.md asks) are fine:
    the token takes the first one's label, and the entities stage splits such
    words again at run time."""
    for ent in doc.entities:
        if not any(tok.end > ent.start and tok.start < ent.end for tok in doc.tokens):
            raise TrainingDataError(f"{where}: entity {ent.text!r} [{ent.start}, {ent.end}) "
                                    f"covers no token of the text")
