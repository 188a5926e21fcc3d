"""`arabic-news evaluate` end to end: table, JSON report, plot, baseline, bad gold."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.io.conll import read_conll
from tests.conftest import REPO

GOLD = (
    "وقال\tO\nالأمين\tO\nالعام\tO\nللأمم\tB-ORG\nالمتحدة\tI-ORG\nكوفي\tB-PER\nأنان\tI-PER\n.\tO\n"
    "\n"
    "وبدأ\tO\nالوزير\tO\nجولة\tO\nتشمل\tO\nالأردن\tB-LOC\nوسوريا\tB-LOC\n.\tO\n"
)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", "evaluate", *map(str, args)],
                          cwd=REPO, capture_output=True, text=True, timeout=600)


@pytest.fixture
def gold(tmp_path) -> Path:
    path = tmp_path / "gold.conll"
    path.write_text(GOLD, encoding="utf-8")
    return path


def predictions(gold: Path, out: Path) -> Path:
    """A model that trims the clitic of وسوريا, calls the UN a PER and misses الأردن."""
    (doc,) = read_conll(gold)
    t = doc.text

    def at(surface, label, trim=0):
        start = t.index(surface)
        return {"start": start + trim, "end": start + len(surface), "label": label}

    rec = {"id": doc.id, "text": t,
           "entities": [at("للأمم المتحدة", "PER"), at("كوفي أنان", "PER"),
                        at("وسوريا", "LOC", trim=1)]}
    out.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def test_scores_a_prediction_file(tmp_path, gold):
    pred = predictions(gold, tmp_path / "pred.jsonl")
    report, plot = tmp_path / "report.json", tmp_path / "report.png"
    proc = run_cli(gold, "--pred", pred, "--json", report, "--plot", plot, "--errors", "3")
    assert proc.returncode == 0, proc.stderr
    rep = json.loads(report.read_text(encoding="utf-8"))
    ents = rep["entities"]
    # token level: PER 1 right of 2 predicted; LOC 1 of 2 gold (وسوريا via projection)
    assert ents["token"]["micro"] == pytest.approx(
        {"precision": 2 / 3, "recall": 2 / 4, "f1": 4 / 7, "support": 4, "predicted": 3,
         "correct": 2})
    assert ents["char_exact"]["micro"]["correct"] == 1
    assert ents["char_clitic"]["micro"]["correct"] == 2
    assert ents["errors"] == {"correct": 1, "clitic": 1, "boundary": 0, "label": 1,
                              "boundary_label": 0, "missed": 1, "spurious": 0}
    assert ents["confusion"]["matrix"][2] == [1, 0, 0, 0]  # gold ORG predicted PER
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = proc.stdout
    assert "token (seqeval)" in out and "char clitic-tolerant" in out
    assert "missed:" in out and "⟦الأردن⟧" in out


def test_baseline_prints_changes(tmp_path, gold):
    perfect = tmp_path / "perfect.jsonl"
    (doc,) = read_conll(gold)
    perfect.write_text(json.dumps(doc.to_record(tokens=False), ensure_ascii=False) + "\n",
                       encoding="utf-8")
    base = tmp_path / "base.json"
    assert run_cli(gold, "--pred", perfect, "--json", base).returncode == 0
    proc = run_cli(gold, "--pred", predictions(gold, tmp_path / "pred.jsonl"),
                   "--baseline", base)
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines()
                if x.startswith("entities token (seqeval) micro F1"))
    assert line.split()[-3:] == ["100.0", "57.1", "-42.9"]


def test_bad_gold_stops_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.conll"
    bad.write_text("بغداد\tB-LOC\nعاصمة\n", encoding="utf-8")
    proc = run_cli(bad, "--pred", tmp_path / "none.jsonl")
    assert proc.returncode == 2
    assert f"{bad}:2: no tag after the token" in proc.stderr


def test_a_missing_prediction_is_an_error(tmp_path, gold):
    other = tmp_path / "other.jsonl"
    other.write_text('{"id": "x", "text": "بغداد", "entities": []}\n', encoding="utf-8")
    proc = run_cli(gold, "--pred", other)
    assert proc.returncode == 2
    assert "no prediction for gold document 'gold'" in proc.stderr


def test_pipeline_run_keeps_gold_tokens_and_saves_predictions(tmp_path, gold):
    """Through the configured pipeline (tokenize only: runs anywhere); its saved
    predictions re-score with --pred."""
    saved = tmp_path / "pred.jsonl"
    proc = run_cli(gold, "--stages", "tokenize", "--write-pred", saved, "--json",
                   tmp_path / "r.json")
    assert proc.returncode == 0, proc.stderr
    assert "entities: not scored (1 gold documents" in proc.stdout
    (rec,) = [json.loads(x) for x in saved.read_text(encoding="utf-8").splitlines()]
    assert rec["id"] == "gold" and rec["text"].startswith("وقال الأمين العام للأمم")
    assert run_cli(gold, "--pred", saved).returncode == 0


NER_READY = ((REPO / "models" / "default").is_dir()
             and importlib.util.find_spec("pipeline.ner.stage") is not None
             and importlib.util.find_spec("pipeline.quantities.stage") is not None)


@pytest.mark.slow
@pytest.mark.skipif(not NER_READY, reason="models/default or a pipeline stage is not there yet")
def test_default_pipeline_end_to_end(tmp_path, gold):
    report = tmp_path / "r.json"
    proc = run_cli(gold, "--json", report)
    assert proc.returncode == 0, proc.stderr
    rep = json.loads(report.read_text(encoding="utf-8"))
    assert rep["counts"]["tokens"] == 15  # the gold tokens, not the pipeline's
    assert rep["entities"]["token"]["micro"]["support"] == 4
    assert 0.0 <= rep["entities"]["token"]["micro"]["f1"] <= 1.0


def test_jsonl_gold_with_entities_and_quantities(tmp_path):
    text = "أعلن ناصر بوريطة عن 700 مليون دولار لإعادة إعمار العراق في 11 سبتمبر 2014"

    def span(surface, **fields):
        start = text.index(surface)
        return {"start": start, "end": start + len(surface), "text": surface, **fields}

    money = span("700 مليون دولار", kind="money", value=700000000, unit="USD")
    date = span("11 سبتمبر 2014", kind="date", value=None, unit=None, iso="2014-09-11")
    gold = {"id": "seed", "text": text,
            "entities": [span("ناصر بوريطة", label="PER"), span("العراق", label="LOC")],
            "quantities": [money, date]}
    pred = {"id": "seed", "text": text,
            "entities": [span("ناصر بوريطة", label="PER")],
            "quantities": [dict(money, value=700000), dict(date, iso="2014-09-11")]}
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    (tmp_path / "pred.jsonl").write_text(json.dumps(pred, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    proc = run_cli(tmp_path / "gold.jsonl", "--pred", tmp_path / "pred.jsonl",
                   "--json", tmp_path / "r.json", "--plot", tmp_path / "r.png", "--errors", "2")
    assert proc.returncode == 0, proc.stderr
    assert "«700 مليون دولار»  value: gold 700000000 pred 700000" in proc.stdout
    rep = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    # token level ran over our tokenizer's tokens (the gold brings none)
    assert rep["counts"]["tokens"] > 10
    assert rep["entities"]["token"]["micro"]["recall"] == 0.5
    assert rep["quantities"]["kinds"] == ["money", "date"]
    assert rep["quantities"]["exact"]["micro"]["f1"] == 1.0
    assert rep["quantities"]["value"]["per_kind"] == {
        "money": {"accuracy": 0.0, "correct": 0, "matched": 1},
        "date": {"accuracy": 1.0, "correct": 1, "matched": 1}}
    assert "Quantities:" in proc.stdout


@pytest.mark.skipif(importlib.util.find_spec("pipeline.quantities.stage") is None,
                    reason="the quantities stage is not there yet")
def test_pipeline_quantities_score_the_same_as_their_saved_predictions(tmp_path):
    text = "أعلن ناصر بوريطة عن 700 مليون دولار لإعادة إعمار العراق بمشاركة 14 دولة"
    start = text.index("700 مليون دولار")
    gold = {"id": "q1", "text": text, "quantities": [
        {"start": start, "end": start + 15, "kind": "money", "value": 700000000, "unit": "USD"},
        {"start": text.index("14"), "end": text.index("14") + 2, "kind": "cardinal",
         "value": 14, "unit": None}]}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(gold, ensure_ascii=False) + "\n", encoding="utf-8")
    saved, first, second = tmp_path / "pred.jsonl", tmp_path / "a.json", tmp_path / "b.json"
    proc = run_cli(path, "--stages", "tokenize,quantities", "--write-pred", saved,
                   "--json", first)
    assert proc.returncode == 0, proc.stderr
    assert run_cli(path, "--pred", saved, "--json", second).returncode == 0
    a, b = (json.loads(p.read_text(encoding="utf-8")) for p in (first, second))
    assert a["quantities"]["exact"]["micro"]["support"] == 2
    assert a["quantities"] == b["quantities"]
    assert a["entities"] is None and a["not_scored"] == {}
