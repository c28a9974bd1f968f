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


def in_pdf_text(expected: str, text: str) -> bool:
    """``expected`` in extracted PDF text: whitespace runs match any whitespace, and a
    line may break inside a word too long for it (as a long URL does)."""
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
    return re.search("".join(parts), text) is not None
