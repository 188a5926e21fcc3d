"""The entities stage end to end with a TINY model trained here, in seconds,
through the same build and training code as the shipped default."""

from pathlib import Path

import pytest

from pipeline.document import Document
from pipeline.ner.data import ANERCORP_TRAIN
from pipeline.ner.infer import WordEntity

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (SHARED / "ner" / ANERCORP_TRAIN).exists(),
                       reason="shared NER data absent"),
]

TEXT = ("قال المتحدث بالبنتاغون إن التحالف سيواصل عملياته في العراقوسوريا. "
        "وزار وزير الخارجية الفرنسي بغداد وسوريا ولبنان الأسبوع الماضي.")


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory, tiny_base):
    from dataclasses import replace

    from pipeline.ner.onnx_export import build
    from pipeline.ner.train import TrainConfig, train, write_lexicon

    tmp = tmp_path_factory.mktemp("ner")
    cfg = TrainConfig(base=tiny_base, output=tmp / "model", data_dir=SHARED, epochs=2,
                      max_train_sentences=200, layers=2, hidden=64, batch_size=16,
                      max_length=64, encoder_lr=2e-3, head_lr=2e-3, log_every=0)
    result = train(cfg, log=lambda _: None)
    # The trimmer's name counts from the whole ANERcorp train part (the tiny
    # model saw only 200 sentences of it).
    write_lexicon(replace(cfg, max_train_sentences=0), tmp / "model")
    build(tmp / "model")
    return tmp / "model", result


def _stage(folder, runtime="onnx", **kw):
    from pipeline.ner.stage import EntitiesSettings, EntitiesStage

    return EntitiesStage(EntitiesSettings(model=str(folder), runtime=runtime, **kw), Path("/"))


def _doc(text=TEXT):
    from pipeline.text.stage import TokenizeSettings, TokenizeStage

    return TokenizeStage(TokenizeSettings(), Path("."))(Document("t", text))


def test_training_saves_a_complete_model_folder(tiny_model):
    folder, result = tiny_model
    names = {p.name for p in folder.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "labels.json",
            "training_config.json", "scores.json", "names.tsv", "model.int8.onnx"} <= names
    assert not any(n.endswith((".bin", ".pt", ".pkl")) for n in names)
    assert [h["epoch"] for h in result["history"]] == [1, 2]
    assert 0.0 <= result["best"]["f1"] <= 1.0


@pytest.mark.parametrize("runtime", ["onnx", "torch", "torch-bf16", "auto"])
def test_entity_offsets_index_the_original_text(tiny_model, runtime):
    folder, _ = tiny_model
    stage = _stage(folder, runtime)
    docs = list(stage.pipe([_doc(), _doc("لا شيء هنا."), _doc(TEXT * 3)]))
    for doc in docs:
        last_end = 0
        for e in doc.entities:
            assert doc.text[e.start:e.end] == e.text
            assert e.label in ("PER", "LOC", "ORG") and 0.0 <= e.score <= 1.0
            assert e.start >= last_end  # sorted, no overlaps
            last_end = e.end


def test_auto_runtime_is_bf16_only_where_the_cpu_multiplies_bf16(tiny_model):
    from pipeline.ner.infer import bf16_matmul

    stage = _stage(tiny_model[0], "auto")
    assert stage.model.runtime == ("torch-bf16" if bf16_matmul() else "onnx")


@pytest.mark.parametrize("flags, runtime", [
    ({"avx2", "avx512f", "avx512_vnni", "amx_bf16"}, "torch-bf16"),  # Xeon 4th gen.
    ({"avx2", "avx512f", "avx512_vnni", "avx512_bf16"}, "torch-bf16"),  # EPYC Zen 4
    ({"avx2", "avx512f", "avx512_vnni"}, "onnx"),  # VNNI only: the int8 graph
    ({"avx2"}, "onnx"),
    (set(), "onnx"),  # no /proc/cpuinfo
])
def test_auto_reads_hardware_bf16_from_the_cpu_flags(monkeypatch, flags, runtime):
    from pipeline.ner import infer

    monkeypatch.setattr(infer, "cpu_info", lambda: ("a CPU", frozenset(flags)))
    assert infer.resolve_runtime("auto") == runtime
    assert infer.resolve_runtime("onnx") == "onnx"


