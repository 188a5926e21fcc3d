"""Small real articles for the engine tests: windows of the seed articles' words.

Every few articles repeats the previous id, because ids in real inputs are not
always unique and each copy must still get its own output line.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SEEDS

DUPLICATE_EVERY = 37


def small_articles(n: int, words: int = 12) -> list[dict]:
    pool = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))).split()
    out = []
    for i in range(n):
        start = (i * words) % (len(pool) - words)
        doc_id = out[-1]["id"] if i and i % DUPLICATE_EVERY == 0 else f"art{i:04d}"
        out.append({"id": doc_id, "text": " ".join(pool[start:start + words]), "n": i})
    return out


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def read_lines(path: Path) -> list[dict]:
    """Every line parsed: a line that is not valid JSON fails the test here."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def cheap_stages() -> list[str]:
    """The rule-based stages that exist in this checkout: tokenize, and
    quantities once its module is there (no model, so tests stay fast)."""
    import importlib.util

    from pipeline.stages import REGISTRY

    names = []
    for name in ("tokenize", "quantities"):
        module = REGISTRY[name].target.partition(":")[0]
        if importlib.util.find_spec(module) is not None:
            names.append(name)
    return names


def cheap_config():
    from pipeline.config import load_config

    return load_config(None, {"pipeline.stages": cheap_stages()})
