"""The scale options of `arabic-news annotate`: documented, and misuse exits 2."""

from tests.test_annotate_cli import run_cli
from tests.engines_articles import cheap_stages, read_lines, small_articles, write_jsonl
from tests.conftest import SEEDS


def test_help_explains_the_scale_options_and_that_a_partial_is_overwritten():
    text = run_cli("annotate", "--help").stdout.decode()
    for option in ("--workers", "--resume", "--engine", "--ray-address"):
        assert option in text
    assert "Without it an existing OUT.jsonl.partial is" in text


def test_resume_to_standard_output_is_a_usage_error():
    proc = run_cli("annotate", str(SEEDS), "--resume", "--stages", "tokenize")
    assert proc.returncode == 2 and "--resume needs --output FILE" in proc.stderr.decode()


def test_workers_flag_keeps_input_order_end_to_end(tmp_path):
    articles = small_articles(80)
    src = write_jsonl(tmp_path / "in.jsonl", articles)
    out = tmp_path / "out.jsonl"
    proc = run_cli("annotate", str(src), "-o", str(out), "--workers", "2",
                   "--stages", ",".join(cheap_stages()))
    assert proc.returncode == 0, proc.stderr.decode()
    assert [r["meta"]["n"] for r in read_lines(out)] == list(range(80))
    assert "80 articles, 0 errors" in proc.stderr.decode()
