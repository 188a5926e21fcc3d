"""The one type every stage reads and extends.

A `Document` holds the original text exactly as it was read and lists of
character-offset spans into it. Stages may normalise text internally, but
whatever they add here indexes the ORIGINAL text: `text[start:end] == span.text`.
The record shape (`to_record` / `from_record`) is the JSONL contract of
docs FORMAT.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ENTITY_LABELS = ("PER", "LOC", "ORG")
QUANTITY_KINDS = (
    "cardinal", "ordinal", "percent", "money", "quantity",
    "duration", "date", "year", "range", "identifier",
)
QUALIFIERS = (None, "about", "more_than", "less_than", "at_least", "at_most")


class SpanError(ValueError):
    """A span whose offsets do not match the text it claims to cover."""


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the original text: sentences and tokens."""

    start: int
    end: int
    text: str

    def to_record(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity: PER, LOC or ORG (more only when a config asks)."""

    start: int
    end: int
    text: str
    label: str
    score: float | None = None

    def to_record(self) -> dict[str, Any]:
        rec: dict[str, Any] = {"start": self.start, "end": self.end, "text": self.text,
                               "label": self.label}
        if self.score is not None:
            rec["score"] = round(float(self.score), 4)
        return rec


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number or quantity with its resolved value (FORMAT.md, "Quantities")."""

    start: int
    end: int
    text: str
    kind: str
    value: int | float | None = None
    unit: str | None = None
    approximate: bool = False
    qualifier: str | None = None
    # Kind-specific fields: `iso` for dates, `low`/`high` for ranges.
    extra: dict[str, Any] = field(default_factory=dict, compare=True, hash=False)

    def to_record(self) -> dict[str, Any]:
        rec: dict[str, Any] = {"start": self.start, "end": self.end, "text": self.text,
                               "kind": self.kind}
        if self.kind != "range":
            rec["value"] = self.value
        rec.update({"unit": self.unit, "approximate": self.approximate,
                    "qualifier": self.qualifier})
        rec.update(self.extra)
        return rec


@dataclass(slots=True)
class Document:
    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    sentences: list[Span] = field(default_factory=list)
    tokens: list[Span] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    error: dict[str, str] | None = None

    # -- building spans -------------------------------------------------
    def span(self, start: int, end: int) -> Span:
        """A checked `Span` over `text[start:end]`."""
        self._check(start, end)
        return Span(start, end, self.text[start:end])

    def entity(self, start: int, end: int, label: str, score: float | None = None) -> Entity:
        self._check(start, end)
        return Entity(start, end, self.text[start:end], label, score)

    def quantity(self, start: int, end: int, kind: str, **fields: Any) -> Quantity:
        self._check(start, end)
        if kind not in QUANTITY_KINDS:
            raise SpanError(f"unknown quantity kind {kind!r}; allowed: {', '.join(QUANTITY_KINDS)}")
        extra = fields.pop("extra", {})
        return Quantity(start, end, self.text[start:end], kind, extra=extra, **fields)

    def _check(self, start: int, end: int) -> None:
        if not (0 <= start < end <= len(self.text)):
            raise SpanError(f"span [{start}, {end}) outside text of length {len(self.text)}")

    def sentence_of(self, offset: int) -> Span | None:
        """The sentence holding character `offset` (binary search)."""
        lo, hi = 0, len(self.sentences)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.sentences[mid].end <= offset:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self.sentences) and self.sentences[lo].start <= offset:
            return self.sentences[lo]
        return None

    # -- the JSONL contract ---------------------------------------------
    def to_record(self, *, tokens: bool = True) -> dict[str, Any]:
        rec: dict[str, Any] = {
            "id": self.id,
            "text": self.text,
            "sentences": [s.to_record() for s in self.sentences],
        }
        if tokens:
            rec["tokens"] = [t.to_record() for t in self.tokens]
        rec["entities"] = [e.to_record() for e in self.entities]
        rec["quantities"] = [q.to_record() for q in self.quantities]
        rec["meta"] = self.meta
        if self.error is not None:
            rec["error"] = self.error
        return rec

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> Document:
        """Rebuild a document from a record, checking every span against the text."""
        doc = cls(id=str(rec["id"]), text=rec["text"], meta=dict(rec.get("meta") or {}),
                  error=rec.get("error"))
        doc.sentences = [doc.span(s["start"], s["end"]) for s in rec.get("sentences", [])]
        doc.tokens = [doc.span(t["start"], t["end"]) for t in rec.get("tokens", [])]
        for e in rec.get("entities", []):
            ent = doc.entity(e["start"], e["end"], e["label"], e.get("score"))
            if "text" in e and e["text"] != ent.text:
                raise SpanError(f"entity text {e['text']!r} != text[{e['start']}:{e['end']}] "
                                f"{ent.text!r}")
            doc.entities.append(ent)
        known = {"start", "end", "text", "kind", "value", "unit", "approximate", "qualifier"}
        for q in rec.get("quantities", []):
            qty = doc.quantity(q["start"], q["end"], q["kind"], value=q.get("value"),
                               unit=q.get("unit"), approximate=bool(q.get("approximate", False)),
                               qualifier=q.get("qualifier"),
                               extra={k: v for k, v in q.items() if k not in known})
            if "text" in q and q["text"] != qty.text:
                raise SpanError(f"quantity text {q['text']!r} != text[{q['start']}:{q['end']}] "
                                f"{qty.text!r}")
            doc.quantities.append(qty)
        return doc

    @classmethod
    def failed(cls, id: str, text: str, exc: BaseException | str, *, type: str | None = None,
               meta: dict[str, Any] | None = None) -> Document:
        """An error record: the article is accounted for, its span lists are empty."""
        message = exc if isinstance(exc, str) else (str(exc) or exc.__class__.__name__)
        etype = type or (exc.__class__.__name__ if not isinstance(exc, str) else "Error")
        return cls(id=id, text=text, meta=meta or {}, error={"type": etype, "message": message})
