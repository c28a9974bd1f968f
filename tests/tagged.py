"""Read a tagged PDF back: its structure tree (pypdf), the marked content of its
pages (the content stream's operators, parsed by pypdf), and the text each MCID
owns (pdfium's text objects, as a viewer sees them); and check a brief's tagging
the way issue 12 asks. Used by test_tagged_pdf.py and test_guide.py."""

from __future__ import annotations

import ctypes
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject
from readback import docx_text

SHOWS_TEXT = (b"Tj", b"TJ", b"'", b'"')
# PDF 32000-1's standard structure types (14.8.4) that PDF/UA-1 takes as they are.
STANDARD_ROLES = frozenset(
    """Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private
    H H1 H2 H3 H4 H5 H6 P L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote
    Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP Figure Formula
    Form""".split()  # noqa: SIM905  (a list of 49 names, one a line, says less)
)
PAINTS = (b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"sh", b"Do", b"EI")
PRINT = 4  # an annotation's Print flag, and none of Hidden, Invisible, NoView


@dataclass
class Node:
    """A structure element read back; ``kids`` in order: nodes, ``(page, MCID)``
    pairs, and annotation dictionaries (an OBJR's object)."""

    role: str
    alt: str = ""
    actual_text: str = ""
    ident: str = ""
    lang: str = ""
    kids: list[Node | tuple[int, int] | DictionaryObject] = field(default_factory=list)
    # Its attributes (/A: one dictionary or an array of them), by owner (/O: "Layout").
    attributes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def walk(self) -> list[Node]:
        found = [self]
        for kid in self.kids:
            if isinstance(kid, Node):
                found.extend(kid.walk())
        return found


def structure(reader: PdfReader) -> Node:
    """The tree under the StructTreeRoot: its one kid (briefgen's Document
    element), or a nameless node holding its several."""
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    top = reader.trailer["/Root"]["/StructTreeRoot"]["/K"].get_object()
    if isinstance(top, ArrayObject):  # several top elements (LibreOffice writes that)
        return Node("", kids=[_node(kid.get_object(), pages, None) for kid in top])
    return _node(top, pages, None)


def _node(element: DictionaryObject, pages: dict[int, int], page: int | None) -> Node:
    if "/Pg" in element:
        page = pages[element.raw_get("/Pg").idnum]
    node = Node(
        str(element["/S"])[1:],
        alt=str(element.get("/Alt", "")),
        actual_text=str(element.get("/ActualText", "")),
        ident=str(element.get("/ID", "")),
        lang=str(element.get("/Lang", "")),
    )
    owned = element.get("/A", ArrayObject())
    for attributes in owned if isinstance(owned, ArrayObject) else [owned]:
        attributes = attributes.get_object()
        values = {str(key)[1:]: value for key, value in attributes.items() if key != "/O"}
        node.attributes.setdefault(str(attributes["/O"])[1:], {}).update(values)
    kids = element.get("/K", ArrayObject())
    for kid in kids if isinstance(kids, ArrayObject) else [kids]:
        if isinstance(kid, int):
            assert page is not None, f"{node.role}: an MCID without a page"
            node.kids.append((page, int(kid)))
            continue
        kid = kid.get_object()
        if kid.get("/Type") == "/MCR":
            node.kids.append((pages[kid.raw_get("/Pg").idnum], int(kid["/MCID"])))
        elif kid.get("/Type") == "/OBJR":
            node.kids.append(kid["/Obj"].get_object())
        else:
            node.kids.append(_node(kid, pages, page))
    return node


@dataclass
class Marked:
    """A page's marked content: MCIDs in drawing order, and the text-showing
    operators that no single owner holds (none in a well-tagged page)."""

    mcids: list[int] = field(default_factory=list)
    unowned: list[str] = field(default_factory=list)
    artifact_text: int = 0
    unmarked_paint: int = 0  # fills, strokes, images outside any marked content
    artifact_paint: int = 0


def marked_content(reader: PdfReader, page_number: int) -> Marked:
    """Walk a page's operators with the stack of marked-content sequences open:
    each text-showing operator must lie in exactly one sequence that has an MCID or
    is an Artifact."""
    page = reader.pages[page_number]
    found = Marked()
    stack: list[tuple[str, int | None]] = []
    in_text = False
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"BT":
            in_text = True
        elif operator == b"ET":
            in_text = False
        elif operator in (b"BDC", b"BMC"):
            properties = operands[1] if operator == b"BDC" else {}
            mcid = properties.get("/MCID") if hasattr(properties, "get") else None
            stack.append((str(operands[0]), mcid))
            if mcid is not None:
                found.mcids.append(int(mcid))
        elif operator == b"EMC":
            stack.pop()
        elif operator in SHOWS_TEXT:
            owners = [tag for tag, mcid in stack if mcid is not None or tag == "/Artifact"]
            if len(owners) != 1:
                found.unowned.append(f"{operators_text(operands)!r} under {stack}")
            elif owners == ["/Artifact"]:
                found.artifact_text += 1
        elif operator in PAINTS:
            owners = [tag for tag, mcid in stack if mcid is not None or tag == "/Artifact"]
            found.unmarked_paint += len(owners) != 1
            found.artifact_paint += owners == ["/Artifact"]
    assert not stack and not in_text, "marked content or a text object left open"
    return found


