"""The hostile cases too big (or too binary) to commit, generated at test time.

    python -m tests.hostile.generate DIR [--big-mb 20]

writes, into DIR, the files listed in GENERATED and HEAVY with the records
the corpus test expects of each (the same shape as expected.toml). Everything is
deterministic (fixed seeds) so a failure reproduces.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from tests.conftest import SEEDS

# file name -> [(id, error type or "")]: what the output must hold, in order.
# The 20 MB article is past the default [limits] max_chars (2,000,000).
# HEAVY files hold many tokens (or many characters): the CI test runs them
# through the cheap stages only, the benchmark script through all of them.
GENERATED: dict[str, list[tuple[str, str]]] = {
    "word_100k.txt": [("word_100k", "")],
    "binary_junk.txt": [("binary_junk", "DecodeError")],
    "huge.jsonl": [
        ("huge:1", "JSONError"),     # arrays nested 100,000 deep
        ("huge:2", "JSONError"),     # an id of 5,000 digits (past Python's int limit)
        ("huge_ok", ""),             # a 3 MB line (a big meta field)
        ("many_fields", ""),         # 10,000 meta fields carried through
    ],
}
HEAVY: dict[str, list[tuple[str, str]]] = {
    "big_20mb.txt": [("big_20mb", "TooLong")],
    "big_under_limit.txt": [("big_under_limit", "")],
    "punctuation_100k.txt": [("punctuation_100k", "")],
    "binary_valid_utf8.txt": [("binary_valid_utf8", "")],
}


def seed_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))


def article_of_bytes(n_bytes: int) -> bytes:
    """Real seed prose repeated to `n_bytes` (UTF-8), cut at a character edge."""
    unit = (seed_text() + "\n").encode("utf-8")
    data = unit * (n_bytes // len(unit) + 1)
    return data[:n_bytes].decode("utf-8", "ignore").encode("utf-8")


def write_heavy(folder: Path, big_mb: int = 20) -> dict[str, list[tuple[str, str]]]:
    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(20240214)
    (folder / "big_20mb.txt").write_bytes(article_of_bytes(big_mb * 1_000_000))
    # Under the 2M-character limit but big: ~300,000 characters of seed prose
    # (tests/test_hardening_limits.py times the tokenizer at the limit itself).
    (folder / "big_under_limit.txt").write_bytes(article_of_bytes(550_000))
    (folder / "punctuation_100k.txt").write_text(
        "بدأ: " + "".join(rnd.choice('"«»()[]:;؛،!؟?….,-') for _ in range(100_000)) + " انتهى.",
        encoding="utf-8")
    # Valid UTF-8 but no language: controls, private use, noncharacters,
    # unassigned and astral code points, combining marks with no base.
    cps = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    (folder / "binary_valid_utf8.txt").write_text(
        "".join(chr(rnd.choice(cps)) for _ in range(20_000)) + "".join(
            chr(c) for c in (0, 1, 0xFFFE, 0xFFFF, 0xE000, 0x10FFFF, 0x0300, 0x0301)),
        encoding="utf-8")
    return HEAVY


def write_all(folder: Path) -> dict[str, list[tuple[str, str]]]:
    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(20240213)
    (folder / "word_100k.txt").write_text(
        "قال الوزير إن " + "".join(rnd.choice("ابتثجحخدذرزسشصضطظعغفقكلمنهوي") for _ in range(100_000))
        + " وصل 20 ألف شخص.", encoding="utf-8")
    # Random bytes: a PNG-like header, NULs, invalid UTF-8 everywhere.
    (folder / "binary_junk.txt").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rnd.randrange(256) for _ in range(65_536)))
    lines = [
        "[" * 100_000 + "]" * 100_000,
        '{"id": ' + "9" * 5000 + ', "text": "قال"}',
        # A 3 MB line: a short article carrying a big meta field through.
        json.dumps({"id": "huge_ok", "text": seed_text()[:2000],
                    "raw_html": "<p>" + "ن" * 1_500_000 + "</p>"}, ensure_ascii=False),
        json.dumps({"id": "many_fields", "text": "قال الوزير إن 5 آلاف",
                    **{f"f{i}": i for i in range(10_000)}}, ensure_ascii=False),
    ]
    (folder / "huge.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return GENERATED


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--big-mb", type=int, default=20)
    args = parser.parse_args()
    write_all(args.folder)
    write_heavy(args.folder, args.big_mb)


if __name__ == "__main__":
    main()
