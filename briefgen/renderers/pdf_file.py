"""reportlab's writing of a document's objects one after the other into the file,
with less of its machinery and the same bytes.

reportlab's ``PDFDocument.format`` wraps each of a file's objects (~90 a brief)
in an indirect object that formats its header through the file's text encoding,
then adds the result through it again. :class:`LeanDocument` writes each object's
header and ``endobj`` as bytes at once, in the same order and at the same offsets,
and leaves the cross-reference table and the trailer to reportlab. A document
that is encrypted, signed, or written with reportlab's comments is written by
reportlab's own loop.
"""

from __future__ import annotations

from typing import Any

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

from briefgen.renderers.pdf_fonts import unencrypted


class LeanDocument(pdfdoc.PDFDocument):  # type: ignore[misc]  # reportlab ships no type hints
    """reportlab's document, its objects written by :meth:`format`."""

    def format(self) -> bytes:
        """The file's bytes, as reportlab's ``PDFDocument.format`` gives them."""
        commented = not rl_config.invariant and rl_config.pdfComments
        if not unencrypted(self) or commented or getattr(self, "_digiSigs", None):
            formatted: bytes = pdfdoc.PDFDocument.format(self)
            return formatted
        self.encrypt.prepare(self)
        catalog, info = self.Catalog, self.info
        self.Reference(catalog)
        self.Reference(info)
        numbers: dict[int, str] = self.numberToId
        objects: dict[str, Any] = self.idToObject
        number_and_version: dict[str, tuple[int, int]] = self.idToObjectNumberAndVersion
        offsets: dict[str, int] = self.idToOffset
        # Objects may be added while others are formatted: numbered on, not listed.
        self.__accum__ = file = pdfdoc.PDFFile(self._pdfVersion)
        ids: list[str] = []
        counter = 0
        while True:
            counter += 1
            name = numbers.get(counter)
            if name is None:
                break
            found = objects[name]
            # reportlab's ``format`` of a top-level object, without comments, is the
            # object's own (some ninety a copy, most of them structure elements).
            if isinstance(found, pdfdoc.PDFObject):
                content: bytes = found.format(self)
            else:
                content = pdfdoc.format(found, self, toplevel=1)
            data = b"%d %d obj\n" % number_and_version[name] + content
            data += b"endobj\n" if content.endswith(b"\n") else b"\nendobj\n"
            offsets[name] = file.offset
            file.strings.append(data)
            file.offset += len(data)
            ids.append(name)
        del self.__accum__
        if counter - 1 != len(numbers):
            raise ValueError(f"counter {counter} doesn't match number to id dictionary")
        xref = pdfdoc.PDFCrossReferenceTable()
        xref.addsection(0, ids)
        trailer = pdfdoc.PDFTrailer(
            startxref=file.add(xref.format(self)),
            Size=len(numbers) + 1,
            Root=self.Reference(catalog),
            Info=self.Reference(info),
            ID=self.ID(),
        )
        file.add(trailer.format(self))
        written: bytes = file.format(self)
        return written
