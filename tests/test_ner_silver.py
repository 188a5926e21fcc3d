"""Self-training data keeps only sentences whose every entity is confident, in
ANERcorp's conventions (the clitic stays inside the tagged token), and the
training reader accepts what it writes."""

import io

import pytest

from pipeline.config import load_config
from pipeline.document import Document
from pipeline.ner.corpus import read_training_file
from pipeline.ner.silver import SilverFilter, write_silver

TEXT = ("قال وزير الخارجية ناصر بوريطة في مراكش إن المغرب يدعم الحل السياسي.\n"
        "وأكد مجلس الأمن الدولي دعمه للمبعوث الأممي إلى ليبيا أمس.\n"
        "وزار الوفد وسوريا بعد ذلك.\n"
        "ولم يصدر أي تعليق رسمي حتى الآن على هذه التصريحات.")


@pytest.fixture(scope="module")
def tokenized() -> Document:
    pipeline = load_config(None, {"pipeline.stages": ["tokenize"]}).build_pipeline()
    return pipeline(Document(id="silver", text=TEXT))


def with_entities(doc: Document, *found: tuple[str, str, float]) -> Document:
    out = Document(id=doc.id, text=doc.text, tokens=doc.tokens, sentences=doc.sentences)
    for word, label, score in found:
        start = TEXT.index(word)
        out.entities.append(out.entity(start, start + len(word), label, score))
    return out


def silver(doc: Document, **keep) -> str:
    out = io.StringIO()
    write_silver([doc], out, SilverFilter(**keep))
    return out.getvalue()


def test_only_sentences_with_all_entities_confident_are_kept(tokenized):
    doc = with_entities(tokenized, ("ناصر بوريطة", "PER", 0.99), ("مراكش", "LOC", 0.97),
                        ("المغرب", "LOC", 0.95), ("مجلس الأمن", "ORG", 0.98),
                        ("ليبيا", "LOC", 0.6), ("سوريا", "LOC", 0.93))
    text = silver(doc, min_score=0.9)
    sentences = [s.splitlines() for s in text.strip().split("\n\n")]
    # Sentence 2 has an unsure entity (ليبيا 0.6); sentence 4 has none.
    assert len(sentences) == 2
    first, third = sentences
    assert "ناصر\tB-PER" in first and "بوريطة\tI-PER" in first and "مراكش\tB-LOC" in first
    # The model's span is سوريا; the token ANERcorp would tag is وسوريا.
    assert "وسوريا\tB-LOC" in third
    assert "ليبيا\tB-LOC" not in text


def test_threshold_and_length_limits(tokenized):
    doc = with_entities(tokenized, ("ليبيا", "LOC", 0.6))
    assert "ليبيا\tB-LOC" in silver(doc, min_score=0.5)
    assert silver(doc, min_score=0.5, max_tokens=5) == ""


def test_training_reader_accepts_silver_output(tokenized, tmp_path):
    doc = with_entities(tokenized, ("ناصر بوريطة", "PER", 0.99), ("مراكش", "LOC", 0.97),
                        ("المغرب", "LOC", 0.95), ("سوريا", "LOC", 0.93))
    path = tmp_path / "silver.conll"
    path.write_text(silver(doc), encoding="utf-8")
    sentences = read_training_file(path, ("PER", "LOC", "ORG")).sentences
    assert len(sentences) == 2
    words, tags = sentences[0]
    assert words[tags.index("B-PER")] == "ناصر"


def test_news_sample_is_annotate_input(tmp_path):
    from pathlib import Path

    from pipeline.io.readers import read_documents
    from pipeline.ner.silver import write_news_sample

    shared = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    path = tmp_path / "sample.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        assert write_news_sample(shared, out, skip=3, n=4, max_chars=3000) == 4
    docs = list(read_documents([path]))
    assert len(docs) == 4 and all(d.error is None and 0 < len(d.text) <= 3000 for d in docs)
