"""Offset-preserving Arabic tokeniser on spaCy's blank `ar` language.

spaCy keeps every token's character offset into the original string, which is
exactly the contract we need; we only teach it three habits of Arabic news:
- a word glued to digits is two tokens ("بحضور74", "و٢٥", "بـ700"): a
  zero-width infix at every letter/digit boundary (spaCy supports empty
  infixes, explosion/spaCy#768);
- a full stop with no following space is still punctuation ("حكوميين.وقال");
- numbers with separators in any script stay whole ("1,500", "١٬٥٠٠", "٣٫٥").
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

import spacy
from spacy.attrs import IS_SPACE
from spacy.util import compile_infix_regex, compile_suffix_regex

from pipeline.text.charsets import DIGIT, INVISIBLE, LETTER, NUMBER_SEPARATORS

# Zero-width boundaries between a letter and a digit, either way round.
_LETTER_DIGIT = rf"(?<={LETTER})(?={DIGIT})|(?<={DIGIT})(?={LETTER})"
# A full stop between two letters ("حكوميين.وقال"), and a hyphen or slash
# between a letter and a digit ("كوفيد-19"), are tokens of their own.
_GLUED_STOP = rf"(?<={LETTER})\.(?={LETTER})"
_LETTER_DASH_DIGIT = rf"(?<={LETTER})[-/](?={DIGIT})|(?<={DIGIT})[-/](?={LETTER})"
# A full stop after a letter at the end of a chunk ("ج." in "أنتوني ج. بلينكن")
# is split off too; whether it ends a sentence is the splitter's business.
_FINAL_STOP = rf"(?<={LETTER})\.$|(?<={DIGIT})\.$"
# Quotes, brackets and clause punctuation are tokens wherever they stand
# ('قال:"نعم"'), digits included: only . , ٫ ٬ - / may sit inside a number.
_PUNCT_ANYWHERE = r'[«»"“”„()\[\]{}:;؛،!؟?…]'
# spaCy's default URL matcher takes any "word.word" for a domain name and
# would keep "حكوميين.وقال" whole; only scheme- or www-led strings are URLs.
_URL = re.compile(r"(?:https?://|www\.)\S+")


@lru_cache(maxsize=1)
def arabic_tokenizer() -> spacy.tokenizer.Tokenizer:
    nlp = spacy.blank("ar")
    infixes = [_PUNCT_ANYWHERE, _LETTER_DIGIT, _GLUED_STOP, _LETTER_DASH_DIGIT,
               *nlp.Defaults.infixes]
    suffixes = [_FINAL_STOP, *nlp.Defaults.suffixes]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.tokenizer.suffix_search = _tail_search(compile_suffix_regex(suffixes))
    # Tokenizer exceptions such as "ج." would keep the stop on an initial;
    # we split it and let the sentence splitter decide.
    nlp.tokenizer.rules = {}
    nlp.tokenizer.url_match = _URL.match
    # Every word new to the vocabulary gets its lexical attributes computed
    # (shape, like_num, like_url, stop word, ...: 23 getters), and inside the
    # memory zone below every word of an article is new again. We read only
    # offsets and is_space, so only that getter stays: tokenisation took 37%
    # less time on 300 news articles, with the same tokens.
    nlp.vocab.lex_attr_getters = {IS_SPACE: nlp.vocab.lex_attr_getters[IS_SPACE]}
    return nlp.tokenizer


# spaCy strips affixes one at a time and calls `suffix_search` on the whole
# remaining chunk each time; a `...$` pattern searched from the chunk's start
# scans all of it, so a 100,000-character run of quotes took 9 minutes
# (quadratic). Suffixes are short: searching only the chunk's tail finds the
# same ones in constant time (lookbehinds still see the characters before
# `pos`), and spaCy uses only the match's length.
_SUFFIX_TAIL = 32


def _tail_search(pattern: re.Pattern) -> Callable[[str], re.Match | None]:
    def search(chunk: str) -> re.Match | None:
        return pattern.search(chunk, max(0, len(chunk) - _SUFFIX_TAIL))
    return search


# spaCy still copies and hashes the rest of a chunk at every affix it strips,
# so one whitespace-free chunk costs time quadratic in its length. No word,
# number or URL of real news comes near this length; longer chunks (a
# 100,000-character "word", a run of punctuation, base64 junk) go to a linear
# regex tokenizer with the same broad habits: letter runs, numbers with their
# separators, and every other character a token of its own.
MAX_CHUNK = 1000
_LONG_CHUNK = re.compile(rf"\S{{{MAX_CHUNK + 1},}}")
_FALLBACK_TOKEN = re.compile(
    rf"(?:https?://|www\.)\S+"
    rf"|{DIGIT}+(?:[{NUMBER_SEPARATORS}/]{DIGIT}+)*"
    rf"|(?:{LETTER}|[^\W\d_])+"
    rf"|\S")


def tokenize(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-space token of `text`, in order."""
    spans: list[tuple[int, int]] = []
    pos = 0
    # spaCy tokenises each whitespace-separated chunk on its own, so cutting
    # the text at the edges of a long chunk changes nothing else.
    for long_chunk in _LONG_CHUNK.finditer(text):
        spans.extend(_spacy_tokens(text, pos, long_chunk.start()))
        spans.extend((m.start(), m.end()) for m in
                     _FALLBACK_TOKEN.finditer(text, long_chunk.start(), long_chunk.end()))
        pos = long_chunk.end()
    spans.extend(_spacy_tokens(text, pos, len(text)))
    return spans


def _spacy_tokens(text: str, begin: int, stop: int) -> list[tuple[int, int]]:
    if begin >= stop:
        return []
    tokenizer = arabic_tokenizer()
    spans = []
    # spaCy keeps every new word's string (and its tokenizer cache entry) for
    # the life of the process, so memory grew with the vocabulary of the input
    # (+60 MB over 12k news articles). Inside a memory zone they are freed on
    # exit; nothing outlives it, since only integer offsets leave this block.
    with tokenizer.vocab.memory_zone():
        doc = tokenizer(text[begin:stop] if (begin, stop) != (0, len(text)) else text)
        for tok in doc:
            if tok.is_space:
                continue
            start = begin + tok.idx
            end = start + len(tok.text)
            # spaCy's space tokens are runs of whitespace; a token may still carry
            # unusual space characters (e.g. U+2028) or invisible bidi and
            # zero-width marks at its edges -- trim them, so "\u200fالوزير\u200f"
            # is the token "الوزير" (an entity's text never ends in a mark).
            while start < end and _blank(text[start]):
                start += 1
            while end > start and _blank(text[end - 1]):
                end -= 1
            if start < end:
                spans.extend(_split_inner_space(text, start, end))
    return spans


_SPACE_RUN = re.compile(r"\s+")
_INVISIBLE = re.compile(f"[{INVISIBLE}]")


def _blank(char: str) -> bool:
    return char.isspace() or _INVISIBLE.match(char) is not None


def _split_inner_space(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A token never spans whitespace (spaCy only splits on ' ' inside a chunk)."""
    piece = text[start:end]
    if not _SPACE_RUN.search(piece):
        return [(start, end)]
    out, pos = [], start
    for m in _SPACE_RUN.finditer(piece):
        if start + m.start() > pos:
            out.append((pos, start + m.start()))
        pos = start + m.end()
    if pos < end:
        out.append((pos, end))
    return out
