"""Options shared by the verbs that run a pipeline (annotate, evaluate)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pipeline.config import Config, load_config, set_items


def add_config_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("pipeline")
    group.add_argument("--config", metavar="FILE",
                       help="pipeline config (TOML); default: configs/default.toml")
    group.add_argument("--model", metavar="DIR",
                       help="NER model folder (sets stages.entities.model)")
    group.add_argument("--stages", metavar="A,B,...",
                       help="stages to run, in order (sets pipeline.stages), "
                            "e.g. tokenize,quantities")
    group.add_argument("--batch-size", type=int, metavar="N",
                       help="documents per batch (sets pipeline.batch_size)")
    group.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="any config key, dotted, with a TOML value: "
                            "--set stages.entities.runtime='\"torch\"' (repeatable)")


def config_from_args(args: argparse.Namespace, extra: dict[str, Any] | None = None) -> Config:
    overrides: dict[str, Any] = dict(extra or {})
    if args.model:
        # A path typed on the command line means the working directory's path,
        # not one relative to the config file (where config paths resolve).
        overrides["stages.entities.model"] = str(Path(args.model).resolve())
    if args.stages:
        overrides["pipeline.stages"] = [s.strip() for s in args.stages.split(",") if s.strip()]
    if args.batch_size is not None:
        overrides["pipeline.batch_size"] = args.batch_size
    try:
        overrides.update(set_items(args.set))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return load_config(args.config, overrides)


