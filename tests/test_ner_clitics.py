"""Proclitics trimmed and run-together names split, at character level."""

from collections import Counter

import pytest

from pipeline.ner.clitics import proclitic_length, split_joined
from pipeline.ner.lexicon import NameLexicon

LEX = NameLexicon({
    "سوريا": Counter(LOC=37), "العراق": Counter(LOC=122), "واشنطن": Counter(LOC=41),
    "بغداد": Counter(LOC=30), "لبنان": Counter(LOC=25), "وسوريا": Counter(LOC=6),
    "البنتاغون": Counter(ORG=1), "الشام": Counter(LOC=5), "كين": Counter(PER=1),
    "بكين": Counter(LOC=14),
    # counts as the training tokens give them: the clitic kept on the token
    "كوسوفو": Counter(LOC=2), "وكوسوفو": Counter(LOC=2),
    "لين": Counter(PER=1), "ين": Counter(PER=1),
    "كويفا": Counter(PER=1), "وكويفا": Counter(PER=1), "ويفا": Counter(ORG=1),
})


@pytest.mark.parametrize("word, name", [
    ("وسوريا", "سوريا"),           # conjunction before a known name
    ("بالبنتاغون", "البنتاغون"),     # preposition before the article
    ("والعراق", "العراق"),
    ("وبغداد", "بغداد"),            # و + a name that itself starts with ب
    ("للبنتاغون", "لبنتاغون"),       # the ل of لل (the article's alif is elided)
    ("وألينا", "ألينا"),             # و before a hamza seat is always the conjunction
    ("وكوسوفو", "كوسوفو"),          # a tie between the forms: the conjunction goes
    ("وكويفا", "كويفا"),            # ... but not و+ك on a tie (ويفا is a name too)
])
def test_leading_proclitic_is_trimmed_when_the_rest_is_the_name(word, name):
    assert word[proclitic_length(word, LEX):] == name


@pytest.mark.parametrize("word", ["واشنطن", "بغداد", "لبنان", "بكين", "فرنسا", "بوريطة", "كركوك",
                                  "وكالات",  # not و+ك+"الات" (seen on the dev split)
                                  "لين"])  # a tie, but a three-letter remainder
def test_names_that_start_with_clitic_letters_are_kept(word):
    assert proclitic_length(word, LEX) == 0


def test_two_names_joined_by_waw_are_split():
    pieces = split_joined("العراقوسوريا", LEX)
    assert pieces is not None
    assert [("العراقوسوريا"[p.start:p.end], p.label) for p in pieces] == [
        ("العراق", "LOC"), ("سوريا", "LOC")]


def test_a_known_name_containing_waw_is_not_split():
    assert split_joined("واشنطن", LEX) is None
    assert split_joined("سوريا", LEX) is None


def test_proclitic_before_a_name_the_document_mentions_bare_is_trimmed():
    from pipeline.ner.clitics import document_proclitic_length

    names = {"داعش", "لداعش", "واشنطن"}
    assert document_proclitic_length("لداعش", names) == 1
    assert document_proclitic_length("واشنطن", names) == 0


def test_punctuation_at_entity_edges_is_dropped():
    from pipeline.ner.clitics import strip_edges

    assert strip_edges("جبهة فتح الشام-") == (0, 1)
    assert strip_edges("«داعش»") == (1, 1)
    assert strip_edges("...") == (0, 0)
