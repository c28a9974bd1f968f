"""Charts, QR codes and pictures in the PDF, drawn as vectors where they can be.

Each function returns a platypus flowable of a fixed size (or draws on a canvas),
from the same geometry the DOCX places as a raster
(:mod:`briefgen.renderers.docx_graphics`).
"""

from __future__ import annotations

import copy
import io
from collections import OrderedDict
from functools import lru_cache

from reportlab.lib.utils import ImageReader, _digester
from reportlab.pdfbase.pdfdoc import PDFImageXObject, PDFObjectReference
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable
from reportlab.platypus import Image as ImageFlowable

from briefgen.graphics.chart import Circle, Drawing, Rect, Text, chart_drawing
from briefgen.graphics.qr import MIN_SIZE, dark_runs, qr_matrix
from briefgen.graphics.text import font_name, runs, text_width
from briefgen.model import Chart, Picture
from briefgen.style import Style
from briefgen.theme import RGB, FontFamily

__all__ = ["chart_flowable", "draw_qr", "picture_flowable", "qr_flowable"]


def _fill(canvas: Canvas, color: RGB) -> None:
    canvas.setFillColorRGB(*(c / 255 for c in color))


def draw_drawing(canvas: Canvas, drawing: Drawing, family: FontFamily, x: float, y: float) -> None:
    """Draw ``drawing`` with its bottom left corner at (x, y) on the canvas."""
    canvas.saveState()
    for part in _painted(drawing, x, y):
        if isinstance(part, Text):
            _fill(canvas, part.color)
            left = x + part.x
            for run, fallback in runs(part.text, family):
                canvas.setFont(font_name(family, part.bold, fallback), part.size)
                canvas.drawString(left, y + drawing.height - part.baseline, run)
                left += text_width(run, family, part.bold, part.size)
        else:
            canvas.addLiteral(part)
    canvas.restoreState()


@lru_cache(maxsize=32)
def _painted(drawing: Drawing, x: float, y: float) -> tuple[str | Text, ...]:
    """The drawing in painting order: each run of rectangles and circles as the PDF
    operators that fill it, each text as itself (set on the page's own canvas, whose
    fonts it uses). A pictogram's 200 shapes cost ~25 ms of reportlab's number
    formatting on every build; a warm build reuses their operators, byte for byte."""
    parts: list[str | Text] = []
    scratch: Canvas | None = None
    top = y + drawing.height
    for item in (*drawing.items, None):
        if item is None or isinstance(item, Text):
            if scratch is not None:
                parts.append("\n".join(scratch._code))
                scratch = None
            if item is not None:
                parts.append(item)
            continue
        if scratch is None:
            scratch = Canvas(io.BytesIO())
            scratch._code = []  # no page set-up operators: only the shapes'
        # An outline is stroked on a path half its width inside the shape's edge, as
        # the DOCX's picture draws it inside.
        inset = item.outline / 2
        if item.outline:
            scratch.setStrokeColorRGB(*(c / 255 for c in item.color))
            scratch.setLineWidth(item.outline)
        else:
            _fill(scratch, item.color)
        paint = {"stroke": 1, "fill": 0} if item.outline else {"stroke": 0, "fill": 1}
        if isinstance(item, Rect):
            if item.width <= 0 or item.height <= 0:
                continue
            left, bottom = x + item.x + inset, top - item.y - item.height + inset
            width, height = item.width - 2 * inset, item.height - 2 * inset
            if item.radius:
                radius = max(0.0, item.radius - inset)
                scratch.roundRect(left, bottom, width, height, radius, **paint)
            else:
                scratch.rect(left, bottom, width, height, **paint)
        elif isinstance(item, Circle):
            scratch.circle(x + item.cx, top - item.cy, item.r - inset, **paint)
    return tuple(parts)


class _Fixed(Flowable):  # type: ignore[misc]
    """A flowable of a fixed size that draws itself with a function of its canvas."""

    def __init__(self, width: float, height: float) -> None:
        super().__init__()
        self.width = width
        self.height = height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height


class ChartFlowable(_Fixed):
    """A chart drawn as vectors."""

    def __init__(self, drawing: Drawing, family: FontFamily) -> None:
        super().__init__(drawing.width, drawing.height)
        self.drawing = drawing
        self.family = family

    def draw(self) -> None:
        draw_drawing(self.canv, self.drawing, self.family, 0, 0)


class QrFlowable(_Fixed):
    """A QR code drawn as vectors, its quiet zone included in its size."""

    def __init__(self, url: str, size_pt: float) -> None:
        super().__init__(size_pt, size_pt)
        self.url = url

    def draw(self) -> None:
        draw_qr(self.canv, self.url, 0, 0, self.width)


def chart_flowable(chart: Chart, width: float, style: Style) -> Flowable:
    """The chart as vectors, ``width`` points wide and
    :func:`~briefgen.graphics.chart.chart_height` points tall. The chart's title and
    caption are not part of it: the renderer sets them as paragraphs."""
    return ChartFlowable(chart_drawing(chart, width, style), style.theme.font)


def draw_qr(canvas: Canvas, url: str, x: float, y: float, size_pt: float) -> None:
    """Draw the QR code for ``url`` with its bottom left corner at (x, y), ``size_pt``
    points square including the quiet zone (painted white, so the code scans on a
    tinted band too). Error correction Q; at least 2 cm."""
    if size_pt < MIN_SIZE - 1e-6:
        raise ValueError(f"a QR code must be at least 2 cm ({MIN_SIZE:.1f} pt), not {size_pt}")
    canvas.addLiteral(_qr_operators(url, x, y, size_pt))


