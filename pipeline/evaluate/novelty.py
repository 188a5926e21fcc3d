"""Seen and unseen names: how the model does on names its training data never showed it.

Most person and organisation names in new news are names the training data
never held (DESIGN.md: about 4 in 5 persons, 1 in 2 organisations), so a
model that memorised ANERcorp's names looks better on its dev split than it
will be on tomorrow's articles. `--seen TRAIN` splits the scores by novelty,
as NER generalisation studies do (Augenstein, Derczynski & Bontcheva 2017):

- recall over gold entities whose (label, surface) occurs among the seen
  files' entities, and over those that do not;
- precision over predictions split the same way.

A gold entity is found, and a prediction correct, when the character-span
pairing (`errors.pair`) calls it `correct` or `clitic` (the clitic-tolerant
view: gold CoNLL keeps "وسوريا" whole where the model trims it to "سوريا").
Surfaces are compared with whitespace collapsed and, because the two
conventions meet here too, a leading clitic on either side is ignored
when the rest is a seen name of the same label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from pipeline.document import Document, Entity
from pipeline.evaluate.errors import Outcome
from pipeline.evaluate.gold import GoldError, conll_split, is_conll, read_annotated_jsonl
from pipeline.evaluate.scoring import CLITIC_PREFIXES, Counts
from pipeline.io.conll import document_from_sentences

FOUND = ("correct", "clitic")
GROUPS = ("seen", "unseen")


def surface(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class SeenNames:
    """The (label, surface) pairs of the entities a model trained on."""

    names: frozenset[tuple[str, str]]
    sources: tuple[str, ...] = ()

    @classmethod
    def read(cls, paths: Iterable[str | Path], *, labels: Sequence[str],
             ignore: Sequence[str], train_part_of: Iterable[str | Path] = ()) -> SeenNames:
        """Entities of annotated JSONL or CoNLL files. A CoNLL file also listed
        in `train_part_of` (gold scored with --dev-split) contributes only its
        training part: the sentences before the dev split, what the model saw."""
        held_out = {Path(p).resolve() for p in train_part_of}
        names: set[tuple[str, str]] = set()
        sources = []
        for raw in paths:
            path = Path(raw)
            if not path.is_file():
                raise GoldError(f"{path}: no such file (--seen)")
            if is_conll(path):
                train, dev = conll_split(path, labels, ignore)
                if path.resolve() in held_out:
                    sentences = train
                    sources.append(f"{path} (training part)")
                else:
                    sentences = train + dev
                    sources.append(str(path))
                docs: Iterable[Document] = [document_from_sentences(path.stem, sentences)]
            elif path.suffix.lower() == ".jsonl":
                docs = (g.doc for g in read_annotated_jsonl(path, labels=labels, ignore=ignore)
                        if g.has_entities)
                sources.append(str(path))
            else:
                raise GoldError(f"{path}: --seen takes annotated .jsonl or CoNLL files")
            for doc in docs:  # both readers have already dropped ignored labels
                names.update((e.label, surface(e.text)) for e in doc.entities)
        return cls(frozenset(names), tuple(sources))

    def __contains__(self, entity: Entity) -> bool:
        name = surface(entity.text)
        if (entity.label, name) in self.names:
            return True
        # "وسوريا" in one convention is "سوريا" in the other: a clitic on
        # either side. Trimming only counts when the rest is itself a name.
        for clitic in CLITIC_PREFIXES:
            if (entity.label, clitic + name) in self.names:
                return True
            if name.startswith(clitic) and (entity.label, name[len(clitic):]) in self.names:
                return True
        return False


@dataclass
class NoveltyCounts:
    """Recall counts over gold entities and precision counts over predictions,
    by group (seen/unseen) and label."""

    recall: dict[str, dict[str, Counts]] = field(default_factory=dict)
    precision: dict[str, dict[str, Counts]] = field(default_factory=dict)

    def _counts(self, table: dict[str, dict[str, Counts]], group: str, label: str) -> Counts:
        return table.setdefault(group, {}).setdefault(label, Counts())

    def add(self, outcome: Outcome, seen: SeenNames) -> None:
        found = outcome.category in FOUND
        if outcome.gold is not None:
            group = "seen" if outcome.gold in seen else "unseen"
            counts = self._counts(self.recall, group, outcome.gold.label)
            counts.gold += 1
            counts.correct += found
        if outcome.pred is not None:
            group = "seen" if outcome.pred in seen else "unseen"
            counts = self._counts(self.precision, group, outcome.pred.label)
            counts.predicted += 1
            counts.correct += found

    def as_dict(self, labels: Sequence[str], seen: SeenNames) -> dict[str, object]:
        """Per group: gold entities, recall, predictions and precision, per
        label and over all labels."""
        def row(label: str | None, group: str) -> dict[str, float | int]:
            rec = [c for k, c in self.recall.get(group, {}).items() if label in (None, k)]
            pre = [c for k, c in self.precision.get(group, {}).items() if label in (None, k)]
            gold, found = sum(c.gold for c in rec), sum(c.correct for c in rec)
            predicted, right = sum(c.predicted for c in pre), sum(c.correct for c in pre)
            return {"gold": gold, "found": found, "recall": found / gold if gold else 0.0,
                    "predicted": predicted, "correct": right,
                    "precision": right / predicted if predicted else 0.0}

        return {"seen_from": list(seen.sources), "seen_names": len(seen.names),
                **{group: {"per_label": {label: row(label, group) for label in labels},
                           "all": row(None, group)} for group in GROUPS}}


def novelty(outcomes: Iterable[Outcome], seen: SeenNames,
            labels: Sequence[str]) -> dict[str, object]:
    counts = NoveltyCounts()
    for outcome in outcomes:
        counts.add(outcome, seen)
    return counts.as_dict(labels, seen)


def format_novelty(section: dict) -> list[str]:
    """Terminal lines for the report's "novelty" section."""
    lines = ["", f"Seen and unseen names ({section['seen_names']:,} names from "
                 f"{', '.join(section['seen_from'])}; character spans, clitic-tolerant)",
             f"{'label':<8}{'seen: gold':>11} {'R':>5} {'pred':>6} {'P':>5}"
             f"   {'unseen: gold':>12} {'R':>5} {'pred':>6} {'P':>5}"]

    def cells(r: dict, width: int) -> str:
        recall = f"{100 * r['recall']:5.1f}" if r["gold"] else f"{'-':>5}"
        precision = f"{100 * r['precision']:5.1f}" if r["predicted"] else f"{'-':>5}"
        return f"{r['gold']:>{width},} {recall} {r['predicted']:>6,} {precision}"

    for label in [*section["seen"]["per_label"], "all"]:
        rows = [section[g]["all"] if label == "all" else section[g]["per_label"][label]
                for g in GROUPS]
        lines.append(f"{label:<8}{cells(rows[0], 11)}   {cells(rows[1], 12)}")
    return lines
