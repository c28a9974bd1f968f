"""Charts, QR codes and pictures: the same drawing in PDF and DOCX, readable, described."""

from __future__ import annotations

import io
import struct

import docx
import pypdfium2
import pytest
import zxingcpp
from docx.oxml.ns import qn
from PIL import Image as PILImage
from PIL import ImageChops
from PIL.ImageFilter import MaxFilter, MinFilter
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate, Spacer

from briefgen.errors import Location
from briefgen.graphics.chart import (
    Circle,
    Drawing,
    Rect,
    Text,
    chart_drawing,
    chart_height,
    filled_count,
)
from briefgen.graphics.qr import MIN_SIZE, QUIET_ZONE, qr_matrix, qr_min_size
from briefgen.graphics.raster import SCALE, drawing_image, drawing_png, qr_png
from briefgen.model import Bar, Chart, Picture
from briefgen.renderers import qr_size
from briefgen.renderers.docx_graphics import (
    DECORATIVE_EXTENSION,
    add_chart,
    add_picture,
    add_qr,
)
from briefgen.renderers.pdf_graphics import (
    chart_flowable,
    draw_drawing,
    draw_qr,
    picture_flowable,
    qr_flowable,
)
from briefgen.style import Style
from briefgen.theme import FAMILIES, WHITE, contrast, tint_of

URL = "https://example.org/briefs/sources?id=opioids-2026"
STYLE = Style()
HERE = Location("brief.md", 3)
DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
DECORATIVE_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"

BARS = Chart(
    HERE,
    kind="bar",
    title="Synthetic-opioid deaths",
    bars=(
        Bar("2014", 5544, "5,544", "deaths-2014"),
        Bar("2021", 70601, "over 70,000", "deaths-2021"),
        Bar("Rural counties of the Midwest, 2021", 30000, "30,000", "rural-2021"),
    ),
    unit="deaths",
    alt="Bar chart: synthetic-opioid deaths rose from 5,544 in 2014 to over 70,000 in 2021",
    caption=(),
)


def pictogram(value: float) -> Chart:
    return Chart(
        HERE,
        kind="pictogram",
        title="Fentanyl",
        bars=(Bar("of overdose deaths involved fentanyl", value, f"{value:g}%", "share"),),
        unit="%",
        alt=f"Pictogram: {value:g} of 100 overdose deaths involved fentanyl",
        caption=(),
    )


def decode(image: PILImage.Image) -> list[zxingcpp.Barcode]:
    return [code for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.QRCode]


def pdf_page(width: float, height: float, paint: object) -> PILImage.Image:
    """A one-page PDF the size of a drawing, painted by ``paint(canvas)``, at 300 dpi."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1)
    paint(canvas)  # type: ignore[operator]
    canvas.save()
    page = pypdfium2.PdfDocument(buffer.getvalue())[0]
    return page.render(scale=SCALE).to_pil()


def docx_images(data: bytes) -> list[tuple[object, bytes]]:
    """Each inline picture of a DOCX: its docPr element and its image's bytes."""
    document = docx.Document(io.BytesIO(data))
    out = []
    for inline in document.element.body.iter(qn("wp:inline")):
        blip = next(inline.iter(qn("a:blip")))
        part = document.part.related_parts[blip.get(qn("r:embed"))]
        out.append((inline.find(qn("wp:docPr")), part.blob))
    return out


def saved(document: object) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


# --- QR codes ------------------------------------------------------------------


def test_the_pdf_qr_code_decodes_to_its_address_from_a_150_dpi_render() -> None:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=(612, 792)).build(
        [Spacer(1, 200), qr_flowable(URL, MIN_SIZE, STYLE)]
    )
    page = pypdfium2.PdfDocument(buffer.getvalue())[0]
    codes = decode(page.render(scale=150 / 72).to_pil())
    assert [(code.text, code.ec_level) for code in codes] == [(URL, "Q")]


def test_a_long_address_decodes_at_its_least_size_from_a_150_dpi_render() -> None:
    url = "https://example.org/" + "briefs/sources/opioid-overdose-deaths-2026/" * 4
    size = qr_min_size(url)
    assert size > MIN_SIZE
    assert size / len(qr_matrix(url)) >= 0.5 / 25.4 * 72 - 1e-9  # modules of 0.5 mm
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(300, 300))
    draw_qr(canvas, url, 40.3, 40.7, size)
    canvas.save()
    page = pypdfium2.PdfDocument(buffer.getvalue())[0]
    assert [code.text for code in decode(page.render(scale=150 / 72).to_pil())] == [url]


