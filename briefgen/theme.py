"""A brief's look: its colours, its font family and its logo.

Each family is bundled with a metric-compatible twin of a font every copy of Word
has, so the DOCX (which names the Word font) lays out on the same lines in Word, in
LibreOffice and in the PDF (which embeds the bundled font).

Colours are checked for contrast as WCAG 2 computes it (relative luminance), and
once more after the conversion to grey an office printer or a grayscale PDF viewer
makes, so a page that passes stays legible printed in black and white.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from briefgen.model import Picture

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class FontFamily:
    """A bundled family: the name reportlab registers it under, the Word font the
    DOCX asks for, and the bundled file of each variant."""

    key: str  # the name briefgen.toml uses: "liberation-sans"
    pdf_name: str  # "LiberationSans"
    docx_name: str  # "Arial"
    files: dict[str, str] = field(hash=False)  # variant -> file in briefgen/fonts
    licence: str = field(default="", hash=False)  # the licence file beside them


def _family(key: str, pdf_name: str, docx_name: str, stem: str) -> FontFamily:
    variants = {"regular": "Regular", "bold": "Bold", "italic": "Italic"}
    variants["bolditalic"] = "BoldItalic"
    files = {variant: f"{stem}-{suffix}.ttf" for variant, suffix in variants.items()}
    return FontFamily(key, pdf_name, docx_name, files, f"LICENSE-{stem}.txt")


# All three under the SIL Open Font License 1.1 (the licence files say so).
LIBERATION_SANS = _family("liberation-sans", "LiberationSans", "Arial", "LiberationSans")
CARLITO = _family("carlito", "Carlito", "Calibri", "Carlito")
LIBERATION_SERIF = _family(
    "liberation-serif", "LiberationSerif", "Times New Roman", "LiberationSerif"
)

FAMILIES: dict[str, FontFamily] = {
    family.key: family for family in (LIBERATION_SANS, CARLITO, LIBERATION_SERIF)
}

WHITE: RGB = (0xFF, 0xFF, 0xFF)
MUTED: RGB = (0x44, 0x44, 0x44)
DEFAULT_PRIMARY: RGB = (0x1F, 0x3A, 0x5F)  # a dark blue that prints well in grey too
DEFAULT_ACCENT: RGB = (0xB3, 0x3A, 0x1B)  # a brick red
# How much of the primary colour the pale tint of cards and boxes holds.
TINT_SHARE = 0.12


def tint_of(colour: RGB, share: float = TINT_SHARE) -> RGB:
    """``colour`` mixed with white, ``share`` of it: the background of cards and boxes."""
    return tuple(round(255 - share * (255 - c)) for c in colour)  # type: ignore[return-value]


DEFAULT_TINT = tint_of(DEFAULT_PRIMARY)


@dataclass(frozen=True)
class Theme:
    """Colours (RGB), font family and logo of a brief. ``primary`` fills the masthead
    band behind white text and sets titles and headings; ``accent`` sets rules, card
    figures and chart bars. ``tint`` is the pale background of cards and boxes, made
    from ``primary``. ``logo`` is drawn in the masthead (decorative: no alt text, the
    organization's name is printed beside it)."""

    primary: RGB = DEFAULT_PRIMARY
    accent: RGB = DEFAULT_ACCENT
    tint: RGB = DEFAULT_TINT
    muted: RGB = MUTED
    font: FontFamily = LIBERATION_SANS
    logo: Picture | None = None


DEFAULT_THEME = Theme()


def parse_colour(text: str) -> RGB:
    """``"#1f3a5f"`` as an RGB triple; ValueError for anything else."""
    if len(text) != 7 or text[0] != "#":
        raise ValueError(text)
    return (int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16))