def test_bf16_agrees_with_fp32(tiny_model):
    """bf16 weights and activations move the label distributions very little."""
    import numpy as np

    from pipeline.ner.infer import NerModel

    words = [w.split() for w in TEXT.split(". ")]
    fp32 = NerModel(tiny_model[0], "torch").word_log_probs(words)
    bf16 = NerModel(tiny_model[0], "torch-bf16").word_log_probs(words)
    for a, b in zip(fp32, bf16):
        assert np.abs(np.exp(a) - np.exp(b)).max() < 0.05


def test_long_sentence_is_windowed_with_overlap(tiny_model):
    folder, _ = tiny_model
    from pipeline.ner.infer import NerModel

    model = NerModel(folder, "onnx", max_length=32, stride=8)
    words = ("وزار وزير الخارجية الفرنسي بغداد وسوريا ولبنان الأسبوع الماضي " * 12).split()
    windows = model._windows([words])
    assert len(windows) > 1
    covered = {w for win in windows for w, _, _ in win.word_pos}
    assert covered == set(range(len(words)))
    assert all(len(win.ids) <= 32 for win in windows)
    assert windows[1].first_word < windows[0].word_pos[-1][0] + 1  # they overlap
    lp = model.word_log_probs([words])[0]
    assert lp.shape == (len(words), len(model.labels))


def test_proclitic_trimmed_and_joined_names_split_at_character_level(tiny_model):
    folder, _ = tiny_model
    stage = _stage(folder)
    doc = _doc()
    tokens = [t.text for t in doc.tokens]

    def entities_for(word, label):
        i = tokens.index(word)
        return [(e.text, e.label) for e in stage._to_chars(doc, doc.tokens, WordEntity(i, i + 1, label, 0.9))]

    assert entities_for("وسوريا", "LOC") == [("سوريا", "LOC")]
    assert entities_for("بالبنتاغون", "ORG") == [("البنتاغون", "ORG")]
    assert entities_for("العراقوسوريا", "LOC") == [("العراق", "LOC"), ("سوريا", "LOC")]
    assert entities_for("بغداد", "LOC") == [("بغداد", "LOC")]


def test_int8_export_can_keep_the_most_sensitive_layers_fp32(tiny_model, tmp_path):
    """The sensitivity pass scores every group on raw news and keeps the
    encoder layer whose int8 costs most in fp32 (embeddings and classifier are
    scored, not kept: the size budget)."""
    import shutil

    from pipeline.ner.onnx_export import build

    folder = tmp_path / "model"
    shutil.copytree(tiny_model[0], folder)
    path, summary = build(folder, keep_fp32=1, data_dir=SHARED, log=lambda _: None)
    kl = summary["kl_to_fp32"]
    assert set(kl) == {"all int8", "embeddings", "layer.00", "layer.01", "classifier"}
    # (the summary's KL figures are rounded to 6 places; the choice used the exact ones)
    [kept] = summary["keep_fp32"]
    assert kept in ("layer.00", "layer.01")
    assert kl[kept] <= min(kl["layer.00"], kl["layer.01"]) + 1e-6
    assert summary["embeddings"] == "int8"  # the default; --fp16-embeddings says "fp16"
    doc = next(_stage(folder).pipe([_doc()]))
    assert all(doc.text[e.start:e.end] == e.text for e in doc.entities)


def test_score_only_rates_the_shipped_files_without_exporting(tiny_model, capsys):
    """`onnx_export --score-only` scores the folder as it is (no new export,
    scores.json untouched), naming the CPU: int8 kernels differ by CPU."""
    from pipeline.ner.infer import bf16_matmul
    from pipeline.ner.onnx_export import ONNX_FILE, compare_runtimes, main

    folder = tiny_model[0]
    before = {name: (folder / name).read_bytes() for name in (ONNX_FILE, "scores.json")}
    assert main([str(folder), "--score-only", "--data-dir", str(SHARED)]) == 0
    printed = capsys.readouterr().out
    assert "dev split scores on" in printed and "onnx_int8: dev F1" in printed
    assert {name: (folder / name).read_bytes() for name in before} == before
    scores = compare_runtimes(folder, SHARED)
    expected = {"cpu", "torch_fp32", "onnx_int8"} | (
        {"torch_bf16"} if bf16_matmul() else set())
    assert set(scores) == expected
    assert all(0.0 <= scores[k]["f1"] <= 1.0 for k in expected - {"cpu"})
