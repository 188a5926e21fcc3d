"""NER training data: CoNLL files, the ANERcorp dev split, subword alignment.

The dev split is defined HERE and only here, so training and evaluation cut
the same sentences: the last 10% of the sentences of the ANERcorp train file,
contiguous (n sentences -> dev = sentences[n - n // 10:]).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Sequence

import numpy as np

from pipeline.io.conll import read_conll_sentences

ANERCORP_TRAIN = "anercorp_camel_train.conll"
CONLL_TYPES = ("PER", "LOC", "ORG", "MISC")  # the entity types of the shared corpora
IGNORE = -100  # label of subwords that are not the first of their word
# How a word's subwords make its prediction. "first": the first subword alone
# (BERT's habit). "mean": every subword learns the word's tag and the word's
# distribution is the mean of theirs -- why: this tokenizer often opens an
# Arabic word with a clitic or a bare "▁" piece ("وسوريا" -> "▁وس" "وريا",
# "ستيوا" -> "▁" "ستي" "وا"), so the first subword says little about the word.
POOLINGS = ("first", "mean")

Sentence = tuple[list[str], list[str]]  # (words, BIO tags)


def read_conll(path: str | Path) -> list[Sentence]:
    """`token<TAB>tag` lines, blank line between sentences, every tag kept
    (MISC included: training may learn it). The validated reader of
    pipeline/io/conll.py does the parsing, so a broken line fails with FILE:LINE."""
    return [(sent.tokens, sent.tags)
            for doc in read_conll_sentences(path, labels=CONLL_TYPES, ignore=())
            for sent in doc]


def write_conll_sentence(out: IO[str], words: Sequence[str], tags: Sequence[str]) -> None:
    """One sentence in the format `read_conll` reads. A token with white space
    inside (our tokenizer never makes one) would break the columns: it is
    written with "_" in its place."""
    out.write("".join(f"{w.replace(' ', '_')}\t{t}\n" for w, t in zip(words, tags)) + "\n")


def split_dev(sentences: Sequence[Sentence]) -> tuple[list[Sentence], list[Sentence]]:
    """(train, dev): dev is the last n // 10 sentences, contiguous."""
    n = len(sentences)
    cut = n - n // 10
    return list(sentences[:cut]), list(sentences[cut:])


def anercorp_split(data_dir: str | Path) -> tuple[list[Sentence], list[Sentence]]:
    return split_dev(read_conll(Path(data_dir) / "ner" / ANERCORP_TRAIN))


def restrict_tags(tags: Iterable[str], labels: Sequence[str]) -> list[str]:
    """Tags whose type is not in `labels` become O (e.g. MISC at output)."""
    keep = set(labels)
    return [t if t == "O" or t[2:] in keep else "O" for t in tags]


def bio_labels(types: Sequence[str]) -> list[str]:
    return ["O"] + [f"{p}-{t}" for t in types for p in ("B", "I")]


def split_long(words: list[str], tags: list[str], piece_counts: list[int],
               max_pieces: int) -> list[Sentence]:
    """Cut a sentence into consecutive chunks of at most `max_pieces` subwords
    (instead of truncating it). A chunk starting inside an entity re-opens it
    with B- so every chunk is valid BIO."""
    chunks: list[Sentence] = []
    start, used = 0, 0
    for i, n in enumerate(piece_counts):
        if used + n > max_pieces and i > start:
            chunks.append((words[start:i], tags[start:i]))
            start, used = i, 0
        used += n
    chunks.append((words[start:], tags[start:]))
    fixed = []
    for w, t in chunks:
        if t and t[0].startswith("I-"):
            t = ["B-" + t[0][2:]] + t[1:]
        fixed.append((w, t))
    return fixed


def word_piece_counts(tokenizer, words: list[str]) -> list[int]:
    enc = tokenizer(words, is_split_into_words=True, add_special_tokens=False)
    counts = [0] * len(words)
    for wid in enc.word_ids():
        if wid is not None:
            counts[wid] += 1
    # A word the tokenizer drops entirely (e.g. a lone control character)
    # still needs a slot; give it one so the chunk arithmetic stays honest.
    return [max(c, 1) for c in counts]


def windowed(tokenizer, sentences: Iterable[Sentence], max_length: int) -> list[Sentence]:
    out: list[Sentence] = []
    for words, tags in sentences:
        counts = word_piece_counts(tokenizer, words)
        out.extend(split_long(words, tags, counts, max_length - 2))
    return out


