"""Load and validate pipeline configs (configs/*.toml).

A config is data (TOML), never code. Every table is checked against a
dataclass that declares its keys, types and allowed values, so a mistake fails
at load time with a message that names the key and what it accepts:

    configs/x.toml: [stages.tokenize] backend = "spacey": allowed values: "spacy", "stanza"
"""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pipeline.stages import REGISTRY, Pipeline, build_pipeline

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO_ROOT / "configs" / "default.toml"


class ConfigError(ValueError):
    """A config that does not validate; the message names the key."""


@dataclass(frozen=True)
class PipelineSettings:
    # Stage names, in order; each must be registered (pipeline/stages.py).
    stages: list[str] = field(default_factory=lambda: ["tokenize", "quantities", "entities"])
    # Documents handed to each stage at once.
    batch_size: int = 32


@dataclass(frozen=True)
class OutputSettings:
    # Write token offsets in each record (not part of the minimal contract).
    tokens: bool = False


@dataclass(frozen=True)
class LimitsSettings:
    # Articles longer than this (characters) yield an error record.
    max_chars: int = 2_000_000
    # An input article (a .txt file or one JSONL line) larger than this many
    # bytes is reported as an error record without being read into memory.
    max_input_bytes: int = 200_000_000
    # A batch handed to a stage holds at most this many characters of text
    # (and always at least one document): 32 articles of 2M characters each
    # would otherwise sit in memory together, with their tokens and windows.
    max_batch_chars: int = 4_000_000

    def __post_init__(self) -> None:
        for name in ("max_chars", "max_input_bytes", "max_batch_chars"):
            if getattr(self, name) < 1:
                raise ConfigError(f"[limits] {name} = {getattr(self, name)}: must be at least 1")


SECTIONS: dict[str, type] = {"pipeline": PipelineSettings, "output": OutputSettings,
                             "limits": LimitsSettings}


@dataclass(frozen=True)
class Config:
    path: Path | None
    base_dir: Path  # relative paths in the config resolve against this
    pipeline: PipelineSettings
    output: OutputSettings
    limits: LimitsSettings
    stages: dict[str, Any]  # stage name -> its settings dataclass instance

    def build_pipeline(self) -> Pipeline:
        return build_pipeline(self.pipeline.stages, self.stages, self.base_dir,
                              batch_size=self.pipeline.batch_size,
                              max_batch_chars=self.limits.max_batch_chars)

    def as_dict(self) -> dict[str, Any]:
        """The effective config, e.g. to save next to a run's output."""
        return {
            **{name: dataclasses.asdict(getattr(self, name)) for name in SECTIONS},
            "stages": {n: dataclasses.asdict(s) for n, s in self.stages.items()},
        }


def toml_value(text: str) -> Any:
    """A TOML value typed on a command line (`--set KEY=VALUE`); a bare word
    that is not TOML is taken as a string."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def set_items(items: list[str]) -> dict[str, Any]:
    """`--set KEY=VALUE` items (every verb's, and the training recipe's) as
    {KEY: TOML value}; ValueError naming an item without "="."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--set {item!r}: expected KEY=VALUE")
        out[key.strip()] = toml_value(value)
    return out


def load_config(path: Path | str | None = None,
                overrides: dict[str, Any] | None = None) -> Config:
    """Read a TOML config (the repo default when None) and apply dotted overrides
    such as {"stages.entities.model": "models/other", "pipeline.batch_size": 8}."""
    cfg_path = Path(path) if path is not None else DEFAULT_CONFIG
    where = str(cfg_path)
    try:
        raw = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{where}: config file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from None
    for dotted, value in (overrides or {}).items():
        _set_dotted(raw, dotted, value, where)
    return _validate(raw, cfg_path.resolve().parent, cfg_path, where)


def _set_dotted(raw: dict[str, Any], dotted: str, value: Any, where: str) -> None:
    keys = dotted.split(".")
    node = raw
    for key in keys[:-1]:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise ConfigError(f"{where}: override {dotted!r}: {key!r} is not a table")
    node[keys[-1]] = value


def _validate(raw: dict[str, Any], base_dir: Path, path: Path | None, where: str) -> Config:
    allowed_top = [*SECTIONS, "stages"]
    for key in raw:
        if key not in allowed_top:
            raise ConfigError(f"{where}: unknown table [{key}]; allowed: "
                              f"{', '.join(f'[{k}]' for k in allowed_top)}")
    sections = {name: _build(cls, raw.get(name, {}), f"{where}: [{name}]")
                for name, cls in SECTIONS.items()}
    stage_tables = raw.get("stages", {})
    if not isinstance(stage_tables, dict):
        raise ConfigError(f"{where}: [stages] must be a table of stage tables")
    for name in [*stage_tables, *sections["pipeline"].stages]:
        if name not in REGISTRY:
            raise ConfigError(f"{where}: unknown stage {name!r}; allowed: {', '.join(REGISTRY)}")
    stages = {}
    for name in sections["pipeline"].stages:
        settings_cls = REGISTRY[name].load("settings")
        stages[name] = _build(settings_cls, stage_tables.get(name, {}),
                              f"{where}: [stages.{name}]")
    return Config(path=path, base_dir=base_dir, stages=stages, **sections)


def _build(cls: type, table: Any, where: str) -> Any:
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table, got {table!r}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    for key, value in table.items():
        if key not in fields:
            raise ConfigError(f"{where} unknown key {key!r}; allowed keys: {', '.join(fields)}")
        _check_type(value, hints[key], f"{where} {key} = {value!r}")
    return cls(**table)


def _check_type(value: Any, hint: Any, where: str) -> None:
    origin = typing.get_origin(hint)
    if origin is Literal:
        choices = typing.get_args(hint)
        if value not in choices:
            raise ConfigError(f"{where}: allowed values: {', '.join(map(repr, choices))}")
        return
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        errors = []
        for arm in typing.get_args(hint):
            try:
                _check_type(value, arm, where)
                return
            except ConfigError as exc:
                errors.append(str(exc))
        raise ConfigError(errors[-1])
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list")
        (item,) = typing.get_args(hint) or (Any,)
        for v in value:
            _check_type(v, item, where)
        return
    if hint is Any:
        return
    if hint is type(None):
        if value is not None:
            raise ConfigError(f"{where}: expected nothing")
        return
    expected = {float: (int, float), int: (int,), bool: (bool,), str: (str,)}.get(hint, (hint,))
    # bool is an int in Python; a config saying `batch_size = true` is a mistake.
    if not isinstance(value, expected) or (hint in (int, float) and isinstance(value, bool)):
        raise ConfigError(f"{where}: expected {getattr(hint, '__name__', hint)}")
    if hint in (int, float) and value < 0:
        raise ConfigError(f"{where}: must not be negative")
