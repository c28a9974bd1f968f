"""Render a :class:`~briefgen.model.Document` as an editable Word file.

The DOCX is laid out from the same :class:`~briefgen.style.Style` as the PDF: same
page size and margins, same type sizes, *exact* line spacing equal to each
``TextStyle.leading``, same space before/after and indents (but for the point of
room LibreOffice keeps after italic type, given back: ``docx_blocks.italic_room``).
Every block is written with a real Word paragraph style ("Heading 1", "Body Text",
"List Bullet", "Quote" and a few custom ones) so the reader can restyle the brief in
Word, and every style spells out all of its properties so nothing leaks in from
python-docx's template (Calibri, "space after 10pt", "line 1.15", keep-with-next,
widow control).

Output is reproducible: the same document and style give byte-identical bytes.
Dates come from ``SOURCE_DATE_EPOCH`` when it is set, else a fixed date, and the
zip is re-packed with fixed timestamps, a fixed member order and no random ids.

python-docx is imported here only; the pipeline imports this module lazily.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import os
import time
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import groupby
from typing import Any
from xml.sax.saxutils import escape

import docx
from docx.blkcntnr import BlockItemContainer
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.pkgwriter import PackageWriter
from docx.oxml.ns import qn
from docx.parts.story import StoryPart
from docx.section import Section
from docx.shared import Twips
from docx.text.paragraph import Paragraph as DocxParagraph

from briefgen.errors import BriefgenError
from briefgen.fonts import FALLBACK_FILES, FALLBACK_NAME, draws
from briefgen.model import (
    LIST_LEVELS,
    Document,
    Metadata,
    Notes,
)
from briefgen.renderers.docx_blocks import (
    BULLET_NUM_ID,
    CHART_TITLE_LEVEL,
    BlockWriter,
    right_indent,
    text_element,
)
from briefgen.renderers.docx_tables import (
    add_spacer,
    el,
    hex_colour,
    set_paragraph_property,
    twips,
)
from briefgen.renderers.geometry import BULLETS, level_text_at
from briefgen.style import Style, TextStyle
from briefgen.theme import FontFamily

__all__ = ["STYLE_NAMES", "render_docx", "render_docx_pages"]

# The Word paragraph style used for each kind of block.
STYLE_NAMES = {
    "title": "Heading 1",
    "heading": "Heading 2",
    # A heading at the top of the outline that is not the title (each section heading
    # of a brief without one; renderers.Outline): Heading 2's look at level 1, where
    # the PDF tags it H1. Word ignores an outline level set on a paragraph of a
    # built-in heading style, so it is a style of its own.
    "top_heading": "Top Heading",
    # Not Normal: the body keeps to the measure with a right indent, which a table or
    # text box a person inserts in Word would take from Normal, squeezed to a sliver.
    "body": "Body Text",
    "bullet": "List Bullet",
    "number": "List Number",
    "quote": "Quote",
    "attribution": "Attribution",
    "aside_quote": "Sidebar Quote",
    "aside_attribution": "Sidebar Attribution",
    "callout_figure": "Callout Figure",
    "callout_label": "Callout Label",
    "notes_heading": "Sources Heading",
    "note": "Source Note",
    # A card's figure: Callout Figure's look, but Enter after it gives a Card Label.
    "card_figure": "Card Figure",
    "card_label": "Card Label",
    "masthead": "Masthead",
    "masthead_line": "Masthead Detail",
    "footer": "Footer",
    "footer_contact": "Footer Contact",
    "chart_title": "Chart Title",
    "caption": "Caption",
    "table_cell": "Table Text",
    "table_header": "Table Header",
}

_DEFAULT_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_ZIP_EPOCH_MIN = 315532800  # 1980-01-01T00:00:00Z, the earliest date a zip can hold
_ZIP_EPOCH_MAX = 4354819198  # 2107-12-31T23:59:58Z, the latest
_NUMBER_NUM_ID = 2

_REL_THUMBNAIL = "relationships/metadata/thumbnail"
_REL_DROPPED = ("relationships/stylesWithEffects", "relationships/customXml")


_APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/docPropsVTypes"><Application>briefgen</Application><DocSecurity>0</DocSecurity>'
    b"<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    b"<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
)


@lru_cache(maxsize=16)
def _app_xml(organization: str) -> bytes:
    """The extended properties, with ``organization`` as the company Word shows in
    File > Info (none when empty)."""
    if not organization:
        return _APP_XML
    company = f"<Company>{escape(organization)}</Company>".encode()
    return _APP_XML.replace(b"<LinksUpToDate>", company + b"<LinksUpToDate>")


# Schema order of the children of w:pPr (Word rejects a file whose elements are out
# of order).
_PPR_ORDER = (
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
)


# --- public API ------------------------------------------------------------------


def render_docx(document: Document, style: Style) -> bytes:
    """Lay out ``document`` with ``style`` and return the bytes of a .docx file.

    Same inputs (and the same ``SOURCE_DATE_EPOCH``) give byte-identical output.
    """
    return render_docx_pages([(document, style)])


def render_docx_pages(pages: Sequence[tuple[Document, Style]]) -> bytes:
    """One .docx of several briefs that share one style, each in a section of its own
    that starts a new page, with its own footer, and its text marked in its own
    language. The file's properties are the first brief's."""
    document, style = pages[0]
    if any(page_style != style for _, page_style in pages):
        raise ValueError("the briefs of one DOCX must share one style")
    epoch = _epoch(document.metadata)
    base = _base_document(style, document.metadata.language)
    word = base.open()
    numbering = _Numbering.resume(word)

    writer = BlockWriter(
        word, style, numbering, STYLE_NAMES, text_styles(style), style_ids=base.style_ids
    )
    body = word._body
    last_section = body._element.get_or_add_sectPr()
    sides: list[list[Any]] = []
    footed = False
    for number, (page, _) in enumerate(pages, start=1):
        # Each side is written into an empty body, as a one-page brief is, then set
        # aside until every side is written.
        _write_side(word, writer, base, page)
        content = [child for child in body._element if child is not last_section]
        section = last_section
        if number < len(pages):
            if content[-1].tag != qn("w:p"):
                content.append(add_spacer(body, 0.0)._p)
            section = last_section.clone()
            for reference in ("headerReference", "footerReference"):
                _replace_child(section, reference, None)
            content[-1].set_sectPr(section)
        footer = _write_footer(writer, Section(section, word.part), page, footed)
        footed = footed or footer is not None
        if page.metadata.language != document.metadata.language:
            _mark_language(
                [*content, *([footer] if footer is not None else [])], page.metadata.language
            )
        for child in content:
            body._element.remove(child)
        sides.append(content)
    for content in sides:
        for child in content:
            last_section.addprevious(child)

    for part in word.part.package.parts:
        if isinstance(part, StoryPart):  # the body, headers and footers
            _name_fallback_font(part.element, style.theme.font)
    _set_core_properties(word, document.metadata, epoch)
    members = _Members()
    package = word.part.package
    for part in package.parts:
        part.before_marshal()
    # python-docx's own writer, into a dict rather than a zip that _repack would read
    # back: each part is compressed once, not twice.
    package_writer: Any = PackageWriter  # its private, untyped helpers (python-docx 1.x)
    package_writer._write_content_types_stream(members, package.parts)
    package_writer._write_pkg_rels(members, package.rels)
    package_writer._write_parts(members, package.parts)
    members[_STYLES_MEMBER] = base.styles
    return _repack(members, epoch, _app_xml(document.metadata.organization))


def _write_side(word: Any, writer: BlockWriter, base: _Base, document: Document) -> None:
    """Write one brief's masthead and body into the (empty) body of ``word``."""
    body = word._body
    writer.start_page(document.blocks)
    if document.masthead is not None:
        writer.masthead(body, document.masthead)
    writer.write_all(body, document.blocks)
    if document.masthead is not None:
        writer.after_masthead(body)
    if not body._element.findall(qn("w:p")):
        word.add_paragraph()._p.style = base.empty_body_style_id
    # A PDF frame drops the space before its first flowable; Word and LibreOffice
    # keep it at the top of the first page, so take it off there.
    first = body._element[0]
    if first.tag == qn("w:p"):
        paragraph = DocxParagraph(first, body)
        if base.spaced_before.get(paragraph._p.style, base.spaced_before[None]):
            set_paragraph_property(paragraph, "spacing", "before", "0")


