"""One behaviour per test, on real Arabic news phrasing (FORMAT.md, "Quantities")."""

from __future__ import annotations

import pytest

from pipeline.document import Document
from pipeline.quantities.stage import QuantitiesSettings, QuantitiesStage


@pytest.fixture(scope="module")
def stage() -> QuantitiesStage:
    return QuantitiesStage()


def one(stage, text):
    doc = stage(Document("t", text))
    assert len(doc.quantities) == 1, [q.to_record() for q in doc.quantities]
    return doc.quantities[0].to_record()


def values(stage, text):
    return [(q.text, q.kind, q.value) for q in stage(Document("t", text)).quantities]


# -- digits -------------------------------------------------------------
@pytest.mark.parametrize("text, value", [
    ("قتل ٢٥ شخصا", 25), ("قتل ۲۵ شخصا", 25), ("بلغ 1,500 شخص", 1500),
    ("بلغ ١٬٥٠٠ شخص", 1500), ("نمو ٣٫٥ نقطة", 3.5), ("بلغ 1 000 000 زائر", 1000000),
    ("بلغ 2,5 مليون", 2500000), ("درجة -5 مئوية", -5),
])
def test_digits_in_every_script_and_separator(stage, text, value):
    assert one(stage, text)["value"] == value


@pytest.mark.parametrize("text, span", [
    ("بحضور74 دولة", "74"), ("و٢٥ جريحا", "٢٥"), ("بـ700 دولار", "700 دولار"),
])
def test_numbers_glued_to_words_and_clitics(stage, text, span):
    assert one(stage, text)["text"] == span


def test_value_is_int_when_exact():
    rec = one(QuantitiesStage(), "٣.0 ملايين")
    assert rec["value"] == 3000000 and isinstance(rec["value"], int)


# -- number words -------------------------------------------------------
@pytest.mark.parametrize("text, value", [
    ("خمسة وعشرون ألفا وثلاثمائة", 25300), ("ثلاثمئة", 300), ("تسعمائة", 900),
    ("ألفين", 2000), ("مليونين", 2000000), ("ثلاثة عشر", 13), ("اثنا عشر", 12),
    ("2.5 مليار", 2500000000), ("700 مليون", 700000000), ("١٠ آلاف", 10000),
    ("ثلاثة أرباع", 0.75), ("مليون ونصف", 1500000), ("واحد فاصلة خمسة", 1.5),
    ("سالب خمسة", -5), ("تريليون", 10**12), ("بليونين", 2 * 10**9),
    ("سبعطعشر", 17), ("مية", 100), ("ميتين", 200),
])
def test_number_words(stage, text, value):
    assert one(stage, text)["value"] == value


def test_counted_noun_is_outside_the_span(stage):
    rec = one(stage, "اجتمع وزراء دفاع 14 دولة")
    assert (rec["text"], rec["kind"], rec["value"]) == ("14", "cardinal", 14)


def test_two_numbers_joined_by_wa_in_digits_stay_two(stage):
    assert values(stage, "ومن بلجيكا 650، وإيطاليا 90 والبوسنة 380") == [
        ("650", "cardinal", 650), ("90", "cardinal", 90), ("380", "cardinal", 380)]


# -- kinds ----------------------------------------------------------------
@pytest.mark.parametrize("text, value", [
    ("٣٥٪", 35), ("35%", 35), ("98 في المائة", 98), ("12 في المئة", 12),
    ("40 بالمئة", 40), ("7 بالمائة", 7),
])
def test_percent(stage, text, value):
    rec = one(stage, text)
    assert (rec["kind"], rec["value"], rec["text"]) == ("percent", value, text)


@pytest.mark.parametrize("text, unit, value", [
    ("700 مليون دولار", "USD", 700000000), ("50 يورو", "EUR", 50),
    ("10 ملايين ريال سعودي", "SAR", 10000000), ("مليون دولار أمريكي", "USD", 1000000),
    ("$700", "USD", 700), ("200 جنيه إسترليني", "GBP", 200), ("5 دنانير كويتية", "KWD", 5),
])
def test_money_with_iso_codes(stage, text, unit, value):
    rec = one(stage, text)
    assert (rec["kind"], rec["unit"], rec["value"]) == ("money", unit, value)


