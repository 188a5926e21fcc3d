"""Values: digit strings, word-number arithmetic, ISO dates, currencies.

The grammar decides what the tokens are; this module decides what they are
worth. Arithmetic is exact (`Fraction`) until the very end, where a whole
number becomes an `int` and anything else a `float` (FORMAT.md: "int where
exact, float otherwise").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

_GROUPED = re.compile(r"\d{1,3}(?:[, ]\d{3})+(?:\.\d+)?")


def digits_value(text: str) -> Fraction:
    """Value of a folded digit string: "1,500" "1 000 000" "2.5" "3,5" ".5"."""
    if _GROUPED.fullmatch(text):
        return Fraction(text.replace(",", "").replace(" ", ""))
    # A lone comma between digits that is not a thousands group is the
    # decimal comma of Maghrebi and European usage ("2,5 مليون").
    return Fraction(text.replace(",", ".").replace("\u060c", "."))


def as_number(value: Fraction) -> int | float:
    if value.denominator == 1:
        return int(value)
    try:
        return float(value)
    except OverflowError:
        # Past float range (a 400-digit decimal): the whole part is the best
        # JSON can hold; raising here lost the article (hardening corpus).
        return int(value)


def decimal_part(whole_digits: Fraction) -> Fraction:
    """"فاصلة خمسة وخمسين" -> 0.55: the number after the point read as its digits."""
    n = int(whole_digits)
    return Fraction(n, 10 ** len(str(n))) if n > 0 else Fraction(0)


@dataclass(slots=True)
class Accumulator:
    """Sums Arabic number words left to right.

    Arabic compounds add across و ("خمسة وعشرون" = 5 + 20) and multiply by a
    following scale word without و ("ثلاثة آلاف" = 3 x 1000). A scale word
    multiplies everything said since the last larger scale
    ("خمسة وعشرون ألفا" = 25 x 1000), and a scale larger than all that came
    before multiplies the whole ("مئة ألف مليون" = 10^11, "ألف وخمسمئة مليون"
    = 1.5 x 10^9). A scale joined by و is simply added ("مئة وعشرة ومليون").
    """

    total: Fraction = Fraction(0)
    current: Fraction = Fraction(0)

    @property
    def value(self) -> Fraction:
        return self.total + self.current

    def add(self, v: Fraction | int) -> None:
        self.current += v

    def times_hundred(self) -> None:
        self.current *= 100

    def add_scale(self, scale: int) -> None:
        """A scale word joined by و, or standing first: counted as one."""
        self.total += self.current + scale
        self.current = Fraction(0)

    def multiply_scale(self, scale: int) -> bool:
        """A scale word right after a count (no و). False if nothing to multiply."""
        if self.current == 0:
            if 0 < self.total < scale:
                self.total *= scale
                return True
            return False
        if 0 < self.total < scale:
            self.total = (self.total + self.current) * scale
        else:
            self.total += self.current * scale
        self.current = Fraction(0)
        return True


def iso_date(year: int | None, month: int, day: int | None) -> str | None:
    """ISO 8601 text, or None for an impossible date ("31 فبراير")."""
    if not 1 <= month <= 12:
        return None
    if day is not None:
        if not 1 <= day <= _days_in(month, year):
            return None
        return f"{year:04d}-{month:02d}-{day:02d}" if year is not None else f"--{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}" if year is not None else None


def _days_in(month: int, year: int | None) -> int:
    if month == 2:
        leap = year is None or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def numeric_date(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of "04/07/2021", "2021-07-04", "4.7.2021" (day first)."""
    parts = re.split(r"[/.\-]", text)
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    a, b, c = (int(p) for p in parts)
    if len(parts[0]) == 4:
        year, month, day = a, b, c
    elif len(parts[2]) in (2, 4):
        day, month, year = a, b, c
        if len(parts[2]) == 2:
            year += 2000 if year < 50 else 1900
    else:
        return None
    if iso_date(year, month, day) is None:
        return None
    return year, month, day


def resolve_currency(code: str, hints: dict[str, tuple[str, dict[str, list[str]]]],
                     folded_text: str) -> str:
    """An ISO code for a currency word; "?دينار" (ambiguous) looks for a country
    named in the article ("دينار" in an article about Tunisia is TND)."""
    if not code.startswith("?"):
        return code
    default, by_code = hints[code[1:]]
    best, best_count = default, 0
    for candidate, words in by_code.items():
        count = sum(folded_text.count(w) for w in words)
        if count > best_count:
            best, best_count = candidate, count
    return best
