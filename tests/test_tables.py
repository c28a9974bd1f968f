"""Tables: a Markdown table prints as one table in both formats, its columns the
same widths in each, its text where LibreOffice puts the DOCX's.

A pipe table used to print as a paragraph of pipes and dashes in both files.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner, Result
from docx.oxml.ns import qn
from office import libreoffice, pdf_and_layout, requires_libreoffice
from page_regions import with_markdown
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject
from reportlab.pdfbase.pdfmetrics import stringWidth
from tagged import check_tagged, docx_file, structure
from test_geometry import TOLERANCE, text_positions

from briefgen.cli import cli
from briefgen.errors import LayoutError, Location
from briefgen.model import Document, Table
from briefgen.renderers.docx import render_docx
from briefgen.renderers.geometry import table_widths
from briefgen.renderers.pdf import register_fonts, render_pdf_bytes
from briefgen.style import Style
from briefgen.theme import DEFAULT_THEME, FAMILIES, WHITE

__all__ = ["libreoffice"]  # the fixture, for the LibreOffice test

REPO = Path(__file__).resolve().parents[1]

MARKDOWN = """\
Seizures by year, a paragraph before the table.

| Year | Pounds seized | Share at the southern border |
| :--- | ---: | :---: |
| Fiscal 2023 | 26,700 pounds | about 98.9% |
| Rise since fiscal 2020 | 480% | |
| A row with a *long* description that has to wrap onto a second line in its cell | 12 | 34 |

