"""Quantity scores: span precision/recall/F1 per kind, and value accuracy.

- exact: a prediction is correct when it has the gold span's offsets and kind;
- overlap: when it overlaps a gold span of the same kind (one-to-one, largest
  overlap first), the lenient view for qualifier and unit boundaries;
- value accuracy, per gold kind: among predictions with exactly the gold
  offsets (whatever kind they were given), the share whose resolved value
  agrees: `value`, `unit`, and the kind's own fields (`iso` for dates, `low`
  and `high` for ranges). Numbers agree within a relative 1e-9.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Sequence

from pipeline.document import Quantity
from pipeline.evaluate.scoring import LabelCounts, overlapping

VALUE_FIELDS = ("value", "unit", "iso", "low", "high")


def _fields(q: Quantity) -> dict[str, Any]:
    return {"value": q.value, "unit": q.unit, **{k: q.extra.get(k) for k in ("iso", "low", "high")}}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) \
            and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def value_matches(gold: Quantity, pred: Quantity) -> bool:
    g, p = _fields(gold), _fields(pred)
    return all(_same(g[k], p[k]) for k in VALUE_FIELDS)


@dataclass
class ValueCounts:
    correct: int = 0
    matched: int = 0  # gold spans with an exact-offset prediction

    @property
    def accuracy(self) -> float:
        return self.correct / self.matched if self.matched else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"accuracy": self.accuracy, "correct": self.correct, "matched": self.matched}


@dataclass
class QuantityScores:
    exact: LabelCounts = field(default_factory=LabelCounts)
    overlap: LabelCounts = field(default_factory=LabelCounts)
    values: dict[str, ValueCounts] = field(default_factory=lambda: defaultdict(ValueCounts))
    # (gold, prediction) pairs with the right offsets and a wrong value, for examples
    wrong_values: list[tuple[Quantity, Quantity]] = field(default_factory=list)

    def add_document(self, gold: Sequence[Quantity], pred: Sequence[Quantity]) -> None:
        for q in gold:
            self.exact.by_label[q.kind].gold += 1
            self.overlap.by_label[q.kind].gold += 1
        for q in pred:
            self.exact.by_label[q.kind].predicted += 1
            self.overlap.by_label[q.kind].predicted += 1
        by_offsets = {(q.start, q.end): q for q in pred}
        for g in gold:
            p = by_offsets.get((g.start, g.end))
            if p is None:
                continue
            if p.kind == g.kind:
                self.exact.by_label[g.kind].correct += 1
            counts = self.values[g.kind]
            counts.matched += 1
            if value_matches(g, p):
                counts.correct += 1
            else:
                self.wrong_values.append((g, p))
        for kind in _overlap_pairs(gold, pred):
            self.overlap.by_label[kind].correct += 1

    def as_dict(self, kinds: Sequence[str] = ()) -> dict[str, object]:
        order = [k for k in kinds if k in self.exact.by_label] + sorted(
            k for k in self.exact.by_label if k not in kinds)
        total = ValueCounts()
        for v in self.values.values():
            total.correct += v.correct
            total.matched += v.matched
        return {
            "exact": self.exact.as_dict(order),
            "overlap": self.overlap.as_dict(order),
            "value": {"per_kind": {k: self.values[k].as_dict() if k in self.values
                                   else ValueCounts().as_dict() for k in order},
                      "micro": total.as_dict()},
        }


def _overlap_pairs(gold: Sequence[Quantity], pred: Sequence[Quantity]) -> list[str]:
    """Kinds of the one-to-one (largest overlap first) same-kind overlapping pairs."""
    candidates = [(-size, gi, pi) for gi, pi, size in overlapping(gold, pred)
                  if gold[gi].kind == pred[pi].kind]
    candidates.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    kinds = []
    for _, gi, pi in candidates:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            kinds.append(gold[gi].kind)
    return kinds
