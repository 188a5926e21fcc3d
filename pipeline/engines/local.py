"""Annotate a stream of articles on this machine, in input order.

Memory stays bounded: documents flow through the pipeline in batches and each
record is written as soon as it is done. Every input article yields exactly
one output line; articles that fail become error records.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from tqdm import tqdm

from pipeline.config import Config
from pipeline.document import Document
from pipeline.io.jsonl import JsonlWriter
from pipeline.io.readers import read_documents


@dataclass
class Summary:
    articles: int = 0
    errors: int = 0
    seconds: float = 0.0
    error_types: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        rate = self.articles / self.seconds if self.seconds > 0 else 0.0
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.error_types.items()))
        return (f"{self.articles} articles, {self.errors} errors"
                + (f" ({kinds})" if kinds else "")
                + f", {self.seconds:.1f} s ({rate:.1f} articles/s)")


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


def annotate(inputs: list[str | Path], output: str | Path, config: Config, *,
             progress: bool | None = None) -> Summary:
    """Run the configured pipeline over `inputs`, writing JSONL to `output`."""
    pipeline = config.build_pipeline()
    started = time.perf_counter()
    summary = Summary()
    show = sys.stderr.isatty() if progress is None else progress
    writer = JsonlWriter(output)
    try:
        docs = apply_limits(read_documents(inputs), config)
        with tqdm(desc="annotate", unit=" articles", disable=not show, file=sys.stderr) as bar:
            for doc in pipeline.pipe(docs):
                writer.write(doc.to_record(tokens=config.output.tokens))
                summary.articles += 1
                if doc.error is not None:
                    summary.errors += 1
                    kind = doc.error.get("type", "Error")
                    summary.error_types[kind] = summary.error_types.get(kind, 0) + 1
                bar.update(1)
        writer.commit()
    finally:
        writer.close()
    summary.seconds = time.perf_counter() - started
    return summary
