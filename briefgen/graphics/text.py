"""The chart's type: the theme's bundled family, measured with reportlab.

Both renderers measure text the same way, so a label wraps and a bar ends at the
same place in the PDF's vectors and in the DOCX's raster.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics

from briefgen.fonts import font_dir
from briefgen.renderers.pdf_fonts import TaggedTTFont as TTFont
from briefgen.theme import FontFamily


def font_path(family: FontFamily, bold: bool) -> Path:
    """The bundled file of the family's regular or bold face."""
    return font_dir() / family.files["bold" if bold else "regular"]


@cache
def font_name(family: FontFamily, bold: bool) -> str:
    """The name reportlab knows the face by, registered once per process under the
    name the PDF renderer uses, so a face the body also uses is embedded once."""
    name = f"{family.pdf_name}-bold" if bold else family.pdf_name
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(font_path(family, bold))))
    return name


def text_width(text: str, family: FontFamily, bold: bool, size: float) -> float:
    """The advance width (points) of ``text`` set in one line."""
    return float(pdfmetrics.stringWidth(text, font_name(family, bold), size))


def cap_height(family: FontFamily, bold: bool, size: float) -> float:
    """The height of a capital letter above the baseline (points)."""
    face = pdfmetrics.getFont(font_name(family, bold)).face
    return float(face.capHeight) / 1000 * size


def wrap(text: str, family: FontFamily, bold: bool, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` where it has spaces."""
    lines: list[str] = simpleSplit(text, font_name(family, bold), size, width)
    return lines or [""]
