"""The fonts bundled with briefgen and what each output names them.

Each family of :data:`briefgen.theme.FAMILIES` (Liberation Sans, Carlito, Liberation
Serif, all SIL OFL 1.1) has the same metrics as a font Word has (Arial, Calibri,
Times New Roman): the PDF embeds the bundled font, the DOCX asks for the Word font,
and Word or LibreOffice lay the same words on the same lines.
DejaVu Sans covers many characters the families lack and serves as fallback.
"""

from __future__ import annotations

import struct
from functools import cache
from importlib import resources
from pathlib import Path

from briefgen.errors import BriefgenError, Location
from briefgen.theme import FontFamily

# The fallback's family name, as a DOCX names it for the characters it draws.
FALLBACK_NAME = "DejaVu Sans"
FALLBACK_FILES = {
    "regular": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
}


def font_dir() -> Path:
    """The folder holding the bundled font files."""
    return Path(str(resources.files("briefgen") / "fonts"))


def font_file(file: str) -> Path:
    """The path of the bundled font ``file``, once it is known to be there to read."""
    path = font_dir() / file
    _readable(path)
    return path


@cache
def _readable(path: Path) -> None:
    # An installation that cannot read its fonts (copied without read permission,
    # umask 077 under another user; a file removed) failed deep in reportlab or
    # Pillow: "internal error: TTFError: Can't open file ... please report it".
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise BriefgenError(
            f"cannot read a font briefgen comes with: {exc.strerror}; reinstall briefgen, "
            "or let this user read its files",
            Location.of(path),
        ) from None


def font_path(family: FontFamily, variant: str) -> Path:
    """The bundled file of one variant ("regular", "bold", "italic", "bolditalic")."""
    return font_file(family.files[variant])


# Characters every bundled font file draws (a test reads each file to hold this): the
# printable ASCII and Latin-1 characters but the soft hyphen, which Carlito lacks, and
# the common punctuation. Most briefs use no others, and parsing a file to find them
# would take a cold build's glyph check ~3 ms.
EVERY_FONT_DRAWS = frozenset(
    [chr(code) for code in range(0x20, 0x7F)]
    + [chr(code) for code in range(0xA0, 0x100) if code != 0xAD]
    + list("\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021\u2022\u2026")
    + list("\u2030\u2039\u203a\u20ac\u2122\u2212")
)


def draws(char: str, file: str) -> bool:
    """Whether the bundled font file ``file`` draws ``char``."""
    return char in EVERY_FONT_DRAWS or ord(char) in _character_map(file)


@cache
def _character_map(file: str) -> frozenset[int]:
    # reportlab's TrueType reader alone: checking what text prints (facts check) needs
    # no layout engine, whose import costs a command that renders nothing ~60 ms.
    from reportlab.pdfbase.ttfonts import TTFontFile

    return frozenset(TTFontFile(str(font_file(file))).charToGlyph)


@cache
def line_height_em(file: str) -> float:
    """The height of a line of the bundled font file ``file``, in ems: its ascent and
    descent, the larger of the two pairs a word processor may take them from (the
    'hhea' table's, and the OS/2 table's for Windows)."""
    data = font_file(file).read_bytes()
    tables: dict[bytes, int] = {}
    for index in range(struct.unpack_from(">H", data, 4)[0]):
        tag, _, offset, _ = struct.unpack_from(">4sIII", data, 12 + 16 * index)
        tables[tag] = offset
    units = struct.unpack_from(">H", data, tables[b"head"] + 18)[0]
    ascent, descent = struct.unpack_from(">hh", data, tables[b"hhea"] + 4)
    win_ascent, win_descent = struct.unpack_from(">HH", data, tables[b"OS/2"] + 74)
    return float(max(ascent - descent, win_ascent + win_descent) / units)
