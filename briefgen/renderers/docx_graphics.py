"""Charts, QR codes and pictures in the DOCX: inline pictures with alt text.

Every picture is inline (it moves with its paragraph, as text does; never floating,
never in a text box) and carries its alt text in ``wp:docPr/@descr``, or Word's
decorative flag when it only decorates (a logo beside the organization's name).
A chart or QR code is the raster of the geometry the PDF draws as vectors
(:mod:`briefgen.renderers.pdf_graphics`), shown at the PDF's size.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.image.jpeg import Jpeg
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.oxml.shape import CT_Inline
from docx.parts.story import StoryPart
from docx.shared import Emu
from PIL import Image as PILImage

from briefgen.graphics.chart import chart_drawing
from briefgen.graphics.qr import MIN_SIZE
from briefgen.graphics.raster import drawing_png, qr_png
from briefgen.language import ENGLISH
from briefgen.model import Chart, Picture
from briefgen.renderers.docx_tables import copied
from briefgen.style import Style

__all__ = ["DECORATIVE_EXTENSION", "add_chart", "add_picture", "add_qr"]

EMU_PER_POINT = 12700
# Word's "Mark as decorative": an extension of the drawing's properties.
DECORATIVE_EXTENSION = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
DECORATIVE_NAMESPACE = "http://schemas.microsoft.com/office/drawing/2017/decorative"
_DRAWING_NAMESPACE = "http://schemas.openxmlformats.org/drawingml/2006/main"
_DECORATIVE_XML = (
    f'<a:extLst xmlns:a="{_DRAWING_NAMESPACE}" xmlns:adec="{DECORATIVE_NAMESPACE}">'
    f'<a:ext uri="{DECORATIVE_EXTENSION}"><adec:decorative val="1"/></a:ext></a:extLst>'
)


def _emu(points: float) -> int:
    return round(points * EMU_PER_POINT)


def _next_drawing_id(run: Any) -> int:
    """One more than the largest drawing id in any part of the package: python-docx
    numbers drawings per part, and Word wants them unique across body, headers and
    footers."""
    largest = 0
    for part in run.part.package.iter_parts():
        # Only a story (the body, a header or footer) holds drawings.
        if isinstance(part, StoryPart):
            for value in part.element.xpath("//wp:docPr/@id"):
                if value.isdigit():
                    largest = max(largest, int(value))
    return largest + 1


# A JPEG file's first bytes: its start-of-image marker.
_JPEG_START = b"\xff\xd8\xff"
# Pictures whose reading is kept: a brief's chart, QR code and logo, a few briefs' worth.
_IMAGES_KEPT = 16


@lru_cache(maxsize=_IMAGES_KEPT)
def _image(png_or_jpeg: bytes) -> Image:
    """python-docx's reading of a picture (its type, pixel size and SHA-1), once per
    picture rather than once per brief. python-docx knows a JPEG only by a JFIF or
    Exif header; one that opens with another (Adobe's, as a CMYK JPEG from a print
    workflow does) is described from Pillow's reading instead."""
    try:
        return Image.from_blob(png_or_jpeg)
    except UnrecognizedImageError:
        if not png_or_jpeg.startswith(_JPEG_START):
            raise
        with PILImage.open(io.BytesIO(png_or_jpeg)) as picture:
            width, height = picture.size
        return Image(png_or_jpeg, "image.jpg", Jpeg(width, height, 72, 72))


@copied
def _picture_inline(rel_id: str, filename: str, cx: int, cy: int) -> Any:
    # python-docx parses two XML templates per picture; one copy of the result is
    # the same element. Its drawing id is set by the caller.
    return CT_Inline.new_pic_inline(0, rel_id, filename, Emu(cx), Emu(cy))


def _add_inline(
    run: Any, png_or_jpeg: bytes, width_pt: float, height_pt: float, alt: str, decorative: bool
) -> None:
    """``run.add_picture(png_or_jpeg, width, height)``, the same XML and image part,
    then the drawing's id, name and alt text (or decorative flag)."""
    if not decorative and not alt.strip():
        raise ValueError("a picture that is not decorative needs alt text")
    drawing_id = _next_drawing_id(run)
    image = _image(png_or_jpeg)
    part = run.part
    images = part.package.image_parts
    image_part = images._get_by_sha1(image.sha1)
    if image_part is None:
        image_part = images._add_image_part(image)
    rel_id = part.relate_to(image_part, RELATIONSHIP_TYPE.IMAGE)
    inline = _picture_inline(rel_id, image.filename, _emu(width_pt), _emu(height_pt))
    run._r.add_drawing(inline)
    properties = inline.docPr
    properties.set("id", str(drawing_id))
    properties.set("name", f"Picture {drawing_id}")
    if decorative:
        properties.attrib.pop("descr", None)
        properties.append(parse_xml(_DECORATIVE_XML))
    else:
        properties.set("descr", alt)


def add_chart(run: Any, chart: Chart, width_pt: float, style: Style) -> None:
    """Add the chart to ``run`` as an inline 300-dpi PNG ``width_pt`` points wide,
    the same drawing and size as the PDF's, with ``chart.alt`` as its alt text."""
    drawing = chart_drawing(chart, width_pt, style)
    png = drawing_png(drawing, style.theme.font)
    _add_inline(run, png, drawing.width, drawing.height, chart.alt, decorative=False)


def add_qr(run: Any, url: str, size_pt: float, alt: str = "") -> None:
    """Add the QR code for ``url`` to ``run`` as an inline PNG ``size_pt`` points
    square (quiet zone included), with the alt text ``alt`` (the model's, in the
    brief's language), "QR code: <url>" when empty."""
    if size_pt < MIN_SIZE - 1e-6:
        raise ValueError(f"a QR code must be at least 2 cm ({MIN_SIZE:.1f} pt), not {size_pt}")
    alt = alt or ENGLISH.qr_code.format(url)
    _add_inline(run, qr_png(url, size_pt), size_pt, size_pt, alt, decorative=False)


def add_picture(run: Any, picture: Picture, width_pt: float, decorative: bool) -> None:
    """Add a PNG or JPEG picture to ``run``, inline, ``width_pt`` points wide and its
    height in proportion. Its alt text is ``picture.alt``; a decorative picture gets
    Word's decorative flag and no alt text instead."""
    height = width_pt * picture.height_px / picture.width_px
    _add_inline(run, picture.data, width_pt, height, picture.alt, decorative)