After the table.
"""
CELLS = (
    "Year",
    "Pounds seized",
    "Share at the southern border",
    "Fiscal 2023",
    "26,700 pounds",
    "about 98.9%",
    "Rise since fiscal 2020",
    "480%",
    "A row with a",
    "12",
    "34",
    "After the table.",
)


@pytest.fixture(autouse=True)
def fonts_registered() -> None:
    """The widths below are read with reportlab's stringWidth, which knows a font only
    once it is registered (a build in the same process may not have come first)."""
    register_fonts(("bold", "italic", "bolditalic"), FAMILIES["liberation-sans"])


def table_document() -> Document:
    return with_markdown(MARKDOWN)


def the_table(markdown: str = MARKDOWN) -> Table:
    return next(b for b in with_markdown(markdown).blocks if isinstance(b, Table))


def test_columns_that_fit_keep_one_line_and_share_the_rest() -> None:
    style = Style()
    narrow = the_table("| A | Bee |\n| - | - |\n| 1 | 2 |\n")
    widths = table_widths(narrow, style, 300.0)
    assert sum(widths) == pytest.approx(300.0, abs=1e-9)
    assert widths[1] > widths[0]  # in proportion to each column's longest line
    assert all(round(w * 20) == pytest.approx(w * 20, abs=1e-9) for w in widths)


def test_the_widest_column_wraps_first_and_the_short_ones_keep_one_line() -> None:
    style = Style()
    widths = table_widths(the_table(), style, style.frame_width)
    assert sum(widths) == pytest.approx(style.frame_width, abs=1e-9)
    # "Share at the southern border" (bold) and "26,700 pounds" stay on one line; the
    # long description takes what is left.
    assert widths[0] > widths[2] > widths[1]
    header = stringWidth("Share at the southern border", "LiberationSans-bold", 9.5)
    _, right, _, left = style.table_padding
    assert widths[2] >= header + left + right


def test_a_table_whose_longest_words_cannot_fit_is_refused_at_its_line() -> None:
    long = "| " + " | ".join(["Supercalifragilistic"] * 8) + " |\n" + "|-" * 8 + "|\n"
    with pytest.raises(LayoutError) as caught:
        table_widths(the_table(long), Style(), 300.0)
    assert caught.value.location == Location("t.md", 1)
    assert "wider than the 300 pt it has; shorten them or take out a column" in str(
        caught.value.format_message()
    )


def test_the_cli_says_where_a_table_is_too_wide_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    words = " | ".join(["Incomprehensibilities"] * 8)
    template = f"# T\n\n| {words} |\n" + "|-" * 8 + "|\n"
    (tmp_path / "templates" / "trial.md.j2").write_text(template, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["build", "--audience", "trial", "--facts", str(REPO / "facts")]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [], result.stderr
    line = result.stderr.splitlines()[0]
    assert line.startswith(f"{Path('templates') / 'trial.md.j2'}:3: a table whose longest")
    assert not (tmp_path / "output").exists()


def test_the_docx_is_one_word_table_with_a_header_row_and_the_pdfs_widths(
    tmp_path: Path,
) -> None:
    style = Style()
    document = table_document()
    path = docx_file(tmp_path, render_docx(document, style))
    word = docx.Document(str(path))
    (table,) = [t for t in word.tables if t.rows[0].cells[0].text == "Year"]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Year", "Pounds seized", "Share at the southern border"],
        ["Fiscal 2023", "26,700 pounds", "about 98.9%"],
        ["Rise since fiscal 2020", "480%", ""],
        [
            "A row with a long description that has to wrap onto a second line in its cell",
            "12",
            "34",
        ],
    ]
    rows = table._tbl.findall(qn("w:tr"))
    headers = [row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for row in rows]
    assert headers == [True, False, False, False]
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.iter(qn("w:gridCol"))]
    assert grid == [round(w * 20) for w in table_widths(the_table(), style, style.frame_width)]
    aligned = [str(c.paragraphs[0].paragraph_format.alignment) for c in table.rows[1].cells]
    assert aligned == ["None", "RIGHT (2)", "CENTER (1)"]  # left is the style's
    fills = [row.find(f".//{qn('w:shd')}") for row in rows]
    shading = [None if f is None else f.get(qn("w:fill")) for f in fills]
    theme = style.theme
    assert shading == [
        "".join(f"{c:02X}" for c in theme.primary),
        None,
        "".join(f"{c:02X}" for c in theme.tint),
        None,
    ]
    header_style = word.styles["Table Header"]
    assert header_style.font.bold and str(header_style.font.color.rgb) == "FFFFFF"


def header_scopes(pdf: bytes) -> list[str]:
    """The /Scope of each TH element in the structure tree, in its order."""
    found: list[str] = []

    def visit(node: Any) -> None:
        node = node.get_object()
        if isinstance(node, ArrayObject):
            for kid in node:
                visit(kid)
        elif isinstance(node, DictionaryObject):
            if node.get("/S") == "/TH":
                found.append(str(node["/A"]["/Scope"]))
            if "/K" in node:
                visit(node["/K"])

    visit(PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]["/K"])
    return found


def test_a_table_is_tagged_table_rows_and_header_cells(tmp_path: Path) -> None:
    document, style = table_document(), Style()
    pdf = render_pdf_bytes(document, style)
    tree = check_tagged(pdf, docx_file(tmp_path, render_docx(document, style)))
    assert tree.role == structure(PdfReader(io.BytesIO(pdf))).role
    (table,) = [node for node in tree.walk() if node.role == "Table"]
    rows = [kid for kid in table.kids if not isinstance(kid, tuple)]
    assert [r.role for r in rows] == ["TR"] * 4
    assert [c.role for c in rows[0].kids] == ["TH"] * 3
    assert [c.role for c in rows[1].kids] == ["TD"] * 3
    assert header_scopes(pdf) == ["/Column"] * 3  # each header cell heads its column (PDF/UA)
    # An empty cell is a cell too: every row as wide as the header, for a listener.
    assert [c.role for c in rows[2].kids] == ["TD"] * 3 and not rows[2].kids[2].kids


def test_a_link_in_the_header_row_is_white_as_the_header_is(tmp_path: Path) -> None:
    """A link is drawn in the primary colour, which is the header row's fill: a link
    there vanished into it (contrast 1:1, WCAG 1.4.3) in both files. On the primary
    colour it keeps the header's white, underlined; in a body row, the primary."""
    markdown = (
        "| [Year](https://example.org/y) | Pounds |\n| --- | --- |\n"
        "| [2023](https://example.org/z) | 1 |\n"
    )
    document, style = with_markdown(markdown), Style()
    content = PdfReader(io.BytesIO(render_pdf_bytes(document, style))).pages[0]
    stream = content.get_contents().get_data().decode("latin-1")
    # A link's words: its colour set right before them, inside its marked content.
    shown = r"/Link <</MCID \d+>> BDC\s+([\d. ]+) rg\s+/F\S+ [\d.]+ Tf\s+[\d.]+ TL\s+\((\w+)\) Tj"
    fills = {
        word: tuple(round(float(c) * 255) for c in colour.split())
        for colour, word in re.findall(shown, stream)
    }
    assert fills == {"Year": WHITE, "2023": style.theme.primary}
    word = docx.Document(str(docx_file(tmp_path, render_docx(document, style))))
    links = {
        "".join(t.text for t in link.iter(qn("w:t"))): [
            c.get(qn("w:val")) for c in link.iter(qn("w:color"))
        ]
        for link in word.element.body.iter(qn("w:hyperlink"))
    }
    assert links == {"Year": ["FFFFFF"], "2023": ["1F3A5F"]}


