"""`--resume`: a killed run is continued, every input article ends up exactly once."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from pipeline.engines.local import annotate
from pipeline.engines.resume import ResumeError, recover
from tests.conftest import REPO
from tests.engines_articles import (cheap_config, cheap_stages, read_lines, small_articles,
                                    write_jsonl)


def test_recover_cuts_a_torn_last_line_and_counts_error_lines(tmp_path):
    partial = tmp_path / "out.jsonl.partial"
    good = ('{"id":"a","text":"وصل الوزير"}\n'
            '{"id":"b","text":"","error":{"type":"EmptyArticle","message":"empty"}}\n')
    partial.write_bytes(good.encode() + '{"id":"c","text":"عاد الو'.encode())
    kept = recover(partial)
    assert (kept.lines, kept.errors, kept.error_types) == (2, 1, {"EmptyArticle": 1})
    assert kept.torn_bytes > 0
    assert partial.read_bytes() == good.encode()


def test_resume_skips_by_position_so_repeated_ids_each_keep_their_line(tmp_path, capsys):
    config = cheap_config()
    articles = small_articles(120)  # ids repeat at 37, 74, 111
    src = write_jsonl(tmp_path / "in.jsonl", articles)
    annotate([src], tmp_path / "full.jsonl", config, progress=False)
    full = (tmp_path / "full.jsonl").read_bytes().splitlines(keepends=True)
    # A run killed after line 74 (a repeated id) while writing line 75.
    partial = tmp_path / "out.jsonl.partial"
    partial.write_bytes(b"".join(full[:74]) + full[74][:40])
    capsys.readouterr()
    summary = annotate([src], tmp_path / "out.jsonl", config, progress=True, resume=True)
    assert (tmp_path / "out.jsonl").read_bytes() == b"".join(full)
    assert "annotate: 74 articles" in capsys.readouterr().err  # the bar starts where it stopped
    assert summary.articles == 120 and summary.resumed == 74
    assert not partial.exists()


def test_resume_refuses_a_partial_written_for_another_input(tmp_path):
    config = cheap_config()
    src = write_jsonl(tmp_path / "in.jsonl", small_articles(10))
    (tmp_path / "out.jsonl.partial").write_text(
        '{"id":"art0000","text":"x"}\n{"id":"someone_else","text":"y"}\n', encoding="utf-8")
    with pytest.raises(ResumeError, match="line 2 is article 'someone_else'"):
        annotate([src], tmp_path / "out.jsonl", config, progress=False, resume=True)


def test_without_resume_an_existing_partial_is_overwritten(tmp_path):
    config = cheap_config()
    src = write_jsonl(tmp_path / "in.jsonl", small_articles(3))
    (tmp_path / "out.jsonl.partial").write_text('{"id":"stale","text":"قديم"}\n',
                                                encoding="utf-8")
    annotate([src], tmp_path / "out.jsonl", config, progress=False)
    assert [r["id"] for r in read_lines(tmp_path / "out.jsonl")] == ["art0000", "art0001",
                                                                     "art0002"]


def count_lines(path):
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def test_sigkill_mid_run_then_resume_writes_every_article_exactly_once(tmp_path):
    articles = small_articles(400)
    src = write_jsonl(tmp_path / "in.jsonl", articles)
    out = tmp_path / "out.jsonl"
    partial = tmp_path / "out.jsonl.partial"
    cli = [sys.executable, "-m", "pipeline", "annotate", "-o", str(out), "--no-progress",
           "--stages", ",".join(cheap_stages())]
    # The first run reads standard input and gets only the first 150 articles,
    # so it is certainly mid-way (waiting for more) when it is killed.
    first = subprocess.Popen([*cli, "-"], cwd=REPO, stdin=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    first.stdin.write(b"".join(src.read_bytes().splitlines(keepends=True)[:150]))
    first.stdin.flush()
    deadline = time.monotonic() + 60
    while count_lines(partial) < 64 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    first.stdin.close()
    first.stderr.close()
    killed_at = count_lines(partial)
    assert 64 <= killed_at < 400 and not out.exists()

    second = subprocess.run([*cli, "--resume", "--workers", "2", str(src)], cwd=REPO,
                            capture_output=True, timeout=120)
    assert second.returncode == 0, second.stderr.decode()
    records = read_lines(out)  # every line is valid JSON
    assert [r["meta"]["n"] for r in records] == list(range(400))  # each position once, in order
    assert Counter(r["id"] for r in records) == Counter(a["id"] for a in articles)
    assert all("error" not in r for r in records)
    assert f"({killed_at} kept from the interrupted run)" in second.stderr.decode()
