"""Name lists as a model input (pipeline/ner/gazetteer.py): matching on real
Arabic words, the features rebuilt from subword ids alone (the same in
training and inference), the lists built from the names database and
WikiANN, and a tiny model trained with them that the stage runs in torch and
as an int8 graph."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ner import gazetteer as G
from tests.conftest import REPO, SHARED

PER, LOC, ORG, PART = (G.BITS[k] for k in ("PER", "LOC", "ORG", "PART"))


def small_gazetteer() -> G.Gazetteer:
    gaz = G.Gazetteer()
    gaz.add(["ناصر", "بوريطة"], "PER")
    gaz.add(["ناصر"], "PART")
    gaz.add(["سوريا"], "LOC")
    gaz.add(["مجلس", "الأمن"], "ORG")
    gaz.add(["مجلس", "الأمن", "الدولي"], "ORG")
    gaz.add(["عمان"], "LOC")
    gaz.add(["عمان"], "PART")  # a place and a given name: both bits
    return gaz


def test_features_mark_the_words_of_the_longest_entry():
    words = ["قال", "ناصر", "بوريطة", "أمام", "مجلس", "الأمن", "الدولي", "إن", "وسوريا", "وعمان"]
    assert small_gazetteer().features(words) == [
        0, PER, PER, 0, ORG, ORG, ORG, 0, LOC, LOC | PART]  # longest entry wins over "ناصر"


def test_matching_folds_spelling_variants():
    # alef forms, ta marbuta / ha, diacritics and tatweel do not hide a name
    gaz = G.Gazetteer()
    gaz.add(["أسامة"], "PART")
    assert gaz.features(["اسامه", "أُسامـة", "سامة"]) == [PART, PART, 0]


def test_a_proclitic_is_allowed_on_the_first_word_only():
    gaz = small_gazetteer()
    assert gaz.features(["ومجلس", "الأمن"]) == [ORG, ORG]
    assert gaz.features(["مجلس", "والأمن"]) == [0, 0]
    assert gaz.features(["وسو"]) == [0]  # too short to strip a letter from


def test_save_and_load_round_trip(tmp_path):
    gaz = small_gazetteer()
    gaz.save(tmp_path / G.FILE)
    again = G.Gazetteer.load(tmp_path / G.FILE)
    assert again.entries == gaz.entries
    assert "LOC+PART\tعمان\n" in (tmp_path / G.FILE).read_text(encoding="utf-8")


def test_a_bad_kind_names_the_line_and_the_kinds(tmp_path):
    path = tmp_path / G.FILE
    path.write_text("LOC\tسوريا\nCITY\tحلب\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"gazetteer.tsv:2: kinds 'CITY'.*PER, LOC, ORG, PART"):
        G.Gazetteer.load(path)


# -- features from subword ids ---------------------------------------------------
@pytest.fixture(scope="module")
def tokenizer():
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(REPO / "models" / "default" / "tokenizer.json"))


def _word_features_per_piece(tokenizer, gaz, words):
    enc = tokenizer.encode(words, is_pretokenized=True)
    feats = gaz.features(words)
    return enc.ids, [0 if w is None else feats[w] for w in enc.word_ids]


@pytest.fixture(scope="module")
def built() -> G.Gazetteer:
    return G.build(SHARED / "data")


def test_piece_features_match_word_features_on_anercorp(tokenizer, built):
    from pipeline.ner.data import anercorp_split

    pieces = G.PieceFeatures(built, tokenizer)
    _, dev = anercorp_split(SHARED / "data")
    marked = 0
    for words, _ in dev[:150]:
        ids, expected = _word_features_per_piece(tokenizer, built, words)
        assert pieces.row(ids) == expected
        marked += any(expected)
    assert marked >= 100  # the check saw matches, not only zeros


POOL = ["ناصر", "بوريطة", "مجلس", "الأمن", "الدولي", "وسوريا", "سوريا", "في", "قال", "عمان",
        "بالبنتاغون", "2023", "،", "covid", "ستيوا", "بوخارست", "العراقوسوريا", "."]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(POOL), min_size=1, max_size=30))
def test_piece_features_match_word_features_on_generated_sentences(tokenizer, words):
    gaz = small_gazetteer()
    ids, expected = _word_features_per_piece(tokenizer, gaz, words)
    assert G.PieceFeatures(gaz, tokenizer).row(ids) == expected


# -- the shipped lists ------------------------------------------------------------
def test_build_reads_the_names_database_and_wikiann(tmp_path, built):
    gaz = built
    assert len(gaz) > 80_000
    kinds = {k: sum(1 for b in gaz.entries.values() if b & bit) for k, bit in G.BITS.items()}
    assert all(n > 3_000 for n in kinds.values()), kinds
    feats = gaz.features(["قال", "ناصر", "بوريطة", "في", "الرباط"])  # a Wikidata name, a city
    assert feats[0] == 0 and feats[1] & PER and feats[2] & PER and feats[4] & LOC
    assert G.main(["-o", str(tmp_path / "g.tsv"), "--data-dir", str(SHARED / "data")]) == 0
    assert G.Gazetteer.load(tmp_path / "g.tsv").entries == gaz.entries


# -- a model trained with the lists ------------------------------------------------
@pytest.fixture(scope="module")
def gazetteer_model(tmp_path_factory, tiny_base, built):
    """A tiny model trained with a gazetteer through the real training code."""
    from pipeline.ner.train import TrainConfig, train

    tmp = tmp_path_factory.mktemp("gaz")
    built.save(tmp / "lists.tsv")
    cfg = TrainConfig(base=tiny_base, output=tmp / "model", data_dir=SHARED / "data", epochs=2,
                      max_train_sentences=200, layers=2, hidden=64, batch_size=16,
                      max_length=64, encoder_lr=2e-3, head_lr=2e-3, log_every=0,
                      gazetteer=tmp / "lists.tsv")
    train(cfg, log=lambda _: None)
    return cfg.output


def test_the_trained_folder_carries_its_lists_and_learnt_them(gazetteer_model):
    import torch
    from transformers import AutoModelForTokenClassification

    assert (gazetteer_model / G.FILE).exists()
    config = json.loads((gazetteer_model / "config.json").read_text(encoding="utf-8"))
    assert config["type_vocab_size"] == G.FEATURES
    model = AutoModelForTokenClassification.from_pretrained(gazetteer_model,
                                                            dtype=torch.float32)
    rows = model.base_model.embeddings.token_type_embeddings.weight
    # each feature started as a copy of type 0; training moved the ones it saw
    moved = [(rows[b] - rows[0]).abs().max().item() for b in (PER, LOC, ORG, PART)]
    assert all(m > 1e-4 for m in moved), moved


def test_the_stage_feeds_the_lists_in_torch_and_onnx(gazetteer_model, tmp_path):
    import shutil

    import numpy as np

    from pipeline.ner.infer import NerModel
    from pipeline.ner.onnx_export import build

    words = ["قال", "ناصر", "بوريطة", "في", "الرباط", "إن", "مجلس", "الأمن", "اجتمع"]
    torch_lp = NerModel(gazetteer_model, runtime="torch").word_log_probs([words])[0]
    folder = tmp_path / "m"
    shutil.copytree(gazetteer_model, folder)
    build(folder, quantize_embeddings=False, log=lambda _: None)
    onnx_model = NerModel(folder, runtime="onnx")
    onnx_lp = onnx_model.word_log_probs([words])[0]
    assert np.abs(np.exp(onnx_lp) - np.exp(torch_lp)).max() < 0.15  # int8 against fp32
    # the lists change what the model says: without them the output differs
    (folder / G.FILE).write_text("", encoding="utf-8")
    blind = NerModel(folder, runtime="torch").word_log_probs([words])[0]
    assert np.abs(blind - torch_lp).max() > 1e-3
    (folder / G.FILE).unlink()
    with pytest.raises(FileNotFoundError, match="gazetteer.tsv"):
        NerModel(folder, runtime="onnx")


def test_training_on_a_lists_model_that_lost_its_lists_is_refused(gazetteer_model, tmp_path):
    import shutil

    from pipeline.ner.train import TrainConfig, train

    base = tmp_path / "base"
    shutil.copytree(gazetteer_model, base)
    (base / G.FILE).unlink()
    cfg = TrainConfig(base=base, output=tmp_path / "out", data_dir=SHARED / "data", epochs=1,
                      max_train_sentences=10, log_every=0)
    with pytest.raises(ValueError, match="gazetteer"):
        train(cfg, log=lambda _: None)
