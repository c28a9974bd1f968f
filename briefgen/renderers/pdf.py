"""Render a document to PDF with reportlab's platypus, and measure it for fitting.

Every measurement comes from :class:`~briefgen.style.Style`; the DOCX renderer
reads the same one, so the height measured here predicts the DOCX's. The page's
regions (:mod:`briefgen.model`): the masthead and the body are the frame's story;
the footer is drawn after it, pinned to the bottom margin, and the frame ends
:attr:`~briefgen.style.Style.region_gap` above it.

The file is a tagged PDF (:mod:`briefgen.renderers.pdf_tags`): the flowables made
here carry the structure elements of the blocks they draw, in the model's reading
order, and are drawn on a canvas that writes the structure tree.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from functools import cache, lru_cache, partial
from typing import Any, NamedTuple
from xml.sax.saxutils import escape, quoteattr

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)

from briefgen.errors import LayoutError, Location, TooWide
from briefgen.fonts import FALLBACK_FILES, font_file
from briefgen.model import (
    AnyBlock,
    Box,
    BulletList,
    Callout,
    CardRow,
    Chart,
    Cite,
    Columns,
    Document,
    Footer,
    Heading,
    HorizontalRule,
    Image,
    Inlines,
    LineBreak,
    Masthead,
    Notes,
    QrCode,
    Quote,
    Span,
    Table,
    attribution_line,
    block_text,
    inline_groups,
    plain_text,
    without_format_characters,
)
from briefgen.model import (
    Paragraph as ParagraphBlock,
)
from briefgen.renderers import (
    KEPT_TEXT_LENGTH,
    NOTE_SEPARATOR,
    Outline,
    contact_line,
    footer_lines,
    footer_text_width,
    link_goes_on,
    masthead_line_width,
    note_columns,
    note_label,
    qr_size,
)
from briefgen.renderers.breaks import (
    balanced,
    line_width,
    speaker_apart,
    wide_words_broken,
    without_runt,
)
from briefgen.renderers.geometry import (
    BULLETS,
    EMPTY_CELL,
    list_indents,
    list_markers,
    table_widths,
)
from briefgen.renderers.pdf_encoding import pdfdoc_enc as pdfdoc_enc  # installed in reportlab
from briefgen.renderers.pdf_fonts import FontCall, recording_font_calls, replay_font_calls
from briefgen.renderers.pdf_fonts import TaggedTTFont as TTFont
from briefgen.renderers.pdf_frags import same_frag as same_frag  # installed in reportlab
from briefgen.renderers.pdf_graphics import chart_flowable, picture_flowable, qr_flowable
from briefgen.renderers.pdf_markup import parsed
from briefgen.renderers.pdf_regions import Gap, Row, Rule, Stack, colour
from briefgen.renderers.pdf_state import KEEPS_STATE
from briefgen.renderers.pdf_tags import (
    SOFT_HYPHEN,
    Element,
    HyphenatingText,
    LinkCall,
    Marked,
    Story,
    TaggedCanvas,
    Tagger,
    hyphen_apart,
    install_marker,
    on_draw,
    xmp_packet,
)
from briefgen.style import PDF_FONT, Cell, Style, TextStyle
from briefgen.theme import DEFAULT_THEME, FAMILIES, FontFamily

# The /ListNumbering of a bulleted list (ISO 32000-1, table 347), by its level's
# bullet: a solid disc, an open circle, a solid square.
_BULLET_NUMBERING = dict(zip(BULLETS, ("Disc", "Circle", "Square"), strict=True))

FALLBACK_FONT = "DejaVuSans"
FALLBACK_BOLD = f"{FALLBACK_FONT}-bold"

_CREATOR = "briefgen"
_PRODUCER = "briefgen (reportlab)"

VARIANTS = ("regular", "bold", "italic", "bolditalic")


def font_name(variant: str, family: FontFamily = DEFAULT_THEME.font) -> str:
    """The name reportlab registers a variant (``bold``) of a family under."""
    return family.pdf_name if variant == "regular" else f"{family.pdf_name}-{variant}"


@cache
def _register_variant(family: FontFamily, variant: str) -> None:
    # Parsing a TrueType file is most of a cold build's layout time: only the
    # variants a brief uses are read.
    path = font_file(family.files[variant])
    pdfmetrics.registerFont(TTFont(font_name(variant, family), str(path)))


def register_fonts(
    variants: Iterable[str] = VARIANTS, family: FontFamily = DEFAULT_THEME.font
) -> None:
    """Register the ``variants`` of a bundled family with reportlab (each once per
    process)."""
    key = (family, frozenset(variants))
    if key in _REGISTERED:  # a copy asks some ten times for the same
        return
    for variant in ("regular", *variants):
        _register_variant(family, variant)
    pdfmetrics.registerFontFamily(
        family.pdf_name,
        normal=font_name("regular", family),
        bold=font_name("bold", family),
        italic=font_name("italic", family),
        boldItalic=font_name("bolditalic", family),
    )
    _REGISTERED.add(key)


# The families and sets of variants registered (a bundled family has four variants:
# at most 3 x 16 entries).
_REGISTERED: set[tuple[FontFamily, frozenset[str]]] = set()


def variants_used(document: Document) -> set[str]:
    """Which variants of the font a document's text needs."""
    used = {"regular"}
    if document.masthead is not None:
        used.add("bold")
    for block in document.walked:
        block_bold = isinstance(block, Heading | Callout | Notes | Chart | Table)
        block_italic = isinstance(block, Quote)
        if block_bold:
            used.add("bold")
        if block_italic:
            used.add("italic")
        for inlines in inline_groups(block):
            for run in inlines:
                if isinstance(run, Span) and (run.bold or run.italic):
                    bold, italic = run.bold or block_bold, run.italic or block_italic
                    used.add("bolditalic" if bold and italic else "bold" if bold else "italic")
    return used


@cache
def register_fallback_font() -> None:
    """Register the fallback font, only once a brief needs a character it has."""
    for style, file in FALLBACK_FILES.items():
        name = FALLBACK_FONT if style == "regular" else f"{FALLBACK_FONT}-{style}"
        pdfmetrics.registerFont(TTFont(name, str(font_file(file))))
    pdfmetrics.registerFontFamily(
        FALLBACK_FONT,
        normal=FALLBACK_FONT,
        bold=FALLBACK_BOLD,
        italic=FALLBACK_FONT,
        boldItalic=FALLBACK_BOLD,
    )


@cache
def _coverage(font_name: str) -> frozenset[int]:
    if font_name in (FALLBACK_FONT, FALLBACK_BOLD):
        register_fallback_font()
    else:
        for family in FAMILIES.values():
            if family.pdf_name == font_name:
                register_fonts((), family)
    font = pdfmetrics.getFont(font_name)
    return frozenset(font.face.charToGlyph)


def has_glyph(char: str, font_name: str = PDF_FONT) -> bool:
    """Whether ``font_name`` (a family's regular face, or the fallback) can draw
    ``char``."""
    if font_name != FALLBACK_FONT and " " <= char <= "~":
        return True  # every bundled family covers printable ASCII
    return ord(char) in _coverage(font_name)


# ASCII text that is printable or space: every bundled family draws it as it is.
_PLAIN_ASCII = re.compile(r"[\x20-\x7e\s]*", re.ASCII)


