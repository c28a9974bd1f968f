"""The chart's type: the theme's bundled family, measured with reportlab.

Both renderers measure text the same way, so a label wraps and a bar ends at the
same place in the PDF's vectors and in the DOCX's raster. A character the family
lacks is set in the fallback font, DejaVu Sans, as the body's text sets it
(:func:`briefgen.renderers.pdf.fallback_face`), rather than drawn as a box.
"""

from __future__ import annotations

from functools import cache, lru_cache
from itertools import groupby
from pathlib import Path

from reportlab.pdfbase import pdfmetrics

from briefgen.fonts import FALLBACK_FILES, draws, font_file
from briefgen.renderers.pdf_fonts import TaggedTTFont as TTFont
from briefgen.theme import FontFamily


def font_path(family: FontFamily, bold: bool, fallback: bool = False) -> Path:
    """The bundled file of the family's regular or bold face (or the fallback's)."""
    files = FALLBACK_FILES if fallback else family.files
    return font_file(files["bold" if bold else "regular"])


@cache
def font_name(family: FontFamily, bold: bool, fallback: bool = False) -> str:
    """The name reportlab knows the face by, registered once per process under the
    name the PDF renderer uses, so a face the body also uses is embedded once."""
    if fallback:
        from briefgen.renderers.pdf import FALLBACK_BOLD, FALLBACK_FONT, register_fallback_font

        register_fallback_font()
        return FALLBACK_BOLD if bold else FALLBACK_FONT
    name = f"{family.pdf_name}-bold" if bold else family.pdf_name
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(font_path(family, bold))))
    return name


def _lacked(char: str, family: FontFamily) -> bool:
    """Whether the family lacks ``char`` and the fallback draws it (the regular faces
    decide, in bold text too, as for the body's text)."""
    if " " <= char <= "~" or char.isspace():
        return False
    return not draws(char, family.files["regular"]) and draws(char, FALLBACK_FILES["regular"])


@lru_cache(maxsize=256)
def runs(text: str, family: FontFamily) -> tuple[tuple[str, bool], ...]:
    """``text`` in runs of one face: each run and whether the fallback sets it."""
    if text.isascii():
        return ((text, False),)
    return tuple(
        ("".join(chars), lacked)
        for lacked, chars in groupby(text, key=lambda char: _lacked(char, family))
    )


def text_width(text: str, family: FontFamily, bold: bool, size: float) -> float:
    """The advance width (points) of ``text`` set in one line."""
    return float(
        sum(
            pdfmetrics.stringWidth(run, font_name(family, bold, fallback), size)
            for run, fallback in runs(text, family)
        )
    )


def cap_height(family: FontFamily, bold: bool, size: float) -> float:
    """The height of a capital letter above the baseline (points)."""
    face = pdfmetrics.getFont(font_name(family, bold)).face
    return float(face.capHeight) / 1000 * size


def wrap(text: str, family: FontFamily, bold: bool, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` where it has spaces (a word
    wider than the line on a line of its own), as reportlab's ``simpleSplit`` breaks it."""
    space = text_width(" ", family, bold, size)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words: list[str] = []
        used = -space
        for word in paragraph.split():
            needed = text_width(word, family, bold, size)
            if words and used + space + needed > width:
                lines.append(" ".join(words))
                words, used = [], -space
            words.append(word)
            used = used + space + needed
        if words:
            lines.append(" ".join(words))
    return lines or [""]
