"""The tokenizer and sentence splitter on hostile text: linear time on long
whitespace-free chunks, and the same tokens whichever path a chunk takes."""

import time

import pytest

from pipeline.text.sentences import split_sentences
from pipeline.text.tokenizer import MAX_CHUNK, tokenize


def pieces(text):
    return [text[s:e] for s, e in tokenize(text)]


@pytest.mark.parametrize("text", [
    '"«' * 50_000,                      # was 536 s: spaCy's suffix search is quadratic
    "()[]:;!؟" * 12_500,
    "ب" * 100_000,
    "٣" * 100_000,
    "قال.الوزير،" * 10_000,
], ids=["quotes", "brackets", "letters", "digits", "glued_words"])
def test_a_100k_character_chunk_takes_linear_time(text):
    started = time.perf_counter()
    spans = tokenize(text)
    assert time.perf_counter() - started < 5
    assert "".join(text[s:e] for s, e in spans) == text


@pytest.mark.parametrize("piece", [
    "حكوميين.وقال:«نعم»،",
    'بحضور74دولة"داعش"(البنتاغون)',
    "و٢٥شخصا؛بـ700مليون؟",
    "1,500و١٬٥٠٠و٣٫٥!",
    "كوفيد-19،04/07/2021؛",
], ids=["glued_stop", "glued_digits", "clitics", "separators", "identifier_and_date"])
def test_a_long_glued_chunk_splits_like_its_short_pieces(piece):
    """Past MAX_CHUNK the regex fallback takes over; it must agree with spaCy."""
    short = pieces(piece)
    n = MAX_CHUNK // len(piece) + 2
    assert len(piece * n) > MAX_CHUNK
    assert pieces(piece * n) == short * n


def test_a_100k_word_inside_a_sentence_keeps_its_neighbours():
    text = "قال الوزير إن " + "ب" * 100_000 + " وصل 20 ألف شخص."
    words = pieces(text)
    assert words == ["قال", "الوزير", "إن", "ب" * 100_000, "وصل", "20", "ألف", "شخص", "."]
    assert split_sentences(text, tokenize(text)) == [(0, len(text))]


def test_a_400_digit_number_is_one_token_in_every_script():
    for digits in ("7" * 400, "٧" * 400, "۷" * 400, "7" * 2000):
        assert pieces(f"بلغ {digits} دولار") == ["بلغ", digits, "دولار"]


def test_sentences_survive_a_run_of_line_breaks_and_stops():
    text = "قال." + "\n" * 10_000 + "." * 5_000 + "\u2028وأضاف"
    spans = tokenize(text)
    sentences = split_sentences(text, spans)
    assert sentences[0] == (0, 4) and sentences[-1][1] == len(text)
