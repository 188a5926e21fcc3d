"""`arabic-news annotate` end to end: records, order, and the error-record path."""

import json
import subprocess
import sys

from tests.conftest import REPO, SEEDS

TOKENIZE_ONLY = ["--stages", "tokenize"]


def run_cli(*args, stdin: bytes | None = None):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=REPO, input=stdin,
                          capture_output=True, timeout=300)


def read_records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def assert_valid(rec):
    text = rec["text"]
    for key in ("sentences", "tokens", "entities", "quantities"):
        for span in rec.get(key, []):
            assert 0 <= span["start"] < span["end"] <= len(text)
            if "text" in span:
                assert text[span["start"]:span["end"]] == span["text"]


def test_seeds_give_five_valid_records_in_order(tmp_path):
    out = tmp_path / "out.jsonl"
    proc = run_cli("annotate", str(SEEDS), "-o", str(out), "--tokens", *TOKENIZE_ONLY)
    assert proc.returncode == 0, proc.stderr.decode()
    recs = read_records(out)
    assert [r["id"] for r in recs] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for rec in recs:
        assert rec["sentences"] and rec["tokens"] and "error" not in rec
        assert rec["text"] == (SEEDS / f"{rec['id']}.txt").read_text(encoding="utf-8")
        assert_valid(rec)
    assert "5 articles, 0 errors" in proc.stderr.decode()
    assert not (tmp_path / "out.jsonl.partial").exists()


def test_bad_articles_become_error_records_and_the_run_goes_on(tmp_path):
    (tmp_path / "a_good.txt").write_text("وصل الوزير إلى الرباط.", encoding="utf-8")
    (tmp_path / "b_latin1.txt").write_bytes("café".encode("latin-1") + b"\xff\xfe")
    (tmp_path / "c_empty.txt").write_bytes(b"")
    (tmp_path / "d_batch.jsonl").write_text(
        '{"id": "j1", "text": "قال المصدر", "source": "x"}\n'
        '{"id": "j2", "title": "no text here"}\n'
        'not json at all\n'
        '{"id": "j4", "text": "   "}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = run_cli("annotate", str(tmp_path / "a_good.txt"), str(tmp_path / "b_latin1.txt"),
                   str(tmp_path / "c_empty.txt"), str(tmp_path / "d_batch.jsonl"),
                   "-o", str(out), *TOKENIZE_ONLY)
    assert proc.returncode == 1, "some articles failed: exit 1"
    recs = read_records(out)
    assert [r["id"] for r in recs] == ["a_good", "b_latin1", "c_empty", "j1", "j2",
                                       "d_batch:3", "j4"]
    errors = {r["id"]: r["error"]["type"] for r in recs if "error" in r}
    assert errors == {"b_latin1": "DecodeError", "c_empty": "EmptyArticle",
                      "j2": "MissingText", "d_batch:3": "JSONError", "j4": "EmptyArticle"}
    for rec in recs:
        assert_valid(rec)
        if "error" in rec:
            assert rec["entities"] == [] and rec["quantities"] == [] and rec["error"]["message"]
    assert recs[3]["meta"] == {"source": "x"}
    assert recs[4]["meta"] == {"title": "no text here"}
    assert "7 articles, 5 errors" in proc.stderr.decode()


def test_stdin_jsonl_to_stdout():
    proc = run_cli("annotate", "-", *TOKENIZE_ONLY,
                   stdin='{"id": 7, "text": "عقد الاجتماع في الكويت"}\n'.encode())
    assert proc.returncode == 0, proc.stderr.decode()
    (rec,) = [json.loads(l) for l in proc.stdout.decode().splitlines()]
    assert rec["id"] == "7" and rec["sentences"] == [{"start": 0, "end": 22}]


def test_bad_config_exits_2_naming_the_key(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[pipeline]\nstages = ["tokenize"]\n[stages.tokenize]\nbackend = 3\n')
    proc = run_cli("annotate", str(SEEDS), "--config", str(cfg))
    assert proc.returncode == 2
    assert "backend = 3: allowed values: 'spacy', 'stanza'" in proc.stderr.decode()


def test_missing_input_exits_2(tmp_path):
    proc = run_cli("annotate", str(tmp_path / "nothing_here"), *TOKENIZE_ONLY)
    assert proc.returncode == 2 and "no such file or folder" in proc.stderr.decode()


def test_help_explains_every_option():
    proc = run_cli("annotate", "--help")
    assert proc.returncode == 0
    text = proc.stdout.decode()
    for option in ("--output", "--config", "--model", "--stages", "--set", "--tokens",
                   "--batch-size", "--no-progress"):
        assert option in text
    assert "exit status" in text


def test_a_relative_model_path_means_the_working_directory(tmp_path):
    """`--model models/default` typed in the repo is the repo's models/default,
    not configs/models/default (config-file paths resolve against the config)."""
    out = tmp_path / "out.jsonl"
    article = tmp_path / "a.txt"
    article.write_text("وصل الوزير ناصر بوريطة إلى مراكش.", encoding="utf-8")
    proc = run_cli("annotate", str(article), "-o", str(out), "--model", "models/default")
    assert proc.returncode == 0, proc.stderr.decode()
    [rec] = read_records(out)
    assert {(e["text"], e["label"]) for e in rec["entities"]} >= {("مراكش", "LOC")}
