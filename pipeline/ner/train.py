"""Fine-tune the rebuilt encoder as a token classifier (PER/LOC/ORG[/MISC]).

A lean loop rather than `transformers.Trainer`: it needs two learning rates
(encoder vs fresh head), batches of similar length drawn from a per-epoch
mixture of corpora (silver WikiANN is re-sampled every epoch), Viterbi
decoding in the per-epoch dev score, and saving the best epoch as a complete,
fp16 model folder -- each of which is a subclass/callback fight in Trainer for
no gain on a 2-core CPU.

`train(config)` is what the `train` verb calls with configs/train.toml;
`python -m pipeline.ner.train configs/train.toml` runs it directly.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import random
import sys
import time
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from pipeline.ner import crf as C
from pipeline.ner import data as D
from pipeline.ner import prune
from pipeline.ner.decode import log_softmax, pool_word, viterbi
from pipeline.ner.distill import (HiddenMatch, SoftLabels, check_teacher_labels, soft_items,
                                  soft_loss)
from pipeline.ner.gazetteer import (FEATURES, Gazetteer, PieceFeatures, torch_types,
                                    widen_token_types)
from pipeline.ner.gazetteer import FILE as GAZETTEER_FILE
from pipeline.ner.lexicon import NameLexicon

OUTPUT_TYPES = ("PER", "LOC", "ORG")
MAX_POSITIONS = 512  # the e5 (XLM-R) encoder's position table


@dataclass
class TrainConfig:
    base: Path  # folder written by `arabic-news build-base`
    output: Path
    data_dir: Path
    sources: list[D.Source] = field(default_factory=list)  # besides ANERcorp train
    train_types: tuple[str, ...] = ("PER", "LOC", "ORG", "MISC")
    output_types: tuple[str, ...] = OUTPUT_TYPES
    epochs: int = 10
    batch_size: int = 16
    max_length: int = 128
    encoder_lr: float = 5e-5
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    seed: int = 13
    threads: int = 2
    # Weight averaging: the mean of the weights at the end of epochs
    # average_from..epochs is scored on dev after the last epoch and saved if
    # it beats every single epoch (0: off).
    average_from: int = 0
    log_every: int = 50
    max_train_sentences: int = 0  # 0 = all ANERcorp train sentences (tests use a few)
    # Optional architecture override for tiny test models (None = the base's).
    layers: int | None = None
    hidden: int | None = None  # tiny test models: width (heads of 32 dims, FFN 4x)
    init_from_base: bool = True
    # A smaller, faster student: only these encoder layers of `base` (0-based,
    # in order) are kept, with their trained weights; `base` may be a trained
    # NER model folder, whose labels then carry over ([] or None = all layers).
    keep_layers: list[int] | None = None
    # A narrower student: every encoder layer keeps only this many of its
    # feed-forward units, those that add most on the training windows
    # (pipeline/ner/prune.py); `base` is a trained model (None = all units).
    ffn_size: int | None = None
    # Soft-label distillation (pipeline/ner/distill.py): sources marked
    # `soft = true` train on this model folder's label distributions, softened
    # by `temperature`, instead of their tags.
    teacher: Path | None = None
    temperature: float = 2.0
    # > 0: the student's hidden states also learn the teacher's (distill.HiddenMatch),
    # this weight times their mean squared error joining the loss of every batch.
    hidden_weight: float = 0.0
    # Subwords of the neighbouring windows (the sentences before and after, in
    # file order) added on each side of every window, unlabelled (0: none).
    # Inference reads it from the model folder's training_config.json.
    context: int = 0
    # How a word's subwords make its prediction (data.POOLINGS): "first" or
    # "mean". Inference reads it from the model folder's training_config.json.
    pooling: str = "first"
    # Name lists as an input (pipeline/ner/gazetteer.py): a gazetteer.tsv
    # written by `python -m pipeline.ner.gazetteer`; every subword then has a
    # token type telling which lists hold its word. It is copied into the model
    # folder, which inference reads. None: the base folder's gazetteer.tsv if
    # it has one (a model trained with lists keeps them), else no lists.
    gazetteer: Path | None = None
    # A linear-chain CRF over the words' scores (pipeline/ner/crf.py): the
    # whole tag sequence is learnt, and the learnt transition scores (crf.json
    # in the model folder) join the Viterbi pass at inference. A base folder
    # with crf.json starts from its scores. `crf_lr`: their learning rate --
    # 99 numbers starting at zero, which at the head's rate would move at most
    # about one unit over a whole run.
    crf: bool = False
    crf_lr: float = 1e-2
    # Used by `arabic-news train` (pipeline/ner/finetune.py); train() ignores them.
    patience: int = 0  # stop after this many evaluations without a better dev F1 (0: never)
    replay: float = 0.0  # share of ANERcorp train sampled into each epoch when fine-tuning
    checkpoint_every: int = 200  # optimizer steps between checkpoints (and at each epoch end)


PATH_KEYS = ("base", "output", "data_dir", "teacher", "gazetteer")  # [train] keys naming paths


def parse_settings(items: list[str]) -> dict:
    """`--set KEY=VALUE` items (the recipe's and the verb's) as [train] overrides."""
    from pipeline.config import set_items

    try:
        out = set_items(items)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    # A path typed on the command line means a path from here, not from the
    # config file's folder (where the config's own paths resolve).
    for key in PATH_KEYS:
        if isinstance(out.get(key), str):
            out[key] = str(Path(out[key]).resolve())
    return out


def load_config(path: str | Path, **overrides) -> TrainConfig:
    """Read a [train] TOML table; relative paths resolve against the file's folder."""
    path = Path(path)
    raw = tomllib.loads(path.read_text(encoding="utf-8")).get("train", {})
    raw.update({k: v for k, v in overrides.items() if v is not None})
    allowed = {f.name for f in fields(TrainConfig)}
    unknown = set(raw) - allowed
    if unknown:
        raise ValueError(f"{path}: unknown [train] keys {sorted(unknown)}; allowed: "
                         f"{', '.join(sorted(allowed))}")
    here = path.parent
    for key in PATH_KEYS:
        if key in raw:
            raw[key] = (here / raw[key]).resolve()
    raw["sources"] = [D.Source(path=(here / s["path"]).resolve(), sample=s.get("sample", 0),
                               last_epoch=s.get("last_epoch", 0), soft=s.get("soft", False))
                      for s in raw.get("sources", [])]
    for key in ("train_types", "output_types"):
        if key in raw:
            raw[key] = tuple(raw[key])
    return TrainConfig(**raw)


