"""Read articles as FORMAT.md says: .txt files, .jsonl files, folders, or `-`.

Reading never raises on bad content: an article that cannot be read becomes
an error record (`Document.error`) so that every input is accounted for in
the output and the run goes on. Readers stream: nothing holds a whole file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Iterable, Iterator

from pipeline.document import Document

INPUT_SUFFIXES = (".txt", ".jsonl")


class InputError(ValueError):
    """An input path that does not exist or is not a readable kind."""


def expand_inputs(paths: Iterable[str | Path]) -> list[str | Path]:
    """Files in the order given; a folder is its .txt/.jsonl files sorted by name."""
    out: list[str | Path] = []
    for raw in paths:
        if str(raw) == "-":
            out.append("-")
            continue
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir()
                              if p.is_file() and p.suffix in INPUT_SUFFIXES))
        elif path.is_file():
            if path.suffix not in INPUT_SUFFIXES:
                raise InputError(f"{path}: not a .txt or .jsonl file")
            out.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return out


def read_documents(paths: Iterable[str | Path]) -> Iterator[Document]:
    for path in expand_inputs(paths):
        if path == "-":
            yield from read_jsonl_stream(sys.stdin.buffer, source="<stdin>")
        elif path.suffix == ".txt":
            yield read_txt(path)
        else:
            with open(path, "rb") as fh:
                yield from read_jsonl_stream(fh, source=str(path), stem=path.stem)


def read_txt(path: Path) -> Document:
    doc_id = path.stem
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Document.failed(doc_id, "", f"{path}: {exc.strerror or exc}", type="ReadError")
    return _decode_article(doc_id, data, str(path))


def _decode_article(doc_id: str, data: bytes, where: str) -> Document:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Document.failed(doc_id, "", f"{where}: not UTF-8 (byte {exc.start}: "
                               f"{data[exc.start:exc.start + 4]!r})", type="DecodeError")
    if not text.strip():
        return Document.failed(doc_id, text, f"{where}: empty article", type="EmptyArticle")
    return Document(id=doc_id, text=text)


def read_jsonl_stream(fh: IO[bytes], *, source: str, stem: str = "stdin") -> Iterator[Document]:
    """One article per line: {"id": ..., "text": ..., other fields -> meta}."""
    for lineno, raw in enumerate(fh, start=1):
        if not raw.strip():
            continue
        where = f"{source}:{lineno}"
        fallback_id = f"{stem}:{lineno}"
        try:
            rec = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            yield Document.failed(fallback_id, "", f"{where}: not UTF-8 (byte {exc.start})",
                                  type="DecodeError")
            continue
        except json.JSONDecodeError as exc:
            yield Document.failed(fallback_id, "", f"{where}: not valid JSON: {exc.msg} "
                                  f"(column {exc.colno})", type="JSONError")
            continue
        if not isinstance(rec, dict):
            yield Document.failed(fallback_id, "", f"{where}: expected a JSON object, got "
                                  f"{type(rec).__name__}", type="JSONError")
            continue
        doc_id = rec.get("id")
        doc_id = fallback_id if doc_id is None else str(doc_id)
        meta = {k: v for k, v in rec.items() if k not in ("id", "text")}
        text = rec.get("text")
        if not isinstance(text, str):
            problem = "no 'text' field" if text is None else f"'text' is {type(text).__name__}"
            yield Document.failed(doc_id, "", f"{where}: {problem}", type="MissingText",
                                  meta=meta)
            continue
        if not text.strip():
            yield Document.failed(doc_id, text, f"{where}: empty article", type="EmptyArticle",
                                  meta=meta)
            continue
        yield Document(id=doc_id, text=text, meta=meta)
