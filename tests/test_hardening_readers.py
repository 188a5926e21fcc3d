"""Readers on hostile input: every article becomes a Document or an error
record, and nothing a reader yields can break the UTF-8 JSON writer."""

import io
import json
import os

from pipeline.io.readers import read_documents, read_jsonl_stream, read_txt


def read_lines(data: bytes, **kw):
    return list(read_jsonl_stream(io.BytesIO(data), source="t.jsonl", stem="t", **kw))


def writable(doc) -> None:
    json.dumps(doc.to_record(), ensure_ascii=False, allow_nan=False).encode("utf-8")


def test_utf16_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "win.txt"
    path.write_bytes("قال الوزير إن ٣ ملايين".encode("utf-16"))
    doc = read_txt(path)
    assert doc.error is None and doc.text == "قال الوزير إن ٣ ملايين"


def test_a_legacy_code_page_is_not_guessed(tmp_path):
    path = tmp_path / "cp1256.txt"
    path.write_bytes("قال الوزير".encode("cp1256"))
    doc = read_txt(path)
    assert doc.error["type"] == "DecodeError" and "not UTF-8 (byte 0" in doc.error["message"]


def test_an_article_of_invisible_marks_is_empty(tmp_path):
    path = tmp_path / "marks.txt"
    path.write_text("\u200f\u200b\ufeff \u2067\u2069\n", encoding="utf-8")
    assert read_txt(path).error["type"] == "EmptyArticle"


def test_lone_surrogates_are_an_error_record_that_can_be_written():
    docs = read_lines(b'{"id": "a", "text": "\\udc80 \\u0642\\u0627\\u0644"}\n'
                      b'{"id": "\\ud800", "text": "\\u0642"}\n'
                      b'{"id": "c", "text": "\\ud83d\\ude00 ok"}\n')
    assert [d.error["type"] if d.error else None for d in docs] == \
        ["DecodeError", "DecodeError", None]
    assert docs[1].id == "\\ud800" and docs[2].text == "\U0001F600 ok"
    for doc in docs:
        writable(doc)


def test_json_that_python_cannot_hold_is_an_error_record_not_a_crash():
    docs = read_lines(b"[" * 50_000 + b"]" * 50_000 + b"\n"
                      + b'{"id": ' + b"7" * 5000 + b', "text": "x"}\n'
                      + b'{"id": "n", "text": "x", "score": NaN}\n'
                      + b'{"id": "i", "text": "x", "score": -Infinity}\n'
                      + b'{"id": "ok", "text": "\xd9\x82"}\n')
    assert [(d.id, d.error["type"] if d.error else None) for d in docs] == [
        ("t:1", "JSONError"), ("t:2", "JSONError"), ("t:3", "JSONError"), ("t:4", "JSONError"),
        ("ok", None)]
    assert "4300" in docs[1].error["message"] and "NaN" in docs[2].error["message"]


def test_ids_of_any_json_type_become_strings_spelt_as_json():
    docs = read_lines(b'{"id": 7, "text": "x"}\n{"id": true, "text": "x"}\n'
                      b'{"id": [1, "\xd8\xa8"], "text": "x"}\n{"id": 2.50, "text": "x"}\n')
    assert [d.id for d in docs] == ["7", "true", '[1, "ب"]', "2.5"]


def test_an_undecodable_file_name_gives_a_printable_id(tmp_path):
    name = os.fsdecode(b"\xff\xfe_news.txt")
    (tmp_path / name).write_text("قال الوزير", encoding="utf-8")
    (doc,) = read_documents([tmp_path])
    assert doc.id == "\\xff\\xfe_news" and doc.error is None
    writable(doc)


def test_a_broken_symlink_is_an_error_record_not_a_gap(tmp_path):
    (tmp_path / "a.txt").write_text("قال", encoding="utf-8")
    (tmp_path / "b.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "c.jsonl").symlink_to(tmp_path / "nowhere.jsonl")
    docs = list(read_documents([tmp_path]))
    assert [(d.id, d.error["type"] if d.error else None) for d in docs] == [
        ("a", None), ("b", "ReadError"), ("c", "ReadError")]


def test_an_article_past_max_bytes_is_reported_without_being_read(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes("ب".encode() * 600)
    doc = read_txt(path, max_bytes=1000)
    assert doc.error["type"] == "TooLong" and doc.text == ""
    assert "1,200 bytes" in doc.error["message"] and "max_input_bytes" in doc.error["message"]
    assert read_txt(path, max_bytes=1200).error is None


def test_a_jsonl_line_past_max_bytes_is_skipped_and_the_next_lines_still_count():
    long_line = json.dumps({"id": "big", "text": "ب" * 5000}, ensure_ascii=False).encode()
    data = (b'{"id": "a", "text": "x"}\n' + long_line + b"\n\n"
            + b'{"id": "c", "text": "y"}\n' + long_line)
    docs = read_lines(data, max_bytes=4096)
    assert [(d.id, d.error["type"] if d.error else None) for d in docs] == [
        ("a", None), ("t:2", "TooLong"), ("c", None), ("t:5", "TooLong")]
    assert f"{len(long_line) + 1:,} bytes" in docs[1].error["message"]


def test_duplicate_ids_each_keep_their_own_record():
    docs = read_lines('{"id": "x", "text": "أ"}\n{"id": "x", "text": "ب"}\n'.encode())
    assert [(d.id, d.text) for d in docs] == [("x", "أ"), ("x", "ب")]