def _markup_text(text: str, font: str = PDF_FONT, bold: bool = False) -> str:
    """Escape text for reportlab's paragraph markup; switch font where a glyph lacks
    (:func:`fallback_face`). A non-breaking hyphen is drawn as the font's hyphen, as
    Word and LibreOffice draw theirs (reportlab breaks no line at a hyphen anyway);
    the bundled families lack U+2011, and the fallback's is wider."""
    text = text.replace("\u2011", "-")
    if font != FALLBACK_FONT and _PLAIN_ASCII.fullmatch(text):
        return escape(text)
    if len(text) <= KEPT_TEXT_LENGTH:
        return _kept_markup_text(text, font, bold)
    return _font_switched(text, font, bold)


@lru_cache(maxsize=1024)
def _kept_markup_text(text: str, font: str, bold: bool) -> str:
    # Texts with other characters (curly quotes, dashes, accents): a batch's copies
    # repeat them, and each costs a glyph look-up per distinct character.
    return _font_switched(text, font, bold)


def _font_switched(text: str, font: str, bold: bool) -> str:
    # Decide per distinct character, once: most texts need no fallback at all.
    faces = {char: fallback_face(char, font, bold) for char in set(text)}
    if not any(faces.values()):
        return escape(text)
    out: list[str] = []
    face: str | None = None
    for char in text:
        wanted = faces[char]
        if wanted != face:
            if face:
                out.append("</font>")
            if wanted:
                out.append(f'<font face="{wanted}">')
            face = wanted
        out.append(escape(char))
    if face:
        out.append("</font>")
    return "".join(out)


def fallback_face(char: str, font: str, bold: bool) -> str | None:
    """The fallback font's face that draws ``char`` in a text set in ``font`` (a
    family's regular face), or None when ``font`` draws it: the fallback's bold in bold
    text when it has the character, as LibreOffice chooses it for the DOCX."""
    if char.isspace() or has_glyph(char, font) or not has_glyph(char, FALLBACK_FONT):
        return None
    return FALLBACK_BOLD if bold and has_glyph(char, FALLBACK_BOLD) else FALLBACK_FONT


def markup(
    inlines: Inlines,
    style: TextStyle,
    page: Style | None = None,
    tags: list[Element] | None = None,
) -> str:
    """Inline runs as reportlab paragraph markup, in ``page``'s theme (default: the
    default theme); links underlined, in its primary colour (or white on it:
    :meth:`Style.link_colour`). With ``tags``, each link and note number is also a
    structure element, appended to ``tags``: a link's text between the markers
    :class:`~briefgen.renderers.pdf_tags.Marked` looks for, a note number's the text it
    finds raised."""
    page = page or Style()
    font = page.theme.font.pdf_name
    parts: list[str] = []
    before = ""
    # The runs of the link being written, one address: its spans, and the line
    # breaks between them (a long address broken to fit its lines stays one link).
    link: list[Span | LineBreak] = []

    def spans_of(runs: list[Span | LineBreak]) -> list[Span]:
        return [run for run in runs if isinstance(run, Span)]

    def end_link() -> None:
        # One link, however its words are set ("**Read** the report"): one element,
        # one annotation per line, described by all its words.
        if not link:
            return
        spans = spans_of(link)
        href, words = spans[0].href, "".join(span.text for span in spans)
        # Its description is its words as read: no soft hyphen (which PDFDocEncoding,
        # the annotation's /Contents when it can be, leaves undefined) nor word joiner.
        words = without_format_characters(words)
        text = "".join(
            _formatted(run, font, style.bold) if isinstance(run, Span) else "<br/>" for run in link
        )
        hex_colour = quoteattr("#{:02x}{:02x}{:02x}".format(*page.link_colour(style)))
        if tags is None:
            parts.append(f"<link href={quoteattr(href)} color={hex_colour}><u>{text}</u></link>")
        else:
            # The element's place among the paragraph's, after the address: the
            # canvas gives each annotation to its own link, also of two links to
            # one address on one line (pdf_tags.Tagger.link_for).
            token = quoteattr(f"{href} {len(tags)}")
            shown = words if words == href else f"{words} ({href})"
            text = f"<link href={token} color={hex_colour}><u>{text}</u></link>"
            # A link whose words are all in another language is in that language.
            language = spans[0].language if len({s.language for s in spans}) == 1 else ""
            link_element = Element("Link", href=href, contents=shown, lang=language)
            parts.append(_tagged_run(tags, link_element, text))
        link.clear()

    for index, run in enumerate(inlines):
        if isinstance(run, Span) and run.href:
            if link and spans_of(link)[0].href != run.href:
                end_link()
            link.append(run)
            before = run.text
            continue
        if link and isinstance(run, LineBreak) and link_goes_on(inlines, index):
            link.append(run)
            before = ""
            continue
        end_link()
        if isinstance(run, Span):
            text = _formatted(run, font, style.bold)
            if run.language and tags is not None:
                # A passage in another language: a Span with its /Lang (PDF/UA 7.2).
                text = _tagged_run(tags, Element("Span", lang=run.language), text)
            parts.append(text)
            before = run.text
        elif isinstance(run, Cite):
            label = note_label(run, before)
            if label:
                size = round(style.size * 0.65, 1)
                rise = round(style.size * 0.33, 1)
                parts.append(f'<super rise="{rise}" size="{size}">{label}</super>')
                if tags is not None:
                    # Said apart from a figure before it: "2023 3", not "20233". Its
                    # text is found as the paragraph's superscript (no marker needed).
                    tags.append(Element("Reference", actual_text=NOTE_SEPARATOR + run.label))
            before = run.label
        elif isinstance(run, LineBreak):
            parts.append("<br/>")
            before = ""
    end_link()
    return "".join(parts)


def _formatted(span: Span, font: str, bold: bool) -> str:
    """``span``'s text as markup in its emphasis (its link aside), in a paragraph
    that is ``bold`` or not."""
    text = _markup_text(span.text, font, bold or span.bold)
    if span.bold:
        text = f"<b>{text}</b>"
    if span.italic:
        text = f"<i>{text}</i>"
    return text


def _tagged_run(tags: list[Element], element: Element, text: str) -> str:
    """``text`` between the markers of ``element``, the next of ``tags``."""
    tags.append(element)
    return f"{on_draw(f's{len(tags) - 1}')}{text}{on_draw('e')}"


def _family_style(
    name: str, text: TextStyle, family: FontFamily, **extra: object
) -> ParagraphStyle:
    variant = "regular"
    if text.bold and text.italic:
        variant = "bolditalic"
    elif text.bold:
        variant = "bold"
    elif text.italic:
        variant = "italic"
    return ParagraphStyle(
        name,
        fontName=font_name(variant, family),
        fontSize=text.size,
        leading=text.leading,
        spaceBefore=text.space_before,
        spaceAfter=text.space_after,
        leftIndent=text.indent_left,
        rightIndent=text.indent_right,
        textColor=colour(text.color),
        alignment=_ALIGNMENTS[text.align],
        allowWidows=1,
        allowOrphans=1,
        splitLongWords=1,
        # Word and LibreOffice never squeeze spaces to fit a line; neither do we.
        spaceShrinkage=0,
        **extra,
    )


_ALIGNMENTS = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


