"""Read briefs back the way a reader's tools do: PDF text through pypdf, DOCX
paragraphs through python-docx; and compare text without caring about layout."""

from __future__ import annotations

import re
from pathlib import Path

import docx
from pypdf import PdfReader


def pdf_text(path: Path) -> str:
    """Every page's extracted text."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def docx_text(path: Path) -> str:
    """Every paragraph's text, one per line."""
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


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


def pdf_fill(path: Path, margin: float = 0.6 * 72) -> float:
    """The share of the page frame's height a one-page PDF's text takes, measured from
    the page itself: from the frame's top (page height less ``margin``) down to the
    bottom of the last line -- its baseline less the part of the leading below it
    (a brief ends with its notes, set at 1.2 × their type size)."""
    page = PdfReader(path).pages[0]
    height = float(page.mediabox.height)
    lines: list[tuple[float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            lines.append((cm[5] + tm[5] * cm[3], size * tm[3] * cm[3]))

    page.extract_text(visitor_text=visit)
    baseline, size = min(lines)
    return (height - margin - (baseline - 0.2 * size)) / (height - 2 * margin)
