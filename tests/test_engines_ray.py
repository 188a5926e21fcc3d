"""`--engine ray`: a Ray Data job on a local Ray writes the local engine's file."""

import pytest

ray = pytest.importorskip("ray", reason="the ray extra is not installed: pip install '.[ray]'")

# Ray Data warns about its own deprecated settings when it copies its context.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

from pipeline.engines.local import annotate  # noqa: E402
from pipeline.engines.ray_data import annotate_on_ray  # noqa: E402
from tests.conftest import SEEDS  # noqa: E402
from tests.engines_articles import cheap_config, small_articles, write_jsonl  # noqa: E402


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_ray_output_equals_local_output(tmp_path, local_ray):
    config = cheap_config()
    articles = write_jsonl(tmp_path / "b_articles.jsonl", small_articles(150))
    broken = tmp_path / "c_broken.jsonl"
    broken.write_text('{"id": "ok", "text": "قتل 14 مدنيا في دير الزور"}\n'
                      'not json\n'
                      '{"id": "no_text", "title": "عنوان"}\n', encoding="utf-8")
    inputs = [SEEDS, articles, broken]
    local = annotate(inputs, tmp_path / "local.jsonl", config, progress=False)
    on_ray = annotate_on_ray(inputs, tmp_path / "ray.jsonl", config, actors=2,
                             progress=False, batch_size=16)
    assert (tmp_path / "ray.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    assert on_ray.articles == local.articles == 158
    assert on_ray.error_types == local.error_types == {"JSONError": 1, "MissingText": 1}


def test_a_missing_model_is_a_clear_error_before_ray_starts(tmp_path):
    """The stages are built in the driver first: no actor dies, no Ray session
    is started, and the error names the folder."""
    from pipeline.config import load_config
    from pipeline.stages import PipelineError

    config = load_config(None, {"stages.entities.model": str(tmp_path / "no_model")})
    started = ray.is_initialized()
    with pytest.raises(PipelineError, match="no_model"):
        annotate_on_ray([SEEDS], tmp_path / "out.jsonl", config, progress=False)
    assert ray.is_initialized() == started
    assert not (tmp_path / "out.jsonl").exists()


def test_resume_on_ray_keeps_the_done_lines_and_does_the_rest(tmp_path, local_ray):
    """A .partial cut after 70 of 158 articles (the middle of the second input
    file, with a torn last line) is finished on Ray: the same bytes as one
    uninterrupted run, and only the missing articles were annotated."""
    from pipeline.io.jsonl import partial_path

    config = cheap_config()
    inputs = [SEEDS, write_jsonl(tmp_path / "b_articles.jsonl", small_articles(153))]
    whole = tmp_path / "whole.jsonl"
    annotate(inputs, whole, config, progress=False)
    lines = whole.read_bytes().splitlines(keepends=True)
    out = tmp_path / "out.jsonl"
    partial_path(out).write_bytes(b"".join(lines[:70]) + lines[70][:25])
    summary = annotate_on_ray(inputs, out, config, actors=2, progress=False, resume=True,
                              batch_size=16)
    assert out.read_bytes() == whole.read_bytes()
    assert (summary.articles, summary.resumed) == (158, 70)
    # Everything already done: nothing to run, the output is committed.
    partial_path(out).write_bytes(whole.read_bytes())
    summary = annotate_on_ray(inputs, out, config, progress=False, resume=True)
    assert (summary.articles, summary.resumed) == (158, 158)
    assert out.read_bytes() == whole.read_bytes()


def test_resume_on_ray_refuses_a_changed_input(tmp_path):
    from pipeline.engines.resume import ResumeError
    from pipeline.io.jsonl import partial_path

    config = cheap_config()
    first = write_jsonl(tmp_path / "a.jsonl", small_articles(10))
    out = tmp_path / "out.jsonl"
    annotate([first], out, config, progress=False)
    partial_path(out).write_bytes(out.read_bytes())
    changed = write_jsonl(tmp_path / "b.jsonl", small_articles(10)[::-1])
    with pytest.raises(ResumeError, match="input changed"):
        annotate_on_ray([changed], out, config, progress=False, resume=True)
