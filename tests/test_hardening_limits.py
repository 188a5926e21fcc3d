"""[limits]: past a limit an article is an error record, never a crash, and a
batch never holds more text than max_batch_chars (but always one article)."""

import time
from pathlib import Path

import pytest

from pipeline.config import ConfigError, LimitsSettings, load_config
from pipeline.document import Document
from pipeline.stages import BaseStage, Pipeline
from pipeline.text.stage import TokenizeSettings, TokenizeStage


def test_the_limits_have_sane_defaults_and_are_in_the_default_config():
    limits = load_config().limits
    assert limits == LimitsSettings()
    assert limits.max_chars == 2_000_000 and limits.max_batch_chars >= limits.max_chars
    assert limits.max_input_bytes >= 4 * limits.max_chars, "a max_chars article always fits"


@pytest.mark.parametrize("key", ["max_chars", "max_input_bytes", "max_batch_chars"])
def test_a_zero_limit_is_a_config_error_naming_the_key(tmp_path, key):
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[pipeline]\nstages = ["tokenize"]\n[limits]\n{key} = 0\n')
    with pytest.raises(ConfigError, match=f"{key} = 0: must be at least 1"):
        load_config(cfg)


def test_an_unknown_limit_lists_the_known_ones(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[limits]\nmax_tokens = 5\n')
    with pytest.raises(ConfigError, match="max_chars, max_input_bytes, max_batch_chars"):
        load_config(cfg)


class BatchSizes(BaseStage):
    """A real (trivial) stage that notes the size of every batch it is given."""

    name = "batch_sizes"

    def __init__(self):
        self.seen: list[tuple[int, int]] = []

    def __call__(self, doc):
        return doc

    def pipe(self, docs, batch_size=32):
        docs = list(docs)
        self.seen.append((len(docs), sum(len(d.text) for d in docs)))
        yield from docs


def test_batches_are_cut_at_max_batch_chars():
    stage = BatchSizes()
    sizes = [100, 100, 100, 5000, 10, 10, 10, 10]
    docs = [Document(id=str(i), text="ب" * n) for i, n in enumerate(sizes)]
    out = list(Pipeline([stage], batch_size=32, max_batch_chars=250).pipe(docs))
    assert [d.id for d in out] == [str(i) for i in range(len(sizes))]
    # A batch closes once it reaches the limit; a huge article goes alone.
    assert stage.seen == [(3, 300), (1, 5000), (4, 40)]


def test_the_config_limit_reaches_the_built_pipeline():
    config = load_config(None, {"pipeline.stages": ["tokenize"], "limits.max_batch_chars": 1234})
    assert config.build_pipeline().max_batch_chars == 1234


def test_an_article_past_max_chars_is_an_error_record():
    from pipeline.engines.lines import apply_limits

    config = load_config(None, {"pipeline.stages": ["tokenize"], "limits.max_chars": 100})
    docs = [Document(id="short", text="قال"), Document(id="long", text="ب " * 51)]
    out = list(config.build_pipeline().pipe(apply_limits(docs, config)))
    assert out[0].error is None and out[0].tokens
    assert out[1].error["type"] == "TooLong" and "max_chars is 100" in out[1].error["message"]
    assert out[1].tokens == [] and out[1].text == "ب " * 51


def test_an_article_at_max_chars_is_processed_in_bounded_time():
    """2,000,000 characters of seed prose (the default limit) through the
    tokenizer: linear, a few seconds, not minutes."""
    seeds = "\n".join(p.read_text(encoding="utf-8")
                      for p in sorted((Path(__file__).parent.parent / "seeds").glob("*.txt")))
    text = (seeds * (2_000_000 // len(seeds) + 1))[:2_000_000]
    stage = TokenizeStage(TokenizeSettings(), Path("."))
    started = time.perf_counter()
    doc = stage(Document(id="big", text=text))
    seconds = time.perf_counter() - started
    assert len(doc.tokens) > 300_000 and doc.sentences
    assert seconds < 30, f"2M characters took {seconds:.1f} s"


def test_a_5000_digit_number_does_not_cost_the_article_its_annotations():
    from tests.hostile.stages import pipeline_of, usable_stages

    if "quantities" not in usable_stages():
        pytest.skip("quantities stage not buildable here")
    text = f"وصل 20 ألف شخص، وبلغ العدد {'9' * 5000} شخصا."
    doc = pipeline_of(("tokenize", "quantities"))(Document(id="d", text=text))
    assert doc.error is None, doc.error
    assert any(q.text == "20 ألف" for q in doc.quantities)