def _write_footer(
    writer: BlockWriter, section: Section, document: Document, after_footer: bool
) -> Any | None:
    """Write the brief's notes and footer into its section's own footer part, and
    return that part's element (None: the brief has no footer). ``after_footer``: an
    earlier section has a footer, which a section without one would otherwise repeat."""
    notes = [block for block in document.blocks if isinstance(block, Notes)]
    if notes or not document.footer.is_empty:
        footer = section.footer
        footer.is_linked_to_previous = False
        # The part itself as the container: python-docx's footer proxy finds its part
        # again (an XPath search of the section) for every paragraph that asks.
        part = footer.part
        writer.footer(BlockItemContainer(part.element, part), notes, document.footer)
        return part.element
    if after_footer:
        section.footer.is_linked_to_previous = False
    return None


def _mark_language(elements: Iterable[Any], language: str) -> None:
    """Mark every run in ``elements`` as written in ``language`` (the document's
    default is the first brief's), but a run marked already (a source's title in its
    own language); and every paragraph mark, which is Word's language for an empty
    line and for text typed at the paragraph's end."""
    for element in elements:
        for run in element.iter(qn("w:r")):
            _add_language(run.get_or_add_rPr(), language)
        for paragraph in element.iter(qn("w:p")):
            properties = paragraph.get_or_add_pPr()
            mark = properties.find(qn("w:rPr"))
            if mark is None:
                mark = el("rPr")
                properties.append(mark)
                _sort_children(properties, _PPR_ORDER)  # before a section's w:sectPr
            _add_language(mark, language)


