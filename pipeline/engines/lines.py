"""Documents in, finished output lines out: the one path every engine shares.

The local loop, each `--workers` process and each Ray actor all call
`annotate_lines`, so the three engines cannot drift apart: the same limits,
the same pipeline, the same serialisation, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

from pipeline.config import Config
from pipeline.document import Document
from pipeline.io.jsonl import dumps
from pipeline.stages import Pipeline


@dataclass(frozen=True, slots=True)
class AnnotatedLine:
    """One article's output: its id, its JSON line, and its error type if it failed."""

    id: str
    line: str
    error_type: str | None = None


def apply_limits(docs: Iterable[Document], config: Config) -> Iterator[Document]:
    max_chars = config.limits.max_chars
    for doc in docs:
        if doc.error is None and len(doc.text) > max_chars:
            yield Document.failed(doc.id, doc.text,
                                  f"article has {len(doc.text):,} characters; "
                                  f"[limits] max_chars is {max_chars:,}",
                                  type="TooLong", meta=doc.meta)
        else:
            yield doc


def annotate_lines(pipeline: Pipeline, docs: Iterable[Document],
                   config: Config) -> Iterator[AnnotatedLine]:
    """Run `pipeline` over `docs` (streaming, in order) and serialise each record."""
    for doc in pipeline.pipe(apply_limits(docs, config)):
        record = doc.to_record(tokens=config.output.tokens)
        error_type = None if doc.error is None else doc.error.get("type", "Error")
        yield AnnotatedLine(doc.id, dumps(record), error_type)
