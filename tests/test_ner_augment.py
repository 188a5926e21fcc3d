"""Mention replacement keeps the context, the proclitics and valid BIO, and
draws its names only from what it may: never the dev split."""

import random

from pipeline.ner import data as D
from pipeline.ner.augment import augmented_sentences, name_lists, replace_mentions
from pipeline.ner.decode import spans
from pipeline.ner.lexicon import NameLexicon
from tests.conftest import SHARED

SHARED_DATA = SHARED / "data"

WORDS = "وقال ناصر بوريطة إن وسوريا ولبنان تعاونا مع للأمم المتحدة في مراكش .".split()
TAGS = ["O", "B-PER", "I-PER", "O", "B-LOC", "B-LOC", "O", "O", "B-ORG", "I-ORG", "O",
        "B-LOC", "O"]
LEXICON = NameLexicon.from_sentences([
    ("سوريا لبنان الأمم المتحدة".split(), ["B-LOC", "B-LOC", "B-ORG", "I-ORG"]),
])
NAMES = {"PER": [("عمر", "هلال")], "LOC": [("الرباط",)], "ORG": [("البرلمان", "العربي")]}


def test_every_mention_is_replaced_and_the_context_kept():
    words, tags = replace_mentions(WORDS, TAGS, NAMES, LEXICON, random.Random(0))
    # لبنان starts with ل but is a name of its own (the lexicon knows it):
    # only the و of "ولبنان" is a proclitic, so it becomes "والرباط", not "وللرباط".
    assert words == ("وقال عمر هلال إن والرباط والرباط تعاونا مع للبرلمان العربي في الرباط ."
                     ).split()
    assert [(" ".join(words[i:j]), t) for i, j, t in spans(tags)] == [
        ("عمر هلال", "PER"), ("والرباط", "LOC"), ("والرباط", "LOC"),
        ("للبرلمان العربي", "ORG"), ("الرباط", "LOC")]
    assert len(words) == len(tags)


def test_a_sentence_without_mentions_gives_nothing():
    assert replace_mentions(["قال", "المصدر", "."], ["O", "O", "O"], NAMES, LEXICON,
                            random.Random(0)) is None


def test_name_lists_take_arabic_letters_only_and_no_proclitic():
    sents = [(["أحمد", "زويل", "،", "ولندن", "سوريا", "2020", "مصر"],
              ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "B-ORG", "B-MISC"])]
    lex = NameLexicon.from_sentences([(["لندن"], ["B-LOC"])])
    names = name_lists([(sents, ("PER", "LOC", "ORG"))], lex)
    assert names == {"PER": [("أحمد", "زويل")], "LOC": [("سوريا",)], "ORG": []}
    # Types not taken from a corpus stay out.
    assert name_lists([(sents, ("PER",))], lex)["LOC"] == []


def test_real_augmented_corpus_never_uses_the_dev_split():
    sents, names = augmented_sentences(SHARED_DATA)
    train, dev = D.anercorp_split(SHARED_DATA)
    assert len(sents) > 2000
    for words, tags in sents:
        assert len(words) == len(tags)
        assert all(t == "O" or t[:2] in ("B-", "I-") for t in tags)
    # A name only the dev split has is never a replacement.
    train_names = {tuple(w[i:j]) for w, t in train for i, j, _ in spans(t)}
    dev_only = {tuple(w[i:j]) for w, t in dev for i, j, _ in spans(t)} - train_names
    pool = {n for ns in names.values() for n in ns}
    wikiann = {tuple(w[i:j]) for w, t in D.read_conll(SHARED_DATA / "ner" /
                                                     "wikiann_ar_train.conll")
               for i, j, _ in spans(t)}
    assert not (dev_only & pool) - wikiann