def test_the_docx_qr_code_decodes_to_its_address_and_says_what_it_is() -> None:
    document = docx.Document()
    add_qr(document.add_paragraph().add_run(), URL, MIN_SIZE)
    [(properties, image)] = docx_images(saved(document))
    codes = decode(PILImage.open(io.BytesIO(image)))
    assert [(code.text, code.ec_level) for code in codes] == [(URL, "Q")]
    assert properties.get("descr") == f"QR code: {URL}"


def test_a_qr_code_is_at_least_2_cm_with_its_quiet_zone() -> None:
    assert pytest.approx(2 / 2.54 * 72) == MIN_SIZE
    assert qr_flowable(URL, MIN_SIZE, STYLE).wrap(500, 500) == (MIN_SIZE, MIN_SIZE)
    with pytest.raises(ValueError, match="2 cm"):
        qr_flowable(URL, MIN_SIZE - 1, STYLE)
    with pytest.raises(ValueError, match="2 cm"):
        add_qr(docx.Document().add_paragraph().add_run(), URL, MIN_SIZE - 1)
    matrix = qr_matrix(URL)
    assert not any(matrix[0]) and not any(matrix[-1])  # the quiet zone is in the size
    assert not any(any(row[:QUIET_ZONE] + row[-QUIET_ZONE:]) for row in matrix)
    assert any(matrix[QUIET_ZONE])


@pytest.mark.parametrize(
    "url", [URL, "https://leitf.org", "https://example.org/" + "briefs/sources/" * 12]
)
def test_a_brief_s_qr_code_is_2_cm_across_inside_its_quiet_zone(url: str) -> None:
    """The code itself, not counting the light border scanners need, is at least
    2 cm across (../shared/DESIGN.md: 0.8 in / 2 cm plus its quiet zone); the
    sample's footer code was 1.7 cm when the 2 cm counted the border too."""
    modules = len(qr_matrix(url))
    size = qr_size(url, STYLE)
    assert size * (modules - 2 * QUIET_ZONE) / modules >= MIN_SIZE - 1e-9
    assert size / modules >= 0.5 / 25.4 * 72 - 1e-9  # and no module under 0.5 mm


def test_the_docx_qr_code_is_shown_at_the_pdf_size() -> None:
    document = docx.Document()
    shape_run = document.add_paragraph().add_run()
    add_qr(shape_run, URL, 72.0)
    extent = document.inline_shapes[0]
    assert (extent.width, extent.height) == (72 * 12700, 72 * 12700)


# --- charts --------------------------------------------------------------------


def bar_lengths(chart: Chart, width: float) -> list[float]:
    drawing = chart_drawing(chart, width, STYLE)
    return [item.width for item in drawing.items if isinstance(item, Rect)]


@pytest.mark.parametrize("width", [166.0, 345.0, 540.0])
def test_bar_lengths_are_proportional_to_the_values(width: float) -> None:
    lengths = bar_lengths(BARS, width)
    values = [bar.value for bar in BARS.bars]
    assert len(lengths) == len(values)
    for length, value in zip(lengths, values, strict=True):
        assert length / lengths[1] == pytest.approx(value / values[1])
    drawing = chart_drawing(BARS, width, STYLE)
    assert all(
        item.x >= 0 and item.x + item.width <= width
        for item in drawing.items
        if isinstance(item, Rect)
    )


def test_every_bar_prints_its_label_and_figure() -> None:
    texts = " ".join(
        item.text for item in chart_drawing(BARS, 345, STYLE).items if hasattr(item, "text")
    )
    for bar in BARS.bars:
        assert bar.figure in texts
        assert bar.label.split()[0] in texts


@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize("bold", [False, True], ids=["label", "figure"])
def test_a_chart_character_the_family_lacks_is_set_in_the_fallback_in_both_files(
    family: str, bold: bool
) -> None:
    """A bar's label or figure holding a character the theme's family lacks (a check
    mark, a telephone) was drawn in the family alone: its missing-glyph box, in the
    PDF's vectors and the DOCX's raster alike, where the body's text sets the same
    character in the fallback font."""
    font = FAMILIES[family]

    def drawn(text: str) -> tuple[bytes, bytes]:
        drawing = Drawing(60.0, 20.0, (Text(2.0, 15.0, text, 12.0, bold, (0, 0, 0)),))
        vectors = pdf_page(60.0, 20.0, lambda c: draw_drawing(c, drawing, font, 0, 0))
        raster = drawing_image(drawing, font)
        raster = PILImage.alpha_composite(PILImage.new("RGBA", raster.size, "white"), raster)
        return vectors.convert("L").tobytes(), raster.convert("L").tobytes()

    # A private-use character no bundled font draws: the family's missing-glyph box.
    box = drawn("a\U000f0000")
    blank = drawn("a")
    for char in ("\u2713", "\u260e"):
        vectors, raster = drawn(f"a{char}")
        assert vectors not in (box[0], blank[0]), f"U+{ord(char):04X} in the PDF"
        assert raster not in (box[1], blank[1]), f"U+{ord(char):04X} in the DOCX"


