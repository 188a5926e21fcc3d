"""Throughput of the quantities stage on real news (../shared/data/raw_news).

    python benchmarks/bench_quantities.py [--articles 5000] [--files PATH ...]

Reads the articles first (decompression is not timed), then runs the stage
on one core and prints MB of UTF-8 text per second, articles per second and
quantities found. The target in the issue is at least 1 MB/s.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.document import Document  # noqa: E402
from pipeline.quantities.stage import QuantitiesSettings, QuantitiesStage  # noqa: E402

RAW = REPO.parent / "shared" / "data" / "raw_news"


def read_articles(files: list[Path], limit: int) -> list[str]:
    texts: list[str] = []
    per_file = max(1, limit // len(files))
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for n, line in enumerate(fh):
                if n >= per_file:
                    break
                texts.append(json.loads(line)["text"])
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=6000, help="articles to run (split over files)")
    parser.add_argument("--files", type=Path, nargs="*",
                        default=sorted(RAW.glob("*.jsonl.gz")), help="raw news .jsonl.gz files")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best is reported")
    args = parser.parse_args(argv)
    texts = read_articles(args.files, args.articles)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    stage = QuantitiesStage(QuantitiesSettings(), REPO)
    stage(Document("warm-up", "حوالي 5 ملايين دولار"))  # load the tables outside the timing
    best = float("inf")
    kinds: Counter[str] = Counter()
    for _ in range(args.repeat):
        docs = [Document(str(i), t) for i, t in enumerate(texts)]
        t0 = time.perf_counter()
        for doc in docs:
            stage(doc)
        best = min(best, time.perf_counter() - t0)
        kinds = Counter(q.kind for d in docs for q in d.quantities)
    print(f"articles: {len(texts)}  text: {megabytes:.1f} MB  best of {args.repeat}: {best:.2f} s")
    print(f"throughput: {megabytes / best:.2f} MB/s  {len(texts) / best:.0f} articles/s")
    print(f"quantities: {sum(kinds.values())}  " + "  ".join(f"{k}={v}" for k, v in kinds.most_common()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
