"""The FORMAT.md invariants, checked on a record (a parsed output line) or on
a Document straight out of a stage. Each check raises AssertionError naming
the record and the broken rule."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from pipeline.document import ENTITY_LABELS, QUALIFIERS, QUANTITY_KINDS, Document
from pipeline.text.charsets import INVISIBLE

RECORD_KEYS = {"id", "text", "sentences", "entities", "quantities", "meta"}


def check_line(line: str) -> dict[str, Any]:
    """An output line: strict JSON (no NaN/Infinity), one object, valid record."""
    rec = json.loads(line, parse_constant=_no_constants)
    check_record(rec)
    return rec


def _no_constants(name: str) -> Any:
    raise AssertionError(f"output line holds {name}, which is not JSON")


def check_record(rec: dict[str, Any]) -> None:
    rid = rec.get("id")
    assert isinstance(rid, str), f"id must be a string: {rid!r}"
    missing = RECORD_KEYS - rec.keys()
    assert not missing, f"{rid}: record lacks {missing}"
    text = rec["text"]
    assert isinstance(text, str)
    text.encode("utf-8")  # no lone surrogates
    if "error" in rec:
        err = rec["error"]
        assert isinstance(err.get("type"), str) and err["type"], f"{rid}: error without type"
        assert isinstance(err.get("message"), str) and err["message"], f"{rid}: empty message"
        assert rec["entities"] == [] and rec["quantities"] == [], f"{rid}: error record has spans"
    for key in ("sentences", "tokens"):
        _check_ordered_disjoint([(s["start"], s["end"]) for s in rec.get(key, [])], text,
                                f"{rid} {key}")
    if rec.get("tokens") and rec["sentences"]:
        _check_sentences_cover_tokens([(s["start"], s["end"]) for s in rec["sentences"]],
                                      [(t["start"], t["end"]) for t in rec["tokens"]], rid)
    ents = rec["entities"]
    for e in ents:
        _check_span(e, text, f"{rid} entity")
        assert e["label"] in ENTITY_LABELS, f"{rid}: entity label {e['label']!r}"
        if "score" in e:
            assert isinstance(e["score"], (int, float)) and 0.0 <= e["score"] <= 1.0
    _check_ordered_disjoint(sorted((e["start"], e["end"]) for e in ents), text,
                            f"{rid} entities")
    for q in rec["quantities"]:
        _check_quantity(q, text, rid)


def check_document(doc: Document, provided: set[str]) -> None:
    """A Document after stages providing `provided` (e.g. {"tokens", "sentences"})."""
    rec = doc.to_record(tokens=True)
    check_record(rec)
    json.dumps(rec, ensure_ascii=False, allow_nan=False).encode("utf-8")
    for span in [*doc.sentences, *doc.tokens]:
        assert doc.text[span.start:span.end] == span.text
    if doc.error is None and "tokens" in provided:
        _check_tokens_cover_text(doc)


def _check_span(span: dict[str, Any], text: str, where: str) -> None:
    s, e = span["start"], span["end"]
    assert isinstance(s, int) and isinstance(e, int), f"{where}: offsets not ints"
    assert 0 <= s < e <= len(text), f"{where}: [{s}, {e}) outside text of {len(text)}"
    assert text[s:e] == span["text"], f"{where}: text[{s}:{e}] != {span['text']!r}"


def _check_ordered_disjoint(spans: list[tuple[int, int]], text: str, where: str) -> None:
    prev_end = 0
    for s, e in spans:
        assert 0 <= s < e <= len(text), f"{where}: [{s}, {e}) outside text of {len(text)}"
        assert s >= prev_end, f"{where}: [{s}, {e}) overlaps or precedes the span before it"
        prev_end = e


def _check_sentences_cover_tokens(sentences: list[tuple[int, int]],
                                  tokens: list[tuple[int, int]], rid: str) -> None:
    """Every token lies inside exactly one sentence; sentence edges are token edges."""
    starts = {s for s, _ in tokens}
    ends = {e for _, e in tokens}
    i = 0
    for s, e in sentences:
        assert s in starts and e in ends, f"{rid}: sentence [{s}, {e}) cuts a token"
    for ts, te in tokens:
        while i < len(sentences) and sentences[i][1] <= ts:
            i += 1
        assert i < len(sentences) and sentences[i][0] <= ts and te <= sentences[i][1], \
            f"{rid}: token [{ts}, {te}) is in no sentence"


_INVISIBLE = re.compile(f"[{INVISIBLE}]")


def _check_tokens_cover_text(doc: Document) -> None:
    covered = bytearray(len(doc.text))
    for t in doc.tokens:
        assert not any(c.isspace() for c in t.text), f"{doc.id}: token {t.text!r} holds a space"
        covered[t.start:t.end] = b"\x01" * (t.end - t.start)
    for i, ch in enumerate(doc.text):
        # Bidi and zero-width marks between or at the edge of words belong to no token.
        assert covered[i] or ch.isspace() or _INVISIBLE.match(ch), \
            f"{doc.id}: {ch!r} at {i} is in no token"


def _check_quantity(q: dict[str, Any], text: str, rid: str) -> None:
    where = f"{rid} quantity {q.get('text')!r}"
    _check_span(q, text, where)
    assert q["kind"] in QUANTITY_KINDS, f"{where}: kind {q['kind']!r}"
    assert q["qualifier"] in QUALIFIERS, f"{where}: qualifier {q['qualifier']!r}"
    assert isinstance(q["approximate"], bool), f"{where}: approximate not a bool"
    assert q["unit"] is None or isinstance(q["unit"], str), f"{where}: unit {q['unit']!r}"
    if q["kind"] == "range":
        assert "low" in q and "high" in q, f"{where}: a range carries low and high"
        numbers = [q["low"], q["high"]]
    else:
        assert "value" in q, f"{where}: no value"
        numbers = [q["value"]]
    for v in numbers:
        assert v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)), \
            f"{where}: value {v!r}"
        assert v is None or not isinstance(v, float) or math.isfinite(v), f"{where}: {v!r}"
    if q["kind"] == "date" and q.get("iso") is not None:
        iso = q["iso"]
        assert isinstance(iso, str) and len(iso) in (4, 7, 10), f"{where}: iso {iso!r}"
