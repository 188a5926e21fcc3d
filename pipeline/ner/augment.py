"""Mention replacement: ANERcorp train sentences with their names swapped for
other names of the same type, as CoNLL.

Why: most person and organisation names in new news never occur in ANERcorp
train (DESIGN.md), so a model that memorises names does not carry over. A
sentence whose names are replaced by other real names of the same type keeps
the context ("قال وزير الخارجية ... في بيان") and loses the memorised name,
so the model must learn the context (Dai & Adel 2020, "An Analysis of Simple
Data Augmentation for Named Entity Recognition": mention replacement).

The replacement names are the PER/LOC/ORG mentions of the ANERcorp train split
(never the dev split), of self-training CoNLL files given with --names (news
names the teacher tagged with confidence: pipeline/ner/silver.py) and the PER
mentions of WikiANN train (Wikipedia person titles; its LOC and ORG titles are
too often not names: "اقتصاد غير رسمي" LOC, "مفارقة إي بي آر" ORG), written in
Arabic letters only and without a proclitic of their own. A leading
proclitic of the replaced mention stays ("وسوريا" -> "و" + the new name; ل
before the article writes لل: "ل" + "الأمم المتحدة" -> "للأمم المتحدة").

    python -m pipeline.ner.augment -o build/augmented.conll --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path
from typing import Sequence

from pipeline.ner import data as D
from pipeline.ner.clitics import ARTICLE, EDGE_PUNCT, proclitic_length
from pipeline.ner.decode import spans
from pipeline.ner.lexicon import NameLexicon

TYPES = ("PER", "LOC", "ORG")
# Shared corpora whose mentions of these types are replacement names.
NAME_SOURCES = {"wikiann_ar_train.conll": ("PER",)}
ARABIC_WORD = re.compile(r"^[\u0621-\u063A\u0641-\u064A]+$")  # letters only: no
# tatweel, diacritics, digits or the punctuation WikiANN glues to its titles
MAX_NAME_WORDS = 4  # longer WikiANN titles are mostly descriptions, not names

NameLists = dict[str, list[tuple[str, ...]]]


def name_lists(corpora: Sequence[tuple[Sequence[D.Sentence], Sequence[str]]],
               lexicon: NameLexicon) -> NameLists:
    """Distinct mentions per type from (sentences, types taken) pairs, in
    first-seen order (deterministic)."""
    seen: dict[str, dict[tuple[str, ...], None]] = {t: {} for t in TYPES}
    for sentences, types in corpora:
        for words, tags in sentences:
            for i, j, typ in spans(list(tags)):
                name = tuple(words[i:j])
                if typ in types and typ in seen and len(name) <= MAX_NAME_WORDS and \
                        all(ARABIC_WORD.match(w) for w in name) and \
                        not proclitic_length(" ".join(name), lexicon):
                    seen[typ][name] = None
    return {t: list(names) for t, names in seen.items()}


def with_proclitic(prefix: str, name: tuple[str, ...]) -> list[str]:
    words = list(name)
    if prefix.endswith("ل") and words[0].startswith(ARTICLE):
        words[0] = prefix + words[0][1:]  # ل + الأمم -> للأمم: the article's alif drops
    else:
        words[0] = prefix + words[0]
    return words


def replace_mentions(words: Sequence[str], tags: Sequence[str], names: NameLists,
                     lexicon: NameLexicon, rng: random.Random) -> D.Sentence | None:
    """The sentence with every PER/LOC/ORG mention replaced, or None if it has none."""
    out_words: list[str] = []
    out_tags: list[str] = []
    pos = 0
    replaced = 0
    for i, j, typ in spans(list(tags)):
        if typ not in TYPES or not names.get(typ):
            continue
        out_words.extend(words[pos:i])
        out_tags.extend(tags[pos:i])
        mention = " ".join(words[i:j])
        prefix = mention[:proclitic_length(mention, lexicon)]
        trail = words[j - 1][len(words[j - 1].rstrip(EDGE_PUNCT)):]
        new = with_proclitic(prefix, rng.choice(names[typ]))
        new[-1] += trail
        out_words.extend(new)
        out_tags.extend([f"B-{typ}"] + [f"I-{typ}"] * (len(new) - 1))
        pos = j
        replaced += 1
    if not replaced:
        return None
    out_words.extend(words[pos:])
    out_tags.extend(tags[pos:])
    return out_words, out_tags


def augmented_sentences(data_dir: Path, extra_names: Sequence[Path] = (), copies: int = 1,
                        seed: int = 13) -> tuple[list[D.Sentence], NameLists]:
    """`copies` replaced versions of every ANERcorp train sentence with a
    mention, and the name lists they drew from."""
    train, _dev = D.anercorp_split(data_dir)
    lexicon = NameLexicon.from_sentences(train, TYPES)
    corpora = [(train, TYPES)]
    corpora += [(D.read_conll(Path(data_dir) / "ner" / f), types)
                for f, types in NAME_SOURCES.items()]
    corpora += [(D.read_conll(path), TYPES) for path in extra_names]
    names = name_lists(corpora, lexicon)
    rng = random.Random(seed)
    out = []
    for _ in range(copies):
        for words, tags in train:
            new = replace_mentions(words, tags, names, lexicon, rng)
            if new is not None:
                out.append(new)
    return out, names


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", type=Path, required=True, help="CoNLL file to write")
    ap.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    ap.add_argument("--names", type=Path, action="append", default=[], metavar="CONLL",
                    help="more names (all types) from this CoNLL file, e.g. build/silver.conll")
    ap.add_argument("--copies", type=int, default=1,
                    help="replaced versions of each sentence (default: 1)")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)
    sents, names = augmented_sentences(args.data_dir, args.names, args.copies, args.seed)
    with open(args.output, "w", encoding="utf-8") as out:
        for words, tags in sents:
            D.write_conll_sentence(out, words, tags)
    n_names = sum(t.startswith("B-") for _, tags in sents for t in tags)
    pools = ", ".join(f"{len(v):,} {t}" for t, v in names.items())
    print(f"{args.output}: {len(sents):,} sentences, {n_names:,} mentions drawn from {pools}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
