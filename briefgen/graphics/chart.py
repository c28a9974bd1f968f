"""A chart's geometry, worked out once for both formats.

:func:`chart_drawing` turns a model :class:`~briefgen.model.Chart` into a
:class:`Drawing`: rectangles, circles and single lines of text at positions in
points, measured from the drawing's top left corner, y growing downwards. The PDF
draws them as vectors, the DOCX as a 300-dpi raster of the same primitives.

The design follows the house rules for charts: one accent colour, labels written
beside what they label, no gridlines, legend or axes, and a grey that stays apart
from the accent when the page is photocopied in black and white.

- ``bar``: one horizontal bar per fact, the category at the left, the bar's length
  proportional to the value (from zero), the printed figure at the bar's end.
- ``pictogram``: 100 small figures of a person in a 20 x 5 grid (10 x 10 in a
  narrow column), the first ``round(value)`` filled, the figure and its label
  beside the grid (under it when the column is too narrow).

The chart's title and its caption (with the citation) are not drawn here: the
renderers set them as text, so they stay editable and searchable in both formats.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from briefgen.graphics.text import cap_height, text_width, wrap
from briefgen.model import Bar, Chart
from briefgen.style import Style
from briefgen.theme import RGB

TEXT: RGB = (0, 0, 0)
# The unfilled figures of a pictogram: outlines in a grey of 4.5:1 against white and
# 3.7:1 against the default tint of a sidebar, 3.4:1 against the darkest tint a theme
# can make (WCAG's 3:1 for a graphic's parts; test_theme checks it), told from
# the filled ones by their shape, not their shade, so they stay apart in grey too.
# (A light grey fill stood 1.3:1 against the tint, and vanished in a photocopy.)
EMPTY: RGB = (0x76, 0x76, 0x76)
# An outline's width, as a share of a pictogram's cell.
OUTLINE = 0.07

PICTOGRAM_TOTAL = 100
# Below this width the pictogram's grid is 10 x 10, else 20 x 5.
WIDE_PICTOGRAM = 280.0


@dataclass(frozen=True)
class Rect:
    """A filled rectangle; ``radius`` rounds its corners. With an ``outline`` width,
    only its outline is drawn, inside its edges."""

    x: float
    y: float
    width: float
    height: float
    color: RGB
    radius: float = 0.0
    outline: float = 0.0


@dataclass(frozen=True)
class Circle:
    """A filled circle around its centre; with an ``outline`` width, only its
    outline, inside its edge."""

    cx: float
    cy: float
    r: float
    color: RGB
    outline: float = 0.0


@dataclass(frozen=True)
class Text:
    """One line of text starting at ``x``, its baseline at ``baseline``."""

    x: float
    baseline: float
    text: str
    size: float
    bold: bool
    color: RGB


Primitive = Rect | Circle | Text


@dataclass(frozen=True)
class Drawing:
    """A chart's primitives and its size in points."""

    width: float
    height: float
    items: tuple[Primitive, ...]


def label_size(style: Style) -> float:
    """The size of a chart's labels and figures: a little under the body, never
    under the 7.5 pt floor of any text on the page."""
    return max(7.5, round(style.body_size * 0.9 * 2) / 2)


# The fitter measures a brief at several sizes and the renderers draw it again:
# the same chart at the same width and style is worked out once.
@lru_cache(maxsize=64)
def chart_drawing(chart: Chart, width_pt: float, style: Style) -> Drawing:
    """The chart laid out ``width_pt`` points wide.

    Values must be zero or more (a pictogram's from 0 to 100): the chart's numbers
    come from facts checked before they get here.
    """
    if chart.kind == "bar":
        return _bar_chart(chart.bars, width_pt, style)
    if chart.kind == "pictogram":
        return _pictogram(chart.bars[0], width_pt, style)
    raise ValueError(f"unknown chart kind {chart.kind!r}")


def chart_height(chart: Chart, width_pt: float, style: Style) -> float:
    """The height (points) the chart takes when ``width_pt`` points wide."""
    return chart_drawing(chart, width_pt, style).height


