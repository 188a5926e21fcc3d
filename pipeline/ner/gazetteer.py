"""Name lists as a model input: which words of a sentence a list of known names covers.

Why: most person and organisation names in held-out news never occur in
ANERcorp train (DESIGN.md), so the encoder has to recognise them from
knowledge it has -- or be told. A gazetteer tells it: every word gets a small
bit set (inside a listed person / place / organisation name, or a known
given name or surname), and the model learns how far to trust each bit.

Lists (built by `build`, saved as `gazetteer.tsv` in a model folder so a
model always runs with the lists it was trained with):
* PER: multi-word full names, and single given names and surnames ("PART"),
  from the `names.sqlite3` of the PyPI package arabic-name-romanizer
  (Wikidata, CC0; Algerian name corpora, CC0/MIT);
* PER, LOC, ORG: the entity strings of WikiANN Arabic train and dev
  (silver labels from Wikipedia links; never the ANERcorp dev split).

Matching is on normalised words (no diacritics or tatweel; alef forms, alef
maqsura and ta marbuta folded), longest list entry first, and a name's first
word may carry one proclitic (و ف ب ل ك: "وسوريا" matches "سوريا").
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

# Bit of each list; a word's feature is the OR of the bits of the entries
# covering it, so FEATURES = 2 ** len(BITS) token types in the encoder.
BITS = {"PER": 1, "LOC": 2, "ORG": 4, "PART": 8}
FEATURES = 2 ** len(BITS)
FILE = "gazetteer.tsv"
MAX_WORDS = 6  # longest entry matched; longer ones are dropped when built
PROCLITICS = "وفبلك"
_DIACRITICS = re.compile("[\u064B-\u0652\u0640\u0670]")
_FOLD = str.maketrans("أإآٱىة", "اااايه")


@functools.lru_cache(maxsize=1 << 16)  # news repeats its words: most calls are hits
def normalise(word: str) -> str:
    return _DIACRITICS.sub("", word).translate(_FOLD)


@dataclass
class Gazetteer:
    # normalised word tuple -> OR of BITS of every list holding it
    entries: dict[tuple[str, ...], int] = field(default_factory=dict)

    # first word -> words in its longest entry: most words start none, and
    # skip the n-gram lookups (built on first use, dropped by `add`)
    _longest: dict[str, int] | None = field(default=None, repr=False, compare=False)

    def add(self, words: Sequence[str], kind: str) -> None:
        key = tuple(normalise(w) for w in words)
        if key and len(key) <= MAX_WORDS and all(key):
            self.entries[key] = self.entries.get(key, 0) | BITS[kind]
            self._longest = None

    def __len__(self) -> int:
        return len(self.entries)

    def features(self, words: Sequence[str]) -> list[int]:
        """The feature (0..FEATURES-1) of each word: from each word on, the
        longest entry that matches there marks all its words with its bits
        (ORed where matches overlap); shorter entries at the same start are
        not looked at."""
        if self._longest is None:
            self._longest = {}
            for key in self.entries:
                self._longest[key[0]] = max(self._longest.get(key[0], 0), len(key))
        longest = self._longest
        norm = [normalise(w) for w in words]
        bare = [w[1:] if len(w) > 2 and w[0] in PROCLITICS else "" for w in norm]
        out = [0] * len(words)
        for i in range(len(norm)):
            reach = max(longest.get(norm[i], 0), longest.get(bare[i], 0))
            for n in range(min(reach, len(norm) - i), 0, -1):
                rest = tuple(norm[i + 1:i + n])
                bits = self.entries.get((norm[i],) + rest, 0)
                if bare[i]:
                    bits |= self.entries.get((bare[i],) + rest, 0)
                if bits:
                    for k in range(i, i + n):
                        out[k] |= bits
                    break
        return out

    # -- storage: one `kinds<TAB>words` line per entry, sorted --------------
    def save(self, path: str | Path) -> None:
        lines = [f"{'+'.join(k for k, b in BITS.items() if bits & b)}\t{' '.join(key)}\n"
                 for key, bits in sorted(self.entries.items())]
        Path(path).write_text("".join(lines), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> "Gazetteer":
        gaz = cls()
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            kinds, _, words = line.partition("\t")
            try:
                bits = 0
                for kind in kinds.split("+"):
                    bits |= BITS[kind]
            except KeyError:
                raise ValueError(f"{path}:{n}: kinds {kinds!r}; each must be one of "
                                 f"{', '.join(BITS)}") from None
            gaz.entries[tuple(words.split(" "))] = bits
        return gaz


def load_for(folder: str | Path) -> Gazetteer | None:
    """The gazetteer a model folder was trained with (None: it uses none)."""
    path = Path(folder) / FILE
    return Gazetteer.load(path) if path.exists() else None


# -- building the lists --------------------------------------------------------
def names_database() -> Path:
    """names.sqlite3 of the installed arabic-name-romanizer package."""
    from importlib.resources import files

    try:
        path = Path(str(files("arabic_name_romanizer") / "resources" / "names.sqlite3"))
    except ModuleNotFoundError:
        raise ModuleNotFoundError("the gazetteer's person names come from the PyPI package "
                                  "arabic-name-romanizer: pip install -e '.[build]'") from None
    if not path.exists():
        raise FileNotFoundError(f"{path} missing from arabic-name-romanizer")
    return path


def person_names(database: str | Path, min_part_count: int) -> Iterable[tuple[list[str], str]]:
    """(words, "PER") for multi-word full names; (word, "PART") for given
    names and surnames seen at least `min_part_count` times (rarer ones are
    mostly one person's spelling, and a list of every rare word-like name
    marks too many common words)."""
    import sqlite3

    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        for (key,) in db.execute("SELECT DISTINCT arabic_key FROM full_names"):
            words = key.split()
            if len(words) > 1:
                yield words, "PER"
        parts: Counter[str] = Counter()
        for key, count in db.execute("SELECT arabic_key, count FROM units"):
            if len(key.split()) == 1:
                parts[key] += count
    for key, count in parts.items():
        if count >= min_part_count:
            yield [key], "PART"


def build(data_dir: str | Path, min_part_count: int = 3,
          database: str | Path | None = None) -> Gazetteer:
    """The lists from the names database and WikiANN Arabic train + dev."""
    from pipeline.ner.data import read_conll
    from pipeline.ner.decode import spans

    gaz = Gazetteer()
    for words, kind in person_names(database or names_database(), min_part_count):
        gaz.add(words, kind)
    for name in ("wikiann_ar_train.conll", "wikiann_ar_dev.conll"):
        for words, tags in read_conll(Path(data_dir) / "ner" / name):
            for i, j, kind in spans(tags):
                if kind in BITS:
                    gaz.add(words[i:j], kind)
    return gaz


class PieceFeatures:
    """The gazetteer feature of every subword of encoded windows, read off the
    ids alone: a piece opening with "▁" starts a word, the others continue
    it, so the words are rebuilt from the ids and every piece takes its word's
    feature (special tokens and padding: 0). Why from ids: training batches
    and inference windows then need nothing but their ids, and both compute
    the features the same way."""

    def __init__(self, gazetteer: Gazetteer, tokenizer):
        """`tokenizer`: a `tokenizers.Tokenizer` (an HF fast tokenizer's
        `backend_tokenizer`)."""
        self.gazetteer = gazetteer
        special = {i for i, tok in tokenizer.get_added_tokens_decoder().items() if tok.special}
        pieces = [tokenizer.id_to_token(i) or "" for i in range(tokenizer.get_vocab_size())]
        # per id: 1 = starts a word, 0 = continues one, -1 = special (no word)
        self.starts = [-1 if i in special else int(p.startswith("▁"))
                       for i, p in enumerate(pieces)]
        self.text = [p.lstrip("▁") for p in pieces]

    def row(self, ids: Sequence[int]) -> list[int]:
        words: list[str] = []
        word_of: list[int] = []  # word index of each piece, -1 for specials
        for i in ids:
            start = self.starts[i]
            if start < 0:
                word_of.append(-1)
                continue
            if start or not words or word_of[-1] < 0:
                words.append("")
            words[-1] += self.text[i]
            word_of.append(len(words) - 1)
        feats = self.gazetteer.features(words)
        return [feats[w] if w >= 0 else 0 for w in word_of]

    def batch(self, ids: np.ndarray) -> np.ndarray:
        """Features of a [batch, length] array of ids, as an array like it."""
        return np.array([self.row(r) for r in ids.tolist()], dtype=ids.dtype).reshape(ids.shape)


def torch_types(features: PieceFeatures | None, ids: np.ndarray):
    """The token_type_ids tensor for a batch of ids; None for a model without
    lists (the model then gives every token type 0, as it was trained)."""
    if features is None:
        return None
    import torch

    return torch.from_numpy(features.batch(ids))


def features_for(folder: str | Path) -> PieceFeatures | None:
    """The piece features of a model folder trained with a gazetteer (None
    for one trained without)."""
    gazetteer = load_for(folder)
    if gazetteer is None:
        return None
    from tokenizers import Tokenizer

    return PieceFeatures(gazetteer, Tokenizer.from_file(str(Path(folder) / "tokenizer.json")))


def widen_token_types(model) -> None:
    """Give the encoder one token type per feature. The new rows start as
    copies of type 0 (what every token had), so the model's outputs are
    unchanged until training teaches each feature its own vector."""
    import torch

    embeddings = model.base_model.embeddings
    current = embeddings.token_type_embeddings
    if current.num_embeddings >= FEATURES:
        return
    wider = torch.nn.Embedding(FEATURES, current.embedding_dim)
    with torch.no_grad():
        wider.weight[:] = current.weight[0]
    embeddings.token_type_embeddings = wider
    model.config.type_vocab_size = FEATURES


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        description="build the gazetteer (names.sqlite3 of arabic-name-romanizer + WikiANN "
                    "entities) that a training config's `gazetteer` key names")
    parser.add_argument("-o", "--output", type=Path, required=True, help="gazetteer.tsv to write")
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"),
                        help="shared data folder holding ner/ (default: ../shared/data)")
    parser.add_argument("--min-part-count", type=int, default=3,
                        help="keep a given name or surname seen this often (default: 3)")
    args = parser.parse_args(argv)
    gazetteer = build(args.data_dir, args.min_part_count)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    gazetteer.save(args.output)
    kinds = Counter(k for bits in gazetteer.entries.values() for k, b in BITS.items() if bits & b)
    print(f"wrote {args.output}: {len(gazetteer)} entries ({', '.join(f'{k} {n}' for k, n in kinds.items())})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
