"""One PDF of a batch's copies for the print shop, written as it is read.

pypdf's writer keeps every appended page's objects until it writes the file, and the
file is then held in memory once more: a batch of 5,500 copies took 2 GB. Here each
copy is read, its page's objects renumbered and written out at once, and only each
object's offset, each page's number and a digest of each stream the copies share (a
font program, the QR code) are kept; the page tree, the catalog and the
cross-reference table follow the last copy. pypdf still reads and serializes every
object; only the joining is done here, which pypdf has no streaming form of.

The file is for printing: it keeps no copy's structure tree (pypdf's joining kept
none either), so a page's and a link's pointers into one are dropped.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import deque
from collections.abc import Iterable
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
)

from briefgen.errors import OutputError

_CATALOG, _PAGES = 1, 2  # the objects written last, numbered first
# A cross-reference entry gives an offset in 10 digits.
MAX_BYTES = 9_999_999_999
# A font subset's name: six capital letters, '+', the font's (ISO 32000-1, 9.6.4).
_SUBSET = re.compile(r"/[A-Z]{6}\+(.+)")
_PROGRAMS = (NameObject("/FontFile2"), NameObject("/FontFile"), NameObject("/FontFile3"))
# What ties a page or a link to its copy's structure tree, which is not copied.
_TREE_KEYS = (NameObject("/StructParents"), NameObject("/StructParent"))


def write_combined(
    pdfs: Iterable[bytes], out: BinaryIO, sizes: list[tuple[float, float]] | None = None
) -> list[int]:
    """Write one PDF of every page of ``pdfs``, in order, to ``out``; each one's page
    count. Deterministic: the same copies give the same bytes. ``sizes``: given, each
    page's width and height (points) is added to it, in order."""
    offsets: dict[int, int] = {}
    shared: dict[bytes, int] = {}  # a stream written once for every copy, by its bytes
    kids: list[int] = []
    counts: list[int] = []
    start = out.tell()
    header_written = False
    for data in pdfs:
        reader = PdfReader(io.BytesIO(data))
        if not header_written:
            # The first copy's version; the binary comment says the file is binary.
            out.write(f"{reader.pdf_header}\n%\xe2\xe3\xcf\xd3\n".encode("latin-1"))
            header_written = True
        joined = _Copy(reader, _PAGES + 1 + len(offsets), _PAGES, shared)
        for page in reader.pages:
            kids.append(joined.number(page.indirect_reference))
            if sizes is not None:
                sizes.append((float(page.mediabox.width), float(page.mediabox.height)))
        for number, body in joined.objects():
            offsets[number] = _offset(out, start)
            out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
        counts.append(len(reader.pages))
    if not header_written:
        return counts
    pages = " ".join(f"{kid} 0 R" for kid in kids)
    offsets[_PAGES] = _offset(out, start)
    out.write(
        f"{_PAGES} 0 obj\n<< /Type /Pages /Count {len(kids)} /Kids [{pages}] >>\nendobj\n".encode()
    )
    offsets[_CATALOG] = _offset(out, start)
    out.write(f"{_CATALOG} 0 obj\n<< /Type /Catalog /Pages {_PAGES} 0 R >>\nendobj\n".encode())
    size = max(offsets) + 1
    table = out.tell() - start
    lines = [f"xref\n0 {size}\n", "0000000000 65535 f \n"]
    lines += [f"{offsets[n]:010d} 00000 n \n" for n in range(1, size)]
    lines.append(f"trailer\n<< /Size {size} /Root {_CATALOG} 0 R >>\nstartxref\n{table}\n%%EOF\n")
    out.write("".join(lines).encode())
    return counts


def _offset(out: BinaryIO, start: int) -> int:
    """Where the next object starts, as its cross-reference entry gives it."""
    offset = out.tell() - start
    if offset > MAX_BYTES:
        raise OutputError(
            "the combined PDF would pass 10 GB, more than a PDF's cross-reference table "
            "can point into; combine fewer copies at a time (--shard I/N)"
        )
    return offset