@dataclass(frozen=True)
class _Setting:
    """All a paragraph's layout depends on: its markup (text, fonts, links and their
    markers), its style in its font family, and its bullet."""

    markup: str
    name: str
    text: TextStyle
    family: FontFamily
    bullet: str | None = None
    extra: tuple[tuple[str, object], ...] = ()
    # For each hard line break, in order: whether it stands between words.
    spaced_breaks: tuple[bool, ...] = ()

    def __hash__(self) -> int:
        """The fields' hash, worked out once: every wrap, some fifty a copy, looks a
        layout up by its setting, one object for all the copies of a batch (:func:`_set`)."""
        found: int | None = self.__dict__.get("_hash")
        if found is None:
            found = hash(tuple(getattr(self, f.name) for f in fields(self)))
            self.__dict__["_hash"] = found
        return found

    def paragraph(self) -> Paragraph:
        """A new paragraph of this setting."""
        style = _family_style(self.name, self.text, self.family, **dict(self.extra))
        found = parsed(self.markup, style, (self.name, self.text, self.family, self.extra))
        if found is None:
            return _Paragraph(self.markup, style, bulletText=self.bullet)
        text, frags = found
        return _Paragraph(text, style, bulletText=self.bullet, frags=frags)


class _Paragraph(Paragraph):  # type: ignore[misc]  # reportlab ships no type hints
    """A paragraph whose lines of one font draw the hyphen ending one at a soft hyphen
    as the soft hyphen it stands for (:class:`~briefgen.renderers.pdf_tags.HyphenatingText`)."""

    def beginText(self, x: float, y: float) -> HyphenatingText:  # reportlab's name
        return HyphenatingText(self.canv, x, y)


# Wide enough for every copy's paragraphs of a batch's audiences (a copy sets about
# 30), the few that name the recipient passing through without evicting the rest.
_LAID_OUT_KEPT = 512
# What a paragraph is offered to measure it: its lines do not depend on it.
_ANY_HEIGHT = 1e6


@lru_cache(maxsize=_LAID_OUT_KEPT)
def _laid_out(setting: _Setting, width: float) -> tuple[Paragraph, tuple[float, float]]:
    """A paragraph of ``setting`` broken into lines ``width`` wide, and its size. A
    paragraph's lines depend on its width alone, not the height offered; drawing
    changes nothing in it, so every copy of a batch, and the drawing after the
    fitter's measuring, share one layout."""
    paragraph = setting.paragraph()
    # Its text as parsed (laying it out makes its fragments into words).
    text = "".join(frag.text for frag in paragraph.frags) if SOFT_HYPHEN in setting.markup else ""
    size: tuple[float, float] = paragraph.wrap(width, _ANY_HEIGHT)
    soft = _soft_hyphen_breaks(text, paragraph.blPara.lines) if text else frozenset()
    _space_at_line_ends(paragraph, setting.spaced_breaks, soft)
    return paragraph, size


# A line that ends inside a word, or has its space: at a soft hyphen, reportlab ends
# the line with a hyphen of its own.
_WORD_GOES_ON = (SOFT_HYPHEN, " ")
_AT_A_SOFT_HYPHEN = ("-", *_WORD_GOES_ON)
_SPACES = re.compile(r"\s+")


def _soft_hyphen_breaks(text: str, lines: list[Any]) -> frozenset[int] | None:
    """The ``lines`` (by index) that reportlab ended at a soft hyphen of ``text``, a
    paragraph's, with a hyphen of its own; None where they cannot be told from lines
    ending in a hyphen of the text's ("pre- and"). Each line's text is found in the
    paragraph's, spaces aside: a line ends at a soft hyphen where its last character,
    a hyphen, stands for one there. Only a text with soft hyphens is looked at."""
    pieces = _SPACES.sub("", text).split(SOFT_HYPHEN)
    shown = "".join(pieces)  # the text as drawn, but where a line ends at a soft hyphen
    at, soft_at = 0, set()  # where each soft hyphen stands in ``shown``
    for piece in pieces[:-1]:
        at += len(piece)
        soft_at.add(at)
    soft: set[int] = set()
    start = 0
    for index, line in enumerate(lines):
        words = line[1] if isinstance(line, tuple) else line.words
        texts = (w if isinstance(w, str) else getattr(w, "text", "") for w in words)
        drawn = _SPACES.sub("", "".join(texts))
        end = start + len(drawn) - 1  # where a hyphen ending it stands, if the text's
        if drawn.endswith("-") and end in soft_at and shown[end : end + 1] != "-":
            if shown[start:end] != drawn[:-1]:
                return None
            soft.add(index)
            start = end
        elif shown[start : start + len(drawn)] == drawn:
            start += len(drawn)
        else:
            return None
    return frozenset(soft)


def _space_at_line_ends(
    paragraph: Paragraph,
    spaced_breaks: tuple[bool, ...],
    soft: frozenset[int] | None,
) -> None:
    """End each line that ends between words with the space that stood there.
    reportlab drops the space it wraps a line at, and a hard break between words
    (a balanced heading's) has none, so the text the PDF holds ran the two words
    together ("southernborder"), as a screen reader, search or reflow reads them
    (ISO 32000-1, 14.8.2.5). Drawn after the line's last glyph, it moves nothing.
    ``spaced_breaks``: for each hard break, whether it stands between words (not in
    a web address cut to fit). ``soft``: the lines that end at a soft hyphen
    (:func:`_soft_hyphen_breaks`), whose hyphen is drawn as the soft hyphen it
    stands for; None where they are not known, so a line of a text with soft hyphens
    that ends with a hyphen is left as it is (it may end inside a word)."""
    lines = paragraph.blPara.lines
    breaks = iter(spaced_breaks)
    goes_on = _AT_A_SOFT_HYPHEN if soft is None else _WORD_GOES_ON
    soft = soft or frozenset()
    for index, line in enumerate(lines):
        if isinstance(line, tuple):  # one font throughout: (extra space, words)
            extra, words = line
            if index in soft:  # drawn as the soft hyphen (pdf_tags.HyphenatingText)
                lines[index] = (extra, [*words[:-1], words[-1][:-1] + SOFT_HYPHEN])
            elif index < len(lines) - 1 and words and not words[-1].endswith(goes_on):
                lines[index] = (extra, [*words[:-1], words[-1] + " "])
            continue
        spaced = next(breaks, False) if line.lineBreak else index < len(lines) - 1
        texts = [i for i, word in enumerate(line.words) if getattr(word, "text", "")]
        if index in soft and line.words[texts[-1]].text.endswith("-"):
            # Its hyphen drawn as the soft hyphen (pdf_tags.hyphen_apart).
            line.words = hyphen_apart(line.words, texts[-1])
            continue
        if not (spaced and texts):
            continue
        last = line.words[texts[-1]]
        line.words = [*line.words]
        if last.rise and last.text.endswith(" "):
            # reportlab ends the line with the space after a note number, raised:
            # read as the number's /ActualText, which has none.
            line.words[texts[-1]] = last = last.clone(text=last.text.rstrip(" "))
        if last.text.endswith(goes_on):
            continue
        if last.link or last.us_lines or last.rise:
            # A run of its own, after the line's markers: a link's underline and
            # rectangle would run on under the space, and a note number's raised text
            # is read as its /ActualText.
            line.words.append(last.clone(text=" ", link=[], us_lines=[], rise=0))
        else:
            line.words[texts[-1]] = last.clone(text=last.text + " ")


