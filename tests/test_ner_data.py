"""NER training data: the dev split, windows instead of truncation, alignment, decoding."""

from pathlib import Path

import numpy as np
import pytest

from pipeline.ner import data as D
from pipeline.ner.decode import spans, viterbi

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
needs_data = pytest.mark.skipif(not (SHARED / "ner" / D.ANERCORP_TRAIN).exists(),
                                reason="shared NER data absent")


def test_dev_split_is_the_last_tenth_contiguous():
    sents = [([f"w{i}"], ["O"]) for i in range(3963)]
    train, dev = D.split_dev(sents)
    assert len(dev) == 396 and dev[0][0] == ["w3567"] and dev[-1][0] == ["w3962"]
    assert train + dev == sents


@needs_data
def test_anercorp_split_never_shares_a_sentence_position():
    train, dev = D.anercorp_split(SHARED)
    assert len(train) + len(dev) == 3963 and len(dev) == 396


def test_long_sentence_is_split_not_truncated_and_stays_valid_bio():
    words = ["قال", "الأمين", "العام", "للأمم", "المتحدة", "أنطونيو", "غوتيريش"]
    tags = ["O", "O", "O", "B-ORG", "I-ORG", "B-PER", "I-PER"]
    chunks = D.split_long(words, tags, [1, 2, 1, 2, 2, 3, 3], max_pieces=5)
    assert [w for c in chunks for w in c[0]] == words
    assert all(sum([1, 2, 1, 2, 2, 3, 3][words.index(w)] for w in c[0]) <= 5 or len(c[0]) == 1
               for c in chunks)
    for _, t in chunks:
        assert not t[0].startswith("I-")


def test_first_subword_carries_the_label_others_are_ignored():
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁ب", -1.0),
             ("وري", -1.0), ("طة", -1.0), ("▁ناصر", -1.0)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=3))
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", unk_token="<unk>")
    label2id = {l: i for i, l in enumerate(D.bio_labels(["PER"]))}
    ds = D.encode(fast, [(["ناصر", "بوريطة"], ["B-PER", "I-PER"])], label2id)
    assert ds[0]["labels"] == [label2id["B-PER"], label2id["I-PER"], D.IGNORE, D.IGNORE]


def test_viterbi_never_opens_with_inside_tag():
    import numpy as np

    labels = D.bio_labels(["PER", "LOC"])
    lp = np.log(np.array([[0.1, 0.1, 0.6, 0.1, 0.1],     # argmax I-PER after nothing
                          [0.1, 0.1, 0.1, 0.1, 0.6]]))   # argmax I-LOC after PER
    tags = [labels[i] for i in viterbi(lp, labels)]
    assert not tags[0].startswith("I-")
    assert spans(tags) and all(t != "I-LOC" or p in ("B-LOC", "I-LOC")
                               for p, t in zip(tags, tags[1:]))


def test_pad_batch_pads_right_and_masks_only_real_positions():
    ids, mask = D.pad_batch([[5, 6, 7], [8], []], pad_value=1)
    assert ids.tolist() == [[5, 6, 7], [8, 1, 1], [1, 1, 1]]
    assert mask.tolist() == [[1, 1, 1], [1, 0, 0], [0, 0, 0]]
    assert ids.dtype == mask.dtype == np.int64
