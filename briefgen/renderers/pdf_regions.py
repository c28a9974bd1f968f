"""Platypus flowables for the page's regions: a stack of flowables spaced the way a
frame (and Word, and LibreOffice) spaces paragraphs, and a row of cells.

A row of cells is the one shape behind the masthead, the cards, a box and the
sidebar: each :class:`~briefgen.style.Cell` its width, padding and fill. The DOCX
writes the same cells as a Word table, so both put every cell's text at the same
place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Spacer

from briefgen.renderers.pdf_state import KEEPS_STATE, moved
from briefgen.renderers.pdf_tags import Element, artifact, placed_box
from briefgen.style import Cell
from briefgen.theme import RGB

# Taller than any page: what a stacked flowable may take while it is measured.
_UNBOUNDED = 1e6


def colour(rgb: RGB) -> Color:
    """An RGB triple (0-255) as a reportlab colour."""
    return Color(*(c / 255 for c in rgb))


class Gap(Spacer):  # type: ignore[misc]  # reportlab ships no type hints
    """reportlab's spacer, drawn (nothing but the saved state and the translation
    reportlab writes for it) without copying the canvas's state."""

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        if getattr(self, "_showBoundary", None):  # reportlab's Spacer sets none
            super().drawOn(canvas, x, y, _sW)
        else:
            moved(self, canvas, x, y, _sW)


KEEPS_STATE.add(Gap.drawOn)