# -- evaluation -----------------------------------------------------------
def word_log_probs(forward: Callable, tokenizer, sentences: Sequence[list[str]],
                   max_length: int, batch_size: int = 32, context: int = 0,
                   pooling: str = "first") -> list[np.ndarray]:
    """Per word log-probabilities (its subwords pooled by `pooling`) for each
    sentence; a sentence longer than the window is cut into consecutive chunks, each seeing
    `context` subwords of its neighbours (in the order given) on either side.
    `forward(ids, mask)` returns logits as a numpy array [batch, length, labels]."""
    chunks: list[tuple[int, list[str]]] = []
    for si, words in enumerate(sentences):
        counts = D.word_piece_counts(tokenizer, words)
        for w, _ in D.split_long(words, ["O"] * len(words), counts, max_length - 2):
            chunks.append((si, w))
    enc = tokenizer([w for _, w in chunks], is_split_into_words=True, truncation=False)
    ids, shifts = D.add_context(enc["input_ids"], context)
    out_chunks: list[np.ndarray | None] = [None] * len(chunks)
    for batch in D.length_batches([len(x) for x in ids], batch_size, None):
        arr, mask = D.pad_batch([ids[i] for i in batch], tokenizer.pad_token_id)
        logits = forward(arr, mask)
        for r, i in enumerate(batch):
            lp = log_softmax(logits[r].astype(np.float64))
            spans: list[list[int]] = []  # [first position, subword count] per word
            prev = None
            for pos, wid in enumerate(enc.word_ids(i)):
                if wid is not None and wid != prev:
                    spans.append([pos + shifts[i], 0])
                if wid is not None:
                    spans[-1][1] += 1
                prev = wid
            rows = np.array([pool_word(lp, f, n, pooling) for f, n in spans]).reshape(
                len(spans), lp.shape[1])
            n_words = len(chunks[i][1])
            if len(rows) < n_words:  # words the tokenizer dropped: predict O
                pad = np.full((n_words - len(rows), lp.shape[1]), -1e4)
                pad[:, 0] = 0.0
                rows = np.concatenate([rows, pad])
            out_chunks[i] = rows
    per_sentence: list[list[np.ndarray]] = [[] for _ in sentences]
    for (si, _), rows in zip(chunks, out_chunks):
        per_sentence[si].append(rows)
    return [np.concatenate(p) if p else np.zeros((0, 1)) for p in per_sentence]


