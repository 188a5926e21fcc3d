"""BIO chunking (seqeval default semantics) and projection of character spans
onto gold tokens; a property test holds the token-level scorer to seqeval."""

import math
import warnings

from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics.sequence_labeling import get_entities, precision_recall_fscore_support

from pipeline.document import Document
from pipeline.evaluate.scoring import token_counts
from pipeline.io.bio import chunks, group_by_sentence, project, tags_from_chunks

TEXT = "زار وزير الخارجية ناصر بوريطة العراقوسوريا أمس"


def tokenised(text: str) -> Document:
    doc = Document(id="t", text=text)
    pos = 0
    spans = []
    for word in text.split(" "):
        spans.append(doc.span(pos, pos + len(word)))
        pos += len(word) + 1
    doc.tokens = spans
    return doc


def test_chunks_of_valid_iob2():
    assert chunks(["B-PER", "I-PER", "O", "B-LOC"]) == [("PER", 0, 2), ("LOC", 3, 4)]


def test_an_i_after_o_opens_a_chunk_as_in_conlleval():
    assert chunks(["O", "I-PER", "I-PER"]) == [("PER", 1, 3)]


def test_an_i_of_another_type_opens_a_new_chunk():
    assert chunks(["B-PER", "I-LOC"]) == [("PER", 0, 1), ("LOC", 1, 2)]


def test_b_after_b_of_the_same_type_is_two_chunks():
    assert chunks(["B-LOC", "B-LOC", "I-LOC"]) == [("LOC", 0, 1), ("LOC", 1, 3)]


def test_tags_from_chunks_inverts_chunks():
    tags = ["B-ORG", "I-ORG", "O", "B-PER", "B-PER"]
    assert tags_from_chunks(len(tags), chunks(tags)) == tags


def test_projection_marks_every_token_a_span_overlaps():
    doc = tokenised(TEXT)
    start = TEXT.index("ناصر")
    doc.entities = [doc.entity(start, start + len("ناصر بوريطة"), "PER")]
    assert project(doc.tokens, doc.entities) == ["O", "O", "O", "B-PER", "I-PER", "O", "O"]


def test_projection_of_a_span_inside_a_token_tags_the_whole_token():
    # The model trims the clitic: "سوريا" inside the gold token "وسوريا".
    doc = tokenised("جولة تشمل الأردن وسوريا")
    start = doc.text.index("سوريا")
    pred = [doc.entity(start, start + 5, "LOC")]
    assert project(doc.tokens, pred) == ["O", "O", "O", "B-LOC"]


def test_two_entities_in_one_gold_token_keep_the_first():
    doc = tokenised(TEXT)
    start = TEXT.index("العراقوسوريا")
    pred = [doc.entity(start, start + 6, "LOC"), doc.entity(start + 7, start + 12, "LOC")]
    assert project(doc.tokens, pred)[5] == "B-LOC"
    assert chunks(project(doc.tokens, pred)) == [("LOC", 5, 6)]


def test_group_by_sentence():
    doc = tokenised("قال الوزير .\nوأضاف أمس")
    doc.tokens = [doc.span(0, 3), doc.span(4, 10), doc.span(11, 12), doc.span(13, 18),
                  doc.span(19, 22)]
    doc.sentences = [doc.span(0, 12), doc.span(13, 22)]
    assert group_by_sentence(doc.tokens, doc.sentences) == [range(0, 3), range(3, 5)]
    assert group_by_sentence(doc.tokens, []) == [range(0, 5)]


# -- agreement with seqeval -------------------------------------------------------
TAGS = ["O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]
sentence = st.lists(st.sampled_from(TAGS), min_size=0, max_size=12)


@st.composite
def paired_sentences(draw):
    lengths = draw(st.lists(st.integers(0, 12), min_size=1, max_size=6))
    gold = [draw(st.lists(st.sampled_from(TAGS), min_size=n, max_size=n)) for n in lengths]
    pred = [draw(st.lists(st.sampled_from(TAGS), min_size=n, max_size=n)) for n in lengths]
    return gold, pred


@settings(max_examples=300, deadline=None)
@given(sentence)
def test_chunks_agree_with_seqeval_get_entities(tags):
    # seqeval's ends are inclusive, ours exclusive.
    assert chunks(tags) == [(t, s, e + 1) for t, s, e in get_entities(tags)]


@settings(max_examples=300, deadline=None)
@given(paired_sentences())
def test_token_scores_agree_with_seqeval_default_mode(pair):
    gold, pred = pair
    counts = token_counts(gold, pred)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # seqeval warns on labels with no predictions
        p, r, f, _ = precision_recall_fscore_support(gold, pred, average="micro")
        micro = counts.micro()
        assert math.isclose(micro.precision, p) and math.isclose(micro.recall, r)
        assert math.isclose(micro.f1, f)
        seen = sorted(k for k, c in counts.by_label.items() if c.gold or c.predicted)
        if not seen:
            return  # seqeval's macro average of no labels is NaN
        ps, rs, fs, support = precision_recall_fscore_support(gold, pred, average=None)
        for label, pl, rl, fl, sl in zip(seen, ps, rs, fs, support):
            c = counts.by_label[label]
            assert (c.gold, math.isclose(c.precision, pl), math.isclose(c.recall, rl),
                    math.isclose(c.f1, fl)) == (sl, True, True, True)
        pm, rm, fm, _ = precision_recall_fscore_support(gold, pred, average="macro")
        macro = counts.macro()
        assert math.isclose(macro["precision"], pm) and math.isclose(macro["recall"], rm)
        assert math.isclose(macro["f1"], fm)
