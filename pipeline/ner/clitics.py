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
MIN_ARTICLE_NAME_CHARS = 4  # "ال" + at least two letters
MIN_LEXICON_COUNT = 2  # the remainder must be a name at least this often
JOINER = "و"


@dataclass(frozen=True)
class Piece:
    start: int  # character offsets relative to the word
    end: int
    label: str | None  # None: keep the model's label


def proclitic_length(word: str, lexicon: NameLexicon) -> int:
    """How many leading characters of `word` are proclitics outside the name."""
    whole = lexicon.count(word)
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
        if n >= MIN_LEXICON_COUNT and n > whole:
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
        if nl >= MIN_LEXICON_COUNT and nr >= MIN_LEXICON_COUNT:
            score = min(nl, nr)
            if best is None or score > best[0]:
                best = (score, k)
    if best is None:
        return None
    k = best[1]
    return [Piece(0, k, lexicon.label(word[:k])), Piece(k + 1, len(word), lexicon.label(word[k + 1:]))]
