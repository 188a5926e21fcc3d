"""BIO tags <-> entity chunks, and character spans projected onto tokens.

Chunking follows seqeval's DEFAULT mode (the conlleval rules), not its strict
IOB2 mode: an `I-X` that follows `O` or a tag of another type opens a new
chunk instead of being dropped. We chose it because it is what published
ANERcorp scores (CAMeLBERT, AraBERT, via seqeval's `classification_report`)
were computed with, so our token-level numbers are comparable with theirs,
and because it never throws away a predicted token: a tagger that writes
`O I-PER` is scored on the PER it found rather than silently losing it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Iterable, Sequence

from pipeline.document import Entity, Span

Chunk = tuple[str, int, int]  # (label, first token, one past the last token)


def split_tag(tag: str) -> tuple[str, str]:
    """("B", "PER") for "B-PER"; ("O", "") for "O"."""
    if tag == "O":
        return "O", ""
    prefix, sep, label = tag.partition("-")
    if not sep or prefix not in ("B", "I") or not label:
        raise ValueError(f"not a BIO tag: {tag!r} (expected O, B-LABEL or I-LABEL)")
    return prefix, label


def chunks(tags: Sequence[str]) -> list[Chunk]:
    """Entity chunks of one sentence, seqeval default-mode semantics."""
    out: list[Chunk] = []
    label, start = "", -1  # the open chunk, if start >= 0
    for i, tag in enumerate(tags):
        prefix, kind = split_tag(tag)
        continues = prefix == "I" and start >= 0 and kind == label
        if start >= 0 and not continues:
            out.append((label, start, i))
            start = -1
        if prefix != "O" and not continues:
            label, start = kind, i
    if start >= 0:
        out.append((label, start, len(tags)))
    return out


def tags_from_chunks(n_tokens: int, spans: Iterable[Chunk]) -> list[str]:
    """IOB2 tags for token chunks (the inverse of `chunks` on valid input)."""
    tags = ["O"] * n_tokens
    for label, start, end in spans:
        tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
    return tags


def project(tokens: Sequence[Span], entities: Iterable[Entity]) -> list[str]:
    """BIO tags for `tokens` (sorted, non-overlapping) from character-offset
    entities: a token is inside an entity when it overlaps it, and the first
    token an entity touches gets B-. A token already claimed by an earlier
    entity keeps its tag, so two entities inside one gold token
    ("العراقوسوريا" tagged as one word) give that token the first entity only.
    """
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    tags = ["O"] * len(tokens)
    for ent in sorted(entities, key=lambda e: (e.start, e.end)):
        first = bisect_right(ends, ent.start)  # first token ending after ent.start
        last = bisect_left(starts, ent.end)  # first token starting at/after ent.end
        begun = False
        for i in range(first, last):
            if tags[i] != "O":
                continue
            tags[i] = ("I-" if begun else "B-") + ent.label
            begun = True
    return tags


def group_by_sentence(tokens: Sequence[Span], sentences: Sequence[Span]) -> list[range]:
    """Index ranges of `tokens` per sentence (a token belongs to the sentence
    holding its first character); tokens outside every sentence form their
    own runs, and without sentences the whole document is one sequence."""
    if not sentences:
        return [range(0, len(tokens))] if tokens else []
    groups: list[range] = []
    i = 0
    for sent in sentences:
        while i < len(tokens) and tokens[i].start < sent.start:
            j = i
            while j < len(tokens) and tokens[j].start < sent.start:
                j += 1
            groups.append(range(i, j))
            i = j
        j = i
        while j < len(tokens) and tokens[j].start < sent.end:
            j += 1
        if j > i:
            groups.append(range(i, j))
        i = j
    if i < len(tokens):
        groups.append(range(i, len(tokens)))
    return groups
