"""`--engine ray`: the same stages as a Ray Data job, past one machine.

    read (ArticlesDatasource)  ->  map_batches(AnnotateBatches, actor pool)  ->  ordered write

- Read: a Ray Data datasource whose read tasks run OUR readers
  (pipeline.io.readers), one task per .jsonl file (a group of .txt files per
  task), streaming blocks of rows. `ray.data.read_json` is not used because
  the contract says a malformed line becomes an error record with the same id
  and message as on one machine, where read_json would fail the job.
- Map: `AnnotateBatches` is a callable class, so Ray Data runs it in an actor
  pool: each actor builds the pipeline once (the NER model loads once per
  actor) and turns a batch of articles into finished JSON lines with the very
  function the local engine uses (engines/lines.py).
- Write: the driver streams the lines back in input order (Ray Data's
  `preserve_order`; every row carries its input position and the order is
  checked) into the same OUT.partial -> OUT writer as the local engine, so
  both engines give byte-identical files. `write_json` is not used because it
  writes a folder of part files, and because Arrow would coerce the mixed
  int/float `value` fields.
- Resume: as on one machine (engines/resume.py), the complete lines of
  OUT.partial are kept and their ids checked against the input; the driver
  finds the (read task, row) of the first missing article, and the read tasks
  start there, so finished articles are neither annotated nor re-read by Ray.

On a cluster the input files, and the model folder the config names, must be
at the same path on every node (a shared filesystem), and the package must be
importable there (`pip install` it on the nodes, or pass it to Ray as
`runtime_env={"py_modules": [...]}`); see the README.
"""

from __future__ import annotations

import inspect
import json
import logging
import os
import sys
import time
from functools import partial
from pathlib import Path
from typing import Iterator

import numpy as np
import pyarrow as pa
import ray
from ray.data import ActorPoolStrategy, DataContext
from ray.data.block import BlockMetadata
from ray.data.datasource import Datasource, ReadTask

from pipeline.config import Config
from pipeline.document import Document
from pipeline.engines import resume as resuming
from pipeline.engines.lines import annotate_lines
from pipeline.engines.local import Summary, show_progress
from pipeline.engines.workers import share_cores
from pipeline.io.jsonl import JsonlWriter, partial_path
from pipeline.io.readers import InputError, expand_inputs, read_documents

# Rows per block a read task yields: small enough to spread over the actors
# early, big enough that the per-block overhead does not show.
ROWS_PER_BLOCK = 64
# .txt files (one article each) grouped into one read task.
TXT_FILES_PER_TASK = 256
# Articles per map_batches call: one pipeline.pipe over them, batched inside.
DEFAULT_BATCH_SIZE = 64


def _document_row(doc: Document) -> str:
    # The reader's output, before any stage: id, text, meta and a read error.
    return json.dumps({"id": doc.id, "text": doc.text, "meta": doc.meta, "error": doc.error},
                      ensure_ascii=False)


def _read_task(task: int, paths: list[str], rows_per_block: int,
               first_row: int = 0) -> Iterator[pa.Table]:
    rows: dict[str, list] = {"task": [], "row": [], "doc": []}
    for row, doc in enumerate(read_documents([Path(p) for p in paths])):
        if row < first_row:  # done by an interrupted run (--resume)
            continue
        rows["task"].append(task)
        rows["row"].append(row)
        rows["doc"].append(_document_row(doc))
        if len(rows["row"]) >= rows_per_block:
            yield pa.Table.from_pydict(rows)
            rows = {"task": [], "row": [], "doc": []}
    if rows["row"]:
        yield pa.Table.from_pydict(rows)


def plan_read_tasks(paths: list[Path]) -> list[list[str]]:
    """Input files, in input order, grouped into read tasks."""
    tasks: list[list[str]] = []
    for path in paths:
        if path.suffix == ".txt" and tasks and tasks[-1][-1].endswith(".txt") \
                and len(tasks[-1]) < TXT_FILES_PER_TASK:
            tasks[-1].append(str(path))
        else:
            tasks.append([str(path)])
    return tasks


def resume_point(tasks: list[list[str]], partial: Path, done: int) -> tuple[int, int] | None:
    """(read task, row) of the first article `partial` does not hold, or None
    if it holds them all; the ids of the `done` articles are checked against
    the input on the way (resume.skip_done)."""
    at: list[tuple[int, int]] = []

    def numbered() -> Iterator[Document]:
        for task, paths in enumerate(tasks):
            for row, doc in enumerate(read_documents([Path(p) for p in paths])):
                at[:] = [(task, row)]
                yield doc

    first = next(resuming.skip_done(numbered(), partial, done), None)
    return None if first is None else at[0]


class ArticlesDatasource(Datasource):
    """Articles read by pipeline.io.readers, as rows {task, row, doc}, from
    (task, row) `start` on."""

    def __init__(self, paths: list[Path], rows_per_block: int = ROWS_PER_BLOCK,
                 start: tuple[int, int] = (0, 0)):
        super().__init__()
        self.tasks = plan_read_tasks(paths)
        self.rows_per_block = rows_per_block
        self.start = start

    def estimate_inmemory_data_size(self) -> int:
        return sum(os.path.getsize(p) for task in self.tasks for p in task)

    def get_read_tasks(self, parallelism: int, per_task_row_limit: int | None = None,
                       data_context: DataContext | None = None) -> list[ReadTask]:
        # One task per file group whatever `parallelism` asks: files are read
        # sequentially so that row order is input order.
        first_task, first_row = self.start
        return [
            ReadTask(partial(_read_task, n, paths, self.rows_per_block,
                             first_row if n == first_task else 0),
                     BlockMetadata(num_rows=None,
                                   size_bytes=sum(os.path.getsize(p) for p in paths),
                                   exec_stats=None, input_files=paths),
                     per_task_row_limit=per_task_row_limit)
            for n, paths in enumerate(self.tasks) if n >= first_task
        ]