def test_bare_dinar_takes_the_country_named_in_the_article(stage):
    doc = stage(Document("t", "خصصت الحكومة التونسية 50 مليون دينار للجهات"))
    assert doc.quantities[0].unit == "TND"


@pytest.mark.parametrize("text, unit, value", [
    ("110 آلاف كلم مربع", "km2", 110000), ("300 ألف برميل", "barrel", 300000),
    ("20 طنا", "ton", 20), ("240 مترا", "m", 240),
])
def test_quantities_with_units_inside_the_span(stage, text, unit, value):
    rec = one(stage, text)
    assert (rec["kind"], rec["unit"], rec["value"], rec["text"]) == ("quantity", unit, value, text)


@pytest.mark.parametrize("text, span, unit, value", [
    ("بعد ثلاث سنوات ونصف من الحرب", "ثلاث سنوات ونصف", "year", 3.5),
    ("منذ عامين", "عامين", "year", 2), ("لمدة شهرين", "شهرين", "month", 2),
    ("خلال 48 ساعة", "48 ساعة", "hour", 48), ("بعد 10 أيام", "10 أيام", "day", 10),
])
def test_durations(stage, text, span, unit, value):
    rec = one(stage, text)
    assert (rec["kind"], rec["text"], rec["unit"], rec["value"]) == ("duration", span, unit, value)


@pytest.mark.parametrize("text, iso", [
    ("في 11 شتنبر 2014", "2014-09-11"), ("يوم 11 سبتمبر 2014", "2014-09-11"),
    ("في 11 أيلول/سبتمبر 2014", "2014-09-11"), ("في 28 حزيران (يونيو) 2021", "2021-06-28"),
    ("في جانفي 2017", "2017-01"), ("في يونيو 2018", "2018-06"), ("كانون الثاني 2019", "2019-01"),
    ("04/07/2021", "2021-07-04"), ("في 12 يوليوز 2018", "2018-07-12"),
    ("في 3 دجنبر 2019", "2019-12-03"), ("الحادي عشر من سبتمبر", "--09-11"),
])
def test_dates_with_every_month_family(stage, text, iso):
    rec = one(stage, text)
    assert (rec["kind"], rec["iso"]) == ("date", iso)


def test_month_name_alone_is_nothing_and_never_an_ordinal(stage):
    assert values(stage, "في شباط/فبراير الماضي") == []
    assert values(stage, "في تشرين الثاني (نوفمبر) الماضي") == []


@pytest.mark.parametrize("text", ["عام 2021", "سنة 2019", "منذ 2002،", "خريف 2021", "في العام 2014"])
def test_years(stage, text):
    rec = one(stage, text)
    assert rec["kind"] == "year" and rec["text"].isdigit()


def test_four_digits_before_a_counted_noun_are_a_count(stage):
    assert one(stage, "قتل 2000 شخص")["kind"] == "cardinal"


@pytest.mark.parametrize("text, low, high, span", [
    ("بين 10 و20", 10, 20, "10 و20"), ("من 5 إلى 7 سنوات", 5, 7, "5 إلى 7 سنوات"),
    ("10-20", 10, 20, "10-20"), ("بين 10 و20 مليون دولار", 10000000, 20000000, "10 و20 مليون دولار"),
])
def test_ranges_carry_low_and_high(stage, text, low, high, span):
    rec = one(stage, text)
    assert (rec["kind"], rec["low"], rec["high"], rec["text"]) == ("range", low, high, span)
    assert "value" not in rec


@pytest.mark.parametrize("text, span", [
    ("القرار رقم 2396", "2396"), ("بوباء كوفيد-19", "كوفيد-19"), ("طائرات F-16", "F-16"),
    ("اتصل على 0612345678", "0612345678"), ("المادة 47 من الدستور", "47"),
])
def test_identifiers_are_never_amounts(stage, text, span):
    rec = one(stage, text)
    assert (rec["kind"], rec["text"], rec["value"]) == ("identifier", span, None)


def test_identifier_list_joined_by_wa(stage):
    assert [k for _, k, _ in values(stage, "كعضوين جديدين رقم 82 و83")] == ["identifier"] * 2


