"""Tagged PDF: a structure tree built from the document model, and marked content
tying every mark on the page to it (PDF 32000-1, 14.7-14.8; PDF/UA-1).

reportlab has no tagging API, so this module adds one inside it rather than
rewriting the finished file:

- the renderer builds an :class:`Element` tree while it turns the model's blocks
  into flowables, so the tree's order is the model's reading order (masthead, body
  with a column's main blocks before its sidebar, footer), whatever order the page
  is drawn in;
- each content flowable is wrapped in a :class:`Marked`, which, when drawn, gives
  its text objects a marked-content sequence with a page-unique MCID owned by its
  element (a figure's whole drawing gets one), and marks any other painting (a link's
  underline) as an artifact. Inside a paragraph, a note number is the text raised
  off the baseline (briefgen sets nothing else superscript): it becomes a
  ``Reference`` with ``/ActualText``, so it is never read fused to a figure before
  it. A link's text lies between zero-width ``<onDraw>`` markers (reportlab's
  documented paragraph callback) and becomes a ``Link`` owning its annotation.
  Where reportlab ends a line at a soft hyphen it draws a hyphen of its own: that
  hyphen is drawn apart, in a ``Span`` whose ``/ActualText`` is the soft hyphen, so
  the word is read whole, never with a hard hyphen (:class:`HyphenatingText`);
- :class:`TaggedCanvas` numbers the marked content per page, gives each link
  annotation a ``/StructParent`` and ``/Contents``, and on saving writes the
  structure tree, the parent tree, ``/MarkInfo``, the XMP metadata (title,
  ``pdfuaid:part`` 1) and each page's ``/StructParents`` and ``/Tabs /S``.

Page furniture (tints, rules, the masthead band, a decorative logo) is drawn inside
:func:`artifact`. Everything is deterministic: MCIDs, object names and XMP follow
drawing and reading order only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import lru_cache, partial
from types import MethodType
from typing import Any, NamedTuple
from urllib.parse import quote, urlsplit, urlunsplit
from xml.sax.saxutils import escape

from reportlab.lib.abag import ABag
from reportlab.pdfbase.pdfdoc import (
    XMP,
    PDFDocument,
    PDFInfo,
    PDFName,
    PDFObject,
    PDFObjectReference,
    PDFString,
)
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable

from briefgen.renderers.pdf_file import LeanDocument
from briefgen.renderers.pdf_fonts import kept_format, unencrypted
from briefgen.renderers.pdf_state import KEEPS_STATE, moved

# The name reportlab calls an <onDraw> marker by, on the canvas.
CALLBACK = "briefgen_tag"

# Where a paragraph's text changes owner: a link's marker, left in the text object
# while it is drawn and taken out before the page is written (NUL never occurs in
# reportlab's own operators), or a change of text rise, where a note number's
# superscript starts or ends.
_SWITCH = re.compile("\x00([^\x00]*)\x00|(?<![^\\s])(-?[0-9.]+ Ts)(?=\\s|$)")
# Operators that show text: a string or array operand right before Tj, TJ, ' or ".
# (A string's own text may look like one too: that only marks a run with no text.)
_SHOWS = re.compile(r"(?:\)|>|\])\s*(?:Tj|TJ|'|\")(?=\s|$)")
# Operators that paint outside a text object: strokes, fills, shadings, images.
_PAINTS = re.compile(r"(?:^|\s)(?:S|s|f\*?|F|B\*?|b\*?|sh|Do|EI)(?=\s|$)")
SOFT_HYPHEN = "\u00ad"


@dataclass(eq=False, slots=True)
class Element:
    """A structure element: its standard role (``P``, ``H1``, ``Figure`` ...), its
    kids in reading order, and what a reader is told instead of or besides its
    marks. An element knows its kids, not its parent: a tree without reference
    cycles is freed as soon as its copy is made, where a cycle would hold the whole
    copy (its canvas, document and flowables) until the collector runs."""

    role: str
    kids: list[Element] = field(default_factory=list)
    alt: str = ""  # a figure's alternative text
    actual_text: str = ""  # a note number's text, said apart from the text before
    lang: str = ""
    ident: str = ""  # a note's /ID, which references name
    href: str = ""  # a link's address
    contents: str = ""  # a link annotation's description
    scope: str = ""  # a table header cell's: "Column"
    numbering: str = ""  # a list's: "Decimal" (numbered) or "Disc" (bullets)
    # A figure's box on its page (PDF units: left, bottom, right, top), as drawn.
    bbox: tuple[float, float, float, float] | None = None

    def add(self, role: str, **attributes: str) -> Element:
        """A new kid ``role`` at the end of this element's kids."""
        kid = Element(role)
        for name, value in attributes.items():
            setattr(kid, name, value)
        self.kids.append(kid)
        return kid

    def adopt(self, kids: list[Element]) -> None:
        """Make ``kids`` (built elsewhere) this element's last kids."""
        self.kids.extend(kids)

    def fresh(self) -> Element:
        """A new element of this one's role and attributes, in no tree and with no
        kids (a copy of a pattern kept between documents)."""
        return Element(
            self.role,
            alt=self.alt,
            actual_text=self.actual_text,
            lang=self.lang,
            ident=self.ident,
            href=self.href,
            contents=self.contents,
            scope=self.scope,
            numbering=self.numbering,
            bbox=self.bbox,
        )

    def walk(self) -> Iterator[Element]:
        """This element and every element under it, in reading order."""
        yield self
        for kid in self.kids:
            yield from kid.walk()


