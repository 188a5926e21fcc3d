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

exit status: 0 all articles annotated, 1 some articles are error records,
2 bad usage or config.
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
    add_config_options(parser)


def run(args: argparse.Namespace) -> int:
    from pipeline.engines.local import annotate

    overrides = {"output.tokens": True} if args.tokens else {}
    config = config_from_args(args, overrides)
    summary = annotate(args.inputs, args.output, config,
                       progress=False if args.no_progress else None)
    print(f"annotate: {summary.line()}", file=sys.stderr)
    return 1 if summary.errors else 0
