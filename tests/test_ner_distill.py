"""Distillation (pipeline/ner/distill.py): for `soft = true` sources the loss
is the KL to the teacher, the teacher's distributions are cached and reused,
a student trained on them moves towards the teacher; `hidden_weight` pulls
the student's layers towards the teacher layers they stand for; mistakes in
the config are refused by name."""

import pytest

from tests.conftest import SHARED

TRANSFER_SENTENCES = 80  # AQMAR train sentences: real Arabic, not the ANERcorp dev split


@pytest.fixture
def transfer_corpus(tmp_path):
    """A transfer corpus: AQMAR sentences whose tags the soft source ignores."""
    from pipeline.ner import data as D

    sents = D.read_conll(SHARED / "data" / "ner" / "aqmar_train.conll")
    sents = [s for s in sents if 4 <= len(s[0]) <= 40][:TRANSFER_SENTENCES]
    path = tmp_path / "transfer.conll"
    with path.open("w", encoding="utf-8") as out:
        for words, tags in sents:
            D.write_conll_sentence(out, words, ["O"] * len(tags))
    return path


def _windows(folder, corpus, max_length=64):
    from transformers import AutoTokenizer

    from pipeline.ner import data as D

    tok = AutoTokenizer.from_pretrained(folder)
    labels = D.bio_labels(("PER", "LOC", "ORG", "MISC"))
    ds = D.encode(tok, D.windowed(tok, D.read_conll(corpus), max_length),
                  {l: i for i, l in enumerate(labels)})
    return tok, ds["input_ids"], ds["labels"]


def test_soft_loss_is_zero_at_the_teacher_and_cross_entropy_on_gold():
    import torch
    import torch.nn.functional as F

    from pipeline.ner.distill import soft_loss

    torch.manual_seed(0)
    logits = torch.randn(2, 5, 9)
    lab = torch.tensor([[-100, 3, 0, -100, 1], [-100, 0, 0, 2, -100]])
    # Row 0 soft, with the student's own distributions as targets: KL 0; row 1
    # hard: exactly the cross-entropy of its three tags.
    targets = torch.log_softmax(logits[0, [1, 2, 4]], -1)
    total, n = soft_loss(logits, lab, torch.tensor([True, False]), targets, temperature=2.0)
    ce = F.cross_entropy(logits[1, [1, 2, 3]], lab[1, [1, 2, 3]], reduction="sum")
    assert n == 6
    assert total.item() == pytest.approx(ce.item(), abs=1e-5)
    # Targets elsewhere cost more than zero.
    other = torch.log_softmax(torch.randn(3, 9), -1)
    worse, _ = soft_loss(logits, lab, torch.tensor([True, False]), other, temperature=2.0)
    assert worse.item() > total.item() + 1e-3


def test_teacher_distributions_are_cached_and_reused(tiny_teacher, transfer_corpus):
    import numpy as np

    from pipeline.ner.distill import SoftLabels, soft_items

    tok, ids, masks = _windows(tiny_teacher, transfer_corpus)
    messages = []
    first = soft_items(tiny_teacher, transfer_corpus, ids, masks, tok.pad_token_id, 64,
                       log=messages.append)
    assert not any("cached" in m for m in messages)
    assert len(list(transfer_corpus.parent.glob("transfer.conll.teacher-*.npz"))) == 1
    again = soft_items(tiny_teacher, transfer_corpus, ids, masks, tok.pad_token_id, 64,
                       log=messages.append)
    assert any("cached" in m for m in messages)
    for (i1, s1), (i2, s2), mask in zip(first, again, masks):
        assert isinstance(s1, SoftLabels) and i1 == i2 and s1.mask == s2.mask == list(mask)
        # One distribution per word (first subword), summing to one.
        assert len(s1.log_probs) == sum(m != -100 for m in mask)
        assert np.array_equal(s1.log_probs, s2.log_probs)
        assert np.allclose(np.exp(s1.log_probs.astype(np.float64)).sum(1), 1.0, atol=1e-2)