def score_tags(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]],
               types: Sequence[str]) -> dict:
    """seqeval entity micro-F1 over `types` (others mapped to O) + per label."""
    from seqeval.metrics import classification_report, f1_score, precision_score, recall_score

    g = [D.restrict_tags(t, types) for t in gold]
    p = [D.restrict_tags(t, types) for t in pred]
    report = classification_report(g, p, output_dict=True, zero_division=0)
    return {
        "f1": float(f1_score(g, p, zero_division=0)),
        "precision": float(precision_score(g, p, zero_division=0)),
        "recall": float(recall_score(g, p, zero_division=0)),
        "per_label": {k: {m: round(float(v[m]), 4) for m in ("precision", "recall", "f1-score",
                                                             "support")}
                      for k, v in report.items() if k in types},
    }


def evaluate(forward: Callable, tokenizer, labels: Sequence[str], dev: Sequence[D.Sentence],
             types: Sequence[str], max_length: int, batch_size: int = 32,
             context: int = 0, pooling: str = "first",
             transitions: C.Transitions | None = None) -> dict:
    lps = word_log_probs(forward, tokenizer, [w for w, _ in dev], max_length, batch_size,
                         context, pooling)
    pred = [[labels[i] for i in viterbi(lp, labels, transitions)] for lp in lps]
    return score_tags([t for _, t in dev], pred, types)


def torch_forward(model, features: PieceFeatures | None = None) -> Callable:
    import torch

    def forward(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        types = torch_types(features, ids)
        with torch.no_grad():
            out = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask),
                        token_type_ids=types)
        return out.logits.float().numpy()

    return forward


# -- training -------------------------------------------------------------
def _seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def keep_encoder_layers(model, keep: Sequence[int]) -> None:
    """Drop every encoder layer not in `keep` (in place), as DistilBERT
    initialises its student from alternate teacher layers."""
    import torch

    layers = model.base_model.encoder.layer
    if sorted(set(keep)) != list(keep) or not all(0 <= i < len(layers) for i in keep):
        raise ValueError(f"keep_layers must be increasing layer numbers in 0..{len(layers) - 1}, "
                         f"not {list(keep)}")
    model.base_model.encoder.layer = torch.nn.ModuleList(layers[i] for i in keep)
    model.config.num_hidden_layers = len(keep)


def narrow_to(model, size: int, items: list, pad_id: int, features: PieceFeatures | None,
              log: Callable[[str], None] = print) -> None:
    """`ffn_size`: keep each layer's `size` most used feed-forward units,
    measured on the first training corpus's encoded windows (`items`: ANERcorp
    train in the recipe, the --train files in the verb when it has them). A bad size is refused
    before the measuring pass."""
    prune.check_size(model, size)
    width = model.config.intermediate_size
    measured = [ids for ids, _ in items[:prune.IMPORTANCE_WINDOWS]]
    importance = prune.ffn_importance(model, measured, pad_id, features)
    prune.narrow_ffn(model, size, importance)
    log(f"feed-forward units: {size} of {width} kept in each layer "
        f"(measured on {len(measured)} training windows)")


