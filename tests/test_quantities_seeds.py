"""The five seed articles against hand-written expectations (tests/data/seeds_quantities.jsonl).

The fixture was written by reading each article, not from the extractor's
output. Notable decisions in it: the dual noun "جلستين" (two sessions) is not
a quantity (only duals of time units are: "منذ عامين"); "كواحدة من" is the
pronoun "one of"; "السنوات السبع" is the cardinal "السبع"; a month name with
neither day nor year ("شباط/فبراير") is no quantity.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.document import Document
from pipeline.quantities.stage import QuantitiesStage

FIXTURE = Path(__file__).parent / "data" / "seeds_quantities.jsonl"


def _expected() -> dict[str, list[dict]]:
    with FIXTURE.open(encoding="utf-8") as fh:
        return {r["id"]: r["quantities"] for r in map(json.loads, fh)}


@pytest.fixture(scope="module")
def stage() -> QuantitiesStage:
    return QuantitiesStage()


@pytest.mark.parametrize("doc_id", sorted(_expected()))
def test_seed_quantities_match_the_hand_written_fixture(doc_id, seed_texts, stage):
    text = seed_texts[doc_id]
    doc = stage(Document(doc_id, text))
    found = [q.to_record() for q in doc.quantities]
    expected = _expected()[doc_id]
    # The fixture's spans are themselves checked against the article.
    for q in expected:
        assert text[q["start"]:q["end"]] == q["text"]
    assert found == expected


def test_fixture_covers_every_seed(seed_texts):
    assert set(_expected()) == set(seed_texts)
