"""Run the token classifier over words: windows, batching, decoding.

Input is a list of sentences, each a list of words (the tokenize stage's
tokens). Output per sentence: word-level entities (first word, end word,
label, score). Characters are the stage's business (stage.py).

* Windows: a sentence longer than the model's window is cut at word
  boundaries into windows that overlap by about `stride` subwords; each word
  takes its prediction from the window in which it sits farthest from an edge
  (most context on both sides).
* Context: a model trained with `context` (training_config.json) sees that
  many subwords of the neighbouring windows of the same document on each
  side of every window, unlabelled, as in training.
* Batching: the windows of every sentence of every document in the call are
  sorted by length and batched, so padding stays small.
* Name lists: a model trained with a gazetteer (gazetteer.tsv in its
  folder) reads, with every subword, which lists hold its word
  (pipeline/ner/gazetteer.py); the forward pass computes them from the ids.
* Decoding: the word's subwords are pooled as the model was trained
  (training_config.json `pooling`: the first subword's distribution, or the
  mean of all of them);
  Viterbi picks the best valid BIO sequence (adding the learnt transition
  scores of a model trained with a CRF: crf.json); an entity's score is the
  mean probability of its words' chosen tags.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Sequence

import numpy as np

from pipeline.ner import crf as C
from pipeline.ner.data import add_context, check_pooling, pad_batch
from pipeline.ner.decode import log_softmax, pool_word, spans, viterbi
from pipeline.ner.gazetteer import FEATURES, PieceFeatures, features_for, torch_types
from pipeline.safe_load import check_model_folder

Runtime = Literal["auto", "onnx", "torch", "torch-bf16"]
ONNX_FILE = "model.int8.onnx"
MAX_PIECES_PER_WORD = 24  # a URL or garbage run must not eat a window


@dataclass(frozen=True)
class WordEntity:
    start: int  # word index
    end: int  # exclusive
    label: str
    score: float


@dataclass
class _Window:
    sentence: int
    first_word: int
    ids: list[int]
    # (word index in sentence, position of its first subword in ids, subword count)
    word_pos: list[tuple[int, int, int]]


class NerModel:
    """A model folder (config.json, tokenizer.json, labels.json, weights)."""

    def __init__(self, folder: str | Path, runtime: Runtime = "onnx", *, max_length: int = 128,
                 stride: int = 32, threads: int = 0, onnx_file: str = ONNX_FILE):
        from tokenizers import Tokenizer

        self.folder = Path(folder)
        if not (self.folder / "config.json").exists():
            raise FileNotFoundError(f"no NER model in {self.folder} (config.json missing)")
        check_model_folder(self.folder)  # pickles or code: refused before anything loads
        config = json.loads((self.folder / "config.json").read_text(encoding="utf-8"))
        self.labels = [config["id2label"][str(i)] for i in range(len(config["id2label"]))]
        meta = self.folder / "labels.json"
        self.output_types = tuple(json.loads(meta.read_text(encoding="utf-8"))["output_types"]) \
            if meta.exists() else ("PER", "LOC", "ORG")
        self.transitions = C.load(self.folder, self.labels)
        self.context = trained_context(self.folder)
        self.pooling = trained_pooling(self.folder)
        # A window plus its context on both sides must fit the position table.
        self.max_length = min(max_length,
                              config.get("max_position_embeddings", 512) - 2 * self.context)
        self.stride = stride
        self.tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        self.bos = self.tokenizer.token_to_id("<s>")
        self.eos = self.tokenizer.token_to_id("</s>")
        self.pad = config.get("pad_token_id", 1)
        self.runtime = runtime = resolve_runtime(runtime)
        # `_forward(ids, mask) -> logits` is the only network-specific part
        # (gazetteer lookups included); the benchmark swaps in BERT-base here
        # to time it over the same windows.
        if runtime == "onnx":
            self._forward = _onnx_forward(self.folder / onnx_file, threads,
                                          features_for(self.folder))
        elif runtime == "torch":
            self._forward = _torch_forward(self.folder, threads)
        elif runtime == "torch-bf16":
            self._forward = _torch_forward(self.folder, threads, bf16=True)
        else:
            raise ValueError(f"runtime must be 'auto', 'onnx', 'torch' or 'torch-bf16', "
                             f"not {runtime!r}")

    # -- windows ----------------------------------------------------------
    def _windows(self, sentences: Sequence[Sequence[str]],
                 documents: Sequence[int] | None = None) -> list[_Window]:
        windows = self._sentence_windows(sentences)
        if not self.context:
            return windows
        # Context comes from the same document only: consecutive sentences
        # with the same document number (all one document when not given).
        doc_of = [documents[w.sentence] if documents is not None else 0 for w in windows]
        start = 0
        for end in range(1, len(windows) + 1):
            if end == len(windows) or doc_of[end] != doc_of[start]:
                group = windows[start:end]
                rows, shifts = add_context([w.ids for w in group], self.context)
                for w, row, shift in zip(group, rows, shifts):
                    w.ids = row
                    w.word_pos = [(word, pos + shift, n) for word, pos, n in w.word_pos]
                start = end
        return windows

    def _sentence_windows(self, sentences: Sequence[Sequence[str]]) -> list[_Window]:
        budget = self.max_length - 2
        windows: list[_Window] = []
        encs = self.tokenizer.encode_batch([list(w) for w in sentences], is_pretokenized=True,
                                           add_special_tokens=False) if sentences else []
        for si, (words, enc) in enumerate(zip(sentences, encs)):
            pieces: list[list[int]] = [[] for _ in words]
            for tid, wid in zip(enc.ids, enc.word_ids):
                if wid is not None and len(pieces[wid]) < MAX_PIECES_PER_WORD:
                    pieces[wid].append(tid)
            start = 0
            while start < len(words):
                end, used = start, 0
                while end < len(words) and (used + len(pieces[end]) <= budget or end == start):
                    used += len(pieces[end])
                    end += 1
                ids, word_pos = [self.bos], []
                for w in range(start, end):
                    if pieces[w]:
                        kept = pieces[w][:budget]
                        word_pos.append((w, len(ids), len(kept)))
                        ids.extend(kept)
                ids.append(self.eos)
                windows.append(_Window(si, start, ids, word_pos))
                if end >= len(words):
                    break
                # Next window starts ~stride subwords before this one's end.
                back, nxt = 0, end
                while nxt > start + 1 and back + len(pieces[nxt - 1]) <= self.stride:
                    nxt -= 1
                    back += len(pieces[nxt])
                start = nxt
        return windows

    # -- prediction -------------------------------------------------------
    def word_log_probs(self, sentences: Sequence[Sequence[str]], batch_size: int = 32,
                       documents: Sequence[int] | None = None) -> list[np.ndarray]:
        """[words, labels] log-probabilities per sentence. A word with no
        subwords (nothing left after normalisation) is O with certainty.
        `documents`: the document number of each sentence (sentences of a
        document consecutive, in text order), so context stays inside one."""
        n_labels = len(self.labels)
        out = []
        for words in sentences:
            lp = np.full((len(words), n_labels), -1e4)
            lp[:, self.labels.index("O")] = 0.0
            out.append(lp)
        best_margin = [np.full(len(w), -1) for w in sentences]
        windows = self._windows(sentences, documents)
        order = sorted(range(len(windows)), key=lambda i: len(windows[i].ids))
        for b in range(0, len(order), batch_size):
            batch = [windows[i] for i in order[b:b + batch_size]]
            ids, mask = pad_batch([w.ids for w in batch], self.pad)
            logits = self._forward(ids, mask)
            for r, w in enumerate(batch):
                lp = log_softmax(logits[r].astype(np.float64))
                n = len(w.ids)
                for word, pos, count in w.word_pos:
                    margin = min(pos, n - 1 - pos)
                    if margin > best_margin[w.sentence][word]:
                        best_margin[w.sentence][word] = margin
                        out[w.sentence][word] = pool_word(lp, pos, count, self.pooling)
        return out

    def predict(self, sentences: Sequence[Sequence[str]], batch_size: int = 32,
                documents: Sequence[int] | None = None) -> list[list[WordEntity]]:
        result = []
        for lp in self.word_log_probs(sentences, batch_size, documents):
            tags = viterbi(lp, self.labels, self.transitions)
            probs = np.exp(lp[np.arange(len(tags)), tags]) if tags else np.zeros(0)
            names = [self.labels[t] for t in tags]
            ents = [WordEntity(i, j, typ, float(probs[i:j].mean()))
                    for i, j, typ in spans(names) if typ in self.output_types]
            result.append(ents)
        return result


def _trained_setting(folder: Path, key: str, default):
    """A setting of the training_config.json a model folder was trained with;
    `default` for folders from before the setting existed."""
    trained = Path(folder) / "training_config.json"
    if not trained.exists():
        return default
    return json.loads(trained.read_text(encoding="utf-8")).get(key, default)


def trained_context(folder: Path) -> int:
    """The `context` a model folder was trained with (0 for older folders)."""
    return int(_trained_setting(folder, "context", 0))


def trained_pooling(folder: Path) -> str:
    """How a model folder's words pool their subwords ("first" for older folders)."""
    return check_pooling(_trained_setting(folder, "pooling", "first"))