def _make_model(cfg: TrainConfig, labels: list[str]):
    import torch
    from transformers import AutoConfig, AutoModelForTokenClassification

    id2label = dict(enumerate(labels))
    label2id = {l: i for i, l in id2label.items()}
    if cfg.keep_layers and (cfg.layers is not None or cfg.hidden is not None
                            or not cfg.init_from_base):
        raise ValueError("keep_layers keeps trained layers of base; it cannot be combined "
                         "with layers, hidden or init_from_base = false (fresh weights)")
    if cfg.ffn_size is not None and (cfg.hidden is not None or not cfg.init_from_base):
        raise ValueError("ffn_size keeps trained feed-forward units of base; it cannot be "
                         "combined with hidden or init_from_base = false (fresh weights)")
    if cfg.init_from_base and cfg.layers is None and cfg.hidden is None:
        # fp32 whatever the file holds: a shipped model folder stores fp16.
        model = AutoModelForTokenClassification.from_pretrained(
            cfg.base, num_labels=len(labels), id2label=id2label, label2id=label2id,
            dtype=torch.float32)
        if cfg.keep_layers:
            keep_encoder_layers(model, cfg.keep_layers)
        return model
    # Tiny models (tests): same config family, fewer layers, fresh weights.
    conf = AutoConfig.from_pretrained(cfg.base, num_labels=len(labels), id2label=id2label,
                                      label2id=label2id)
    if cfg.layers is not None:
        conf.num_hidden_layers = cfg.layers
    if cfg.hidden is not None:
        conf.hidden_size = cfg.hidden
        conf.num_attention_heads = max(1, cfg.hidden // 32)
        conf.intermediate_size = 4 * cfg.hidden
    return AutoModelForTokenClassification.from_config(conf)


def _collate(items: list[tuple[list[int], list[int] | SoftLabels]], pad_id: int,
             features: PieceFeatures | None = None):
    import torch

    ids, mask = D.pad_batch([i for i, _ in items], pad_id)
    lab, _ = D.pad_batch([l.mask if isinstance(l, SoftLabels) else l for _, l in items], D.IGNORE)
    types = torch_types(features, ids)
    return torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(lab), types


def piece_features(cfg: TrainConfig, tokenizer) -> PieceFeatures | None:
    """The gazetteer input of this run: `gazetteer`, else the base folder's."""
    path = cfg.gazetteer
    if path is None and (Path(cfg.base) / GAZETTEER_FILE).exists():
        path = Path(cfg.base) / GAZETTEER_FILE
    if path is None:
        config = Path(cfg.base) / "config.json"
        if config.exists() and json.loads(config.read_text(encoding="utf-8")).get(
                "type_vocab_size", 0) >= FEATURES:
            # trained with lists that are no longer beside it: refused, as inference does
            raise ValueError(f"base = {cfg.base} was trained with gazetteer features and has no "
                             f"{GAZETTEER_FILE}; name the lists with the gazetteer key")
        return None
    if not Path(path).is_file():
        raise ValueError(f"gazetteer = {path}: no such file (write one with "
                         f"`python -m pipeline.ner.gazetteer -o {path}`)")
    return PieceFeatures(Gazetteer.load(path), tokenizer.backend_tokenizer)


def make_optimizer(model, cfg: TrainConfig, crf=None):
    """AdamW with the encoder at `encoder_lr`, the head at `head_lr` and a
    CRF layer's scores at `crf_lr`; no weight decay on biases and LayerNorm."""
    import torch

    no_decay = lambda n: n.endswith("bias") or "LayerNorm" in n  # noqa: E731
    named = list(model.named_parameters())
    # A model with gazetteer features learns their token types at the head's
    # rate: like the head, they start knowing nothing (copies of type 0) and
    # have to learn what each list is worth from this run's data alone.
    gazetteer = model.config.type_vocab_size >= FEATURES
    in_head = lambda n: n.startswith("classifier") or (  # noqa: E731
        gazetteer and "token_type_embeddings" in n)
    head = [p for n, p in named if in_head(n)]
    enc_decay = [p for n, p in named if not in_head(n) and not no_decay(n)]
    enc_plain = [p for n, p in named if not in_head(n) and no_decay(n)]
    groups = [
        {"params": enc_decay, "lr": cfg.encoder_lr, "weight_decay": cfg.weight_decay},
        {"params": enc_plain, "lr": cfg.encoder_lr, "weight_decay": 0.0},
        {"params": head, "lr": cfg.head_lr, "weight_decay": 0.0},
    ]
    if crf is not None:
        groups.append({"params": list(crf.parameters()), "lr": cfg.crf_lr, "weight_decay": 0.0})
    return torch.optim.AdamW(groups)


def check_crf(cfg: TrainConfig) -> None:
    """Refuse settings a CRF layer cannot train with (ValueError naming them)."""
    if not cfg.crf:
        return
    D.check_pooling(cfg.pooling)
    if cfg.pooling != "first":
        raise ValueError("crf = true reads each word's first subword; it needs pooling = "
                         f"\"first\", not {cfg.pooling!r}")
    if cfg.hidden_weight or any(s.soft for s in cfg.sources):
        raise ValueError("crf = true learns tag sequences from hard tags; it cannot be combined "
                         "with soft sources (soft = true) or hidden_weight > 0")
    if cfg.average_from:
        raise ValueError("average_from averages the network's weights, not a CRF's scores: "
                         "use one of crf = true and average_from")


def make_crf(cfg: TrainConfig, labels: Sequence[str], log: Callable[[str], None] = print,
             base_labels: Sequence[str] | None = None):
    """The run's CRF layer (None without `crf`): the base folder's learnt
    scores when it has them (`base_labels`: the base's labels, when the run
    adds some after them), else zeros."""
    if not cfg.crf:
        return None
    check_crf(cfg)
    layer = C.make(len(labels))
    trained = C.load(cfg.base, base_labels or labels)
    if trained is not None:
        C.load_into(layer, C.widen(trained, len(labels)))
        log(f"crf: starting from the transition scores in {Path(cfg.base) / C.FILE}")
    return layer


def encode_corpora(cfg: TrainConfig, tokenizer, corpora: Sequence[tuple[D.Source, list]],
                   labels: Sequence[str], log: Callable[[str], None] = print) -> list:
    """Window and encode every corpus once (epochs then sample the encoded
    items): (input ids, tag ids) per window, or (input ids, SoftLabels) for a
    `soft` source, whose targets are the teacher's distributions. The
    teacher settings are checked first (ValueError naming the key). Shared
    by the recipe (`train`) and the `train` verb (finetune.py)."""
    soft = [s.path for s, _ in corpora if s.soft]
    if soft and cfg.teacher is None:
        raise ValueError(f"soft = true on {soft[0]} needs teacher (a model folder whose "
                         f"distributions are the targets)")
    if not 0 <= cfg.context or cfg.max_length + 2 * cfg.context > MAX_POSITIONS:
        raise ValueError(f"context must be 0 (none) up to {(MAX_POSITIONS - cfg.max_length) // 2} "
                         f"(a window of max_length = {cfg.max_length} plus context on both "
                         f"sides must fit the encoder's {MAX_POSITIONS} positions), "
                         f"not {cfg.context}")
    D.check_pooling(cfg.pooling)
    if cfg.hidden_weight < 0:
        raise ValueError(f"hidden_weight must be 0 (off) or positive, not {cfg.hidden_weight}")
    if cfg.hidden_weight and cfg.teacher is None:
        raise ValueError("hidden_weight > 0 needs teacher (a model folder whose hidden states "
                         "are the targets)")
    if cfg.teacher is not None:
        if not soft and not cfg.hidden_weight:
            raise ValueError(f"teacher = {cfg.teacher} is read by sources with soft = true and "
                             f"by hidden_weight > 0; this run has neither")
        check_teacher_labels(cfg.teacher, labels)
    label2id = {l: i for i, l in enumerate(labels)}
    encoded = []
    for source, sents in corpora:
        ds = D.encode(tokenizer, D.windowed(tokenizer, sents, cfg.max_length), label2id,
                      cfg.pooling)
        if source.soft:  # the teacher reads the windows without context
            items = soft_items(cfg.teacher, source.path, ds["input_ids"], ds["labels"],
                               tokenizer.pad_token_id, cfg.max_length, log)
        else:
            items = list(zip(ds["input_ids"], ds["labels"]))
        if cfg.context:
            items = with_context(items, cfg.context)
        encoded.append((source, items))
        log(f"source {source.path.name}: {len(sents)} sentences -> {len(ds)} windows, "
            f"sample {source.sample or 'all'}, until epoch {source.last_epoch or 'last'}"
            f"{', teacher distributions' if source.soft else ''}")
    return encoded


def with_context(items: list, context: int) -> list:
    """Encoded windows (in file order) with `context` subwords of their
    neighbours on each side; labels (or a soft source's mask) move with them."""
    rows, shifts = D.add_context([ids for ids, _ in items], context)
    out = []
    for (_, target), row, shift in zip(items, rows, shifts):
        if isinstance(target, SoftLabels):
            target = SoftLabels(D.context_labels(target.mask, shift, len(row)), target.log_probs)
        else:
            target = D.context_labels(target, shift, len(row))
        out.append((row, target))
    return out


def hidden_match(cfg: TrainConfig, model) -> HiddenMatch | None:
    """The teacher alongside the student when `hidden_weight` asks for it."""
    return HiddenMatch(cfg.teacher, model.config, cfg.hidden_weight) if cfg.hidden_weight \
        else None


def train_step(model, optimizer, scheduler, items: list[tuple[list[int], list[int] | SoftLabels]],
               pad_id: int, temperature: float = 2.0, hidden: HiddenMatch | None = None,
               features: PieceFeatures | None = None, crf=None) -> float:
    """One optimizer step on a batch of encoded items (hard tags, or a
    teacher's distributions: SoftLabels), plus the hidden-state loss when
    `hidden` is given, with the gazetteer's token types when `features` is
    given, the tags' sequence likelihood under `crf` (crf.py) when given;
    returns the batch loss. Shared by the default recipe (`train`) and
    the `train` verb (finetune.py)."""
    import torch

    ids, mask, lab, types = _collate(items, pad_id, features)
    soft = [isinstance(l, SoftLabels) for _, l in items]
    if any(soft):
        out = model(input_ids=ids, attention_mask=mask, token_type_ids=types,
                    output_hidden_states=hidden is not None)
        targets = torch.from_numpy(np.concatenate(
            [l.log_probs for _, l in items if isinstance(l, SoftLabels)])).float()
        total, n = soft_loss(out.logits, lab, torch.tensor(soft), targets, temperature)
        loss = total / max(n, 1)
    elif crf is not None:
        out = model(input_ids=ids, attention_mask=mask, token_type_ids=types,
                    output_hidden_states=hidden is not None)
        loss = C.loss(crf, out.logits, lab)
    else:
        out = model(input_ids=ids, attention_mask=mask, token_type_ids=types, labels=lab,
                    output_hidden_states=hidden is not None)
        loss = out.loss
    if hidden is not None:
        loss = loss + hidden.loss(out.hidden_states, ids, mask, types)
    loss.backward()
    params = list(model.parameters()) + (list(crf.parameters()) if crf is not None else [])
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    optimizer.step()
    scheduler.step()
    optimizer.zero_grad(set_to_none=True)
    return loss.item()


def training_sentences(cfg: TrainConfig) -> list[D.Sentence]:
    """Every labelled sentence the model may learn from (never the dev split)."""
    train_part, _ = D.anercorp_split(cfg.data_dir)
    if cfg.max_train_sentences:
        train_part = train_part[:cfg.max_train_sentences]
    return train_part + [s for src in cfg.sources for s in D.read_conll(src.path)]


def write_lexicon(cfg: TrainConfig, out: Path) -> int:
    """names.tsv next to the weights: the clitic trimmer's name counts."""
    lexicon = NameLexicon.from_sentences(training_sentences(cfg), cfg.output_types)
    lexicon.save(out)
    return len(lexicon)


def save_model_folder(model, tokenizer, out: Path, cfg: TrainConfig, labels: list[str],
                      scores: dict, features: PieceFeatures | None = None,
                      crf=None) -> None:
    """A complete, loadable folder: fp16 safetensors, config (with the label
    map), tokenizer.json, the training config and the scores, the gazetteer
    when the model reads one, the CRF's scores when it has one."""
    import torch

    out.mkdir(parents=True, exist_ok=True)
    half = copy.deepcopy(model).to(torch.float16)
    half.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    (out / "labels.json").write_text(json.dumps(
        {"labels": labels, "output_types": list(cfg.output_types)}, ensure_ascii=False,
        indent=2), encoding="utf-8")
    conf = asdict(cfg)
    conf = json.loads(json.dumps(conf, default=str))
    (out / "training_config.json").write_text(json.dumps(conf, indent=2), encoding="utf-8")
    (out / "scores.json").write_text(json.dumps(scores, indent=2), encoding="utf-8")
    if not (out / "names.tsv").exists():
        write_lexicon(cfg, out)
    if features is not None:
        features.gazetteer.save(out / GAZETTEER_FILE)
    C.write(out, crf, labels)


def train(cfg: TrainConfig, log: Callable[[str], None] = print) -> dict:
    """Train, evaluate on the ANERcorp dev split after every epoch, save the
    best epoch to `cfg.output`; returns the scores (also in scores.json)."""
    import torch
    from transformers import AutoTokenizer, get_linear_schedule_with_warmup

    torch.set_num_threads(cfg.threads)
    _seed_everything(cfg.seed)
    tokenizer = AutoTokenizer.from_pretrained(cfg.base)
    labels = D.bio_labels(cfg.train_types)

    anercorp_train, dev = D.anercorp_split(cfg.data_dir)
    if cfg.max_train_sentences:
        anercorp_train = anercorp_train[:cfg.max_train_sentences]
    corpora = [(D.Source(cfg.data_dir / "ner" / D.ANERCORP_TRAIN), anercorp_train)]
    corpora += [(s, D.read_conll(s.path)) for s in cfg.sources]
    encoded = encode_corpora(cfg, tokenizer, corpora, labels, log)
    log(f"dev (last 10% of {D.ANERCORP_TRAIN}): {len(dev)} sentences")

    model = _make_model(cfg, labels)
    features = piece_features(cfg, tokenizer)
    if features is not None:
        widen_token_types(model)
        log(f"gazetteer: {len(features.gazetteer)} entries as {FEATURES} token types")
    if cfg.ffn_size is not None:
        narrow_to(model, cfg.ffn_size, encoded[0][1], tokenizer.pad_token_id, features, log)
    hidden = hidden_match(cfg, model)
    crf = make_crf(cfg, labels, log)
    opt = make_optimizer(model, cfg, crf)
    epoch_items = [D.epoch_sentences(encoded, e, cfg.seed) for e in range(1, cfg.epochs + 1)]
    total = sum(math.ceil(len(items) / cfg.batch_size) for items in epoch_items)
    sched = get_linear_schedule_with_warmup(opt, int(cfg.warmup_ratio * total), total)
    log(f"model: {sum(p.numel() for p in model.parameters()) / 1e6:.1f}M parameters, "
        f"{total} steps over {cfg.epochs} epochs")

    if cfg.average_from and not 1 <= cfg.average_from < cfg.epochs:
        raise ValueError(f"average_from must be 0 (off) or 1..{cfg.epochs - 1} (an epoch "
                         f"before the last), not {cfg.average_from}")
    history, best = [], None
    averaged: dict | None = None  # running mean of the weights since average_from
    step = 0
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        items = epoch_items[epoch - 1]
        batches = D.length_batches([len(i) for i, _ in items], cfg.batch_size, cfg.seed + epoch)
        t0, run_loss, n_loss = time.time(), 0.0, 0
        for b in batches:
            loss = train_step(model, opt, sched, [items[i] for i in b], tokenizer.pad_token_id,
                              cfg.temperature, hidden, features, crf)
            step += 1
            run_loss += loss
            n_loss += 1
            if cfg.log_every and step % cfg.log_every == 0:
                log(f"epoch {epoch} step {step}/{total} loss {run_loss / n_loss:.4f} "
                    f"({time.time() - t0:.0f}s)")
        model.eval()
        scores = evaluate(torch_forward(model, features), tokenizer, labels, dev, cfg.output_types,
                          cfg.max_length, context=cfg.context, pooling=cfg.pooling,
                          transitions=C.transitions_of(crf))
        row = {"epoch": epoch, "train_loss": run_loss / max(n_loss, 1),
               "seconds": round(time.time() - t0, 1), **scores}
        history.append(row)
        per = " ".join(f"{k} {v['f1-score']:.4f}" for k, v in scores["per_label"].items())
        log(f"epoch {epoch} done: loss {row['train_loss']:.4f} dev F1 {scores['f1']:.4f} "
            f"(P {scores['precision']:.4f} R {scores['recall']:.4f}) {per} "
            f"[{row['seconds']:.0f}s]")
        best = _keep_if_best(model, tokenizer, cfg, labels, dev, history, row, best, log,
                             features, crf)
        if cfg.average_from and epoch >= cfg.average_from:
            averaged = _running_mean(averaged, model, epoch - cfg.average_from + 1)
    if averaged is not None:
        model.load_state_dict(averaged)
        model.eval()
        scores = evaluate(torch_forward(model, features), tokenizer, labels, dev, cfg.output_types,
                          cfg.max_length, context=cfg.context, pooling=cfg.pooling)
        row = {"epoch": f"mean of {cfg.average_from}-{cfg.epochs}", **scores}
        history.append(row)
        log(f"weights averaged over epochs {cfg.average_from}-{cfg.epochs}: dev F1 "
            f"{scores['f1']:.4f} (P {scores['precision']:.4f} R {scores['recall']:.4f})")
        best = _keep_if_best(model, tokenizer, cfg, labels, dev, history, row, best, log,
                             features)
    return {"best": best, "history": history}


def _running_mean(mean: dict | None, model, n: int) -> dict:
    """Mean of the float weights after adding `model` as the n-th (1-based) sample."""
    state = {k: v.detach().clone().float() for k, v in model.state_dict().items()}
    if mean is None:
        return state
    for k, v in state.items():
        if v.is_floating_point():
            mean[k] += (v - mean[k]) / n
    return mean


def _keep_if_best(model, tokenizer, cfg: TrainConfig, labels: list[str], dev, history: list,
                  row: dict, best: dict | None, log,
                  features: PieceFeatures | None = None, crf=None) -> dict:
    """Save `model` (and `crf`) when `row` has the best dev F1 so far; keep the
    history complete next to the best weights either way. Returns the best row."""
    if best is None or row["f1"] > best["f1"]:
        save_model_folder(model, tokenizer, cfg.output, cfg, labels,
                          {"split": f"{D.ANERCORP_TRAIN}: last 10% of sentences "
                                    f"({len(dev)}), contiguous",
                           "best": row, "history": history}, features, crf)
        log(f"saved epoch {row['epoch']} to {cfg.output}")
        return row
    path = cfg.output / "scores.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    saved["history"] = history
    path.write_text(json.dumps(saved, indent=2), encoding="utf-8")
    return best


def recipe_config(argv: list[str] | None = None) -> TrainConfig:
    """The recipe's command line: a config file, and overrides of its keys.
    `--set seed=14 --set output="build/x"` runs a variant without a copy of
    the file (whose relative paths would all need rewriting); a path given
    here means a path from the current folder."""
    parser = argparse.ArgumentParser(description="fine-tune the NER model")
    parser.add_argument("config", type=Path)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a [train] key with a TOML value, e.g. --set seed=14 "
                             "(repeatable)")
    args = parser.parse_args(argv)
    try:
        settings = parse_settings(args.set)
        cfg = load_config(args.config, **settings, epochs=args.epochs)
    except (ValueError, TypeError, argparse.ArgumentTypeError) as exc:
        parser.error(str(exc))
    if args.output:
        cfg.output = args.output.resolve()
    return cfg


def main(argv: list[str] | None = None) -> int:
    cfg = recipe_config(argv)

    def log(msg: str) -> None:
        print(time.strftime("%H:%M:%S"), msg, flush=True)

    result = train(cfg, log)
    log(f"best: epoch {result['best']['epoch']} dev F1 {result['best']['f1']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
