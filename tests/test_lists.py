"""Nested and numbered lists print as the template wrote them, alike in both formats.

A list nested in an item used to be flattened into its parent and numbered with
it ("nested bullet" printed as "2."), and a list's first number was ignored
("2023." printed as "1."): the page said other numbers than the template. Each
list below is parsed as a build parses it, then read back from the PDF, from the
DOCX's numbering, and from LibreOffice's layout of the DOCX.
"""

from __future__ import annotations

import copy
import io
from itertools import pairwise
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from office import convert_all, libreoffice, pdf_and_layout, requires_libreoffice
from page_regions import here, with_markdown
from pypdf import PdfReader
from tagged import check_tagged, docx_file, structure
from test_geometry import TOLERANCE, text_chunks

from briefgen.model import BulletList, Document, Span
from briefgen.renderers.docx import render_docx
from briefgen.renderers.geometry import BULLETS, list_markers
from briefgen.renderers.pdf import render_pdf_bytes
from briefgen.style import Style

__all__ = ["libreoffice"]  # the fixture, for the LibreOffice test

MARKDOWN = """\
1. First item
   - Nested bullet one
   - Nested bullet two
     1. Third level item
2. Second item
3. Third item

Between the lists.

2023. Seizures peaked
2024. Seizures fell

Between the lists again.

99. Ninety-nine items
100. One hundred items
"""

# (marker, the item's first word) in reading order.
EXPECTED = [
    ("1.", "First"),
    (BULLETS[1], "Nested"),
    (BULLETS[1], "Nested"),
    ("1.", "Third"),
    ("2.", "Second"),
    ("3.", "Third"),
    ("2023.", "Seizures"),
    ("2024.", "Seizures"),
    ("99.", "Ninety-nine"),
    ("100.", "One"),
]
MARKERS = {marker for marker, _ in EXPECTED}


def lists_document() -> Document:
    return with_markdown(MARKDOWN)


def items(path: Path) -> list[tuple[str, float, str, float, float]]:
    """Each list item on the page: (marker, its left, the item's text, the text's
    left, the baseline), top to bottom."""
    chunks = sorted(text_chunks(path), key=lambda c: (round(c[2]), c[1]))
    found = []
    for (marker, x, y), (text, text_x, text_y) in pairwise(chunks):
        if marker in MARKERS and abs(y - text_y) < 1 and text[:1].isalpha():
            found.append((marker, x, text, text_x, y))
    return found


def test_nested_lists_and_first_numbers_print_as_written(tmp_path: Path) -> None:
    pdf = tmp_path / "lists.pdf"
    pdf.write_bytes(render_pdf_bytes(lists_document(), Style()))
    printed = items(pdf)
    assert [(m, t.split()[0]) for m, _, t, _, _ in printed] == EXPECTED
    # Each level one bullet indent further in; a number of four digits pushes its
    # text further right, with room between.
    style = Style()
    lefts = {t: (x, tx) for _, x, t, tx, _ in printed}
    first, nested, third = (
        lefts["First item"],
        lefts["Nested bullet one"],
        lefts["Third level item"],
    )
    assert first[0] == pytest.approx(style.margin, abs=0.5)  # the top level at the margin
    assert nested[0] == pytest.approx(first[1], abs=0.5)
    assert third[0] == pytest.approx(nested[1], abs=0.5)
    assert nested[1] - nested[0] == pytest.approx(style.bullet_indent, abs=0.5)
    year = lefts["Seizures peaked"]
    assert year[0] == pytest.approx(first[0], abs=0.5)
    assert year[1] - year[0] > style.bullet_indent + 10
    # The widest number of a list sets its items' indent, as Word's tab after it does.
    assert lefts["Ninety-nine items"][1] == pytest.approx(lefts["One hundred items"][1], abs=0.01)


def test_a_nested_list_is_tagged_inside_its_item(tmp_path: Path) -> None:
    document, style = lists_document(), Style()
    pdf = render_pdf_bytes(document, style)
    tree = check_tagged(pdf, docx_file(tmp_path, render_docx(document, style)))
    assert tree.role == structure(PdfReader(io.BytesIO(pdf))).role
    lists = [node for node in tree.walk() if node.role == "L"]
    top = [node for node in tree.kids if not isinstance(node, tuple) and node.role == "L"]
    assert len(top) == 3 and len(lists) == 5
    first = top[0]
    assert [kid.role for kid in first.kids] == ["LI", "LI", "LI"]
    body = first.kids[0].kids[1]
    assert body.role == "LBody"
    nested = [kid for kid in body.kids if not isinstance(kid, tuple) and kid.role == "L"]
    assert len(nested) == 1 and [kid.role for kid in nested[0].kids] == ["LI", "LI"]
    innermost = nested[0].kids[1].kids[1]
    assert [kid.role for kid in innermost.kids if not isinstance(kid, tuple)][-1] == "L"