@pytest.mark.parametrize(
    ("value", "filled"), [(0, 0), (1, 1), (86, 86), (86.4, 86), (86.5, 86), (86.6, 87), (100, 100)]
)
@pytest.mark.parametrize("width", [166.0, 540.0])
def test_a_pictogram_fills_exactly_n_of_100(value: float, filled: int, width: float) -> None:
    heads = [
        item
        for item in chart_drawing(pictogram(value), width, STYLE).items
        if isinstance(item, Circle)
    ]
    assert len(heads) == 100
    assert sum(head.color == STYLE.theme.accent for head in heads) == filled
    # The first N, in reading order.
    assert all(head.color == STYLE.theme.accent for head in heads[:filled])


@pytest.mark.parametrize("primary", [STYLE.theme.primary, (0, 0, 0), (0x1F, 0x3A, 0x5F)])
def test_a_pictogram_s_empty_figures_are_outlines_that_stand_out_from_the_page(
    primary: tuple[int, int, int],
) -> None:
    """The 14 of 100 that make the point: drawn in outline, told from the filled by
    their shape (in grey too), in a grey of WCAG's 3:1 for a graphic against white
    and against the tint of the sidebar they stand in. A light grey fill was 1.3:1
    against the tint, and vanished in a photocopy."""
    shapes = [
        item
        for item in chart_drawing(pictogram(86), 166.0, STYLE).items
        if isinstance(item, Circle | Rect)
    ]
    filled = [shape for shape in shapes if shape.color == STYLE.theme.accent]
    empty = [shape for shape in shapes if shape.color != STYLE.theme.accent]
    assert (len(filled), len(empty)) == (2 * 86, 2 * 14)  # a head and a body each
    assert all(shape.outline == 0 for shape in filled)
    assert all(shape.outline > 0 for shape in empty)
    grey = empty[0].color
    assert contrast(grey, WHITE) >= 4.5
    assert contrast(grey, tint_of(primary)) >= 3.0


@pytest.mark.parametrize("body", [9.0, 11.0, 12.0])
def test_no_chart_text_is_as_large_as_the_title_or_under_the_notes_floor(body: float) -> None:
    style = STYLE.with_body_size(body)
    for chart in (BARS, pictogram(86)):
        sizes = [i.size for i in chart_drawing(chart, 300, style).items if isinstance(i, Text)]
        assert min(sizes) >= 7.5 and max(sizes) < style.title.size


def test_a_pictogram_share_outside_0_to_100_is_refused() -> None:
    with pytest.raises(ValueError):
        filled_count(100.5)
    with pytest.raises(ValueError):
        filled_count(-1)


# A bar thinner than a pixel at 300 dpi beside a long one (once an internal error in
# the DOCX: Pillow refuses a box that ends before it starts).
SLIVER = Chart(
    HERE,
    kind="bar",
    title="Deaths",
    bars=(Bar("2021", 70601, "over 70,000", "deaths-2021"), Bar("2023", 2, "2", "two")),
    unit="deaths",
    alt="Bar chart: over 70,000 deaths in 2021, 2 in 2023",
    caption=(),
)


@pytest.mark.parametrize("chart", [BARS, SLIVER, pictogram(86)], ids=["bar", "sliver", "pictogram"])
def test_the_docx_chart_is_the_pdf_drawing_at_300_dpi(chart: Chart) -> None:
    width = 345.0
    flowable = chart_flowable(chart, width, STYLE)
    pdf_width, pdf_height = flowable.wrap(width, 1000)
    assert (pdf_width, pdf_height) == (width, chart_height(chart, width, STYLE))

    document = docx.Document()
    add_chart(document.add_paragraph().add_run(), chart, width, STYLE)
    [(properties, image)] = docx_images(saved(document))
    raster = PILImage.open(io.BytesIO(image))
    assert raster.mode == "RGBA"
    assert raster.getpixel((0, raster.height - 1))[3] == 0  # a transparent ground
    assert raster.size == (round(pdf_width * 300 / 72), round(pdf_height * 300 / 72))
    assert properties.get("descr") == chart.alt
    shape = document.inline_shapes[0]
    assert (shape.width, shape.height) == (round(pdf_width * 12700), round(pdf_height * 12700))

    # Same drawing: the PDF's vectors rendered at 300 dpi match the PNG everywhere
    # but along edges, where the two rasterizers may round a pixel apart.
    drawing = chart_drawing(chart, width, STYLE)
    vectors = pdf_page(
        pdf_width, pdf_height, lambda c: draw_drawing(c, drawing, STYLE.theme.font, 0, 0)
    )
    vectors = vectors.crop((0, 0, *raster.size)).convert("L")
    gray = PILImage.alpha_composite(PILImage.new("RGBA", raster.size, "white"), raster)
    gray = gray.convert("L")
    darkest, lightest = gray.filter(MinFilter(3)), gray.filter(MaxFilter(3))
    apart = ImageChops.add(
        ImageChops.subtract(darkest, vectors), ImageChops.subtract(vectors, lightest)
    )
    pixel_count = gray.width * gray.height
    assert sum(apart.histogram()[64:]) < 0.01 * pixel_count
    assert sum(gray.histogram()[:128]) > 0.1 * pixel_count  # not a blank picture


