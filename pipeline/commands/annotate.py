"""`arabic-news annotate`: articles in, one annotated JSON line per article out."""

from __future__ import annotations

import argparse
import sys

from pipeline.commands.common import add_config_options, config_from_args

HELP = "annotate articles: entities and quantities as JSONL"

DESCRIPTION = """\
Read Arabic news articles and write one JSON line per article (FORMAT.md):
sentences, entities (PER, LOC, ORG) and quantities with resolved values.

INPUT may be a .txt file (one article; its id is the file name), a .jsonl
file (one {"id", "text"} object a line; other fields are kept under "meta"),
a folder (its .txt and .jsonl files, sorted by name), or - for JSONL on
standard input. Output keeps the input order, one line per input article; an
article that fails yields a line with an "error" field and the run goes on.

Big inputs stream: memory stays flat whatever the input size, and each line
is written as soon as it is done. Output goes to OUT.jsonl.partial and is
renamed to OUT.jsonl when the run completes. A killed run is continued with
--resume (every article ends up exactly once); without --resume an existing
OUT.jsonl.partial is overwritten.

examples:
  arabic-news annotate seeds/ -o out.jsonl
  arabic-news annotate news.jsonl -o out.jsonl --workers 2
  arabic-news annotate news.jsonl -o out.jsonl --workers 2 --resume   # after a crash
  arabic-news annotate news.jsonl -o out.jsonl --engine ray --ray-address auto

exit status: 0 all articles annotated, 1 some articles are error records,
2 bad usage, config or model, 3 the output could not be written (full disk,
closed pipe; the .partial file is kept for --resume), 130 interrupted.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help=".txt / .jsonl files, folders, or - for stdin")
    parser.add_argument("-o", "--output", default="-", metavar="OUT.jsonl",
                        help="where to write the records (default: standard output). Written "
                             "to OUT.jsonl.partial and renamed when the run completes")
    parser.add_argument("--tokens", action="store_true",
                        help="also write token offsets in each record")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (it shows only on a terminal anyway)")
    scale = parser.add_argument_group("scale")
    scale.add_argument("--workers", type=positive_int, default=1, metavar="N",
                       help="worker processes, each loading the model once (default: 1, "
                            "in this process); output keeps the input order. With "
                            "--engine ray: the number of Ray actors")
    scale.add_argument("--resume", action="store_true",
                       help="continue an interrupted run: keep the complete lines of "
                            "OUT.jsonl.partial, skip those articles, append the rest. "
                            "Without it an existing OUT.jsonl.partial is overwritten")
    scale.add_argument("--engine", choices=("local", "ray"), default="local",
                       help="local: this machine (default); ray: a Ray Data job, on a "
                            "local Ray or the cluster given by --ray-address (needs "
                            "pip install 'arabic-news-pipeline[ray]')")
    scale.add_argument("--ray-address", metavar="ADDR",
                       help="Ray cluster to join (e.g. auto, ray://head:10001); default: "
                            "start a local Ray on this machine")
    add_config_options(parser)


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text}")
    return value


def run(args: argparse.Namespace) -> int:
    overrides = {"output.tokens": True} if args.tokens else {}
    config = config_from_args(args, overrides)
    progress = False if args.no_progress else None
    if args.engine == "ray":
        from pipeline.engines.ray_data import annotate_on_ray

        summary = annotate_on_ray(args.inputs, args.output, config, address=args.ray_address,
                                  actors=args.workers, progress=progress, resume=args.resume)
    else:
        if args.ray_address:
            raise argparse.ArgumentTypeError("--ray-address needs --engine ray")
        from pipeline.engines.local import annotate

        summary = annotate(args.inputs, args.output, config, progress=progress,
                           workers=args.workers, resume=args.resume)
    print(f"annotate: {summary.line()}", file=sys.stderr)
    return 1 if summary.errors else 0