@pytest.mark.parametrize("text, value", [
    ("الجلسة الأولى", 1), ("الجلسة الثانية", 2), ("القرن الحادي عشر", 11),
    ("الذكرى الحادية والعشرون", 21), ("القرن العشرين", 20), ("لأول مرة", 1),
    ("الدورة الـ73", 73), ("العاشر بعد المئة", 110),
])
def test_ordinals(stage, text, value):
    rec = one(stage, text)
    assert (rec["kind"], rec["value"]) == ("ordinal", value)


# -- qualifiers and vague amounts --------------------------------------
@pytest.mark.parametrize("text, qualifier, span", [
    ("أكثر من 80 دولة", "more_than", "80"), ("أزيد من 352 مخططا", "more_than", "352"),
    ("ما يزيد على 100", "more_than", "100"), ("أقل من 5", "less_than", "5"),
    ("حوالي 5 ملايين", "about", "5 ملايين"), ("بنحو 10 آلاف", "about", "10 آلاف"),
    ("قرابة 300", "about", "300"), ("زهاء 40", "about", "40"),
    ("ما يقرب من 500 حادث", "about", "500"), ("100 على الأقل", "at_least", "100"),
    ("ما لا يقل عن 20", "at_least", "20"), ("20 على الأكثر", "at_most", "20"),
])
def test_qualifier_words_are_outside_the_span(stage, text, qualifier, span):
    rec = one(stage, text)
    assert (rec["qualifier"], rec["text"]) == (qualifier, span)
    assert rec["approximate"] == (qualifier == "about")


@pytest.mark.parametrize("text, span", [
    ("المئات من المعتقلين", "المئات"), ("عشرات الآلاف", "عشرات الآلاف"),
    ("آلاف المتظاهرين", "آلاف"), ("عدة دول", "عدة"), ("ملايين المدنيين", "ملايين"),
])
def test_vague_amounts_are_cardinals_with_null_value(stage, text, span):
    rec = one(stage, text)
    assert (rec["kind"], rec["value"], rec["text"]) == ("cardinal", None, span)


@pytest.mark.parametrize("text", [
    "لست أدري", "في اليوم الواحد", "يوم الاثنين", "يوم الأحد", "نص القرار", "كميات كبيرة",
    "كواحدة من دول أوروبا", "الساعة 10:30", "السورية-العراقية",
])
def test_words_that_only_look_like_numbers(stage, text):
    assert values(stage, text) == []


# -- offsets and settings ---------------------------------------------
def test_spans_index_the_original_text_through_diacritics_and_tatweel(stage):
    text = "قُتِلَ خمسـةٌ وعشرونَ شخصاً في ١١ سبتمبر ٢٠١٤"
    doc = stage(Document("t", text))
    for q in doc.quantities:
        assert text[q.start:q.end] == q.text
    assert [(q.text, q.value) for q in doc.quantities][0] == ("خمسـةٌ وعشرونَ", 25)
    assert doc.quantities[1].extra == {"iso": "2014-09-11"}


def test_stage_assigns_rather_than_appends(stage):
    doc = Document("t", "قتل 5 أشخاص")
    stage(stage(doc))
    assert len(doc.quantities) == 1


def test_settings_select_kinds_and_drop_vague_amounts():
    stage = QuantitiesStage(QuantitiesSettings(kinds=["money"], vague="drop"), None)
    doc = stage(Document("t", "المئات دفعوا 700 مليون دولار عام 2021"))
    assert [q.kind for q in doc.quantities] == ["money"]


def test_unknown_kind_is_a_config_error_naming_the_allowed_values():
    with pytest.raises(ValueError, match="allowed: cardinal"):
        QuantitiesSettings(kinds=["cardinals"])


def test_stage_does_not_need_tokens_or_the_ner_package(stage):
    import subprocess
    import sys
    doc = stage(Document("t", "حوالي 5 ملايين"))
    assert doc.tokens == [] and doc.quantities
    probe = ("import sys, pipeline.quantities.stage; "
             "print(sorted(m for m in sys.modules if m.startswith('pipeline.ner')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
