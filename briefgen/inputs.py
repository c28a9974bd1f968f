"""Read a user's input file (facts, settings) without letting it exhaust the machine.

Only regular files are read: a FIFO would block forever and ``/dev/zero`` never ends,
so both are refused by name, before and after opening (a FIFO is opened without
waiting for a writer). At most ``limit + 1`` bytes are ever read, so an oversized file
costs nothing, and the message gives the real reason.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import Any

from briefgen.errors import BriefgenError, Location, terminal_safe

# Values quoted in messages are cut to this many characters.
QUOTE_LIMIT = 60
# A link's address, in a template or a source's URL: a real one is far shorter.
MAX_LINK_CHARS = 2000


def clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text``, cut to ``limit`` characters with an ellipsis: a message never carries a
    huge value."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def clip_name(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A key or column name, as written, for a message: clipped as :func:`clip` does,
    and on one line, a line break or control character written as its escape (YAML,
    TOML and CSV may quote a key that holds one)."""
    return clip(terminal_safe(text, keep=""), limit)


def quote(value: Any) -> str:
    """``value`` for a message: text quoted and clipped; a list, mapping or binary data by
    its kind, never its (maybe huge: aliases share one value many times) whole repr;
    true, false and null as YAML and TOML write them; a date as it is written."""
    if isinstance(value, str):
        return repr(clip(value))
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "null"
    if isinstance(value, list | tuple | set):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, dt.datetime):
        return f"the date and time {value.isoformat(sep=' ')}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    return clip(repr(value))


_SLASHED_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def slashed_date(text: str) -> tuple[str, str] | None:
    """How a date typed with slashes reads ("a U.S. date", 11/05/2026; "a date
    written day first", 31/12/2026) and that day written YYYY-MM-DD; None for other
    text, or for slashes that make no day either way (13/45/2026)."""
    found = _SLASHED_DATE.fullmatch(text)
    if found is None:
        return None
    first, second, year = (int(part) for part in found.groups())
    for way, month, day in (
        ("a U.S. date", first, second),
        ("a date written day first", second, first),
    ):
        with contextlib.suppress(ValueError):
            return way, dt.date(year, month, day).isoformat()
    return None


class LongNumber(str):
    """A whole number written without quotes in YAML, of more digits than Python
    reads (4,300): kept as its text, and marked so, to be told as too large rather
    than as text written in quotes."""


def not_typed_number(value: Any, whole: bool = False) -> str:
    """What to say of a value given where a number belongs (pydantic's ``float_type``
    or ``int_type``, strict): TOML and YAML type their values, and true would have
    been taken for 1 and "3" for 3."""
    kind = "a whole number" if whole else "a number"
    if isinstance(value, LongNumber):
        return f"must be {kind} such as 3, not one of {len(value.strip('+-')):,} digits"
    return f"must be {kind}, written without quotes (such as 3), not {quote(value)}"


def not_finite(value: Any) -> str:
    """What to say of nan or infinity where a setting takes a number (pydantic's
    ``finite_number``; TOML and YAML write them, and read 1e400 as inf)."""
    if isinstance(value, float) and value != value:  # nan is not even itself
        return "must be a number, not nan"
    return f"must be a finite number, not {quote(value)}"


def read_bytes(path: Path, limit: int, error: type[BriefgenError], what: str) -> bytes:
    """The bytes of the regular file ``path``, refused with ``error`` when larger than
    ``limit`` bytes. ``what`` names the kind of file in that message."""
    where = Location.of(path)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise error("not a regular file", where)
        # O_NONBLOCK: should the path become a FIFO after the check, do not wait for a writer.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror}", where) from None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise error("not a regular file", where)
        try:
            data = file.read(limit + 1)
        except OSError as exc:
            raise error(f"cannot read the file: {exc.strerror}", where) from None
    if len(data) > limit:
        raise error(
            f"larger than {limit:,} bytes, the most briefgen reads from {what}; "
            "split it or leave out what the briefs do not need",
            where,
        )
    return data


def composed(text: str) -> str:
    """``text`` with each letter and its accents as one character where Unicode has one
    (NFC): reportlab draws a separate accent beside its letter, not over it, and an
    ``id`` typed either way is the same name."""
    return unicodedata.normalize("NFC", text)


# The byte-order marks of UTF-16, little- and big-endian.
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def from_utf16(data: bytes, path: Path, error: type[BriefgenError]) -> bytes:
    """A file saved as UTF-16 with its byte-order mark (Excel's "Unicode Text",
    Windows Notepad's "Unicode") as UTF-8 bytes, its lines where they were; any other
    file as it is."""
    if not data.startswith(_UTF16_MARKS):
        return data
    try:
        return data.decode("utf-16").encode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode("utf-16", errors="replace").count("\n") + 1
        raise error(
            "not valid UTF-16 (the file begins as UTF-16 does); save the file as UTF-8",
            Location.of(path, line),
        ) from None


def decode_text(data: bytes, path: Path, error: type[BriefgenError]) -> str:
    """``data`` as UTF-8 text, :func:`composed` (a leading byte-order mark dropped;
    UTF-16 with its mark read as such), refused at the line of the first bad byte or
    when it holds NUL bytes."""
    data = from_utf16(data, path, error)
    if b"\0" in data:
        raise error("this is not a text file (it contains NUL bytes)", Location.of(path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            Location.of(path, line),
        ) from None
    return composed(text.removeprefix("\ufeff"))