@lru_cache(maxsize=_LAID_OUT_KEPT)
def _set(
    inlines: Inlines,
    text: TextStyle,
    name: str,
    style: Style,
    width: float | None,
    balance: bool,
    extra: tuple[tuple[str, object], ...],
    whole_end: bool = False,
    name_apart: bool = False,
) -> tuple[_Setting, tuple[Element, ...]]:
    """The setting of a paragraph of ``inlines`` (see :meth:`_Blocks.para`) and the
    elements of its links and note numbers, as found once per process: a batch's
    copies repeat most paragraphs, and writing their markup was a tenth of the
    fitter's time. The elements are patterns, never put in a tree: each copy's
    paragraph gets fresh ones (:meth:`~briefgen.renderers.pdf_tags.Element.fresh`)."""
    runs: list[Element] = []
    family = style.theme.font
    lines = line_width(style, text, width)
    inlines = wide_words_broken(inlines, text, family, lines)
    if balance:
        inlines = balanced(inlines, text, family, lines)
    elif whole_end:
        inlines = without_runt(inlines, text, family, lines)
    elif name_apart:
        inlines = speaker_apart(inlines, text, family, lines)
    setting = _Setting(
        markup(inlines, text, style, runs),
        name,
        text,
        family,
        extra=extra,
        spaced_breaks=_spaced_breaks(inlines),
    )
    return setting, tuple(runs)


def _spaced_breaks(inlines: Inlines) -> tuple[bool, ...]:
    """For each hard break of ``inlines``, whether it stands between words."""
    return tuple(not item.within_word for item in inlines if isinstance(item, LineBreak))


class _Text(Marked):
    """A paragraph's flowable (see :class:`Marked`) laid out once per setting and
    width (:func:`_laid_out`), not once per copy and pass."""

    def __init__(
        self,
        setting: _Setting,
        element: Element,
        *,
        inner_elements: list[Element],
        label: Element | None = None,
    ) -> None:
        super().__init__(None, element, inner_elements=inner_elements, label=label)
        self.setting = setting

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.inner, (self.width, self.height) = _laid_out(self.setting, avail_width)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        # Splitting changes a paragraph: split one of its own.
        self.inner = self.setting.paragraph()
        self.inner.wrap(avail_width, avail_height)
        return super().split(avail_width, avail_height)

    def getSpaceBefore(self) -> float:  # reportlab's name
        return float(self.setting.text.space_before)

    def getSpaceAfter(self) -> float:
        return float(self.setting.text.space_after)

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        """reportlab's ``Flowable.drawOn``, written out for a paragraph replayed on a
        tagging canvas: the graphics state saved, the origin moved to ``x``, ``y``,
        the operators as drawn before (:meth:`draw_inner`), tagged, and the state
        restored. Replaying changes none of the canvas's own state, so saving and
        restoring it (a copy of some twenty attributes, twice a paragraph) is left
        out; the operators are the same. A paragraph not replayed, or one with links
        (whose annotations are placed through the moved origin), is drawn by
        reportlab's ``drawOn``."""
        drawn = getattr(self.inner, _DRAWN, None)
        tagger: Tagger | None = getattr(canvas, "tagger", None)
        if (
            tagger is None
            or not isinstance(drawn, _Drawn)
            or drawn.links
            or self.element is None
            or self.whole
            or self._showBoundary
            or not replay_font_calls(drawn.calls, canvas._doc)
        ):
            super().drawOn(canvas, x, y, _sW)
            return
        x = self._hAlignAdjust(x, _sW)
        install_marker(canvas)
        code: list[str] = canvas._code
        # Canvas.saveState and translate: the translation is never joined to an
        # earlier one, as "q" stands between them.
        code.append("q")
        code.append(f"{fp_str(1, 0, 0, 1, x, y)} cm")
        tagger.paragraph = self.inner_elements
        code.extend(self.tagged(drawn.operators, tagger))
        tagger.paragraph = []
        code.append("Q")

    def draw_inner(self, canvas: Canvas) -> None:
        """Draw the paragraph, or replay its operators as drawn before: a laid-out
        paragraph is shared by every copy of a batch (:func:`_laid_out`), and drawing
        it was a third of a PDF copy's time. What it draws, at its own origin, depends
        on the paragraph alone, but for the document's fonts: the codes its
        characters got in the subsets and the names of the font resources. So the
        font calls the drawing made are made again in this document, and the
        operators reused only if each gives what it gave (see
        :func:`~briefgen.renderers.pdf_fonts.replay_font_calls`). A paragraph's links
        place annotations on the page, in its own space, and their markers start
        their elements: those calls are kept too, and made again in order. A long
        paragraph's operators are not kept, nor those of one that places anything
        else (an image, an anchor). A paragraph is recorded the second time it is
        drawn, not the first: recording cost a copy more than drawing the one
        paragraph naming its recipient, which no later copy draws."""
        paragraph = self.inner
        drawn: _Drawn | bool | None = getattr(paragraph, _DRAWN, None)
        if drawn is None:  # drawn as it stands; True: recorded when drawn again
            setattr(paragraph, _DRAWN, True)
            paragraph.drawOn(canvas, 0, 0)
            return
        if isinstance(drawn, _Drawn) and replay_font_calls(drawn.calls, canvas._doc):
            canvas._code.extend(drawn.operators)
            for link in drawn.links:
                if isinstance(link, int):
                    canvas.tagger.started(link)
                else:
                    canvas.linkURL(link.url, link.rect, link.relative, **dict(link.options))
            return
        code: list[str] = canvas._code
        start = len(code)
        fonts = set(canvas._doc.fontMapping)
        tagging = isinstance(canvas, TaggedCanvas)
        links: list[int | LinkCall] = []
        annotations = canvas._annotationCount
        if tagging:
            canvas.links_drawn = links
        try:
            with recording_font_calls() as calls:
                paragraph.drawOn(canvas, 0, 0)
        finally:
            if tagging:
                canvas.links_drawn = None
        # Only fonts named through the calls recorded may have joined the document's.
        named = {call.font.fontName for call in calls if call.method == "getSubsetInternalName"}
        markup = self.setting.markup
        placed = any(tag in markup for tag in _PLACED)
        # Every annotation drawn is a link recorded (an internal link's is not).
        placed_links = sum(isinstance(link, LinkCall) for link in links)
        recorded = canvas._annotationCount - annotations == placed_links
        kept = len(markup) <= _DRAWN_KEPT_LENGTH
        if kept and recorded and not placed and set(canvas._doc.fontMapping) - fonts <= named:
            drawn = _Drawn(tuple(code[start:]), tuple(calls), tuple(links))
            setattr(paragraph, _DRAWN, drawn)


KEEPS_STATE.add(_Text.drawOn)


@dataclass(frozen=True)
class _Drawn:
    """A paragraph's operators as drawn at its origin, and the font calls and link
    annotations drawing them made."""

    operators: tuple[str, ...]
    calls: tuple[FontCall, ...]
    links: tuple[int | LinkCall, ...] = ()


_DRAWN = "briefgen_drawn"  # the attribute of a paragraph that keeps its _Drawn
# A brief's paragraphs are a few hundred characters; a template decides how long one
# may be (a page holds one of ~4,000 only in the notes' small type), and the
# operators of a longer one are not kept beside its layout.
_DRAWN_KEPT_LENGTH = 4000
# In a paragraph's markup: what drawing places on the page besides operators, links
# and the markers of their elements (pdf_tags.on_draw): an image, an anchor.
_PLACED = ("<a ", "<img")