def test_the_docx_numbers_and_nests_with_word_numbering(tmp_path: Path) -> None:
    path = docx_file(tmp_path, render_docx(lists_document(), Style()))
    word = docx.Document(str(path))
    overrides = {
        num.get(qn("w:numId")): [
            (o.get(qn("w:ilvl")), o.find(qn("w:startOverride")).get(qn("w:val")))
            for o in num.iter(qn("w:lvlOverride"))
        ]
        for num in word.part.numbering_part.element.iter(qn("w:num"))
    }
    listed = []
    for paragraph in word.paragraphs:
        numbers = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        style = paragraph.style.name
        if style in ("List Bullet", "List Number"):
            level = numbers.find(qn("w:ilvl")).get(qn("w:val")) if numbers is not None else "0"
            num_id = numbers.find(qn("w:numId")).get(qn("w:val")) if numbers is not None else ""
            listed.append((style, level, overrides.get(num_id)))
    assert listed == [
        ("List Number", "0", [("0", "1")]),
        ("List Bullet", "1", []),
        ("List Bullet", "1", []),
        ("List Number", "2", [("2", "1")]),
        ("List Number", "0", [("0", "1")]),  # the first run's list, resumed
        ("List Number", "0", [("0", "1")]),
        ("List Number", "0", [("0", "2023")]),
        ("List Number", "0", [("0", "2023")]),
        ("List Number", "0", [("0", "99")]),
        ("List Number", "0", [("0", "99")]),
    ]


@requires_libreoffice
def test_libreoffice_lays_the_lists_out_where_the_pdf_puts_them(
    tmp_path: Path, libreoffice: str
) -> None:
    pdf, laid_out = pdf_and_layout(lists_document(), Style(), tmp_path, "lists")
    ours, theirs = items(pdf), items(laid_out)
    assert [(m, t) for m, _, t, _, _ in theirs] == [(m, t) for m, _, t, _, _ in ours]
    for mine, office in zip(ours, theirs, strict=True):
        for a, b in ((mine[1], office[1]), (mine[3], office[3]), (mine[4], office[4])):
            assert abs(a - b) <= TOLERANCE, (mine, office)


@requires_libreoffice
def test_an_item_copied_in_word_renumbers_the_items_after_it(
    tmp_path: Path, libreoffice: str
) -> None:
    """The items after a nested list were a Word list of their own, starting at 2:
    a copy of the first item made two items numbered 2."""
    word = docx.Document(io.BytesIO(render_docx(lists_document(), Style())))
    first = next(p for p in word.paragraphs if p.text == "First item")
    first._p.addnext(copy.deepcopy(first._p))
    word.save(str(tmp_path / "copied.docx"))
    (pdf,) = convert_all([tmp_path / "copied.docx"], tmp_path)
    numbered = [(m, t.split()[0]) for m, _, t, _, _ in items(pdf) if m[0].isdigit()]
    # (items() knows the markers of EXPECTED, not the "4." now before "Third item")
    assert numbered[:4] == [("1.", "First"), ("2.", "First"), ("1.", "Third"), ("3.", "Second")]


def test_every_run_of_a_nested_list_keeps_the_list_open_but_the_last() -> None:
    runs = [b for b in lists_document().blocks if isinstance(b, BulletList)]
    assert [(r.depth, r.start, r.resumes, r.closes) for r in runs] == [
        (0, 1, False, False),
        (1, 1, False, False),
        (2, 1, False, False),
        (0, 2, True, True),
        (0, 2023, False, True),
        (0, 99, False, True),
    ]


def test_each_level_has_its_bullet_and_numbers_count_from_the_first() -> None:
    item = (Span("item"),)
    bullets = [list_markers(BulletList(here(), (item,), depth=d))[0] for d in range(3)]
    assert bullets == ["\u2022", "\u25e6", "\u25aa"]
    numbered = BulletList(here(), (item, item, item), ordered=True, start=9, depth=2)
    assert list_markers(numbered) == ["9.", "10.", "11."]
