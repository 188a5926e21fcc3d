"""Hand annotations of excerpts of the seed articles -> two small annotated JSONL files.

    python notebooks/data/seed_excerpts.py

writes seeds_train.jsonl (from seeds 000, 001, 004: material to fine-tune on)
and seeds_gold.jsonl (from seeds 002, 003: a small gold file to evaluate
on), in the FORMAT.md record shape. Each excerpt is cut from a seed by its
first and last words, and each name is written once with its label: every
occurrence in the excerpt is annotated, a leading proclitic (و ف ب ل ك) left
outside the span as FORMAT.md asks, longer names first (so "قوات سوريا
الديمقراطية" is one ORG, not an ORG around a LOC). A name marked INSIDE is
also found inside a longer word ("العراقوسوريا" = العراق + سوريا).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parent.parent / "seeds"
INSIDE = "inside"

# (seed, first words, last words, [(name, label[, INSIDE])])
TRAIN = [
    ("000", "بالتزامن مع انعقاد", "ناصر بوريطة.", [
        ("روما", "LOC"), ("داعش", "ORG"), ("سوريا", "LOC"), ("الكويت", "LOC"),
        ("التحالف الدولي", "ORG"), ("المغرب", "LOC"), ("ناصر بوريطة", "PER")]),
    ("000", "وزارة الدفاع الأمريكية (البنتاغون)", "جيم ماتيس:", [
        ("وزارة الدفاع الأمريكية", "ORG"), ("البنتاغون", "ORG"), ("سوريا", "LOC"),
        ("كاثي ويلبارغر", "PER"), ("روما", "LOC"), ("جيم ماتيس", "PER")]),
    ("000", "أمريكا لا ترغب", "مكتظة.", [
        ("أمريكا", "LOC"), ("قوات سوريا الديمقراطية", "ORG"), ("سوريا", "LOC")]),
    ("000", "وتم الكشف عن أعداد", "وغيرهم..", [
        ("سوريا", "LOC"), ("فرنسا", "LOC"), ("بلجيكا", "LOC"), ("بريطانيا", "LOC"),
        ("ألمانيا", "LOC"), ("النرويج", "LOC"), ("السويد", "LOC"), ("إيطاليا", "LOC"),
        ("البوسنة", "LOC")]),
    ("001", "وقال مصدر جزائري", "وليبيا.", [
        ("الجزائر", "LOC"), ("داعش", "ORG"), ("سوريا", "LOC"), ("العراق", "LOC"),
        ("ليبيا", "LOC")]),
    ("001", "وفي تقدير واشنطن", "«الإرهاب».", [
        ("واشنطن", "LOC"), ("مجلس الأمن", "ORG")]),
    ("004", "عقد وزراء خارجية التحالف", "وأمريكا.", [
        ("التحالف الدولي لهزيمة داعش", "ORG"), ("روما", "LOC"), ("الولايات المتحدة", "LOC"),
        ("أنتوني ج. بلينكن", "PER"), ("إيطاليا", "LOC"), ("أمريكا", "LOC")]),
    ("004", "ورحّب الوزراء", "واليمن.", [
        ("جمهورية أفريقيا الوسطى", "LOC"), ("جمهورية الكونغو الديمقراطية", "LOC"),
        ("موريتانيا", "LOC"), ("اليمن", "LOC")]),
]
GOLD = [
    ("002", "المدينة نيوز :- قال", "وإقرار نهج عصري لمواجهته.", [
        # "للتحالف الدولي لهزيمة داعش": the article's ل swallowed the alef of
        # ال, so no span of the text is the full name without its clitic.
        ("المدينة نيوز", "ORG"), ("داعش", "ORG"), ("مراكش", "LOC")]),
    ("002", "ودعا ناصر بوريطة", "العالمية\".", [
        ("ناصر بوريطة", "PER"), ("المغرب", "LOC"), ("أنتوني بلينكن", "PER")]),
    ("002", "واستعرض بوريطة", "منذ 2002\"", [
        ("بوريطة", "PER"), ("المغرب", "LOC")]),
    ("003", "أكد التحالف العالمي", "\"قد انتهت\".", [
        ("التحالف العالمي لمحاربة داعش", "ORG"), ("واشنطن", "LOC"),
        ("العراق", "LOC", INSIDE), ("سوريا", "LOC", INSIDE)]),
    ("003", "ولذلك، دعا التحالف", "هذين البلدين.", [
        ("العراق", "LOC", INSIDE), ("سوريا", "LOC", INSIDE), ("داعش", "ORG")]),
]


def seed_text(seed: str) -> str:
    return next(SEEDS.glob(f"{seed}_*.txt")).read_text(encoding="utf-8")


def record(seed: str, first: str, last: str, names: list[tuple]) -> dict:
    text = seed_text(seed)
    start = text.index(first)
    text = text[start:text.index(last, start) + len(last)]
    taken: list[tuple[int, int, str]] = []
    for name, label, *how in sorted(names, key=lambda n: -len(n[0])):
        pattern = re.escape(name) if how == [INSIDE] else \
            r"(?<!\w)(?:[وف]?[بلك]?)(" + re.escape(name) + r")(?!\w)"
        found = 0
        for m in re.finditer(pattern, text):
            s, e = (m.start(1), m.end(1)) if m.groups() else m.span()
            if all(e <= a or s >= b for a, b, _ in taken):
                taken.append((s, e, label))
                found += 1
        assert found, f"{name!r} not found in seed {seed} excerpt {first!r}"
    return {"id": f"seed{seed}-{start}", "text": text,
            "entities": [{"start": s, "end": e, "text": text[s:e], "label": lab}
                         for s, e, lab in sorted(taken)]}


def main() -> None:
    for name, rows in (("seeds_train.jsonl", TRAIN), ("seeds_gold.jsonl", GOLD)):
        with open(HERE / name, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(record(*row), ensure_ascii=False) + "\n")
        print(f"wrote {HERE / name}: {len(rows)} records")


if __name__ == "__main__":
    main()
