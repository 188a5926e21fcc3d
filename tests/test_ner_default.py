"""The shipped default model on the seed articles (loaded once)."""

from pathlib import Path

import pytest

from pipeline.document import Document

REPO = Path(__file__).resolve().parent.parent
DEFAULT = REPO / "models" / "default"
pytestmark = pytest.mark.skipif(not (DEFAULT / "config.json").exists(),
                                reason="models/default absent")


@pytest.fixture(scope="module")
def stages():
    """The shipped default, loaded once for the module."""
    from pipeline.ner.stage import EntitiesSettings, EntitiesStage
    from pipeline.text.stage import TokenizeSettings, TokenizeStage

    return TokenizeStage(TokenizeSettings(), REPO), EntitiesStage(
        EntitiesSettings(model=str(DEFAULT)), REPO)


@pytest.fixture(scope="module")
def seed_entities(stages):
    tokenize, stage = stages
    docs = [tokenize(Document(p.stem, p.read_text(encoding="utf-8")))
            for p in sorted((REPO / "seeds").glob("*.txt"))]
    found = set()
    for doc in stage.pipe(docs):
        for e in doc.entities:
            assert doc.text[e.start:e.end] == e.text
            found.add((e.text, e.label))
    return found


@pytest.mark.parametrize("text, label", [
    ("ناصر بوريطة", "PER"),
    ("مراكش", "LOC"),
    ("داعش", "ORG"),
    ("مجلس الأمن", "ORG"),
    ("سوريا", "LOC"),       # also found inside "وسوريا"
    ("العراق", "LOC"),
    ("أنتوني ج. بلينكن", "PER"),  # one name across the initial (initials.py)
])
def test_seed_entities_are_found(seed_entities, text, label):
    assert (text, label) in seed_entities


def test_waw_is_outside_the_span_of_wa_suriya(stages):
    tokenize, stage = stages
    text = "وتعمل الولايات المتحدة على إنهاء وجود داعش في العراق وسوريا."
    doc = stage(tokenize(Document("x", text)))
    spans = {(e.text, e.label) for e in doc.entities}
    assert ("سوريا", "LOC") in spans
    assert not any(e.text.startswith("و") and e.text[1:] == "سوريا" for e in doc.entities)
