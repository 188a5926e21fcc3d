"""Character-level fixes to entity spans: leading proclitics and run-together names.

The model tags whole tokens, and the tokenizer leaves proclitics on words
("وسوريا" is one token), so the span edits happen on characters:

* trim a leading conjunction/preposition when what remains is the name:
  "وسوريا" -> "سوريا", "بالبنتاغون" -> "البنتاغون", "للأمم" -> "لأمم" (the ل of
  لل; the article's alif is elided in writing, so no span can hold "الأمم");
* split two names joined by و without a space: "العراقوسوريا" -> "العراق", "سوريا".

"What remains is the name" is decided by the article (a remainder starting
with ال after a proclitic is always a separate word) or by the name lexicon
(the remainder is a more frequent entity than the whole form). That keeps
names that merely start with these letters: واشنطن, بغداد, لبنان, كركوك, فرنسا.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.ner.lexicon import NameLexicon

# Proclitic sequences, longest first: a conjunction (و ف) optionally followed
# by a preposition (ب ل ك), or a preposition alone.
PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")
ARTICLE = "ال"
MIN_NAME_CHARS = 2  # a remainder shorter than this is never a name
MIN_ARTICLE_NAME_CHARS = 5  # "ال" + at least three letters: "وكالات" is not و+ك+"الات"
MIN_LEXICON_COUNT = 1  # the remainder must be a name at least this often (and
# more often than the whole form, which keeps بكين although كين is a name once)
# ... or as often, after the commonest proclitics and before a remainder of at
# least four letters: the counts come from training tokens, which keep their
# clitics (ANERcorp tags "وكوسوفو" whole), so a rare name is often counted as
# often with و as without ("وكوسوفو" 2, "كوسوفو" 2). Shorter remainders and the
# readings with ك or ف are too often names of their own on a tie (لين, كويفا).
TIE_PROCLITICS = ("و", "ب", "ل", "وب", "ول")
MIN_TIE_REST_CHARS = 4
MIN_JOINED_COUNT = 2  # each half of a run-together pair must be a name this often
# Characters a token may carry at its edges that are never part of a name
# ("جبهة فتح الشام-", «داعش»).
EDGE_PUNCT = "-–—_.,،:;؛!?؟\"'«»“”()[]{}"
JOINER = "و"
# A name never starts with و followed by a hamza-seat alif: in "وألينا",
# "وإيران" the و is always the conjunction.
CONJUNCTION_BEFORE_HAMZA = ("و", "أإآ")


@dataclass(frozen=True)
class Piece:
    start: int  # character offsets relative to the word
    end: int
    label: str | None  # None: keep the model's label


def proclitic_length(word: str, lexicon: NameLexicon) -> int:
    """How many leading characters of `word` are proclitics outside the name."""
    whole = lexicon.count(word)
    conj, seats = CONJUNCTION_BEFORE_HAMZA
    if word.startswith(conj) and len(word) > MIN_NAME_CHARS + 1 and word[1] in seats:
        return 1
    for pre in PROCLITICS:
        if not word.startswith(pre):
            continue
        rest = word[len(pre):]
        if len(rest) < MIN_NAME_CHARS:
            continue
        if rest.startswith(ARTICLE) and len(rest) >= MIN_ARTICLE_NAME_CHARS and \
                lexicon.count(rest) >= whole:
            return len(pre)
        # لل: the preposition ل before the article, whose alif is dropped.
        if pre.endswith("ل") and rest.startswith("ل") and len(rest) >= MIN_ARTICLE_NAME_CHARS - 1:
            if lexicon.count("ا" + rest) >= max(whole, 1) or lexicon.count(word) == 0:
                return len(pre)
        n = lexicon.count(rest)
        tie_wins = pre in TIE_PROCLITICS and len(rest) >= MIN_TIE_REST_CHARS
        if n >= MIN_LEXICON_COUNT and (n > whole or (n == whole and tie_wins)):
            return len(pre)
    return 0


def split_joined(word: str, lexicon: NameLexicon) -> list[Piece] | None:
    """Two names joined by و inside one word ("العراقوسوريا"), or None."""
    if lexicon.count(word) > 0:
        return None
    best = None
    for k in range(MIN_NAME_CHARS, len(word) - MIN_NAME_CHARS):
        if word[k] != JOINER:
            continue
        left, right = word[:k], word[k + 1:]
        nl, nr = lexicon.count(left), lexicon.count(right)
        if nl >= MIN_JOINED_COUNT and nr >= MIN_JOINED_COUNT:
            score = min(nl, nr)
            if best is None or score > best[0]:
                best = (score, k)
    if best is None:
        return None
    k = best[1]
    return [Piece(0, k, lexicon.label(word[:k])), Piece(k + 1, len(word), lexicon.label(word[k + 1:]))]


def document_proclitic_length(text: str, names_in_document: set[str]) -> int:
    """A proclitic before a name the same document mentions bare elsewhere
    ("لداعش" beside "داعش"): news repeats its names, so the document itself
    is the best lexicon for names the training data never saw."""
    for pre in PROCLITICS:
        rest = text[len(pre):]
        if text.startswith(pre) and len(rest) >= MIN_NAME_CHARS and rest in names_in_document:
            return len(pre)
    return 0


def strip_edges(text: str) -> tuple[int, int]:
    """(leading, trailing) counts of punctuation to drop from an entity's text."""
    lead = len(text) - len(text.lstrip(EDGE_PUNCT))
    if lead == len(text):
        return 0, 0
    trail = len(text) - len(text.rstrip(EDGE_PUNCT))
    return lead, trail
