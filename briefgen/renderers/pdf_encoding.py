"""reportlab's conversion of a PDF object's text to the file's bytes, made cheaper
for the text it nearly always is, with the same bytes.

reportlab writes every piece of a file it formats (an object's number, each name
and value of a dictionary, a reference) through ``pdfdoc.pdfdocEnc``, which encodes
a ``str`` with its ``extpdfdoc`` codec: a codec looked up by name and a character
map applied in Python, a few hundred times a copy. That codec maps each ASCII
character to its own byte but for the control characters 0x18-0x1F, which it
refuses (PDFDocEncoding gives those codes to accents); so text of the other ASCII
characters is encoded as ASCII here, and any other text, or bytes, as reportlab
does. The function is replaced in reportlab's module, once, for every document
a process writes: the bytes are the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable

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
