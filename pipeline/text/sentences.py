"""Sentence splitting over tokens.

A sentence ends at a line break or after sentence-final punctuation (with any
closing quotes or brackets that follow it). A full stop after a one-letter
token is an initial ("أنتوني ج. بلينكن"), not an end. Because it works on the
tokeniser's spans, it survives missing spaces ("حكوميين.وقال"), decimals in
any script (one token) and quotes.
"""

from __future__ import annotations

from pipeline.text.charsets import CLOSING, SENTENCE_FINAL


def split_sentences(text: str, tokens: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) of each sentence; each covers whole tokens, none is empty."""
    sentences: list[tuple[int, int]] = []
    first = 0  # index of the first token of the current sentence
    n = len(tokens)
    i = 0
    while i < n:
        start, end = tokens[i]
        piece = text[start:end]
        ends = False
        if piece in SENTENCE_FINAL and not _is_initial(text, tokens, i):
            ends = True
            while i + 1 < n and text[tokens[i + 1][0]:tokens[i + 1][1]] in CLOSING \
                    and not _line_break_between(text, tokens[i], tokens[i + 1]):
                i += 1
        if ends or i + 1 == n or _line_break_between(text, tokens[i], tokens[i + 1]):
            sentences.append((tokens[first][0], tokens[i][1]))
            first = i + 1
        i += 1
    return sentences


def _is_initial(text: str, tokens: list[tuple[int, int]], i: int) -> bool:
    """A full stop glued to a one-letter word that a name follows on the same line."""
    if text[tokens[i][0]:tokens[i][1]] != "." or i == 0 or i + 1 == len(tokens):
        return False
    prev_start, prev_end = tokens[i - 1]
    return (prev_end - prev_start == 1 and prev_end == tokens[i][0]
            and text[prev_start].isalpha()
            and not _line_break_between(text, tokens[i], tokens[i + 1]))


def _line_break_between(text: str, left: tuple[int, int], right: tuple[int, int]) -> bool:
    gap = text[left[1]:right[0]]
    return "\n" in gap or "\r" in gap or "\u2028" in gap or "\u2029" in gap
