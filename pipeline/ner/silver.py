"""Self-training data: the confident sentences of annotated raw news, as CoNLL.

Why: most names in new news never occur in ANERcorp train (DESIGN.md), and
WikiANN/AQMAR bring names with other span conventions. Sentences the model
itself tagged with high confidence bring new names *in ANERcorp's
conventions* (our tokenizer, the clitic kept inside the token, as ANERcorp
tags it).

A sentence is kept when it has at least one entity, every entity in it scored
at least `min_score`, and it is `min_tokens`..`max_tokens` long. Sentences
without entities are not kept: the model's misses would come back as O tags.

    python -m pipeline.ner.silver sample -o build/silver_input.jsonl
    arabic-news annotate build/silver_input.jsonl --model TEACHER --tokens \
        -o build/silver_input.annotated.jsonl
    python -m pipeline.ner.silver filter build/silver_input.annotated.jsonl -o build/silver.conll

The sample is articles 25,000 onward of the multi-source raw news file: the
build-base vocabulary counted the first 20,000, and no NER split comes from
raw news.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator

from pipeline.document import Document
from pipeline.io.bio import group_by_sentence, project
from pipeline.io.annotated import read_annotated_jsonl
from pipeline.io.raw_news import MULTISOURCE, iter_records, news_path
from pipeline.ner.data import write_conll_sentence


@dataclass(frozen=True)
class SilverFilter:
    min_score: float = 0.9
    min_tokens: int = 5
    max_tokens: int = 80


def confident_sentences(doc: Document, keep: SilverFilter) -> Iterator[list[tuple[str, str]]]:
    """(token, tag) rows of each sentence of `doc` that passes `keep`."""
    tags = project(doc.tokens, doc.entities)
    for group in group_by_sentence(doc.tokens, doc.sentences):
        if not keep.min_tokens <= len(group) <= keep.max_tokens:
            continue
        start, end = doc.tokens[group[0]].start, doc.tokens[group[-1]].end
        inside = [e for e in doc.entities if start <= e.start and e.end <= end]
        if not inside or any((e.score if e.score is not None else 0.0) < keep.min_score
                             for e in inside):
            continue
        yield [(doc.tokens[i].text, tags[i]) for i in group]


def write_silver(docs: Iterable[Document], out: IO[str], keep: SilverFilter) -> dict:
    counts = {"articles": 0, "sentences": 0, "entities": 0}
    for doc in docs:
        counts["articles"] += 1
        if not doc.tokens:
            continue
        for rows in confident_sentences(doc, keep):
            counts["sentences"] += 1
            counts["entities"] += sum(tag.startswith("B-") for _, tag in rows)
            write_conll_sentence(out, [text for text, _ in rows], [tag for _, tag in rows])
    return counts


def write_news_sample(data_dir: Path, out: IO[str], *, skip: int = 25_000, n: int = 3_000,
                      max_chars: int = 6_000) -> int:
    """`n` raw news articles (id, text) from article `skip` on, each at most
    `max_chars` long (long articles are mostly lists, not prose)."""
    written = 0
    for i, rec in enumerate(iter_records(news_path(data_dir, MULTISOURCE))):
        if i < skip or not rec.get("text") or len(rec["text"]) > max_chars:
            continue
        out.write(json.dumps({"id": rec["id"], "text": rec["text"]}, ensure_ascii=False) + "\n")
        written += 1
        if written == n:
            break
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    sample = sub.add_parser("sample", help="write raw news articles to annotate as JSONL")
    sample.add_argument("-o", "--output", type=Path, required=True)
    sample.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    sample.add_argument("--skip", type=int, default=25_000)
    sample.add_argument("--articles", type=int, default=3_000)
    pick = sub.add_parser("filter", help="confident sentences of annotated JSONL -> CoNLL")
    pick.add_argument("annotated", type=Path, help="JSONL written by `annotate --tokens`")
    pick.add_argument("-o", "--output", type=Path, required=True, help="CoNLL file to write")
    defaults = SilverFilter()
    pick.add_argument("--min-score", type=float, default=defaults.min_score)
    pick.add_argument("--min-tokens", type=int, default=defaults.min_tokens)
    pick.add_argument("--max-tokens", type=int, default=defaults.max_tokens)
    args = ap.parse_args(argv)
    if args.command == "sample":
        with open(args.output, "w", encoding="utf-8") as out:
            n = write_news_sample(args.data_dir, out, skip=args.skip, n=args.articles)
        print(f"{args.output}: {n:,} articles", file=sys.stderr)
        return 0
    keep = SilverFilter(args.min_score, args.min_tokens, args.max_tokens)
    docs = (a.doc for a in read_annotated_jsonl(args.annotated))
    with open(args.output, "w", encoding="utf-8") as out:
        counts = write_silver(docs, out, keep)
    print(f"{args.output}: {counts['sentences']:,} sentences, {counts['entities']:,} entities "
          f"from {counts['articles']:,} articles", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
