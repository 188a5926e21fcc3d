"""Matching form of Arabic text (for rule grammars), with a map back to the original.

Everything the grammar looks at is folded first: Eastern (٠-٩) and Persian
(۰-۹) digits become ASCII, ٫ ٬ ٪ become . , %, alef/hamza/ta-marbuta/ya
variants fold to one letter each (so "مئة", "مائة" and "مية" meet the tables as
"ميه", "مايه", "ميه"), and tatweel, diacritics and invisible marks are dropped.

Speed matters here (the stage must run at well over 1 MB/s), so folding is a
single `str.translate` in C. One-to-one replacements keep offsets; only the
dropped characters move them, and those are rare, so the map back is a sorted
list of drop positions searched with `bisect` instead of an array the size of
the text.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

# One-to-one replacements (offsets unchanged).
_DIGITS = {**{0x0660 + i: str(i) for i in range(10)}, **{0x06F0 + i: str(i) for i in range(10)}}
_SEPARATORS = {0x066B: ".", 0x066C: ",", 0x066A: "%"}
# Letter variants: the tables are written in any spelling and folded the same way.
_LETTERS = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي",
            "ک": "ك", "ی": "ي", "ہ": "ه", "ۃ": "ه", "ڤ": "ف", "گ": "ك", "پ": "ب", "چ": "ج",
            "\u00a0": " ", "\u202f": " ", "\u2009": " ", "–": "-", "—": "-", "−": "-"}
# Characters that carry nothing for matching: tatweel, harakat, superscript
# alef, Quranic marks, bidi controls and zero-width joiners.
DROPPED = ("\u0640" + "".join(chr(c) for c in range(0x064B, 0x0660)) + "\u0670"
           + "".join(chr(c) for c in range(0x0610, 0x061B))
           + "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
           + "\u2066\u2067\u2068\u2069\ufeff\u061c\u00ad")
_DROPPED_RE = re.compile(f"[{re.escape(DROPPED)}]")
# Marks that belong to the letter before them: a span ending on a letter keeps them.
TRAILING_MARKS = frozenset("\u0640" + "".join(chr(c) for c in range(0x064B, 0x0660)) + "\u0670")


@lru_cache(maxsize=1)
def _table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    # Presentation forms of single letters fold to the base letter (one to
    # one, so offsets hold); ligatures that expand to two letters are left
    # alone -- they do not occur inside number words in practice.
    for cp in [*range(0xFB50, 0xFE00), *range(0xFE70, 0xFEFF)]:
        nf = unicodedata.normalize("NFKC", chr(cp))
        if len(nf) == 1 and nf != chr(cp):
            table[cp] = nf
    for k, v in _LETTERS.items():
        table[ord(k)] = v
    # A folded presentation form must fold on to the same letter as the base.
    for cp, v in list(table.items()):
        if isinstance(v, str) and v in _LETTERS:
            table[cp] = _LETTERS[v]
    table.update(_DIGITS)
    table.update(_SEPARATORS)
    for ch in DROPPED:
        table[ord(ch)] = None
    return table


def fold(text: str) -> str:
    """The matching form of `text` (used for the tables and for the text)."""
    return text.translate(_table())


@dataclass(frozen=True, slots=True)
class Folded:
    """A folded text and the way back to the original's offsets."""

    text: str
    original: str
    # For the k-th dropped character: its position in the folded text (where
    # it would have stood) -- sorted, so `bisect` counts drops before a point.
    _drops_at: tuple[int, ...]

    def start(self, i: int) -> int:
        """Original offset of folded character `i` (a span's start)."""
        if not self._drops_at:
            return i
        return i + bisect_right(self._drops_at, i)

    def end(self, j: int) -> int:
        """Original offset for a span ending before folded character `j`.

        Diacritics and tatweel riding on the span's last letter stay in it
        ("خمسةٌ" keeps its tanween); invisible marks after it do not."""
        if not self._drops_at:
            return j
        e = (j - 1) + bisect_right(self._drops_at, j - 1) + 1
        text = self.original
        while e < len(text) and text[e] in TRAILING_MARKS:
            e += 1
        return e


def fold_with_offsets(text: str) -> Folded:
    folded = fold(text)
    if len(folded) == len(text):
        return Folded(folded, text, ())
    drops = [m.start() - k for k, m in enumerate(_DROPPED_RE.finditer(text))]
    return Folded(folded, text, tuple(drops))