class Story(list[Flowable]):
    """A list of flowables and, in ``tags``, the structure elements they draw (the
    top of the tree for them, in reading order)."""

    def __init__(self, items: list[Flowable] | None = None, tags: list[Element] | None = None):
        super().__init__(items or [])
        self.tags: list[Element] = [] if tags is None else tags


def placed_box(canvas: Any, width: float, height: float) -> tuple[float, float, float, float]:
    """Where a ``width`` by ``height`` box drawn at the canvas's origin lands on the
    page (left, bottom, right, top): its corners through the current transformation."""
    a, b, c, d, e, f = canvas._currentMatrix
    xs = (e, e + a * width, e + c * height, e + a * width + c * height)
    ys = (f, f + b * width, f + d * height, f + b * width + d * height)
    return (min(xs), min(ys), max(xs), max(ys))


@lru_cache(maxsize=1024)
def hex_text(text: str) -> str:
    """A text string operand for a content stream: UTF-16BE with its byte order mark
    (kept for the texts last written: a copy writes its notes' numbers twice each)."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


# Around the hyphen reportlab draws where it breaks a line at a soft hyphen: what it
# stands for, the soft hyphen, so the word is read whole (ISO 32000-1, 14.8.2.2.3: a
# hyphen that divides a word at a line's end is a soft hyphen, U+00AD, never a hard
# one a reader must guess about; 14.9.4, replacement text).
_SOFT_HYPHEN_BEGIN = f"/Span <</ActualText {hex_text(SOFT_HYPHEN)}>> BDC"
_SOFT_HYPHEN_END = "EMC"
# The labels of the zero-width markers around such a hyphen in a line of several
# fonts (:func:`hyphen_apart`), and what each leaves in the text object.
_HYPHEN_MARKS = {"h": _SOFT_HYPHEN_BEGIN, "/h": _SOFT_HYPHEN_END}


def hex_bytes(ident: str) -> str:
    """An element identifier as the byte string ISO 32000-1 makes it (14.7.2, table
    323): its ASCII bytes, the same bytes as its key in the ID tree, which is looked up
    byte for byte (a text string's UTF-16 bytes would be another key)."""
    return "<" + ident.encode("ascii").hex().upper() + ">"


@contextmanager
def artifact(canvas: Canvas) -> Iterator[None]:
    """Draw page furniture: what is drawn inside is an artifact, no structure's."""
    canvas.addLiteral("/Artifact BMC")
    yield
    canvas.addLiteral("EMC")


def _marker(canvas: Canvas, kind: str, label: str) -> None:
    """reportlab's ``<onDraw>`` callback: leave the marker in the text object being
    built, and note a link's start for its annotation."""
    del kind
    if label in _HYPHEN_MARKS:  # a soft hyphen's, not an owner's: left as it is drawn
        canvas._curr_tx_info["tx"]._code.append(_HYPHEN_MARKS[label])
        return
    canvas._curr_tx_info["tx"]._code.append(f"\x00{label}\x00")
    tagger = getattr(canvas, "tagger", None)
    if tagger is not None and label != "e":
        tagger.started(int(label[1:]))
        if canvas.links_drawn is not None:
            canvas.links_drawn.append(int(label[1:]))


def install_marker(canvas: Canvas) -> None:
    """Give ``canvas`` the ``<onDraw>`` callback :func:`on_draw` names, where the
    installed reportlab looks it up: its named callbacks from 4.4.9, an attribute of
    the canvas before."""
    if not hasattr(canvas, "setNamedCB"):
        setattr(canvas, CALLBACK, _marker)
    elif canvas.getNamedCB(CALLBACK) is None:
        canvas.setNamedCB(CALLBACK, _marker)


def on_draw(label: str) -> str:
    """The paragraph markup of a zero-width marker: ``s<i>`` starts the paragraph's
    ``i``-th inner element (a link), ``e`` returns to the paragraph."""
    return f'<onDraw name="{CALLBACK}" label="{label}"/>'


class _BoundWhenRead:
    """An attribute holding a method of its own object unbound, and bound again when
    read: reportlab's paragraph gives its text object the function that draws
    underlines and links' rectangles as a method bound to the object, in the object,
    a reference cycle that would keep the whole brief (canvas, document, flowables)
    until the collector runs."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.key = f"briefgen_unbound{name}"

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        try:
            value, bound = obj.__dict__[self.key]
        except KeyError:
            raise AttributeError(self.name) from None
        return MethodType(value, obj) if bound else value

    def __set__(self, obj: object, value: Any) -> None:
        bound = isinstance(value, MethodType) and value.__self__ is obj
        obj.__dict__[self.key] = (value.__func__, True) if bound else (value, False)


class HyphenatingText(PDFTextObject):  # type: ignore[misc]
    """A paragraph's text object. A line of one font whose text ends in a soft hyphen
    (pdf.py's layout leaves one where reportlab broke the line at a soft hyphen and
    ended it with a hyphen of its own) draws that hyphen, in a ``Span`` that says it
    is the soft hyphen. Drawn apart in the same font, it lands where it did."""

    _do_line = _BoundWhenRead()  # reportlab's name

    def _textOut(self, text: str, TStar: int = 0) -> None:  # reportlab's names
        if text.endswith(SOFT_HYPHEN):
            super()._textOut(text[:-1])
            self._code.append(_SOFT_HYPHEN_BEGIN)
            super()._textOut("-")
            self._code.append(_SOFT_HYPHEN_END)
            if not TStar:
                return
            text = ""
        super()._textOut(text, TStar)


def hyphen_apart(words: list[Any], index: int) -> list[Any]:
    """A line of several fonts (reportlab's fragments) whose ``index``-th fragment,
    its last with text, ends in the hyphen reportlab drew where it broke the line at
    a soft hyphen: that hyphen a fragment of its own, between zero-width markers
    that put it in a ``Span`` saying it is the soft hyphen. Same font, same widths:
    the line, its underline and its link's rectangle land where they did."""
    last = words[index]
    head = [last.clone(text=last.text[:-1])] if len(last.text) > 1 else []
    marks = [
        last.clone(text="", cbDefn=ABag(kind="onDraw", name=CALLBACK, label=label))
        for label in _HYPHEN_MARKS
    ]
    hyphen = [marks[0], last.clone(text="-"), marks[1]]
    return [*words[:index], *head, *hyphen, *words[index + 1 :]]


class Marked(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A flowable whose drawing belongs to ``element``: a paragraph's text objects
    each in marked content (its inner elements' runs, its bullet's as ``label``,
    apart), any other painting an artifact; with ``whole`` the entire drawing is one
    marked-content sequence (a figure). ``element`` None makes it all an artifact
    (a decorative picture)."""

    def __init__(
        self,
        inner: Flowable,
        element: Element | None,
        *,
        inner_elements: list[Element] | None = None,
        label: Element | None = None,
        whole: bool = False,
    ) -> None:
        super().__init__()
        self.inner = inner
        self.element = element
        self.inner_elements = inner_elements or []
        self.label = label
        self.whole = whole
        self.hAlign = getattr(inner, "hAlign", "LEFT")

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = self.inner.wrap(avail_width, avail_height)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return [
            Marked(
                part,
                self.element,
                inner_elements=self.inner_elements,
                label=self.label,
                whole=self.whole,
            )
            for part in self.inner.split(avail_width, avail_height)
        ]

    def getSpaceBefore(self) -> float:  # reportlab's name
        return float(self.inner.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.inner.getSpaceAfter())

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        """Drawn through :func:`~briefgen.renderers.pdf_state.moved` when what it
        marks leaves the canvas's state as it found it: marking it adds operators
        alone."""
        if getattr(self, "_showBoundary", None) or type(self.inner).drawOn not in KEEPS_STATE:
            super().drawOn(canvas, x, y, _sW)
        else:
            moved(self, canvas, x, y, _sW)

    def draw(self) -> None:
        canvas = self.canv
        tagger: Tagger | None = getattr(canvas, "tagger", None)
        if self.element is None:
            with artifact(canvas):
                self.inner.drawOn(canvas, 0, 0)
            return
        if self.whole:
            # Where the figure lands on the page (ISO 32000-1, table 344: a figure's
            # BBox is required when it is whole on one page): its origin and far
            # corner through the canvas's current transformation.
            self.element.bbox = placed_box(canvas, self.width, self.height)
            begin, end = _sequence(self.element, tagger)
            if begin:
                canvas.addLiteral(begin)
            self.inner.drawOn(canvas, 0, 0)
            if end:
                canvas.addLiteral(end)
            return
        install_marker(canvas)
        code: list[str] = canvas._code
        start = len(code)
        if tagger is not None:
            tagger.paragraph = self.inner_elements
        self.draw_inner(canvas)
        if tagger is not None:
            tagger.paragraph = []
        code[start:] = self.tagged(tuple(code[start:]), tagger)

    def draw_inner(self, canvas: Canvas) -> None:
        """Draw the flowable this one marks, at its origin (its operators are then
        marked)."""
        self.inner.drawOn(canvas, 0, 0)

    def tagged(self, drawn: tuple[str, ...], tagger: Tagger | None) -> list[str]:
        """The operators ``drawn`` for this paragraph, each text object marked as its
        element's and any other painting as an artifact. Which run of which text
        object each element owns is worked out once per process (:func:`_plan`), the
        same for every copy that draws the paragraph again; only the marked-content
        sequences, whose MCIDs are this page's, are made here."""
        out: list[str] = []
        label, element, inner = self.label, self.element, self.inner_elements
        assert element is not None
        for item in _plan(drawn, tuple(kid.role for kid in inner)):
            if isinstance(item, str):
                out.append(item)
                continue
            first, runs = item
            owner = (label or element) if first else element
            pieces: list[str] = []
            for selector, run in runs:
                if selector is None:
                    pieces.append(run.text)
                    continue
                kid = owner if selector < 0 else inner[selector]
                begin, end = _sequence(kid, tagger)
                if tagger is None:  # a canvas that is not tagging: as drawn
                    pieces.append(run.text)
                    continue
                if kid is not owner:
                    tagger.enter(owner, kid)
                pieces.append(f"{run.head}\n{begin}\n{run.body}\n{end}\n{run.tail}")
            out.append("".join(pieces))
        return out


KEEPS_STATE.add(Marked.drawOn)


@dataclass(frozen=True, slots=True)
class _Run:
    """A run of a text object's operators that one element owns, and what starts it:
    a link's marker (``link``: the paragraph's inner element it starts, -1 its end)
    or a change of text rise (``raised``: whether off the baseline); neither for the
    first run. ``text`` is the run as drawn; ``head``, ``body`` and ``tail`` are it
    with BT and ET kept apart, for a marked-content sequence to nest inside the text
    object. ``shows``: whether it shows text at all."""

    link: int | None
    raised: bool | None
    text: str
    shows: bool
    head: str
    body: str
    tail: str


# What _kind gives for operators that paint outside a text object: no runs (a text
# object has one at least).
_PAINTING: tuple[_Run, ...] = ()


@lru_cache(maxsize=2048)
def _kind(operators: str) -> tuple[_Run, ...] | None:
    """What one drawn piece of a page's operators is: a text object, as its runs; a
    painting (:data:`_PAINTING`); or neither (None). A piece depends on what was
    drawn alone, not on whose it is: most of a batch copy's are its paragraphs'
    operators as drawn for an earlier copy (pdf.py's ``_Text.draw_inner``), so they
    are taken apart once per process, not once per copy."""
    if not operators.lstrip().startswith("BT"):
        return _PAINTING if _PAINTS.search(operators) else None
    pieces = _SWITCH.split(operators)
    runs: list[_Run] = []
    link: int | None = None
    raised: bool | None = None
    run = [pieces[0]]
    for index in range(1, len(pieces), 3):
        label, rise, after = pieces[index : index + 3]
        runs.append(_run(link, raised, "".join(run)))
        run = [after]
        if label is not None:
            link, raised = (-1 if label == "e" else int(label[1:])), None
        else:
            link, raised = None, float(rise.split()[0]) != 0
            run.insert(0, rise)
    runs.append(_run(link, raised, "".join(run)))
    return tuple(runs)


# A plan's text object: whether it is the paragraph's first (owned by its label, if
# any) and each run with the element owning it: None, a run showing no text (as
# drawn); -1, the text object's owner; else the paragraph's inner element by index.
_PlannedText = tuple[bool, tuple[tuple[int | None, _Run], ...]]


@lru_cache(maxsize=1024)
def _plan(drawn: tuple[str, ...], roles: tuple[str, ...]) -> tuple[str | _PlannedText, ...]:
    """What :meth:`Marked.tagged` does with the operators ``drawn`` of a paragraph whose
    inner elements have ``roles``, as operators kept as they are and text objects
    whose runs name their owners: the same for every copy that replays the
    paragraph (pdf.py's ``_Text``), so worked out once per process."""
    references = iter([index for index, role in enumerate(roles) if role == "Reference"])
    items: list[str | _PlannedText] = []
    first = True
    for operators in drawn:
        kind = _kind(operators)
        if kind is None:
            items.append(operators)
        elif kind == _PAINTING:
            items.extend(("/Artifact BMC", operators, "EMC"))
        else:
            runs: list[tuple[int | None, _Run]] = []
            link: int | None = None
            reference: int | None = None
            for run in kind:
                if run.link is not None:
                    link = None if run.link < 0 else run.link
                elif run.raised is not None:
                    if run.raised and reference is None:
                        reference = next(references, None)
                    elif not run.raised:
                        reference = None
                owner = reference if reference is not None else link
                runs.append(((-1 if owner is None else owner) if run.shows else None, run))
            items.append((first, tuple(runs)))
            first = False
    return tuple(items)


def _run(link: int | None, raised: bool | None, text: str) -> _Run:
    # Keep BT and ET outside the sequence, so it nests inside the text object.
    head, body, tail = "", text, ""
    if body.lstrip().startswith("BT"):
        head, body = "BT", body.lstrip()[2:]
    if body.rstrip().endswith("ET"):
        body, tail = body.rstrip()[:-2], "ET"
    return _Run(link, raised, text, bool(_SHOWS.search(text)), head, body, tail)


def _sequence(element: Element, tagger: Tagger | None) -> tuple[str, str]:
    """The operators beginning and ending ``element``'s next marked-content sequence
    on the page (none on a canvas that is not tagging). Replacement text goes in a
    ``Span`` inside it, the one tag PDF 32000-1 (14.9.4) gives it in content, and the
    one poppler reads."""
    if tagger is None:
        return "", ""
    begin = f"/{element.role} <</MCID {tagger.mcid(element)}>> BDC"
    if element.actual_text:
        return f"{begin} /Span <</ActualText {hex_text(element.actual_text)}>> BDC", "EMC EMC"
    return begin, "EMC"


@dataclass
class _Annotation:
    """A link's annotation: its object and the page (from 0) it is on."""

    ref: PDFObjectReference
    page: int


class Tagger:
    """What a tagging canvas learns while drawing: each page's marked content by
    MCID, and each element's marks and annotations."""

    def __init__(self) -> None:
        self.pages: list[list[Element]] = [[]]  # page -> MCID -> its element
        self.marks: dict[Element, list[tuple[int, int]]] = {}  # (page, MCID)
        # Each element's marks and inner elements in the order drawn: (page, MCID)
        # or a paragraph's reference or link between its runs.
        self.contents: dict[Element, list[tuple[int, int] | Element]] = {}
        self.annotations: dict[Element, list[_Annotation]] = {}
        # StructParent(s) keys in the order given: a link annotation's element, or
        # None for the page whose marked content it is (the page after its links).
        self.keys: list[Element | None] = []
        self.paragraph: list[Element] = []  # the inner elements of what is drawn
        self.links: list[Element] = []  # links started in it, last first

    def mcid(self, element: Element) -> int:
        """The next MCID on the current page, owned by ``element``."""
        page = len(self.pages) - 1
        number = len(self.pages[page])
        self.pages[page].append(element)
        self.marks.setdefault(element, []).append((page, number))
        self.contents.setdefault(element, []).append((page, number))
        return number

    def enter(self, owner: Element, inner: Element) -> None:
        """``inner`` (a reference or link) comes next in ``owner``'s text."""
        drawn = self.contents.setdefault(owner, [])
        if inner not in drawn:
            drawn.append(inner)

    def key(self, owner: Element | None) -> int:
        """The next parent-tree key: for an annotation of ``owner``, or (None) for
        the current page."""
        self.keys.append(owner)
        return len(self.keys) - 1

    def started(self, index: int) -> None:
        """The paragraph's ``index``-th inner element starts (a link's annotations
        are made after its line)."""
        element = self.paragraph[index]
        if element.role == "Link":
            self.links.insert(0, element)

    def link_for(self, url: str) -> tuple[Element | None, str]:
        """The link element an annotation to ``url`` drawn now belongs to, and the
        address. A tagged paragraph's ``url`` is the address, a space and the link's
        place among the paragraph's inner elements (pdf.markup); any other is looked
        up by address, the latest started first."""
        address, _, place = url.rpartition(" ")
        if address and place.isdigit() and int(place) < len(self.paragraph):
            element = self.paragraph[int(place)]
            if element.role == "Link":
                return element, address
        return next((link for link in self.links if link.href == url), None), url

    def new_page(self) -> None:
        """Start the next page's marked content (its links are its own)."""
        self.pages.append([])
        self.links = []


_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def ascii_uri(address: str) -> str:
    """``address`` as the ASCII a PDF link's ``/URI`` must be (ISO 32000: 7-bit): a
    host of other letters ("exämple.org") in IDNA's ``xn--`` form, any other such
    character percent-encoded as UTF-8. reportlab wrote such an address as UTF-16,
    which a viewer opens as another address."""
    if address.isascii():
        return address
    parts = urlsplit(address)
    host, colon, port = parts.netloc.rpartition(":")
    if not colon or not port.isdigit():
        host, colon, port = parts.netloc, "", ""
    user, at, host = host.rpartition("@")
    with suppress(UnicodeError):  # else, not a name IDNA takes, percent-encoded below
        encoded = host.encode("idna").decode("ascii")
        # Python's IDNA (2003) maps some letters to others ("straße" to "strasse"),
        # another host than browsers open (IDNA 2008 keeps the ß): such a host is
        # percent-encoded instead, which a browser reads as the name written.
        if encoded.encode("ascii").decode("idna") == host.lower():
            host = encoded
    netloc = user + at + host + colon + port
    whole = urlunsplit(parts._replace(netloc=netloc))
    return _NOT_ASCII.sub(lambda found: quote(found[0], safe=""), whole)


# An annotation's flags (ISO 32000-1, 12.5.3): Print, none of Hidden, Invisible, NoView.
_PRINT = 4


class LinkCall(NamedTuple):
    """A call of :meth:`TaggedCanvas.linkURL` as a paragraph's drawing made it, its
    rectangle in the paragraph's own space (``relative``): made again where the
    paragraph's operators are replayed, the annotation lands where drawing puts it."""

    url: str
    rect: tuple[float, float, float, float]
    relative: int
    options: tuple[tuple[str, Any], ...]


class TaggedCanvas(Canvas):  # type: ignore[misc]
    """A reportlab canvas that writes a tagged PDF of the structure ``tags`` (the
    Document element) with XMP metadata from ``xmp``."""

    def __init__(self, *args: Any, tags: Element, xmp: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tagger = Tagger()
        self.tags = tags
        self.xmp = xmp
        self.page_refs: list[PDFObjectReference] = []
        # While a paragraph is drawn to be replayed: in order, each inner element its
        # markers start (by its place, :meth:`Tagger.started`) and each link
        # annotation it places (:meth:`linkURL`'s arguments): pdf._Text.draw_inner.
        self.links_drawn: list[int | LinkCall] | None = None
        install_marker(self)
        self._doc._pdfVersion = max(self._doc._pdfVersion, (1, 7))
        if type(self._doc.info) is PDFInfo:
            self._doc.info.__class__ = _KeptInfo
        if type(self._doc) is PDFDocument:
            self._doc.__class__ = LeanDocument

    def linkURL(  # reportlab's name
        self, url: str, rect: Any, relative: int = 0, **kwargs: Any
    ) -> None:
        """A link annotation, with the ``/StructParent`` and ``/Contents`` of the link
        element it belongs to, and the Print flag (``/F 4``): it prints as it shows,
        which is not at all (no border, no appearance), as PDF/A and print shops
        expect of every annotation."""
        if self.links_drawn is not None:
            self.links_drawn.append(LinkCall(url, rect, relative, tuple(kwargs.items())))
        kwargs.setdefault("F", _PRINT)
        tagger = self.tagger
        link, url = tagger.link_for(url)
        if link is not None:
            kwargs["StructParent"] = tagger.key(link)
            kwargs["Contents"] = PDFString(link.contents or url)
        super().linkURL(ascii_uri(url), rect, relative, **kwargs)
        if link is not None:
            annotation = _Annotation(self._annotationrefs[-1], len(tagger.pages) - 1)
            tagger.annotations.setdefault(link, []).append(annotation)

    def _setAnnotations(self, page: Any) -> None:
        super()._setAnnotations(page)
        self.page_refs.append(self._doc.thisPageRef())
        page.StructParents = self.tagger.key(None)
        page.Tabs = PDFName("S")
        page.__NoDefault__ = [*page.__NoDefault__, "StructParents", "Tabs"]

    def showPage(self) -> None:
        super().showPage()
        self.tagger.new_page()

    def save(self) -> None:
        write_structure(self)
        super().save()


class _KeptInfo(PDFInfo):  # type: ignore[misc]
    """The file's information dictionary (title, author, dates...), formatted once
    per process for what it holds: every copy of a batch's audience writes the same."""

    def format(self, document: Any) -> bytes:
        key: tuple[object, ...] | None = None
        stamp = document._timeStamp
        if unencrypted(document) and self._dateFormatter is None:
            texts = (self.title, self.author, self.producer, self.creator, self.subject)
            key = (*texts, self.keywords, self.trapped, stamp.YMDhms, stamp.dhh, stamp.dmm)
            if any(type(value) is not str for value in (*texts, self.keywords, self.trapped)):
                key = None
        return kept_format(_KeptInfo, key, partial(PDFInfo.format, self, document))


# A table's cells: kept in the structure even when empty.
_CELLS = ("TH", "TD")


def _prune(element: Element, marks: dict[Element, Any], annotations: dict[Element, Any]) -> bool:
    """Drop the elements that own nothing (a paragraph left empty), but a table's
    cells, which keep every row as wide as its header for a screen reader; whether
    ``element`` is kept."""
    element.kids = [kid for kid in element.kids if _prune(kid, marks, annotations)]
    return bool(
        element.kids or element in marks or element in annotations or element.role in _CELLS
    )


class _Raw(PDFObject):  # type: ignore[misc]
    """A PDF object written as it stands. The structure tree has an object per
    element, each written here as one string: reportlab's general dictionaries take
    several times longer."""

    def __init__(self, text: str = "") -> None:
        self.text = text

    def format(self, document: Any) -> bytes:
        return self.text.encode("ascii")


class _Writer:
    """Writes the structure elements of what a tagging canvas drew: object numbers
    known before any is written, so each is one string."""

    def __init__(self, canvas: TaggedCanvas) -> None:
        self.doc = canvas._doc
        self.tagger = canvas.tagger
        self.pages = [self.number(ref) for ref in canvas.page_refs]
        self.objects: dict[Element, _Raw] = {}
        self.refs: dict[Element, str] = {}
        for element in canvas.tags.walk():
            raw = self.objects[element] = _Raw()
            self.refs[element] = self.add(raw)

    def add(self, raw: _Raw) -> str:
        """Add ``raw`` to the document as its next object, as reportlab's
        ``Reference`` adds a new one (named ``R`` and its number), and give its
        reference as written. Some sixty a copy: reportlab's general ``Reference``
        and the reference it makes cost more than the object's writing."""
        doc = self.doc
        number = doc.objectcounter + 1
        name = f"R{number}"
        if name in doc.idToObject:  # taken by a name of its own: reportlab's error
            return self.number(doc.Reference(raw))
        doc.objectcounter = number
        raw.__InternalName__ = name
        doc.idToObjectNumberAndVersion[name] = (number, 0)
        doc.numberToId[number] = name
        doc.idToObject[name] = raw
        return f"{number} 0 R"

    def number(self, ref: PDFObjectReference) -> str:
        """``ref`` as written: ``12 0 R``."""
        number, version = self.doc.idToObjectNumberAndVersion[ref.name]
        return f"{number} {version} R"

    def element(self, element: Element, parent: str) -> str:
        """The structure element dictionary of ``element``: its own marked content
        and inner elements in drawing order (a paragraph's runs around its note
        numbers), then its other kids (a list nested in an item's body, after the
        item's text), then an OBJR for each of its annotations."""
        tagger, pages, refs = self.tagger, self.pages, self.refs
        marks = tagger.marks.get(element)
        first_page = marks[0][0] if marks else None
        head = f"<< /Type /StructElem /S /{element.role} /P {parent}"
        parts = [head if first_page is None else f"{head} /Pg {pages[first_page]}"]
        drawn = tagger.contents.get(element)
        kids: list[str] = []
        if drawn:
            for item in drawn:
                if isinstance(item, tuple):  # (page, MCID)
                    on, mcid = item
                    if on == first_page:
                        kids.append(str(mcid))
                    else:
                        kids.append(f"<< /Type /MCR /Pg {pages[on]} /MCID {mcid} >>")
                else:
                    kids.append(refs[item])
            if element.kids:
                kids += [refs[kid] for kid in element.kids if kid not in drawn]
        elif element.kids:
            kids = [refs[kid] for kid in element.kids]
        for annotation in tagger.annotations.get(element, ()):
            page = pages[annotation.page]
            kids.append(f"<< /Type /OBJR /Obj {self.number(annotation.ref)} /Pg {page} >>")
        if len(kids) == 1:
            parts.append(f"/K {kids[0]}")
        elif kids:
            parts.append(f"/K [{' '.join(kids)}]")
        if element.scope:
            parts.append(f"/A << /O /Table /Scope /{element.scope} >>")
        if element.numbering:
            parts.append(f"/A << /O /List /ListNumbering /{element.numbering} >>")
        if element.bbox is not None:
            box = " ".join(f"{value:.2f}" for value in element.bbox)
            parts.append(f"/A << /O /Layout /BBox [{box}] >>")
        if element.alt:
            parts.append(f"/Alt {hex_text(element.alt)}")
        if element.actual_text:
            parts.append(f"/ActualText {hex_text(element.actual_text)}")
        if element.lang:
            parts.append(f"/Lang {hex_text(element.lang)}")
        if element.ident:
            parts.append(f"/ID {hex_bytes(element.ident)}")
        parts.append(">>")
        return " ".join(parts)

    def parent_tree(self) -> str:
        """The number tree from each page's StructParents to its MCIDs' owners, and
        from each annotation's StructParent to its link."""
        numbers: list[str] = []
        page_owners = iter(self.tagger.pages)
        for key, owner in enumerate(self.tagger.keys):
            if owner is None:
                owners = " ".join(self.refs[each] for each in next(page_owners))
                numbers.append(f"{key} [{owners}]")
            else:
                numbers.append(f"{key} {self.refs[owner]}")
        return f"<< /Nums [{' '.join(numbers)}] >>"


def _unique_ids(writer: _Writer, tagger: Tagger) -> dict[str, str]:
    """Each element's /ID, unique in the file (PDF/UA): a note on a later page (the
    back of a two-sided handout, numbered from 1 again) gets its page's number
    before its own ("p2-note-1"); and the reference of each."""
    ids: dict[str, str] = {}
    for element in writer.objects:
        if not element.ident:
            continue
        page = _first_page(element, tagger)
        if page:
            element.ident = f"p{page + 1}-{element.ident}"
        ids[element.ident] = writer.refs[element]
    return ids


def _first_page(element: Element, tagger: Tagger) -> int:
    """The page (from 0) of the first content ``element`` or an element inside it
    marks; 0 when none does."""
    if marks := tagger.marks.get(element):
        return marks[0][0]
    return next((page for kid in element.kids if (page := _first_page(kid, tagger))), 0)


def write_structure(canvas: TaggedCanvas) -> None:
    """Write the structure tree, parent tree, mark info and metadata of what
    ``canvas`` drew into its document's catalog."""
    _prune(canvas.tags, canvas.tagger.marks, canvas.tagger.annotations)
    doc = canvas._doc
    root = _Raw()
    root_ref = doc.Reference(root, "BriefgenStructTreeRoot")
    writer = _Writer(canvas)
    ids = _unique_ids(writer, canvas.tagger)
    parents = {kid: element for element in writer.objects for kid in element.kids}
    for element, raw in writer.objects.items():
        parent = writer.refs[parents[element]] if element in parents else writer.number(root_ref)
        raw.text = writer.element(element, parent)
    parent_tree = writer.number(doc.Reference(_Raw(writer.parent_tree())))
    # Elements with an /ID (the notes) are found by it through the ID tree, which
    # ISO 32000 requires whenever one has an ID.
    id_tree = " ".join(f"{hex_bytes(ident)} {ref}" for ident, ref in sorted(ids.items()))
    root.text = (
        f"<< /Type /StructTreeRoot /K {writer.refs[canvas.tags]} /ParentTree {parent_tree}"
        f" /ParentTreeNextKey {len(canvas.tagger.keys)}"
        + (f" /IDTree << /Names [{id_tree}] >>" if ids else "")
        + " >>"
    )
    catalog = doc.Catalog
    catalog.StructTreeRoot = root_ref
    catalog.MarkInfo = _Raw("<< /Marked true >>")
    xmp = canvas.xmp
    catalog.Metadata = XMP(creator=lambda _doc: xmp.encode("utf-8"))


def xmp_packet(
    *,
    title: str,
    author: str,
    subject: str,
    keywords: str,
    language: str,
    producer: str,
    creator: str,
    date: str,
) -> str:
    """The XMP metadata of a PDF/UA-1 file: the title (shown by viewers, as
    ``DisplayDocTitle`` asks), the other document properties as in the Info
    dictionary, and ``pdfuaid:part`` 1. ``date`` is an ISO 8601 date-time."""

    def alt(text: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt>'

    creators = f"<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>"
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about=""'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        ' xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">\n'
        "<dc:format>application/pdf</dc:format>\n"
        f"<dc:title>{alt(title)}</dc:title>\n"
        + (creators + "\n" if author else "")
        + (f"<dc:description>{alt(subject)}</dc:description>\n" if subject else "")
        + f"<dc:language><rdf:Bag><rdf:li>{escape(language)}</rdf:li></rdf:Bag></dc:language>\n"
        + (f"<pdf:Keywords>{escape(keywords)}</pdf:Keywords>\n" if keywords else "")
        + f"<pdf:Producer>{escape(producer)}</pdf:Producer>\n"
        f"<xmp:CreatorTool>{escape(creator)}</xmp:CreatorTool>\n"
        f"<xmp:CreateDate>{date}</xmp:CreateDate>\n"
        f"<xmp:ModifyDate>{date}</xmp:ModifyDate>\n"
        "<pdfuaid:part>1</pdfuaid:part>\n"
        "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
