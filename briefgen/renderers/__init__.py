"""Renderers by output format. Each takes a fitted document and its style and
returns the file's bytes; modules are imported only when that format is built."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefgen.model import BulletList, Cite, Document, Footer, Inline, Inlines, Table
    from briefgen.style import Style

# format name -> (module, function); the file suffix is the format name.
RENDERERS: dict[str, tuple[str, str]] = {
    "pdf": ("briefgen.renderers.pdf", "render_pdf_bytes"),
    "docx": ("briefgen.renderers.docx", "render_docx"),
}
FORMATS = tuple(RENDERERS)

# A renderer writes a text it meets again in a batch's next copy once per process
# (the PDF's markup, the DOCX's paragraphs) when it is at most this long: a template
# decides how long a text is, and a longer one is not kept.
KEPT_TEXT_LENGTH = 1000

# The height (points) of an empty table cell's content: Word needs a paragraph in
# every cell, and the DOCX's is this tall; the PDF leaves the same space.
EMPTY_CELL = 1.0

# Between a note number and a digit before it (FY 2023, note 3): a no-break space,
# so extracted text reads "2023 3", not "20233", and no line breaks there.
NOTE_SEPARATOR = "\u00a0"


def note_label(cite: Cite, before: str) -> str:
    """A citation's superscript as both formats print it after the text ``before``
    it: kept apart from a digit by :data:`NOTE_SEPARATOR`."""
    if not cite.label:
        return ""
    return (NOTE_SEPARATOR if before[-1:].isdigit() else "") + cite.label


def render(fmt: str, document: Document, style: Style) -> bytes:
    """Render ``document`` in format ``fmt`` (one of :data:`FORMATS`)."""
    module_name, function = RENDERERS[fmt]
    renderer = getattr(import_module(module_name), function)
    data: bytes = renderer(document, style)
    return data


def web_link(address: str) -> str:
    """The link of a printed web address (``example.org/x`` links to https)."""
    return address if "://" in address else f"https://{address}"


def footer_lines(footer: Footer, style: Style) -> list[Inlines]:
    """The lines under the footer's QR code, beside the notes, each with its link:
    the web address, the QR code's address when it is another one, the contact lines,
    the date line. A word wider than the column (a long address) is broken to fit it
    where both formats break it: :func:`broken_word`."""
    from briefgen.model import LineBreak, Span

    texts: list[tuple[str, str]] = []
    if footer.website:
        texts.append((footer.website, web_link(footer.website)))
    if footer.qr_url and footer.qr_url != web_link(footer.website):
        texts.append((footer.qr_url, footer.qr_url))
    texts.extend((line, "") for line in footer.contact)
    if footer.updated:
        texts.append((footer.updated, ""))
    fits = _fits(style)
    lines: list[Inlines] = []
    for text, href in texts:
        words = ["\n".join(broken_word(word, fits)) for word in text.split(" ")]
        pieces = " ".join(words).split("\n")
        runs: list[Inline] = []
        for piece in pieces:
            if runs:
                runs.append(LineBreak())
            runs.append(Span(piece, href=href))
        lines.append(tuple(runs))
    return lines


def broken_word(word: str, fits: Callable[[str], bool]) -> list[str]:
    """``word`` cut into pieces that each ``fits``: after a ``/``, ``?``, ``&`` or
    other mark of a web address when one comes late enough in the piece, else where
    the piece is full. Both formats are given these breaks because they would break
    such a word differently, or (reportlab, after a tag's marker) not at all."""
    pieces: list[str] = []
    while (full := _longest_fitting(word, fits)) < len(word):
        full = max(1, full)  # not even one character fits: one a line
        cut = max((word.rfind(mark, 0, full) + 1 for mark in _ADDRESS_MARKS), default=0)
        if cut < full * _EARLIEST_CUT:
            cut = full
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word] if word or not pieces else pieces


def _longest_fitting(word: str, fits: Callable[[str], bool]) -> int:
    """The length of ``word``'s longest prefix that fits (all of it when it does).
    Prefixes of doubling length first, so a piece costs about its own length, not
    the rest of the word's."""
    low, size = 0, 1  # word[:low] fits
    while True:
        probe = min(size, len(word))
        if not fits(word[:probe]):
            high = probe - 1  # word[:high + 1] does not fit
            break
        low = probe
        if probe == len(word):
            return low
        size *= 2
    while low < high:
        middle = (low + high + 1) // 2
        if fits(word[:middle]):
            low = middle
        else:
            high = middle - 1
    return low


# Where an address breaks best, and how far into a line the break must come.
_ADDRESS_MARKS = ("/", "?", "&", "=", "#", "-", "_", ".", "@")
_EARLIEST_CUT = 0.6


def _fits(style: Style) -> Callable[[str], bool]:
    """Whether a text fits the footer's column on one line."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from briefgen.renderers.pdf import register_fonts

    family = style.theme.font
    register_fonts((), family)
    size, limit = style.footer_line.size, style.footer_text_limit

    def fits(text: str) -> bool:
        return bool(stringWidth(text, family.pdf_name, size) <= limit)

    return fits


def footer_text_width(lines: list[Inlines], style: Style) -> float:
    """The width (points) of the footer's widest line (of :func:`footer_lines`) as
    both formats set it: the metrics of the PDF's font, which the DOCX's font shares."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from briefgen.model import Span
    from briefgen.renderers.pdf import register_fonts

    family = style.theme.font
    register_fonts((), family)
    size = style.footer_line.size
    widths = [
        stringWidth(run.text, family.pdf_name, size)
        for line in lines
        for run in line
        if isinstance(run, Span)
    ]
    return float(max(widths, default=0.0))


