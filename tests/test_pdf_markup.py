"""A paragraph's markup parsed by reportlab once per shape, its texts filled in
(briefgen.renderers.pdf_markup): the fragments are reportlab's own parse's, or the
markup is parsed by reportlab; a batch copy's paragraph naming its recipient is not
parsed again."""

from __future__ import annotations

import pytest
from reportlab.lib.colors import black, blue
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from briefgen.renderers import pdf_markup
from briefgen.renderers.pdf_markup import parsed

STYLE = ParagraphStyle("t", fontName="Helvetica", fontSize=10, leading=12, textColor=black)
CAPITALS = ParagraphStyle("c", parent=STYLE, textTransform="uppercase")

# What briefgen's markup holds (pdf.markup), and what the parser reads otherwise.
MARKUPS = [
    "Plain words",
    '<i>For Alex Example:</i> <b>We ask</b> fund,<super rise="3.6" size="7.2">1</super> and',
    "<b><i>both</i></b> then <i>one</i>",
    '<font face="Helvetica-Bold">face</font> and <font face="Times-Roman">another</font>',
    '<link href="https://example.org/a?b=1&amp;c=2" color="#1f4e79"><u>a link</u></link> on',
    "Tom &amp; Jerry &lt;3 &#169; &#x2014; &nbsp;here",
    "First line<br/>second line<br/> third",
    "  runs   of\n  spaces \n and lines  ",
    "<b></b>empty tags<i> </i>",
    "<greek>abg</greek> words",
    '<onDraw name="mark" label="0"/>marked<onDraw name="mark" label="e"/>',
    "<bullet>&bull;</bullet>an item",
    '<para leading="20">own para</para>',
    "a < b and c > d",
    "\ue000 0 \ue001 private <b>\ue0000\ue001</b>",
    "<unknown>tag</unknown> text",
    "<b>unclosed",
    "",
]


def _fragments(paragraph: object) -> list[dict[str, object]]:
    return [dict(frag.__dict__) for frag in paragraph.frags]  # type: ignore[attr-defined]


@pytest.mark.parametrize("style", [STYLE, CAPITALS], ids=["plain", "capitals"])
@pytest.mark.parametrize("markup", MARKUPS)
def test_a_markup_s_fragments_are_reportlab_s_or_left_to_reportlab(
    markup: str, style: ParagraphStyle
) -> None:
    try:
        theirs = Paragraph(markup, style)
    except ValueError:
        assert parsed(markup, style, style.name) is None
        return
    found = parsed(markup, style, style.name)
    if isinstance(theirs.bulletText, list):  # a bullet of the markup's own
        assert found is None
    for ours in (found, parsed(markup, style, style.name)):
        if ours is None:
            continue
        text, frags = ours
        assert text == theirs.text
        assert [dict(f.__dict__) for f in frags] == _fragments(theirs)


def test_markups_briefgen_writes_are_read_from_their_shape() -> None:
    told = [m for m in MARKUPS[:9] if parsed(m, STYLE, "t") is not None]
    assert told == MARKUPS[:9]


def test_markups_of_one_shape_get_their_own_texts_and_their_own_style() -> None:
    """Kept by the shape and what the style is made from: a markup of the same tags
    around other words gets its words, in the same tags; the same shape in another
    style (another key) gets that style's font and colour."""
    pdf_markup._shapes.clear()
    first = parsed("<i>For Alex:</i> <b>We ask</b> now", STYLE, "t")
    second = parsed("<i>For Sam Sample:</i> <b>We urge</b> today", STYLE, "t")
    assert len(pdf_markup._shapes) == 1
    assert first is not None and second is not None
    assert [f.text for f in first[1]] == ["For Alex:", " ", "We ask", " now"]
    assert [f.text for f in second[1]] == ["For Sam Sample:", " ", "We urge", " today"]
    assert [f.italic for f in second[1]] == [1, 0, 0, 0]
    other = ParagraphStyle("o", fontName="Times-Roman", fontSize=12, textColor=blue)
    third = parsed("<i>For Alex:</i> <b>We ask</b> now", other, "o")
    assert third is not None
    assert len(pdf_markup._shapes) == 2
    assert _fragments_of(third[1]) == _fragments(
        Paragraph("<i>For Alex:</i> <b>We ask</b> now", other)
    )
    assert {f.fontSize for f in third[1]} == {12}


def _fragments_of(frags: list[object]) -> list[dict[str, object]]:
    return [dict(f.__dict__) for f in frags]
