"""A chart's shapes and a QR code's modules are turned into PDF operators once: a warm
build reuses them, byte for byte (a pictogram's 200 shapes cost ~25 ms of reportlab's
number formatting, a QR code's ~150 rectangles about 1 ms)."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.pathobject import PDFPathObject

from briefgen.errors import Location
from briefgen.graphics.chart import chart_drawing
from briefgen.model import Bar, Chart, Picture
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


def qr_page(x: float, y: float, url: str = "https://example.org/brief") -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(300, 300), invariant=1, pageCompression=0)
    canvas.setFillColorRGB(0.5, 0, 0)
    pdf_graphics.draw_qr(canvas, url, x, y, 60)
    canvas.rect(0, 0, 5, 5, stroke=0, fill=1)  # in the colour set before the code
    canvas.save()
    return buffer.getvalue()


def test_a_qr_code_drawn_again_reuses_its_operators(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every copy of a batch prints the same code: its rectangles are formatted once
    per code, place and size, and leave the page's graphics state as they found it."""
    pdf_graphics._qr_operators.cache_clear()
    runs = 0
    rect = PDFPathObject.rect

    def counting(self: PDFPathObject, *args: float) -> None:
        nonlocal runs
        runs += 1
        rect(self, *args)

    monkeypatch.setattr(PDFPathObject, "rect", counting)
    first = qr_page(10, 20)
    made = runs
    assert made > 50  # a run of dark modules each
    assert qr_page(10, 20) == first
    assert runs == made
    assert qr_page(30, 20) != first
    assert qr_page(10, 20, "https://example.org/other") != first
    assert runs > made
    # Inside its own graphics state: what follows is drawn in the colour set before.
    assert b"\n.5 0 0 rg\nq\n1 1 1 rg\nn 10 20 60 60 re f*\n0 0 0 rg\n" in first
    assert b" re\nf*\nQ\nn 0 0 5 5 re f*" in first


def picture_png(mode: str = "RGBA") -> bytes:
    buffer = io.BytesIO()
    image = Image.new(mode, (40, 30), (200, 40, 20, 128) if mode == "RGBA" else (200, 40, 20))
    image.save(buffer, "PNG")
    return buffer.getvalue()


def picture_page(data: bytes) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(400, 300), invariant=1)
    flowable = pdf_graphics.picture_flowable(Picture(data, "png", 40, 30), 80)
    flowable.wrapOn(canvas, 400, 300)
    flowable.drawOn(canvas, 10, 20)
    canvas.save()
    return buffer.getvalue()


def decodes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list growing by one each time reportlab decodes a picture's pixels."""
    counted: list[int] = []
    original = ImageReader.getRGBData

    def counting(self: ImageReader) -> bytes:
        counted.append(1)
        data: bytes = original(self)
        return data

    monkeypatch.setattr(ImageReader, "getRGBData", counting)
    return counted


def test_a_picture_drawn_in_another_document_reuses_its_image_objects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A batch prints the same logo on every copy; its pixels are decoded and
    compressed once per process (a 4,000-pixel square PNG took ~0.5 s a copy)."""
    pdf_graphics._kept_images.clear()
    data = picture_png()
    counted = decodes(monkeypatch)
    first = picture_page(data)
    made = len(counted)
    assert made > 0
    assert picture_page(data) == first
    assert len(counted) == made
    # Each document names the picture, and its soft mask, among its page's resources.
    page = PdfReader(io.BytesIO(first)).pages[0]
    (image,) = page["/Resources"]["/XObject"].values()
    image = image.get_object()
    assert (image["/Width"], image["/Height"]) == (40, 30)
    assert image["/SMask"].get_object()["/Subtype"] == "/Image"


def test_pictures_past_the_bytes_kept_are_made_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kept image objects are bounded in bytes, not in count: a worker's memory
    stays bounded whatever the pictures."""
    pdf_graphics._kept_images.clear()
    monkeypatch.setattr(pdf_graphics, "_IMAGE_BYTES_KEPT", 10)
    data = picture_png("RGB")
    counted = decodes(monkeypatch)
    first = picture_page(data)
    made = len(counted)
    assert picture_page(data) == first
    assert len(counted) == 2 * made
    assert not pdf_graphics._kept_images


def test_the_bytes_kept_count_each_picture_s_own_bytes_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A kept picture holds its file's bytes (the key) as well as its objects'
    streams: a JPEG's stream is about its file's size again, so counting the streams
    alone let a worker hold twice the bound."""
    pdf_graphics._kept_images.clear()
    data = picture_png()
    _, image, smask = pdf_graphics._image_objects(data)
    streams = len(image.streamContent) + (len(smask.streamContent) if smask else 0)
    for bound, kept in ((streams + len(data) - 1, False), (streams + len(data), True)):
        pdf_graphics._kept_images.clear()
        monkeypatch.setattr(pdf_graphics, "_IMAGE_BYTES_KEPT", bound)
        pdf_graphics._image_objects(data)
        assert bool(pdf_graphics._kept_images) is kept, bound