class AnnotateBatches:
    """The map step: one pipeline per actor, built when the actor starts."""

    def __init__(self, config: Config, threads: int = 1):
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ.setdefault(var, str(threads))
        self.config = share_cores(config, threads)
        self.pipeline = self.config.build_pipeline()

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        docs = []
        for raw in batch["doc"]:
            rec = json.loads(raw)
            docs.append(Document(id=rec["id"], text=rec["text"], meta=rec["meta"],
                                 error=rec["error"]))
        lines = list(annotate_lines(self.pipeline, docs, self.config))
        return {
            "task": batch["task"],
            "row": batch["row"],
            "line": np.array([item.line for item in lines], dtype=object),
            # "" for none: a column of one type keeps Arrow from guessing.
            "error": np.array([item.error_type or "" for item in lines], dtype=object),
        }


def build_dataset(paths: list[Path], config: Config, actors: int,
                  batch_size: int = DEFAULT_BATCH_SIZE,
                  start: tuple[int, int] = (0, 0)) -> ray.data.Dataset:
    # Reading is light (file I/O and JSON parsing) and asks for no CPU of its
    # own: otherwise `actors` equal to the cluster's CPUs would hold every CPU
    # and the reads that feed them could never be scheduled.
    # (Newer Ray names the argument; older Ray only takes ray_remote_args.)
    named = "num_cpus" in inspect.signature(ray.data.read_datasource).parameters
    no_cpu = {"num_cpus": 0} if named else {"ray_remote_args": {"num_cpus": 0}}
    ds = ray.data.read_datasource(ArticlesDatasource(paths, start=start), **no_cpu)
    return ds.map_batches(AnnotateBatches, fn_constructor_kwargs={"config": config},
                          compute=ActorPoolStrategy(size=actors), batch_size=batch_size,
                          batch_format="numpy", num_cpus=1)


def annotate_on_ray(inputs: list[str | Path], output: str | Path, config: Config, *,
                    address: str | None = None, actors: int = 1,
                    progress: bool | None = None, resume: bool = False,
                    batch_size: int = DEFAULT_BATCH_SIZE) -> Summary:
    """Annotate `inputs` on Ray (a running session, the cluster at `address`,
    or a new local one), writing the same JSONL as the local engine.
    resume: keep the complete lines of an existing OUT.partial and do only the
    rest (as the local engine does)."""
    paths = expand_inputs(inputs)
    if "-" in paths:
        raise InputError("--engine ray reads files, not standard input: the Ray workers "
                         "read them (from a filesystem every node sees)")
    if resume and str(output) == "-":
        raise InputError("--resume needs --output FILE: standard output cannot be resumed")
    started = time.perf_counter()
    # Build the stages once here, before any actor starts: a missing model or
    # a bad stage setting is then the same clear error as with the local
    # engine, not an ActorDiedError from deep inside Ray.
    config.build_pipeline()
    summary = Summary()
    start: tuple[int, int] | None = (0, 0)
    partial_file = partial_path(Path(output)) if resume else None
    if partial_file is not None and partial_file.exists():
        kept = resuming.recover(partial_file)
        summary.articles = summary.resumed = kept.lines
        summary.errors, summary.error_types = kept.errors, dict(kept.error_types)
        start = resume_point(plan_read_tasks([Path(p) for p in paths]), partial_file,
                             kept.lines)
    if start is None:  # the interrupted run had written every line
        writer = JsonlWriter(output, append=True)
        writer.commit()
        writer.close()
        summary.seconds = time.perf_counter() - started
        return summary
    own_session = not ray.is_initialized()
    if own_session:
        # Our progress bar and summary line say what matters; Ray's INFO
        # chatter about its own start-up would bury them.
        ray.init(address=address, include_dashboard=False, log_to_driver=False,
                 logging_level=logging.WARNING)
        logging.getLogger("ray.data").setLevel(logging.WARNING)
    try:
        context = DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        dataset = build_dataset([Path(p) for p in paths], config, actors, batch_size, start)
        writer = JsonlWriter(output, append=resume)
        try:
            from tqdm import tqdm

            with tqdm(desc="annotate (ray)", unit=" articles", file=sys.stderr,
                      initial=summary.articles, disable=not show_progress(progress)) as bar:
                last = (-1, -1)
                for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
                    for task, row, line, error in zip(batch["task"], batch["row"],
                                                      batch["line"], batch["error"]):
                        here = (int(task), int(row))
                        if here <= last:
                            raise RuntimeError(f"Ray returned input row {here} after {last}: "
                                               f"order was not preserved")
                        last = here
                        writer.write_line(line)
                        summary.count(error or None)
                        bar.update(1)
            writer.commit()
        finally:
            writer.close()
    finally:
        if own_session:
            ray.shutdown()
    summary.seconds = time.perf_counter() - started
    return summary
