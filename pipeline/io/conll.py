"""CoNLL files (`token<TAB>BIO-tag`, blank line between sentences) <-> Documents.

A CoNLL file becomes one Document (FORMAT.md, "Gold files"): its text is the
tokens joined by single spaces, one sentence per line, so every gold token
and sentence is a character span of that text (`doc.tokens`,
`doc.sentences`) and the gold tags become `doc.entities`, chunked with
seqeval's default semantics (pipeline.io.bio). Projecting those
entities back onto the tokens gives the gold tags again (in IOB2 form, with
the same chunks), so nothing a scorer needs is lost. A `-DOCSTART-` line, if
the file has any, starts a new document.

Bad gold never scores silently: a line without a tag, a tag that is not BIO,
or a label outside `labels` + `ignore` raises ConllError naming file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

from pipeline.document import ENTITY_LABELS, Document
from pipeline.io.bio import chunks, group_by_sentence, project, split_tag
from pipeline.io.readers import InputError

DOCSTART = "-DOCSTART-"
# ANERcorp and AQMAR tag MISC; the product tags PER/LOC/ORG only.
IGNORED_LABELS = ("MISC",)


class ConllError(InputError):
    """Malformed CoNLL gold; the message starts with FILE:LINE."""


@dataclass
class ConllSentence:
    tokens: list[str]
    tags: list[str]  # as read, ignored labels already turned into O
    line: int  # line number of the first token, for messages


def read_conll_sentences(path: str | Path, *, labels: Sequence[str] = ENTITY_LABELS,
                         ignore: Sequence[str] = IGNORED_LABELS,
                         ) -> Iterator[list[ConllSentence]]:
    """The sentences of each document in the file (one list per -DOCSTART-)."""
    allowed, dropped = set(labels), set(ignore)
    doc: list[ConllSentence] = []
    sent: ConllSentence | None = None
    with open(path, encoding="utf-8-sig") as fh:
        for lineno, raw in enumerate(fh, start=1):
            line = raw.rstrip("\r\n")
            where = f"{path}:{lineno}"
            if not line.strip():
                if sent is not None:
                    doc.append(sent)
                sent = None
                continue
            if line.split()[0] == DOCSTART:
                if sent is not None:
                    doc.append(sent)
                sent = None
                if doc:
                    yield doc
                doc = []
                continue
            token, sep, tag = line.partition("\t")
            tag = tag.strip()
            if not sep or not tag:
                raise ConllError(f"{where}: no tag after the token {token!r} "
                                 f"(expected token<TAB>tag)")
            if not token.strip() or any(c.isspace() for c in token):
                raise ConllError(f"{where}: token {token!r} is empty or holds whitespace")
            try:
                _, label = split_tag(tag)
            except ValueError as exc:
                raise ConllError(f"{where}: {exc}") from None
            if label in dropped:
                tag = "O"
            elif label and label not in allowed:
                raise ConllError(f"{where}: unknown label {label!r} in {tag!r}; allowed: "
                                 f"{', '.join(labels)} (ignored: {', '.join(ignore) or 'none'})")
            if sent is None:
                sent = ConllSentence([], [], lineno)
            sent.tokens.append(token)
            sent.tags.append(tag)
    if sent is not None:
        doc.append(sent)
    if doc:
        yield doc


def document_from_sentences(doc_id: str, sentences: Sequence[ConllSentence]) -> Document:
    """Rebuild the text (single spaces, one sentence a line) and its spans."""
    parts: list[str] = []
    token_offsets: list[tuple[int, int]] = []
    sentence_offsets: list[tuple[int, int]] = []
    pos = 0
    for n, sent in enumerate(sentences):
        if n:
            parts.append("\n")
            pos += 1
        start = pos
        for i, token in enumerate(sent.tokens):
            if i:
                parts.append(" ")
                pos += 1
            parts.append(token)
            token_offsets.append((pos, pos + len(token)))
            pos += len(token)
        sentence_offsets.append((start, pos))
    doc = Document(id=doc_id, text="".join(parts))
    doc.tokens = [doc.span(s, e) for s, e in token_offsets]
    doc.sentences = [doc.span(s, e) for s, e in sentence_offsets]
    entities = []
    first = 0
    for sent in sentences:
        for label, s, e in chunks(sent.tags):
            start = doc.tokens[first + s].start
            end = doc.tokens[first + e - 1].end
            entities.append(doc.entity(start, end, label))
        first += len(sent.tokens)
    doc.entities = entities
    return doc


def read_conll(path: str | Path, *, labels: Sequence[str] = ENTITY_LABELS,
               ignore: Sequence[str] = IGNORED_LABELS) -> list[Document]:
    """One Document per file (or per -DOCSTART- section: ids STEM-0001, ...)."""
    path = Path(path)
    docs = list(read_conll_sentences(path, labels=labels, ignore=ignore))
    if len(docs) == 1:
        return [document_from_sentences(path.stem, docs[0])]
    return [document_from_sentences(f"{path.stem}-{n:04d}", sents)
            for n, sents in enumerate(docs, start=1)]


def conll_lines(doc: Document) -> Iterator[str]:
    """`token<TAB>tag` lines of a tokenised document, a blank line after each
    sentence; tags are its entities projected onto its tokens."""
    if not doc.tokens:
        raise ValueError(f"document {doc.id!r} has no tokens: run the tokenize stage first")
    tags = project(doc.tokens, doc.entities)
    for group in group_by_sentence(doc.tokens, doc.sentences):
        for i in group:
            yield f"{doc.tokens[i].text}\t{tags[i]}"
        yield ""


def write_conll(docs: Iterable[Document], fh: IO[str]) -> None:
    for doc in docs:
        for line in conll_lines(doc):
            fh.write(line + "\n")