def _add_language(properties: Any, language: str) -> None:
    """Add ``language`` to a run's (or paragraph mark's) ``properties`` unless they
    name one already."""
    if properties.find(qn("w:lang")) is None:
        # Nothing briefgen writes in a run's properties comes after w:lang.
        properties.append(el("lang", val=language))


_TEXT = qn("w:t")


def _name_fallback_font(element: Any, family: FontFamily) -> None:
    """Set each run of characters ``family`` lacks in the fallback font, DejaVu Sans,
    as the PDF sets them (:func:`briefgen.renderers.pdf.fallback_face`): named in
    the run, rather than left to Word's choice of a font of other shapes and widths."""
    own = family.files["regular"]
    # One pass over the texts finds the few runs (most briefs: none) to split.
    runs = [
        t.getparent()
        for t in element.iter(_TEXT)
        if t.text and not t.text.isascii() and any(_lacked(char, own) for char in set(t.text))
    ]
    for run in dict.fromkeys(runs):
        properties = run.find(qn("w:rPr"))
        pieces: list[tuple[bool, list[Any]]] = []
        for child in run:
            if child is properties:
                continue
            if child.tag != _TEXT or not child.text:
                pieces.append((False, [child]))
                continue
            for lacked, chars in groupby(child.text, key=lambda char: _lacked(char, own)):
                pieces.append((lacked, [text_element("".join(chars))]))
        for lacked, group in groupby(pieces, key=lambda piece: piece[0]):
            new = el("r")
            made = copy.deepcopy(properties) if properties is not None else None
            if lacked:
                made = made if made is not None else el("rPr")
                for tag in ("rFonts", "i", "iCs"):
                    _replace_child(made, tag, None)
                at = 1 if len(made) and made[0].tag == qn("w:rStyle") else 0
                made.insert(at, _fonts(FALLBACK_NAME))
                # Upright, as the PDF draws it (no oblique fallback is bundled), even
                # in italic type or an italic style (Word would slant it itself).
                after = at + 1  # past the fonts, and the bold if any (the schema's order)
                while after < len(made) and made[after].tag in (qn("w:b"), qn("w:bCs")):
                    after += 1
                made.insert(after, el("i", val="0"))
                made.insert(after + 1, el("iCs", val="0"))
            if made is not None:
                new.append(made)
            for _, children in group:
                new.extend(children)
            run.addprevious(new)
        run.getparent().remove(run)


@lru_cache(maxsize=4096)
def _lacked(char: str, own: str) -> bool:
    return not char.isspace() and not draws(char, own) and draws(char, FALLBACK_FILES["regular"])


