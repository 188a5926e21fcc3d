"""`--workers N`: annotate in N processes, in input order, with bounded memory.

Processes, because the stages are CPU-bound Python and torch: threads would
share one interpreter lock. Started with "spawn", because torch's and
onnxruntime's thread pools do not survive a fork, and spawn behaves the same
on Linux, macOS and Windows.

Each worker builds the pipeline once (the NER model loads once per worker) and
then annotates chunks of articles; inside a worker the pipeline still batches
across the articles of its chunk. The parent reads ahead at most `in_flight`
chunks, so memory holds `in_flight * chunk_size` articles whatever the input
size, and it writes results in the order the chunks were sent: input order.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Iterable, Iterator

from pipeline.config import Config
from pipeline.document import Document
from pipeline.engines.lines import AnnotatedLine, annotate_lines
from pipeline.stages import Pipeline

# Articles per task sent to a worker: enough to fill the pipeline's batches and
# make the pickling round trip cheap, few enough that the first lines come soon.
DEFAULT_CHUNK_SIZE = 64
# Chunks queued per worker: one running, one waiting, one being written, so a
# worker never idles while the parent writes.
CHUNKS_PER_WORKER = 3

# Thread-pool variables read when a numeric library is first imported.
THREAD_ENV_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def threads_per_worker(workers: int) -> int:
    return max(1, (os.cpu_count() or 1) // workers)


def share_cores(config: Config, threads: int) -> Config:
    """The config with every stage's `threads = 0` ("runtime default": all cores)
    set to `threads`, so N workers do not each start a pool of all cores."""
    stages = {
        name: (dataclasses.replace(settings, threads=threads)
               if getattr(settings, "threads", None) == 0 else settings)
        for name, settings in config.stages.items()
    }
    return dataclasses.replace(config, stages=stages)


# -- inside a worker process --------------------------------------------------
_config: Config | None = None
_pipeline: Pipeline | None = None


def _start_worker(config: Config, threads: int) -> None:
    global _config
    # Ctrl-C is the parent's to handle (it stops the pool); a worker that
    # also caught it would print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for var in THREAD_ENV_VARS:
        os.environ.setdefault(var, str(threads))
    _config = config


def _annotate_chunk(docs: list[Document]) -> list[AnnotatedLine]:
    global _pipeline
    assert _config is not None, "worker used before _start_worker"
    if _pipeline is None:
        # Built on the first chunk rather than in the initializer: an error here
        # (a missing model) reaches the parent as itself, with its message,
        # instead of as an anonymous "process pool broken".
        _pipeline = _config.build_pipeline()
    return list(annotate_lines(_pipeline, docs, _config))


# -- in the parent --------------------------------------------------------------
def chunked(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(docs)
    while chunk := list(islice(it, size)):
        yield chunk


def annotate_in_workers(docs: Iterable[Document], config: Config, workers: int, *,
                        chunk_size: int = DEFAULT_CHUNK_SIZE,
                        in_flight: int | None = None) -> Iterator[AnnotatedLine]:
    """Annotated lines for `docs`, in their order, computed by `workers` processes."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    limit = in_flight or workers * CHUNKS_PER_WORKER
    threads = threads_per_worker(workers)
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_start_worker,
                               initargs=(share_cores(config, threads), threads))
    pending: deque[Future[list[AnnotatedLine]]] = deque()
    try:
        for chunk in chunked(docs, chunk_size):
            pending.append(pool.submit(_annotate_chunk, chunk))
            if len(pending) >= limit:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    except BaseException:
        # Stopped early (an error, Ctrl-C, a closed pipe): the chunks in hand
        # are thrown away, so stop the workers now instead of letting them
        # finish minutes of NER that nobody will write.
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
