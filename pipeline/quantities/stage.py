"""The `quantities` stage: every number in a document, with its resolved value.

Works on `doc.text` alone (tokens from the tokenize stage are not needed: the
grammar has its own one-regex tokeniser on the folded text, which is both
faster and aware of number syntax such as "1 000 000" and "04/07/2021").
Spans index the original text through the folding map.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from pipeline.document import Document, Quantity
from pipeline.quantities.grammar import Match, Scanner
from pipeline.quantities.lexicon import tables
from pipeline.text.normalize import fold_with_offsets
from pipeline.quantities.resolve import resolve_currency
from pipeline.stages import BaseStage

Kind = Literal["cardinal", "ordinal", "percent", "money", "quantity", "duration", "date",
               "year", "range", "identifier"]
ALL_KINDS: tuple[str, ...] = get_args(Kind)


@dataclass(frozen=True)
class QuantitiesSettings:
    # Kinds to report; the others are still recognised (so "رقم 2396" never
    # turns into a cardinal) but left out of the output.
    kinds: list[Kind] = field(default_factory=lambda: list(ALL_KINDS))
    # Vague amounts ("المئات", "عدة") are reported with value null; "drop" omits them.
    vague: Literal["keep", "drop"] = "keep"
    # Longest article (characters) the stage will scan; longer ones are an error
    # record rather than a runaway job.
    max_chars: int = 5_000_000

    def __post_init__(self) -> None:
        unknown = [k for k in self.kinds if k not in ALL_KINDS]
        if unknown:
            raise ValueError(f"stages.quantities.kinds: unknown kind(s) {unknown}; "
                             f"allowed: {', '.join(ALL_KINDS)}")


class QuantitiesStage(BaseStage):
    name = "quantities"

    def __init__(self, settings: QuantitiesSettings | None = None, base_dir: Path | None = None):
        self.settings = settings or QuantitiesSettings()
        self.tables = tables()
        self._kinds = frozenset(self.settings.kinds)

    def __call__(self, doc: Document) -> Document:
        doc.quantities = self.extract(doc)
        return doc

    def extract(self, doc: Document) -> list[Quantity]:
        if len(doc.text) > self.settings.max_chars:
            raise ValueError(f"text of {len(doc.text)} characters is longer than "
                             f"stages.quantities.max_chars = {self.settings.max_chars}")
        folded = fold_with_offsets(doc.text)
        out = []
        for m in Scanner(folded.text, self.tables).run():
            if m.kind not in self._kinds:
                continue
            if m.value is None and m.kind == "cardinal" and self.settings.vague == "drop":
                continue
            out.append(self._quantity(doc, folded, m))
        return out

    def _quantity(self, doc: Document, folded, m: Match) -> Quantity:
        unit = m.unit
        if m.kind in ("money", "range") and unit and unit.startswith("?"):
            unit = resolve_currency(unit, self.tables.currency_hints, folded.text)
        return doc.quantity(folded.start(m.start), folded.end(m.end), m.kind, value=m.value,
                            unit=unit, approximate=m.approximate, qualifier=m.qualifier,
                            extra=m.extra)
