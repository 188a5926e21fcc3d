"""Which configured stages can run here: the fuzz and corpus tests run the
whole configured pipeline, minus any stage that cannot be built on this
machine yet (the NER stage before a model is shipped in models/)."""

from __future__ import annotations

import warnings
from functools import lru_cache

from pipeline.config import load_config
from pipeline.stages import REGISTRY, Pipeline


@lru_cache(maxsize=1)
def usable_stages() -> tuple[str, ...]:
    """Stages of configs/default.toml, in order, that build here."""
    wanted = load_config().pipeline.stages
    usable: list[str] = []
    for name in wanted:
        if any(r not in {p for u in usable for p in REGISTRY[u].provides}
               for r in REGISTRY[name].requires):
            continue
        try:
            pipeline_of((*usable, name))
        except Exception as exc:  # noqa: BLE001 - reported, and the stage is left out
            warnings.warn(f"stage {name!r} cannot be built here and is left out of the "
                          f"hostile-input runs: {type(exc).__name__}: {exc}", stacklevel=2)
            continue
        usable.append(name)
    return tuple(usable)


@lru_cache(maxsize=4)
def pipeline_of(names: tuple[str, ...]) -> Pipeline:
    return load_config(None, {"pipeline.stages": list(names)}).build_pipeline()


def provided_by(names: tuple[str, ...]) -> set[str]:
    return {p for n in names for p in REGISTRY[n].provides}
