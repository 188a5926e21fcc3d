"""Read gold (and predicted) annotations for evaluation, refusing bad ones loudly.

Gold is annotated JSONL (FORMAT.md) or CoNLL (`.conll`, `.txt` is not gold).
A JSONL record is gold for entities when it has an "entities" key and for
quantities when it has a "quantities" key, so a file annotating numbers
only does not count every entity as missed. Misaligned offsets, unknown
labels or kinds, overlapping entities and broken lines raise GoldError with
FILE:LINE; nothing is skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

from pipeline.document import ENTITY_LABELS, Document
from pipeline.io.annotated import AnnotatedDoc, AnnotationError, read_annotated_jsonl
from pipeline.io.conll import (IGNORED_LABELS, ConllSentence, document_from_sentences,
                               read_conll, read_conll_sentences)

CONLL_SUFFIXES = (".conll", ".bio", ".iob")


# The annotated-JSONL reader lives in pipeline/io/annotated.py (training reads
# the same records); gold keeps its own names for the same types.
GoldError = AnnotationError  # gold or prediction files that cannot be scored (FILE:LINE)
GoldDoc = AnnotatedDoc
__all__ = ["GoldDoc", "GoldError", "is_conll", "read_annotated_jsonl", "read_gold"]


def is_conll(path: Path) -> bool:
    return path.suffix.lower() in CONLL_SUFFIXES


def read_gold(paths: Iterable[str | Path], *, labels: Sequence[str] = ENTITY_LABELS,
              ignore: Sequence[str] = IGNORED_LABELS, dev_split: bool = False) -> list[GoldDoc]:
    """Every gold document of every file, in order; ids must be unique."""
    out: list[GoldDoc] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise GoldError(f"{path}: no such gold file")
        if is_conll(path):
            docs = _conll_dev(path, labels, ignore) if dev_split else \
                read_conll(path, labels=labels, ignore=ignore)
            out.extend(GoldDoc(d, str(path), True, False) for d in docs)
        elif path.suffix.lower() != ".jsonl":
            raise GoldError(f"{path}: gold must be annotated .jsonl or CoNLL "
                            f"({', '.join(CONLL_SUFFIXES)})")
        elif dev_split:
            raise GoldError(f"{path}: --dev-split applies to CoNLL gold only")
        else:
            for gold in read_annotated_jsonl(path, labels=labels, ignore=ignore):
                if gold.doc.error is not None:
                    raise GoldError(f"{gold.where}: gold record is an error record "
                                    f"({gold.doc.error.get('message')})")
                out.append(gold)
    seen: dict[str, str] = {}
    for gold in out:
        if gold.doc.id in seen:
            raise GoldError(f"{gold.where}: document id {gold.doc.id!r} already used at "
                            f"{seen[gold.doc.id]}")
        seen[gold.doc.id] = gold.where
    return out


def conll_split(path: Path, labels: Sequence[str], ignore: Sequence[str],
                ) -> tuple[list[ConllSentence], list[ConllSentence]]:
    """A CoNLL file's sentences as (training part, held-out dev split), split
    as the NER model's training splits them (pipeline.ner.data.split_dev)."""
    from pipeline.ner.data import split_dev

    sentences = [s for doc in read_conll_sentences(path, labels=labels, ignore=ignore)
                 for s in doc]
    return split_dev(sentences)


def _conll_dev(path: Path, labels: Sequence[str], ignore: Sequence[str]) -> list[Document]:
    """The held-out dev split the NER model was trained without."""
    train, dev = conll_split(path, labels, ignore)
    if not dev:
        raise GoldError(f"{path}: too few sentences ({len(train)}) for a 10% dev split")
    return [document_from_sentences(f"{path.stem}-dev", dev)]
