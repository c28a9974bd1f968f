"""Rasters for the DOCX: a chart's primitives and a QR code as 300-dpi PNGs.

The PNG holds no time, text chunk or other varying data, so the same drawing gives
the same bytes. Text is set with Pillow's basic layout (no HarfBuzz), which does not
depend on which shaping library this machine's Pillow was built with.
"""

from __future__ import annotations

import io
import math
from functools import cache, lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from briefgen.graphics.chart import Circle, Drawing, Rect, Text
from briefgen.graphics.qr import qr_matrix
from briefgen.graphics.text import font_path, runs, text_width
from briefgen.theme import RGB, FontFamily

DPI = 300
SCALE = DPI / 72  # pixels per point


def pixels(points: float) -> int:
    """A length in points as whole pixels at 300 dpi."""
    return round(points * SCALE)


@cache
def _font(
    family: FontFamily, bold: bool, size_px: float, fallback: bool = False
) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(
        str(font_path(family, bold, fallback)), size_px, layout_engine=ImageFont.Layout.BASIC
    )


def drawing_image(drawing: Drawing, family: FontFamily) -> Image.Image:
    """The drawing at 300 dpi, ``pixels(width)`` by ``pixels(height)``, on a
    transparent ground: like the PDF's vectors, it shows the tint of a box or
    sidebar it stands in."""
    size = (pixels(drawing.width), pixels(drawing.height))
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    for item in drawing.items:
        if isinstance(item, Rect):
            if item.width <= 0 or item.height <= 0:
                continue
            # Pillow's boxes include their last pixel; a box thinner than a pixel (a
            # small value's bar beside a large one) is one pixel, as a viewer shows
            # the PDF's.
            left, top = pixels(item.x), pixels(item.y)
            box = (
                left,
                top,
                max(left, pixels(item.x + item.width) - 1),
                max(top, pixels(item.y + item.height) - 1),
            )
            # Pillow draws an outline inside the box, as the PDF strokes it.
            paint = _paint(item.color, item.outline)
            if item.radius:
                draw.rounded_rectangle(box, pixels(item.radius), **paint)
            else:
                draw.rectangle(box, **paint)
        elif isinstance(item, Circle):
            draw.ellipse(
                (
                    pixels(item.cx - item.r),
                    pixels(item.cy - item.r),
                    pixels(item.cx + item.r) - 1,
                    pixels(item.cy + item.r) - 1,
                ),
                **_paint(item.color, item.outline),
            )
        elif isinstance(item, Text):
            # Each run where the PDF sets it, by reportlab's widths.
            start = item.x
            for run, fallback in runs(item.text, family):
                font = _font(family, item.bold, item.size * SCALE, fallback)
                position = (start * SCALE, item.baseline * SCALE)
                draw.text(position, run, fill=item.color, font=font, anchor="ls")
                start += text_width(run, family, item.bold, item.size)
    return image


def _paint(color: RGB, outline: float) -> dict[str, Any]:
    """Pillow's arguments for a shape filled with ``color``, or outlined ``outline``
    points wide."""
    if outline:
        return {"outline": color, "width": max(1, pixels(outline))}
    return {"fill": color}


def png_bytes(image: Image.Image, dpi: float = DPI) -> bytes:
    """The image as PNG, with its resolution and nothing else that could vary."""
    buffer = io.BytesIO()
    # zlib's default level: level 9 makes files 5% smaller and takes four times as long.
    image.save(buffer, format="PNG", dpi=(dpi, dpi), compress_level=6)
    return buffer.getvalue()


# A chart's raster takes tens of milliseconds to draw and compress; a warm build of
# the same brief (a watch loop, the benchmarks, several audiences) reuses it.
@lru_cache(maxsize=32)
def drawing_png(drawing: Drawing, family: FontFamily) -> bytes:
    """The drawing as a 300-dpi PNG."""
    return png_bytes(drawing_image(drawing, family))


@lru_cache(maxsize=32)
def qr_png(url: str, size_pt: float) -> bytes:
    """The QR code (quiet zone included) as a black-and-white PNG of whole pixels per
    module, at least 300 dpi when shown ``size_pt`` points wide."""
    matrix = qr_matrix(url)
    modules = len(matrix)
    per_module = max(1, math.ceil(pixels(size_pt) / modules))
    image = Image.new("1", (modules, modules), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    side = modules * per_module
    image = image.resize((side, side), Image.Resampling.NEAREST)
    return png_bytes(image, dpi=side / size_pt * 72)
