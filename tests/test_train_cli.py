"""`arabic-news train` end to end with a TINY model (the first layer of the
rebuilt encoder): fine-tune on annotated JSONL through the CLI, stop, resume,
evaluate; a fixed seed gives the same weights; a resumed run equals one that
never stopped; bad data stops before training with FILE:LINE."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline.ner.data import ANERCORP_TRAIN

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
AQMAR = SHARED / "ner" / "aqmar_train.conll"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (SHARED / "ner" / ANERCORP_TRAIN).exists() or not AQMAR.exists(),
                       reason="shared NER data absent"),
]

TINY = """[train]
base = "{base}"
data_dir = "{data}"
output = "unused"
train_types = ["PER", "LOC", "ORG"]
output_types = ["PER", "LOC", "ORG"]
epochs = 2
batch_size = 8
max_length = 64
encoder_lr = 1e-3
head_lr = 3e-3
layers = 1                # the first layer of the pretrained encoder: seconds per run
threads = 1
log_every = 0
checkpoint_every = 4
patience = 0
replay = 0.05             # 27 of the 540 ANERcorp train sentences, every epoch
"""


def cli(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def in_process(*args) -> int:
    from pipeline.cli import main

    return main([str(a) for a in args])


def records_from_conll(path: Path, n_records: int, skip: int = 0) -> list[dict]:
    """Real AQMAR sentences with entities, two per record, as annotated JSONL
    (the shape of corrected `annotate` output): text + character spans."""
    from pipeline.io.conll import document_from_sentences, read_conll_sentences

    sents = [s for doc in read_conll_sentences(path) for s in doc
             if any(t != "O" for t in s.tags) and len(s.tokens) < 40][skip:skip + 2 * n_records]
    out = []
    for i in range(0, len(sents), 2):
        doc = document_from_sentences(f"aqmar-{skip + i}", sents[i:i + 2])
        out.append({"id": doc.id, "text": doc.text,
                    "entities": [e.to_record() for e in doc.entities]})
    return out


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def setup(tmp_path_factory, tiny_base):
    tmp = tmp_path_factory.mktemp("train")
    # A short ANERcorp (its first 600 sentences, in a temporary folder) keeps
    # the ANERcorp dev split -- the last 10% -- at 60 sentences: seconds to score.
    data = tmp / "data"
    (data / "ner").mkdir(parents=True)
    blocks = (SHARED / "ner" / ANERCORP_TRAIN).read_text(encoding="utf-8").split("\n\n")
    (data / "ner" / ANERCORP_TRAIN).write_text("\n\n".join(blocks[:600]) + "\n",
                                               encoding="utf-8")
    config = tmp / "tiny.toml"
    config.write_text(TINY.format(base=tiny_base, data=data), encoding="utf-8")
    train = write_jsonl(tmp / "train.jsonl", records_from_conll(AQMAR, 30))
    dev = write_jsonl(tmp / "dev.jsonl", records_from_conll(AQMAR, 8, skip=60))
    return {"tmp": tmp, "config": config, "train": train, "dev": dev}


def test_finetune_stop_resume_and_evaluate_through_the_cli(setup):
    out = setup["tmp"] / "model"
    common = ["train", "--config", setup["config"], "--train", setup["train"],
              "--dev", setup["dev"], "--output", out]
    first = cli(*common, "--max-steps", 5)
    assert first.returncode == 0, first.stderr
    assert (out / "checkpoint" / "trainer_state.json").exists()
    scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert scores["steps"] == 5 and not scores["finished"]

    resumed = cli("train", "--output", out, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed from" in resumed.stderr and "at step 5 " in resumed.stderr
    scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert scores["finished"] and scores["steps"] > 5
    # Evaluations: at the --max-steps stop, then at the end of both epochs.
    assert [h["at"] for h in scores["history"]] == ["max steps (5)", "epoch 1", "epoch 2"]
    assert [h["step"] for h in scores["history"]][0] == 5
    best = scores["best"]
    assert set(best) >= {"new_dev", "anercorp_dev"}  # forgetting is measured, not assumed
    assert 0.0 <= best["new_dev"]["f1"] <= 1.0 and 0.0 <= best["anercorp_dev"]["f1"] <= 1.0

    # A complete model folder, no checkpoint and no pickles left in it.
    names = {p.name for p in out.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "labels.json", "names.tsv",
            "training_config.json", "scores.json", "README.md", "train.log"} <= names
    assert "checkpoint" not in names
    assert not any(n.endswith((".bin", ".pt", ".pth", ".pkl")) for n in names)
    card = (out / "README.md").read_text(encoding="utf-8")
    assert f"{best['new_dev']['f1']:.4f}" in card and f"{best['anercorp_dev']['f1']:.4f}" in card
    log = (out / "train.log").read_text(encoding="utf-8")
    assert "resumed from" in log and "epoch 2:" in log

    report = setup["tmp"] / "report.json"
    ev = cli("evaluate", setup["dev"], "--model", out, "--stages", "tokenize,entities",
             "--json", report)
    assert ev.returncode == 0, ev.stderr
    rep = json.loads(report.read_text(encoding="utf-8"))
    assert rep["run"]["model"] == str(out)
    assert rep["entities"]["token"]["micro"]["support"] > 0
    assert "micro" in ev.stdout and "PER" in ev.stdout


def _tensors(path: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(path))


def _same(a: Path, b: Path) -> bool:
    import torch

    x, y = _tensors(a), _tensors(b)
    return x.keys() == y.keys() and all(torch.equal(x[k], y[k]) for k in x)


def test_a_fixed_seed_gives_the_same_model_and_resuming_changes_nothing(setup):
    tmp = setup["tmp"]
    common = ["train", "--config", setup["config"], "--train", setup["train"], "--no-progress"]
    for name in ("a", "b"):
        assert in_process(*common, "--output", tmp / name, "--max-steps", 7) == 0
    assert in_process(*common, "--output", tmp / "c", "--max-steps", 3) == 0
    assert in_process("train", "--output", tmp / "c", "--resume", "--max-steps", 7) == 0

    assert _same(tmp / "a" / "model.safetensors", tmp / "b" / "model.safetensors")
    for f in ("model.safetensors", "optimizer.safetensors", "rng.safetensors"):
        assert _same(tmp / "a" / "checkpoint" / f, tmp / "c" / "checkpoint" / f), f
    state = json.loads((tmp / "c" / "checkpoint" / "trainer_state.json").read_text())
    assert state["step"] == 7
    # Another seed is another model.
    assert in_process(*common, "--output", tmp / "d", "--max-steps", 7, "--seed", 99) == 0
    assert not _same(tmp / "a" / "model.safetensors", tmp / "d" / "model.safetensors")


def test_a_saved_model_keeps_its_labels_and_gains_only_those_asked_for(setup):
    tmp = setup["tmp"]
    first = tmp / "first"
    assert in_process("train", "--config", setup["config"], "--train", setup["train"],
                      "--output", first, "--max-steps", 2, "--no-progress") == 0
    # Same config: the label map is kept, and the model is scored before training.
    again = tmp / "again"
    assert in_process("train", "--config", setup["config"], "--base", first, "--train",
                      setup["train"], "--output", again, "--max-steps", 1, "--no-progress") == 0
    scores = json.loads((again / "scores.json").read_text(encoding="utf-8"))
    assert scores["labels"] == json.loads((first / "labels.json").read_text())["labels"]
    assert scores["added_labels"] == [] and scores["before"]["step"] == 0
    # A config asking for MISC adds B-/I-MISC to the head, nothing else.
    more = tmp / "more"
    assert in_process("train", "--config", setup["config"], "--base", first, "--train",
                      setup["train"], "--output", more, "--max-steps", 1, "--no-progress",
                      "--set", 'train_types=["PER","LOC","ORG","MISC"]') == 0
    labels = json.loads((more / "config.json").read_text())["id2label"]
    assert [labels[str(i)] for i in range(len(labels))][-2:] == ["B-MISC", "I-MISC"]
    assert json.loads((more / "scores.json").read_text())["added_labels"] == ["B-MISC", "I-MISC"]


def test_a_saved_model_gives_a_smaller_student(setup, capsys):
    """`--set keep_layers=[...]` keeps those layers of a trained model (its
    weights and labels) as a smaller model; a layer it does not have is a
    usage error naming the key."""
    tmp = setup["tmp"]
    two = tmp / "two_layers"
    assert in_process("train", "--config", setup["config"], "--train", setup["train"],
                      "--output", two, "--max-steps", 1, "--no-progress",
                      "--set", "layers=2") == 0
    student = tmp / "student"
    assert in_process("train", "--config", setup["config"], "--base", two, "--train",
                      setup["train"], "--output", student, "--max-steps", 1, "--no-progress",
                      "--set", "keep_layers=[1]") == 0
    assert json.loads((student / "config.json").read_text())["num_hidden_layers"] == 1
    assert in_process("train", "--config", setup["config"], "--base", two, "--train",
                      setup["train"], "--output", tmp / "bad_student", "--max-steps", 1,
                      "--no-progress", "--set", "keep_layers=[0,2]") == 2
    assert "keep_layers" in capsys.readouterr().err
    assert not (tmp / "bad_student").exists()


def test_the_verb_distils_a_teacher_on_a_soft_source(setup, tiny_teacher, tmp_path, capsys):
    """A config source with `soft = true` trains the verb's student on the
    teacher's distributions (cached beside the corpus), as the recipe does;
    a teacher with no soft source to read it is a usage error naming it."""
    from pipeline.ner import data as D

    transfer = tmp_path / "transfer.conll"
    with open(transfer, "w", encoding="utf-8") as fh:
        for words, tags in D.read_conll(AQMAR)[:40]:
            D.write_conll_sentence(fh, words, tags)
    tiny = setup["config"].read_text(encoding="utf-8").replace(
        "replay = 0.05", "replay = 0").replace(  # the teacher's labels: MISC too
        'train_types = ["PER", "LOC", "ORG"]', 'train_types = ["PER", "LOC", "ORG", "MISC"]')

    def config_with(soft: str) -> Path:
        config = tmp_path / f"distil-{soft}.toml"
        config.write_text(tiny + f"""teacher = "{tiny_teacher}"