class _Blocks:
    """Turns model blocks into flowables for one document's style, and each into
    structure elements under ``parent`` (:mod:`briefgen.renderers.pdf_tags`)."""

    def __init__(
        self, style: Style, parent: Element | None = None, outline: Outline | None = None
    ) -> None:
        self.style = style
        self.parent = parent or Element("Div")
        self.outline = outline or Outline()  # the level (H1: 1) of each heading
        # The open list of each level of a nested list, and its last item's body.
        self.lists: list[Element] = []
        self.list_bodies: list[Element] = []
        self.in_aside = False  # writing the sidebar's blocks: its quotes keep no insets

    @contextmanager
    def inside(self, role: str, **attributes: str) -> Iterator[Element]:
        """New elements go into a new ``role`` element while inside."""
        outer = self.parent
        self.parent = outer.add(role, **attributes)
        try:
            yield self.parent
        finally:
            self.parent = outer

    def para(
        self,
        inlines: Inlines,
        text: TextStyle,
        name: str,
        role: str = "P",
        *,
        width: float | None,
        balance: bool = False,
        whole_end: bool = False,
        name_apart: bool = False,
        **extra: object,
    ) -> Flowable:
        """A paragraph of ``inlines`` in ``text``'s style, in a column ``width`` wide
        (None: the frame), as a ``role`` element; with ``balance`` (a heading), its
        lines about as long as each other (:func:`~briefgen.renderers.breaks.balanced`);
        with ``whole_end`` (the body's text), its last line never one word alone
        (:func:`~briefgen.renderers.breaks.without_runt`); with ``name_apart`` (a
        quote's attribution), a speaker's name on a line of its own when it runs on
        (:func:`~briefgen.renderers.breaks.speaker_apart`)."""
        setting, inner = _set(
            inlines,
            text,
            name,
            self.style,
            width,
            balance,
            tuple(sorted(extra.items())),
            whole_end,
            name_apart,
        )
        runs = [kid.fresh() for kid in inner]
        element = self.parent.add(role)
        element.adopt(runs)
        return _Text(setting, element, inner_elements=runs)

    def figure(self, flowable: Flowable, alt: str) -> Flowable:
        """A picture, chart or QR code: a figure with ``alt`` as its alternative text,
        or (no ``alt``: decorative) an artifact."""
        if not alt:
            return Marked(flowable, None)
        return Marked(flowable, self.parent.add("Figure", alt=alt), whole=True)

    def blocks(self, blocks: Iterable[AnyBlock], width: float | None) -> list[Flowable]:
        """The flowables of ``blocks`` set ``width`` wide (None: full width, kept to
        the measure)."""
        out: list[Flowable] = []
        for block, below in self.style.spaced(blocks):
            out.extend(self.block(block, width, below))
        return out

    def figure_text(
        self, figure: str, text: TextStyle, name: str, width: float | None, where: Location
    ) -> Flowable:
        """A callout's figure: refused as too wide for its column (the fitter tries a
        smaller size) when a line would end inside its number, "$1,000,000,000," over
        "000", which a reader takes for another number; a range may break after its
        dash."""
        lines = line_width(self.style, text, width)
        broken = wide_words_broken((Span(figure),), text, self.style.theme.font, lines)
        if _cut_inside_a_number(broken):
            raise TooWide(
                f"the figure {figure!r} is wider than its column and would break inside "
                'its number; write it shorter ("$1.2 trillion", "1 in 5")',
                where,
                what="figure",
            )
        return self.para((Span(figure),), text, name, width=width)

    def minor_heading(self) -> str:
        """The role of a title set as a heading that heads no section (a chart's): a
        level below the last heading, so a screen reader's list of headings has it
        and no level is skipped (WCAG 1.3.1); H1 before any heading, as PDF/UA asks."""
        return f"H{self.outline.minor()}"

    def fit(self, text: TextStyle, width: float | None) -> TextStyle:
        return text if width is None else self.style.in_cell(text)

    def block(self, block: AnyBlock, width: float | None, below: float) -> list[Flowable]:
        """The flowables of one block; a box, row of cards or columns with ``below``
        points below it (:meth:`Style.spaced`)."""
        style = self.style
        out: list[Flowable] = []
        if isinstance(block, Heading):
            text = style.title if block.level == 1 else self.fit(style.heading, width)
            # The title H1, every other heading H2; but the first heading is H1
            # (PDF/UA), so a brief without a title heads its sections H1, and a
            # heading above the title (which check warns of) is H1 too. The DOCX's
            # outline levels are the same (renderers.Outline).
            role = f"H{self.outline.heading(block.level)}"
            heading = self.para(
                block.inlines, text, f"h{block.level}", role, width=width, balance=True
            )
            out.append(heading)
        elif isinstance(block, ParagraphBlock):
            body = self.fit(style.body, width)
            out.append(self.para(block.inlines, body, "body", width=width, whole_end=True))
        elif isinstance(block, BulletList):
            # A nested run's list stands in the body of the item above it (PDF/UA);
            # the run after it joins its parent's list again.
            if block.resumes:
                holder = self.lists[block.depth]
            else:
                above = self.list_bodies[block.depth - 1] if block.depth else self.parent
                numbering = "Decimal" if block.ordered else _BULLET_NUMBERING[BULLETS[block.depth]]
                holder = above.add("L", numbering=numbering)
            self.lists[block.depth :] = [holder]
            outer, self.parent = self.parent, holder
            try:
                out.extend(self.bullets(block, width))
            finally:
                self.parent = outer
        elif isinstance(block, Callout):
            with self.inside("Div"):
                figure = self.fit(style.callout_figure, width)
                out.append(self.figure_text(block.figure, figure, "figure", width, block.location))
                label = self.fit(style.callout_label, width)
                out.append(self.para(block.label, label, "label", width=width))
        elif isinstance(block, Quote):
            quoted, attributed = (
                (style.aside_quote, style.aside_attribution)
                if self.in_aside
                else (style.quote, style.attribution)
            )
            quote_style = self.fit(quoted, width)
            if not block.attribution:
                quote_style = replace(quote_style, space_after=style.body.space_after)
            with self.inside("BlockQuote"):
                quote = self.para(block.inlines, quote_style, "quote", width=width, whole_end=True)
                out.append(quote)
                if block.attribution:
                    attribution = self.fit(attributed, width)
                    line = attribution_line(block)
                    out.append(
                        self.para(line, attribution, "attribution", width=width, name_apart=True)
                    )
        elif isinstance(block, CardRow | Box | Columns):
            out.append(self.row(block, width))
            out.append(Gap(0, below))
        elif isinstance(block, Chart):
            avail = style.measure if width is None else width
            with self.inside("Div"):
                title = self.fit(style.chart_title, width)
                heading = (Span(block.title),)
                role = self.minor_heading()
                out.append(self.para(heading, title, "chart", role, width=width, balance=True))
                out.append(self.figure(chart_flowable(block, avail, style), block.alt))
                caption = self.fit(style.caption, width)
                out.append(self.para(block.caption, caption, "caption", width=width))
        elif isinstance(block, Table):
            out.append(self.table(block, width))
            out.append(Gap(0, style.body.space_after))
        elif isinstance(block, HorizontalRule):
            out.append(Rule(style.body_rule, style.body.space_after, style.theme.muted))
        elif isinstance(block, QrCode):
            avail = style.measure if width is None else width
            size = qr_size(block.url, style)
            link = (Span(block.url, href=block.url),)
            figure = self.figure(
                qr_flowable(block.url, size, style), block.alt or qr_alt(block.url)
            )
            if not style.qr_address_beside(size, avail):
                # The address below the code, as a chart's caption below the chart.
                out.append(figure)
                caption = self.fit(style.caption, width)
                out.append(self.para(link, caption, "qr-url", width=width))
                return out
            cells = style.qr_cells(size, avail)
            caption = style.in_cell(style.caption)
            address = self.para(link, caption, "qr-url", width=cells[1].inner)
            out.append(Row(cells, [Stack([figure]), Stack([address])]))
            out.append(Gap(0, style.body.space_after))
        elif isinstance(block, Image):
            avail = style.measure if width is None else width
            picture = picture_flowable(block.picture, min(block.width, avail))
            picture.hAlign = "LEFT"  # as Word sets a picture in its paragraph
            out.append(self.figure(picture, block.picture.alt))
            out.append(Gap(0, style.body.space_after))
        # Notes are drawn in the footer.
        return out

    def bullets(self, block: BulletList, width: float | None) -> Iterable[Flowable]:
        marker_at, text_at = list_indents(block, self.style)
        item_text = replace(self.fit(self.style.list_item, width), indent_left=text_at)
        markers = list_markers(block)
        family = self.style.theme.font
        for index, (item, marker) in enumerate(zip(block.items, markers, strict=True)):
            text = item_text
            lines = line_width(self.style, text, width)
            item = without_runt(wide_words_broken(item, text, family, lines), text, family, lines)
            if block.closes and index == len(block.items) - 1:
                # The list ends like a paragraph, as in the DOCX.
                text = replace(text, space_after=self.style.body.space_after)
            runs: list[Element] = []
            setting = _Setting(
                markup(item, text, self.style, runs),
                "item",
                text,
                family,
                marker,
                (
                    ("bulletFontName", family.pdf_name),
                    ("bulletFontSize", text.size),
                    ("bulletIndent", marker_at),
                ),
                spaced_breaks=_spaced_breaks(item),
            )
            with self.inside("LI") as list_item:
                label = list_item.add("Lbl")
                body = list_item.add("LBody")
                body.adopt(runs)
            self.list_bodies[block.depth :] = [body]
            yield _Text(setting, body, inner_elements=runs, label=label)

    def row(self, block: CardRow | Box | Columns, width: float | None) -> Row:
        style = self.style
        full = style.frame_width if width is None else width
        if isinstance(block, CardRow):
            cells = style.card_cells(len(block.cards), full)
            cards = iter(block.cards)
            with self.inside("Table") as table, self.inside("TR"):
                contents = [None if c.fill is None else self.card(next(cards), c) for c in cells]
            return Row(cells, contents, element=table)
        if isinstance(block, Box):
            cells = style.box_cells(style.frame_width if width is None else width)
            with self.inside("Div"):
                inside = Stack(self.blocks(block.blocks, cells[1].inner))
            return Row(cells, [None, inside])
        cells = style.column_cells(full)
        # The main column, then the sidebar: the DOCX's table cells in order.
        with self.inside("Div"):
            main = Stack(self.blocks(block.main, cells[0].inner))
        with self.inside("Div"):
            self.in_aside = True
            try:
                aside = Stack(self.blocks(block.aside, cells[2].inner))
            finally:
                self.in_aside = False
        return Row(cells, [main, None, aside])

    def table(self, block: Table, width: float | None) -> Stack:
        """A table's rows as the DOCX's one Word table: the header row (``TH``
        cells), then each row, every cell a paragraph or, empty, a sliver of space
        as Word's required empty paragraph."""
        style = self.style
        widths = table_widths(block, style, style.frame_width if width is None else width)
        rows: list[Flowable] = []
        with self.inside("Table") as table:
            for index, row in enumerate((block.header, *block.rows)):
                text = style.table_header if index == 0 else style.table_cell
                cells = style.table_row(widths, index)
                contents: list[Stack | None] = []
                with self.inside("TR"):
                    for inlines, align, place in zip(row, block.align, cells, strict=True):
                        # A header cell heads its column (PDF/UA: a TH says its scope).
                        scope = {"scope": "Column"} if index == 0 else {}
                        with self.inside("TH" if index == 0 else "TD", **scope):
                            if inlines:
                                cell = replace(text, align=align)
                                paragraph = self.para(inlines, cell, "table", width=place.inner)
                                contents.append(Stack([paragraph]))
                            else:
                                contents.append(Stack([Gap(0, EMPTY_CELL)]))
                rows.append(Row(cells, contents))
        return Stack(rows, element=table)

    def card(self, card: Callout, cell: Cell) -> Stack:
        style, width = self.style, cell.inner
        with self.inside("TD"):
            figure = self.figure_text(
                card.figure, style.card_figure, "card-figure", width, card.location
            )
            label = self.para(card.label, style.card_label, "card-label", width=width)
        return Stack([figure, label])


