"""Read annotated JSONL records (FORMAT.md) back into Documents, refusing bad ones loudly.

Shared by evaluation (gold and predictions) and training (corrected
`annotate` output): a misaligned offset, an unknown label, overlapping
entities or a broken line raises AnnotationError with FILE:LINE; nothing is
skipped. A record is annotated for entities when it has an "entities" key and
for quantities when it has a "quantities" key, so a file that annotates
numbers only is not read as "no entities here".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from pipeline.document import ENTITY_LABELS, Document, SpanError
from pipeline.io.conll import IGNORED_LABELS
from pipeline.io.readers import InputError


class AnnotationError(InputError):
    """Annotated records that cannot be used; the message starts with FILE:LINE."""


@dataclass
class AnnotatedDoc:
    doc: Document
    where: str  # FILE:LINE of the record (FILE for CoNLL)
    has_entities: bool
    has_quantities: bool


def read_annotated_jsonl(path: str | Path, *, labels: Sequence[str] = ENTITY_LABELS,
                         ignore: Sequence[str] = IGNORED_LABELS) -> Iterator[AnnotatedDoc]:
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
                raise AnnotationError(f"{where}: not valid JSON: {exc.msg} "
                                      f"(column {exc.colno})") from None
            if not isinstance(rec, dict) or not isinstance(rec.get("text"), str) \
                    or rec.get("id") is None:
                raise AnnotationError(f"{where}: expected an object with \"id\" and \"text\"")
            ents = rec.get("entities") or []
            for e in ents:
                label = e.get("label") if isinstance(e, dict) else None
                if label not in allowed and label not in dropped:
                    raise AnnotationError(
                        f"{where}: unknown entity label {label!r}; allowed: {', '.join(labels)} "
                        f"(ignored: {', '.join(ignore) or 'none'})")
            kept = dict(rec, entities=[e for e in ents if e["label"] not in dropped])
            try:
                doc = Document.from_record(kept)
            except (SpanError, KeyError, TypeError) as exc:
                detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
                raise AnnotationError(f"{where}: {detail}") from None
            check_no_overlaps(doc, where)
            yield AnnotatedDoc(doc, where, "entities" in rec, "quantities" in rec)


def check_no_overlaps(doc: Document, where: str) -> None:
    ents = sorted(doc.entities, key=lambda e: (e.start, e.end))
    for a, b in zip(ents, ents[1:]):
        if b.start < a.end:
            raise AnnotationError(f"{where}: entities overlap: {a.text!r} [{a.start}, {a.end}) "
                                  f"and {b.text!r} [{b.start}, {b.end})")