class _Copy:
    """One copy's pages and every object they use, renumbered from ``next_number``;
    each page's /Parent is the joined file's page tree. A stream that refers to no
    other object and that an earlier copy wrote byte for byte (a font program, the QR
    code, the chart) is not written again: ``shared`` gives its number. Every copy
    embedding its own fonts made a 5,500-copy file of 344 MB."""

    def __init__(
        self, reader: PdfReader, next_number: int, parent: int, shared: dict[bytes, int]
    ) -> None:
        self.reader = reader
        self.next_number = next_number
        self.parent = IndirectObject(parent, 0, None)
        self.shared = shared
        self.numbers: dict[int, int] = {}  # the copy's object number -> the file's
        self.waiting: deque[int] = deque()  # the copy's objects numbered, not yet written
        self.leaves: dict[int, bytes] = {}  # the bytes of those that refer to nothing

    def number(self, reference: IndirectObject | None) -> int:
        """The joined file's number of the copy's object ``reference``."""
        assert reference is not None, "a page read from a file has its reference"
        if reference.idnum in self.numbers:
            return self.numbers[reference.idnum]
        leaf = self._leaf_stream(reference.idnum)
        if leaf is not None:
            key = hashlib.sha256(leaf).digest()
            if key in self.shared:
                self.numbers[reference.idnum] = self.shared[key]
                return self.shared[key]
            self.shared[key] = self.next_number
            self.leaves[reference.idnum] = leaf
        self.numbers[reference.idnum] = self.next_number
        self.next_number += 1
        self.waiting.append(reference.idnum)
        return self.numbers[reference.idnum]

    def _leaf_stream(self, idnum: int) -> bytes | None:
        """Object ``idnum`` as written, if it is a stream referring to no other object
        (nothing in it is renumbered), else None."""
        value = self.reader.get_object(idnum)
        if not isinstance(value, StreamObject) or _refers(value):
            return None
        written = io.BytesIO()
        value.write_to_stream(written)
        return written.getvalue()

    def objects(self) -> Iterable[tuple[int, bytes]]:
        """Each object the pages use, as the joined file numbers and writes it."""
        while self.waiting:
            old = self.waiting.popleft()
            if old in self.leaves:
                yield self.numbers[old], self.leaves.pop(old)
                continue
            value = self.reader.get_object(old)
            assert value is not None, f"object {old} of a copy briefgen wrote"
            if isinstance(value, DictionaryObject) and value.get("/Type") == "/Page":
                value[NameObject("/Parent")] = self.parent
            self._retag(value)
            self._renumber(value)
            body = io.BytesIO()
            value.write_to_stream(body)
            yield self.numbers[old], body.getvalue()

    def _retag(self, value: PdfObject) -> None:
        """Name a font subset by its program: each copy's subsets are tagged apart
        within the copy (pdf_fonts), but two copies' different subsets of one face
        had one tag, and one tag must be one subset in a file (ISO 32000-1, 9.6.4), or
        a print shop's RIP may take one for the other. Before renumbering: the
        program is read through the copy's own references."""
        if not isinstance(value, DictionaryObject):
            return
        for key in (NameObject("/BaseFont"), NameObject("/FontName")):
            name = value.get(key)
            match = _SUBSET.fullmatch(name) if isinstance(name, str) else None
            program = self._program(value) if match else None
            if match and program is not None:
                digest = hashlib.sha256(program).digest()
                tag = "".join(chr(ord("A") + byte % 26) for byte in digest[:6])
                value[key] = NameObject(f"/{tag}+{match.group(1)}")

    def _program(self, font: DictionaryObject) -> bytes | None:
        """The bytes of the font program behind a font or font descriptor."""
        descriptor: object = font
        if not any(key in font for key in _PROGRAMS):
            reference = font.get("/FontDescriptor")
            descriptor = reference.get_object() if reference is not None else None
        if not isinstance(descriptor, DictionaryObject):
            return None
        stream = next((descriptor[key] for key in _PROGRAMS if key in descriptor), None)
        stream = stream.get_object() if stream is not None else None
        return stream.get_data() if isinstance(stream, StreamObject) else None

    def _renumber(self, value: PdfObject) -> None:
        """Point ``value``'s references (at any depth but inside other objects) at the
        joined file's numbers, in place: the copy's reader is read once."""
        if isinstance(value, DictionaryObject | StreamObject):
            for key in _TREE_KEYS:
                value.pop(key, None)
            for key, item in list(value.items()):
                if key == "/Parent" and item is self.parent:
                    continue
                value[key] = self._pointed(item)
        elif isinstance(value, ArrayObject):
            for index, item in enumerate(value):
                value[index] = self._pointed(item)

    def _pointed(self, item: PdfObject) -> PdfObject:
        if isinstance(item, IndirectObject):
            return IndirectObject(self.number(item), 0, None)
        self._renumber(item)
        return item


def _refers(value: PdfObject) -> bool:
    """Whether ``value`` (a stream's dictionary, an array, ...) holds a reference."""
    if isinstance(value, IndirectObject):
        return True
    if isinstance(value, DictionaryObject):
        return any(_refers(item) for item in value.values())
    if isinstance(value, ArrayObject):
        return any(_refers(item) for item in value)
    return False