def _kl_to_teacher(folder, items, pad_id):
    import numpy as np
    import torch
    from transformers import AutoModelForTokenClassification

    from pipeline.ner.train import _collate

    model = AutoModelForTokenClassification.from_pretrained(folder, dtype=torch.float32).eval()
    ids, att, lab, _ = _collate(items, pad_id)
    with torch.no_grad():
        student = torch.log_softmax(model(input_ids=ids, attention_mask=att).logits, -1)
    student = student[lab != -100].numpy().astype(np.float64)
    teacher = np.concatenate([s.log_probs for _, s in items]).astype(np.float64)
    return float((np.exp(teacher) * (teacher - student)).sum(1).mean())


def test_a_distilled_student_moves_towards_its_teacher(tmp_path, tiny_base, tiny_teacher,
                                                       transfer_corpus):
    """Two fresh 1-layer students, the same gold sentences and seed; the one
    that also learns the teacher's distributions on the transfer corpus ends
    closer to the teacher there than the one without, and than it started."""
    from pipeline.ner import data as D
    from pipeline.ner.distill import soft_items
    from pipeline.ner.infer import NerModel
    from pipeline.ner.train import TrainConfig, _make_model, train

    common = dict(base=tiny_base, data_dir=SHARED / "data", layers=1, hidden=64, epochs=3,
                  max_train_sentences=20, batch_size=16, max_length=64, encoder_lr=2e-3,
                  head_lr=2e-3, log_every=0)
    soft = TrainConfig(output=tmp_path / "soft", teacher=tiny_teacher, temperature=2.0,
                       sources=[D.Source(transfer_corpus, soft=True)], **common)
    gold_only = TrainConfig(output=tmp_path / "gold", **common)
    tok, ids, masks = _windows(tiny_teacher, transfer_corpus)
    items = soft_items(tiny_teacher, transfer_corpus, ids, masks, tok.pad_token_id, 64,
                       log=lambda _: None)
    _make_model(soft, D.bio_labels(soft.train_types)).save_pretrained(tmp_path / "fresh")
    tok.save_pretrained(tmp_path / "fresh")
    before = _kl_to_teacher(tmp_path / "fresh", items, tok.pad_token_id)

    train(soft, log=lambda _: None)
    train(gold_only, log=lambda _: None)
    distilled = _kl_to_teacher(soft.output, items, tok.pad_token_id)
    undistilled = _kl_to_teacher(gold_only.output, items, tok.pad_token_id)
    assert distilled < 0.5 * before, (before, distilled)
    assert distilled < 0.7 * undistilled, (undistilled, distilled)  # measured: 0.46
    model = NerModel(soft.output, runtime="torch")
    assert len(model.word_log_probs([["قال", "الرئيس", "في", "عمان"]])[0]) == 4


def test_a_soft_source_needs_a_teacher(tmp_path, tiny_base, transfer_corpus):
    from pipeline.ner import data as D
    from pipeline.ner.train import TrainConfig, train

    cfg = TrainConfig(base=tiny_base, output=tmp_path / "student", data_dir=SHARED / "data",
                      sources=[D.Source(transfer_corpus, soft=True)], layers=1, hidden=64,
                      epochs=1, max_train_sentences=10, log_every=0)
    with pytest.raises(ValueError, match="teacher"):
        train(cfg, log=lambda _: None)
    assert not cfg.output.exists()


def test_a_teacher_with_other_labels_is_refused(tmp_path, tiny_teacher, transfer_corpus):
    from pipeline.ner import data as D
    from pipeline.ner.train import TrainConfig, train

    cfg = TrainConfig(base=tiny_teacher, output=tmp_path / "student", data_dir=SHARED / "data",
                      teacher=tiny_teacher, train_types=("PER", "LOC", "ORG"),
                      sources=[D.Source(transfer_corpus, soft=True)], epochs=1,
                      max_train_sentences=10, log_every=0)
    with pytest.raises(ValueError, match="teacher"):
        train(cfg, log=lambda _: None)


