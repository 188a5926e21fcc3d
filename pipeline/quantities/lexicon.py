"""Load the data tables (tables/*.toml) into one lexicon the grammar can query.

Every word the grammar knows -- number words, months, currencies, units,
percent and qualifier phrases -- becomes a `Entry` reached from its first
word's folded surface form. Clitics are expanded here, once, so the scanner
does one dict lookup per token: "وثلاثة", "بالمئة", "لأول", "والعشرين" are all
keys. Multi-word phrases ("كانون الثاني", "كلم مربع", "في المائة") keep the
remaining words in `rest`, matched against the following tokens.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from typing import Any

from pipeline.text.normalize import fold

# Proclitics that may stand before a word: conjunctions و ف, prepositions ب ل ك.
PLAIN_CLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "فك")
# The same with the article; ل + ال is written "لل".
ARTICLE_CLITICS = ("ال", "وال", "فال", "بال", "كال", "وبال", "فبال", "وكال", "لل", "ولل", "فلل")

NUMBER_CATS = frozenset({"one", "teen_one", "ten", "teen", "tens", "hundred", "scale",
                         "fraction", "ordinal", "compound_ordinal", "vague", "point",
                         "negative"})


@dataclass(frozen=True, slots=True)
class Entry:
    """What a word (or phrase) means to the grammar."""

    cat: str                 # "one", "tens", "scale", "month", "currency", "unit", ...
    value: Any = None        # number (int/Fraction), month number, unit or currency code
    form: str = "one"        # "one", "dual" (counts 2 by itself), "plural" (needs a count)
    definite: bool = False   # carries the article ال
    surface: str = ""        # the folded base spelling, without clitics


@dataclass(frozen=True, slots=True)
class Candidate:
    rest: tuple[str, ...]    # further words of a multi-word phrase
    entry: Entry
    skip: int                # clitic characters before the span starts ("و" in "وثلاثة")
    conj: bool               # the clitics include the conjunction و
    alone: bool = True       # may stand on its own (False: only inside a compound)


def _load(name: str) -> dict[str, Any]:
    with resources.files("pipeline.quantities.tables").joinpath(name).open("rb") as fh:
        return tomllib.load(fh)


def _variants(word: str, *, article: bool) -> list[tuple[str, int, bool, bool]]:
    """(surface, skip, conj, definite) for `word` with every clitic combination."""
    out = []
    for pre in PLAIN_CLITICS:
        out.append((pre + word, len(pre), pre.startswith("و"), False))
    if article:
        # Words that already start with ال (the scale "ألف" folds to "الف")
        # simply double it ("الالف").
        for pre in ARTICLE_CLITICS:
            # The span keeps the article and drops only the clitics before it
            # ("والثالث" -> "الثالث"); "لل" has lost the article's alef, so
            # there the span starts at the word itself.
            skip = len(pre) if pre.endswith("لل") else len(pre) - 2
            out.append((pre + word, skip, pre.startswith("و"), True))
    return out


class Tables:
    """The folded lexicon and the context word lists."""

    def __init__(self) -> None:
        self.words: dict[str, list[Candidate]] = {}
        numbers = _load("numbers.toml")
        months = _load("months.toml")
        currencies = _load("currencies.toml")
        units = _load("units.toml")
        context = _load("context.toml")
        blocked = {fold(w) for w in numbers["words"]["not_numbers"]}
        self.join_only = {fold(w) for w in numbers["words"]["join_only"]}

        def number(word: str, entry: Entry, article: bool = True) -> None:
            word = fold(word)
            for surface, skip, conj, definite in _variants(word, article=article):
                e = Entry(entry.cat, entry.value, entry.form, definite, word)
                self._add(surface, (), e, skip, conj, alone=surface not in blocked)

        for value, forms in numbers["ones"].items():
            for w in forms:
                number(w, Entry("one", int(value)))
        for value, forms in numbers["teen_ones"].items():
            for w in forms:
                number(w, Entry("teen_one", int(value)))
        for w in numbers["ten"]["10"]:
            number(w, Entry("ten", 10))
        teens = numbers["dialect_teens"]
        for value, stems in teens.items():
            if value == "suffixes":
                continue
            for stem in stems:
                for suffix in teens["suffixes"]:
                    number(stem + suffix, Entry("teen", int(value)))
        for value, forms in numbers["tens"].items():
            for w in forms:
                number(w, Entry("tens", int(value)))
        hundreds = numbers["hundreds"]
        for w in hundreds["hundred"]:
            number(w, Entry("hundred", 100))
            for value, stems in hundreds.items():
                if value.isdigit():
                    for stem in stems:
                        number(stem + w, Entry("hundred", int(value) * 100))
        for w in hundreds["dual"]:
            number(w, Entry("hundred", 200, "dual"))
        for w in hundreds["plural"]:
            number(w, Entry("hundred", 100, "plural"))
        for value, forms in numbers["scales"].items():
            for form, spellings in forms.items():
                for w in spellings:
                    number(w, Entry("scale", int(value), form))
        for value, forms in numbers["fractions"].items():
            for form, spellings in forms.items():
                for w in spellings:
                    number(w, Entry("fraction", Fraction(value), form))
        for value, forms in numbers["ordinals"].items():
            for w in forms:
                number(w, Entry("ordinal", int(value)))
        for value, forms in numbers["compound_ordinals"].items():
            for w in forms:
                number(w, Entry("compound_ordinal", int(value)))
        for w in numbers["vague"]["words"]:
            number(w, Entry("vague", None, "plural"))
        for w in numbers["words"]["decimal_point"]:
            number(w, Entry("point"), article=False)
        for w in numbers["words"]["negative"]:
            number(w, Entry("negative"), article=False)

        for value, forms in months["months"].items():
            for w in forms:
                self._phrase(w, Entry("month", int(value)))

        for code, forms in currencies["codes"].items():
            for w in forms:
                self._phrase(w, Entry("currency", code), clitics=False)
        self.currency_hints: dict[str, tuple[str, dict[str, list[str]]]] = {}
        for key, spec in currencies["ambiguous"].items():
            for w in spec["forms"]:
                self._phrase(w, Entry("currency", "?" + key), clitics=False)
            hints = {code: [fold(h) for h in words] for code, words in spec["hints"].items()}
            self.currency_hints[key] = (spec["default"], hints)

        for unit, forms in units["units"].items():
            for w in forms:
                self._phrase(w, Entry("unit", unit), clitics=False)
        for power, forms in units["powers"].items():
            for w in forms:
                self._phrase(w, Entry("power", power), clitics=False)
        for unit, forms in units["durations"].items():
            for form, spellings in forms.items():
                for w in spellings:
                    self._phrase(w, Entry("duration", unit, form))

        pct = context["percent"]
        for key, scale in (("per_hundred", 1), ("per_thousand", 10), ("per_million", 10000)):
            for w in pct[key]:
                self._phrase(w, Entry("percent", scale), clitics=False)

        self.qualifiers_before = self._phrase_set(context["qualifiers"]["before"])
        self.qualifiers_after = self._phrase_set(context["qualifiers"]["after"], clitics=False)
        self.max_qualifier_words = max(len(k) for k in
                                       [*self.qualifiers_before, *self.qualifiers_after])
        self.year_triggers = self._word_set(context["years"]["triggers"])
        self.era_marks = frozenset(fold(w) for w in context["years"]["era_marks"])
        self.bare_year = (int(context["years"]["bare_min"]), int(context["years"]["bare_max"]))
        self.id_triggers = self._word_set(context["identifiers"]["triggers"])
        self.range_between = self._phrase_set({"between": context["ranges"]["between"]})
        self.range_from = self._word_set(context["ranges"]["from"])
        self.range_to = self._word_set(context["ranges"]["to"], clitics=False)
        self.one_of = frozenset(fold(w) for w in context["one_of"]["words"])
        self.one_of_before = frozenset(fold(w) for w in context["one_of"]["before"])
        self.ordinal_after = self._word_set(context["ordinal_after"]["words"], clitics=False)

    # -- building -------------------------------------------------------
    def _add(self, surface: str, rest: tuple[str, ...], entry: Entry, skip: int, conj: bool,
             alone: bool = True) -> None:
        cands = self.words.setdefault(surface, [])
        cand = Candidate(rest, entry, skip, conj, alone)
        if cand not in cands:
            cands.append(cand)
            # Longest phrases first: the grammar takes the first that fits.
            cands.sort(key=lambda c: -len(c.rest))

    def _phrase(self, text: str, entry: Entry, clitics: bool = True) -> None:
        words = fold(text).split()
        first, rest = words[0], tuple(words[1:])
        entry = Entry(entry.cat, entry.value, entry.form, False, " ".join(words))
        for pre in (PLAIN_CLITICS if clitics else ("",)):
            self._add(pre + first, rest, entry, len(pre), pre.startswith("و"))

    @staticmethod
    def _phrase_set(groups: dict[str, list[str]], clitics: bool = True
                    ) -> dict[tuple[str, ...], str]:
        out: dict[tuple[str, ...], str] = {}
        for label, phrases in groups.items():
            for text in phrases:
                words = fold(text).split()
                for pre in (PLAIN_CLITICS if clitics else ("",)):
                    out[(pre + words[0], *words[1:])] = label
        return out

    @staticmethod
    def _word_set(words: list[str], clitics: bool = True) -> frozenset[str]:
        out = set()
        for w in map(fold, words):
            for pre in (PLAIN_CLITICS if clitics else ("",)):
                out.add(pre + w)
            if clitics and w.startswith("ال"):
                # ل + ال is written "لل": "للمادة", "وللعام".
                out.update(pre + w[1:] for pre in ("ل", "ول", "فل"))
        return frozenset(out)


@lru_cache(maxsize=1)
def tables() -> Tables:
    return Tables()
