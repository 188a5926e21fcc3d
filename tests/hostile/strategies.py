"""Hypothesis strategies for Arabic-like news text.

Text is built from what real articles are made of -- the seeds' own
characters and words, digits of the three scripts with their separators, and
every phrase of the quantities tables (number words, month names, currencies,
units, qualifiers) -- mixed with the things that break Arabic tools:
tatweel, diacritics, bidi and zero-width marks, presentation forms, emoji,
quotes and glued punctuation, and now and then any code point at all.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
TABLES = REPO / "pipeline" / "quantities" / "tables"
SEEDS = REPO / "seeds"

DIGITS = {"western": "0123456789", "eastern": "٠١٢٣٤٥٦٧٨٩", "persian": "۰۱۲۳۴۵۶۷۸۹"}
SEPARATORS = [".", ",", "٫", "٬", "/", "-", " "]
MARKS = ["\u064b", "\u064c", "\u064d", "\u064e", "\u064f", "\u0650", "\u0651", "\u0652",
         "\u0670", "\u0640"]  # harakat, superscript alef, tatweel
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c",
             "\u202e", "\u2066", "\u2067", "\u2069", "\ufeff", "\u061c", "\u2060"]
PUNCT = list('.،,:;؛!؟?"«»“”()[]…-–—/%٪') + ["...", ".\n", "\n", "\n\n", "\r\n", "\t",
                                              "\u00a0", "\u2028"]
EMOJI = ["😀", "🇸🇦", "👍🏽", "❤️", "👨‍👩‍👧", "💯", "🔴"]
LATIN = ["Daesh", "ISIS", "USA", "km", "COVID-19", "http://x.co/a?b=1", "www.example.com"]


@lru_cache(maxsize=1)
def seed_words() -> list[str]:
    words = set()
    for path in SEEDS.glob("*.txt"):
        words.update(re.findall(r"\S+", path.read_text(encoding="utf-8")))
    return sorted(words)


@lru_cache(maxsize=1)
def seed_chars() -> str:
    return "".join(sorted({c for w in seed_words() for c in w}))


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


@lru_cache(maxsize=1)
def table_phrases() -> list[str]:
    """Every string in the quantities tables (number words, months, units...)."""
    phrases = set()
    for path in sorted(TABLES.glob("*.toml")):
        phrases.update(s for s in _strings(tomllib.loads(path.read_text(encoding="utf-8")))
                       if s.strip())
    return sorted(phrases)


@st.composite
def numbers(draw) -> str:
    """Digits in one script (sometimes mixed), with separators, up to 400 long."""
    script = draw(st.sampled_from(sorted(DIGITS)))
    digits = DIGITS[script] if draw(st.integers(0, 9)) else "".join(DIGITS.values())
    size = draw(st.one_of(st.integers(1, 6), st.integers(7, 40), st.just(400)))
    body = draw(st.text(alphabet=digits, min_size=size, max_size=size))
    if draw(st.booleans()):
        sep = draw(st.sampled_from(SEPARATORS))
        more = draw(st.text(alphabet=digits, min_size=1, max_size=4))
        body = f"{body}{sep}{more}"
    return body


def words() -> st.SearchStrategy[str]:
    """One piece of an article: mostly real words and table phrases."""
    return st.one_of(
        st.sampled_from(seed_words()),
        st.sampled_from(table_phrases()),
        numbers(),
        st.text(alphabet=seed_chars(), min_size=1, max_size=12),
        st.sampled_from(LATIN),
        st.sampled_from(EMOJI),
    )


@st.composite
def decorated(draw, piece: st.SearchStrategy[str]) -> str:
    """A piece, sometimes with marks, invisible characters or clitics glued on."""
    text = draw(piece)
    roll = draw(st.integers(0, 19))
    if roll == 0 and text:
        mark = draw(st.sampled_from(MARKS))
        text = "".join(c + mark for c in text)           # a mark after every letter
    elif roll == 1 and len(text) > 1:
        cut = draw(st.integers(1, len(text) - 1))
        text = text[:cut] + draw(st.sampled_from(INVISIBLE)) + text[cut:]
    elif roll == 2:
        text = draw(st.sampled_from(["و", "ب", "ل", "ف", "ك", "بـ", "وال"])) + text
    elif roll == 3:
        text = text + "ـ" * draw(st.integers(1, 30))     # tatweel run
    elif roll == 4:
        text = _presentation_form(text)
    return text


def _presentation_form(text: str) -> str:
    # Isolated forms of the basic letters (U+FE8D...): what PDF copy-paste gives.
    table = {"ا": "ﺍ", "ب": "ﺏ", "ت": "ﺕ", "ر": "ﺭ", "س": "ﺱ", "ع": "ﻉ", "ل": "ﻝ",
             "م": "ﻡ", "ن": "ﻥ", "ه": "ﻩ", "و": "ﻭ", "ي": "ﻱ", "ق": "ﻕ", "د": "ﺩ"}
    return "".join(table.get(c, c) for c in text)


@st.composite
def articles(draw, max_pieces: int = 60) -> str:
    """An Arabic-like article: pieces joined by spaces, punctuation or nothing."""
    pieces = draw(st.lists(decorated(words()), min_size=1, max_size=max_pieces))
    out = []
    for piece in pieces:
        out.append(piece)
        out.append(draw(st.sampled_from([" "] * 8 + PUNCT + ["", " و", "ـ"])))
    text = "".join(out)
    if draw(st.integers(0, 9)) == 0:
        # Now and then any code point at all (surrogates excluded: they cannot
        # reach a stage -- the readers refuse them).
        junk = draw(st.text(st.characters(exclude_categories=["Cs"]), max_size=30))
        at = draw(st.integers(0, len(text)))
        text = text[:at] + junk + text[at:]
    return text


GLUE = ["و", "من", "إلى", "بين", "عام", "رقم", "في", "نحو", "أكثر من", "،", "-", "/", "%", "٪"]


def number_phrases(max_pieces: int = 40) -> st.SearchStrategy[str]:
    """Text dense in numbers: table phrases, digits and the words that join them
    into ranges, dates and qualifiers -- where the quantities grammar is busiest."""
    piece = decorated(st.one_of(st.sampled_from(table_phrases()), numbers(),
                                st.sampled_from(GLUE)))
    return st.lists(piece, min_size=1, max_size=max_pieces).map(" ".join)
