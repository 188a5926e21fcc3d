"""The number grammar: folded text -> quantity matches.

One compiled regex cuts the folded text into tokens (numbers, dates such as
04/07/2021, words, symbols, punctuation); punctuation is a token too, so a
comma or full stop always ends a number. Then a left-to-right scan tries, at
each token that can start a quantity, these rules in order:

    month phrase      never a number by itself ("كانون الثاني" is not 2)
    date              DAY MONTH [/ MONTH | (MONTH)] [عام] YEAR | MONTH YEAR | 04/07/2021
    identifier        WORD-19 | A320 | رقم 2396 (and "رقم 82 و83") | phone numbers
    amount            [qualifier] [بين|من] NUMBER [و|إلى|- NUMBER] [% | currency | unit
                      [مربع] | duration [ونصف]] [تقريبا]
                      NUMBER = digits or words, joined by و, times scale words
    ordinal           الأول, الحادي عشر, الحادية والعشرون, الـ21, العاشر بعد المئة
    vague             المئات, عشرات الآلاف, عدة (value null)

Rules read the data tables through `lexicon.tables()`; nothing here lists
Arabic words except the conjunction و and the article ال, which are syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from pipeline.quantities import resolve
from pipeline.quantities.lexicon import NUMBER_CATS, Candidate, Tables, tables

_LETTERS = "\u0621-\u064a\u066e-\u066f\u0671-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077fA-Za-z"
_DATE = r"(?<![\d.,/])(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})|\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2})(?![\d/])"
_TIME = r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)"
# Thousands groups (comma or space, the space only before exactly three
# digits), plain digits with one decimal mark, or a bare decimal ".5". The
# Arabic comma between digits with no space is a decimal mark ("1،45 مليون").
_NUM = (r"(?<![\d.,])(?:\d{1,3}(?:(?:,| (?=\d{3}(?![\d.,]\d)(?!\d)))\d{3})+(?:\.\d+)?(?!\d)"
        r"|\d+(?:[.,\u060c]\d+)?|[.,]\d+)")
_TOKEN = re.compile(rf"(?P<d>{_DATE})|(?P<t>{_TIME})|(?P<n>{_NUM})|(?P<w>[{_LETTERS}]+)"
                    r"|(?P<s>[%$€£¥°/+\-()])|(?P<p>\S)")
_LATIN = re.compile(r"[A-Za-z]")
_CURRENCY_SYMBOLS = frozenset("$€£¥")
# Clitic-only words that can stand glued before digits ("و٢٥", "بـ700").
_CLITIC_WORDS = frozenset({"و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "بال", "ال"})
_CONJ = "و"
# The article before digits makes an ordinal ("الـ21", tatweel already folded away).
_ARTICLES = frozenset({"ال", "وال", "بال", "فال", "لل"})


# Characters of a digit token (separators included) beyond which it is never
# an amount: a quadrillion with grouping and decimals fits in 30.
MAX_AMOUNT_CHARS = 30


@dataclass(slots=True)
class Match:
    """A quantity in folded-text offsets (the stage maps them back)."""

    start: int
    end: int
    kind: str
    value: int | float | None = None
    unit: str | None = None
    approximate: bool = False
    qualifier: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Number:
    """A parsed number expression over tokens [first, stop)."""

    value: Fraction
    first: int
    stop: int
    words: bool          # any number word in it
    scale: int           # the last scale word multiplied in (1 if none)
    plain: bool          # one digit token and nothing else


class Scanner:
    """Scan one folded text. Create one per text; `run()` returns matches."""

    def __init__(self, text: str, lexicon: Tables | None = None):
        self.t = lexicon or tables()
        self.text = text
        kinds, starts, ends, texts = [], [], [], []
        for m in _TOKEN.finditer(text):
            kinds.append(m.lastgroup)
            starts.append(m.start())
            ends.append(m.end())
            texts.append(m.group())
        self.kinds, self.starts, self.ends, self.texts = kinds, starts, ends, texts
        self.n = len(kinds)
        self.matches: list[Match] = []
        self._last_kind: str | None = None
        self._last_stop = -1

    # -- token helpers --------------------------------------------------
    def glued(self, i: int) -> bool:
        """Token i touches token i-1 (no space between)."""
        return 0 < i < self.n and self.starts[i] == self.ends[i - 1]

    def cands(self, i: int) -> list[Candidate]:
        if i >= self.n or self.kinds[i] not in "ws":
            return []
        return self.t.words.get(self.texts[i], [])

    def phrase(self, i: int, cats: frozenset[str] | set[str], *, definite: bool | None = False,
               alone: bool = True) -> tuple[Candidate, int] | None:
        """The longest lexicon phrase of a category in `cats` at token i: (cand, stop)."""
        for c in self.cands(i):
            e = c.entry
            if e.cat not in cats or (definite is not None and e.definite != definite):
                continue
            if alone and not c.alone:
                continue
            k = i + 1
            ok = True
            for word in c.rest:
                if k >= self.n or self.texts[k] != word:
                    ok = False
                    break
                k += 1
            if ok:
                return c, k
        return None

    def word_before(self, i: int) -> int:
        """Index of the token before i, skipping a clitic glued to i ("و" in "و100")."""
        k = i - 1
        if k >= 0 and self.kinds[k] == "w" and self.texts[k] in _CLITIC_WORDS and self.glued(i):
            k -= 1
        return k

    def start_of(self, i: int) -> int:
        """Where a span starting at token i begins (after its clitics)."""
        if self.kinds[i] == "w":
            c = self.cands(i)
            if c:
                return self.starts[i] + c[0].skip
        return self.starts[i]

    # -- the scan -------------------------------------------------------
    def run(self) -> list[Match]:
        i = 0
        n = self.n
        words = self.t.words
        while i < n:
            kind = self.kinds[i]
            if kind == "w":
                if self.texts[i] not in words and not self._identifier_start(i) \
                        and not self._article_digits(i):
                    i += 1
                    continue
            elif kind == "p" or kind == "t":
                i += 1
                continue
            elif kind == "s" and self.texts[i] not in _CURRENCY_SYMBOLS and self.texts[i] != "-":
                i += 1
                continue
            stop = (self.month_skip(i) or self.date(i) or self.identifier(i) or self.amount(i)
                    or self.ordinal(i) or self.dual_duration(i) or self.vague(i))
            i = stop if stop else i + 1
        return self.matches

    def emit(self, first: int, stop: int, kind: str, *, start: int | None = None,
             **fields: Any) -> int:
        self.matches.append(Match(self.start_of(first) if start is None else start,
                                  self.ends[stop - 1], kind, **fields))
        self._last_kind, self._last_stop = kind, stop
        return stop

    # -- rules ------------------------------------------------------------
    def month_skip(self, i: int) -> int | None:
        """A month name with no day or year around it is consumed silently, so
        "كانون الثاني" never yields the ordinal "الثاني"."""
        if self.kinds[i] != "w":
            return None
        hit = self.phrase(i, {"month"})
        if hit is None:
            return None
        found = self.date(i)
        return found if found else hit[1]

    def _month(self, i: int) -> tuple[int, int] | None:
        """MONTH [/ MONTH | (MONTH)] at i -> (month, stop)."""
        hit = self.phrase(i, {"month"})
        if hit is None:
            return None
        month, k = hit[0].entry.value, hit[1]
        # "أيلول/سبتمبر", "حزيران (يونيو)": the second name repeats the month.
        if k < self.n and self.texts[k] == "/":
            alt = self.phrase(k + 1, {"month"})
            if alt and alt[0].entry.value == month:
                k = alt[1]
        elif k < self.n and self.texts[k] == "(":
            alt = self.phrase(k + 1, {"month"})
            if alt and alt[0].entry.value == month and alt[1] < self.n and self.texts[alt[1]] == ")":
                k = alt[1] + 1
        return month, k

    def _year_at(self, k: int) -> tuple[int, int] | None:
        """[عام|سنة] YYYY at k -> (year, stop)."""
        if k < self.n and self.kinds[k] == "w" and self.texts[k] in self.t.year_triggers \
                and k + 1 < self.n and self.kinds[k + 1] == "n":
            k += 1
        if k < self.n and self.kinds[k] == "n" and self.texts[k].isdigit() \
                and len(self.texts[k]) == 4 and 1000 <= int(self.texts[k]) <= 2999:
            return int(self.texts[k]), k + 1
        return None

    def date(self, i: int) -> int | None:
        kind = self.kinds[i]
        if kind == "d":
            ymd = resolve.numeric_date(self.texts[i])
            if ymd is None:
                return None
            y, m, d = ymd
            return self.emit(i, i + 1, "date", extra={"iso": resolve.iso_date(y, m, d)})
        day = None
        k = i
        if kind == "n" and self.texts[i].isdigit() and len(self.texts[i]) <= 2:
            day = int(self.texts[i])
            k = i + 1
            if k < self.n and self.texts[k] == "من":  # "11 من سبتمبر"
                k += 1
        elif kind != "w":
            return None
        month = self._month(k)
        if month is None:
            return None
        m, k = month
        year = self._year_at(k)
        if day is None and year is None:
            return None
        y, stop = year if year else (None, k)
        iso = resolve.iso_date(y, m, day)
        if iso is None:
            return None
        return self.emit(i, stop, "date", extra={"iso": iso})

    def _identifier_start(self, i: int) -> bool:
        """A word glued to digits by a hyphen or directly, Latin ("A320", "كوفيد-19")."""
        k = i + 1
        if k < self.n and self.texts[k] == "-" and self.glued(k):
            k += 1
        return k < self.n and self.kinds[k] == "n" and self.glued(k) and (
            k == i + 2 or bool(_LATIN.match(self.texts[i])))

    def identifier(self, i: int) -> int | None:
        kind = self.kinds[i]
        if kind == "w" and self._identifier_start(i):
            stop = i + 3 if self.texts[i + 1] == "-" else i + 2
            # "F-16A", "5G": trailing Latin letters belong to the code.
            if stop < self.n and self.glued(stop) and _LATIN.match(self.texts[stop]):
                stop += 1
            return self.emit(i, stop, "identifier")
        if kind != "n":
            return None
        before = self.word_before(i)
        trigger = before >= 0 and self.kinds[before] == "w" and self.texts[before] in self.t.id_triggers
        # "رقم 82 و83": an identifier joined to an identifier.
        chained = (self._last_kind == "identifier" and i - 1 == self._last_stop
                   and self.texts[i - 1] == _CONJ)
        text = self.texts[i]
        phone = text.isdigit() and len(text) >= 8 and (
            text[0] == "0" or (i > 0 and self.texts[i - 1] == "+" and self.glued(i)))
        latin_after = i + 1 < self.n and self.glued(i + 1) and _LATIN.match(self.texts[i + 1])
        # A digit run longer than any amount news reports is a code, and its
        # value would not survive JSON (nor Python's int-from-string limit).
        too_long = len(text) > MAX_AMOUNT_CHARS
        if not (trigger or chained or phone or latin_after or too_long):
            return None
        stop = i + 2 if latin_after else i + 1
        start = self.starts[i - 1] if (phone and i > 0 and self.texts[i - 1] == "+") else None
        return self.emit(i, stop, "identifier", start=start)

    # -- numbers --------------------------------------------------------
    def _num_cand(self, k: int, *, joined: bool = False) -> Candidate | None:
        """The number-word reading of token k. Inside a number (`joined`) a
        reading with the conjunction wins: folded "وأحد" is "واحد" too."""
        found = None
        for c in self.cands(k):
            e = c.entry
            if e.cat in NUMBER_CATS and not c.rest and not e.definite:
                if not joined or c.conj:
                    return c
                found = found or c
        return found

    def number(self, i: int, *, stop_at_and: bool = False, small_scales_only: bool = False
               ) -> Number | None:
        """Parse digits and/or number words from token i (see resolve.Accumulator)."""
        if i >= self.n:
            return None
        acc = resolve.Accumulator()
        sign = 1
        j = i
        n = self.n
        words = False
        scale = 1
        last = ""           # what the last consumed token was
        parts = 0
        lone_ok = True      # False: a word that counts only inside a compound
        stop = i
        # A leading minus glued to digits ("-10,000"), or the word "سالب".
        if self.kinds[i] == "s":
            if self.texts[i] != "-" or i + 1 >= n or self.kinds[i + 1] != "n" or not self.glued(i + 1) \
                    or (i > 0 and self.glued(i) and self.kinds[i - 1] in "nw"):
                return None
            sign, j = -1, i + 1
        elif self.kinds[i] == "w":
            c = self._num_cand(i)
            if c is not None and c.entry.cat == "negative":
                sign, j = -1, i + 1
        while j < n:
            k = j
            conj = False
            if parts:
                if self.kinds[k] == "w" and self.texts[k] == _CONJ:
                    conj, k = True, k + 1
                    if k >= n:
                        break
            kind = self.kinds[k]
            if kind == "n":
                v = resolve.digits_value(self.texts[k])
                if parts:
                    # Digits continue a number only after و and a scale word
                    # or number words: "ثلاثة آلاف و500", not "2014 و2015".
                    if not conj or stop_at_and or not (words or last == "scale"):
                        break
                    if last == "scale" or acc.current == 0:
                        acc.add(v)
                    else:
                        break
                else:
                    acc.add(v)
                last, parts, stop = "digits", parts + 1, k + 1
                j = k + 1
                continue
            c = self._num_cand(k, joined=parts > 0 and not conj) if kind == "w" else None
            if c is None:
                break
            e = c.entry
            # The first token's clitic و stays outside the span ("وثلاثة");
            # a later token's و joins it to the number.
            if parts and c.conj:
                if conj:
                    break
                conj = True
            if parts and conj and stop_at_and:
                break
            cat = e.cat
            if cat in ("negative", "vague", "ordinal", "compound_ordinal"):
                break
            if e.surface in self.t.join_only and not parts:
                nxt = self._num_cand(k + 1) if k + 1 < n else None
                if nxt is None or nxt.conj or nxt.entry.cat not in ("hundred", "scale"):
                    break
            elif not c.alone:
                lone_ok = lone_ok and parts > 0
            if cat in ("one", "teen_one", "ten"):
                value = e.value
                nxt = k + 1
                # "خمسة عشر", "اثنا عشر": a unit word then the word for ten.
                if cat != "ten" and nxt < n:
                    ten = self._num_cand(nxt)
                    if ten is not None and ten.entry.cat == "ten" and not ten.conj \
                            and self.texts[nxt] != _CONJ and value >= 1:
                        value, k = value + 10, nxt
                if cat == "teen_one" and value < 10:
                    break
                if parts and not conj:
                    break
                acc.add(value)
                last = "small"
            elif cat in ("teen", "tens"):
                if parts and not conj:
                    break
                acc.add(e.value)
                last = "small"
            elif cat == "hundred" and e.form == "plural":
                # "ثلاث مئات": a count of hundreds; alone it is vague.
                if not parts or conj or not 0 < acc.current < 10:
                    break
                acc.times_hundred()
                last, scale = "hundred", 100
            elif cat == "hundred":
                if parts and not conj:
                    # "ثلاث مئة", "عشرين مئة", "ربع مية": a count then the hundred.
                    if e.form == "one" and e.value == 100 and 0 < acc.current < 100 and last in (
                            "small", "fraction", "digits"):
                        acc.times_hundred()
                    else:
                        break
                else:
                    acc.add(e.value)
                last, scale = "hundred", 100
            elif cat == "scale":
                value = e.value
                if e.form == "plural":
                    if not parts or conj or acc.current == 0:
                        break
                    if small_scales_only and value >= 1_000_000:
                        break
                    acc.multiply_scale(value)
                elif parts and not conj:
                    if e.form == "dual":
                        break
                    if small_scales_only and value >= 1_000_000:
                        break
                    if not acc.multiply_scale(value):
                        break
                else:
                    acc.add_scale(value * (2 if e.form == "dual" else 1))
                last, scale = "scale", value
            elif cat == "fraction":
                f = e.value
                if e.form == "plural":  # "ثلاثة أرباع"
                    if not parts or conj or not 0 < acc.current <= 10:
                        break
                    acc.current *= f
                elif parts and conj:
                    nxt = self._num_cand(k + 1) if k + 1 < n else None
                    multiplies = nxt is not None and not nxt.conj and nxt.entry.cat in ("hundred", "scale")
                    if multiplies:
                        # "ألفين وعشرين ونص مية": the fraction starts its own group.
                        acc.total += acc.current
                        acc.current = f
                    else:
                        # "مليون ونصف", "ثلاثة آلاف ونصف", "عشرة ونصف": half of the last unit.
                        unit = scale if last in ("scale", "hundred") else 1
                        acc.add(f * unit)
                elif parts:
                    break
                else:
                    acc.add(f)
                last = "fraction"
            elif cat == "point":
                if not parts or conj:
                    break
                sub = self.number(k + 1, small_scales_only=True)
                if sub is None or sub.value < 0 or sub.value.denominator != 1:
                    break
                whole = acc.value + resolve.decimal_part(sub.value)
                acc = resolve.Accumulator(current=whole)
                words = True
                last, parts, stop = "digits", parts + 2, sub.stop
                j = sub.stop
                continue
            else:
                break
            if kind == "w":
                words = True
            parts += 1
            stop = k + 1
            j = k + 1
        if parts == 0 or not lone_ok:
            return None
        plain = parts == 1 and last == "digits" and sign == 1 and self.kinds[stop - 1] == "n"
        return Number(acc.value * sign, i, stop, words, scale, plain)

    def _qualifier_ending(self, k: int) -> str | None:
        """A qualifier phrase whose last word is token k ("أكثر من", "بحوالي")."""
        for size in range(self.t.max_qualifier_words, 0, -1):
            lo = k - size + 1
            if lo < 0 or any(self.kinds[x] != "w" for x in range(lo, k + 1)):
                continue
            q = self.t.qualifiers_before.get(tuple(self.texts[lo:k + 1]))
            if q is not None:
                return q
        return None

    def _context_before(self, first: int) -> tuple[str | None, str | None]:
        """(qualifier, range opener "between"/"from") before token `first`."""
        k = self.word_before(first)
        if k < 0 or self.kinds[k] != "w":
            return None, None
        qualifier = self._qualifier_ending(k)
        if qualifier is not None:
            return qualifier, None
        opener = None
        if (self.texts[k],) in self.t.range_between:
            opener, k = "between", k - 1
        elif k >= 1 and tuple(self.texts[k - 1:k + 1]) in self.t.range_between:
            opener, k = "between", k - 2
        elif self.texts[k] in self.t.range_from:
            opener, k = "from", k - 1
        if opener and k >= 0:
            qualifier = self._qualifier_ending(k)
        return qualifier, opener

    def _qualifier_after(self, k: int) -> tuple[str | None, int]:
        for size in range(self.t.max_qualifier_words, 0, -1):
            if k + size > self.n:
                continue
            q = self.t.qualifiers_after.get(tuple(self.texts[k:k + size]))
            if q is not None:
                return q, k + size
        return None, k

    def _second(self, k: int, opener: str | None) -> tuple[Number, int] | None:
        """The upper end of a range after the first number's stop k."""
        if k >= self.n:
            return None
        t = self.texts[k]
        if t == "-" and self.kinds[k] == "s" and k + 1 < self.n and self.kinds[k + 1] == "n":
            return (num, k) if (num := self.number(k + 1)) else None
        if opener == "between" and self.kinds[k] == "w" and t == _CONJ:
            return (num, k) if (num := self.number(k + 1)) else None
        if opener == "between" and self.kinds[k] == "w":
            c = self._num_cand(k)
            if c is not None and c.conj:
                num = self.number(k)
                return (num, k) if num else None
        if t in self.t.range_to and k + 1 < self.n:
            return (num, k) if (num := self.number(k + 1)) else None
        return None

    def amount(self, i: int) -> int | None:
        kind = self.kinds[i]
        if kind == "s" and self.texts[i] in _CURRENCY_SYMBOLS:
            # "$700": the symbol first.
            num = self.number(i + 1) if i + 1 < self.n and self.kinds[i + 1] == "n" else None
            if num is None:
                return None
            code = self.phrase(i, {"currency"})
            qualifier, _ = self._context_before(i)
            return self.emit(i, num.stop, "money", value=resolve.as_number(num.value),
                             unit=code[0].entry.value if code else None,
                             qualifier=qualifier, approximate=qualifier == "about")
        qualifier, opener = self._context_before(i)
        num = self.number(i, stop_at_and=opener == "between")
        if num is None:
            return None
        if num.stop == i + 1 and num.stop < self.n and self.texts[num.stop] in self.t.one_of_before \
                and self.cands(i) and self.cands(i)[0].entry.surface in self.t.one_of:
            return i + 1
        stop = num.stop
        low = high = None
        second = self._second(stop, opener)
        if second is not None:
            hi_num, _ = second
            lo_v, hi_v = num.value, hi_num.value
            # "بين 10 و20 مليون": the scale said once covers both ends.
            if num.scale == 1 and hi_num.scale > 1 and lo_v < hi_num.scale:
                lo_v *= hi_num.scale
            if lo_v < hi_v:
                low, high, stop = lo_v, hi_v, hi_num.stop
            elif self.texts[num.stop] == "-" and num.plain and hi_num.plain:
                # "2-1": a score, not an amount.
                return hi_num.stop
        value = num.value
        unit = None
        kind = "cardinal"
        k = stop
        hit = self.phrase(k, {"percent", "currency", "unit", "duration"}, definite=None) \
            if k < self.n else None
        if hit is not None:
            cand, after = hit
            e = cand.entry
            if e.cat == "percent":
                kind = "percent"
                value = value / e.value
                if low is not None:
                    low, high = low / e.value, high / e.value
                k = after
            elif e.cat == "currency" and not e.definite:
                kind, unit, k = "money", e.value, after
            elif e.cat == "unit":
                kind, unit, k = "quantity", e.value, after
                power = self.phrase(k, {"power"})
                if power is not None:
                    unit, k = unit + power[0].entry.value, power[1]
            elif e.cat == "duration" and e.form == "one" and not e.definite:
                kind, unit, k = "duration", e.value, after
                # "ثلاث سنوات ونصف": the fraction after the unit.
                extra = self._num_cand(k) if k < self.n else None
                if extra is not None and extra.conj and extra.entry.cat == "fraction" \
                        and extra.entry.form == "one":
                    value += extra.entry.value
                    k += 1
        elif k < self.n and self.kinds[k] == "s" and self.texts[k] in _CURRENCY_SYMBOLS:
            code = self.phrase(k, {"currency"})
            kind, unit, k = "money", code[0].entry.value if code else None, k + 1
        if kind == "cardinal" and low is None and num.plain and self._is_year(i, num):
            kind = "year"
        post, k2 = self._qualifier_after(k)
        if post is not None and qualifier is None:
            qualifier = post  # "على الأقل" after the number stays outside the span
        if low is not None:
            extra = {"low": resolve.as_number(low), "high": resolve.as_number(high)}
            return self.emit(i, k, "range", value=None, unit=unit, qualifier=qualifier,
                             approximate=qualifier == "about", extra=extra)
        return self.emit(i, k, kind, value=resolve.as_number(value), unit=unit,
                         qualifier=qualifier, approximate=qualifier == "about")

    def _is_year(self, i: int, num: Number) -> bool:
        text = self.texts[num.first]
        if not (text.isdigit() and len(text) == 4):
            return False
        value = int(text)
        before = self.word_before(i)
        if before >= 0 and self.kinds[before] == "w" and self.texts[before] in self.t.year_triggers:
            return 1000 <= value <= 2999
        # "عامي 2014 و2015": a year joined to a year.
        if self._last_kind == "year" and i - 1 == self._last_stop and self.texts[i - 1] == _CONJ:
            return True
        nxt = num.stop
        if nxt < self.n and self.glued(nxt) and self.texts[nxt] in self.t.era_marks:
            return True
        lo, hi = self.t.bare_year
        if not lo <= value <= hi:
            return False
        return nxt >= self.n or self.kinds[nxt] in "ps"

    def dual_duration(self, i: int) -> int | None:
        """"منذ عامين", "لمدة شهرين": a dual noun of time counts two by itself."""
        hit = self.phrase(i, {"duration"})
        if hit is None or hit[0].entry.form != "dual":
            return None
        qualifier, _ = self._context_before(i)
        return self.emit(i, hit[1], "duration", value=2, unit=hit[0].entry.value,
                         qualifier=qualifier, approximate=qualifier == "about")

    # -- ordinals -------------------------------------------------------
    def _article_digits(self, i: int) -> bool:
        return self.texts[i] in _ARTICLES and i + 1 < self.n and self.kinds[i + 1] == "n" \
            and self.texts[i + 1].isdigit()

    def _ordinal_part(self, k: int, *, joined: bool) -> tuple[int, int, str] | None:
        """(value, stop, class) of one ordinal part at k; class is "ones", "tens",
        "hundreds" or "scale"; "def_ones" for a definite cardinal unit."""
        n = self.n
        for c in self.cands(k):
            e = c.entry
            if c.rest or (joined and not c.conj):
                continue
            cat = e.cat
            if cat in ("ordinal", "compound_ordinal"):
                nxt = k + 1
                ten = self._num_cand(nxt) if nxt < n else None
                if ten is not None and ten.entry.cat == "ten" and not ten.conj and e.value < 10:
                    return e.value + 10, nxt + 1, "teens"
                return e.value, k + 1, "ones" if cat == "ordinal" else "compound"
            if not e.definite:
                continue
            if cat == "tens":
                return e.value, k + 1, "tens"
            if cat == "hundred" and e.form != "plural":
                return e.value, k + 1, "hundreds"
            if cat == "teen":
                return e.value, k + 1, "teens"
            if cat == "scale" and e.form in ("one", "dual"):
                return e.value * (2 if e.form == "dual" else 1), k + 1, "scale"
            if cat in ("one", "ten", "teen_one"):
                nxt = k + 1
                nc = self._num_cand(nxt) if nxt < n else None
                if cat == "teen_one" and (nc is None or nc.entry.cat != "ten" or nc.conj) \
                        and not self._joined_tens(nxt):
                    continue  # "الأحد" is Sunday, not one; "الإحدى والعشرين" is 21
                if nc is not None and not nc.conj and nc.entry.cat == "hundred" \
                        and nc.entry.value == 100 and cat == "one":
                    return e.value * 100, nxt + 1, "hundreds"
                if nc is not None and not nc.conj and nc.entry.cat == "ten" and cat != "ten":
                    return e.value + 10, nxt + 1, "teens"
                return e.value, k + 1, "def_ones"
        return None

    def _joined_tens(self, k: int) -> bool:
        return any(c.conj and c.entry.cat == "tens" and c.entry.definite for c in self.cands(k))

    def ordinal(self, i: int) -> int | None:
        n = self.n
        # "الـ21", "الـ 73": the article on digits.
        if self.kinds[i] == "w" and self._article_digits(i):
            skip = len(self.texts[i]) - 2
            return self.emit(i, i + 2, "ordinal", start=self.starts[i] + skip,
                             value=int(self.texts[i + 1]))
        part = self._ordinal_part(i, joined=False)
        if part is None:
            return None
        value, k, cls = part
        last_cls = cls
        ordinal_seen = cls not in ("def_ones",)
        # Compounds: ones + و + tens ("الحادي والعشرون"), hundreds + و + smaller
        # ("الثلاثمية والسادس").
        while k < n:
            if self.texts[k] == _CONJ and k + 1 < n:  # "الخامس و العشرون"
                nxt = self._ordinal_part(k + 1, joined=False)
            else:
                nxt = self._ordinal_part(k, joined=True)
            if nxt is None:
                break
            v2, k2, cls2 = nxt
            if cls2 == "tens" and last_cls in ("ones", "compound", "def_ones") and value < 10:
                value += v2
            elif last_cls == "hundreds" and cls2 in ("ones", "teens", "tens", "def_ones") \
                    and value % 100 == 0 and v2 < 100:
                value += v2
            elif last_cls in ("ones", "def_ones") and cls2 == "tens" and value % 10 != 0 and value > 100:
                value += v2
            else:
                break
            ordinal_seen = ordinal_seen or cls2 != "def_ones"
            last_cls, k = cls2, k2
        if last_cls == "compound":
            return None  # "الحادي" alone is not a word
        # "العاشر بعد المئة" = 110.
        if k + 1 < n and self.texts[k] in self.t.ordinal_after:
            after = self._ordinal_part(k + 1, joined=False)
            if after is not None and after[2] in ("hundreds", "scale") and after[0] > value:
                value, k = value + after[0], after[1]
        if not ordinal_seen:
            if last_cls == "def_ones" and value > 0:
                cand = self.cands(i)[0]
                if not cand.alone and k == i + 1:
                    return None
                # "الدول الخمس": a definite cardinal.
                return self.emit(i, k, "cardinal", value=value)
            return None
        # "الحادي عشر من سبتمبر": an ordinal day of a month.
        if value <= 31 and k + 1 < n and self.texts[k] == "من":
            month = self._month(k + 1)
            if month is not None:
                m, stop = month
                year = self._year_at(stop)
                y, stop = year if year else (None, stop)
                iso = resolve.iso_date(y, m, value)
                if iso:
                    return self.emit(i, stop, "date", extra={"iso": iso})
        return self.emit(i, k, "ordinal", value=value)

    # -- vague amounts --------------------------------------------------
    def vague(self, i: int) -> int | None:
        hit = self.phrase(i, {"vague", "scale", "hundred"}, definite=None)
        if hit is None:
            return None
        e = hit[0].entry
        if e.form != "plural":
            return None
        k = hit[1]
        # "عشرات الآلاف", "مئات الملايين", "بضعة آلاف".
        more = self.phrase(k, {"scale", "vague", "hundred"}, definite=None) if k < self.n else None
        if more is not None and more[0].entry.form == "plural" and not more[0].conj:
            k = more[1]
        qualifier, _ = self._context_before(i)
        return self.emit(i, k, "cardinal", value=None, approximate=True, qualifier=qualifier)


def scan(folded_text: str) -> list[Match]:
    return Scanner(folded_text).run()
