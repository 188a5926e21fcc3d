"""Sentence splitting that survives Arabic news punctuation."""

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.text.sentences import split_sentences
from pipeline.text.tokenizer import tokenize

from tests.test_text_tokenizer import ARABIC_NEWS_ALPHABET


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, tokenize(text))]


def test_full_stop_without_space_ends_a_sentence():
    assert sentences("قتل عشرة حكوميين.وقال المصدر") == ["قتل عشرة حكوميين.", "وقال المصدر"]


def test_decimals_and_initials_do_not_end_sentences():
    text = "بلغ النمو ٣٫٥ بالمئة و2.5 مليار. وقال أنتوني ج. بلينكن ذلك."
    assert sentences(text) == ["بلغ النمو ٣٫٥ بالمئة و2.5 مليار.", "وقال أنتوني ج. بلينكن ذلك."]


def test_closing_quote_stays_with_its_sentence():
    assert sentences('قال: "انتهى الأمر." ثم غادر؟ نعم') == \
        ['قال: "انتهى الأمر."', "ثم غادر؟", "نعم"]


def test_line_breaks_end_sentences():
    assert sentences("عنوان الخبر\n\nنص الخبر الأول") == ["عنوان الخبر", "نص الخبر الأول"]


def test_seed_sentences_cover_their_tokens(seed_texts):
    for text in seed_texts.values():
        toks = tokenize(text)
        sents = split_sentences(text, toks)
        assert len(sents) > 5
        inside = sum(1 for s, e in toks for a, b in sents if a <= s and e <= b)
        assert inside == len(toks), "every token lies in exactly one sentence"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=ARABIC_NEWS_ALPHABET + " \n", max_size=300))
def test_sentences_partition_the_tokens(text):
    toks = tokenize(text)
    sents = split_sentences(text, toks)
    prev = 0
    for s, e in sents:
        assert prev <= s < e <= len(text)
        assert (s, e) != (0, 0)
        prev = e
    assert sum(1 for s, e in toks for a, b in sents if a <= s and e <= b) == len(toks)
