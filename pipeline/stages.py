"""The stage registry: name -> stage factory, with declared requires/provides.

A stage is a small object with `__call__(doc) -> doc` and
`pipe(docs, batch_size) -> iterator of docs`. Each registers under a name with
a settings dataclass; the config's `[stages.NAME]` table is validated against
that dataclass (see config.py), and `build_pipeline` checks that every stage's
`requires` is provided by an earlier stage -- a misordered pipeline fails at
construction, not deep inside a run (the stanza habit).

Factories are imported lazily by module path so that `annotate --help` does
not import torch, and a pipeline without NER never loads a model.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Protocol

from pipeline.document import Document


class PipelineError(ValueError):
    """A pipeline that cannot be built as configured."""


class Stage(Protocol):
    name: str
    requires: tuple[str, ...]
    provides: tuple[str, ...]

    def __call__(self, doc: Document) -> Document: ...

    def pipe(self, docs: Iterable[Document], batch_size: int = 32) -> Iterator[Document]: ...


class BaseStage:
    """Default `pipe`: one document at a time. Batched stages override it."""

    name: str = ""
    requires: tuple[str, ...] = ()
    provides: tuple[str, ...] = ()

    def __call__(self, doc: Document) -> Document:  # pragma: no cover - abstract
        raise NotImplementedError

    def pipe(self, docs: Iterable[Document], batch_size: int = 32) -> Iterator[Document]:
        for doc in docs:
            yield self(doc)


@dataclass(frozen=True)
class StageSpec:
    """What the registry knows of a stage before importing it."""

    name: str
    target: str  # "module:factory"; factory(settings, base_dir) -> Stage
    settings: str  # "module:SettingsDataclass"
    requires: tuple[str, ...]
    provides: tuple[str, ...]
    doc: str

    def load(self, attr: str) -> Any:
        module, _, name = getattr(self, attr).partition(":")
        return getattr(importlib.import_module(module), name)


# The registry is data: adding a stage is adding a row.
REGISTRY: dict[str, StageSpec] = {
    spec.name: spec
    for spec in (
        StageSpec("tokenize", "pipeline.text.stage:TokenizeStage",
                  "pipeline.text.stage:TokenizeSettings",
                  requires=(), provides=("sentences", "tokens"),
                  doc="offset-preserving Arabic normalisation, tokens and sentences"),
        StageSpec("quantities", "pipeline.quantities.stage:QuantitiesStage",
                  "pipeline.quantities.stage:QuantitiesSettings",
                  requires=(), provides=("quantities",),
                  doc="rule-based numbers and quantities with resolved values"),
        StageSpec("entities", "pipeline.ner.stage:EntitiesStage",
                  "pipeline.ner.stage:EntitiesSettings",
                  requires=("sentences", "tokens"), provides=("entities",),
                  doc="transformer NER: PER, LOC, ORG"),
    )
}


def register(spec: StageSpec) -> None:
    """Add a stage from outside the package (a plug-in)."""
    REGISTRY[spec.name] = spec


class Pipeline:
    """An ordered chain of built stages."""

    def __init__(self, stages: list[Stage], batch_size: int = 32,
                 max_batch_chars: int | None = None):
        self.stages = stages
        self.batch_size = batch_size
        # A batch is cut early once its texts hold this many characters, so a
        # run of huge articles never sits in memory `batch_size` at a time.
        self.max_batch_chars = max_batch_chars

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def __call__(self, doc: Document) -> Document:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Run every stage over a stream; a stage that fails on one document
        turns that document into an error record and the stream goes on."""
        stream: Iterable[Document] = docs
        for stage in self.stages:
            stream = _guarded(stage, stream, self.batch_size, self.max_batch_chars)
        yield from stream


def _guarded(stage: Stage, docs: Iterable[Document], batch_size: int,
             max_batch_chars: int | None = None) -> Iterator[Document]:
    batch: list[Document] = []
    chars = 0
    for doc in docs:
        batch.append(doc)
        chars += len(doc.text)
        if len(batch) >= batch_size or (max_batch_chars is not None and chars >= max_batch_chars):
            yield from _run_batch(stage, batch, batch_size)
            batch, chars = [], 0
    if batch:
        yield from _run_batch(stage, batch, batch_size)


def _run_batch(stage: Stage, batch: list[Document], batch_size: int) -> Iterator[Document]:
    live = [d for d in batch if d.error is None]
    try:
        done = list(stage.pipe(live, batch_size)) if live else []
        if len(done) != len(live):
            raise PipelineError(f"stage {stage.name!r} returned {len(done)} documents "
                                f"for {len(live)}")
    except Exception:
        # One bad document must not sink its batch: retry one by one. Stages
        # assign (not append to) the lists they provide, so a retry is clean.
        done = []
        for doc in live:
            try:
                done.append(stage(doc))
            except Exception as exc:  # noqa: BLE001 - reported in the record
                done.append(_failed(doc, stage, exc))
    results = iter(done)
    for doc in batch:
        yield doc if doc.error is not None else next(results)


def _failed(doc: Document, stage: Stage, exc: Exception) -> Document:
    return Document.failed(doc.id, doc.text, f"stage {stage.name!r}: {exc}",
                           type=exc.__class__.__name__, meta=doc.meta)


def build_pipeline(stage_names: list[str], settings: dict[str, Any], base_dir: Path,
                   batch_size: int = 32, max_batch_chars: int | None = None) -> Pipeline:
    """Build stages in order, checking requires/provides before loading any."""
    provided: set[str] = set()
    for name in stage_names:
        spec = REGISTRY.get(name)
        if spec is None:
            raise PipelineError(f"pipeline.stages: unknown stage {name!r}; "
                                f"allowed: {', '.join(REGISTRY)}")
        missing = [r for r in spec.requires if r not in provided]
        if missing:
            raise PipelineError(
                f"pipeline.stages: stage {name!r} requires {', '.join(missing)}, which no "
                f"earlier stage provides (order is {stage_names})")
        provided.update(spec.provides)
    stages = []
    for name in stage_names:
        spec = REGISTRY[name]
        factory: Callable[..., Stage] = spec.load("target")
        try:
            stage = factory(settings[name], base_dir)
        except (OSError, ValueError, RuntimeError) as exc:
            # A missing model folder or stanza resources is a config problem
            # (exit 2 with the stage named), not a crash mid-run.
            raise PipelineError(f"stage {name!r} could not be built: {exc}") from exc
        stage.name, stage.requires, stage.provides = name, spec.requires, spec.provides
        stages.append(stage)
    return Pipeline(stages, batch_size=batch_size, max_batch_chars=max_batch_chars)
