"""Word tables for the page's regions, cell for cell as the PDF draws them.

A row of :class:`~briefgen.style.Cell` (the masthead's band, the cards, a box, the
main column and sidebar, the footer's contact row) becomes a one-row Word table with
a fixed layout, no borders, each cell its width, padding (cell margins) and shading,
so Word and LibreOffice put every cell's text where the PDF does, and a person can
still edit it as a table.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, ParamSpec, cast

from docx.oxml.ns import NamespacePrefixedTag, qn
from docx.oxml.parser import oxml_parser
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from briefgen.style import Cell
from briefgen.theme import RGB


def twips(points: float) -> str:
    """Points as Word's twentieths of a point."""
    return str(round(points * 20))


def hex_colour(rgb: RGB) -> str:
    """An RGB triple as Word writes it: ``1F3A5F``."""
    return "{:02X}{:02X}{:02X}".format(*rgb)


@functools.cache
def _clark(nsptag: str) -> tuple[str, dict[str, str]]:
    tag = NamespacePrefixedTag(nsptag)
    return tag.clark_name, tag.nsmap


@functools.cache
def _w(name: str) -> str:
    return qn(f"w:{name}")


def new_element(nsptag: str, attrs: dict[str, str] | None = None) -> Any:
    """python-docx's ``OxmlElement(nsptag, attrs)``, the same element: its tag's
    namespace is looked up once per tag, not parsed again for each of a brief's
    thousands of elements."""
    clark, nsmap = _clark(nsptag)
    return oxml_parser.makeelement(clark, attrib=attrs, nsmap=nsmap)


_SECT_PR = qn("w:sectPr")


def new_paragraph(container: Any) -> Paragraph:
    """``container.add_paragraph()``, the same XML, without python-docx's search of
    the schema's order: a new paragraph last in the container (the body, a cell, a
    footer), before the body's section properties, which end it."""
    return add_paragraph_element(container, new_element("w:p"))


def add_paragraph_element(container: Any, p: Any) -> Paragraph:
    """Add the paragraph element ``p`` where :func:`new_paragraph` adds a new one."""
    element = container._element
    if len(element) and element[-1].tag == _SECT_PR:
        element[-1].addprevious(p)
    else:
        element.append(p)
    return Paragraph(p, container)


_PARAGRAPH_PROPERTIES = qn("w:pPr")
# A paragraph's properties in the schema's order (ECMA-376 part 1, 17.3.1.26; the
# order python-docx keeps, in a class attribute it deletes).
# fmt: off
_PROPERTY_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku",
    "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
    "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
    "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
    "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
)
# fmt: on
_PROPERTY_RANK = {qn(f"w:{tag}"): rank for rank, tag in enumerate(_PROPERTY_ORDER)}


def set_paragraph_property(paragraph: Paragraph, tag: str, attribute: str, value: str) -> None:
    """Set ``w:<attribute>`` of ``paragraph``'s property ``w:<tag>`` (``spacing``
    ``before``, ``ind`` ``right``, ``jc`` ``val``), adding the property where the
    schema puts it when missing: the XML python-docx's ``paragraph_format`` setters
    write, without their search of the schema's order for each (every successor's
    tag looked for in turn), which was a tenth of a brief's DOCX writing."""
    p = paragraph._p
    properties = p.find(_PARAGRAPH_PROPERTIES)
    if properties is None:
        properties = new_element("w:pPr")
        p.insert(0, properties)
    clark = _w(tag)
    rank = _PROPERTY_RANK[clark]
    found = None
    for child in properties:
        if child.tag == clark:
            found = child
            break
        if _PROPERTY_RANK.get(child.tag, -1) > rank:
            found = new_element(f"w:{tag}")
            child.addprevious(found)
            break
    if found is None:
        found = new_element(f"w:{tag}")
        properties.append(found)
    found.set(_w(attribute), value)


def el(tag: str, children: Iterable[Any] = (), **attrs: str) -> Any:
    """A new ``w:`` element; keyword ``val`` becomes ``w:val`` and so on."""
    element = new_element(f"w:{tag}", {_w(name): value for name, value in attrs.items()})
    element.extend(children)
    return element


_P = ParamSpec("_P")


def copied(build: Callable[_P, Any]) -> Callable[_P, Any]:
    """``build`` (a function of hashable arguments making an XML subtree, such as a
    cell's properties) made once per arguments, then copied: lxml copies a subtree
    about ten times faster than python-docx builds it, and a brief repeats a few
    dozen such subtrees hundreds of times. Each caller gets its own copy."""
    # The arguments are hashable by contract; lru_cache's stub cannot say so of _P.
    made = cast(Callable[_P, Any], functools.lru_cache(maxsize=1024)(build))

    @functools.wraps(build)
    def copy_of(*args: _P.args, **kwargs: _P.kwargs) -> Any:
        return made(*args, **kwargs).__copy__()  # an lxml element's copy is deep

    return copy_of


def _zero_margins() -> Any:
    return el(
        "tblCellMar", [el(side, w="0", type="dxa") for side in ("top", "left", "bottom", "right")]
    )


