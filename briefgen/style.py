"""Page and type measurements shared by every renderer, in points.

Both renderers take their sizes, leading and spacing from one :class:`Style`, and
both use exact line spacing, so a line is the same height in the PDF and in the
DOCX. With a metric-compatible font (Liberation Sans, Arial's twin) the line breaks
match too, and the PDF's measured height predicts the DOCX's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from briefgen.theme import DEFAULT_THEME, Theme

INCH = 72.0
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "letter": (8.5 * INCH, 11 * INCH),
    "a4": (595.2756, 841.8898),
}
PageSizeName = Literal["letter", "a4"]

BODY_SIZE = 11.0
BODY_FLOOR = 9.0
SIZE_STEP = 0.5

# The font the PDF embeds, and the name the DOCX asks for: Liberation Sans has
# Arial's metrics, so Word lays Arial out on the same lines.
PDF_FONT = "LiberationSans"
DOCX_FONT = "Arial"

ACCENT = (0x1F, 0x3A, 0x5F)  # a dark blue that prints well in grey too
MUTED = (0x44, 0x44, 0x44)


@dataclass(frozen=True)
class TextStyle:
    """One kind of paragraph: size, leading and spacing (points)."""

    size: float
    leading: float
    space_before: float = 0.0
    space_after: float = 0.0
    bold: bool = False
    italic: bool = False
    indent_left: float = 0.0
    indent_right: float = 0.0
    color: tuple[int, int, int] = (0, 0, 0)


@dataclass(frozen=True)
class Style:
    """Every measurement of a page, derived from a page size and a body type size."""

    page_size: PageSizeName = "letter"
    body_size: float = BODY_SIZE
    margin: float = 0.6 * INCH
    theme: Theme = DEFAULT_THEME

    @property
    def page_width(self) -> float:
        return PAGE_SIZES[self.page_size][0]

    @property
    def page_height(self) -> float:
        return PAGE_SIZES[self.page_size][1]

    @property
    def frame_width(self) -> float:
        return self.page_width - 2 * self.margin

    @property
    def frame_height(self) -> float:
        return self.page_height - 2 * self.margin

    def _text(self, scale: float, leading: float = 1.25, **kw: object) -> TextStyle:
        size = round(self.body_size * scale * 2) / 2
        return TextStyle(size=size, leading=round(size * leading, 2), **kw)  # type: ignore[arg-type]

    @property
    def body(self) -> TextStyle:
        return self._text(1.0, space_after=self.body_size * 0.5)

    @property
    def title(self) -> TextStyle:
        return self._text(1.75, 1.15, space_after=self.body_size * 0.45, bold=True, color=ACCENT)

    @property
    def heading(self) -> TextStyle:
        return self._text(
            1.18,
            1.2,
            space_before=self.body_size * 0.35,
            space_after=self.body_size * 0.25,
            bold=True,
            color=ACCENT,
        )

    @property
    def list_item(self) -> TextStyle:
        return self._text(1.0, space_after=self.body_size * 0.2, indent_left=self.body_size * 1.4)

    @property
    def callout_figure(self) -> TextStyle:
        return self._text(2.0, 1.05, bold=True, color=ACCENT, indent_left=self.body_size)

    @property
    def callout_label(self) -> TextStyle:
        return self._text(1.0, space_after=self.body_size * 0.55, indent_left=self.body_size)

    @property
    def quote(self) -> TextStyle:
        inset = self.body_size * 1.5
        return self._text(1.0, italic=True, indent_left=inset, indent_right=inset)

    @property
    def attribution(self) -> TextStyle:
        inset = self.body_size * 1.5
        return self._text(0.9, space_after=self.body_size * 0.5, indent_left=inset, color=MUTED)

    @property
    def notes_heading(self) -> TextStyle:
        return self._text(0.8, 1.2, space_before=self.body_size * 0.2, bold=True, color=MUTED)

    @property
    def note(self) -> TextStyle:
        return self._text(0.72, 1.2, space_after=1.0, color=MUTED)

    @property
    def bullet_indent(self) -> float:
        return self.body_size * 1.4

    def with_body_size(self, size: float) -> Style:
        return replace(self, body_size=size)