def test_the_same_chart_gives_the_same_png_bytes() -> None:
    images = []
    for _ in range(2):
        for cached in (chart_drawing, drawing_png, qr_png, qr_matrix):
            cached.cache_clear()
        document = docx.Document()
        add_chart(document.add_paragraph().add_run(), pictogram(86), 300, STYLE)
        add_qr(document.add_paragraph().add_run(), URL, 60)
        images.append([image for _, image in docx_images(saved(document))])
    assert images[0] == images[1]
    for image in images[0]:
        assert _png_chunks(image) <= {b"IHDR", b"PLTE", b"pHYs", b"IDAT", b"IEND"}


def _png_chunks(data: bytes) -> set[bytes]:
    chunks, offset = set(), 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        chunks.add(data[offset + 4 : offset + 8])
        offset += 12 + length
    return chunks


# --- pictures and alt text -----------------------------------------------------


def test_every_docx_picture_has_alt_text_or_is_marked_decorative() -> None:
    photo = Picture(png(40, 20), "png", 40, 20, alt="Volunteers handing out naloxone kits")
    logo = Picture(png(30, 30), "png", 30, 30, alt="")
    document = docx.Document()
    header_run = document.sections[0].header.paragraphs[0].add_run()
    add_picture(header_run, logo, 36, decorative=True)
    add_chart(document.add_paragraph().add_run(), BARS, 300, STYLE)
    add_picture(document.add_paragraph().add_run(), photo, 200, decorative=False)
    add_qr(document.add_paragraph().add_run(), URL, 60)
    data = saved(document)

    reread = docx.Document(io.BytesIO(data))
    parts = [reread.element, reread.sections[0].header._element]
    properties = [p for part in parts for p in part.iter(qn("wp:docPr"))]
    assert len(properties) == 4
    assert len({p.get("id") for p in properties}) == 4  # unique across body and header
    for p in properties:
        marks = p.findall(f"{{{DRAWING_NS}}}extLst/{{{DRAWING_NS}}}ext")
        decorative = [
            m
            for m in marks
            if m.get("uri") == DECORATIVE_EXTENSION
            and m.find(f"{{{DECORATIVE_NS}}}decorative").get("val") == "1"
        ]
        assert bool(decorative) != bool((p.get("descr") or "").strip())
    assert [p.get("descr") for p in properties[:3]] == [BARS.alt, photo.alt, f"QR code: {URL}"]
    # Inline only: nothing floats, nothing sits in a text box.
    for part in parts:
        assert not list(part.iter(qn("wp:anchor")))
        assert not list(part.iter(qn("w:txbxContent")))
    shape = reread.inline_shapes[1]
    assert (shape.width, shape.height) == (200 * 12700, 100 * 12700)


def test_a_picture_that_is_not_decorative_needs_alt_text() -> None:
    run = docx.Document().add_paragraph().add_run()
    with pytest.raises(ValueError, match="alt text"):
        add_picture(run, Picture(png(4, 4), "png", 4, 4, alt=" "), 20, decorative=False)


def test_a_pdf_picture_keeps_its_proportions() -> None:
    flowable = picture_flowable(Picture(png(40, 20), "png", 40, 20, alt="x"), 120)
    assert flowable.wrap(500, 500) == (120, 60)


def test_a_process_keeps_a_bounded_number_of_qr_codes() -> None:
    """A long-lived process building for many workspaces, each with its own website
    or sources page, keeps the matrices of a few addresses, not of every one it met
    (a long address's is a quarter of a megabyte)."""
    for number in range(100):
        qr_matrix(f"https://example.org/sources/{number}")
    assert qr_matrix.cache_info().currsize <= 32
