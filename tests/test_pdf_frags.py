"""reportlab's test of whether two fragments are set alike (``sameFrag``), replaced
by briefgen.renderers.pdf_frags's without exceptions: it says what reportlab's says
of every pair, and paragraphs break into the same lines."""

from __future__ import annotations

import itertools

import pytest
from reportlab.lib.colors import black, red
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, paragraph
from reportlab.platypus.paraparser import ParaFrag, ParaParser

from briefgen.renderers import pdf_frags
from briefgen.renderers.pdf_frags import same_frag

ORIGINAL = pdf_frags._SAME_FRAG
MARKUP = (
    '<i>For Alex Example:</i> <b>We ask</b> fund <super rise="3.6" size="7.2">1</super>'
    ' <a href="https://example.org" color="red">a link</a> <u>under</u> <strike>out</strike>'
    ' <span backColor="yellow">marked</span> <nobr>kept together</nobr> x<br/>y'
    ' <font name="Helvetica-Bold" size="12">other</font> <onDraw name="mark" label="here"/>'
)


def _frags() -> list[ParaFrag]:
    style = ParagraphStyle("t", fontName="Helvetica", fontSize=10, textColor=black)
    parsed = ParaParser().parse(MARKUP, style)[1]
    assert parsed is not None
    return list(parsed)


def test_reportlab_asks_briefgen_s() -> None:
    assert paragraph.sameFrag is same_frag
    assert ORIGINAL is not same_frag


def test_every_pair_of_fragments_is_told_as_reportlab_tells_it() -> None:
    frags = _frags()
    kinds = {type(f) for f in frags}
    assert ParaFrag in kinds
    said = [same_frag(f, g) for f, g in itertools.product(frags, repeat=2)]
    assert said == [bool(ORIGINAL(f, g)) for f, g in itertools.product(frags, repeat=2)]
    assert True in said and False in said


# What reportlab's sameFrag compares (rl_accel 0.9), and what keeps fragments apart.
COMPARED = ("fontName", "fontSize", "textColor", "rise", "us_lines", "link", "backColor", "nobr")
APART = ("cbDefn", "lineBreak")


@pytest.mark.parametrize("name", [*COMPARED, *APART])
def test_fragments_differing_in_one_attribute_differ(name: str) -> None:
    """Each attribute reportlab compares makes two fragments differ, whether its
    values differ or one of them lacks it; a picture or line break always does."""
    given = {"fontName": "Helvetica", "fontSize": 10, "textColor": black, "rise": 0}
    base = ParaFrag(text="a", **{key: value for key, value in given.items() if key != name})
    values: list[object] = [1, 2]
    if name == "textColor":
        values = [black, red]
    elif name in ("us_lines", "link"):
        values = [[], [("x",)]]
    for first, second in ((values[0], values[1]), (values[0], None), (None, values[0])):
        f = base.clone(**({} if first is None else {name: first}))
        g = base.clone(**({} if second is None else {name: second}))
        assert same_frag(f, g) == bool(ORIGINAL(f, g))
        assert not same_frag(f, g)
    alike = base.clone(**{name: values[0]})
    assert same_frag(alike, alike.clone(text="b")) == bool(ORIGINAL(alike, alike.clone()))
    assert same_frag(alike, alike.clone(text="b")) is (name in COMPARED)


def test_a_fragment_of_another_kind_is_asked_of_reportlab() -> None:
    class Own(ParaFrag):  # type: ignore[misc]
        @property
        def rise(self) -> float:
            return 3.0

    plain = ParaFrag(fontName="Helvetica", fontSize=10, textColor=black, rise=0, text="a")
    own = Own(fontName="Helvetica", fontSize=10, textColor=black, text="a")
    assert same_frag(plain, own) == bool(ORIGINAL(plain, own)) is False
    assert same_frag(own, own) is True


def test_a_paragraph_breaks_into_the_same_lines() -> None:
    style = ParagraphStyle("t", fontName="Helvetica", fontSize=10)
    text = MARKUP * 3

    def lines() -> list[object]:
        para = Paragraph(text, style)
        para.wrap(120, 1e6)
        return [repr(line) for line in para.blPara.lines]

    ours = lines()
    paragraph.sameFrag = ORIGINAL
    try:
        theirs = lines()
    finally:
        paragraph.sameFrag = same_frag
    assert ours == theirs
