"""A brief's look: its colours, its font family and its logo.

Each family is bundled with a metric-compatible twin of a font every copy of Word
has, so the DOCX (which names the Word font) lays out on the same lines in Word, in
LibreOffice and in the PDF (which embeds the bundled font).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class FontFamily:
    """A bundled family: the name reportlab registers it under, the Word font the
    DOCX asks for, and the bundled file of each variant."""

    key: str  # the name briefgen.toml uses: "liberation-sans"
    pdf_name: str  # "LiberationSans"
    docx_name: str  # "Arial"
    files: dict[str, str] = field(hash=False)  # variant -> file in briefgen/fonts


LIBERATION_SANS = FontFamily(
    "liberation-sans",
    "LiberationSans",
    "Arial",
    {
        "regular": "LiberationSans-Regular.ttf",
        "bold": "LiberationSans-Bold.ttf",
        "italic": "LiberationSans-Italic.ttf",
        "bolditalic": "LiberationSans-BoldItalic.ttf",
    },
)

FAMILIES: dict[str, FontFamily] = {LIBERATION_SANS.key: LIBERATION_SANS}

WHITE: RGB = (0xFF, 0xFF, 0xFF)


@dataclass(frozen=True)
class Theme:
    """Colours (RGB), font family and logo of a brief. ``primary`` fills the masthead
    band and sets titles and headings; ``accent`` sets rules, card figures and chart
    bars. ``tint`` is the pale background of cards and boxes."""

    primary: RGB = (0x1F, 0x3A, 0x5F)  # a dark blue that prints well in grey too
    accent: RGB = (0xB3, 0x3A, 0x1B)
    tint: RGB = (0xEE, 0xF2, 0xF6)
    muted: RGB = (0x44, 0x44, 0x44)
    font: FontFamily = LIBERATION_SANS
    logo: Path | None = None


DEFAULT_THEME = Theme()
