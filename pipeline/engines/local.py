"""Annotate a stream of articles on this machine, in input order.

Memory stays bounded: documents flow through the pipeline in batches (in this
process, or in `workers` processes fed a bounded number of chunks) and each
record is written as soon as it is done. Every input article yields exactly
one output line; articles that fail become error records. With `resume`, a
killed run's `OUT.partial` is kept and only the missing articles are done.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from tqdm import tqdm

from pipeline.config import Config
from pipeline.engines import resume as resuming
from pipeline.engines.lines import AnnotatedLine, annotate_lines
from pipeline.engines.workers import DEFAULT_CHUNK_SIZE, annotate_in_workers
from pipeline.io.jsonl import JsonlWriter, partial_path
from pipeline.io.readers import InputError, read_documents


@dataclass
class Summary:
    articles: int = 0  # lines in the output, resumed ones included
    errors: int = 0
    seconds: float = 0.0
    error_types: dict[str, int] = field(default_factory=dict)
    resumed: int = 0  # lines kept from an interrupted run

    def count(self, error_type: str | None) -> None:
        self.articles += 1
        if error_type is not None:
            self.errors += 1
            self.error_types[error_type] = self.error_types.get(error_type, 0) + 1

    def line(self) -> str:
        new = self.articles - self.resumed
        rate = new / self.seconds if self.seconds > 0 else 0.0
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.error_types.items()))
        kept = f" ({self.resumed} kept from the interrupted run)" if self.resumed else ""
        return (f"{self.articles} articles{kept}, {self.errors} errors"
                + (f" ({kinds})" if kinds else "")
                + f", {self.seconds:.1f} s ({rate:.1f} articles/s)")


def write_all(lines: Iterable[AnnotatedLine], writer: JsonlWriter, summary: Summary,
              show_progress: bool) -> None:
    """Write every line, counting it; the bar starts at the lines already kept."""
    with tqdm(desc="annotate", unit=" articles", initial=summary.articles,
              disable=not show_progress, file=sys.stderr) as bar:
        for item in lines:
            writer.write_line(item.line)
            summary.count(item.error_type)
            bar.update(1)


def show_progress(progress: bool | None) -> bool:
    return sys.stderr.isatty() if progress is None else progress


def annotate(inputs: list[str | Path], output: str | Path, config: Config, *,
             progress: bool | None = None, workers: int = 1, resume: bool = False,
             chunk_size: int = DEFAULT_CHUNK_SIZE) -> Summary:
    """Run the configured pipeline over `inputs`, writing JSONL to `output`.

    workers: 1 runs in this process; N > 1 runs N worker processes.
    resume: keep the complete lines of an existing OUT.partial and do only the
    rest; without it an existing OUT.partial is overwritten.
    """
    started = time.perf_counter()
    summary = Summary()
    docs = read_documents(inputs)
    if resume:
        if str(output) == "-":
            raise InputError("--resume needs --output FILE: standard output cannot be resumed")
        partial = partial_path(Path(output))
        if partial.exists():
            kept = resuming.recover(partial)
            summary.articles = summary.resumed = kept.lines
            summary.errors, summary.error_types = kept.errors, dict(kept.error_types)
            docs = resuming.skip_done(docs, partial, kept.lines)
    # Build before opening the output, so a config that cannot load (a missing
    # model) leaves an existing output untouched. Workers build their own.
    pipeline = config.build_pipeline() if workers <= 1 else None
    writer = JsonlWriter(output, append=resume)
    try:
        if pipeline is None:
            lines = annotate_in_workers(docs, config, workers, chunk_size=chunk_size)
        else:
            lines = annotate_lines(pipeline, docs, config)
        write_all(lines, writer, summary, show_progress(progress))
        writer.commit()
    finally:
        writer.close()
    summary.seconds = time.perf_counter() - started
    return summary