def check_pooling(pooling: str) -> str:
    if pooling not in POOLINGS:
        raise ValueError(f"pooling must be one of {', '.join(map(repr, POOLINGS))}, "
                         f"not {pooling!r}")
    return pooling


def encode(tokenizer, sentences: Sequence[Sentence], label2id: dict[str, int],
           pooling: str = "first"):
    """A `datasets.Dataset` with input_ids, labels and length; tags unknown to
    `label2id` become O. Labels: the word's tag on its first subword and -100
    on the others (pooling "first"), or on every subword (pooling "mean")."""
    every = check_pooling(pooling) == "mean"
    from datasets import Dataset

    words = [w for w, _ in sentences]
    tags = [t for _, t in sentences]
    enc = tokenizer(words, is_split_into_words=True, truncation=False)
    labels = []
    for i in range(len(sentences)):
        prev = None
        row = []
        for wid in enc.word_ids(i):
            if wid is None or (wid == prev and not every):
                row.append(IGNORE)
            else:
                row.append(label2id.get(tags[i][wid], label2id["O"]))
            prev = wid
        labels.append(row)
    return Dataset.from_dict({"input_ids": enc["input_ids"], "labels": labels,
                              "length": [len(x) for x in enc["input_ids"]]})


def add_context(rows: Sequence[Sequence[int]], context: int) -> tuple[list[list[int]], list[int]]:
    """Rows `[<s>] + pieces + [</s>]`, consecutive windows of running text,
    each given up to `context` pieces of the windows before it (after <s>) and
    after it (before </s>). Returns the new rows and, per row, how far its own
    pieces moved right. Why: a name's neighbouring sentences often say what it
    is ("... said the ministry"); only the row's own pieces carry labels."""
    if not context:
        return [list(r) for r in rows], [0] * len(rows)
    inner = [list(r[1:-1]) for r in rows]
    out, shifts = [], []
    for i, row in enumerate(rows):
        left: list[int] = []
        j = i - 1
        while j >= 0 and len(left) < context:
            left = inner[j][-(context - len(left)):] + left
            j -= 1
        right: list[int] = []
        j = i + 1
        while j < len(rows) and len(right) < context:
            right += inner[j][:context - len(right)]
            j += 1
        out.append([row[0], *left, *row[1:-1], *right, row[-1]])
        shifts.append(len(left))
    return out, shifts


def context_labels(labels: Sequence[int], shift: int, length: int) -> list[int]:
    """A window's labels placed at their shifted positions in a row of
    `length` with context; context positions are ignored by the loss."""
    own = list(labels[1:-1])
    return [IGNORE] * (1 + shift) + own + [IGNORE] * (length - 1 - shift - len(own))


@dataclass
class Source:
    """One training corpus: a file, how many sentences per epoch, until when."""

    path: Path
    sample: int = 0  # sentences drawn per epoch (0 = all)
    last_epoch: int = 0  # 0 = every epoch
    soft: bool = False  # train on the teacher's distributions, not the file's tags


def epoch_sentences(sources: Sequence[tuple[Source, list[Sentence]]], epoch: int,
                    seed: int) -> list[Sentence]:
    """The training sentences of one (1-based) epoch: samples differ per epoch,
    so a large silver corpus adds variety without lengthening every epoch."""
    rng = random.Random(seed * 1000 + epoch)
    out: list[Sentence] = []
    for source, sents in sources:
        if source.last_epoch and epoch > source.last_epoch:
            continue
        if source.sample and source.sample < len(sents):
            out.extend(rng.sample(sents, source.sample))
        else:
            out.extend(sents)
    return out


def length_batches(lengths: Sequence[int], batch_size: int, seed: int | None) -> list[list[int]]:
    """Batches of similar length (little padding); batch order shuffled when
    `seed` is given."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if seed is not None:
        random.Random(seed).shuffle(batches)
    return batches


def pad_batch(rows: Sequence[Sequence[int]], pad_value: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of different lengths as one int64 matrix padded on the right with
    `pad_value`, and the attention mask (1 on real positions). Training,
    evaluation, the teacher pass and inference all batch windows this way."""
    width = max((len(r) for r in rows), default=0)
    out = np.full((len(rows), width), pad_value, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, r in enumerate(rows):
        out[i, :len(r)] = r
        mask[i, :len(r)] = 1
    return out, mask
