"""A name the model cut in two at an initial is joined back (initials.py)."""

import pytest

from pipeline.document import Span
from pipeline.ner.infer import WordEntity
from pipeline.ner.initials import join_across_initials
from pipeline.text.tokenizer import tokenize


def words(text: str) -> list[Span]:
    return [Span(s, e, text[s:e]) for s, e in tokenize(text)]


def index(ws: list[Span], word: str) -> int:
    return next(i for i, w in enumerate(ws) if w.text == word)


def covered(text: str, ws: list[Span], ent: WordEntity) -> str:
    return text[ws[ent.start].start:ws[ent.end - 1].end]


def test_the_initial_inside_the_left_entity_joins_the_two_halves():
    text = "أصدر الوزير أنتوني ج. بلينكن بياناً"
    ws = words(text)
    a, j, b = index(ws, "أنتوني"), index(ws, "ج"), index(ws, "بلينكن")
    out = join_across_initials(ws, [WordEntity(a, j + 1, "PER", 0.9),
                                    WordEntity(b, b + 1, "PER", 0.6)])
    assert len(out) == 1
    assert covered(text, ws, out[0]) == "أنتوني ج. بلينكن"
    # the mean of the halves' scores, weighted by their words (2 and 1)
    assert out[0].score == pytest.approx((0.9 * 2 + 0.6) / 3)


def test_an_initial_whose_stop_ends_the_left_entity_joins_the_two_halves():
    # what the shipped model does on seed 004: "أنتوني ج ." then B-PER "بلينكن"
    text = "وزير خارجية الولايات المتحدة أنتوني ج. بلينكن ونظراؤه"
    ws = words(text)
    a, b = index(ws, "أنتوني"), index(ws, "بلينكن")
    out = join_across_initials(ws, [WordEntity(a, b, "PER", 0.99),
                                    WordEntity(b, b + 1, "PER", 0.82)])
    assert [covered(text, ws, e) for e in out] == ["أنتوني ج. بلينكن"]


def test_initials_the_model_left_outside_both_entities_join_them_too():
    text = "قال جون ف. ك. كينيدي إن"
    ws = words(text)
    a, b = index(ws, "جون"), index(ws, "كينيدي")
    out = join_across_initials(ws, [WordEntity(a, a + 1, "PER", 0.8),
                                    WordEntity(b, b + 1, "PER", 0.8)])
    assert [covered(text, ws, e) for e in out] == ["جون ف. ك. كينيدي"]


@pytest.mark.parametrize("text, left, right, right_label", [
    # different labels: a person, then a place
    ("التقى أنتوني ج. باريس", "أنتوني", "باريس", "LOC"),
    # the stop is not glued to the letter
    ("التقى أنتوني ج . بلينكن", "أنتوني", "بلينكن", "PER"),
    # a full stop after a whole word ends a sentence, not an initial
    ("وصل أنتوني. بلينكن", "أنتوني", "بلينكن", "PER"),
    # a word between the halves
    ("التقى أنتوني ج. مع بلينكن", "أنتوني", "بلينكن", "PER"),
    # two names side by side, no initial: the model's call stands
    ("التقى أنتوني بلينكن", "أنتوني", "بلينكن", "PER"),
])
def test_entities_not_separated_by_initials_alone_stay_apart(text, left, right, right_label):
    ws = words(text)
    a, b = index(ws, left), index(ws, right)
    ents = [WordEntity(a, a + 1, "PER", 0.9), WordEntity(b, b + 1, right_label, 0.9)]
    assert join_across_initials(ws, ents) == ents


def test_nothing_to_join_returns_the_entities_unchanged():
    ws = words("في العراق")
    ents = [WordEntity(1, 2, "LOC", 0.99)]
    assert join_across_initials(ws, ents) == ents
    assert join_across_initials(ws, []) == []
