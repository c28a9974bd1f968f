"""What may name a file briefgen writes: a recipient's copy (its slug) or an
audience's output files and folder (its name), on every system the files may be
copied to."""

from __future__ import annotations

import codecs
import os
import sys
import unicodedata

MAX_SLUG = 100
# A file name holds at most 255 bytes; a copy's temporary name (output.temporary_name:
# ".briefgen-PID-TOKEN.NAME.tmp") and ".docx" take up to 44 of them.
MAX_SLUG_BYTES = 200
# Microsoft's list of reserved device names ("Naming Files, Paths, and Namespaces"),
# the superscript digits among them.
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{p}{n}" for p in ("COM", "LPT") for n in [*"0123456789", "\u00b9", "\u00b2", "\u00b3"]}
)
_WINDOWS_FORBIDDEN = set('<>:"|?*')
# Characters a file name would hold unseen, or show as something else: controls (C1's
# NEL among them), format characters (a right-to-left override, a zero-width space),
# line separators, private-use, surrogate and unassigned code points.
_UNSEEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})
_UNNAMED = {
    "Cc": "a control character",
    "Co": "a private-use character",
    "Cs": "a surrogate",
    "Cn": "an unassigned code point",
}


_UTF8_HINT = "set a UTF-8 locale (LC_ALL=C.UTF-8) or PYTHONUTF8=1"


def _unsupported_here(slug: str) -> str:
    """Why ``slug`` cannot name a file on this system as it is set up: a C or POSIX
    locale with Python's UTF-8 mode off (``PYTHONUTF8=0``) makes file names ASCII, so
    a recipient's 'ñ' cannot be written, and a template's file name read as 'p\\udcc3'
    would print as no text ("" when it can)."""
    encoding = sys.getfilesystemencoding()
    if codecs.lookup(encoding).name == "utf-8":
        return ""
    try:
        os.fsencode(slug)
    except UnicodeEncodeError as exc:
        return (
            f"{slug!r} holds {slug[exc.start]!r}, which this system's file names, in "
            f"{encoding}, cannot hold; {_UTF8_HINT}"
        )
    if any(unicodedata.category(c) == "Cs" for c in slug):
        return f"{slug!r} is a file name not in {encoding}, as this system reads them; {_UTF8_HINT}"
    return ""


def unsafe_file_name(slug: str) -> str:
    """Why ``slug`` (a recipient's id, an audience's name) cannot name a file or
    folder on every system ("" when it can)."""
    if unsupported := _unsupported_here(slug):
        return unsupported
    if len(slug) > MAX_SLUG:
        return f"longer than {MAX_SLUG} characters; it names a file"
    # A name read from a file name that was not UTF-8 holds its bytes as surrogates.
    if (size := len(slug.encode("utf-8", "surrogateescape"))) > MAX_SLUG_BYTES:
        return (
            f"{size} bytes in UTF-8, more than the {MAX_SLUG_BYTES} a file name may take "
            "(a letter beyond ASCII takes 2 to 4); shorten it"
        )
    if "/" in slug or "\\" in slug:
        return f"{slug!r} holds a path separator; it must name a file, not a path"
    if ".." in slug:
        return f"{slug!r} holds '..'; it must name a file, not a path"
    if slug.startswith("."):
        return f"{slug!r} starts with a dot, which would hide the file"
    bad = sorted({c for c in slug if c in _WINDOWS_FORBIDDEN or ord(c) < 32 or ord(c) == 127})
    if bad:
        return f"{slug!r} holds {bad[0]!r}, which Windows does not allow in a file name"
    unseen = next((c for c in slug if unicodedata.category(c) in _UNSEEN), None)
    if unseen is not None:
        name = unicodedata.name(unseen, "") or _UNNAMED[unicodedata.category(unseen)]
        return (
            f"{slug!r} holds U+{ord(unseen):04X} ({name}), which a file name would hide "
            "or show as something else"
        )
    if slug.split(".")[0].strip().upper() in _WINDOWS_RESERVED:
        return f"{slug!r} is a reserved file name on Windows"
    if slug.endswith("."):
        return f"{slug!r} ends with a dot, which Windows drops"
    return ""


# A cell a spreadsheet reads as a formula when it starts with one of these (a
# manifest's file column starts with the audience's name); a name starting with '-'
# would also read as an option on the command line.
_FORMULA_START = ("=", "+", "-", "@")


def unsafe_audience_name(name: str) -> str:
    """Why an audience's ``name`` (its template's file name) cannot name its output
    files and a batch's folder ("" when it can)."""
    if unsafe := unsafe_file_name(name):
        return unsafe
    if name.startswith(_FORMULA_START):
        return (
            f"{name!r} starts with {name[0]!r}: a spreadsheet opening the manifest would "
            "read it as a formula, and the command line as an option"
        )
    return ""