def _cut_inside_a_number(inlines: Inlines) -> bool:
    """Whether a break cut into ``inlines`` falls between two characters of a number."""
    return any(
        isinstance(item, LineBreak)
        and item.within_word
        and isinstance(before, Span)
        and isinstance(after, Span)
        and before.text[-1:] in _IN_A_NUMBER
        and after.text[:1] in _IN_A_NUMBER
        for before, item, after in zip(inlines, inlines[1:], inlines[2:], strict=False)
    )


_IN_A_NUMBER = frozenset("0123456789,.")


def qr_alt(url: str) -> str:
    """A QR code's alternative text, the DOCX's too."""
    return f"QR code: {url}"


def masthead_row(masthead: Masthead, style: Style, parent: Element | None = None) -> Row:
    """The band: the logo, the organization, and at the right the audience and date;
    its structure a ``Div`` added to ``parent``."""
    blocks = _Blocks(style, parent)
    contents: list[Stack | None] = []
    logo_cell, org_cell, right_cell = style.masthead_cells(
        masthead, masthead_line_width(masthead, style)
    )
    with blocks.inside("Div"):
        if logo_cell is not None and masthead.logo is not None:
            logo = masthead.logo
            width = style.logo_width(logo)
            contents.append(Stack([blocks.figure(picture_flowable(logo, width), logo.alt)]))
        organization = (Span(masthead.organization),)
        org = blocks.para(
            organization,
            style.masthead_organization,
            "masthead",
            width=org_cell.inner,
            balance=True,
        )
        contents.append(Stack([org]))
        lines = [masthead.audience, masthead.date]
        right = [
            blocks.para((Span(t),), style.masthead_line, "masthead-line", width=right_cell.inner)
            for t in lines
            if t
        ]
    contents.append(Stack(right))
    cells = [c for c in (logo_cell, org_cell, right_cell) if c is not None]
    return Row(cells, contents, height=style.masthead_height, valign="middle")


