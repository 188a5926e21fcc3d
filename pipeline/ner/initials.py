"""Names cut in two at an initial: "أنتوني ج. بلينكن" is one person.

The tokenizer splits the full stop off a one-letter word (whether it ends the
sentence is the splitter's business, text/sentences.py), and ANERcorp, whose
tokens the model learnt from, almost never has an initial inside a name, so the
model ends the name at the initial and starts a new one after it: "أنتوني ج."
(or "أنتوني ج") and "بلينكن". When two entities of one label meet at initials -- a
one-letter word with its full stop glued on, inside the left entity or between
the two -- they are one name, and become one entity covering the stops too.
"""

from __future__ import annotations

from typing import Sequence

from pipeline.document import Span
from pipeline.ner.infer import WordEntity

INITIAL_STOP = "."


def _is_letter(word: Span) -> bool:
    return len(word.text) == 1 and word.text.isalpha()


def _is_stop_after(words: Sequence[Span], i: int) -> bool:
    """Word i is a full stop glued to the one-letter word before it."""
    return (0 < i < len(words) and words[i].text == INITIAL_STOP
            and _is_letter(words[i - 1]) and words[i - 1].end == words[i].start)


def _initials_end(words: Sequence[Span], left: WordEntity) -> int:
    """Index of the first word after the initials that follow `left` (left.end if none)."""
    k = left.end
    if _is_stop_after(words, k):  # "أنتوني ج" + "."
        k += 1
    while _is_stop_after(words, k + 1):  # + "ف" "." (bounds checked there)
        k += 2
    return k


def join_across_initials(words: Sequence[Span],
                         entities: Sequence[WordEntity]) -> list[WordEntity]:
    """`entities` (word spans of one sentence, in order) with every pair of
    same-label entities that only initials separate merged into one; its score
    is the mean of the two, weighted by their word counts."""
    out: list[WordEntity] = []
    for ent in entities:
        if out:
            prev = out[-1]
            gap_end = _initials_end(words, prev)
            initial_between = gap_end > prev.end or _is_stop_after(words, prev.end - 1)
            if prev.label == ent.label and initial_between and gap_end == ent.start:
                n_prev, n_ent = prev.end - prev.start, ent.end - ent.start
                score = (prev.score * n_prev + ent.score * n_ent) / (n_prev + n_ent)
                out[-1] = WordEntity(prev.start, ent.end, ent.label, score)
                continue
        out.append(ent)
    return out
