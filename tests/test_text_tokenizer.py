"""The tokeniser on the ugly cases of Arabic news, and its offset invariants."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.text.charsets import INVISIBLE
from pipeline.text.tokenizer import tokenize

INVISIBLE_CHAR = re.compile(f"[{INVISIBLE}]")


def words(text: str) -> list[str]:
    return [text[s:e] for s, e in tokenize(text)]


@pytest.mark.parametrize("text, expected", [
    ("بحضور74 دولة", ["بحضور", "74", "دولة"]),            # seed 000: a word glued to digits
    ("و٢٥ شخصا", ["و", "٢٥", "شخصا"]),                     # conjunction glued to Eastern digits
    ("بـ700 مليون", ["بـ", "700", "مليون"]),                 # preposition + tatweel + digits
    ("حكوميين.وقال", ["حكوميين", ".", "وقال"]),            # full stop without a space
    ("1,500 و١٬٥٠٠ و٣٫٥.", ["1,500", "و", "١٬٥٠٠", "و", "٣٫٥", "."]),  # separators stay inside
    ("۱۲۳۴ ۲٫۵", ["۱۲۳۴", "۲٫۵"]),                           # Persian digits
    ("لندن -« القدس العربي»:", ["لندن", "-", "«", "القدس", "العربي", "»", ":"]),  # seed 001
    ('ضد "داعش"، بحضور', ["ضد", '"', "داعش", '"', "،", "بحضور"]),  # seed 000
    ("(داعش)، الذين", ["(", "داعش", ")", "،", "الذين"]),
    ("أنتوني ج. بلينكن", ["أنتوني", "ج", ".", "بلينكن"]),  # seed 004: an initial
    ("04/07/2021", ["04/07/2021"]),                          # a date stays one token
    ("اهتمامًا أميركيًا", ["اهتمامًا", "أميركيًا"]),          # diacritics stay on their word
    ("ﺍﻟﻌﺮﺍﻕ ﻭﺳﻮﺭﻳﺎ", ["ﺍﻟﻌﺮﺍﻕ", "ﻭﺳﻮﺭﻳﺎ"]),                   # presentation forms
    ("كوفيد-19", ["كوفيد", "-", "19"]),
    ("قال:\"نعم\".وأضاف", ["قال", ":", '"', "نعم", '"', ".", "وأضاف"]),
    # bidi and zero-width marks at a word's edges are not part of it; inside, they stay
    ("\u200fالوزير\u200f \u200bمصر\u200c \ufeff. \u200f", ["الوزير", "مصر", "."]),
    ("و\u061cسوريا", ["و\u061cسوريا"]),
])
def test_ugly_cases(text, expected):
    assert words(text) == expected


def test_seed_ugly_spots_are_split(seed_texts):
    toks = set(words(seed_texts["000_ea112a2d7476b153"]))
    assert "بحضور" in toks and "74" in toks and "بحضور74" not in toks


def test_seed_offsets_are_exact(seed_texts):
    for text in seed_texts.values():
        spans = tokenize(text)
        assert spans, "a seed article has tokens"
        for (s, e), (s2, _) in zip(spans, spans[1:] + [(len(text), len(text))]):
            assert 0 <= s < e <= s2 <= len(text)
            assert not text[s:e].isspace()


def _check_invariants(text: str) -> None:
    spans = tokenize(text)
    covered = [False] * len(text)
    prev_end = 0
    for s, e in spans:
        assert 0 <= prev_end <= s < e <= len(text), "ordered, non-overlapping, in range"
        assert not any(c.isspace() for c in text[s:e]), "a token never holds whitespace"
        assert not INVISIBLE_CHAR.match(text[s]) and not INVISIBLE_CHAR.match(text[e - 1]), \
            "a token never starts or ends with a bidi or zero-width mark"
        for i in range(s, e):
            covered[i] = True
        prev_end = e
    for i, ch in enumerate(text):
        assert covered[i] or ch.isspace() or INVISIBLE_CHAR.match(ch), \
            f"visible char {ch!r} at {i} is in no token"


ARABIC_NEWS_ALPHABET = (
    "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةى"  # letters
    "ًٌٍَُِّْـ"                                # harakat and tatweel
    "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"          # three digit scripts
    ".,٫٬،؛؟!:-/%٪()«»\"'"                      # punctuation and separators
    "ﻻﺍﻟﻌ\u200c\u200f"                          # presentation forms, ZWNJ, RLM
    "abcXYZ"
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ARABIC_NEWS_ALPHABET + " \n\t\u00a0", max_size=200))
def test_tokens_cover_all_non_space_text(text):
    _check_invariants(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=100))
def test_tokens_valid_on_any_unicode(text):
    _check_invariants(text)