def footer_flowables(document: Document, style: Style, variants: set[str] | None = None) -> Story:
    """The footer, top to bottom: a rule, then one row of the notes and under them
    the contact line, beside the QR code and the address and date lines
    (:meth:`Style.footer_cells`), or the notes alone across the frame (empty when the
    document has neither notes nor footer). Long notes are set in two columns
    (:func:`~briefgen.renderers.note_columns`), the contact line under the right one.
    Its structure, in ``tags``: one ``Div`` of the notes' heading, notes (each a
    ``Note``) and contact line, then the code and the lines. ``variants``:
    :func:`variants_used` of ``document``, if known."""
    register_fonts(variants_used(document) if variants is None else variants, style.theme.font)
    top = Element("Div")
    blocks = _Blocks(style, top)
    footer = document.footer
    size = qr_size(footer.qr_url, style) if footer.qr_url else 0.0
    lines = footer_lines(footer, style)
    cells = style.footer_cells(size, footer_text_width(lines, style))
    # The notes' part of the footer: its first cell, or the frame.
    part = style.frame_width if footer.is_empty else cells[0].inner
    listed = [b for b in document.blocks if isinstance(b, Notes)]
    contact = contact_line(footer)
    split = note_columns(listed, contact, style, part)
    columns = cells[:1] if split is None else style.note_cells(part)
    width = None if footer.is_empty and split is None else columns[0].inner
    notes: list[Flowable] = []
    stacks = [notes]
    with blocks.inside("Div"):
        for block in listed:
            title = (Span(block.title),)
            # The sources head a part of their own: below the body's title, else H1.
            role = "H2" if any(isinstance(b, Heading | Chart) for b in document.walked) else "H1"
            notes.append(
                blocks.para(title, style.notes_heading, "notes-heading", role, width=width)
            )
            for index, note in enumerate(block.entries):
                if split is not None and index == split.split:
                    # The right column, its first note level with the left one's.
                    notes = [Gap(0, split.offset)]
                    stacks.append(notes)
                    width = columns[1].inner
                with blocks.inside("Note", ident=f"note-{note.number}"):
                    line = note.line
                    notes.append(blocks.para(line, style.note, "note", width=width, whole_end=True))
        if not notes and footer.is_empty:
            return Story()
        if contact:
            notes.append(blocks.para(contact, style.footer_contact, "contact", width=width))
        out = Story([Rule(style.footer_rule, style.footer_rule_space, style.theme.muted)], top.kids)
        if footer.is_empty and split is None:
            out.extend(notes)
            return out
        side: list[Flowable] = []
        if size:
            code = qr_flowable(footer.qr_url, size, style)
            code.hAlign = "RIGHT"
            side.append(blocks.figure(code, footer.qr_alt or qr_alt(footer.qr_url)))
        for footer_line in lines:
            # Broken to the column already, by footer_lines' own measure.
            side.append(blocks.para(footer_line, style.footer_line, "contact", width=math.inf))
    contents = [Stack(stack) if stack else None for stack in stacks]
    if footer.is_empty:
        out.append(Row(columns, contents))
    else:
        out.append(Row([*columns, cells[1]], [*contents, Stack(side)]))
    out.append(Gap(0, style.footer_tail))
    return out


def _footer_height(footer: list[Flowable], style: Style) -> float:
    if not footer:
        return 0.0
    return float(Stack(footer).wrap(style.frame_width, style.frame_height)[1])


# Footers' heights kept, by what a footer is made of: a batch's copies have the same
# footer and notes, or a few sets of notes (a recipient's place's facts).
_FOOTER_HEIGHTS: dict[tuple[tuple[Notes, ...], Footer, Style], float] = {}
_FOOTER_HEIGHTS_KEPT = 64


def footer_height(document: Document, style: Style, variants: set[str] | None = None) -> float:
    """The height of ``document``'s footer (:func:`footer_flowables`), kept by all it
    is made of: the notes blocks, the footer and the style. The fitter measures two
    versions of a copy or more, most with the same footer; its flowables are made
    once, for the page drawn. ``variants``: :func:`variants_used` of ``document``,
    if known."""
    key = (tuple(b for b in document.blocks if isinstance(b, Notes)), document.footer, style)
    height = _FOOTER_HEIGHTS.get(key)
    if height is None:
        height = _footer_height(footer_flowables(document, style, variants), style)
        _FOOTER_HEIGHTS[key] = height
        while len(_FOOTER_HEIGHTS) > _FOOTER_HEIGHTS_KEPT:
            del _FOOTER_HEIGHTS[next(iter(_FOOTER_HEIGHTS))]
    return height


def flowables(document: Document, style: Style, variants: set[str] | None = None) -> Story:
    """The platypus story of the frame: the masthead, then the body; in its ``tags``
    their structure elements, in the model's reading order. ``variants``:
    :func:`variants_used` of ``document``, if known."""
    register_fonts(variants_used(document) if variants is None else variants, style.theme.font)
    top = Element("Div")
    story = Story([], top.kids)
    if document.masthead is not None:
        story.append(masthead_row(document.masthead, style, top))
        story.append(Gap(0, style.region_gap))
    blocks = _Blocks(style, top, Outline(document.blocks))
    story.extend(blocks.blocks(document.blocks, None))
    # The space after a row, chart or picture that ends the body is the footer's gap's
    # business: the page is as full as its last line or box.
    while story and isinstance(story[-1], Spacer):
        story.pop()
    return story


def measure(document: Document, style: Style) -> float:
    """The height (points) the document takes in the page frame: masthead and body
    stacked the way a platypus frame, Word and LibreOffice all do it (between two
    paragraphs the larger of the space after and the space before; none at the top
    or bottom), then the gap above the footer and the footer."""
    used = 0.0
    last_after = 0.0
    variants = variants_used(document)  # the body's and the footer's alike
    story = flowables(document, style, variants)
    for index, flowable in enumerate(story):
        _, height = flowable.wrap(style.frame_width, style.frame_height * 10)
        if index:
            used += max(last_after, flowable.getSpaceBefore())
        used += height
        last_after = flowable.getSpaceAfter()
    _remember(document, style, story, variants)
    footer = footer_height(document, style, variants)
    return used + (style.region_gap + footer if footer else 0.0)


# The body stories of the last few documents measured, for render_pdf to lay out the
# version the fitter chose without building its paragraphs again (most briefs fit as
# measured), and the font variants they use. Keyed by the document's identity; the
# entry keeps it alive, and the style must be equal too.
_MEASURED: dict[int, tuple[Document, Style, list[Flowable], set[str]]] = {}
_MEASURED_KEPT = 4


def _remember(document: Document, style: Style, story: list[Flowable], variants: set[str]) -> None:
    _MEASURED.pop(id(document), None)
    _MEASURED[id(document)] = (document, style, story, variants)
    while len(_MEASURED) > _MEASURED_KEPT:
        del _MEASURED[next(iter(_MEASURED))]


def _stories(document: Document, style: Style) -> tuple[list[Flowable], list[Flowable]]:
    """The body's and the footer's flowables: the body's measured for this very
    document and style if any (each used by one build only), else new ones."""
    kept = _MEASURED.pop(id(document), None)
    if kept is not None and kept[0] is document and kept[1] == style:
        story, variants = kept[2], kept[3]
    else:
        variants = variants_used(document)
        story = flowables(document, style, variants)
    return story, footer_flowables(document, style, variants)


def least_height(document: Document, style: Style) -> float:
    """A quick lower bound of the height the document takes, without laying it out:
    its text in the regular face at the smallest size the style sets (the notes'),
    at that size's leading, each block, list item and table row at least a line (as
    many as its text takes, every line filled to the frame's width), blocks beside
    each other (a sidebar and its main column) the taller of them, each rule its
    hairline and the space below it, and a picture across the body its height.
    Laying out a paragraph of hundreds of thousands of characters, or a table or run
    of paragraphs tens of thousands long, takes reportlab many seconds; this takes
    milliseconds and tells the fitter not to try."""
    register_fonts(["regular"], style.theme.font)
    setting = _LeastSetting(
        style.theme.font.pdf_name,
        style.note.size,
        style.note.leading,
        style.frame_width,
        style.body_rule + style.body.space_after,
        style.measure,
    )
    return sum(_block_least_height(block, setting) for block in document.blocks)


