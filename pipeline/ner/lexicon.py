"""Name lexicon: how often each surface form is a whole entity in training data.

Used only to decide character-level edits the model's word-level tags cannot
express: whether "وسوريا" hides the name "سوريا" (trim the و) and whether
"العراقوسوريا" is two names joined by و (split). Built from the training
corpora (never from the dev split) and shipped next to the model as
`names.tsv` (form, label, count).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Sequence

from pipeline.ner.decode import spans

FILENAME = "names.tsv"


class NameLexicon:
    def __init__(self, counts: dict[str, Counter] | None = None):
        self.counts: dict[str, Counter] = counts or {}

    def count(self, form: str) -> int:
        c = self.counts.get(form)
        return sum(c.values()) if c else 0

    def label(self, form: str) -> str | None:
        c = self.counts.get(form)
        return c.most_common(1)[0][0] if c else None

    def __len__(self) -> int:
        return len(self.counts)

    @classmethod
    def from_sentences(cls, sentences: Iterable[tuple[Sequence[str], Sequence[str]]],
                       types: Sequence[str] = ("PER", "LOC", "ORG")) -> NameLexicon:
        counts: dict[str, Counter] = defaultdict(Counter)
        for words, tags in sentences:
            for i, j, typ in spans(list(tags)):
                if typ in types:
                    counts[" ".join(words[i:j])][typ] += 1
        return cls(dict(counts))

    def save(self, folder: Path, min_count: int = 1) -> Path:
        path = Path(folder) / FILENAME
        rows = sorted((form, lab, n) for form, c in self.counts.items() for lab, n in c.items()
                      if sum(c.values()) >= min_count)
        with open(path, "w", encoding="utf-8") as fh:
            for form, lab, n in rows:
                fh.write(f"{form}\t{lab}\t{n}\n")
        return path

    @classmethod
    def load(cls, folder: Path) -> NameLexicon:
        path = Path(folder) / FILENAME
        counts: dict[str, Counter] = defaultdict(Counter)
        if path.exists():
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    form, lab, n = line.rstrip("\n").split("\t")
                    counts[form][lab] += int(n)
        return cls(dict(counts))
