"""The properties the fuzz tests check, one function per stage and one for the
whole pipeline; tests/test_fuzz_*.py run them briefly under hypothesis,
benchmarks/fuzz_long.py for as long as you like."""

from __future__ import annotations

from pipeline.config import load_config
from pipeline.document import Document
from pipeline.text.normalize import fold, fold_with_offsets
from pipeline.text.sentences import split_sentences
from pipeline.text.tokenizer import tokenize
from tests.hostile.invariants import check_document, check_line
from tests.hostile.stages import pipeline_of, provided_by


def tokenizer_and_splitter(text: str) -> None:
    tokens = tokenize(text)
    doc = Document(id="fuzz", text=text)
    doc.tokens = [doc.span(s, e) for s, e in tokens]
    doc.sentences = [doc.span(s, e) for s, e in split_sentences(text, tokens)]
    check_document(doc, {"tokens", "sentences"})
    if any(not c.isspace() for c in text):
        assert doc.sentences, "text with a visible character has a sentence"


def normalizer(text: str) -> None:
    """The folded text maps back: each folded character comes from the original
    character its start offset names, and spans map to non-empty, in-range,
    ordered original spans."""
    folded = fold_with_offsets(text)
    assert folded.text == fold(text)
    prev = -1
    for i, ch in enumerate(folded.text):
        s, e = folded.start(i), folded.end(i + 1)
        assert 0 <= s < e <= len(text), f"folded {i} -> [{s}, {e})"
        assert s > prev, "the offset map never goes back"
        assert fold(text[s]) == ch, f"folded {ch!r} at {i} maps to {text[s]!r}"
        prev = s


def stage_chain(names: tuple[str, ...], text: str) -> Document:
    """`text` through the stages `names`: no error record, every invariant."""
    doc = pipeline_of(names)(Document(id="fuzz", text=text))
    assert doc.error is None, f"{names}: {doc.error}"
    check_document(doc, provided_by(names))
    return doc


def output_line(names: tuple[str, ...], text: str) -> None:
    """The engines' own path to an output line (limits, pipeline, serialisation)."""
    from pipeline.engines.lines import annotate_lines

    config = load_config(None, {"pipeline.stages": list(names), "output.tokens": True})
    (line,) = list(annotate_lines(pipeline_of(names), [Document(id="fuzz", text=text)],
                                  config))
    rec = check_line(line.line)
    line.line.encode("utf-8")
    assert rec["text"] == text and "error" not in rec, rec.get("error")