class Stack(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """Flowables one below the other: between two, the larger of the first's space
    after and the second's space before; none above the first or below the last (as
    in a table cell, where the DOCX zeroes them too). Each stands at the left, or at
    the right when its ``hAlign`` is ``"RIGHT"``. ``element``: a structure element
    (a table) whose box on the page is where the stack's flowables are drawn."""

    def __init__(self, items: Sequence[Flowable], element: Element | None = None) -> None:
        super().__init__()
        self.items = list(items)
        self.element = element
        self._widths: list[float] = []
        self._heights: list[float] = []
        self._wrapped_at: float | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # Its items are measured unbounded: its size depends on the width alone, and a
        # stack the fitter measured is not measured again on the page.
        if avail_width != self._wrapped_at:
            sizes = [item.wrap(avail_width, _UNBOUNDED) for item in self.items]
            self._widths = [width for width, _ in sizes]
            self._heights = [height for _, height in sizes]
            self.width = avail_width
            self.height = sum(self._heights) + sum(self._gaps())
            self._wrapped_at = avail_width
        return self.width, self.height

    def _gaps(self) -> list[float]:
        return [
            max(above.getSpaceAfter(), below.getSpaceBefore())
            for above, below in zip(self.items, self.items[1:], strict=False)
        ]

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        """Drawn through :func:`moved` when each of its flowables leaves the
        canvas's state as it found it (so the stack does too)."""
        if self._showBoundary or any(type(i).drawOn not in KEEPS_STATE for i in self.items):
            super().drawOn(canvas, x, y, _sW)
        else:
            moved(self, canvas, x, y, _sW)

    def draw(self) -> None:
        if self.element is not None:
            # A table's layout box (PDF 1.7, 14.8.5.4.3): required whole on a page.
            self.element.bbox = placed_box(self.canv, max(self._widths, default=0.0), self.height)
        y = self.height
        gaps = [0.0, *self._gaps()][: len(self.items)]
        for item, width, height, gap in zip(
            self.items, self._widths, self._heights, gaps, strict=True
        ):
            y -= gap + height
            # A picture asked to stand at the right (the footer's QR code) does.
            x = self.width - width if getattr(item, "hAlign", "") == "RIGHT" else 0.0
            item.drawOn(self.canv, x, y)


KEEPS_STATE.add(Stack.drawOn)


class Row(Flowable):  # type: ignore[misc]
    """Cells side by side, each filled and holding a stack; as tall as its tallest
    cell, and at least ``height`` when given (the masthead's band, which grows for a
    long organization name as Word's and LibreOffice's "at least" row does).
    ``element``: a structure element (a row of cards, tagged a table) whose box on
    the page is the row's."""

    def __init__(
        self,
        cells: Sequence[Cell],
        contents: Sequence[Stack | None],
        *,
        height: float | None = None,
        valign: Literal["top", "middle"] = "top",
        element: Element | None = None,
    ) -> None:
        super().__init__()
        self.element = element
        self.cells = list(cells)
        self.contents = list(contents)
        self.fixed = height
        self.valign = valign
        self._inner: list[float] = []
        self._size: tuple[float, float] | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # Its cells' widths are its own: its size depends on them alone, and a row the
        # fitter measured is not measured again on the page.
        if self._size is None:
            self._size = self._measured()
        return self._size

    def _measured(self) -> tuple[float, float]:
        self._inner = []
        tallest = 0.0
        for cell, content in zip(self.cells, self.contents, strict=True):
            top, right, bottom, left = cell.padding
            inner = 0.0
            if content is not None:
                inner = content.wrap(cell.width - left - right, _UNBOUNDED)[1]
            self._inner.append(inner)
            tallest = max(tallest, top + inner + bottom)
        self.width = sum(cell.width for cell in self.cells)
        self.height = max(self.fixed, tallest) if self.fixed is not None else tallest
        return self.width, self.height

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        """Drawn through :func:`~briefgen.renderers.pdf_state.moved` when each of its
        cells' stacks leaves the canvas's state as it found it: its own drawing (the
        cells' tints) changes the fill colour and the graphics state's fill alpha
        alone, which are put back."""
        if getattr(self, "_showBoundary", None) or any(
            content is not None and type(content).drawOn not in KEEPS_STATE
            for content in self.contents
        ):
            super().drawOn(canvas, x, y, _sW)
            return
        fill, graphics = canvas._fillColorObj, canvas._extgstate
        canvas._extgstate = graphics.pushCopy()  # as saveState gives the drawing
        moved(self, canvas, x, y, _sW)
        canvas._fillColorObj, canvas._extgstate = fill, graphics

    def draw(self) -> None:
        canvas = self.canv
        if self.element is not None:
            self.element.bbox = placed_box(canvas, self.width, self.height)
        x = 0.0
        for cell, content, inner in zip(self.cells, self.contents, self._inner, strict=True):
            top, _, bottom, left = cell.padding
            if cell.fill is not None:
                with artifact(canvas):  # a tint: page furniture
                    canvas.setFillColor(colour(cell.fill))
                    canvas.rect(x, 0, cell.width, self.height, stroke=0, fill=1)
            if content is not None:
                y = self.height - top - inner
                if self.valign == "middle":
                    y = bottom + (self.height - top - bottom - inner) / 2
                content.drawOn(canvas, x + left, y)
            x += cell.width


KEEPS_STATE.add(Row.drawOn)


class Rule(Flowable):  # type: ignore[misc]
    """A hairline across the width, ``thickness`` thick, then ``space`` below it (the
    DOCX: a paragraph's top border, the paragraph ``space`` tall)."""

    def __init__(self, thickness: float, space: float, rgb: RGB) -> None:
        super().__init__()
        self.thickness = thickness
        self.space = space
        self.rgb = rgb

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.height = self.thickness + self.space
        return self.width, self.height

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        """Drawn through :func:`~briefgen.renderers.pdf_state.moved`: its drawing
        changes the stroke colour, the line width and the graphics state's stroke
        alpha alone, which are put back."""
        if getattr(self, "_showBoundary", None):
            super().drawOn(canvas, x, y, _sW)
            return
        stroke, width, graphics = canvas._strokeColorObj, canvas._lineWidth, canvas._extgstate
        canvas._extgstate = graphics.pushCopy()  # as saveState gives the drawing
        moved(self, canvas, x, y, _sW)
        canvas._strokeColorObj, canvas._lineWidth, canvas._extgstate = stroke, width, graphics

    def draw(self) -> None:
        with artifact(self.canv):
            self.canv.setStrokeColor(colour(self.rgb))
            self.canv.setLineWidth(self.thickness)
            y = self.height - self.thickness / 2
            self.canv.line(0, y, self.width, y)


KEEPS_STATE.add(Rule.drawOn)
