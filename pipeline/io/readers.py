"""Read articles as FORMAT.md says: .txt files, .jsonl files, folders, or `-`.

Reading never raises on bad content: an article that cannot be read becomes
an error record (`Document.error`) so that every input is accounted for in
the output and the run goes on. Readers stream: nothing holds a whole file,
and no single article larger than `max_bytes` is ever read into memory.

Everything a reader hands on can be written back out as strict UTF-8 JSON:
lone surrogates (from `"\\ud800"` escapes or undecodable file names) and
NaN/Infinity never reach the writer, where they would sink the whole run.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import sys
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from pipeline.document import Document
from pipeline.text.charsets import INVISIBLE

INPUT_SUFFIXES = (".txt", ".jsonl")
# One article (a .txt file or a JSONL line) larger than this is reported, not
# read: the [limits] max_input_bytes default (pipeline/config.py).
DEFAULT_MAX_BYTES = 200_000_000
# JSONL lines are read in pieces of this size once they pass max_bytes.
_CHUNK = 1 << 20


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
            # Not `is_file()`: a broken symlink or an unreadable entry named
            # *.txt is an article we could not read -- an error record, not
            # a silent gap in the output.
            out.extend(sorted(p for p in path.iterdir()
                              if p.suffix in INPUT_SUFFIXES and not p.is_dir()))
        elif path.is_file():
            if path.suffix not in INPUT_SUFFIXES:
                raise InputError(f"{path}: not a .txt or .jsonl file")
            out.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return out


def read_documents(paths: Iterable[str | Path], *,
                   max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document]:
    for path in expand_inputs(paths):
        if path == "-":
            yield from read_jsonl_stream(sys.stdin.buffer, source="<stdin>", max_bytes=max_bytes)
        elif path.suffix == ".txt":
            yield read_txt(path, max_bytes=max_bytes)
        else:
            try:
                fh = open(path, "rb")
            except OSError as exc:
                yield Document.failed(_printable(path.stem), "",
                                      f"{_printable(str(path))}: {exc.strerror or exc}",
                                      type="ReadError")
                continue
            with fh:
                yield from read_jsonl_stream(fh, source=_printable(str(path)),
                                             stem=_printable(path.stem), max_bytes=max_bytes)


def read_txt(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    doc_id = _printable(path.stem)
    where = _printable(str(path))
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            return Document.failed(doc_id, "", f"{where}: {size:,} bytes; [limits] "
                                   f"max_input_bytes is {max_bytes:,}", type="TooLong")
        data = path.read_bytes()
    except OSError as exc:
        return Document.failed(doc_id, "", f"{where}: {exc.strerror or exc}", type="ReadError")
    return _decode_article(doc_id, data, where)


# A UTF-16 file (what Windows editors save as "Unicode") announces itself with
# a byte-order mark; anything else must be UTF-8. Guessing legacy code pages
# (cp1256) would turn text into plausible garbage, so those are errors.
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _decode_article(doc_id: str, data: bytes, where: str) -> Document:
    encoding = "utf-16" if data.startswith(_UTF16_BOMS) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        return Document.failed(doc_id, "", f"{where}: not {'UTF-16' if encoding == 'utf-16' else 'UTF-8'} (byte "
                               f"{exc.start}: {data[exc.start:exc.start + 4]!r})",
                               type="DecodeError")
    if _is_blank(text):
        return Document.failed(doc_id, text, f"{where}: empty article", type="EmptyArticle")
    return Document(id=doc_id, text=text)


def read_jsonl_stream(fh: IO[bytes], *, source: str, stem: str = "stdin",
                      max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document]:
    """One article per line: {"id": ..., "text": ..., other fields -> meta}."""
    for lineno, raw, size in _bounded_lines(fh, max_bytes):
        if raw is not None and not raw.strip():
            continue
        where = f"{source}:{lineno}"
        fallback_id = f"{stem}:{lineno}"
        if raw is None:
            yield Document.failed(fallback_id, "", f"{where}: line of {size:,} bytes; [limits] "
                                  f"max_input_bytes is {max_bytes:,}", type="TooLong")
            continue
        yield _parse_line(raw, where, fallback_id)


def _bounded_lines(fh: IO[bytes], max_bytes: int) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, line bytes or None when longer than max_bytes, size)."""
    lineno = 0
    while True:
        raw = fh.readline(max_bytes + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) <= max_bytes or raw.endswith(b"\n"):
            yield lineno, raw, len(raw)
            continue
        # Too long: skip to the end of the line without keeping it.
        size = len(raw)
        del raw
        while True:
            piece = fh.readline(_CHUNK)
            size += len(piece)
            if not piece or piece.endswith(b"\n"):
                break
        yield lineno, None, size


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _parse_line(raw: bytes, where: str, fallback_id: str) -> Document:
    try:
        rec = json.loads(raw.decode("utf-8-sig"), parse_constant=_reject_constant)
    except UnicodeDecodeError as exc:
        return Document.failed(fallback_id, "", f"{where}: not UTF-8 (byte {exc.start})",
                               type="DecodeError")
    except json.JSONDecodeError as exc:
        return Document.failed(fallback_id, "", f"{where}: not valid JSON: {exc.msg} "
                               f"(column {exc.colno})", type="JSONError")
    except (ValueError, RecursionError) as exc:
        # ValueError: NaN/Infinity, or an integer past Python's 4,300-digit
        # limit; RecursionError: arrays nested thousands deep.
        return Document.failed(fallback_id, "", f"{where}: not usable JSON: "
                               f"{_first_line(exc)}", type="JSONError")
    if not isinstance(rec, dict):
        return Document.failed(fallback_id, "", f"{where}: expected a JSON object, got "
                               f"{type(rec).__name__}", type="JSONError")
    doc_id = rec.get("id")
    doc_id = fallback_id if doc_id is None else _id_text(doc_id)
    meta = {k: v for k, v in rec.items() if k not in ("id", "text")}
    text = rec.get("text")
    # "\ud800" is valid JSON but no UTF-8 writer can print it: the record as a
    # whole could not be written back, so it is reported (without its fields).
    if _LONE_SURROGATE_ESCAPE.search(raw):
        try:
            json.dumps(rec, ensure_ascii=False).encode("utf-8")
        except (UnicodeEncodeError, ValueError):
            return Document.failed(_printable(doc_id), "", f"{where}: a string holds a lone "
                                   f"UTF-16 surrogate (\\ud800-\\udfff)", type="DecodeError")
    if not isinstance(text, str):
        problem = "no 'text' field" if text is None else f"'text' is {type(text).__name__}"
        return Document.failed(doc_id, "", f"{where}: {problem}", type="MissingText", meta=meta)
    if _is_blank(text):
        return Document.failed(doc_id, text, f"{where}: empty article", type="EmptyArticle",
                               meta=meta)
    return Document(id=doc_id, text=text, meta=meta)


# \uD800-\uDFFF written as a JSON escape (either case). Pairs are fine; the
# check above only runs when one appears, so clean lines pay nothing.
_LONE_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF]")


def _id_text(value: Any) -> str:
    # An id is a string in the output whatever it was in the input, spelt as
    # JSON spells it (true, 3.5, {"a": 1}).
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


# Whitespace and the invisible format characters (bidi marks and isolates,
# zero-width spaces and joiners, the BOM): an article of only these is empty.
_VISIBLE = re.compile(rf"[^\s{INVISIBLE}]")


def _is_blank(text: str) -> bool:
    return _VISIBLE.search(text) is None


def _printable(name: str) -> str:
    """A name as valid text: a file name's undecodable bytes (which Python keeps
    as lone surrogates) become \\xNN escapes, any other lone surrogate \\udNNN,
    instead of breaking the writer."""
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


def _first_line(exc: BaseException) -> str:
    return (str(exc) or exc.__class__.__name__).splitlines()[0]
