"""Read gold (and predicted) annotations for evaluation, refusing bad ones loudly.

Gold is annotated JSONL (FORMAT.md) or CoNLL (`.conll`, `.txt` is not gold).
A JSONL record is gold for entities when it has an "entities" key and for
quantities when it has a "quantities" key, so a file annotating numbers
only does not count every entity as missed. Misaligned offsets, unknown
labels or kinds, overlapping entities and broken lines raise GoldError with
FILE:LINE; nothing is skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from pipeline.document import ENTITY_LABELS, Document, SpanError
from pipeline.io.conll import (IGNORED_LABELS, document_from_sentences, read_conll,
                               read_conll_sentences)
from pipeline.io.readers import InputError

CONLL_SUFFIXES = (".conll", ".bio", ".iob")


class GoldError(InputError):
    """Gold or prediction files that cannot be scored; the message names FILE:LINE."""


@dataclass
class GoldDoc:
    doc: Document
    where: str  # FILE:LINE of the record (FILE for CoNLL)
    has_entities: bool
    has_quantities: bool


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


def _conll_dev(path: Path, labels: Sequence[str], ignore: Sequence[str]) -> list[Document]:
    """The held-out dev split the NER model was trained without (pipeline.ner.data)."""
    from pipeline.ner.data import split_dev

    sentences = [s for doc in read_conll_sentences(path, labels=labels, ignore=ignore)
                 for s in doc]
    _, dev = split_dev(sentences)
    if not dev:
        raise GoldError(f"{path}: too few sentences ({len(sentences)}) for a 10% dev split")
    return [document_from_sentences(f"{path.stem}-dev", dev)]


def read_annotated_jsonl(path: str | Path, *, labels: Sequence[str] = ENTITY_LABELS,
                         ignore: Sequence[str] = IGNORED_LABELS) -> Iterator[GoldDoc]:
    """Annotated records (FORMAT.md), checked; entities with an ignored label
    are dropped, any other label outside `labels` is an error."""
    allowed, dropped = set(labels), set(ignore)
    with open(path, encoding="utf-8-sig") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise GoldError(f"{where}: not valid JSON: {exc.msg} (column {exc.colno})") \
                    from None
            if not isinstance(rec, dict) or not isinstance(rec.get("text"), str) \
                    or rec.get("id") is None:
                raise GoldError(f"{where}: expected an object with \"id\" and \"text\"")
            ents = rec.get("entities") or []
            for e in ents:
                label = e.get("label") if isinstance(e, dict) else None
                if label not in allowed and label not in dropped:
                    raise GoldError(f"{where}: unknown entity label {label!r}; allowed: "
                                    f"{', '.join(labels)} (ignored: {', '.join(ignore) or 'none'})")
            kept = dict(rec, entities=[e for e in ents if e["label"] not in dropped])
            try:
                doc = Document.from_record(kept)
            except (SpanError, KeyError, TypeError) as exc:
                detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
                raise GoldError(f"{where}: {detail}") from None
            _check_no_overlaps(doc, where)
            yield GoldDoc(doc, where, "entities" in rec, "quantities" in rec)


def _check_no_overlaps(doc: Document, where: str) -> None:
    ents = sorted(doc.entities, key=lambda e: (e.start, e.end))
    for a, b in zip(ents, ents[1:]):
        if b.start < a.end:
            raise GoldError(f"{where}: entities overlap: {a.text!r} [{a.start}, {a.end}) and "
                            f"{b.text!r} [{b.start}, {b.end})")