# A bullet for each level of a nested list; every bundled font draws them.
BULLETS = ("\u2022", "\u25e6", "\u25aa")


def list_markers(block: BulletList) -> list[str]:
    """Each item's marker as both formats print it: its number (``7.``) or the
    bullet of its level."""
    if block.ordered:
        return [f"{number}." for number in range(block.start, block.start + len(block.items))]
    return [BULLETS[block.depth]] * len(block.items)


def list_indents(block: BulletList, style: Style) -> tuple[float, float]:
    """Where a run of list items sets its markers and where its text begins (points
    from the column's left edge), the same in both formats. Each level stands one
    bullet indent further in; a number wider than the indent leaves room for itself
    (a list may count from 2023)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from briefgen.renderers.pdf import register_fonts

    text = style.list_item
    hanging = style.bullet_indent
    marker_at = text.indent_left - hanging + block.depth * hanging
    if block.ordered:
        family = style.theme.font
        register_fonts((), family)
        widest = max(stringWidth(m, family.pdf_name, text.size) for m in list_markers(block))
        # reportlab keeps 0.6 em between a bullet and its text, else moves the text.
        hanging = max(hanging, widest + text.size * 0.6)
    return marker_at, marker_at + hanging


def table_widths(table: Table, style: Style, width: float) -> list[float]:
    """Each column's width (points) for ``table`` across ``width``, the same in both
    formats: its longest line when the columns fit side by side, else the widest
    columns cut to wrap (never below their longest word); each rounded to a twentieth
    of a point (a Word twip) so both formats draw the same cells. A table whose
    longest words cannot fit is refused at its line."""
    from briefgen.errors import LayoutError

    _, right, _, left = style.table_padding
    spare = right + left + 2.0  # the padding, and room for rounding to Word's units
    rows = [(table.header, True), *((row, False) for row in table.rows)]
    columns = range(len(table.header))
    natural = [max(_text_width(r[c], style, h) for r, h in rows) + spare for c in columns]
    least = [max(_longest_word(r[c], style, h) for r, h in rows) + spare for c in columns]
    if sum(least) > width:
        raise LayoutError(
            f"a table whose longest words need {sum(least):.0f} pt across its columns, "
            f"wider than the {width:.0f} pt it has; shorten them or take out a column",
            table.location,
        )
    if sum(natural) > width:
        # The widest columns give way first: each is cut to one cap (never below its
        # longest word), the cap found by bisection; narrower columns keep one line.
        low, high = 0.0, max(natural)
        for _ in range(50):
            cap = (low + high) / 2
            if sum(min(n, max(m, cap)) for n, m in zip(natural, least, strict=True)) > width:
                high = cap
            else:
                low = cap
        widths = [min(n, max(m, low)) for n, m in zip(natural, least, strict=True)]
    else:
        widths = natural
    # Across the whole width: what is left shared in proportion to each column.
    extra = width - sum(widths)
    widths = [w + extra * w / sum(widths) for w in widths]
    twentieths = [round(w * 20) for w in widths]
    twentieths[-1] = round(width * 20) - sum(twentieths[:-1])
    return [t / 20 for t in twentieths]


def _variant(bold: bool, italic: bool) -> str:
    if bold:
        return "bolditalic" if italic else "bold"
    return "italic" if italic else "regular"


def _pieces(inlines: Inlines, style: Style, header: bool) -> list[tuple[str, str, float]]:
    """Each run of a cell as (text, the PDF font it prints in, size)."""
    from briefgen.model import Cite, Span
    from briefgen.renderers.pdf import font_name, register_fonts

    family = style.theme.font
    text = style.table_header if header else style.table_cell
    register_fonts(("bold", "italic", "bolditalic"), family)
    pieces = []
    for run in inlines:
        if isinstance(run, Span):
            variant = _variant(run.bold or header, run.italic)
            pieces.append((run.text, font_name(variant, family), text.size))
        elif isinstance(run, Cite):
            # A note number, measured at full size: a little room to spare.
            pieces.append((run.label, family.pdf_name, text.size))
    return pieces


def _text_width(inlines: Inlines, style: Style, header: bool) -> float:
    """A cell's text on one line."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(sum(stringWidth(t, f, s) for t, f, s in _pieces(inlines, style, header)))


def _longest_word(inlines: Inlines, style: Style, header: bool) -> float:
    """The widest word of a cell (a note number joins the word before it)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    widest = current = 0.0
    for text, font, size in _pieces(inlines, style, header):
        for index, word in enumerate(text.split(" ")):
            if index:
                current = 0.0
            current += stringWidth(word, font, size)
            widest = max(widest, current)
    return widest


def qr_size(url: str, style: Style) -> float:
    """The side of a QR code for ``url`` (quiet zone included): the style's, or more
    for an address too long for its modules to print clearly at that size."""
    from briefgen.graphics.qr import qr_min_size

    return max(style.qr_size, qr_min_size(url))
