"""One PDF of a batch's copies for the print shop, written as it is read.

pypdf's writer keeps every appended page's objects until it writes the file, and the
file is then held in memory once more: a batch of 5,500 copies took 2 GB. Here each
copy is read, its page's objects renumbered and written out at once, and only each
object's offset, each page's number and a digest of each object the copies share (a
font program and its font, the QR code, a logo and its soft mask) are kept; the page
tree, the catalog and the cross-reference table follow the last copy. pypdf still
reads and serializes every object; only the joining is done here, which pypdf has no
streaming form of.

The file is for printing: it keeps no copy's structure tree (pypdf's joining kept
none either), so a page's and a link's pointers into one are dropped.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import deque
from collections.abc import Iterable, Iterator
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
# The dictionaries written once for every copy that has them alike, with streams: a
# page, a link or the page tree must each stand once in the file.
_SHARED_TYPES = frozenset({"/Font", "/FontDescriptor", "/ExtGState"})


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
    each page's /Parent is the joined file's page tree. A stream, font or font
    descriptor that an earlier copy wrote byte for byte once renumbered (a font
    program and its font, the QR code, the chart, a logo and its soft mask) is not
    written again: ``shared`` gives its number. Every copy embedding its own fonts made
    a 5,500-copy file of 344 MB; a logo with transparency, an image pointing at its
    soft mask, was written again for every copy until what a shared object points at
    was shared first."""

    def __init__(
        self, reader: PdfReader, next_number: int, parent: int, shared: dict[bytes, int]
    ) -> None:
        self.reader = reader
        self.next_number = next_number
        self.parent = IndirectObject(parent, 0, None)
        self.shared = shared
        self.numbers: dict[int, int] = {}  # the copy's object number -> the file's
        self.waiting: deque[int] = deque()  # the copy's objects numbered, not yet written
        self.written: dict[int, bytes] = {}  # the bytes of those already renumbered
        self.sharing: set[int] = set()  # the copy's objects shared (or to be), by number
        self.visiting: set[int] = set()  # those being renumbered to be shared, now
        self.originals: dict[int, int] = {}  # the file's number -> the copy's

    def number(self, reference: IndirectObject | None) -> int:
        """The joined file's number of the copy's object ``reference``."""
        assert reference is not None, "a page read from a file has its reference"
        idnum = reference.idnum
        if idnum in self.numbers:
            return self.numbers[idnum]
        body = self._shared_body(idnum)
        if idnum in self.numbers:  # numbered on the way, by an object pointing back
            return self.numbers[idnum]
        if body is not None:
            self.sharing.add(idnum)
            key = hashlib.sha256(body).digest()
            if key in self.shared:
                self.numbers[idnum] = self.shared[key]
                self.originals.setdefault(self.shared[key], idnum)
                return self.shared[key]
            self.shared[key] = self.next_number
            self.written[idnum] = body
        self.numbers[idnum] = self.next_number
        self.originals[self.next_number] = idnum
        self.next_number += 1
        self.waiting.append(idnum)
        return self.numbers[idnum]

    def _shared_body(self, idnum: int) -> bytes | None:
        """Object ``idnum`` as written, renumbered, if it is one to share (a stream, a
        font, a font descriptor) and everything it points at is shared too (numbered
        first, so that its bytes are the same in every copy that has it alike), else
        None."""
        value = self.reader.get_object(idnum)
        shareable = isinstance(value, StreamObject) or (
            isinstance(value, DictionaryObject) and value.get("/Type") in _SHARED_TYPES
        )
        if not shareable or idnum in self.visiting:
            return None
        assert isinstance(value, DictionaryObject)  # a stream is one too
        self._retag(value)  # before what it points at is renumbered: it reads them
        self.visiting.add(idnum)
        try:
            for reference in _references(value):
                self.number(reference)
                if reference.idnum not in self.sharing:
                    return None
        finally:
            self.visiting.discard(idnum)
        self._renumber(value)
        written = io.BytesIO()
        value.write_to_stream(written)
        return written.getvalue()

    def objects(self) -> Iterable[tuple[int, bytes]]:
        """Each object the pages use, as the joined file numbers and writes it."""
        while self.waiting:
            old = self.waiting.popleft()
            if old in self.written:
                yield self.numbers[old], self.written.pop(old)
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
            descriptor = self._resolved(font.get("/FontDescriptor"))
        if not isinstance(descriptor, DictionaryObject):
            return None
        pointer = next((descriptor[key] for key in _PROGRAMS if key in descriptor), None)
        stream = self._resolved(pointer)
        return stream.get_data() if isinstance(stream, StreamObject) else None

    def _resolved(self, item: object) -> object:
        """``item``, or the copy's object it points at, through the copy's number or
        through the file's, once renumbered."""
        if not isinstance(item, IndirectObject):
            return item
        if item.pdf is self.reader:
            return item.get_object()
        return self.reader.get_object(self.originals[item.idnum])

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


def _references(value: PdfObject) -> Iterator[IndirectObject]:
    """Each reference ``value`` (a dictionary, a stream's, an array) holds, at any
    depth but inside other objects, in order."""
    if isinstance(value, IndirectObject):
        yield value
    elif isinstance(value, DictionaryObject):
        for item in value.values():
            yield from _references(item)
    elif isinstance(value, ArrayObject):
        for item in value:
            yield from _references(item)