def test_layer_pairs_map_each_student_layer_to_the_end_of_its_block():
    from pipeline.ner.distill import layer_pairs

    assert layer_pairs(6, 12) == [(0, 0), (1, 2), (2, 4), (3, 6), (4, 8), (5, 10), (6, 12)]
    assert layer_pairs(3, 3) == [(0, 0), (1, 1), (2, 2), (3, 3)]
    with pytest.raises(ValueError, match="cannot stand for"):
        layer_pairs(4, 3)


def _hidden_gap(student_folder, teacher_folder, items, pad_id):
    """Mean squared error between the matched hidden states on the transfer windows."""
    import torch
    from transformers import AutoModelForTokenClassification

    from pipeline.ner.distill import HiddenMatch
    from pipeline.ner.train import _collate

    student = AutoModelForTokenClassification.from_pretrained(student_folder,
                                                              dtype=torch.float32).eval()
    match = HiddenMatch(teacher_folder, student.config, weight=1.0)
    ids, att, _, _ = _collate(items, pad_id)
    with torch.no_grad():
        hidden = student(input_ids=ids, attention_mask=att, output_hidden_states=True)
        return match.loss(hidden.hidden_states, ids, att).item()


def test_hidden_state_loss_keeps_a_student_near_its_teachers_layers(tmp_path, tiny_teacher,
                                                                    transfer_corpus):
    """Two 2-layer students cut from the 3-layer teacher (layers 0 and 2), the
    same soft source, data and seed: with `hidden_weight` their layers end
    nearer the teacher layers they stand for than without it."""
    from pipeline.ner import data as D
    from pipeline.ner.distill import soft_items
    from pipeline.ner.train import TrainConfig, train

    common = dict(base=tiny_teacher, data_dir=SHARED / "data", keep_layers=[0, 2],
                  teacher=tiny_teacher, sources=[D.Source(transfer_corpus, soft=True)],
                  epochs=2, max_train_sentences=20, batch_size=16, max_length=64,
                  encoder_lr=2e-3, head_lr=2e-3, log_every=0)
    plain = TrainConfig(output=tmp_path / "plain", **common)
    matched = TrainConfig(output=tmp_path / "matched", hidden_weight=1.0, **common)
    train(plain, log=lambda _: None)
    train(matched, log=lambda _: None)
    tok, ids, masks = _windows(tiny_teacher, transfer_corpus)
    items = soft_items(tiny_teacher, transfer_corpus, ids, masks, tok.pad_token_id, 64,
                       log=lambda _: None)
    gap_plain = _hidden_gap(plain.output, tiny_teacher, items, tok.pad_token_id)
    gap_matched = _hidden_gap(matched.output, tiny_teacher, items, tok.pad_token_id)
    assert gap_matched < 0.3 * gap_plain, (gap_plain, gap_matched)  # measured: 0.0044 vs 0.064


def test_hidden_weight_needs_a_teacher_of_the_same_width(tmp_path, tiny_base, tiny_teacher):
    from pipeline.ner.train import TrainConfig, train

    common = dict(base=tiny_base, data_dir=SHARED / "data", layers=1, epochs=1,
                  max_train_sentences=10, log_every=0)
    with pytest.raises(ValueError, match="hidden_weight > 0 needs teacher"):
        train(TrainConfig(output=tmp_path / "a", hidden_weight=1.0, hidden=64, **common),
              log=lambda _: None)
    with pytest.raises(ValueError, match="same width"):  # the teacher is 64 wide
        train(TrainConfig(output=tmp_path / "b", hidden_weight=1.0, hidden=32,
                          teacher=tiny_teacher, **common), log=lambda _: None)
