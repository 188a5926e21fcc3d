"""The scorers on small hand-made cases whose answers are worked out by hand."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import Document
from pipeline.evaluate.errors import confusion, pair, tally
from pipeline.evaluate.gold import GoldDoc
from pipeline.evaluate.quantities import QuantityScores, value_matches
from pipeline.evaluate.run import Evaluation
from pipeline.evaluate.scoring import (char_counts, clitic_equivalent, overlapping,
                                       token_counts)

# "Bourita arrived in Baghdad and Syria, and met the Arab League delegation."
TEXT = "وصل ناصر بوريطة إلى بغداد وسوريا والتقى وفد جامعة الدول العربية"


def doc() -> Document:
    return Document(id="d1", text=TEXT)


def ent(d: Document, surface: str, label: str, *, trim: int = 0):
    start = TEXT.index(surface) + trim
    return d.entity(start, TEXT.index(surface) + len(surface), label)


def test_token_counts_known_answer():
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "I-ORG", "I-ORG"]]
    pred = [["B-PER", "I-PER", "O", "B-ORG"], ["B-ORG", "I-ORG", "O"]]
    counts = token_counts(gold, pred)
    # PER right; LOC missed and ORG spurious in sentence 1; ORG boundary wrong in 2.
    assert (counts.micro().correct, counts.micro().predicted, counts.micro().gold) == (1, 3, 3)
    assert counts.by_label["PER"].f1 == 1.0
    assert counts.by_label["LOC"].recall == 0.0
    assert counts.by_label["ORG"].precision == 0.0
    assert counts.micro().f1 == pytest.approx(1 / 3)
    assert counts.macro()["f1"] == pytest.approx(1 / 3)  # (1 + 0 + 0) / 3


def test_token_counts_refuse_misaligned_sentences():
    with pytest.raises(ValueError, match="sentence 0: 2 gold tags but 1 predicted"):
        token_counts([["O", "O"]], [["O"]])


def test_clitic_prefixes_are_tolerated_and_other_differences_are_not():
    d = doc()
    gold_syria = ent(d, "وسوريا", "LOC")
    assert clitic_equivalent(gold_syria, ent(d, "وسوريا", "LOC", trim=1), TEXT)
    assert not clitic_equivalent(gold_syria, ent(d, "وسوريا", "ORG", trim=1), TEXT)
    # two letters that are not a clitic prefix: "ناصر بوريطة" vs "صر بوريطة"
    assert not clitic_equivalent(ent(d, "ناصر بوريطة", "PER"),
                                 ent(d, "ناصر بوريطة", "PER", trim=2), TEXT)


def test_clitic_tolerance_covers_the_lam_of_lil():
    text = "وجه الوزير رسالة للأمم المتحدة"
    d = Document(id="d", text=text)
    start = text.index("للأمم")
    gold = d.entity(start, len(text), "ORG")
    pred = d.entity(start + 1, len(text), "ORG")  # "لأمم المتحدة": the article's ل kept
    assert clitic_equivalent(gold, pred, text)


def test_char_counts_exact_and_clitic_tolerant():
    d = doc()
    gold = [ent(d, "ناصر بوريطة", "PER"), ent(d, "بغداد", "LOC"), ent(d, "وسوريا", "LOC"),
            ent(d, "جامعة الدول العربية", "ORG")]
    pred = [ent(d, "ناصر بوريطة", "PER"), ent(d, "بغداد", "ORG"),
            ent(d, "وسوريا", "LOC", trim=1), ent(d, "الدول العربية", "ORG")]
    exact = char_counts(gold, pred, TEXT)
    assert (exact.micro().correct, exact.micro().predicted, exact.micro().gold) == (1, 4, 4)
    tolerant = char_counts(gold, pred, TEXT, clitic_tolerant=True)
    assert tolerant.micro().correct == 2  # + سوريا; "جامعة" is not a clitic
    assert tolerant.by_label["LOC"].recall == 0.5
    assert tolerant.by_label["ORG"].as_dict()["predicted"] == 2


def test_error_categories_and_confusion():
    d = doc()
    gold = [ent(d, "ناصر بوريطة", "PER"), ent(d, "بغداد", "LOC"), ent(d, "وسوريا", "LOC"),
            ent(d, "جامعة الدول العربية", "ORG")]
    pred = [ent(d, "بوريطة", "ORG"), ent(d, "بغداد", "ORG"), ent(d, "وسوريا", "LOC", trim=1),
            ent(d, "الدول العربية", "ORG"), ent(d, "وفد", "ORG")]
    outcomes = pair(gold, pred, TEXT)
    assert [o.category for o in outcomes] == [
        "boundary_label", "label", "clitic", "spurious", "boundary"]
    counts = tally(outcomes)
    assert counts["missed"] == 0 and counts["correct"] == 0 and counts["spurious"] == 1
    conf = confusion(outcomes, ["PER", "LOC", "ORG"])
    assert conf["labels"] == ["PER", "LOC", "ORG", "O"]
    assert conf["matrix"] == [[0, 0, 1, 0],
                              [0, 1, 1, 0],
                              [0, 0, 1, 0],
                              [0, 0, 1, 0]]


def test_a_miss_and_a_split_name():
    d = doc()
    gold = [ent(d, "ناصر بوريطة", "PER"), ent(d, "بغداد", "LOC")]
    pred = [ent(d, "ناصر", "PER"), ent(d, "بوريطة", "PER")]
    outcomes = pair(gold, pred, TEXT)
    # the larger overlap ("بوريطة", 6 letters) pairs; "ناصر" is left over
    assert [(o.category, o.pred and o.pred.text) for o in outcomes] == [
        ("boundary", "بوريطة"), ("spurious", "ناصر"), ("missed", None)]


def q(d: Document, surface: str, kind: str, **fields):
    start = d.text.index(surface)
    return d.quantity(start, start + len(surface), kind, **fields)


def test_quantity_spans_and_values():
    text = "خصصت الحكومة 700 مليون دولار لإعمار 14 دولة في 11 سبتمبر 2014 بنسبة 5%"
    d = Document(id="q", text=text)
    gold = [q(d, "700 مليون دولار", "money", value=700_000_000, unit="USD"),
            q(d, "14", "cardinal", value=14),
            q(d, "11 سبتمبر 2014", "date", extra={"iso": "2014-09-11"}),
            q(d, "5%", "percent", value=5)]
    pred = [q(d, "700 مليون", "cardinal", value=700_000_000),
            q(d, "14", "cardinal", value=14),
            q(d, "11 سبتمبر 2014", "date", extra={"iso": "2014-11-09"}),
            q(d, "5%", "percent", value=5.0)]
    scores = QuantityScores()
    scores.add_document(gold, pred)
    rep = scores.as_dict(["money", "cardinal", "date", "percent"])
    assert rep["exact"]["micro"]["correct"] == 3
    assert rep["exact"]["per_label"]["money"]["recall"] == 0.0
    # overlapping needs the same kind: "700 مليون" is cardinal, gold is money
    assert rep["overlap"]["micro"]["correct"] == 3
    assert rep["value"]["per_kind"]["date"] == {"accuracy": 0.0, "correct": 0, "matched": 1}
    assert rep["value"]["per_kind"]["percent"]["accuracy"] == 1.0  # 5 == 5.0
    assert rep["value"]["micro"] == {"accuracy": 2 / 3, "correct": 2, "matched": 3}


def test_overlap_counts_a_span_with_the_unit_missing():
    text = "تبلغ مساحته 110 آلاف كلم مربع"
    d = Document(id="q", text=text)
    scores = QuantityScores()
    scores.add_document([q(d, "110 آلاف كلم مربع", "quantity", value=110000, unit="km2")],
                        [q(d, "110 آلاف", "quantity", value=110000)])
    rep = scores.as_dict()
    assert rep["exact"]["micro"]["f1"] == 0.0
    assert rep["overlap"]["micro"]["f1"] == 1.0


def test_range_values_compare_low_and_high():
    text = "بين 10 و20 قتيلا"
    d = Document(id="r", text=text)
    g = q(d, "بين 10 و20", "range", extra={"low": 10, "high": 20})
    assert value_matches(g, q(d, "بين 10 و20", "range", extra={"low": 10, "high": 20}))
    assert not value_matches(g, q(d, "بين 10 و20", "range", extra={"low": 10, "high": 2}))


def test_a_failed_prediction_scores_as_empty_and_is_listed():
    d = doc()
    d.entities = [ent(d, "بغداد", "LOC")]
    evaluation = Evaluation(tokeniser=lambda x: ([x.span(0, len(x.text))], []))
    failed = Document.failed("d1", TEXT, "stage 'entities': out of memory", type="MemoryError")
    evaluation.add(GoldDoc(d, "gold.jsonl:1", True, False), failed)
    rep = evaluation.report()
    assert rep["entities"]["char_exact"]["micro"]["recall"] == 0.0
    assert rep["entities"]["errors"]["missed"] == 1
    assert rep["failed_documents"][0]["type"] == "MemoryError"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8)), max_size=12),
       st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8)), max_size=12))
def test_overlapping_finds_exactly_the_overlapping_pairs(gold_raw, pred_raw):
    d = Document(id="s", text="ب" * 50)
    gold = [d.span(s, s + n) for s, n in gold_raw]
    pred = [d.span(s, s + n) for s, n in pred_raw]
    brute = {(gi, pi, min(g.end, p.end) - max(g.start, p.start))
             for gi, g in enumerate(gold) for pi, p in enumerate(pred)
             if min(g.end, p.end) > max(g.start, p.start)}
    assert set(overlapping(gold, pred)) == brute
