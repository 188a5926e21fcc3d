"""`arabic-news train`: fine-tune the NER model on more news, one command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "fine-tune the NER model on CoNLL or annotated JSONL files"

DESCRIPTION = """\
Fine-tune the entity model and write a complete model folder that
`arabic-news annotate --model DIR` and `evaluate --model DIR` load.

TRAINING DATA (--train, one or more files):
  .conll/.bio/.iob  token<TAB>BIO-tag, a blank line between sentences
  .jsonl            annotated records (docs/FORMAT.md), e.g. `annotate` output
                    corrected by hand: the text is tokenised as the pipeline
                    does and the character-offset entities become token tags
Every file is checked before the model loads: a tag that is not BIO, an
entity off the text, an unknown label or an empty file stops the run with
FILE:LINE and exit status 2. MISC is dropped to O unless the model learns it.
Without --train the recipe of the config runs (ANERcorp train + its sources).

STARTING POINT (--base, default: `base` in the config): the rebuilt encoder
(`arabic-news build-base --output build/base`) or any saved model folder,
e.g. models/default -- its label map is kept; labels are added only for
types the config's train_types names and the model lacks.

DEV SCORES: after every epoch the model is scored on --dev (default: the
last 10% of the --train sentences) and on the ANERcorp dev split, so
forgetting shows; the best epoch by the new data's dev F1 is kept (by the
ANERcorp dev F1 without new dev data). `replay` in the config mixes that
share of ANERcorp train into every epoch; `patience` stops after that many
evaluations without a better score.

OUTPUT DIR: model.safetensors (fp16), config.json (label map),
tokenizer.json, labels.json, names.tsv, training_config.json, scores.json,
README.md (model card), train.log; checkpoint/ while a run is unfinished
(safetensors + JSON, no pickles). --max-steps stops early (the schedule still
spans the epochs); --resume continues the saved run from its last checkpoint
and gives the same model as a run that never stopped.

examples:
  arabic-news train --base models/default --train corrected.jsonl --output runs/mine
  arabic-news train --train news.jsonl --dev dev.jsonl --output runs/x --max-steps 50
  arabic-news train --output runs/x --resume

