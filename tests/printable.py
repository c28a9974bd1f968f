"""Whether text can be printed as written, decided without briefgen's code: the bundled
fonts' character maps read with fontTools, and Unicode's character database.

The property tests accept a refusal only when this oracle says so, and otherwise
demand the text back. The rules are briefgen's documented ones (README, "Fonts"):
Liberation Sans draws what it can, DejaVu Sans what Liberation lacks; text no
bundled font can draw is refused, as are control, private-use, unassigned and
surrogate code points, right-to-left text, characters beyond U+FFFF, format characters
other than a soft hyphen, word joiner and byte-order mark, spaces other than the
plain and the no-break space, and an accent left apart from its letter once the text
is composed (NFC: a letter and its accent as one character where Unicode has one).
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parents[1] / "briefgen" / "fonts"
PRIMARY = (
    "LiberationSans-Regular.ttf",
    "LiberationSans-Bold.ttf",
    "LiberationSans-Italic.ttf",
    "LiberationSans-BoldItalic.ttf",
)
FALLBACK = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
RIGHT_TO_LEFT = {"R", "AL", "RLE", "RLO", "RLI"}
# Unicode's White_Space property (PropList.txt): what trimming a field removes. Unlike
# Python's str.strip() it leaves U+001C..U+001F, which are controls, not spaces.
WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def composed(text: str) -> str:
    """``text`` as briefgen reads it: each letter and its accents one character where
    Unicode has one (NFC)."""
    return unicodedata.normalize("NFC", text)


def trimmed(text: str) -> str:
    """``text`` without White_Space at either end."""
    return text.strip(WHITE_SPACE)


@cache
def cmap(file: str) -> frozenset[int]:
    """The code points a font file maps to a glyph."""
    return frozenset(TTFont(FONTS / file, lazy=True).getBestCmap())


@cache
def drawable() -> frozenset[int]:
    """Code points every variant of the main font draws, or both fallback variants do."""
    primary = frozenset.intersection(*(cmap(f) for f in PRIMARY))
    fallback = frozenset.intersection(*(cmap(f) for f in FALLBACK))
    return primary | fallback


def in_primary(char: str) -> bool:
    """Whether Liberation Sans itself draws ``char`` (no fallback needed)."""
    return ord(char) in cmap(PRIMARY[0])


def in_fallback_only(char: str) -> bool:
    """Whether only the fallback font, DejaVu Sans, draws ``char``."""
    return not in_primary(char) and ord(char) in cmap(FALLBACK[0])


def why_unprintable(char: str, *, in_template: bool) -> str | None:
    """Why ``char`` cannot be printed as written, or None when it can.

    In a fact's text a line break of any kind stands for a space; in a template
    U+2028 and U+2029 would print differently in PDF and DOCX, so they are refused.
    """
    if char in "\n\t\r":
        return None
    category = unicodedata.category(char)
    if category in ("Cc", "Cs", "Co", "Cn"):
        return f"category {category}"
    if char == "\ufffd":
        return "the replacement character, standing for a character lost"
    if category in ("Zl", "Zp"):
        return "a line separator" if in_template else None
    if category == "Cf" and char not in "\u00ad\u2060\ufeff":
        return "a format character the PDF and the DOCX print differently"
    if category == "Mn":
        return "an accent apart from its letter, which the PDF prints beside it"
    if category == "Zs" and char not in " \u00a0":
        return "a special space, which the PDF sets as a plain one"
    if unicodedata.bidirectional(char) in RIGHT_TO_LEFT:
        return "right to left"
    if ord(char) > 0xFFFF:
        return "beyond U+FFFF"
    if not char.isspace() and ord(char) not in drawable():
        return "no bundled font draws it"
    return None


def first_unprintable(text: str, *, in_template: bool) -> str | None:
    """The first character of ``text`` that cannot be printed, with the reason."""
    for char in text:
        reason = why_unprintable(char, in_template=in_template)
        if reason:
            return f"U+{ord(char):04X} ({reason})"
    return None


def invisible(char: str) -> bool:
    """Format characters (soft hyphen, zero-width joiner, ...) print nothing, so a
    PDF's text layer may leave them out."""
    return unicodedata.category(char) == "Cf"


@cache
def _advances() -> list[dict[int, float]]:
    tables = []
    for file in ("LiberationSans-Bold.ttf", FALLBACK[1]):
        font = TTFont(FONTS / file, lazy=True)
        metrics, em = font["hmtx"], font["head"].unitsPerEm
        tables.append({c: metrics[g][0] / em for c, g in font.getBestCmap().items()})
    return tables


def em_width(text: str) -> float:
    """The text's width in ems, from the bold fonts' advance widths."""
    total = 0.0
    for char in text:
        total += next((t[ord(char)] for t in _advances() if ord(char) in t), 1.0)
    return total
