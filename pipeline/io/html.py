"""An HTML view of annotated documents, rendered by spaCy's displacy.

displacy's "ent" style takes character offsets directly (manual mode), which
is exactly our span model. Entities and quantities share one view; a quantity
label shows its resolved value ("money 700000000 USD"). Where a quantity
overlaps an entity, the entity wins (displacy's ent style cannot nest).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from spacy import displacy

from pipeline.document import Document

COLORS = {
    "PER": "#f9c74f", "LOC": "#90be6d", "ORG": "#f8961e",
    **{kind: "#a2d2ff" for kind in ("cardinal", "ordinal", "percent", "money", "quantity",
                                      "duration", "date", "year", "range", "identifier")},
}


def quantity_label(q) -> str:
    if q.kind == "range":
        shown = f"{q.extra.get('low')}–{q.extra.get('high')}"
    elif q.kind == "date" and "iso" in q.extra:
        shown = q.extra["iso"]
    else:
        shown = "?" if q.value is None else f"{q.value:,}" if isinstance(q.value, int) else str(q.value)
    unit = f" {q.unit}" if q.unit else ""
    return f"{q.kind} {shown}{unit}"


def displacy_record(doc: Document) -> dict:
    ents = [{"start": e.start, "end": e.end, "label": e.label} for e in doc.entities]
    taken = [(e.start, e.end) for e in doc.entities]
    for q in doc.quantities:
        if all(q.end <= s or q.start >= e for s, e in taken):
            ents.append({"start": q.start, "end": q.end, "label": quantity_label(q)})
    ents.sort(key=lambda x: x["start"])
    return {"text": doc.text, "ents": ents, "title": doc.id}


def render_html(docs: Iterable[Document], *, page: bool = True) -> str:
    records = [displacy_record(d) for d in docs]
    colors = dict(COLORS)
    for rec in records:
        for ent in rec["ents"]:
            colors.setdefault(ent["label"], COLORS.get(ent["label"].split(" ")[0], "#ddd"))
    html = displacy.render(records, style="ent", manual=True, page=page, jupyter=False,
                           options={"colors": colors})
    # displacy writes left-to-right pages; Arabic reads right to left.
    return html.replace('<html lang="en">', '<html lang="ar" dir="rtl">', 1)


def write_html(docs: Iterable[Document], path: str | Path) -> None:
    Path(path).write_text(render_html(docs), encoding="utf-8")
