"""Seen and unseen names (`evaluate --seen`): which names count as seen, and the split scores."""

import json

import pytest

from pipeline.document import Document
from pipeline.evaluate.errors import pair
from pipeline.evaluate.gold import GoldError
from pipeline.evaluate.novelty import SeenNames, novelty
from pipeline.io.conll import read_conll
from tests.test_evaluate_cli import GOLD, predictions, run_cli

LABELS = ("PER", "LOC", "ORG")

# Ten sentences: split_dev keeps the last one (n - n//10 = 9 onwards) as dev.
TRAIN_SENTENCES = [
    "زار\tO\nكوفي\tB-PER\nأنان\tI-PER\nبغداد\tB-LOC\n.\tO\n",
    "وتحدث\tO\nعن\tO\nسوريا\tB-LOC\n.\tO\n",
    *["قال\tO\nالمتحدث\tO\n.\tO\n"] * 7,
    "وصل\tO\nمحمود\tB-PER\nعباس\tI-PER\nإلى\tO\nعمان\tB-LOC\n.\tO\n",  # the dev sentence
]


@pytest.fixture
def train_file(tmp_path):
    path = tmp_path / "train.conll"
    path.write_text("\n".join(TRAIN_SENTENCES), encoding="utf-8")
    return path


def entity(text: str, label: str):
    return Document(id="d", text=text).entity(0, len(text), label)


def test_a_file_scored_with_dev_split_counts_only_its_training_part(train_file):
    whole = SeenNames.read([train_file], labels=LABELS, ignore=("MISC",))
    part = SeenNames.read([train_file], labels=LABELS, ignore=("MISC",),
                          train_part_of=[train_file])
    assert ("PER", "محمود عباس") in whole.names and ("LOC", "عمان") in whole.names
    assert part.names == {("PER", "كوفي أنان"), ("LOC", "بغداد"), ("LOC", "سوريا")}
    assert part.sources == (f"{train_file} (training part)",)


def test_seen_compares_label_and_surface_and_tolerates_a_clitic_either_way(train_file):
    seen = SeenNames.read([train_file], labels=LABELS, ignore=("MISC",),
                          train_part_of=[train_file])
    assert entity("كوفي أنان", "PER") in seen
    assert entity("كوفي  أنان", "PER") in seen       # whitespace collapsed
    assert entity("كوفي أنان", "ORG") not in seen    # another label is another name
    assert entity("وسوريا", "LOC") in seen           # gold keeps the clitic, train does not
    assert entity("وبغداد", "LOC") in seen
    assert entity("بلال", "PER") not in seen         # trimming counts only onto a seen name


def test_recall_and_precision_split_by_novelty(tmp_path, train_file):
    gold = tmp_path / "g.conll"
    gold.write_text(GOLD, encoding="utf-8")
    (doc,) = read_conll(gold)
    pred_record = json.loads(predictions(gold, tmp_path / "p.jsonl").read_text(encoding="utf-8"))
    pred = [doc.entity(e["start"], e["end"], e["label"]) for e in pred_record["entities"]]
    seen = SeenNames.read([train_file], labels=LABELS, ignore=("MISC",),
                          train_part_of=[train_file])
    section = novelty(pair(doc.entities, pred, doc.text), seen, LABELS)
    # gold: الأمم المتحدة ORG (unseen, labelled PER), كوفي أنان PER (seen, found),
    # الأردن LOC (unseen, missed), وسوريا LOC (seen, found as سوريا)
    assert section["seen"]["all"] == {"gold": 2, "found": 2, "recall": 1.0,
                                      "predicted": 2, "correct": 2, "precision": 1.0}
    assert section["unseen"]["all"] == {"gold": 2, "found": 0, "recall": 0.0,
                                        "predicted": 1, "correct": 0, "precision": 0.0}
    assert section["unseen"]["per_label"]["ORG"]["gold"] == 1
    assert section["unseen"]["per_label"]["PER"]["predicted"] == 1  # للأمم المتحدة as PER
    assert section["seen_names"] == 3


def test_cli_prints_and_saves_the_split(tmp_path, train_file):
    gold = tmp_path / "gold.conll"
    gold.write_text(GOLD, encoding="utf-8")
    pred = predictions(gold, tmp_path / "pred.jsonl")
    report = tmp_path / "report.json"
    proc = run_cli(gold, "--pred", pred, "--seen", train_file, "--json", report)
    assert proc.returncode == 0, proc.stderr
    section = json.loads(report.read_text(encoding="utf-8"))["entities"]["novelty"]
    # train_file is not gold here, so all of it counts: عمان, محمود عباس too
    assert section["seen_names"] == 5 and section["seen_from"] == [str(train_file)]
    assert section["seen"]["all"]["found"] == 2 and section["unseen"]["all"]["gold"] == 2
    assert "Seen and unseen names (5 names from" in proc.stdout
    all_row = next(x for x in proc.stdout.splitlines() if x.startswith("all "))
    assert all_row.split() == ["all", "2", "100.0", "2", "100.0", "2", "0.0", "1", "0.0"]


def test_a_missing_seen_file_is_named(tmp_path):
    with pytest.raises(GoldError, match="nope.conll: no such file"):
        SeenNames.read([tmp_path / "nope.conll"], labels=LABELS, ignore=())
    gold = tmp_path / "gold.conll"
    gold.write_text(GOLD, encoding="utf-8")
    proc = run_cli(gold, "--pred", predictions(gold, tmp_path / "p.jsonl"),
                   "--seen", tmp_path / "train.txt")
    assert proc.returncode == 2
    assert "train.txt: no such file (--seen)" in proc.stderr