@lru_cache(maxsize=32)
def _qr_operators(url: str, x: float, y: float, size_pt: float) -> str:
    """The PDF operators that paint the QR code, made once per code, place and size:
    its ~150 rectangles cost about 1 ms of reportlab's number formatting, and every
    copy of a batch prints the same code. They save and restore the graphics state,
    so they draw the same on any canvas, byte for byte."""
    scratch = Canvas(io.BytesIO())
    scratch._code = []  # no page set-up operators: only the code's
    matrix = qr_matrix(url)
    module = size_pt / len(matrix)
    scratch.saveState()
    scratch.setFillColorRGB(1, 1, 1)
    scratch.rect(x, y, size_pt, size_pt, stroke=0, fill=1)
    scratch.setFillColorRGB(0, 0, 0)
    path = scratch.beginPath()
    for number, row in enumerate(matrix):
        bottom = y + size_pt - (number + 1) * module
        for start, length in dark_runs(row):
            path.rect(x + start * module, bottom, length * module, module)
    scratch.drawPath(path, stroke=0, fill=1)
    scratch.restoreState()
    return "\n".join(scratch._code)


def qr_flowable(url: str, size_pt: float, style: Style) -> Flowable:
    """The QR code for ``url`` as a flowable ``size_pt`` points square (quiet zone
    included). The address printed beside it is the renderer's to set, as text, as
    the DOCX does; ``style`` is taken for symmetry with :func:`chart_flowable`."""
    del style  # a QR code is black on white whatever the theme
    if size_pt < MIN_SIZE - 1e-6:
        raise ValueError(f"a QR code must be at least 2 cm ({MIN_SIZE:.1f} pt), not {size_pt}")
    return QrFlowable(url, size_pt)


def picture_flowable(picture: Picture, width: float) -> Flowable:
    """A PNG or JPEG picture ``width`` points wide, its height in proportion."""
    height = width * picture.height_px / picture.width_px
    return _PictureFlowable(picture.data, width, height)


class _PictureFlowable(ImageFlowable):  # type: ignore[misc]
    """reportlab's image flowable, drawing its picture's image objects from
    :func:`_image_objects` rather than decoding and compressing its pixels again for
    every document: a batch prints the same logo on every copy, and a 4,000-pixel
    square PNG cost ~0.5 s of each."""

    def __init__(self, data: bytes, width: float, height: float) -> None:
        super().__init__(io.BytesIO(data), width=width, height=height)
        self._data = data

    def draw(self) -> None:
        # canvas.drawImage(reader, ..., mask="auto"), step for step, with the objects kept.
        canvas = self.canv
        name, image, smask = _image_objects(self._data)
        canvas._currentPageHasImages = 1
        document = canvas._doc
        registered = document.getXObjectName(name)
        if not document.idToObject.get(registered):
            # Copies: a document marks each object it registers with its own name for it.
            image = copy.copy(image)
            canvas._setXObjects(image)
            document.Reference(image, registered)
            document.addForm(name, image)
            if smask is not None:
                mask_registered = document.getXObjectName(smask.name)
                if not document.idToObject.get(mask_registered):
                    smask = copy.copy(smask)
                    canvas._setXObjects(smask)
                    document.Reference(smask, mask_registered)
                image.smask = PDFObjectReference(mask_registered)
        canvas.saveState()
        canvas.translate(getattr(self, "_offs_x", 0), getattr(self, "_offs_y", 0))
        canvas.scale(self.drawWidth, self.drawHeight)
        canvas._code.append(f"/{registered} Do")
        canvas.restoreState()
        canvas._formsinuse.append(name)  # the page's resources name what it draws


# The image objects kept, by the bytes of their picture, most recently used last, and
# at most this many bytes among them, the pictures' own and their compressed pixels:
# a picture's pixels can be tens of megabytes, and a worker's memory stays bounded
# whatever the pictures.
_IMAGE_BYTES_KEPT = 64 * 2**20
_kept_images: OrderedDict[bytes, tuple[str, PDFImageXObject, PDFImageXObject | None]] = (
    OrderedDict()
)


def _image_objects(data: bytes) -> tuple[str, PDFImageXObject, PDFImageXObject | None]:
    """The name reportlab gives the picture ``data`` (PNG or JPEG), its image object
    and its soft mask (the alpha channel) if any, as ``canvas.drawImage`` makes them."""
    kept = _kept_images.get(data)
    if kept is not None:
        _kept_images.move_to_end(data)
        return kept
    reader = ImageReader(io.BytesIO(data))
    pixels = reader.getRGBData()
    alpha = reader._dataA
    name = _digester(pixels + (alpha.getRGBData() if alpha else b"auto"))
    image = PDFImageXObject(name, reader, mask="auto")
    image.name = name
    smask = getattr(image, "_smask", None)
    if smask is not None:
        del image._smask
    made = (name, image, smask)
    if _size(data, made) <= _IMAGE_BYTES_KEPT:
        _kept_images[data] = made
        while sum(_size(*kept) for kept in _kept_images.items()) > _IMAGE_BYTES_KEPT:
            _kept_images.popitem(last=False)
    return made


def _size(data: bytes, objects: tuple[str, PDFImageXObject, PDFImageXObject | None]) -> int:
    """The bytes a kept picture holds: its file's, and its objects' streams."""
    _, image, smask = objects
    return len(data) + len(image.streamContent) + (len(smask.streamContent) if smask else 0)