def _onnx_forward(path: Path, threads: int, features: PieceFeatures | None = None):
    """forward(ids, mask) -> logits of an ONNX graph; a graph with a
    token_type_ids input (a model trained with a gazetteer) needs `features`."""
    import onnxruntime as ort

    if not path.exists():
        raise FileNotFoundError(f"{path} missing: export it with "
                                f"`python -m pipeline.ner.onnx_export {path.parent}`")
    opts = ort.SessionOptions()
    if threads:
        opts.intra_op_num_threads = threads
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    typed = "token_type_ids" in {i.name for i in session.get_inputs()}
    if typed and features is None:
        raise FileNotFoundError(f"{path} reads gazetteer features, and there is no "
                                f"gazetteer.tsv next to it")

    def forward(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feed = {"input_ids": ids, "attention_mask": mask}
        if typed:
            feed["token_type_ids"] = features.batch(ids)
        return session.run(["logits"], feed)[0]

    return forward


@functools.lru_cache(maxsize=1)
def cpu_info() -> tuple[str, frozenset[str]]:
    """The CPU's model name and feature flags, from the kernel (/proc/cpuinfo);
    ("unknown CPU", empty) where there is no such file."""
    model, flags = "unknown CPU", frozenset()
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("model name") and model == "unknown CPU":
                    model = line.split(":", 1)[1].strip()
                elif line.startswith("flags") and not flags:
                    flags = frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return model, flags


BF16_FLAGS = ("amx_bf16", "avx512_bf16")  # CPU flags of hardware bf16 matrix products


def bf16_matmul() -> bool:
    """Whether this CPU multiplies bf16 matrices in hardware: Intel AMX
    (Xeon 4th generation on) or AVX512-BF16 (AMD Zen 4 on, Intel Cooper Lake).

    Measured, one thread, 300 raw news sentences, the 12-layer round-2 model
    (the default until 2026-12-02): on a Xeon
    with AMX torch bf16 took 1.11 s, the int8 graph (three layers fp32) 2.38 s,
    torch fp32 3.76 s; on an idle 2-core AMD EPYC with AVX512-BF16 (no AMX),
    two threads, bf16 2.54 s and the int8 graph 2.26 s (fp32 about twice),
    and on the dev split bf16 scored as fp32 (0.8081), the int8 graph 0.8030.
    So where bf16 is hardware it is the better default: at most ~10% slower
    than int8, and lossless (mean KL to fp32 0.00003, int8 about 0.015). Elsewhere torch emulates bf16 (5x
    slower than fp32) and the int8 graph is the fast path. Read from the
    kernel's CPU flags, not from torch: on other CPUs the onnx path never
    imports torch (~200 MB)."""
    return any(flag in cpu_info()[1] for flag in BF16_FLAGS)


def resolve_runtime(runtime: str) -> str:
    """"auto" -> "torch-bf16" on a CPU with hardware bf16, else "onnx"; others unchanged."""
    if runtime == "auto":
        return "torch-bf16" if bf16_matmul() else "onnx"
    return runtime


def _torch_forward(folder: Path, threads: int, bf16: bool = False):
    import torch
    from transformers import AutoModelForTokenClassification

    from transformers.utils import logging as hf_logging

    if threads:
        torch.set_num_threads(threads)
    # The "Loading weights" bar is noise in `annotate`'s output: our own
    # progress bar and summary say what matters.
    hf_logging.disable_progress_bar()
    model = AutoModelForTokenClassification.from_pretrained(
        folder, dtype=torch.bfloat16 if bf16 else torch.float32, use_safetensors=True,
        trust_remote_code=False, local_files_only=True)
    model.eval()
    features = features_for(folder)
    if features is None and model.config.type_vocab_size >= FEATURES:
        raise FileNotFoundError(f"{folder} was trained with gazetteer features, and there is "
                                f"no gazetteer.tsv in it")

    def forward(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        types = torch_types(features, ids)
        with torch.inference_mode():
            out = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask),
                        token_type_ids=types)
        return out.logits.float().numpy()

    return forward