@requires_libreoffice
def test_libreoffice_sets_every_cell_where_the_pdf_does(tmp_path: Path, libreoffice: str) -> None:
    pdf, laid_out = pdf_and_layout(table_document(), Style(), tmp_path, "table")
    ours, theirs = text_positions(pdf, CELLS), text_positions(laid_out, CELLS)
    assert set(ours) == set(theirs) == set(CELLS)
    off = {
        cell: (round(theirs[cell][0] - x, 2), round(theirs[cell][1] - y, 2))
        for cell, (x, y) in ours.items()
        if abs(theirs[cell][0] - x) > TOLERANCE or abs(theirs[cell][1] - y) > TOLERANCE
    }
    assert not off, f"LibreOffice's cells are off the PDF's by (dx, dy): {off}"


def test_a_figure_typed_into_a_cell_is_checked_like_any_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    template = (
        "# T\n\n| Year | Pounds |\n| --- | ---: |\n"
        '| FY 2023 | {{ fact("seizures-fy2023-pounds").number }} '
        '{{ cite("seizures-fy2023-pounds") }} |\n'
        "| Typed | 2,700 |\n"
    )
    (tmp_path / "templates" / "trial.md.j2").write_text(template, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["check", "--audience", "trial", "--facts", str(REPO / "facts"), "--json"]
    )
    typed = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "untraced-number"]
    assert [(f["location"], f["message"][:8]) for f in typed] == [
        (f"{Path('templates') / 'trial.md.j2'}:6", "'2,700' ")
    ]


# --- Column widths, worked out here from the fonts' metrics ---------------------------

WORDS = (
    "| Headerword | b | c | d |\n| - | - | - | - |\n"
    "| x | ***bolditalicword*** | *an italicword* | un**breakable**\u00a0phrase |\n"
)
PADDING_AND_SLACK = 5.0 + 5.0 + 2.0  # a cell's left and right padding, 2 pt to spare


def widths_by_hand(family: str, pieces: list[list[tuple[str, str]]], size: float) -> list[float]:
    """Each column's widest word plus padding and slack: ``pieces`` per column, each
    (text, variant) of one word, measured in ``family``'s files."""
    register_fonts(("bold", "italic", "bolditalic"), FAMILIES[family])
    name = FAMILIES[family].pdf_name
    fonts = {
        "regular": name,
        "bold": f"{name}-bold",
        "italic": f"{name}-italic",
        "bolditalic": f"{name}-bolditalic",
    }
    return [
        sum(stringWidth(text, fonts[variant], size) for text, variant in word) + PADDING_AND_SLACK
        for word in pieces
    ]