class _LeastSetting(NamedTuple):
    """All of a style a block's least height depends on: the regular face's font (as
    registered), the smallest size and its leading, the frame's width, a rule's
    height with the space below it, and the body's measure (a tuple: hashed in C)."""

    font: str
    size: float
    leading: float
    frame_width: float
    rule: float
    measure: float


# Blocks whose least height is kept: a batch's copies repeat all but the few naming
# the recipient, each measured at a size or two.
_LEAST_KEPT = 512


@lru_cache(maxsize=_LEAST_KEPT)
def _block_least_height(block: AnyBlock, setting: _LeastSetting) -> float:
    """:func:`least_height` of one block of the body, kept by what it holds and the
    setting: a batch's copies check the same blocks at each size the fitter tries."""
    return _LeastHeight(setting).height(block, top=True)


class _LeastHeight:
    """:func:`least_height` of a block for one setting (a class, not closures: a
    recursive closure is a reference cycle, left for the collector by every brief)."""

    def __init__(self, setting: _LeastSetting) -> None:
        self.setting = setting

    def lines(self, *texts: str) -> int:
        """How many lines ``texts``, side by side or one after the other, take at least."""
        name, size = self.setting.font, self.setting.size
        width: float = sum(pdfmetrics.stringWidth(t, name, size) for t in texts)
        return math.ceil(width / self.setting.frame_width)

    def height(self, block: AnyBlock, top: bool = False) -> float:
        """``block``'s least height; ``top``: a block of the body, not in a box or column."""
        if isinstance(block, Columns):
            return max(sum(map(self.height, block.main)), sum(map(self.height, block.aside)))
        if isinstance(block, Box):
            return sum(map(self.height, block.blocks))
        if isinstance(block, HorizontalRule):
            return self.setting.rule
        if isinstance(block, Image):
            # Across the body as the renderer sets it; narrower in a box or column.
            picture = block.picture
            wide = min(block.width, self.setting.measure) if top else 0.0
            return wide * picture.height_px / picture.width_px
        if isinstance(block, BulletList):
            count = sum(self.lines(plain_text(item, citations=False)) for item in block.items)
        elif isinstance(block, Table):
            rows = (block.header, *block.rows)
            count = sum(
                self.lines(*(plain_text(cell, citations=False) for cell in row)) for row in rows
            )
        else:
            count = self.lines(block_text(block, citations=False))
        return count * self.setting.leading


def _time_stamp(iso_date: str) -> TimeStamp:
    """reportlab's time stamp for the file's dates: the brief's date at midnight UTC,
    or (none given) ``SOURCE_DATE_EPOCH`` or reportlab's fixed invariant date."""
    stamp = TimeStamp(invariant=1)
    if iso_date:
        when = dt.datetime.fromisoformat(iso_date).replace(tzinfo=dt.UTC)
        stamp.t = when.timestamp()
        stamp.lt = when.timetuple()
        stamp.YMDhms = tuple(stamp.lt)[:6]
    return stamp


def render_pdf(document: Document, style: Style) -> tuple[bytes, int]:
    """The PDF's bytes and its page count. Reproducible: reportlab's invariant mode,
    dated the brief's date (else ``SOURCE_DATE_EPOCH``, else a fixed date)."""
    return render_pages([(document, style)])


def _page_template(
    number: int, document: Document, style: Style
) -> tuple[PageTemplate, list[Flowable], list[Element]]:
    """Side ``number``'s page template (its frame, and its footer drawn at the page's
    end), the story of its frame, and the page's structure elements in reading
    order."""
    meta = document.metadata
    story, footer = _stories(document, style)
    tags = [*getattr(story, "tags", []), *getattr(footer, "tags", [])]
    footer_stack = Stack(footer)
    footer_height = footer_stack.wrap(style.frame_width, style.frame_height)[1] if footer else 0.0
    reserved = style.region_gap + footer_height if footer else 0.0
    # A frame exactly the page less its margins and the footer: platypus frames pad
    # 6 pt inside by default, which Word and LibreOffice do not.
    frame = Frame(
        style.margin,
        style.margin + reserved,
        style.frame_width,
        style.frame_height - reserved,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id=f"page-{number}",
    )

    def draw_footer(canvas: Any, _doc: Any) -> None:
        canvas._doc._timeStamp = _time_stamp(meta.date)
        if footer:
            footer_stack.drawOn(canvas, style.margin, style.margin)

    template = PageTemplate(
        id=f"side-{number}",
        frames=[frame],
        onPageEnd=draw_footer,
        pagesize=(style.page_width, style.page_height),
    )
    return template, story, tags


def render_pages(pages: Sequence[tuple[Document, Style]]) -> tuple[bytes, int]:
    """One PDF of several briefs, each starting a new page with its own page template
    (frame and footer), and its page count. The file's metadata (title, language,
    date) are the first brief's; its structure tree has a ``Part`` per brief, in its
    own language when that is not the file's."""
    buffer = io.BytesIO()
    document, style = pages[0]
    meta = document.metadata
    templates: list[PageTemplate] = []
    story: list[Flowable] = []
    structure = Element("Document")
    for number, (page_document, page_style) in enumerate(pages, start=1):
        template, page_story, tags = _page_template(number, page_document, page_style)
        templates.append(template)
        if len(pages) == 1:
            structure.adopt(tags)
        else:
            # Each side its part, in its own language when it is not the file's.
            language = page_document.metadata.language
            part = structure.add("Part", lang="" if language == meta.language else language)
            part.adopt(tags)
        if number > 1:
            story += [NextPageTemplate(template.id), PageBreak()]
        story += page_story
    doc = BaseDocTemplate(
        buffer,
        pagesize=(style.page_width, style.page_height),
        pageTemplates=templates,
        leftMargin=style.margin,
        rightMargin=style.margin,
        topMargin=style.margin,
        bottomMargin=style.margin,
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
        keywords=", ".join(meta.keywords),
        creator=_CREATOR,
        producer=_PRODUCER,
        lang=meta.language,
        displayDocTitle=1,
        # A two-sided handout asks the print dialog for both sides, turned on the
        # long edge, as docs/duplex.md says to print it.
        duplex="DuplexFlipLongEdge" if len(pages) == 2 else None,
        invariant=1,
        showBoundary=0,
        # The canvas starts in Helvetica unless told otherwise, which would put an
        # unembedded font in the file; start it in the brief's own font.
        initialFontName=style.theme.font.pdf_name,
        initialFontSize=style.body_size,
    )
    packet = xmp_packet(
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
        keywords=", ".join(meta.keywords),
        language=meta.language,
        producer=_PRODUCER,
        creator=_CREATOR,
        date="{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z".format(*_time_stamp(meta.date).YMDhms),
    )
    doc.build(story, canvasmaker=partial(TaggedCanvas, tags=structure, xmp=packet))
    # reportlab's template names itself in its namespace (for markup briefgen never
    # writes, <evalString> and the like): a reference cycle that would keep the whole
    # brief (canvas, document, flowables) until the collector runs.
    doc._nameSpace.clear()
    return buffer.getvalue(), doc.page


def render_pdf_bytes(document: Document, style: Style) -> bytes:
    """The PDF's bytes; a :class:`LayoutError` if it does not come out as one page."""
    data, pages = render_pdf(document, style)
    if pages != 1:
        raise LayoutError(
            f"brief '{document.name}' came out as {pages} PDF pages although it measured "
            "as one; please report this",
            document.source,
        )
    return data
