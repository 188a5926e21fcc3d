"""Property tests: numbers read back to themselves, offsets always index the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import Document
from pipeline.quantities.stage import QuantitiesStage
from pipeline.quantities.writer import to_words

STAGE = QuantitiesStage()
SCRIPTS = {"western": "0123456789", "eastern": "٠١٢٣٤٥٦٧٨٩", "persian": "۰۱۲۳۴۵۶۷۸۹"}
numbers = st.integers(min_value=0, max_value=10**12)


def in_script(n: int, script: str, *, grouped: bool = False) -> str:
    text = f"{n:,}" if grouped else str(n)
    digits = SCRIPTS[script]
    out = "".join(digits[int(c)] if c.isdigit() else c for c in text)
    return out.replace(",", "٬") if grouped and script != "western" else out


def read_back(text: str) -> list:
    doc = STAGE(Document("p", text))
    return [(q.text, q.value) for q in doc.quantities if q.kind != "year"] or \
        [(q.text, q.value) for q in doc.quantities]


@settings(max_examples=300, deadline=None)
@given(numbers, st.sampled_from(sorted(SCRIPTS)), st.booleans())
def test_digits_of_every_script_read_back(n, script, grouped):
    digits = in_script(n, script, grouped=grouped)
    # Long ungrouped digit strings with a leading zero would be phone numbers;
    # str(n) never has one, so every n must come back as itself.
    assert read_back(f"بلغ العدد {digits} شخصا") == [(digits, n)]


@settings(max_examples=300, deadline=None)
@given(numbers)
def test_written_words_read_back(n):
    words = to_words(n)
    assert read_back(f"بلغ العدد {words} شخصا") == [(words, n)]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10**9))
def test_words_with_diacritics_and_tatweel_read_back_with_original_offsets(n):
    words = to_words(n)
    # Decorate: a fatha after every other letter and a tatweel in the middle of long words.
    decorated = "".join(ch + ("\u064e" if i % 2 and ch.isalpha() else "") for i, ch in enumerate(words))
    decorated = decorated.replace("مئة", "مئـة")
    text = f"قُتل {decorated} شخصاً"
    doc = STAGE(Document("p", text))
    assert [q.value for q in doc.quantities] == [n]
    q = doc.quantities[0]
    assert text[q.start:q.end] == q.text


ARABIC_PIECES = st.sampled_from([
    "قتل", "و", "بـ", "أكثر من", "حوالي", "مليون", "آلاف", "دولار", "في المائة", "٪", "%",
    "عام", "سبتمبر", "كانون الثاني", "/", "-", "(", ")", "،", ".", " ", "\u064b", "\u0640",
    "\u200f", "خمسة", "وعشرون", "الأول", "الحادي عشر", "رقم", "كوفيد", "بين", "إلى", "ونصف",
    "سنوات", "كلم مربع", "ﻻ", "ﺏ", "المئات", "فاصلة", "سالب",
])
TEXTS = st.lists(st.one_of(ARABIC_PIECES, st.integers(0, 10**7).map(str),
                           st.integers(0, 10**5).map(lambda n: in_script(n, "eastern")),
                           st.text(max_size=3)), max_size=25).map(lambda parts: " ".join(parts)
                                                                  if len(parts) % 2 else "".join(parts))


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_offsets_always_valid_on_generated_text(text):
    doc = STAGE(Document("p", text))
    for q in doc.quantities:
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start:q.end] == q.text
    starts = [q.start for q in doc.quantities]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(doc.quantities, doc.quantities[1:]))
