"""The speed baseline both benchmarks time: a BERT-base token classifier
(12 layers x 768, the size of CAMeLBERT and AraBERT; random weights, which
cost what trained ones cost) reading the articles through its own tokenizer.

Its own tokenizer matters: the network's cost grows with the number of
subwords, and an Arabic-only vocabulary cuts Arabic into fewer pieces than
multilingual-e5's (XLM-R's) does. CAMeLBERT's is a 30,000-piece WordPiece
learnt from Arabic text; `arabic_wordpiece` learns one the same way from news
articles the benchmarks never time. Reading the articles through *our*
tokenizer's windows instead (the benchmarks' baseline until 2026-12-02) gives
BERT-base about a quarter more subwords to run, and flattered our ratio by
1.1-1.2x (benchmarks/RESULTS-2026-12-02-night.md). Learnt from the kind of
news it reads, this WordPiece probably cuts that news into fewer pieces than
CAMeLBERT's own (learnt from broader MSA) would: a stricter baseline than
CAMeLBERT, and stricter still than AraBERT v0.1 (Farasa splits clitics off
before its pieces) or mBERT.

The baseline goes through the same `entities` stage as our model -- the same
words, windowing (`max_length`, `stride`, counted in its own pieces), batching
by length and decoding -- with only the tokenizer and the network swapped.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NEWS = REPO.parent / "shared" / "data" / "raw_news" / "ant_multisource_v2.1.jsonl.gz"
CACHE = REPO / "build" / "bench"

VOCAB = 30_000  # CAMeLBERT's vocabulary size
# Articles the tokenizer learns from: past the first 1,000, of which the
# throughput runs time a few hundred (the corpus's first non-empty articles).
TRAIN_FROM, TRAIN_TO = 1_000, 21_000
# The stage looks these up by name (XLM-R's spelling); BERT's [CLS]/[SEP]
# under other names cost the same.
SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]


def news_texts(start: int, stop: int) -> list[str]:
    """Non-empty article texts number `start` to `stop` (counted over non-empty ones)."""
    out: list[str] = []
    seen = 0
    with gzip.open(NEWS, "rt", encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line).get("text") or ""
            if not text.strip():
                continue
            if seen >= stop:
                break
            if seen >= start:
                out.append(text)
            seen += 1
    return out


def arabic_wordpiece(cache: Path = CACHE):
    """A WordPiece tokenizer learnt as CAMeLBERT's was (30,000 pieces, no
    lower-casing or accent stripping), from news articles TRAIN_FROM-TRAIN_TO.
    Learnt once (~20 s) and kept in `cache`."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

    path = cache / f"arabic-wordpiece-{VOCAB}-{TRAIN_FROM}-{TRAIN_TO}.json"
    if path.exists():
        return Tokenizer.from_file(str(path))
    tokenizer = Tokenizer(models.WordPiece(unk_token="<unk>"))
    tokenizer.normalizer = normalizers.BertNormalizer(strip_accents=False, lowercase=False)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=VOCAB, special_tokens=SPECIALS,
                                        show_progress=False)
    tokenizer.train_from_iterator(news_texts(TRAIN_FROM, TRAIN_TO), trainer)
    cache.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(path))
    return tokenizer


def bert_base_forward(vocab_size: int, n_labels: int, outside: int = 0, bf16: bool = False):
    """`forward(ids, mask) -> logits` of a BERT-base-sized token classifier
    whose head favours label `outside` (O) everywhere. Random weights would
    otherwise tag thousands of entities that a trained tagger would not, and
    the stage would spend time on their offsets: the baseline pays for no
    entities, so its time is its network's and errs in its favour."""
    import torch
    from transformers import BertConfig, BertForTokenClassification

    torch.manual_seed(0)
    config = BertConfig(vocab_size=vocab_size, hidden_size=768, num_hidden_layers=12,
                        num_attention_heads=12, intermediate_size=3072,
                        max_position_embeddings=512, num_labels=n_labels)
    model = BertForTokenClassification(config).eval()
    with torch.no_grad():
        model.classifier.bias[outside] = 100.0
    if bf16:
        model = model.to(torch.bfloat16)

    def forward(ids, mask):
        with torch.inference_mode():
            out = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask))
        return out.logits.float().numpy()

    return forward


def use_bert_base(ner_model, own_tokenizer: bool = True, bf16: bool = False) -> None:
    """Make a loaded `NerModel` (pipeline/ner/infer.py) the baseline: BERT-base
    behind `_forward`, and with `own_tokenizer` the Arabic WordPiece in front."""
    if own_tokenizer:
        tokenizer = arabic_wordpiece()
        ner_model.tokenizer = tokenizer
        ner_model.bos, ner_model.eos, ner_model.pad = (
            tokenizer.token_to_id(t) for t in ("<s>", "</s>", "<pad>"))
    ner_model._forward = bert_base_forward(ner_model.tokenizer.get_vocab_size(),
                                           len(ner_model.labels),
                                           ner_model.labels.index("O"), bf16)


def pieces_per_word(tokenizer, sentences) -> float:
    """Subwords per word over `sentences` (lists of words), as the stage counts them."""
    encs = tokenizer.encode_batch([list(s) for s in sentences], is_pretokenized=True,
                                  add_special_tokens=False)
    words = sum(len(s) for s in sentences)
    return sum(len(e.ids) for e in encs) / words if words else 0.0
