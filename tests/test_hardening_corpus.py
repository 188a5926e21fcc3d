"""The hostile-input corpus through `arabic-news annotate`, end to end.

Every case: no crash, no hang (each run has a time bound), exactly one output
record per input article in input order (an error record where it must be),
and every record obeys FORMAT.md (tests/hostile/invariants.py). The whole
configured pipeline runs, minus stages that cannot be built here yet (see
tests/hostile/stages.py); the heavy generated cases run through the cheap
stages only, to keep CI short -- benchmarks/fuzz_long.py runs them all.
"""

import shutil
import subprocess
import sys
import time
import tomllib


from tests.conftest import REPO
from tests.hostile import generate
from tests.hostile.invariants import check_line
from tests.hostile.stages import usable_stages

HOSTILE = REPO / "tests" / "hostile"
EXPECTED = tomllib.loads((HOSTILE / "expected.toml").read_text(encoding="utf-8"))["files"]
CHEAP = ("tokenize", "quantities")


def annotate(folder, out, stages, *extra, timeout):
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "annotate", str(folder), "-o", str(out), "--tokens",
         "--no-progress", "--stages", ",".join(stages), *extra],
        cwd=REPO, capture_output=True, timeout=timeout)
    return proc, time.perf_counter() - started


def jsonl_lines(data: bytes) -> list[str]:
    # Split on "\n" only: str.splitlines() also splits on U+2028, U+2029 and
    # U+0085, which a JSON string may hold raw.
    text = data.decode("utf-8")
    return text[:-1].split("\n") if text.endswith("\n") else text.split("\n")


def check_run(folder, out, expected, proc):
    """Exit 1 (some error records), one valid record per article, in order."""
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 1, stderr
    assert "Traceback" not in stderr, stderr
    lines = jsonl_lines(out.read_bytes())
    records = [check_line(line) for line in lines]
    want = [(rid, err) for name in sorted(expected) for rid, err in expected[name]]
    got = [(r["id"], r.get("error", {}).get("type", "")) for r in records]
    assert got == want
    n_err = sum(1 for _, err in want if err)
    assert f"{len(want)} articles, {n_err} errors" in stderr
    for rec in records:
        path = folder / f"{rec['id']}.txt"
        if "error" not in rec and path.exists():
            raw = path.read_bytes()
            text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") \
                else raw.decode("utf-8-sig")
            assert rec["text"] == text, f"{rec['id']}: text not carried through unchanged"
    return records


def test_corpus_gives_one_valid_record_per_article(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(HOSTILE / "corpus", folder)
    expected = {**EXPECTED, **generate.write_all(folder)}
    assert sorted(p.name for p in folder.iterdir()) == sorted(expected), \
        "expected.toml lists every corpus file"
    out = tmp_path / "out.jsonl"
    proc, seconds = annotate(folder, out, usable_stages(), timeout=240)
    records = check_run(folder, out, expected, proc)
    by_id = {r["id"]: r for r in records}
    # The carried-through cases, spot-checked.
    assert len(by_id["word_100k"]["text"]) == 100_000 + 30
    assert len(by_id["huge_ok"]["meta"]["raw_html"]) == 1_500_007
    assert len(by_id["many_fields"]["meta"]) == 10_000
    assert by_id["ok_1"]["meta"] == {"source": "seed"}
    assert by_id["pair_is_fine"]["text"].startswith("\U0001F600")
    assert [r["text"] for r in records if r["id"] == "dup"] == \
        ["النسخة الأولى 1", "النسخة الثانية 2", "النسخة الثالثة 3"]
    # Real content inside hostile wrapping is still found.
    if "quantities" in usable_stages():
        html = {q["text"] for q in by_id["html_with_scripts"]["quantities"]}
        assert "700 مليون دولار" in html
        assert by_id["numbers_400_digits"]["quantities"], "400-digit numbers are numbers"


def test_heavy_cases_stay_bounded(tmp_path):
    """20 MB past the limit is an error record; 300,000 characters under it,
    a 100,000-character punctuation run and 20,000 random code points are
    annotated -- all within a time bound (the tokenizer was quadratic on
    long punctuation runs: 9 minutes for 100,000 characters)."""
    folder = tmp_path / "in"
    expected = generate.write_heavy(folder)
    out = tmp_path / "out.jsonl"
    stages = tuple(s for s in usable_stages() if s in CHEAP)
    proc, seconds = annotate(folder, out, stages, timeout=120)
    records = check_run(folder, out, expected, proc)
    big = next(r for r in records if r["id"] == "big_20mb")
    assert "max_chars" in big["error"]["message"]
    under = next(r for r in records if r["id"] == "big_under_limit")
    assert len(under["sentences"]) > 500
    assert seconds < 90, f"heavy cases took {seconds:.0f} s"


def test_stdin_takes_the_same_malformed_lines():
    data = (HOSTILE / "corpus" / "malformed.jsonl").read_bytes()
    proc = subprocess.run([sys.executable, "-m", "pipeline", "annotate", "-", "--stages",
                           "tokenize", "--no-progress"], cwd=REPO, input=data,
                          capture_output=True, timeout=120)
    assert proc.returncode == 1, proc.stderr.decode("utf-8", "replace")
    records = [check_line(line) for line in jsonl_lines(proc.stdout)]
    want = [rid.replace("malformed:", "stdin:") for rid, _ in EXPECTED["malformed.jsonl"]]
    assert [r["id"] for r in records] == want


# Output-side failures are the run's failure, not an article's: exit status 1
# ("some articles are error records") must not stand for them; the CLI says
# what happened in one line and exits 3.


def test_a_full_disk_is_reported_not_swallowed():
    with open("/dev/full", "wb") as sink:
        proc = subprocess.run(
            [sys.executable, "-m", "pipeline", "annotate", str(REPO / "seeds"), "--stages",
             "tokenize", "--no-progress"], cwd=REPO, stdout=sink, stderr=subprocess.PIPE,
            timeout=120)
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode not in (0, 1), stderr
    assert "No space left on device" in stderr and "Traceback" not in stderr, stderr


def test_a_closed_pipe_is_reported_not_swallowed():
    # The seeds 40 times with their tokens: far more output than a pipe buffer
    # (64 KB) holds, so the writer cannot finish before the reader goes away
    # (with the seeds once, it sometimes did, and the run rightly exited 0).
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "annotate", *[str(REPO / "seeds")] * 40,
         "--stages", "tokenize", "--tokens", "--no-progress"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(100)
    proc.stdout.close()  # the reader goes away, as `| head -c 100` does
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode not in (0, 1), stderr.decode("utf-8", "replace")
