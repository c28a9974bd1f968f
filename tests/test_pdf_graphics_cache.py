"""A chart's shapes are turned into PDF operators once: a warm build reuses them, byte
for byte (a pictogram's 200 shapes cost ~25 ms of reportlab's number formatting)."""

from __future__ import annotations

import io

import pytest
from reportlab.pdfgen.canvas import Canvas

from briefgen.errors import Location
from briefgen.graphics.chart import chart_drawing
from briefgen.model import Bar, Chart
from briefgen.renderers import pdf_graphics
from briefgen.style import Style

STYLE = Style()
PICTOGRAM = Chart(
    Location("brief.md", 1),
    kind="pictogram",
    title="Of every 100 people",
    bars=(Bar("were U.S. citizens", 86, "86%", "citizens"),),
    unit="percent",
    alt="Pictogram: 86 of 100 figures filled",
    caption=(),
)


def page(x: float, y: float) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(400, 300), invariant=1)
    drawing = chart_drawing(PICTOGRAM, 345, STYLE)
    pdf_graphics.draw_drawing(canvas, drawing, STYLE.theme.font, x, y)
    canvas.save()
    return buffer.getvalue()


def test_a_drawing_drawn_again_reuses_its_operators(monkeypatch: pytest.MonkeyPatch) -> None:
    pdf_graphics._painted.cache_clear()
    shapes = 0
    circle = Canvas.circle

    def counting(self: Canvas, *args: float, **kwargs: int) -> None:
        nonlocal shapes
        shapes += 1
        circle(self, *args, **kwargs)

    monkeypatch.setattr(Canvas, "circle", counting)
    first = page(10, 20)
    assert shapes == 100  # a head per figure
    assert page(10, 20) == first
    assert shapes == 100
    # Elsewhere on the page: its own operators, not the first position's.
    assert page(30, 20) != first
    assert shapes == 200