@pytest.mark.parametrize("family", ["liberation-sans", "carlito"])
def test_the_narrowest_a_table_may_be_is_its_longest_words(family: str) -> None:
    """A bold header word, a bold italic and an italic word, and a word of three runs
    joined by a no-break space (one word: it cannot break) decide each column's least
    width, measured in the theme's own font; a hair less is refused."""
    style = Style(theme=replace(DEFAULT_THEME, font=FAMILIES[family]))
    words = [
        [("Headerword", "bold")],
        [("bolditalicword", "bolditalic")],
        [("italicword", "italic")],
        [("un", "regular"), ("breakable", "bold"), ("\u00a0phrase", "regular")],
    ]
    least = widths_by_hand(family, words, style.table_cell.size)
    table = the_table(WORDS)
    assert table_widths(table, style, sum(least)) == pytest.approx(least, abs=0.1)
    with pytest.raises(LayoutError):
        table_widths(table, style, sum(least) - 0.01)


def test_columns_that_fit_share_the_width_in_proportion_to_their_longest_lines() -> None:
    style = Style()
    table = the_table("| A | Bee |\n| - | - |\n| one two | *three* |\n")
    natural = [
        stringWidth("one two", "LiberationSans", style.table_cell.size) + PADDING_AND_SLACK,
        stringWidth("three", "LiberationSans-italic", style.table_cell.size) + PADDING_AND_SLACK,
    ]
    widths = table_widths(table, style, 300.0)
    assert widths[0] / widths[1] == pytest.approx(natural[0] / natural[1], abs=0.002)


def test_when_columns_overflow_the_short_ones_keep_their_line() -> None:
    """Only the widest column wraps: the others are exactly their longest line."""
    style = Style()
    size = style.table_cell.size
    table = the_table()
    header = stringWidth("Share at the southern border", "LiberationSans-bold", size)
    pounds = max(
        stringWidth("Pounds seized", "LiberationSans-bold", size),
        stringWidth("26,700 pounds", "LiberationSans", size),
    )
    widths = table_widths(table, style, style.frame_width)
    assert widths[1] == pytest.approx(pounds + PADDING_AND_SLACK, abs=0.05)
    assert widths[2] == pytest.approx(header + PADDING_AND_SLACK, abs=0.05)
    assert widths[0] == pytest.approx(style.frame_width - widths[1] - widths[2], abs=0.001)


WIDE_AT_11_PT = "| " + " | ".join(["Enforcement"] * 8) + " |\n" + "|-" * 8 + "|\n"


def build_trial(tmp_path: Path, template: str) -> Result:
    (tmp_path / "templates").mkdir(exist_ok=True)
    (tmp_path / "templates" / "trial.md.j2").write_text(template, encoding="utf-8")
    return CliRunner().invoke(
        cli, ["build", "--audience", "trial", "--facts", str(REPO / "facts"), "--format", "pdf"]
    )


def test_a_table_too_wide_at_full_size_sets_the_page_in_smaller_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight bold 'Enforcement's need 585 pt at 11 pt body type, 511.6 pt at 9.5 pt,
    in a 525.6 pt frame: the fitter steps the type down, as for a page too tall."""
    monkeypatch.chdir(tmp_path)
    result = build_trial(tmp_path, f"# T\n\n{WIDE_AT_11_PT}")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith(", body 9.5 pt")
    # Why, on a page far from full: the table, at its line.
    assert lines[1] == (
        "  type stepped down: the table at templates/trial.md.j2:3 is too wide for its "
        "column at 11 pt"
    )
    checked = CliRunner().invoke(
        cli, ["check", "--audience", "trial", "--facts", str(REPO / "facts")]
    )
    assert "body 9.5 pt (stepped down from 11: the table at templates/trial.md.j2:3 is too" in (
        checked.stdout
    )


def test_a_table_too_wide_in_an_optional_group_is_dropped_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = build_trial(tmp_path, f"# T\n\nKept.\n\n::: optional\n{WIDE_AT_11_PT}:::\n")
    assert result.exit_code == 0, result.output
    first, dropped = result.stdout.splitlines()[:2]
    assert "body" not in first  # at full size
    assert dropped.startswith("  dropped (optional, priority 1)")
