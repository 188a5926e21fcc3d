"""Training files become (words, IOB2 tags) sentences -- or fail, naming file and line,
before any model is loaded (pipeline.ner.corpus)."""

import json
from pathlib import Path

import pytest

from pipeline.ner.corpus import TrainingDataError, read_training_file

TYPES = ("PER", "LOC", "ORG")
# From the seeds' world: a name run into another ("العراقوسوريا") and a
# conjunction glued to a name ("وسوريا"), across two sentences.
TEXT = ("قال وزير الخارجية الأمريكي جون كيري في بغداد إن التحالف سيواصل عملياته في "
        "العراقوسوريا. وزار الوزير وسوريا أمس.")


def entity(word: str, label: str, nth: int = 0, text: str = TEXT) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return {"start": start, "end": start + len(word), "text": word, "label": label}


def jsonl(tmp_path: Path, *records, name="train.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def conll(tmp_path: Path, body: str, name="train.conll") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def good_record() -> dict:
    return {"id": "seed-like", "text": TEXT, "entities": [
        entity("جون كيري", "PER"), entity("بغداد", "LOC"), entity("العراق", "LOC"),
        entity("سوريا", "LOC"), entity("سوريا", "LOC", nth=1)]}


def test_jsonl_entities_become_token_tags_one_sentence_at_a_time(tmp_path):
    f = read_training_file(jsonl(tmp_path, good_record()), TYPES)
    assert f.format == "jsonl" and f.documents == 1 and f.entities == 5
    (w1, t1), (w2, t2) = f.sentences
    tagged = dict(zip(w1, t1))
    assert [tagged["جون"], tagged["كيري"], tagged["بغداد"]] == ["B-PER", "I-PER", "B-LOC"]
    # Two names in one token: the token takes the first one's label.
    assert tagged["العراقوسوريا"] == "B-LOC"
    # The conjunction stays on the token; the token is the entity's.
    assert dict(zip(w2, t2))["وسوريا"] == "B-LOC"
    assert w1[-1] == "." and t1[-1] == "O"


def test_conll_is_read_as_iob2_and_misc_dropped_unless_trained(tmp_path):
    path = conll(tmp_path, "زار\tO\nكيري\tI-PER\nبغداد\tB-LOC\nأمس\tB-MISC\n\n")
    f = read_training_file(path, TYPES)
    assert f.sentences == [(["زار", "كيري", "بغداد", "أمس"], ["O", "B-PER", "B-LOC", "O"])]
    with_misc = read_training_file(path, TYPES + ("MISC",))
    assert with_misc.sentences[0][1][-1] == "B-MISC"


@pytest.mark.parametrize("body, line, message", [
    ("زار\tO\nكيري\tX-PER\n", 2, "not a BIO tag"),
    ("زار\tO\nكيري\tB-GPE\n", 2, "unknown label 'GPE'"),
    ("زار\tO\n\nكيري\n", 3, "no tag after the token"),
])
def test_bad_conll_names_file_and_line(tmp_path, body, line, message):
    path = conll(tmp_path, body)
    with pytest.raises(TrainingDataError, match=rf"train\.conll:{line}: .*{message}"):
        read_training_file(path, TYPES)


def test_an_entity_off_the_text_names_its_line(tmp_path):
    bad = good_record()
    bad["entities"][1]["end"] = len(TEXT) + 3
    path = jsonl(tmp_path, good_record(), bad)
    with pytest.raises(TrainingDataError, match=r"train\.jsonl:2: "):
        read_training_file(path, TYPES)


def test_an_entity_whose_text_does_not_match_its_offsets_names_its_line(tmp_path):
    bad = good_record()
    bad["entities"][0]["text"] = "جون"
    with pytest.raises(TrainingDataError, match=r"train\.jsonl:1: .*جون"):
        read_training_file(jsonl(tmp_path, bad), TYPES)


def test_an_unknown_label_names_its_line(tmp_path):
    bad = good_record()
    bad["entities"][2]["label"] = "GPE"
    with pytest.raises(TrainingDataError, match=r"train\.jsonl:1: unknown entity label 'GPE'"):
        read_training_file(jsonl(tmp_path, bad), TYPES)


def test_an_entity_on_spaces_only_would_vanish_so_it_is_an_error(tmp_path):
    text = TEXT + "   ."
    rec = {"id": "x", "text": text, "entities": [{"start": len(TEXT), "end": len(TEXT) + 2,
                                                  "text": "  ", "label": "PER"}]}
    with pytest.raises(TrainingDataError, match=r"train\.jsonl:1: entity '  ' .* covers no token"):
        read_training_file(jsonl(tmp_path, rec), TYPES)


def test_a_record_without_entities_key_is_not_silently_all_O(tmp_path):
    rec = {"id": "x", "text": TEXT}
    with pytest.raises(TrainingDataError, match=r"train\.jsonl:1: .*no \"entities\" key"):
        read_training_file(jsonl(tmp_path, rec), TYPES)


def test_an_error_record_from_annotate_is_refused(tmp_path):
    rec = {"id": "x", "text": TEXT, "entities": [], "quantities": [],
           "error": {"type": "ValueError", "message": "boom"}}
    with pytest.raises(TrainingDataError, match=r"train\.jsonl:1: an error record"):
        read_training_file(jsonl(tmp_path, rec), TYPES)


@pytest.mark.parametrize("name, body", [("empty.jsonl", ""), ("empty.conll", "\n\n"),
                                        ("blank.jsonl", "\n  \n")])
def test_an_empty_file_is_an_error(tmp_path, name, body):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    with pytest.raises(TrainingDataError, match=rf"{name}:1: no training sentences"):
        read_training_file(path, TYPES)


def test_an_unknown_format_or_missing_file_is_an_error(tmp_path):
    txt = tmp_path / "article.txt"
    txt.write_text(TEXT, encoding="utf-8")
    with pytest.raises(TrainingDataError, match=r"article\.txt: training data must be CoNLL"):
        read_training_file(txt, TYPES)
    with pytest.raises(TrainingDataError, match=r"nope\.jsonl: no such training file"):
        read_training_file(tmp_path / "nope.jsonl", TYPES)
