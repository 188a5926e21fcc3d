"""What kind of mistake each entity error is, and a gold-by-predicted confusion matrix.

Gold and predicted entities of one document are paired one-to-one by
character overlap, largest overlap first. Each pair and each leftover is one
outcome:

| category         | what happened                                              |
|------------------|------------------------------------------------------------|
| correct          | same span, same label                                      |
| clitic           | same label, spans differ only by a leading clitic (و ف ب ل ك) |
| boundary         | same label, overlapping spans with other boundaries        |
| label            | same span, another label                                   |
| boundary_label   | overlapping spans, other boundaries and another label      |
| missed           | a gold entity no prediction overlaps                       |
| spurious         | a prediction no gold entity is left to pair with           |

A prediction that overlaps a gold entity already paired with a better
overlapping prediction is `spurious` (the model split one name in two).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from pipeline.document import Entity
from pipeline.evaluate.scoring import clitic_equivalent, overlapping

CATEGORIES = ("correct", "clitic", "boundary", "label", "boundary_label", "missed", "spurious")
ERROR_CATEGORIES = CATEGORIES[2:]  # `clitic` is tolerated, so not an error
NONE = "O"  # the confusion-matrix row/column for "no entity"


@dataclass(frozen=True)
class Outcome:
    category: str
    gold: Entity | None
    pred: Entity | None


def pair(gold: Sequence[Entity], pred: Sequence[Entity], text: str) -> list[Outcome]:
    """One outcome per gold entity and per unpaired prediction, in text order."""
    overlaps = [(-size, gold[gi].start, pred[pi].start, gi, pi)
                for gi, pi, size in overlapping(gold, pred)]
    overlaps.sort()
    gold_pair: dict[int, int] = {}
    pred_taken: set[int] = set()
    for _, _, _, gi, pi in overlaps:
        if gi not in gold_pair and pi not in pred_taken:
            gold_pair[gi] = pi
            pred_taken.add(pi)
    outcomes = []
    for gi, g in enumerate(gold):
        if gi not in gold_pair:
            outcomes.append(Outcome("missed", g, None))
            continue
        p = pred[gold_pair[gi]]
        outcomes.append(Outcome(_classify(g, p, text), g, p))
    outcomes.extend(Outcome("spurious", None, p)
                    for pi, p in enumerate(pred) if pi not in pred_taken)
    outcomes.sort(key=lambda o: (o.gold or o.pred).start)
    return outcomes


def _classify(g: Entity, p: Entity, text: str) -> str:
    same_span = (g.start, g.end) == (p.start, p.end)
    if g.label == p.label:
        if same_span:
            return "correct"
        return "clitic" if clitic_equivalent(g, p, text) else "boundary"
    return "label" if same_span else "boundary_label"


def tally(outcomes: Sequence[Outcome]) -> Counter:
    counts: Counter = Counter({c: 0 for c in CATEGORIES})
    counts.update(o.category for o in outcomes)
    return counts


def confusion(outcomes: Sequence[Outcome], labels: Sequence[str]) -> dict[str, object]:
    """Rows are gold labels, columns predicted labels; `O` is "no entity"
    (a miss is gold X / predicted O, a spurious entity gold O / predicted X)."""
    names = [*labels, NONE]
    for o in outcomes:
        for e in (o.gold, o.pred):
            if e is not None and e.label not in names:
                names.insert(-1, e.label)
    index = {n: i for i, n in enumerate(names)}
    matrix = [[0] * len(names) for _ in names]
    for o in outcomes:
        row = index[o.gold.label] if o.gold else index[NONE]
        col = index[o.pred.label] if o.pred else index[NONE]
        matrix[row][col] += 1
    return {"labels": names, "matrix": matrix}
