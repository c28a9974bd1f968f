"""The DOCX renderer's short cuts write what the long way writes: a run's text and
properties, a paragraph's style and spacing written directly (not through
python-docx's character loop and schema-order searches), a picture's drawing copied
from one made once, and the big styles part deflated once per content (not once per
brief) but zipped byte for byte as zipfile zips it."""

from __future__ import annotations

import io
import time
import zipfile
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from briefgen import renderers
from briefgen.graphics.raster import qr_png
from briefgen.model import Cite, LineBreak, Span
from briefgen.renderers import docx as docx_renderer
from briefgen.renderers import docx_blocks
from briefgen.renderers.docx_blocks import _add_run, _set_style
from briefgen.renderers.docx_graphics import EMU_PER_POINT, _add_inline
from briefgen.renderers.docx_tables import add_paragraph_element, set_paragraph_property
from briefgen.style import Style

TEXTS = ["plain", " leading space", "trailing space ", "a\ttab", "two\nlines", "cr\r", ""]


@pytest.fixture(scope="module")
def word() -> Any:
    """One document to add the paragraphs to (opening python-docx's template is slow)."""
    return docx.Document()


# (bold, italic, superscript): none, each, all
PROPERTIES = [(False, False, False), (True, False, False), (False, True, False),
              (False, False, True), (True, True, True)]  # fmt: skip


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(("bold", "italic", "superscript"), PROPERTIES)
def test_add_run_writes_what_python_docx_writes(
    word: Any, text: str, bold: bool, italic: bool, superscript: bool
) -> None:
    ours, theirs = word.add_paragraph(), word.add_paragraph()
    _add_run(ours, text, bold=bold, italic=italic, superscript=superscript)
    run = theirs.add_run(text)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if superscript:
        run.font.superscript = True
    assert ours._p.xml == theirs._p.xml
    if text.strip() != text and "\t" not in text and "\n" not in text and "\r" not in text:
        assert ours._p.find(f"{qn('w:r')}/{qn('w:t')}").get(qn("xml:space")) == "preserve"


@pytest.mark.parametrize("indented", [False, True])
def test_set_style_writes_what_python_docx_writes(word: Any, indented: bool) -> None:
    ours, theirs = word.add_paragraph(), word.add_paragraph()
    for paragraph in (ours, theirs):
        if indented:  # a paragraph that has its properties already
            paragraph.paragraph_format.right_indent = 240
    _set_style(ours._p, "BodyText")
    theirs._p.style = "BodyText"
    ours.paragraph_format.left_indent = theirs.paragraph_format.left_indent = 120
    assert ours._p.xml == theirs._p.xml


# python-docx's setter for each property set_paragraph_property writes.
SETTERS: dict[tuple[str, str], Any] = {
    ("spacing", "before"): lambda f, v: setattr(f, "space_before", docx.shared.Twips(int(v))),
    ("spacing", "after"): lambda f, v: setattr(f, "space_after", docx.shared.Twips(int(v))),
    ("ind", "right"): lambda f, v: setattr(f, "right_indent", docx.shared.Twips(int(v))),
    ("jc", "val"): lambda f, v: setattr(f, "alignment", docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT),
}
SETTINGS = [
    [("jc", "val", "right")],
    [("jc", "val", "right"), ("spacing", "before", "120")],  # spacing goes before jc
    [("spacing", "after", "0"), ("ind", "right", "360"), ("spacing", "before", "40")],
    [("ind", "right", "20"), ("jc", "val", "right"), ("spacing", "after", "0")],
    [("spacing", "before", "0"), ("spacing", "before", "240")],  # set twice: the last
]


@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize("styled", [False, True])
def test_set_paragraph_property_writes_what_python_docx_writes(
    word: Any, settings: list[tuple[str, str, str]], styled: bool
) -> None:
    """Each property lands in the schema's order, after the style and any property
    already there, with the value python-docx's ``paragraph_format`` writes."""
    ours, theirs = word.add_paragraph(), word.add_paragraph()
    for paragraph in (ours, theirs):
        if styled:
            paragraph._p.style = "BodyText"
            paragraph.paragraph_format.keep_with_next = True
    for tag, attribute, value in settings:
        set_paragraph_property(ours, tag, attribute, value)
        SETTERS[tag, attribute](theirs.paragraph_format, value)
    assert ours._p.xml == theirs._p.xml