@copied
def _cell_properties(cell: Cell, width: str, valign: str) -> Any:
    children = [el("tcW", w=width, type="dxa")]
    if cell.fill is not None:
        children.append(el("shd", val="clear", color="auto", fill=hex_colour(cell.fill)))
    top, right, bottom, left = cell.padding
    margins = {"top": top, "left": left, "bottom": bottom, "right": right}
    children.append(el("tcMar", [el(side, w=twips(v), type="dxa") for side, v in margins.items()]))
    children.append(el("vAlign", val=valign))
    return el("tcPr", children)


def add_row(
    container: Any,
    cells: Sequence[Cell],
    *,
    height: float | None = None,
    valign: Literal["top", "middle"] = "top",
    splits: bool = False,
) -> list[_Cell]:
    """Append a one-row table of ``cells`` to ``container`` (the body, a cell or the
    footer); return its cells, empty, to write into. ``height``: at least this tall
    (else as tall as its content). ``splits``: the row may run on to the next page
    (else it moves there whole)."""
    widths = tuple(twips(cell.width) for cell in cells)
    row_properties = el("trPr", [] if splits else [el("cantSplit")])
    if height is not None:
        # At least: a person who enlarges the band's type in Word gets a taller band.
        row_properties.append(el("trHeight", val=twips(height), hRule="atLeast"))
    word_valign = "center" if valign == "middle" else "top"
    cell_elements = [
        el("tc", [_cell_properties(cell, width, word_valign)])
        for cell, width in zip(cells, widths, strict=True)
    ]
    row = el("tr", [row_properties, *cell_elements])
    table = el("tbl", [_table_properties(widths), _grid(widths), row])
    container._element._insert_tbl(table)
    return [_Cell(tc, container) for tc in cell_elements]


def add_table(container: Any, rows: Sequence[Sequence[Cell]]) -> list[list[_Cell]]:
    """Append a table of ``rows`` (each row's cells as wide as the first's) to
    ``container``, its first row Word's header row; return each row's cells, empty,
    to write into. Each row is as tall as its content, and never split."""
    widths = tuple(twips(cell.width) for cell in rows[0])
    made: list[list[_Cell]] = []
    row_elements = []
    for index, cells in enumerate(rows):
        properties = el("trPr", [el("cantSplit"), *([el("tblHeader")] if index == 0 else [])])
        cell_elements = [
            el("tc", [_cell_properties(cell, width, "top")])
            for cell, width in zip(cells, widths, strict=True)
        ]
        row_elements.append(el("tr", [properties, *cell_elements]))
        made.append([_Cell(tc, container) for tc in cell_elements])
    table = el("tbl", [_table_properties(widths), _grid(widths), *row_elements])
    container._element._insert_tbl(table)
    return made


@copied
def _table_properties(widths: tuple[str, ...]) -> Any:
    total = str(sum(int(w) for w in widths))
    borders = el(
        "tblBorders",
        [el(side, val="nil") for side in ("top", "left", "bottom", "right", "insideH", "insideV")],
    )
    return el(
        "tblPr",
        [
            el("tblW", w=total, type="dxa"),
            el("tblInd", w="0", type="dxa"),
            borders,
            el("tblLayout", type="fixed"),
            _zero_margins(),
        ],
    )


@copied
def _grid(widths: tuple[str, ...]) -> Any:
    return el("tblGrid", [el("gridCol", w=w) for w in widths])


def close_cell(cell: _Cell, tiny: float) -> None:
    """End a cell's content as its PDF stack ends: no space before its first
    paragraph nor after its last; an empty cell (a gutter) gets one paragraph
    ``tiny`` points tall, which Word requires."""
    paragraphs = cell._tc.findall(qn("w:p"))
    if not paragraphs:
        add_spacer(cell, tiny)
        return
    blocks = [child for child in cell._tc if child.tag in (qn("w:p"), qn("w:tbl"))]
    first, last = blocks[0], blocks[-1]
    if first.tag == qn("w:p"):
        set_paragraph_property(Paragraph(first, cell), "spacing", "before", "0")
    if last.tag == qn("w:p"):
        set_paragraph_property(Paragraph(last, cell), "spacing", "after", "0")


def add_spacer(container: Any, height: float, border: tuple[float, RGB] | None = None) -> Any:
    """An empty paragraph exactly ``height`` tall (a Word table must be followed by a
    paragraph; this one is the space the PDF leaves there), with a top border of
    ``border`` (width, colour) when given: the footer's rule."""
    paragraph = new_paragraph(container)
    paragraph._p.insert(0, _spacer_properties(height, border))
    return paragraph


@copied
def _spacer_properties(height: float, border: tuple[float, RGB] | None) -> Any:
    children = []
    if border is not None:
        width, rgb = border
        top = el("top", val="single", sz=str(round(width * 8)), space="0", color=hex_colour(rgb))
        children.append(el("pBdr", [top]))
    children.append(el("spacing", before="0", after="0", line=twips(height), lineRule="exact"))
    children.append(el("ind", left="0", right="0", firstLine="0"))
    children.append(el("rPr", [el("sz", val="2"), el("szCs", val="2")]))
    return el("pPr", children)
