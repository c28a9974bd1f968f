"""Write legislators.docx, the docxtpl template of the legislators brief (the
benchmark's DOCX peer), with python-docx: the same page as briefgen's — masthead band,
title, the ask in a tinted box, three cards, the reasons and the chart beside the quote
in a tinted sidebar, and the sources beside the QR code — in Liberation Sans at
briefgen's sizes and colours. The words are Jinja tags that docxtpl fills from
peers/content.py's data.

    python benchmarks/peers/make_docx_template.py   # rewrites benchmarks/peers/legislators.docx
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt, RGBColor

HERE = Path(__file__).resolve().parent
PRIMARY = RGBColor(0x1F, 0x3A, 0x5F)
ACCENT = RGBColor(0xB3, 0x3A, 0x1B)
MUTED = RGBColor(0x44, 0x44, 0x44)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
TINT = "EDEFF2"


def shade(cell: Any, fill: str) -> None:
    shading = f'<w:shd {nsdecls("w")} w:val="clear" w:fill="{fill}"/>'
    cell._tc.get_or_add_tcPr().append(parse_xml(shading))


def left_rule(cell: Any) -> None:
    cell._tc.get_or_add_tcPr().append(
        parse_xml(
            f'<w:tcBorders {nsdecls("w")}><w:left w:val="single" w:sz="24" '
            f'w:color="B33A1B"/></w:tcBorders>'
        )
    )


def line(container: Any, text: str, size: float = 11, bold: bool = False, color: Any = None,
         after: float = 4, align: Any = None) -> Any:  # fmt: skip
    paragraph = container.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.space_before = Pt(0)
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(text)
    run.font.size, run.font.bold = Pt(size), bold
    if color is not None:
        run.font.color.rgb = color
    return paragraph


def first(cell: Any, text: str, **kwargs: Any) -> None:
    """Write ``text`` into a cell's own first paragraph."""
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.font.size = Pt(kwargs.get("size", 11))
    run.font.bold = kwargs.get("bold", False)
    if "color" in kwargs:
        run.font.color.rgb = kwargs["color"]
    if "align" in kwargs:
        paragraph.alignment = kwargs["align"]


def main() -> None:
    document = docx.Document()
    document.core_properties.created = dt.datetime(2026, 1, 1)
    document.core_properties.modified = dt.datetime(2026, 1, 1)
    document.core_properties.title = "{{ title }}"
    section = document.sections[0]
    section.page_width, section.page_height = Pt(612), Pt(792)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Pt(43.2))
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Liberation Sans", Pt(11)
    normal.paragraph_format.space_after = Pt(4)

    masthead = document.add_table(rows=1, cols=2)
    masthead.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell in masthead.rows[0].cells:
        shade(cell, "1F3A5F")
    first(masthead.cell(0, 0), "{{ masthead.organization }}", size=13, bold=True, color=WHITE)
    first(masthead.cell(0, 1), "{{ masthead.audience }}", size=9, color=WHITE,
          align=WD_ALIGN_PARAGRAPH.RIGHT)  # fmt: skip
    line(masthead.cell(0, 1), "{{ masthead.date }}", size=9, color=WHITE,
         align=WD_ALIGN_PARAGRAPH.RIGHT)  # fmt: skip
    line(document, "{{ title }}", size=19, bold=True, color=PRIMARY, after=6)

    box = document.add_table(rows=1, cols=1)
    shade(box.cell(0, 0), TINT)
    left_rule(box.cell(0, 0))
    first(box.cell(0, 0), "{{r ask }}")
    line(document, "", after=2)

    cards = document.add_table(rows=1, cols=3)
    for i, cell in enumerate(cards.rows[0].cells):
        shade(cell, TINT)
        first(cell, f"{{{{ cards[{i}].figure }}}}", size=22, bold=True, color=ACCENT)
        line(cell, f"{{{{r cards[{i}].label }}}}", size=9)

    # The reasons and the chart in the main column, the quote in a tinted sidebar.
    columns = document.add_table(rows=1, cols=2)
    columns.autofit = False
    main_cell, side = columns.rows[0].cells
    for column, width in zip(columns.columns, (Pt(356), Pt(169)), strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    shade(side, TINT)
    first(main_cell, "{{ heading }}", size=13, bold=True, color=PRIMARY)
    line(main_cell, "{%p for p in paragraphs %}")
    line(main_cell, "{{r p }}")
    line(main_cell, "{%p endfor %}")
    line(main_cell, "{{ chart.title }}", size=10, bold=True, color=PRIMARY, after=2)
    line(main_cell, "{{ chart_picture }}", after=0)
    line(main_cell, "{{r chart_caption }}", size=8, color=MUTED)
    first(side, "{{r quote }}")
    line(side, "— {{ quote_by }}", size=9, color=MUTED)

    footer = section.footer
    table = footer.add_table(rows=1, cols=2, width=Pt(525.6))
    notes, code = table.rows[0].cells
    table.autofit = False
    for column, width in zip(table.columns, (Pt(445), Pt(80)), strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    first(notes, "Sources", size=8, bold=True)
    line(notes, "{%p for note in notes %}", size=7)
    line(notes, "{{ note }}", size=7, color=MUTED, after=1)
    line(notes, "{%p endfor %}", size=7)
    first(code, "{{ qr }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    line(code, "{{ footer.website }}", size=7, color=PRIMARY, align=WD_ALIGN_PARAGRAPH.RIGHT)
    line(code, "{{ footer.updated }}", size=7, color=MUTED, align=WD_ALIGN_PARAGRAPH.RIGHT)
    document.save(str(HERE / "legislators.docx"))


if __name__ == "__main__":
    main()
