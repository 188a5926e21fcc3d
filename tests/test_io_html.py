"""The HTML view shows entities and resolved quantities at their offsets."""

from pipeline.document import Document
from pipeline.io.html import render_html


def test_view_marks_entities_and_quantity_values():
    doc = Document(id="seed", text="زار ناصر بوريطة مراكش ودفع 700 مليون دولار")
    doc.entities = [doc.entity(4, 15, "PER"), doc.entity(16, 21, "LOC")]
    doc.quantities = [doc.quantity(27, 42, "money", value=700_000_000, unit="USD")]
    html = render_html([doc])
    assert 'dir="rtl"' in html
    assert "ناصر بوريطة" in html and "PER" in html and "LOC" in html
    assert "money 700,000,000 USD" in html


def test_quantity_inside_an_entity_is_not_drawn_twice():
    doc = Document(id="x", text="شارع 23 يوليو")
    doc.entities = [doc.entity(0, 13, "LOC")]
    doc.quantities = [doc.quantity(5, 7, "cardinal", value=23)]
    html = render_html([doc], page=False)
    assert "cardinal" not in html and "LOC" in html
