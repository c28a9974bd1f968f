"""reportlab's conversion of a PDF object's text to the file's bytes, made cheaper
for the text it nearly always is, with the same bytes.

reportlab writes every piece of a file it formats (an object's number, each name
and value of a dictionary, a reference) through ``pdfdoc.pdfdocEnc``, which encodes
a ``str`` with its ``extpdfdoc`` codec: a codec looked up by name and a character
map applied in Python, a few hundred times a copy. That codec maps each ASCII
character to its own byte but for the control characters 0x18-0x1F, which it
refuses (PDFDocEncoding gives those codes to accents); so text of the other ASCII
characters is encoded as ASCII here, and any other text, or bytes, as reportlab
does.

reportlab also writes each name of every dictionary through ``pdfdoc.PDFName``,
which escapes it a character at a time: each name is escaped once per process. And
``PDFDictionary.format`` passes each name, then each value, through the general
``pdfdoc.format``: a name is written once per process with the space after it, and
a value that is text or a number as ``format`` writes it, directly.

The functions are replaced in reportlab's module, once, for every document a
process writes: the bytes are the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc

# Anything but the ASCII characters the extpdfdoc codec maps to their own bytes.
_NOT_OWN_BYTE = re.compile("[^\x00-\x17\x20-\x7f]")

_PDFDOC_ENC: Callable[[str | bytes], bytes] = getattr(
    pdfdoc.pdfdocEnc, "briefgen_original", pdfdoc.pdfdocEnc
)


def pdfdoc_enc(text: str | bytes) -> bytes:
    """``text`` as reportlab's ``pdfdocEnc`` gives it, without its codec when each
    character is its own byte."""
    if type(text) is str and _NOT_OWN_BYTE.search(text) is None:
        return text.encode("ascii")
    return _PDFDOC_ENC(text)


pdfdoc_enc.briefgen_original = _PDFDOC_ENC  # type: ignore[attr-defined]
pdfdoc.pdfdocEnc = pdfdoc_enc


_PDF_NAME: Callable[..., str] = getattr(pdfdoc.PDFName, "briefgen_original", pdfdoc.PDFName)
_names: dict[str, str] = {}
# Names kept: the keys of the dictionaries reportlab writes (a few dozen) and the
# names among their values.
_NAMES_KEPT = 1024


def pdf_name(data: str, lo: str = "\x21", hi: str = "\x7e") -> str:
    """reportlab's ``PDFName(data)``: ``data`` as a name (``/Type``), its characters
    outside ``lo``-``hi`` and its delimiters written ``#hh``; worked out once per
    process for each name, as reportlab writes a dictionary's names for every
    dictionary of every file."""
    if type(data) is not str or lo != "\x21" or hi != "\x7e":
        return _PDF_NAME(data, lo, hi)
    name = _names.get(data)
    if name is None:
        name = _PDF_NAME(data)
        if len(_names) < _NAMES_KEPT:
            _names[data] = name
    return name


pdf_name.briefgen_original = _PDF_NAME  # type: ignore[attr-defined]
pdfdoc.PDFName = pdf_name


_DICTIONARY_FORMAT: Callable[..., bytes] = getattr(
    pdfdoc.PDFDictionary.format, "briefgen_original", pdfdoc.PDFDictionary.format
)
# Each name of a dictionary as written before its value ("/Type "), by the name.
_keys: dict[str, bytes] = {}


def dictionary_format(self: pdfdoc.PDFDictionary, document: Any, IND: bytes = b"\n ") -> bytes:
    """reportlab's ``PDFDictionary.format``: each name written once per process
    with the space after it, and a value that is text or a number written as
    reportlab's ``format`` writes it, without passing through it."""
    items = self.dict
    if type(items) is not dict:
        return _DICTIONARY_FORMAT(self, document, IND)
    names = sorted(items)
    lines = []
    format = pdfdoc.format
    for name in names:
        key = _keys.get(name) if type(name) is str else None
        if key is None:
            key = format(pdfdoc.PDFName(name), document) + b" "
            if type(name) is str and len(_keys) < _NAMES_KEPT:
                _keys[name] = key
        value = items[name]
        kind = type(value)
        if kind is str:
            lines.append(key + pdfdoc_enc(value))
        elif kind is int or kind is float:
            lines.append(key + pdfdoc_enc(fp_str(value)))
        else:
            lines.append(key + format(value, document))
    if (self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced":
        return b"<<\n" + IND.join(lines) + b"\n>>"
    for index in reversed(range(6, len(lines), 6)):
        lines.insert(index, b"\n ")
    return b"<<\n" + b" ".join(lines) + b"\n>>"


dictionary_format.briefgen_original = _DICTIONARY_FORMAT  # type: ignore[attr-defined]
pdfdoc.PDFDictionary.format = dictionary_format
