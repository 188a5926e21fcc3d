"""Offset-preserving normalisation of Arabic text.

`normalize(text)` returns the normalised string and, for every character of
it, the index of the original character it came from, so a span found in the
normalised text maps back to the original with `Normalized.to_original`.
The rules are one character table applied in one pass (the DESIGN notes that
thousands of sequential replace rules are what makes naive tokenizers slow).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Digits of every script become ASCII; the Arabic decimal and thousands
# separators become "." and ",".
_DIGITS = {**{chr(0x0660 + i): str(i) for i in range(10)},
           **{chr(0x06F0 + i): str(i) for i in range(10)}}
_SEPARATORS = {"\u066b": ".", "\u066c": ",", "\u066a": "%"}  # ٫ ٬ ٪
# Characters that carry no meaning for matching: tatweel, harakat and other
# marks, bidi controls, zero-width joiners, the BOM.
_DROPPED = ("\u0640" + "".join(chr(c) for c in range(0x064B, 0x0660)) + "\u0670"
            + "".join(chr(c) for c in range(0x0610, 0x061B))
            + "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
            + "\u2066\u2067\u2068\u2069\ufeff\u061c")
# Letter variants folded for matching (used only when fold_letters=True).
_LETTER_FOLDS = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"}


@dataclass(frozen=True, slots=True)
class Normalized:
    text: str
    origin: tuple[int, ...]  # origin[i]: index in the original of text[i]
    original_length: int

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span [start, end) of the normalised text to the original."""
        if start >= end:
            raise ValueError(f"empty span [{start}, {end})")
        return self.origin[start], self.origin[end - 1] + 1


@lru_cache(maxsize=2)
def _table(fold_letters: bool) -> dict[str, str]:
    """The one-pass character table: char -> replacement ('' drops it)."""
    table: dict[str, str] = {**_DIGITS, **_SEPARATORS}
    table.update({c: "" for c in _DROPPED})
    # Presentation forms (U+FB50-U+FDFF, U+FE70-U+FEFF) decompose to base
    # letters by NFKC; a ligature such as ﻻ becomes two letters (لا).
    for cp in [*range(0xFB50, 0xFE00), *range(0xFE70, 0xFEFF)]:
        ch = chr(cp)
        nf = unicodedata.normalize("NFKC", ch)
        if nf != ch and not unicodedata.category(ch).startswith("C"):
            table[ch] = "".join(table.get(c, c) for c in nf if c not in _DROPPED and c != " ")
    if fold_letters:
        table.update(_LETTER_FOLDS)
    return table


def normalize(text: str, *, fold_letters: bool = False) -> Normalized:
    table = _table(fold_letters)
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        rep = table.get(ch)
        if rep is None:
            out.append(ch)
            origin.append(i)
        elif rep:
            out.append(rep)
            origin.extend([i] * len(rep))
    return Normalized("".join(out), tuple(origin), len(text))