class _Members(dict[str, bytes]):
    """The members of a package by name: stands in for python-docx's zip writer."""

    def write(self, pack_uri: Any, blob: bytes) -> None:
        """Keep ``blob`` under the member name of ``pack_uri``."""
        self[pack_uri.membername] = blob


# --- units and small XML helpers -----------------------------------------------


def _half_points(points: float) -> str:
    return str(round(points * 2))


def _replace_child(parent: Any, tag: str, new: Any) -> None:
    """Remove every ``tag`` child of ``parent`` and append ``new`` (if not None)."""
    for old in parent.findall(qn(f"w:{tag}")):
        parent.remove(old)
    if new is not None:
        parent.append(new)


def _sort_children(parent: Any, order: Sequence[str]) -> None:
    rank = {qn(f"w:{tag}"): i for i, tag in enumerate(order)}
    children = list(parent)
    children.sort(key=lambda child: rank.get(child.tag, len(rank)))
    for child in children:
        parent.append(child)  # appending an existing child moves it to the end


def _fonts(name: str) -> Any:
    return el("rFonts", ascii=name, hAnsi=name, eastAsia=name, cs=name)


def _spacing(before: float, after: float, line: float, rule: str = "atLeast") -> Any:
    return el("spacing", before=twips(before), after=twips(after), line=twips(line), lineRule=rule)


def _ppr(
    ts: TextStyle, family: FontFamily, *, hanging: float = 0.0, outline: int | None = None
) -> Any:
    """Every paragraph property briefgen cares about, spelled out explicitly. Lines
    are *at least* the leading: the same layout as exact spacing while every leading
    is above the font's line height, and no overlapping lines when a person enlarges
    the type. An italic style is set a little wider than the PDF's
    (:func:`~briefgen.renderers.docx_blocks.italic_room`)."""
    indent = {"left": twips(ts.indent_left), "right": twips(right_indent(ts, False, family))}
    if hanging:
        indent["hanging"] = twips(hanging)
    else:
        indent["firstLine"] = "0"
    children = [
        el("keepNext", val="0"),
        el("keepLines", val="0"),
        el("pageBreakBefore", val="0"),
        el("widowControl", val="0"),
        el("suppressAutoHyphens"),
        _spacing(ts.space_before, ts.space_after, ts.leading),
        el("ind", **indent),
        el("contextualSpacing", val="0"),
        el("jc", val=ts.align),
    ]
    if outline is not None:
        children.append(el("outlineLvl", val=str(outline)))
    return el("pPr", children)


def _rpr(ts: TextStyle, font: str) -> Any:
    bold = "1" if ts.bold else "0"
    italic = "1" if ts.italic else "0"
    return el(
        "rPr",
        [
            _fonts(font),
            el("b", val=bold),
            el("bCs", val=bold),
            el("i", val=italic),
            el("iCs", val=italic),
            el("color", val=hex_colour(ts.color)),
            el("kern", val="0"),
            el("sz", val=_half_points(ts.size)),
            el("szCs", val=_half_points(ts.size)),
        ],
    )


# --- package, settings, defaults and styles ------------------------------------


def _drop_template_extras(word: Any) -> None:
    """Leave out template parts that would be stale or misleading in a brief.

    The thumbnail shows python-docx's empty page, ``stylesWithEffects`` is a stale
    Word 2010 copy of the template's styles, and the custom XML is an empty
    bibliography store.
    """
    package_rels = word.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype.endswith(_REL_THUMBNAIL):
            package_rels.pop(rid)
    part_rels = word.part.rels
    for rid, rel in list(part_rels.items()):
        if rel.reltype.endswith(_REL_DROPPED):
            part_rels.pop(rid)