def hex_colour(colour: RGB) -> str:
    """An RGB triple as ``"#1f3a5f"``."""
    return "#{:02x}{:02x}{:02x}".format(*colour)


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def luminance(colour: RGB) -> float:
    """WCAG 2 relative luminance, 0 (black) to 1 (white)."""
    red, green, blue = (_linear(c) for c in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: RGB, second: RGB) -> float:
    """WCAG 2 contrast ratio of two colours, 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def grey(colour: RGB) -> RGB:
    """``colour`` as a grayscale printer or viewer shows it: ITU-R BT.601 luma, the
    formula Pillow's ``convert("L")``, Ghostscript and most printer drivers use."""
    red, green, blue = colour
    level = round(0.299 * red + 0.587 * green + 0.114 * blue)
    return (level, level, level)


# WCAG 2 AA minimum contrast: normal text, and large or bold display text, rules and
# chart bars (WCAG 1.4.3 and 1.4.11).
TEXT_MINIMUM = 4.5
LARGE_MINIMUM = 3.0


class Pairing(NamedTuple):
    """A use of a theme colour against a background, and the contrast it needs."""

    key: str  # the Theme field whose colour is used: "primary"
    background: str  # the Theme field of the background, or "white"
    minimum: float
    use: str  # what is drawn in that colour, and on what, for the message


# Per key, the first use below its minimum is the one reported.
PAIRINGS = (
    Pairing(
        "primary",
        "white",
        TEXT_MINIMUM,
        "as headings on white and behind the masthead's white text",
    ),
    Pairing("primary", "tint", TEXT_MINIMUM, "as headings on the tint of cards and boxes ({tint})"),
    Pairing(
        "accent", "tint", LARGE_MINIMUM, "as card figures on the tint of cards and boxes ({tint})"
    ),
    Pairing("accent", "white", LARGE_MINIMUM, "as rules and chart bars on white"),
)


class ContrastProblem(NamedTuple):
    """A colour too close to its background; ``grayscale`` when only printing in grey
    brings them too close."""

    pairing: Pairing
    ratio: float
    grayscale: bool
    tint: RGB

    def message(self) -> str:
        """What is wrong, after the colour: the use, the ratio and the minimum."""
        pairing = self.pairing
        printed = " printed in grayscale" if self.grayscale else ""
        # Shown rounded down: a ratio of 4.497 fails 4.5 and must not print as 4.50.
        shown = math.floor(self.ratio * 100) / 100
        return (
            f"{pairing.use.format(tint=hex_colour(self.tint))} has contrast "
            f"{shown:.2f}:1{printed}; WCAG AA needs at least {pairing.minimum:g}:1"
        )


def contrast_problems(theme: Theme) -> dict[str, ContrastProblem]:
    """For each of ``theme``'s colours, its first use below WCAG AA, in colour or
    printed in grey: key ("primary", "accent") -> the problem."""
    problems: dict[str, ContrastProblem] = {}
    for pairing in PAIRINGS:
        if pairing.key in problems:
            continue
        colour: RGB = getattr(theme, pairing.key)
        background: RGB = (
            WHITE if pairing.background == "white" else getattr(theme, pairing.background)
        )
        ratio = contrast(colour, background)
        in_grey = contrast(grey(colour), grey(background))
        if ratio < pairing.minimum:
            problems[pairing.key] = ContrastProblem(pairing, ratio, False, theme.tint)
        elif in_grey < pairing.minimum:
            problems[pairing.key] = ContrastProblem(pairing, in_grey, True, theme.tint)
    return problems


def passing_shade(theme: Theme, key: str) -> RGB | None:
    """The lightest shade of ``theme``'s colour ``key`` ("primary" or "accent"; mixed
    with black, so of the same hue) that every use of it passes, in colour and in
    grey; None if even black does not (none of briefgen's uses is on a dark ground)."""
    colour: RGB = getattr(theme, key)
    for step in range(1, 101):
        shade: RGB = tuple(round(c * (1 - step / 100)) for c in colour)  # type: ignore[assignment]
        if key == "primary":  # the tint is made from it
            changed = replace(theme, primary=shade, tint=tint_of(shade))
        else:
            changed = replace(theme, accent=shade)
        if key not in contrast_problems(changed):
            return shade
    return None
