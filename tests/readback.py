"""Read briefs back the way a reader's tools do: PDF text through pypdf, DOCX
paragraphs through python-docx; and compare text without caring about layout."""

from __future__ import annotations

import ctypes
import re
from pathlib import Path
from typing import Any

import docx
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from docx.table import Table
from pypdf import PdfReader


def pdf_text(path: Path) -> str:
    """Every page's extracted text."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def _paragraphs_of(container: Any) -> list[Any]:
    """The paragraphs of a body, cell or footer, those in its tables too (row by row,
    cell by cell), in reading order."""
    found: list[Any] = []
    for item in container.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                for cell in row.cells:
                    found.extend(_paragraphs_of(cell))
        else:
            found.append(item)
    return found


def docx_paragraphs(path: Path) -> list[Any]:
    """Every paragraph in reading order: the body's, those in its tables (row by row,
    cell by cell), then the footer's."""
    word = docx.Document(str(path))
    found = _paragraphs_of(word)
    for section in word.sections:
        if not section.footer.is_linked_to_previous:
            found.extend(_paragraphs_of(section.footer))
    return found


def body_paragraphs(word: Any) -> list[Any]:
    """The paragraphs of an open document's body, those in its tables too, in reading
    order (not its footers')."""
    return _paragraphs_of(word)


def footer_paragraphs(word: Any) -> list[Any]:
    """The paragraphs of an open document's first footer, those in its tables too (the
    notes stand in a table cell beside the QR code's column), in reading order."""
    return _paragraphs_of(word.sections[0].footer)


def docx_text(path: Path) -> str:
    """Every paragraph's text, one per line, in reading order (:func:`docx_paragraphs`)."""
    return "\n".join(p.text for p in docx_paragraphs(path))


def unbroken(text: str) -> str:
    """A DOCX paragraph's text without the line breaks briefgen writes inside a word
    too wide for its line (a long address; renderers/breaks.py): a break between two
    letters of a word, which a reader reads as one word."""
    return re.sub(r"(?<=\S)\n(?=\S)", "", text)


def squeeze(text: str) -> str:
    """Words separated by single spaces."""
    return " ".join(text.split())


def pdf_pattern(expected: str) -> str:
    """A regular expression for ``expected`` in extracted PDF text: whitespace runs
    match any whitespace, and a line may break inside a word too long for it (as a
    long URL does)."""
    parts = []
    previous = " "
    for char in squeeze(expected):
        if char == " ":
            parts.append(r"\s+")
        else:
            if previous != " ":
                parts.append(r"\n?")
            parts.append(re.escape(char))
        previous = char
    return "".join(parts)


def in_pdf_text(expected: str, text: str) -> bool:
    """``expected`` in extracted PDF text (see :func:`pdf_pattern`)."""
    return re.search(pdf_pattern(expected), text) is not None


def reads_as(expected: str, text: str) -> bool:
    """Whether a laid-out text (a DOCX paragraph's, or extracted from a PDF) is
    ``expected`` and nothing more, read as :func:`in_pdf_text` reads it: a line break
    may stand inside a word too wide for its line."""
    return re.fullmatch(pdf_pattern(expected), text.strip()) is not None


def _line_bounds(obj: Any) -> tuple[float, float, float, float]:
    """A page object's box (left, bottom, right, top); a run of text's reaches down to
    its font's descent below the baseline, whether or not its letters descend (a
    last line "Source" would otherwise end 1.8 pt higher than "Sources")."""
    left, bottom, right, top = obj.get_bounds()
    if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
        size, descent = ctypes.c_float(), ctypes.c_float()
        pdfium_c.FPDFTextObj_GetFontSize(obj, ctypes.byref(size))
        _, _, _, scale, _, baseline = obj.get_matrix().get()
        font = pdfium_c.FPDFTextObj_GetFont(obj)
        at = ctypes.c_float(size.value * scale)
        pdfium_c.FPDFFont_GetDescent(font, at, ctypes.byref(descent))
        bottom = min(bottom, baseline + descent.value)
    return left, bottom, right, top


def pdf_fill(path: Path, margin: float = 0.6 * 72, gap: float = 12.0) -> float:
    """The share of the page frame's height a one-page PDF takes, measured from the
    page itself (as briefgen's fill figure counts it): from the frame's top (page
    height less ``margin``) down to the bottom of the body's lowest line or box, then
    ``gap`` (the space kept above the footer), then the footer, from the top of its
    rule (the one line across the frame) down to the bottom margin. Without a footer,
    down to the lowest line."""
    page = pdfium.PdfDocument(path)[0]
    height = page.get_height()
    frame = height - 2 * margin
    bounds = [_line_bounds(obj) for obj in page.get_objects()]
    # (left, bottom, right, top), y up; the rule: thin and across the frame.
    width = page.get_width() - 2 * margin
    rules = [b for b in bounds if b[3] - b[1] < 3 and b[2] - b[0] > 0.9 * width]
    footer_top = max((b[3] for b in rules), default=None)
    if footer_top is None:
        return (height - margin - min(b[1] for b in bounds)) / frame
    body_bottom = min(b[1] for b in bounds if b[1] > footer_top + 1)
    return (height - margin - body_bottom + gap + footer_top - margin) / frame