def test_a_picture_is_added_as_python_docx_adds_it() -> None:
    """The drawing, its relationship and image part are python-docx's own, with
    briefgen's id, name and alt text; the same picture twice shares one part, and a
    second brief gets its own copy of the drawing."""
    pictures = [qr_png("https://example.org/a", 60.0), qr_png("https://example.org/b", 60.0)]
    for _ in range(2):  # the second time from what the first remembered
        ours, theirs = docx.Document(), docx.Document()
        for png in [*pictures, pictures[0]]:
            width, height = (docx.shared.Emu(round(p * EMU_PER_POINT)) for p in (60.0, 45.0))
            _add_inline(ours.add_paragraph().add_run(), png, 60.0, 45.0, "QR code", False)
            shape = theirs.add_paragraph().add_run().add_picture(io.BytesIO(png), width, height)
            drawing_id = len(theirs.inline_shapes)
            shape._inline.docPr.set("id", str(drawing_id))
            shape._inline.docPr.set("name", f"Picture {drawing_id}")
            shape._inline.docPr.set("descr", "QR code")
        assert ours.element.xml == theirs.element.xml
        assert ours.part.rels.keys() == theirs.part.rels.keys()
        assert [part.blob for part in ours.part.package.image_parts] == pictures


INLINES = (
    Span("Seized "),
    Span("26,700", bold=True),
    Span(" pounds\u2014\u201cup\u201d"),
    Cite(("seizures",), (3,)),
    LineBreak(),
    Span("at\u00a0ports", italic=True),
)


@pytest.mark.parametrize("indent", [None, "0"])
def test_a_kept_paragraph_is_the_one_written_in_place(
    word: Any, indent: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A paragraph without a link is written once and copied into every later brief,
    the same XML as one written in its place; one with a link, or a long one, is
    written each time."""
    style_id = f"KeptBody{indent}"  # a style no other test keeps a paragraph of
    theirs = docx_blocks.new_paragraph(word._body)
    docx_blocks._write_paragraph(theirs, style_id, indent, INLINES, Style(), False)
    written: list[int] = []
    real = docx_blocks._add_inlines
    monkeypatch.setattr(docx_blocks, "_add_inlines", lambda *args: written.append(1) or real(*args))
    kept = [docx_blocks._paragraph_element(style_id, indent, INLINES, False) for _ in range(2)]
    assert kept[0] is not kept[1]  # each brief its own copy
    for element in kept:  # compared in the same document, under the same namespaces
        assert add_paragraph_element(word._body, element)._p.xml == theirs._p.xml
    assert written == [1]
    assert docx_blocks._kept(INLINES)
    assert not docx_blocks._kept((*INLINES, Span("a link", href="https://example.org")))
    assert not docx_blocks._kept((Span("x" * (renderers.KEPT_TEXT_LENGTH + 1)),))


def _reference(members: dict[str, bytes], epoch: int) -> bytes:
    """The zip _repack wrote before big members were deflated once."""
    date_time = time.gmtime(epoch)[:6]
    members = {**members, "docProps/app.xml": docx_renderer._APP_XML}
    first = "[Content_Types].xml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in [first, *sorted(n for n in members if n != first)]:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, members[name], compresslevel=6)
    return out.getvalue()


def test_repack_with_a_big_member_deflated_once_is_zipfiles_bytes() -> None:
    big = b"".join(b'<w:style w:styleId="S%d"/>' % i for i in range(8000))
    assert len(big) >= docx_renderer._DEFLATE_REMEMBERED
    members = {"[Content_Types].xml": b"<Types/>", "word/styles.xml": big, "a.xml": b"<a/>"}
    epoch = 1_700_000_000
    expected = _reference(members, epoch)
    docx_renderer._deflate.cache_clear()
    assert docx_renderer._repack(members, epoch) == expected
    # The styles and the fixed docProps/app.xml _repack adds.
    assert docx_renderer._deflate.cache_info().misses == 2
    # The second brief reuses the deflated bytes, and its zip is the same.
    assert docx_renderer._repack(members, epoch) == expected
    assert docx_renderer._deflate.cache_info().hits == 2
    other = {**members, "word/styles.xml": big.replace(b"S1", b"T1")}
    assert docx_renderer._repack(other, epoch) == _reference(other, epoch)
    with zipfile.ZipFile(io.BytesIO(docx_renderer._repack(other, epoch))) as archive:
        assert archive.testzip() is None
        assert archive.read("word/styles.xml") == other["word/styles.xml"]


def test_repack_remembers_the_fixed_members_only() -> None:
    """The pictures and fixed parts are deflated once; a brief's own text parts, whose
    size a template decides, are never kept."""
    picture = bytes(range(256)) * 8
    text = b"<w:document>" + b"<w:p/>" * 400 + b"</w:document>"
    members = {
        "[Content_Types].xml": b"<Types/>",
        "word/media/image1.png": picture,
        "word/document.xml": text,
        "word/footer1.xml": text,
    }
    epoch = 1_700_000_000
    docx_renderer._deflate.cache_clear()
    assert docx_renderer._repack(members, epoch) == _reference(members, epoch)
    # The picture and the fixed docProps/app.xml _repack adds; not the text parts,
    # nor the content types, too small to keep.
    assert docx_renderer._deflate.cache_info().currsize == 2
    assert docx_renderer._repack(members, epoch) == _reference(members, epoch)
    assert docx_renderer._deflate.cache_info().hits == 2
