"""CoNLL gold in and out: rebuilt text, tokens, entities, and bad lines named by file:line."""

import io
from pathlib import Path

import pytest

from pipeline.evaluate.gold import GoldError, read_gold
from pipeline.io.bio import project
from pipeline.io.conll import ConllError, read_conll, read_conll_sentences, write_conll

SHARED_NER = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "ner"

GOLD = (
    "وقال\tO\nالأمين\tO\nالعام\tO\nللأمم\tB-ORG\nالمتحدة\tI-ORG\nكوفي\tB-PER\nأنان\tI-PER\n.\tO\n"
    "\n"
    "جولة\tO\nتشمل\tO\nالأردن\tB-LOC\nوسوريا\tB-LOC\nو\tO\nكأس\tB-MISC\nالعالم\tI-MISC\n"
)


def write(tmp_path: Path, text: str, name: str = "gold.conll") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_text_is_tokens_joined_by_spaces_one_sentence_a_line(tmp_path):
    (doc,) = read_conll(write(tmp_path, GOLD))
    assert doc.id == "gold"
    assert doc.text == ("وقال الأمين العام للأمم المتحدة كوفي أنان .\n"
                        "جولة تشمل الأردن وسوريا و كأس العالم")
    assert [t.text for t in doc.tokens][:4] == ["وقال", "الأمين", "العام", "للأمم"]
    assert [s.text for s in doc.sentences] == doc.text.split("\n")


def test_gold_tags_become_entities_and_misc_is_dropped(tmp_path):
    (doc,) = read_conll(write(tmp_path, GOLD))
    assert [(e.text, e.label) for e in doc.entities] == [
        ("للأمم المتحدة", "ORG"), ("كوفي أنان", "PER"), ("الأردن", "LOC"), ("وسوريا", "LOC")]
    # projecting them back gives the gold tags (MISC -> O)
    assert project(doc.tokens, doc.entities)[-5:] == ["B-LOC", "B-LOC", "O", "O", "O"]


def test_write_conll_round_trips(tmp_path):
    (doc,) = read_conll(write(tmp_path, GOLD))
    out = io.StringIO()
    write_conll([doc], out)
    (again,) = read_conll(write(tmp_path, out.getvalue(), "again.conll"))
    assert again.text == doc.text
    assert again.entities == doc.entities
    assert out.getvalue() == GOLD.replace("B-MISC", "O").replace("I-MISC", "O") + "\n"


def test_a_line_without_a_tag_names_file_and_line(tmp_path):
    path = write(tmp_path, "بغداد\tB-LOC\nعاصمة\n")
    with pytest.raises(ConllError, match=r"gold\.conll:2: no tag after the token 'عاصمة'"):
        read_conll(path)


def test_a_tag_that_is_not_bio_is_refused(tmp_path):
    path = write(tmp_path, "بغداد\tB-LOC\n\nعاصمة\tE-LOC\n")
    with pytest.raises(ConllError, match=r"gold\.conll:3: not a BIO tag: 'E-LOC'"):
        read_conll(path)


def test_an_unknown_label_is_refused(tmp_path):
    path = write(tmp_path, "أنان\tB-PERS\n")
    with pytest.raises(ConllError, match=r"gold\.conll:1: unknown label 'PERS'.*allowed: PER, "
                                         r"LOC, ORG"):
        read_conll(path)


def test_docstart_splits_documents(tmp_path):
    path = write(tmp_path, "-DOCSTART-\tO\n\nبغداد\tB-LOC\n\n-DOCSTART-\tO\n\nأنان\tB-PER\n")
    docs = read_conll(path)
    assert [d.id for d in docs] == ["gold-0001", "gold-0002"]
    assert [d.text for d in docs] == ["بغداد", "أنان"]


def test_dev_split_is_the_last_tenth_of_sentences(tmp_path):
    sentences = [f"جملة\tO\nرقم{n}\tB-LOC\n" for n in range(25)]
    path = write(tmp_path, "\n".join(sentences))
    (gold,) = read_gold([path], dev_split=True)
    # 25 sentences -> dev = sentences[25 - 2:]
    assert gold.doc.id == "gold-dev"
    assert gold.doc.text == "جملة رقم23\nجملة رقم24"
    assert [e.text for e in gold.doc.entities] == ["رقم23", "رقم24"]



def test_a_file_too_short_for_a_dev_split_is_refused(tmp_path):
    path = write(tmp_path, "\n".join(f"جملة\tO\nرقم{n}\tB-LOC\n" for n in range(9)))
    with pytest.raises(GoldError, match=r"too few sentences \(9\) for a 10% dev split"):
        read_gold([path], dev_split=True)


@pytest.mark.skipif(not (SHARED_NER / "anercorp_camel_train.conll").exists(),
                    reason="shared ANERcorp data not on this machine")
def test_anercorp_dev_split_figures():
    path = SHARED_NER / "anercorp_camel_train.conll"
    n = sum(len(d) for d in read_conll_sentences(path))
    (gold,) = read_gold([path], dev_split=True)
    assert n == 3963 and len(gold.doc.sentences) == 3963 // 10
    assert all(gold.doc.text[t.start:t.end] == t.text for t in gold.doc.tokens)


def test_jsonl_gold_with_misaligned_offsets_names_the_line(tmp_path):
    good = '{"id": "a", "text": "زار بوريطة بغداد", "entities": [{"start": 11, "end": 16, "label": "LOC"}]}'
    bad = '{"id": "b", "text": "زار بوريطة بغداد", "entities": [{"start": 4, "end": 10, "text": "بغداد", "label": "PER"}]}'
    path = write(tmp_path, good + "\n" + bad + "\n", "gold.jsonl")
    with pytest.raises(GoldError, match=r"gold\.jsonl:2: entity text 'بغداد' != text\[4:10\]"):
        read_gold([path])


def test_jsonl_gold_with_an_unknown_label_names_the_line(tmp_path):
    rec = '{"id": "a", "text": "زار بوريطة بغداد", "entities": [{"start": 11, "end": 16, "label": "GPE"}]}'
    with pytest.raises(GoldError, match=r"gold\.jsonl:1: unknown entity label 'GPE'"):
        read_gold([write(tmp_path, rec + "\n", "gold.jsonl")])