def operators_text(operands: list[Any]) -> str:
    return " ".join(str(operand) for operand in operands)


def text_by_mcid(data: bytes) -> dict[tuple[int, int], str]:
    """Each (page, MCID)'s text as pdfium reads its text objects, in drawing order;
    a text object inside a ``Span`` with ``/ActualText`` read as that text, as a
    screen reader reads it (a note number's, a soft hyphen's at a line's end)."""
    texts: dict[tuple[int, int], str] = {}
    document = pdfium.PdfDocument(io.BytesIO(data))
    for number in range(len(document)):
        page = document[number]
        textpage = page.get_textpage()
        replaced: tuple[int, str] | None = None  # the last replacement read, by MCID
        for obj in page.get_objects(max_depth=4):
            if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                continue
            mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj.raw)
            if mcid < 0:
                continue
            actual = _actual_text(obj.raw)
            if actual is not None:
                # One sequence's text objects (pdfium splits a run) say it once.
                text = "" if replaced == (mcid, actual) else actual
            else:
                size = pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
                buffer = (ctypes.c_ushort * (size // 2))()
                pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, buffer, size)
                text = bytes(buffer)[: size - 2].decode("utf-16-le")
            replaced = None if actual is None else (mcid, actual)
            texts[number, mcid] = texts.get((number, mcid), "") + text
    return texts


def _actual_text(obj: Any) -> str | None:
    """The ``/ActualText`` of the ``Span`` a page object is drawn in, or None."""
    for index in range(pdfium_c.FPDFPageObj_CountMarks(obj)):
        mark = pdfium_c.FPDFPageObj_GetMark(obj, index)
        size = ctypes.c_ulong()
        if not pdfium_c.FPDFPageObjMark_GetParamBlobValue(
            mark, b"ActualText", None, 0, ctypes.byref(size)
        ):
            continue
        buffer = (ctypes.c_ubyte * size.value)()
        pdfium_c.FPDFPageObjMark_GetParamBlobValue(
            mark, b"ActualText", buffer, size.value, ctypes.byref(size)
        )
        raw = bytes(buffer)[: size.value]
        # A text string: UTF-16BE after its byte order mark, else PDFDocEncoding
        # (Latin-1 for what briefgen writes).
        return raw[2:].decode("utf-16-be") if raw[:2] == b"\xfe\xff" else raw.decode("latin-1")
    return None


def leaf_texts(tree: Node, texts: dict[tuple[int, int], str]) -> list[tuple[str, str]]:
    """(role, text) of each element's own marked content in the tree's order, a
    Reference's own text as its ActualText says it; figures and labels left out
    (the DOCX has pictures and list numbering there)."""
    out: list[tuple[str, str]] = []

    def visit(node: Node) -> None:
        if node.role in ("Figure", "Lbl"):
            return
        if node.role == "Reference" and node.actual_text:
            out.append((node.role, node.actual_text))
            return
        for kid in node.kids:
            if isinstance(kid, Node):
                visit(kid)
            elif isinstance(kid, tuple):
                out.append((node.role, texts.get(kid, "")))

    visit(tree)
    return out


def no_space(text: str) -> str:
    """Characters in order, whitespace, bullets and soft hyphens left out (the DOCX
    has each soft hyphen; the PDF's text, the one a line breaks at)."""
    return re.sub(r"[\s\u2022\u00ad]", "", text)


def check_tagged(pdf: bytes, docx: Path, read: Callable[[Path], str] = docx_text) -> Node:
    """Assert what issue 12 asks of a tagged brief; return its tree. ``read``: the
    DOCX's text in the PDF's reading order (a two-sided file's: side by side)."""
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712  (a pypdf BooleanObject)
    assert str(catalog["/Lang"]).strip()
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712  (a pypdf BooleanObject)
    xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    title = str(reader.metadata.title)
    assert title and f">{xml_escape(title)}</rdf:li>" in xmp
    tree = structure(reader)
    assert tree.role == "Document"
    roles = {node.role for node in tree.walk()}
    assert roles <= STANDARD_ROLES, roles - STANDARD_ROLES  # no role map needed
    owners: dict[tuple[int, int], int] = {}
    for node in tree.walk():
        for kid in node.kids:
            if isinstance(kid, tuple):
                owners[kid] = owners.get(kid, 0) + 1
        if node.role == "Figure":
            assert node.alt.strip(), "a Figure without alternative text"
    assert set(owners.values()) == {1}, "an MCID owned by several elements"
    # Each /ID once in the file (PDF/UA), each found through the ID tree (ISO 32000).
    idents = [node.ident for node in tree.walk() if node.ident]
    assert len(idents) == len(set(idents)), "an /ID given twice"
    if idents:
        names = catalog["/StructTreeRoot"]["/IDTree"]["/Names"]
        assert [str(name) for name in names[::2]] == sorted(idents)
        assert [n.get_object()["/ID"] for n in names[1::2]] == sorted(idents)
        # Byte for byte (an ID is a byte string, the tree's keys are compared as
        # bytes): pypdf reads "note-1" alike from ASCII and from UTF-16 with a BOM.
        keys = [_raw_bytes(name) for name in names[::2]]
        assert keys == [_raw_bytes(n.get_object()["/ID"]) for n in names[1::2]]
        assert keys == [ident.encode("ascii") for ident in sorted(idents)]
    for number, page in enumerate(reader.pages):
        marked = marked_content(reader, number)
        assert not marked.unowned, marked.unowned[:3]
        assert marked.artifact_text == 0, "text drawn as an artifact"
        assert marked.unmarked_paint == 0, "painting neither tagged nor an artifact"
        assert marked.artifact_paint, "no page furniture drawn as an artifact"
        assert {(number, m) for m in marked.mcids} == {k for k in owners if k[0] == number}
        assert len(marked.mcids) == len(set(marked.mcids)), "an MCID used twice on a page"
        assert page["/Tabs"] == "/S"
        parents = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
        keys = dict(zip(parents[::2], parents[1::2], strict=True))
        owners_by_mcid = keys[page["/StructParents"]]
        assert len(owners_by_mcid) == len(marked.mcids)
        for mcid, owner in enumerate(owners_by_mcid):
            assert mcid in _mcids_of(owner.get_object()), f"parent tree: MCID {mcid}"
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            assert annotation.get("/F") == PRINT, "an annotation without the Print flag"
            assert str(annotation["/Contents"]).strip()
            owner = keys[annotation["/StructParent"]].get_object()
            assert owner["/S"] == "/Link"
    links = [kid for node in tree.walk() for kid in node.kids if isinstance(kid, DictionaryObject)]
    annotations = [a for page in reader.pages for a in page.get("/Annots", [])]
    assert len(links) == len(annotations), "an annotation no Link element owns"
    _assert_headings_nest(tree)
    # The page's marked content runs in the tree's (reading) order too.
    in_tree_order = _marks_in_order(tree)
    assert in_tree_order == sorted(in_tree_order), "marked content out of reading order"
    texts = text_by_mcid(pdf)
    pieces = leaf_texts(tree, texts)
    assert no_space("".join(text for _, text in pieces)) == no_space(read(docx))
    _assert_note_numbers_apart(tree, texts)
    _assert_fonts_embedded(reader)
    return tree


def _raw_bytes(string: Any) -> bytes:
    """A string object's bytes as the file holds them (not decoded as text)."""
    return bytes(getattr(string, "original_bytes", string))


def _mcids_of(element: DictionaryObject) -> list[int]:
    """The MCIDs an element's /K names (bare, in an array, or in MCR dictionaries)."""
    kids = element.get("/K", ArrayObject())
    found = []
    for kid in kids if isinstance(kids, ArrayObject) else [kids]:
        kid = kid.get_object()
        if isinstance(kid, int):
            found.append(int(kid))
        elif isinstance(kid, DictionaryObject) and "/MCID" in kid:
            found.append(int(kid["/MCID"]))
    return found


def _marks_in_order(node: Node) -> list[tuple[int, int]]:
    """The (page, MCID)s under ``node`` in the order of the kids arrays (a
    paragraph's runs around its note numbers included where they stand)."""
    found: list[tuple[int, int]] = []
    for kid in node.kids:
        if isinstance(kid, tuple):
            found.append(kid)
        elif isinstance(kid, Node):
            found.extend(_marks_in_order(kid))
    return found


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _assert_headings_nest(tree: Node) -> None:
    levels = [int(node.role[1]) for node in tree.walk() if re.fullmatch(r"H[1-6]", node.role)]
    previous = 0
    for level in levels:
        assert level <= previous + 1, f"heading levels {levels} skip one"
        previous = level


def _assert_note_numbers_apart(tree: Node, texts: dict[tuple[int, int], str]) -> None:
    """Each Reference owns its own marked content (never shared with the text before
    it) and its ActualText starts with a space, so a digit before it cannot fuse."""
    for node in tree.walk():
        if node.role != "Reference":
            continue
        assert (
            node.actual_text[:1].isspace() and node.actual_text.strip().replace(",", "").isdigit()
        )
        shown = "".join(texts[kid] for kid in node.kids if isinstance(kid, tuple))
        assert no_space(shown) == no_space(node.actual_text), (shown, node.actual_text)


def _assert_fonts_embedded(reader: PdfReader) -> None:
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert "/ToUnicode" in font, font["/BaseFont"]
            descriptor = font["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def docx_file(folder: Path, data: bytes, name: str = "brief") -> Path:
    """The DOCX bytes written to ``folder`` (python-docx reads files)."""
    path = folder / f"{name}.docx"
    path.write_bytes(data)
    return path