def _set_settings(word: Any, language: str) -> None:
    """No hyphenation, Word 2013+ layout, none of the template's revision ids, and the
    theme's fonts in the brief's ``language`` (the template says en-US)."""
    settings = word.settings.element
    theme_language = settings.find(qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.set(qn("w:val"), language)
    for tag in ("rsids", "savePreviewPicture", "proofState", "autoHyphenation"):
        _replace_child(settings, tag, None)
    tab_stop = settings.find(qn("w:defaultTabStop"))
    hyphenation = el("autoHyphenation", val="false")
    if tab_stop is not None:
        tab_stop.addnext(hyphenation)
    else:
        settings.insert(0, hyphenation)

    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = el("compat")
        settings.append(compat)  # the template always has one; order is moot here
    for setting in compat.findall(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")


def _set_doc_defaults(word: Any, style: Style, language: str) -> None:
    """The theme's font, the body size and zero spacing as the defaults everything
    inherits."""
    styles = word.styles.element
    _replace_child(styles, "docDefaults", None)
    body = style.body
    run_defaults = el(
        "rPr",
        [
            _fonts(style.theme.font.docx_name),
            el("kern", val="0"),
            el("sz", val=_half_points(body.size)),
            el("szCs", val=_half_points(body.size)),
            el("lang", val=language),
        ],
    )
    paragraph_defaults = el(
        "pPr",
        [
            el("widowControl", val="0"),
            el("suppressAutoHyphens"),
            el("spacing", before="0", after="0", line="240", lineRule="auto"),
        ],
    )
    defaults = el(
        "docDefaults",
        [el("rPrDefault", [run_defaults]), el("pPrDefault", [paragraph_defaults])],
    )
    styles.insert(0, defaults)

    # The template's styles name theme fonts (Calibri, Cambria), which override an
    # explicit font; drop those references so every style falls back to the brief's.
    theme_attrs = [qn(f"w:{a}") for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")]
    for fonts in styles.iter(qn("w:rFonts")):
        for attr in theme_attrs:
            fonts.attrib.pop(attr, None)
    for rsid in list(styles.iter(qn("w:rsid"))):
        rsid.getparent().remove(rsid)


@dataclass(frozen=True)
class _Base:
    """An empty styled document, made once per style and language.

    ``package`` is the document with an empty styles part: the real one (``styles``,
    the template's 340 kB, which no brief changes) is parsed only here and put back in
    the package when a brief is saved. What a brief needs from the styles is looked up
    here once: each briefgen style's id, the style python-docx would give a new body
    paragraph, and whether each paragraph style (None: the default) has space before.
    """

    package: bytes
    styles: bytes
    style_ids: dict[str, str]
    empty_body_style_id: str | None
    spaced_before: dict[str | None, bool]

    def open(self) -> Any:
        """A new python-docx document of ``package``, to write one brief into: a copy
        of one opened once (copying the parsed parts takes half the time of parsing
        them). The opened one is never written into, so no proxy or part of it holds
        anything a brief wrote."""
        return copy.deepcopy(_opened(self.package))


@lru_cache(maxsize=16)
def _opened(package: bytes) -> Any:
    return docx.Document(io.BytesIO(package))


_STYLES_MEMBER = "word/styles.xml"
_EMPTY_STYLES = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
)


@lru_cache(maxsize=16)
def _base_document(style: Style, language: str) -> _Base:
    """An empty document with briefgen's settings, styles, lists and page, made once
    per style: defining and parsing the styles is most of the work of a small DOCX."""
    word = docx.Document()
    _drop_template_extras(word)
    _set_settings(word, language)
    _set_doc_defaults(word, style, language)
    _define_styles(word, style)
    _Numbering(word, style)
    _set_page(word, style)
    buffer = io.BytesIO()
    word.save(buffer)
    # Read back as every brief did when it opened these bytes: the styles part's blob
    # is then exactly what saving a brief wrote.
    word = docx.Document(io.BytesIO(buffer.getvalue()))
    styles = word.styles
    probe = word.add_paragraph(style=STYLE_NAMES["body"])
    empty_body_style_id = probe._p.style
    probe._p.getparent().remove(probe._p)
    spaced: dict[str | None, bool] = {
        s.style_id: bool(s.paragraph_format.space_before)
        for s in styles
        if s.type == WD_STYLE_TYPE.PARAGRAPH
    }
    spaced[None] = bool(styles.default(WD_STYLE_TYPE.PARAGRAPH).paragraph_format.space_before)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members[_STYLES_MEMBER] = _EMPTY_STYLES
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    return _Base(
        package=package.getvalue(),
        styles=word.part._styles_part.blob,
        style_ids={key: styles[name].style_id for key, name in STYLE_NAMES.items()},
        empty_body_style_id=empty_body_style_id,
        spaced_before=spaced,
    )


def _get_or_add_style(word: Any, name: str) -> Any:
    try:
        return word.styles[name]
    except KeyError:
        new = word.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        new.base_style = word.styles["Normal"]
        new.quick_style = True
        return new


def text_styles(style: Style) -> dict[str, TextStyle]:
    """The measurements of each Word paragraph style, by key of :data:`STYLE_NAMES`."""
    return {key: text for key, text, *_ in _style_plan(style)}


def _style_plan(style: Style) -> list[tuple[str, TextStyle, float, int | None, str]]:
    return [
        # (style key, text style, hanging indent, outline level, next style key)
        ("body", style.body, 0.0, None, "body"),
        ("title", style.title, 0.0, 0, "body"),
        ("heading", style.heading, 0.0, 1, "body"),
        ("top_heading", style.heading, 0.0, 0, "body"),
        ("bullet", style.list_item, style.bullet_indent, None, "bullet"),
        ("number", style.list_item, style.bullet_indent, None, "number"),
        ("quote", style.quote, 0.0, None, "attribution"),
        ("attribution", style.attribution, 0.0, None, "body"),
        ("aside_quote", style.aside_quote, 0.0, None, "aside_attribution"),
        ("aside_attribution", style.aside_attribution, 0.0, None, "body"),
        ("callout_figure", style.callout_figure, 0.0, None, "callout_label"),
        ("callout_label", style.callout_label, 0.0, None, "body"),
        ("notes_heading", style.notes_heading, 0.0, None, "note"),
        ("note", style.note, 0.0, None, "note"),
        ("card_figure", style.card_figure, 0.0, None, "card_label"),
        ("card_label", style.card_label, 0.0, None, "card_label"),
        ("masthead", style.masthead_organization, 0.0, None, "masthead"),
        ("masthead_line", style.masthead_line, 0.0, None, "masthead_line"),
        ("footer", style.footer_line, 0.0, None, "footer"),
        ("footer_contact", style.footer_contact, 0.0, None, "footer_contact"),
        ("chart_title", style.chart_title, 0.0, CHART_TITLE_LEVEL - 1, "body"),
        ("caption", style.caption, 0.0, None, "body"),
        ("table_cell", style.table_cell, 0.0, None, "table_cell"),
        ("table_header", style.table_header, 0.0, None, "table_header"),
    ]


def _define_styles(word: Any, style: Style) -> None:
    """Give each briefgen paragraph style exactly the measurements of the Style."""
    plan = _style_plan(style)
    font = style.theme.font.docx_name
    made = {key: _get_or_add_style(word, STYLE_NAMES[key]) for key, *_ in plan}
    for key, text_style, hanging, outline, next_key in plan:
        element = made[key].element
        # Across the column, as in a cell: a paragraph a person gives the style in a
        # cell (most of a brief's text is in one) takes no more right indent than its
        # own inset; the body outside the cells keeps to the measure with a right
        # indent of each paragraph's own (docx_blocks.BlockWriter.paragraph).
        across = style.in_cell(text_style)
        pPr = _ppr(across, style.theme.font, hanging=hanging, outline=outline)
        if key in ("bullet", "number"):
            num_id = BULLET_NUM_ID if key == "bullet" else _NUMBER_NUM_ID
            pPr.append(el("numPr", [el("ilvl", val="0"), el("numId", val=str(num_id))]))
            _sort_children(pPr, _PPR_ORDER)
        _replace_child(element, "pPr", pPr)
        _replace_child(element, "rPr", _rpr(text_style, font))
        made[key].next_paragraph_style = made[next_key]
        # The template hides Caption from the Styles pane and gallery until used, and
        # Word unhides a style only when a person applies it; and it leaves Body Text
        # and the list styles out of the gallery.
        made[key].hidden = False
        made[key].quick_style = True
        # Word applies a paragraph style to a selection within a paragraph as its
        # linked character style ("Heading 1 Char"), which is the template's (Heading
        # 1 as 14 pt blue) until it is given the paragraph style's look, as Word
        # itself keeps the two.
        link = element.find(qn("w:link"))
        linked = None if link is None else word.styles.element.get_by_id(link.get(qn("w:val")))
        if linked is not None:
            _replace_child(linked, "rPr", _rpr(text_style, font))
    # Normal, which every style here and anything added in Word is based on: the
    # body's type, across the whole column.
    normal = word.styles["Normal"].element
    _replace_child(normal, "pPr", _ppr(replace(style.body, indent_right=0.0), style.theme.font))
    _replace_child(normal, "rPr", _rpr(style.body, font))
    # The template's other paragraph styles in Word's gallery (Title, Subtitle,
    # Heading 3, Intense Quote...) keep its 2010 look, blue rules and all, nothing
    # like the brief's: the gallery offers the brief's own and Normal; the Styles pane
    # still lists the rest.
    used = {"Normal", *STYLE_NAMES.values()}
    for other in word.styles:
        if other.type == WD_STYLE_TYPE.PARAGRAPH and other.name not in used:
            other.quick_style = False


class _Numbering:
    """The bullet and number list definitions, indented like the PDF's lists.

    The template's own list definitions are replaced. "List Bullet" and "List
    Number" point at ``numId`` 1 and 2; every ordered list gets its own ``numId``
    that restarts at 1.
    """

    def __init__(self, word: Any, style: Style) -> None:
        self._root = word.part.numbering_part.element
        for child in list(self._root):
            self._root.remove(child)
        self._root.append(self._abstract(0, "bullet", style))
        self._root.append(self._abstract(1, "decimal", style))
        self._root.append(self._num(BULLET_NUM_ID, 0))
        self._root.append(self._num(_NUMBER_NUM_ID, 1))
        self._next_id = _NUMBER_NUM_ID + 1

    @classmethod
    def resume(cls, word: Any) -> _Numbering:
        """The numbering of a document whose lists were defined already."""
        numbering = cls.__new__(cls)
        numbering._root = word.part.numbering_part.element
        ids = [int(n.get(qn("w:numId"))) for n in numbering._root.iter(qn("w:num"))]
        numbering._next_id = max([_NUMBER_NUM_ID, *ids]) + 1
        return numbering

    @staticmethod
    def _abstract(ident: int, fmt: str, style: Style) -> Any:
        """A list definition of :data:`LIST_LEVELS` levels, each one bullet indent
        further in, marked as :func:`list_markers` marks them."""
        hanging = style.bullet_indent
        font = style.theme.font.docx_name
        levels = []
        for depth in range(LIST_LEVELS):
            text = BULLETS[depth] if fmt == "bullet" else f"%{depth + 1}."
            left = level_text_at(style, depth)
            levels.append(
                el(
                    "lvl",
                    [
                        el("start", val="1"),
                        el("numFmt", val=fmt),
                        el("suff", val="tab"),
                        el("lvlText", val=text),
                        el("lvlJc", val="left"),
                        el("pPr", [el("ind", left=twips(left), hanging=twips(hanging))]),
                        el("rPr", [_fonts(font), el("b", val="0"), el("i", val="0")]),
                    ],
                    ilvl=str(depth),
                )
            )
        return el(
            "abstractNum",
            [el("multiLevelType", val="hybridMultilevel"), *levels],
            abstractNumId=str(ident),
        )

    @staticmethod
    def _num(num_id: int, abstract_id: int, start: tuple[int, int] | None = None) -> Any:
        children = [el("abstractNumId", val=str(abstract_id))]
        if start is not None:
            level, number = start
            children.append(
                el("lvlOverride", [el("startOverride", val=str(number))], ilvl=str(level))
            )
        return el("num", children, numId=str(num_id))

    def restart_numbers(self, start: int = 1, level: int = 0) -> int:
        """A fresh ``numId`` for one run of an ordered list, counting from ``start``
        at list level ``level``."""
        num_id = self._next_id
        self._next_id += 1
        self._root.append(self._num(num_id, 1, (level, start)))
        return num_id


def _set_page(word: Any, style: Style) -> None:
    section = word.sections[0]
    section.page_width = Twips(round(style.page_width * 20))
    section.page_height = Twips(round(style.page_height * 20))
    margin = Twips(round(style.margin * 20))
    section.top_margin = section.bottom_margin = margin
    section.left_margin = section.right_margin = margin
    section.header_distance = Twips(432)  # 0.3 in
    # The footer's last line sits on the bottom margin, where the PDF draws it.
    section.footer_distance = margin
    section.gutter = Twips(0)
    for attr in list(section._sectPr.attrib):
        if "rsid" in attr:
            del section._sectPr.attrib[attr]


# --- properties and packaging ----------------------------------------------------


def _epoch(metadata: Metadata) -> int | None:
    """The files' date in seconds: the brief's date at midnight UTC, else
    ``SOURCE_DATE_EPOCH``, else None (a fixed date)."""
    if metadata.date:
        return int(dt.datetime.fromisoformat(metadata.date).replace(tzinfo=dt.UTC).timestamp())
    return _source_date_epoch()


def _source_date_epoch() -> int | None:
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise BriefgenError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {raw!r}"
        ) from None


def _set_core_properties(word: Any, metadata: Metadata, epoch: int | None) -> None:
    when = _DEFAULT_DATE if epoch is None else dt.datetime.fromtimestamp(epoch, dt.UTC)
    props = word.core_properties
    props.title = metadata.title
    props.author = metadata.author
    props.last_modified_by = metadata.author
    props.subject = metadata.subject
    props.keywords = ", ".join(metadata.keywords)
    props.language = metadata.language
    props.comments = ""
    props.category = ""
    props.revision = 1
    # python-docx writes these as UTC "Z" times and wants naive or aware datetimes.
    props.created = when
    props.modified = when
    # No last-printed date: Word shows one under File > Info, and the brief was not.


def _repack(members: dict[str, bytes], epoch: int | None, app: bytes = _APP_XML) -> bytes:
    """Zip ``members`` and the extended properties ``app`` with fixed timestamps,
    order and attributes so output is reproducible."""
    stamp = _ZIP_EPOCH_MIN if epoch is None else min(max(epoch, _ZIP_EPOCH_MIN), _ZIP_EPOCH_MAX)
    date_time = time.gmtime(stamp)[:6]
    members = {**members, "docProps/app.xml": app}
    first = "[Content_Types].xml"
    names = [first, *sorted(name for name in members if name != first)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            data = members[name]
            if len(data) < _DEFLATE_REMEMBERED or not name.startswith(_REMEMBERED_MEMBERS):
                target.writestr(info, data, compresslevel=_ZIP_LEVEL)
                continue
            with target.open(info, "w") as member:
                if hasattr(member, "_compressor"):  # zipfile's own deflater
                    member._compressor = _Deflated(_deflate(data))
                member.write(data)
    return out.getvalue()


# These members, when this big, are deflated once per content, not once per brief:
# the styles part (~340 kB), the theme, the font table and settings, and the QR code,
# chart and other pictures are the same in every copy of a batch; so are the package's
# small parts (content types, relationships, properties, numbering), each of which
# took zlib longer to set up and flush than its few bytes to deflate. The text parts
# differ in every copy, and a template decides their size: they are not remembered.
_DEFLATE_REMEMBERED = 256
_REMEMBERED_MEMBERS = (
    _STYLES_MEMBER,
    "word/theme/",
    "word/fontTable.xml",
    "word/settings.xml",
    "word/webSettings.xml",
    "word/media/",
    "word/numbering.xml",
    "word/_rels/",
    "[Content_Types].xml",
    "_rels/",
    "docProps/",
)
_ZIP_LEVEL = 6


# A few audiences' remembered members (a dozen and a half each), and their pictures.
@lru_cache(maxsize=128)
def _deflate(data: bytes) -> bytes:
    """``data`` deflated as zipfile deflates a member at :data:`_ZIP_LEVEL`."""
    deflater = zlib.compressobj(_ZIP_LEVEL, zlib.DEFLATED, -15)
    return deflater.compress(data) + deflater.flush()


class _Deflated:
    """Stands in for a zip member's deflater: gives back bytes deflated before
    (zipfile still counts the sizes and CRC and writes the headers)."""

    def __init__(self, deflated: bytes) -> None:
        self._deflated = deflated

    def compress(self, data: bytes) -> bytes:
        return self._deflated

    def flush(self) -> bytes:
        return b""