def _bar_chart(bars: tuple[Bar, ...], width: float, style: Style) -> Drawing:
    if any(bar.value < 0 for bar in bars):
        raise ValueError("a bar chart's values must be zero or more")
    family = style.theme.font
    size = label_size(style)
    leading = round(size * 1.2, 2)
    thickness = round(size * 1.5, 2)
    row_gap = round(size * 0.6, 2)
    gap = round(size * 0.6, 2)
    cap = cap_height(family, False, size)

    label_widths = [text_width(bar.label, family, False, size) for bar in bars]
    figure_width = max(text_width(bar.figure, family, True, size) for bar in bars)
    # Labels take what they need up to 40% of the width, wrapping beyond it; the
    # bars get what is left after the figures.
    label_column = min(max(label_widths), width * 0.4)
    longest = max(0.0, width - label_column - 2 * gap - figure_width)
    top_value = max(bar.value for bar in bars)

    items: list[Primitive] = []
    y = 0.0
    for index, bar in enumerate(bars):
        lines = wrap(bar.label, family, False, size, label_column)
        row = max(thickness, len(lines) * leading)
        middle = y + row / 2
        first_baseline = middle - (len(lines) - 1) * leading / 2 + cap / 2
        for number, line in enumerate(lines):
            baseline = first_baseline + number * leading
            items.append(Text(0.0, baseline, line, size, False, TEXT))
        length = longest * bar.value / top_value if top_value > 0 else 0.0
        bar_x = label_column + gap
        items.append(Rect(bar_x, middle - thickness / 2, length, thickness, style.theme.accent))
        items.append(Text(bar_x + length + gap, middle + cap / 2, bar.figure, size, True, TEXT))
        y += row + (row_gap if index < len(bars) - 1 else 0.0)
    return Drawing(width, y, tuple(items))


def filled_count(value: float) -> int:
    """How many of the 100 figures a share of ``value`` (a percentage) fills."""
    if not 0 <= value <= PICTOGRAM_TOTAL:
        raise ValueError("a pictogram's share must be from 0 to 100")
    # Python's rounding (half to even), as the chart's alt text counts them.
    return round(value)


def _pictogram(bar: Bar, width: float, style: Style) -> Drawing:
    family = style.theme.font
    filled = filled_count(bar.value)
    columns, rows = (20, 5) if width >= WIDE_PICTOGRAM else (10, 10)
    cell = min(style.body_size * 1.2, width * 0.6 / columns)
    cell_height = cell * 1.3
    grid_width, grid_height = columns * cell, rows * cell_height

    items: list[Primitive] = []
    for index in range(PICTOGRAM_TOTAL):
        row, column = divmod(index, columns)
        x, y = column * cell, row * cell_height
        if index < filled:
            items.extend(_person(x, y, cell, style.theme.accent))
        else:
            items.extend(_person(x, y, cell, EMPTY, outline=cell * OUTLINE))

    # Large, but smaller than the title: the largest text on the page is the title.
    figure_size = round(style.body_size * 1.6 * 2) / 2
    size = label_size(style)
    leading = round(size * 1.25, 2)
    gap = round(size * 1.2, 2)
    beside = width - grid_width - gap
    if beside >= figure_size * 3:
        text_x, text_top, text_width_ = grid_width + gap, 0.0, beside
    else:
        text_x, text_top, text_width_ = 0.0, grid_height + gap, width
    baseline = text_top + cap_height(family, True, figure_size)
    items.append(Text(text_x, baseline, bar.figure, figure_size, True, style.theme.accent))
    baseline += figure_size * 0.35 + leading
    for line in wrap(bar.label, family, False, size, text_width_):
        items.append(Text(text_x, baseline, line, size, False, TEXT))
        baseline += leading
    text_bottom = baseline - leading + size * 0.25  # the last line's descenders
    return Drawing(width, max(grid_height, text_bottom), tuple(items))


def _person(
    x: float, y: float, cell: float, color: RGB, outline: float = 0.0
) -> tuple[Primitive, ...]:
    """A person in the cell whose top left corner is (x, y): a head over a body,
    filled, or drawn in outline ``outline`` wide."""
    head = cell * 0.17
    centre = x + cell / 2
    body_width = cell * 0.56
    body_top = y + cell * 0.08 + 2 * head + cell * 0.06
    body = (centre - body_width / 2, body_top, body_width, cell * 0.62)
    return (
        Circle(centre, y + cell * 0.08 + head, head, color, outline),
        Rect(*body, color, cell * 0.16, outline),
    )
