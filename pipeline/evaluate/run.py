"""Score predicted documents against gold ones and build the report dict.

`Evaluation.add(gold, pred)` takes one aligned pair at a time and keeps only
counts (plus the entity outcomes, for error examples); `report()` turns them
into the JSON report whose keys docs/evaluate.md documents. A prediction that
is an error record scores as empty (its gold entities count as missed) and is
listed under "failed_documents": a failure never vanishes from the figures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from pipeline.document import ENTITY_LABELS, QUANTITY_KINDS, Document, Span
from pipeline.evaluate.errors import CATEGORIES, Outcome, confusion, pair, tally
from pipeline.evaluate.gold import GoldDoc, GoldError
from pipeline.evaluate.novelty import SeenNames, novelty
from pipeline.evaluate.quantities import QuantityScores
from pipeline.evaluate.scoring import LabelCounts, char_counts, token_counts
from pipeline.io.bio import group_by_sentence, project

REPORT_SCHEMA = "arabic-news-evaluate/1"

Tokeniser = Callable[[Document], tuple[list[Span], list[Span]]]


def default_tokeniser() -> Tokeniser:
    """The pipeline's own tokenize stage, for gold that brings no tokens."""
    from pipeline.text.stage import TokenizeSettings, TokenizeStage

    stage = TokenizeStage(TokenizeSettings(), Path("."))

    def tokenise(doc: Document) -> tuple[list[Span], list[Span]]:
        probe = stage(Document(id=doc.id, text=doc.text))
        return probe.tokens, probe.sentences

    return tokenise


@dataclass
class Evaluation:
    labels: Sequence[str] = ENTITY_LABELS
    ignore: Sequence[str] = ()
    tokeniser: Tokeniser | None = None
    seen: SeenNames | None = None  # --seen: split the scores by seen/unseen names
    documents: int = 0
    sentences: int = 0
    tokens: int = 0
    entity_documents: int = 0
    quantity_documents: int = 0
    token: LabelCounts = field(default_factory=LabelCounts)
    char_exact: LabelCounts = field(default_factory=LabelCounts)
    char_clitic: LabelCounts = field(default_factory=LabelCounts)
    outcomes: list[tuple[Document, Outcome]] = field(default_factory=list)
    quantities: QuantityScores = field(default_factory=QuantityScores)
    failed: list[dict[str, str]] = field(default_factory=list)
    not_scored: dict[str, int] = field(default_factory=dict)  # task -> gold documents

    def add(self, gold: GoldDoc, pred: Document, *, entities_predicted: bool = True,
            quantities_predicted: bool = True) -> None:
        g = gold.doc
        if pred.id != g.id or pred.text != g.text:
            what = "id" if pred.id != g.id else "text"
            raise GoldError(f"{gold.where}: prediction for {g.id!r} has another {what} "
                            f"(predicted id {pred.id!r})")
        self.documents += 1
        if pred.error is not None:
            self.failed.append({"id": g.id, "where": gold.where, **pred.error})
        if gold.has_entities and entities_predicted:
            self._add_entities(g, pred)
        elif gold.has_entities:
            self.not_scored["entities"] = self.not_scored.get("entities", 0) + 1
        if gold.has_quantities and quantities_predicted:
            self.quantity_documents += 1
            self.quantities.add_document(g.quantities, pred.quantities)
        elif gold.has_quantities:
            self.not_scored["quantities"] = self.not_scored.get("quantities", 0) + 1

    def _add_entities(self, g: Document, pred: Document) -> None:
        self.entity_documents += 1
        predicted = [e for e in pred.entities if e.label not in self.ignore]
        tokens, sentences = g.tokens, g.sentences
        if not tokens:
            tokens, sentences = (pred.tokens, pred.sentences) if pred.tokens else \
                self._tokenise(g)
        groups = group_by_sentence(tokens, sentences)
        gold_tags, pred_tags = project(tokens, g.entities), project(tokens, predicted)
        self.sentences += len(groups)
        self.tokens += len(tokens)
        self.token.add(token_counts([[gold_tags[i] for i in r] for r in groups],
                                    [[pred_tags[i] for i in r] for r in groups]))
        self.char_exact.add(char_counts(g.entities, predicted, g.text))
        self.char_clitic.add(char_counts(g.entities, predicted, g.text, clitic_tolerant=True))
        self.outcomes.extend((g, o) for o in pair(g.entities, predicted, g.text))

    def _tokenise(self, doc: Document) -> tuple[list[Span], list[Span]]:
        if self.tokeniser is None:
            self.tokeniser = default_tokeniser()
        return self.tokeniser(doc)

    def report(self, **about: object) -> dict[str, object]:
        """The JSON report; `about` (gold files, pred, model, split...) goes under "run"."""
        rep: dict[str, object] = {
            "schema": REPORT_SCHEMA,
            "run": about,
            "counts": {"documents": self.documents, "entity_documents": self.entity_documents,
                       "quantity_documents": self.quantity_documents,
                       "sentences": self.sentences, "tokens": self.tokens},
            "failed_documents": self.failed,
            # gold the predictions could not answer: no such stage ran, or the
            # prediction records lack the key; task -> number of gold documents
            "not_scored": dict(self.not_scored),
            "entities": None,
            "quantities": None,
        }
        if self.entity_documents:
            just = [o for _, o in self.outcomes]
            rep["entities"] = {
                "labels": list(self.labels),
                "token": self.token.as_dict(self.labels),
                "char_exact": self.char_exact.as_dict(self.labels),
                "char_clitic": self.char_clitic.as_dict(self.labels),
                "errors": dict(tally(just)),
                "errors_by_label": _errors_by_label(just),
                "confusion": confusion(just, self.labels),
            }
            if self.seen is not None:
                rep["entities"]["novelty"] = novelty(just, self.seen, self.labels)
        if self.quantity_documents:
            rep["quantities"] = {"kinds": [k for k in QUANTITY_KINDS
                                           if k in self.quantities.exact.by_label],
                                 **self.quantities.as_dict(QUANTITY_KINDS)}
        return rep


def _errors_by_label(outcomes: Sequence[Outcome]) -> dict[str, dict[str, int]]:
    """Category counts per label: a gold entity's label, or the prediction's
    for spurious ones."""
    out: dict[str, Counter] = {}
    for o in outcomes:
        label = (o.gold or o.pred).label
        out.setdefault(label, Counter({c: 0 for c in CATEGORIES}))[o.category] += 1
    return {k: dict(v) for k, v in sorted(out.items())}
