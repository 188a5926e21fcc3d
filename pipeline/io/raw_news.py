"""The shared raw news files (`raw_news/*.jsonl.gz`, the ANT corpus): one
JSON record a line with `id`, `title`, `text` and source fields.

Unlabelled text for the model's build steps: the vocabulary count
(ner/base.py), domain adaptation (ner/adapt.py), self-training samples
(ner/silver.py) and the int8 sensitivity pass (ner/onnx_export.py).
"""

from __future__ import annotations

import gzip
import json
from itertools import islice
from pathlib import Path
from typing import Iterator

MULTISOURCE = "ant_multisource_v2.1.jsonl.gz"
JAWHARAFM = "ant_jawharafm_v1.1.jsonl.gz"  # Tunisian radio news
NEWS_FILES = (MULTISOURCE, JAWHARAFM)


def news_path(data_dir: Path, name: str) -> Path:
    return Path(data_dir) / "raw_news" / name


def iter_records(path: Path, limit: int = 0) -> Iterator[dict]:
    """The records of one file, the first `limit` of them (0: all)."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        yield from map(json.loads, islice(fh, limit or None))


def title_and_text(record: dict) -> str:
    return (record.get("title") or "") + "\n" + (record.get("text") or "")