max_train_sentences = 40
[[train.sources]]
path = "{transfer}"
soft = {soft}
""", encoding="utf-8")
        return config

    student = tmp_path / "student"
    code = in_process("train", "--config", config_with("true"), "--output", student,
                      "--epochs", 1, "--no-progress")
    err = capsys.readouterr().err
    assert code == 0, err
    assert "transfer.conll: 40 sentences" in err and "teacher distributions" in err

    # The teacher is set but nothing reads it: refused before training.
    unused = tmp_path / "student-hard"
    code = in_process("train", "--config", config_with("false"), "--output", unused,
                      "--epochs", 1, "--no-progress")
    err = capsys.readouterr().err
    assert code == 2 and "teacher" in err and "soft = true" in err
    assert not unused.exists()

    assert len(list(tmp_path.glob("transfer.conll.teacher-*.npz"))) == 1
    scores = json.loads((student / "scores.json").read_text(encoding="utf-8"))
    assert scores["finished"] and scores["best"] is not None
    # Hidden states match only at the same width: this student is 384 wide, the teacher 64.
    assert in_process("train", "--config", tmp_path / "distil-true.toml", "--output",
                      tmp_path / "wide", "--no-progress", "--set", "hidden_weight=1.0") == 2
    assert "hidden_weight" in capsys.readouterr().err
    assert not (tmp_path / "wide").exists()


def test_bad_training_data_exits_2_naming_file_and_line(setup):
    tmp = setup["tmp"]
    lines = setup["train"].read_text(encoding="utf-8").splitlines()
    rec = json.loads(lines[2])
    rec["entities"][0]["end"] = len(rec["text"]) + 5  # a span off the text
    bad = tmp / "bad.jsonl"
    bad.write_text("\n".join(lines[:2] + [json.dumps(rec, ensure_ascii=False)]) + "\n",
                   encoding="utf-8")
    out = tmp / "never"
    result = cli("train", "--config", setup["config"], "--train", setup["train"], bad,
                 "--output", out)
    assert result.returncode == 2
    assert f"{bad}:3:" in result.stderr
    assert not out.exists()  # nothing trained, nothing left behind


def test_resume_refuses_a_changed_run(setup):
    tmp = setup["tmp"]
    out = tmp / "changed"
    assert in_process("train", "--config", setup["config"], "--train", setup["train"],
                      "--output", out, "--max-steps", 1, "--no-progress") == 0
    assert in_process("train", "--output", out, "--resume", "--seed", 5) == 2
    assert in_process("train", "--config", setup["config"], "--train", setup["train"],
                      "--output", out) == 2  # not empty, and no --resume/--overwrite


def test_ctrl_c_saves_a_checkpoint_between_steps_and_resume_goes_on(setup):
    import signal
    import time

    out = setup["tmp"] / "interrupted"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "train", "--config", str(setup["config"]),
         "--train", str(setup["train"]), "--output", str(out), "--epochs", "50"],
        cwd=REPO, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    for line in proc.stderr:  # wait until the loop is running
        if " model: " in line:
            break
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted at step" in err
    step = json.loads((out / "checkpoint" / "trainer_state.json").read_text())["step"]
    assert step > 0
    resumed = cli("train", "--output", out, "--resume", "--max-steps", step + 2)
    assert resumed.returncode == 0, resumed.stderr
    assert f"at step {step} " in resumed.stderr
    assert json.loads((out / "scores.json").read_text())["steps"] == step + 2


def test_the_verb_trains_with_name_lists_and_a_trained_model_keeps_them(setup, capsys):
    """`--set gazetteer=...` trains a model that reads the lists (its folder
    carries them); fine-tuning that model reads them again without being told;
    a gazetteer file that does not exist is a config error naming the key."""
    from pipeline.ner.gazetteer import FILE, Gazetteer

    tmp = setup["tmp"]
    lists = tmp / "lists.tsv"
    gaz = Gazetteer()
    for words, kind in ((["سوريا"], "LOC"), (["الأمم", "المتحدة"], "ORG"), (["محمد"], "PART")):
        gaz.add(words, kind)
    gaz.save(lists)
    first = tmp / "with_lists"
    assert in_process("train", "--config", setup["config"], "--train", setup["train"],
                      "--output", first, "--max-steps", 2, "--no-progress",
                      "--set", f'gazetteer="{lists}"') == 0
    assert Gazetteer.load(first / FILE).entries == gaz.entries
    assert json.loads((first / "config.json").read_text())["type_vocab_size"] == 16
    again = tmp / "with_lists_again"
    assert in_process("train", "--config", setup["config"], "--base", first, "--train",
                      setup["train"], "--output", again, "--max-steps", 1,
                      "--no-progress") == 0
    assert Gazetteer.load(again / FILE).entries == gaz.entries
    assert in_process("train", "--config", setup["config"], "--train", setup["train"],
                      "--output", tmp / "no_lists", "--max-steps", 1, "--no-progress",
                      "--set", f'gazetteer="{tmp / "missing.tsv"}"') == 2
    assert "gazetteer" in capsys.readouterr().err


def test_a_path_given_with_set_is_read_from_the_working_folder(tmp_path, monkeypatch):
    from pipeline.ner.train import parse_settings

    monkeypatch.chdir(tmp_path)
    got = parse_settings(['gazetteer="lists/g.tsv"', "replay=0.2", 'teacher="/abs/t"'])
    assert got == {"gazetteer": str(tmp_path / "lists" / "g.tsv"), "replay": 0.2,
                   "teacher": "/abs/t"}


def test_the_verb_trains_a_crf_resumes_it_and_a_trained_model_keeps_it(setup, tmp_path, capsys):
    """`--set crf=true` trains a CRF layer (crf.json in the folder); a run
    stopped and resumed ends with the same transition scores as one that never
    stopped (they travel in the checkpoint); fine-tuning that folder keeps
    training them without being told; a setting the layer cannot train with
    is a config error naming it, before anything is written."""
    from pipeline.ner import crf as C

    common = ["train", "--config", setup["config"], "--train", setup["train"], "--no-progress",
              "--set", "crf=true"]
    assert in_process(*common, "--output", tmp_path / "a", "--max-steps", 6) == 0
    assert in_process(*common, "--output", tmp_path / "c", "--max-steps", 3) == 0
    assert in_process("train", "--output", tmp_path / "c", "--resume", "--max-steps", 6) == 0
    # Both stopped at step 6: their checkpoints hold the same weights and scores.
    state = {name: json.loads((tmp_path / name / "checkpoint" / "trainer_state.json").read_text())
             for name in ("a", "c")}
    assert state["a"]["crf"] == state["c"]["crf"]
    assert np.abs(np.array(state["a"]["crf"]["transitions"])).max() > 0  # learnt
    assert _same(tmp_path / "a" / "checkpoint" / "model.safetensors",
                 tmp_path / "c" / "checkpoint" / "model.safetensors")
    labels = json.loads((tmp_path / "a" / "labels.json").read_text())["labels"]
    a = C.load(tmp_path / "a", labels)  # the folder: its best evaluation's scores
    assert a is not None

    capsys.readouterr()
    assert in_process("train", "--config", setup["config"], "--base", tmp_path / "a", "--train",
                      setup["train"], "--output", tmp_path / "again", "--max-steps", 2,
                      "--no-progress") == 0
    said = capsys.readouterr()
    assert "CRF layer" in said.out + said.err
    again = C.load(tmp_path / "again", labels)
    assert again is not None and not np.array_equal(again.pairs, a.pairs)

    assert in_process(*common, "--output", tmp_path / "b", "--max-steps", 1,
                      "--set", 'pooling="mean"') == 2
    assert "pooling" in capsys.readouterr().err
    assert not (tmp_path / "b").exists()


def test_the_verb_trains_a_narrower_model(setup, capsys):
    """`--set ffn_size=N` keeps N feed-forward units in every layer; a width
    the base does not have is a usage error naming the key, leaving nothing."""
    tmp = setup["tmp"]
    narrow = tmp / "narrow"
    assert in_process("train", "--config", setup["config"], "--train", setup["train"],
                      "--output", narrow, "--max-steps", 1, "--no-progress",
                      "--set", "layers=1", "--set", "ffn_size=96") == 0
    assert "96 of 1536 kept" in capsys.readouterr().err
    assert json.loads((narrow / "config.json").read_text())["intermediate_size"] == 96
    assert in_process("train", "--config", setup["config"], "--train", setup["train"],
                      "--output", tmp / "too_wide", "--max-steps", 1, "--no-progress",
                      "--set", "layers=1", "--set", "ffn_size=4096") == 2
    assert "ffn_size must be 1..1536" in capsys.readouterr().err
    assert not (tmp / "too_wide").exists()