exit status: 0 trained (or stopped at --max-steps), 2 bad usage, config or
data, 130 interrupted (resume with --resume).
"""

RESUMABLE = ("config", "base", "train", "dev", "seed", "epochs")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--config", metavar="FILE",
                        help="training config with a [train] table (default: configs/train.toml)")
    parser.add_argument("--base", metavar="DIR",
                        help="model to start from (default: `base` in the config)")
    parser.add_argument("--train", nargs="+", metavar="FILE",
                        help="training files: .conll or annotated .jsonl")
    parser.add_argument("--dev", metavar="FILE",
                        help="dev file for the new data (default: last 10%% of --train)")
    parser.add_argument("--output", required=True, metavar="DIR", help="model folder to write")
    parser.add_argument("--resume", action="store_true",
                        help="continue the unfinished run in --output from its checkpoint")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace an earlier training output in --output")
    parser.add_argument("--max-steps", type=int, metavar="N",
                        help="stop after N optimizer steps in all (a quick run; --resume goes on)")
    parser.add_argument("--epochs", type=int, metavar="N", help="epochs (default: the config's)")
    parser.add_argument("--seed", type=int, metavar="N",
                        help="random seed (default: the config's); same seed, same model")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a [train] key with a TOML value, e.g. --set replay=0.1 "
                             "--set patience=2 (repeatable)")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (it shows only on a terminal anyway)")


def _config(path: Path, settings: dict, epochs: int | None, seed: int | None):
    from pipeline.config import ConfigError
    from pipeline.ner.train import load_config

    if not path.is_file():
        raise ConfigError(f"{path}: no such training config")
    try:
        cfg = load_config(path, **settings, epochs=epochs, seed=seed)
    except (ValueError, TypeError) as exc:
        raise ConfigError(str(exc) if str(path) in str(exc) else f"{path}: {exc}") from None
    return cfg


def _resume_spec(args, output: Path):
    from pipeline.ner import checkpoint as ckpt
    from pipeline.ner.finetune import CHECKPOINT_DIR, RunSpec
    from pipeline.ner.train import parse_settings

    folder = output / CHECKPOINT_DIR
    if not ckpt.exists(folder):
        raise argparse.ArgumentTypeError(f"--resume: no checkpoint in {folder} (a finished run "
                                         f"removes it; train on from it with --base {output})")
    saved = ckpt.read_state(folder)["spec"]
    given = {"config": args.config and str(Path(args.config).resolve()),
             "base": args.base and str(Path(args.base).resolve()),
             "train": args.train and [str(Path(p).resolve()) for p in args.train],
             "dev": args.dev and str(Path(args.dev).resolve()),
             "seed": args.seed, "epochs": args.epochs}
    for key in RESUMABLE:
        if given[key] is not None and given[key] != saved[key]:
            raise argparse.ArgumentTypeError(
                f"--resume continues the saved run, whose --{key} is {saved[key]!r}, not "
                f"{given[key]!r}; drop --{key}, or start afresh with --overwrite")
    if args.set and parse_settings(args.set) != saved["settings"]:
        raise argparse.ArgumentTypeError(f"--resume: the saved run used --set {saved['settings']}")
    return RunSpec(**dict(saved, max_steps=args.max_steps or 0))


def _check_output(args, output: Path, base: Path) -> None:
    import shutil

    from pipeline.ner.finetune import CHECKPOINT_DIR

    if output.resolve() == base.resolve():
        raise argparse.ArgumentTypeError(f"--output {output} is the --base folder; write the "
                                         f"new model elsewhere")
    if not output.exists() or not any(output.iterdir()):
        return
    ours = (output / "training_config.json").exists() or (output / CHECKPOINT_DIR).exists() \
        or (output / "train.log").exists()
    if not args.overwrite:
        hint = " (an unfinished run: --resume continues it)" \
            if (output / CHECKPOINT_DIR).exists() else ""
        raise argparse.ArgumentTypeError(f"--output {output} is not empty{hint}; pass "
                                         f"--overwrite to replace it")
    if not ours:
        raise argparse.ArgumentTypeError(f"--overwrite: {output} does not hold a training "
                                         f"output; refusing to delete it")
    shutil.rmtree(output)


def run(args: argparse.Namespace) -> int:
    import shutil
    import time

    from pipeline.config import REPO_ROOT, ConfigError
    from pipeline.io.readers import InputError
    from pipeline.ner.finetune import LOG_FILE, RunSpec
    from pipeline.ner.finetune import run as finetune
    from pipeline.ner.train import parse_settings

    output = Path(args.output).resolve()
    if args.max_steps is not None and args.max_steps < 1:
        raise argparse.ArgumentTypeError("--max-steps N: N must be at least 1")
    if args.resume:
        spec = _resume_spec(args, output)
        cfg = _config(Path(spec.config), spec.settings, spec.epochs, spec.seed)
    else:
        settings = parse_settings(args.set)
        config = Path(args.config or REPO_ROOT / "configs" / "train.toml").resolve()
        cfg = _config(config, settings, args.epochs, args.seed)
        base = Path(args.base).resolve() if args.base else Path(cfg.base)
        _check_output(args, output, base)
        spec = RunSpec(config=str(config), base=str(base), output=str(output),
                       train=[str(Path(p).resolve()) for p in args.train or []],
                       dev=str(Path(args.dev).resolve()) if args.dev else None,
                       seed=cfg.seed, epochs=cfg.epochs, max_steps=args.max_steps or 0,
                       settings=settings)
    created = not output.exists()
    output.mkdir(parents=True, exist_ok=True)
    progress = sys.stderr.isatty() and not args.no_progress
    log_fh = open(output / LOG_FILE, "a", encoding="utf-8")

    def log(msg: str) -> None:
        line = f"{time.strftime('%H:%M:%S')} {msg}"
        log_fh.write(line + "\n")
        log_fh.flush()
        if progress:
            from tqdm import tqdm

            tqdm.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr, flush=True)

    log(f"arabic-news train {' '.join(sys.argv[2:]) if sys.argv[1:2] == ['train'] else ''}"
        .rstrip())
    try:
        record = finetune(cfg, spec, resume=args.resume, progress=progress, log=log)
    except (InputError, ConfigError):
        log_fh.close()
        if created:  # bad data or settings: leave nothing behind but the error message
            shutil.rmtree(output, ignore_errors=True)
        raise
    finally:
        if not log_fh.closed:
            log_fh.close()
    best = record.get("best") or {}
    state = "finished" if record["finished"] else f"stopped at step {record['steps']}"
    print(f"{output}: {state}; best {record['selection']} {best.get('f1', 0.0):.4f} "
          f"(step {best.get('step')})")
    return 0
