"""Standard output and error in whatever encoding the system gives them.

briefgen prints curly quotes, dashes and accented letters (a Spanish brief's reading
level, a fact's text). Where the streams' encoding lacks one (a Latin-1 locale,
``PYTHONIOENCODING=latin-1``) the command failed with UnicodeEncodeError, after its
files were written; such a character is now printed as its escape (``\\u201c``), and
JSON escapes every character outside ASCII, as JSON allows, so it stays valid JSON.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import sys
from typing import TextIO

_OUTSIDE_ASCII = re.compile(r"[^\x00-\x7f]")


def _takes_unicode(stream: TextIO | None) -> bool:
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return True
    try:
        return codecs.lookup(encoding).name in {"utf-8", "utf-16", "utf-32"}
    except LookupError:
        return False


def escape_what_cannot_print() -> None:
    """Have standard output and error write a character their encoding lacks as its
    escape rather than fail."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and not _takes_unicode(stream):
            stream.reconfigure(errors="backslashreplace")


def json_for_stdout(text: str) -> str:
    """``text``, JSON, with every character outside ASCII escaped (``\\u00e1``) when
    standard output's encoding cannot hold them all."""
    if _takes_unicode(sys.stdout):
        return text
    return _OUTSIDE_ASCII.sub(lambda found: json.dumps(found.group())[1:-1], text)
