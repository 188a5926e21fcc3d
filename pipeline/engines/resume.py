"""`--resume`: continue a killed run from what its `OUT.partial` already holds.

Output line k is input article k (the engines write in input order), so a
resumed run skips the first n input articles, where n is the number of
complete lines, and appends the rest. Matching is by POSITION, not by id: an
input may repeat an id and each copy still needs its own line. Ids are only
checked, line by line, to catch an input that changed since the killed run.

A line is complete when it ends with a newline and parses as a JSON object
with an id. The writer is line-buffered, so a kill leaves at most one torn
line at the end; it is cut off (and anything after it, should a crash have
left garbage) before appending. Everything streams: memory does not grow
with the size of the partial output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.document import Document
from pipeline.io.readers import InputError


class ResumeError(InputError):
    """The partial output does not belong to this input."""


@dataclass
class Progress:
    """What a partial output already holds."""

    lines: int = 0  # complete lines, i.e. input articles already done
    errors: int = 0
    error_types: dict[str, int] = field(default_factory=dict)
    torn_bytes: int = 0  # bytes cut off the end


def _parse(raw: bytes) -> dict | None:
    if not raw.endswith(b"\n"):
        return None
    try:
        rec = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return rec if isinstance(rec, dict) and "id" in rec else None


def _records(partial: Path) -> Iterator[dict]:
    """The complete records at the start of `partial`, up to the first bad line."""
    with open(partial, "rb") as fh:
        for raw in fh:
            rec = _parse(raw)
            if rec is None:
                return
            yield rec


def recover(partial: Path) -> Progress:
    """Count the complete lines of `partial` and cut off whatever follows them."""
    progress = Progress()
    good_bytes = 0
    with open(partial, "rb") as fh:
        for raw in fh:
            rec = _parse(raw)
            if rec is None:
                break
            good_bytes += len(raw)
            progress.lines += 1
            if "error" in rec:
                kind = (rec["error"] or {}).get("type", "Error")
                progress.errors += 1
                progress.error_types[kind] = progress.error_types.get(kind, 0) + 1
    size = partial.stat().st_size
    if size > good_bytes:
        with open(partial, "r+b") as fh:
            fh.truncate(good_bytes)
        progress.torn_bytes = size - good_bytes
    return progress


def skip_done(docs: Iterable[Document], partial: Path, done: int) -> Iterator[Document]:
    """`docs` without the first `done`, checking each skipped id against the
    line written for it; the rest pass through untouched."""
    it = iter(docs)
    written = _records(partial)
    for position in range(1, done + 1):
        rec = next(written)  # recover() counted `done` complete lines
        doc = next(it, None)
        if doc is None:
            raise ResumeError(f"{partial} has {done} lines but the input has only "
                              f"{position - 1} articles: it is not this input's output; "
                              f"run without --resume to start again")
        if str(rec["id"]) != doc.id:
            raise ResumeError(f"{partial} line {position} is article {rec['id']!r} but input "
                              f"article {position} is {doc.id!r}: the input changed since "
                              f"the interrupted run; run without --resume to start again")
    yield from it
