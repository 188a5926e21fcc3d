"""`arabic-news`: one verb per job. Each verb lives in pipeline/commands/<verb>.py
with HELP, configure(parser) and run(args) -> exit status; verbs import their
heavy dependencies inside run(), so `--help` is instant."""

from __future__ import annotations

import argparse
import importlib
import sys

VERBS = ("annotate", "evaluate", "build-base", "train")

# Exit statuses scripts can trust.
EXIT_OK, EXIT_ARTICLE_ERRORS, EXIT_USAGE, EXIT_OUTPUT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="arabic-news",
        description="Arabic news NLP: entities (PER, LOC, ORG) and numbers with values.")
    sub = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    for verb in VERBS:
        module = importlib.import_module(f"pipeline.commands.{verb.replace('-', '_')}")
        verb_parser = sub.add_parser(verb, help=module.HELP)
        module.configure(verb_parser)
        verb_parser.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    from pipeline.config import ConfigError
    from pipeline.io.readers import InputError
    from pipeline.stages import PipelineError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args._run(args)
    except (ConfigError, PipelineError, InputError, argparse.ArgumentTypeError) as exc:
        print(f"arabic-news {args.verb}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"arabic-news {args.verb}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader downstream went away (| head): the output is incomplete,
        # which a script must be able to tell from "some articles failed".
        _silence_stdout()
        print(f"arabic-news {args.verb}: output closed before the run finished "
              "(broken pipe)", file=sys.stderr)
        return EXIT_OUTPUT
    except OSError as exc:
        # A full disk or a vanished output folder is the run's failure, not an
        # article's (inputs that cannot be read are error records, and stages
        # that cannot be built are PipelineErrors); the partial output file is
        # left for --resume.
        _silence_stdout()
        where = f" {exc.filename}:" if exc.filename else ""
        print(f"arabic-news {args.verb}: I/O error:{where} {exc.strerror or exc}",
              file=sys.stderr)
        return EXIT_OUTPUT


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
