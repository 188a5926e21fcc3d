"""The `arabic-news train` loop: fine-tune a token classifier on new news, safely.

Built on the pieces of pipeline/ner/train.py (optimizer groups, corpus encoding
with soft-label sources, the training step, length-sorted batches, per-epoch
corpus mixtures, Viterbi-decoded seqeval dev F1) and adds what a user's run
needs that the one-off default-model recipe did not:

* a starting point: the rebuilt base (`build-base`), or any saved model
  folder whose label map is kept (labels are added only when the config's
  `train_types` asks for a type the model lacks);
* data: the user's CoNLL / annotated JSONL files (pipeline.ner.corpus, all
  checked before the model loads), or the config's own recipe without them;
* forgetting: `replay` mixes a fresh share of ANERcorp train into every
  epoch, and every evaluation scores both the new data's dev and the ANERcorp
  dev split, before training too when the base is already a trained model;
* early stopping on dev F1 (`patience` evaluations without a better score);
* checkpoints (pipeline.ner.checkpoint) every `checkpoint_every` steps and
  at each epoch end, and `resume` continuing bit-for-bit: the batch order is a
  pure function of (seed, epoch), and the checkpoint restores the weights,
  AdamW moments, schedule and random generators;
* `max_steps` stops early without changing the schedule, which always spans
  `epochs`, so a stopped run resumed to the end equals an unstopped one.

The best evaluation is saved as a complete model folder (fp16 safetensors,
tokenizer, label map, training config, names.tsv, scores.json, README.md);
the checkpoint lives in its `checkpoint/` subfolder only until the run ends.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import time
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from pipeline.ner import checkpoint as ckpt
from pipeline.ner import crf as C
from pipeline.ner import data as D
from pipeline.ner.corpus import TrainingDataError, read_training_file, read_training_files
from pipeline.ner.infer import trained_context, trained_pooling
from pipeline.ner.lexicon import NameLexicon
from pipeline.ner.gazetteer import FILE as GAZETTEER_FILE
from pipeline.ner.gazetteer import widen_token_types
from pipeline.ner.train import (TrainConfig, _make_model, _seed_everything, check_crf,
                                encode_corpora, evaluate, hidden_match, keep_encoder_layers,
                                make_crf, make_optimizer, narrow_to, piece_features, torch_forward,
                                train_step)

CHECKPOINT_DIR = "checkpoint"
LOG_FILE = "train.log"
NEW_DEV, ANERCORP_DEV = "new_dev", "anercorp_dev"


@dataclass
class RunSpec:
    """What one run trains: saved with its checkpoints so --resume continues it."""

    config: str
    base: str
    output: str
    train: list[str] = field(default_factory=list)  # empty: the config's own recipe
    dev: str | None = None
    seed: int = 13
    epochs: int = 10
    max_steps: int = 0  # 0: no limit (the only setting a resume may change)
    settings: dict = field(default_factory=dict)  # --set overrides of [train] keys


@dataclass
class Labels:
    labels: list[str]
    output_types: tuple[str, ...]
    added: list[str]  # labels the base model did not have
    trained_base: bool  # the base is a saved token classifier (not the rebuilt encoder)

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(l[2:] for l in self.labels if l != "O"))


def crf_setting(cfg: TrainConfig, base: Path, log: Callable[[str], None]) -> TrainConfig:
    """A base trained with a CRF layer (crf.json) keeps it: fine-tuning goes on
    learning its transition scores, as a model with name lists keeps them."""
    if not cfg.crf and (base / C.FILE).exists():
        log(f"{base} has a CRF layer ({C.FILE}): this run trains it too")
        cfg = replace(cfg, crf=True)
    check_crf(cfg)
    return cfg


def label_scheme(base: Path, cfg: TrainConfig) -> Labels:
    """Keep a saved model's label map; the rebuilt base gets the config's."""
    if not (base / "config.json").is_file():
        raise TrainingDataError(f"{base}: no model here (config.json missing); --base takes a "
                                f"saved model folder or the output of `arabic-news build-base`")
    conf = json.loads((base / "config.json").read_text(encoding="utf-8"))
    trained = (base / "labels.json").is_file() or any(
        a.endswith("ForTokenClassification") for a in conf.get("architectures") or [])
    if not trained:
        return Labels(D.bio_labels(cfg.train_types), tuple(cfg.output_types), [], False)
    id2label = conf["id2label"]
    labels = [id2label[str(i)] for i in range(len(id2label))]
    meta = base / "labels.json"
    output_types = tuple(json.loads(meta.read_text(encoding="utf-8"))["output_types"]) \
        if meta.is_file() else tuple(cfg.output_types)
    have = {l[2:] for l in labels if l != "O"}
    new_types = [t for t in cfg.train_types if t not in have]
    added = [f"{p}-{t}" for t in new_types for p in ("B", "I")]
    output_types += tuple(t for t in new_types if t in cfg.output_types)
    return Labels(labels + added, output_types, added, True)


# -- data -----------------------------------------------------------------
@dataclass
class Corpora:
    train: list[tuple[D.Source, list[D.Sentence]]]  # per-epoch mixture (see D.epoch_sentences)
    new_dev: list[D.Sentence] | None
    anercorp_dev: list[D.Sentence] | None
    notes: dict[str, Any]  # what was read, for the log, scores.json and the model card

    def lexicon_sentences(self) -> list[D.Sentence]:
        return [s for _, sents in self.train for s in sents]


def load_corpora(cfg: TrainConfig, spec: RunSpec, types: tuple[str, ...],
                 log: Callable[[str], None]) -> Corpora:
    """Read and check every file the run needs; nothing here loads a model."""
    anercorp_path = Path(cfg.data_dir) / "ner" / D.ANERCORP_TRAIN
    have_anercorp = anercorp_path.is_file()
    anercorp_train = anercorp_dev = None
    if have_anercorp:
        anercorp_train, anercorp_dev = D.anercorp_split(cfg.data_dir)
    notes: dict[str, Any] = {"files": [], "replay": 0}
    train: list[tuple[D.Source, list[D.Sentence]]] = []
    new_dev = None
    if spec.train:
        files = read_training_files(spec.train, types)
        for f in files:
            log(f"train {f.path}: {f.format}, {f.documents} document(s), "
                f"{len(f.sentences)} sentences, {f.entities} entities")
            notes["files"].append(_file_note(f, "train"))
        new = [s for f in files for s in f.sentences]
        if spec.dev:
            dev_file = read_training_file(spec.dev, types)
            new_dev = dev_file.sentences
            notes["files"].append(_file_note(dev_file, "dev"))
            notes[NEW_DEV] = f"{spec.dev} ({len(new_dev)} sentences)"
        elif len(new) >= 10:
            new, new_dev = D.split_dev(new)
            notes[NEW_DEV] = (f"last 10% of the --train sentences ({len(new_dev)}), held out "
                              f"(no --dev given)")
        else:
            notes[NEW_DEV] = None
            log("no --dev and fewer than 10 training sentences: no new-data dev split; "
                "the ANERcorp dev split decides the best epoch")
        train.append((D.Source(Path(spec.train[0]) if len(spec.train) == 1
                               else Path("(--train files)")), new))
        if cfg.replay:
            if not 0 < cfg.replay <= 1:
                raise TrainingDataError(f"{spec.config}: replay must be between 0 and 1 "
                                        f"(share of ANERcorp train per epoch), not {cfg.replay}")
            if not have_anercorp:
                raise TrainingDataError(f"{anercorp_path}: replay = {cfg.replay} needs the "
                                        f"ANERcorp train file (data_dir in {spec.config})")
            sample = max(1, round(cfg.replay * len(anercorp_train)))
            train.append((D.Source(anercorp_path, sample=sample), anercorp_train))
            notes["replay"] = sample
            log(f"replay: {sample} of {len(anercorp_train)} ANERcorp train sentences "
                f"({cfg.replay:.0%}), a fresh sample each epoch")
    else:
        if not have_anercorp:
            raise TrainingDataError(f"{anercorp_path}: no such file; without --train the "
                                    f"config's recipe trains on ANERcorp (data_dir in "
                                    f"{spec.config})")
        part = anercorp_train[:cfg.max_train_sentences] if cfg.max_train_sentences \
            else anercorp_train
        train.append((D.Source(anercorp_path), part))
        notes["files"].append({"path": str(anercorp_path), "role": "train",
                               "format": "conll", "sentences": len(part),
                               "note": "minus the dev split (last 10%)"})
        for src in cfg.sources:
            f = read_training_file(src.path, types)
            train.append((src, f.sentences))
            notes["files"].append(dict(_file_note(f, "train"), sample=src.sample,
                                       last_epoch=src.last_epoch))
        notes[NEW_DEV] = None
        log(f"the recipe of {spec.config}: ANERcorp train + {len(cfg.sources)} source(s)")
    if have_anercorp:
        notes[ANERCORP_DEV] = (f"{D.ANERCORP_TRAIN}: last 10% of sentences "
                               f"({len(anercorp_dev)}), contiguous")
    else:
        notes[ANERCORP_DEV] = None
        log(f"{anercorp_path} not found: no ANERcorp dev score")
    return Corpora(train, new_dev, anercorp_dev, notes)


def _file_note(f, role: str) -> dict[str, Any]:
    return {"path": str(f.path), "role": role, "format": f.format, "documents": f.documents,
            "sentences": len(f.sentences), "entities": f.entities}


# -- model ----------------------------------------------------------------
def build_model(base: Path, cfg: TrainConfig, scheme: Labels):
    import torch
    from transformers import AutoModelForTokenClassification

    if not scheme.trained_base:
        if cfg.init_from_base and cfg.layers and cfg.hidden is None:
            # A shallow copy of the pretrained encoder (its first `layers`
            # layers): small enough for a test, still knows Arabic pieces.
            labels = scheme.labels
            return AutoModelForTokenClassification.from_pretrained(
                base, num_labels=len(labels), id2label=dict(enumerate(labels)),
                label2id={l: i for i, l in enumerate(labels)}, num_hidden_layers=cfg.layers)
        return _make_model(replace_base(cfg, base), scheme.labels)
    model = AutoModelForTokenClassification.from_pretrained(base, dtype=torch.float32)
    if cfg.keep_layers:
        from pipeline.config import ConfigError

        try:
            keep_encoder_layers(model, cfg.keep_layers)
        except ValueError as exc:  # known only now: how many layers `base` has
            raise ConfigError(f"{base}: {exc}") from None
    if scheme.added:
        old = model.classifier
        new = torch.nn.Linear(old.in_features, len(scheme.labels))
        with torch.no_grad():  # old labels keep what they learnt; new rows start fresh
            new.weight[:old.out_features] = old.weight
            new.bias[:old.out_features] = old.bias
        model.classifier = new
        model.num_labels = len(scheme.labels)
    model.config.num_labels = len(scheme.labels)  # (resets the maps: set them after)
    model.config.id2label = dict(enumerate(scheme.labels))
    model.config.label2id = {l: i for i, l in enumerate(scheme.labels)}
    return model


def replace_base(cfg: TrainConfig, base: Path) -> TrainConfig:
    out = copy.copy(cfg)
    out.base = base
    return out


# -- the run --------------------------------------------------------------
class DeferredInterrupt:
    """Ctrl-C during training is noted and acted on between optimizer steps,
    so the checkpoint written on the way out is a consistent state (a step
    cut in half would leave weights and AdamW moments out of step)."""

    def __init__(self):
        import signal
        import threading

        self.requested = False
        self._previous = None
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._note)

    def _note(self, signum, frame) -> None:
        self.requested = True

    def restore(self) -> None:
        import signal

        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None


class Evaluator:
    def __init__(self, tokenizer, scheme: Labels, corpora: Corpora, max_length: int,
                 context: int = 0, pooling: str = "first", features=None, crf=None):
        self.tokenizer, self.scheme, self.corpora = tokenizer, scheme, corpora
        self.features = features  # gazetteer token types (None: the model reads none)
        self.crf = crf  # its current transition scores join the decoding
        self.max_length, self.context, self.pooling = max_length, context, pooling
        self.selection = NEW_DEV if corpora.new_dev else ANERCORP_DEV

    def __call__(self, model) -> dict[str, Any]:
        import warnings

        model.eval()
        forward = torch_forward(model, self.features)
        transitions = C.transitions_of(self.crf)
        out: dict[str, Any] = {}
        devs = ((NEW_DEV, self.corpora.new_dev), (ANERCORP_DEV, self.corpora.anercorp_dev))
        for key, dev in devs:
            if dev:
                with warnings.catch_warnings():  # seqeval's mean of no entities is F1 0 here
                    warnings.simplefilter("ignore", RuntimeWarning)
                    out[key] = evaluate(forward, self.tokenizer, self.scheme.labels, dev,
                                        self.scheme.output_types, self.max_length,
                                        context=self.context, pooling=self.pooling,
                                        transitions=transitions)
        out["f1"] = out[self.selection]["f1"] if self.selection in out else 0.0
        return out


@contextlib.contextmanager
def _teacher_errors_name(config: str):
    """A teacher that does not fit the run is a mistake in the config: exit 2
    naming the file, as other config errors do."""
    from pipeline.config import ConfigError

    try:
        yield
    except ValueError as exc:
        raise ConfigError(f"{config}: {exc}") from None


def summary(scores: dict[str, Any]) -> str:
    parts = []
    for key, name in ((NEW_DEV, "new dev"), (ANERCORP_DEV, "ANERcorp dev")):
        if key in scores:
            s = scores[key]
            per = " ".join(f"{k} {v['f1-score']:.4f}" for k, v in s["per_label"].items())
            parts.append(f"{name} F1 {s['f1']:.4f} ({per})")
    return "; ".join(parts) or "no dev data"


def run(cfg: TrainConfig, spec: RunSpec, *, resume: bool = False, progress: bool = False,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    """Train per `spec`; returns the content of scores.json."""
    import torch
    from tqdm import tqdm
    from transformers import AutoTokenizer, get_linear_schedule_with_warmup

    base, out = Path(spec.base), Path(spec.output)
    ckdir = out / CHECKPOINT_DIR
    scheme = label_scheme(base, cfg)
    with _teacher_errors_name(spec.config):  # settings a CRF layer cannot train with
        cfg = crf_setting(cfg, base, log)
    if scheme.added:
        log(f"adding labels {', '.join(scheme.added)} to the model's "
            f"{len(scheme.labels) - len(scheme.added)}")
    # Settings a trained base carries in its training_config.json: a run may
    # change them, and says so.
    for key, trained in (("context", trained_context), ("pooling", trained_pooling)):
        ours = getattr(cfg, key)
        theirs = trained(base) if scheme.trained_base else ours
        if theirs != ours:
            log(f"note: {base} was trained with {key} = {theirs!r}; this run trains and "
                f"evaluates with {key} = {ours!r} (`--set {key}=…` to change)")
    corpora = load_corpora(cfg, spec, scheme.types, log)  # fails here on bad data

    # The tool reports its own progress: no per-file weight-loading reports,
    # shard-writing bars or "sequence longer than 512" notes (long sentences
    # are cut into windows on purpose).
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    torch.set_num_threads(cfg.threads)
    _seed_everything(spec.seed)
    tokenizer = AutoTokenizer.from_pretrained(base)
    with _teacher_errors_name(spec.config):  # labels, soft sources
        encoded = encode_corpora(cfg, tokenizer, corpora.train, scheme.labels, log)
    model = build_model(base, cfg, scheme)
    with _teacher_errors_name(spec.config):  # a missing gazetteer file
        features = piece_features(replace_base(cfg, base), tokenizer)
    if features is not None:
        widen_token_types(model)
    if cfg.ffn_size is not None:
        with _teacher_errors_name(spec.config):  # a width the base does not have
            narrow_to(model, cfg.ffn_size, encoded[0][1], tokenizer.pad_token_id, features, log)
    with _teacher_errors_name(spec.config):  # width
        hidden = hidden_match(cfg, model)
    base_labels = scheme.labels[:len(scheme.labels) - len(scheme.added)]
    crf = make_crf(replace_base(cfg, base), scheme.labels, log, base_labels)
    evaluator = Evaluator(tokenizer, scheme, corpora, cfg.max_length, cfg.context, cfg.pooling,
                          features, crf)
    optimizer = make_optimizer(model, cfg, crf)
    epoch_items = [D.epoch_sentences(encoded, e, spec.seed) for e in range(1, spec.epochs + 1)]
    batches_per_epoch = [math.ceil(len(items) / cfg.batch_size) for items in epoch_items]
    total = sum(batches_per_epoch)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(cfg.warmup_ratio * total), total)
    log(f"model: {sum(p.numel() for p in model.parameters()) / 1e6:.1f}M parameters, "
        f"{len(scheme.labels)} labels, {total} steps over {spec.epochs} epochs "
        f"(batch {cfg.batch_size}), best by {evaluator.selection} F1")

    def checkpoint() -> None:
        if crf is not None:  # its scores travel in the loop's JSON state
            state["crf"] = C.to_record(crf)
        ckpt.save(ckdir, model, optimizer, scheduler, state)

    if resume:
        state = ckpt.load(ckdir, model, optimizer, scheduler)
        if crf is not None:
            C.load_into(crf, C.from_record(state["crf"]))
        log(f"resumed from {ckdir} at step {state['step']} (epoch {state['epoch']}, "
            f"batch {state['batch']})")
    else:
        state = {"step": 0, "epoch": 1, "batch": 0, "loss_sum": 0.0, "loss_n": 0,
                 "history": [], "best": None, "bad_evals": 0, "before": None,
                 "last_eval_step": -1, "started": time.strftime("%Y-%m-%d %H:%M:%S")}
        if scheme.trained_base:
            state["before"] = {"step": 0, **evaluator(model)}
            log(f"before training: {summary(state['before'])}")
    state["spec"] = asdict(spec)

    def evaluate_now(where: str) -> None:
        t0 = time.time()
        scores = evaluator(model)
        row = {"step": state["step"], "epoch": state["epoch"], "at": where,
               "train_loss": state["loss_sum"] / max(state["loss_n"], 1),
               "eval_seconds": round(time.time() - t0, 1), **scores}
        state["history"].append(row)
        state["last_eval_step"] = state["step"]
        improved = state["best"] is None or scores["f1"] > state["best"]["f1"]
        log(f"{where}: step {state['step']} loss {row['train_loss']:.4f} {summary(scores)}"
            + (" -- best so far, saved" if improved else ""))
        if improved:
            state["best"] = row
            state["bad_evals"] = 0
            save_model(model, tokenizer, out, cfg, spec, scheme, corpora, state, finished=False,
                       features=features, crf=crf)
        else:
            state["bad_evals"] += 1
            write_scores(out, scores_record(spec, scheme, corpora, state, finished=False))
        model.train()

    stopped = None
    bar = tqdm(total=total, initial=state["step"], unit="step", disable=not progress,
               dynamic_ncols=True)
    interrupt = DeferredInterrupt()
    try:
        while state["epoch"] <= spec.epochs and stopped is None:
            items = epoch_items[state["epoch"] - 1]
            batches = D.length_batches([len(i) for i, _ in items], cfg.batch_size,
                                       spec.seed + state["epoch"])
            model.train()
            for bi in range(state["batch"], len(batches)):
                if spec.max_steps and state["step"] >= spec.max_steps:
                    stopped = "max_steps"
                    break
                loss = train_step(model, optimizer, scheduler, [items[i] for i in batches[bi]],
                                  tokenizer.pad_token_id, cfg.temperature, hidden, features,
                                  crf)
                state["step"] += 1
                state["batch"] = bi + 1
                state["loss_sum"] += loss
                state["loss_n"] += 1
                bar.update(1)
                bar.set_postfix(epoch=state["epoch"], loss=f"{loss:.3f}")
                if cfg.log_every and state["step"] % cfg.log_every == 0:
                    log(f"epoch {state['epoch']} step {state['step']}/{total} loss "
                        f"{state['loss_sum'] / state['loss_n']:.4f}")
                if interrupt.requested:
                    checkpoint()
                    log(f"interrupted at step {state['step']}: checkpoint saved in {ckdir}; "
                        f"--resume continues from here")
                    raise KeyboardInterrupt
                if cfg.checkpoint_every and state["step"] % cfg.checkpoint_every == 0 \
                        and bi + 1 < len(batches):
                    checkpoint()
            if stopped:
                break
            evaluate_now(f"epoch {state['epoch']}")
            state.update(epoch=state["epoch"] + 1, batch=0, loss_sum=0.0, loss_n=0)
            if cfg.patience and state["bad_evals"] >= cfg.patience:
                stopped = "early_stopping"
                log(f"early stopping: no better dev F1 in {cfg.patience} evaluation(s)")
            if state["epoch"] <= spec.epochs and stopped is None:
                checkpoint()
    finally:
        interrupt.restore()
        bar.close()
    if stopped == "max_steps":
        if state["last_eval_step"] != state["step"]:
            evaluate_now(f"max steps ({spec.max_steps})")
        checkpoint()
        log(f"stopped at --max-steps {spec.max_steps}; checkpoint in {ckdir} "
            f"(continue with --resume and a larger --max-steps, or none)")
    state["stopped"] = stopped or "completed"
    finished = stopped != "max_steps"
    record = scores_record(spec, scheme, corpora, state, finished=finished)
    if state["best"] is not None:
        write_scores(out, record)
        from pipeline.ner.model_card import write_model_card

        write_model_card(out, record)
    if finished:
        ckpt.remove(ckdir)  # the finished folder is a model, not a half-run
    best = state["best"]
    if best is not None:
        log(f"best: step {best['step']} (epoch {best['epoch']}): {summary(best)}")
    return record


# -- the model folder -----------------------------------------------------
def scores_record(spec: RunSpec, scheme: Labels, corpora: Corpora, state: dict[str, Any],
                  *, finished: bool) -> dict[str, Any]:
    return {
        "finished": finished,
        "stopped": state.get("stopped"),
        "steps": state["step"],
        "selection": f"{NEW_DEV if corpora.new_dev else ANERCORP_DEV} F1",
        "splits": {k: corpora.notes.get(k) for k in (NEW_DEV, ANERCORP_DEV)},
        "data": corpora.notes["files"],
        "replay_sentences_per_epoch": corpora.notes["replay"],
        "base": spec.base,
        "labels": scheme.labels,
        "added_labels": scheme.added,
        "output_types": list(scheme.output_types),
        "before": state.get("before"),
        "best": state["best"],
        "history": state["history"],
    }


def write_scores(out: Path, record: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "scores.json").write_text(json.dumps(record, ensure_ascii=False, indent=2),
                                     encoding="utf-8")


def save_model(model, tokenizer, out: Path, cfg: TrainConfig, spec: RunSpec, scheme: Labels,
               corpora: Corpora, state: dict[str, Any], *, finished: bool,
               features=None, crf=None) -> None:
    """fp16 weights + config (label map) + tokenizer + labels.json + the
    training config + names.tsv + scores.json (+ gazetteer.tsv when the model
    reads one, crf.json when it has a CRF layer): what `annotate --model` loads."""
    import torch

    out.mkdir(parents=True, exist_ok=True)
    half = copy.deepcopy(model).to(torch.float16)
    half.save_pretrained(out)
    tokenizer.save_pretrained(out)
    (out / "labels.json").write_text(json.dumps(
        {"labels": scheme.labels, "output_types": list(scheme.output_types)},
        ensure_ascii=False, indent=2), encoding="utf-8")
    conf = json.loads(json.dumps(asdict(cfg), default=str))
    conf.update(base=spec.base, output=spec.output, seed=spec.seed, epochs=spec.epochs)
    (out / "training_config.json").write_text(json.dumps(
        {"train": conf, "run": asdict(spec)}, ensure_ascii=False, indent=2), encoding="utf-8")
    if not (out / "names.tsv").exists():
        write_names(out, Path(spec.base), corpora, scheme.output_types)
    if features is not None:
        features.gazetteer.save(out / GAZETTEER_FILE)
    C.write(out, crf, scheme.labels)
    write_scores(out, scores_record(spec, scheme, corpora, state, finished=finished))


def write_names(out: Path, base: Path, corpora: Corpora, types) -> None:
    """The clitic trimmer's name counts: the base model's plus this run's data."""
    merged = NameLexicon.load(base).counts
    merged = {form: Counter(c) for form, c in merged.items()}
    for form, c in NameLexicon.from_sentences(corpora.lexicon_sentences(), types).counts.items():
        merged.setdefault(form, Counter()).update(c)
    NameLexicon(merged).save(out)
