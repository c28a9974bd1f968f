"""Images a template names: what is refused besides the cases in parse_cases/refusals.yaml
(links out of the folder, files too large, damaged or too many pixels), and what is read."""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from page_regions import regions
from PIL import Image as PILImage
from pypdf import PdfReader

from briefgen.errors import Location, TemplateError
from briefgen.model import Image
from briefgen.parse import parse_blocks
from briefgen.pictures import MAX_PICTURE_BYTES, MAX_PICTURE_PIXELS
from briefgen.renderers.docx import render_docx
from briefgen.renderers.pdf import render_pdf_bytes
from briefgen.style import Style


def parse_image(folder: Path, name: str) -> Image:
    template = folder / "brief.md.j2"
    text = f"# Title\n\n![What it shows]({name})\n"
    lines = tuple(Location(str(template), n) for n in range(1, 4))
    blocks = parse_blocks(text, lines, Location(str(template), 1), folders=[folder])
    image = blocks[1]
    assert isinstance(image, Image)
    return image


def refusal(folder: Path, name: str) -> str:
    with pytest.raises(TemplateError) as raised:
        parse_image(folder, name)
    assert raised.value.location == Location(str(folder / "brief.md.j2"), 3)
    return raised.value.detail


def test_a_png_is_read_with_its_size_alt_text_and_print_width(tmp_path: Path) -> None:
    PILImage.new("RGB", (300, 150), "navy").save(tmp_path / "map.png")
    image = parse_image(tmp_path, "map.png")
    assert (image.picture.format, image.picture.width_px, image.picture.height_px) == (
        "png",
        300,
        150,
    )
    assert image.picture.alt == "What it shows"
    assert image.picture.data == (tmp_path / "map.png").read_bytes()
    assert image.width == 144  # 300 px at 150 pixels per inch: 2 inches


def test_a_picture_in_a_subfolder_of_the_template_folder(tmp_path: Path) -> None:
    (tmp_path / "img").mkdir()
    PILImage.new("L", (10, 10)).save(tmp_path / "img" / "logo one.jpg")
    assert parse_image(tmp_path, "<img/logo one.jpg>").picture.format == "jpeg"


def test_a_link_to_a_picture_outside_the_folders_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    PILImage.new("RGB", (4, 4)).save(outside / "secret.png")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "map.png").symlink_to(outside / "secret.png")
    assert refusal(folder, "map.png") == (
        "image 'map.png' leads outside the template folders; "
        "pictures are read only from inside them"
    )


def test_a_picture_that_is_a_loop_of_links_is_refused_at_its_line(tmp_path: Path) -> None:
    """Python 3.11 tells a loop of links with a RuntimeError, which ended the build as
    an internal error; 3.13 resolves the loop and its stat says ELOOP."""
    (tmp_path / "map.png").symlink_to("map.png")
    assert refusal(tmp_path, "map.png") == "image 'map.png' is a link that leads round in a loop"


def test_a_pictures_path_is_quoted_clipped_and_on_one_line(tmp_path: Path) -> None:
    """A picture's path may be as long as a link (2,000 characters) and was quoted
    whole; one naming a line break (%0A) put it raw in the message."""
    address = "https://example.org/" + "x" * 1900 + ".png"
    assert refusal(tmp_path, address) == (
        f"image '{address[:59]}\u2026': briefgen never fetches pictures from the network; "
        "save the file next to the template and give its name"
    )
    assert refusal(tmp_path, "a%0Ab.png") == (
        f"image 'a%0Ab.png' not found (looked for {tmp_path}/a\\nb.png)"
    )
    long = "x/" * 900 + "a.png"
    assert refusal(tmp_path, "/" + long) == (
        f"image '/{long[:58]}\u2026': give the file's path relative to the template, not "
        "from the root"
    )


def test_a_file_over_the_size_cap_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    with big.open("wb") as file:
        file.truncate(MAX_PICTURE_BYTES + 1)  # sparse: nothing but its size
    assert refusal(tmp_path, "big.png") == (
        f"image 'big.png' is {MAX_PICTURE_BYTES + 1:,} bytes; at most {MAX_PICTURE_BYTES:,} "
        "(a one-page brief needs far less: save it smaller)"
    )


def test_a_damaged_png_is_refused(tmp_path: Path) -> None:
    PILImage.new("RGB", (64, 64), "red").save(tmp_path / "whole.png")
    data = (tmp_path / "whole.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) - 30])
    assert refusal(tmp_path, "cut.png") == (
        "image 'cut.png' is damaged: it cannot be decoded; save it again as PNG or JPEG"
    )


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` pixels (a decompression bomb's header)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [6_000, 20_000])
def test_too_many_pixels_are_refused_before_decoding(tmp_path: Path, side: int) -> None:
    (tmp_path / "bomb.png").write_bytes(_png_header_only(side, side))
    message = refusal(tmp_path, "bomb.png")
    assert message in (
        f"image 'bomb.png' is {side:,} x {side:,} pixels; at most "
        f"{MAX_PICTURE_PIXELS:,} pixels in all",
        f"image 'bomb.png' has more than {MAX_PICTURE_PIXELS:,} pixels; save it smaller",
    )


@pytest.mark.parametrize(
    ("mode", "colour", "options"),
    [
        ("CMYK", (0, 128, 255, 0), {}),  # opens with Adobe's marker, as print workflows save it
        ("RGB", (20, 200, 40), {"progressive": True}),
        ("L", 90, {}),
    ],
    ids=["cmyk", "progressive", "grey"],
)
def test_a_jpeg_of_any_kind_prints_in_both_files(
    tmp_path: Path, mode: str, colour: object, options: dict[str, bool]
) -> None:
    """python-docx knows a JPEG only by a JFIF or Exif header: a CMYK JPEG from a print
    workflow ended the build with an internal error. Each prints, the same bytes in the
    DOCX as in the file, at the PDF's size."""
    path = tmp_path / "photo.jpg"
    PILImage.new(mode, (300, 150), colour).save(path, "JPEG", **options)  # type: ignore[arg-type]
    document = replace(regions(), blocks=(parse_image(tmp_path, "photo.jpg"),))
    style = Style()
    word = docx.Document(io.BytesIO(render_docx(document, style)))
    blobs = [part.blob for part in word.part.package.image_parts]
    assert path.read_bytes() in blobs
    shape = next(s for s in word.inline_shapes if s.width.pt == pytest.approx(144, abs=0.01))
    assert shape.height.pt == pytest.approx(72, abs=0.01)
    pdf = PdfReader(io.BytesIO(render_pdf_bytes(document, style)))
    assert len(pdf.pages) == 1


def sideways_photo(path: Path, fmt: str) -> None:
    """A 300 x 150 picture, blue at its left edge, that says (EXIF orientation 6) it
    must be turned a quarter clockwise to be seen: as a phone saves a portrait photo."""
    image = PILImage.new("RGB", (300, 150), (200, 30, 30))
    image.paste((20, 20, 200), (0, 0, 60, 150))
    exif = PILImage.Exif()
    exif[0x0112] = 6
    image.save(path, fmt, exif=exif.tobytes())


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_photo_stored_on_its_side_prints_upright(tmp_path: Path, fmt: str) -> None:
    """Neither reportlab, Word nor LibreOffice turns a picture by its EXIF orientation:
    the photo printed on its side in both files. It is turned when read."""
    name = f"photo.{fmt.lower()}"
    sideways_photo(tmp_path / name, fmt)
    picture = parse_image(tmp_path, name).picture
    assert (picture.width_px, picture.height_px) == (150, 300)
    with PILImage.open(io.BytesIO(picture.data)) as turned:
        assert turned.size == (150, 300)
        assert turned.getexif().get(0x0112, 1) == 1
        top, bottom = (
            turned.convert("RGB").getpixel((75, 10)),
            turned.convert("RGB").getpixel((75, 290)),
        )
    assert top[2] > 150 > top[0] and bottom[0] > 150 > bottom[2]  # blue on top, red below


def test_an_upright_picture_keeps_its_bytes(tmp_path: Path) -> None:
    PILImage.new("RGB", (300, 150), "navy").save(tmp_path / "map.jpg", "JPEG")
    assert parse_image(tmp_path, "map.jpg").picture.data == (tmp_path / "map.jpg").read_bytes()


def test_a_16_bit_grey_picture_prints_its_greys_in_both_files(tmp_path: Path) -> None:
    """reportlab clipped a 16-bit greyscale PNG's values at 255: the gradient printed
    white in the PDF, while Word showed it. It is read as 8-bit grey for both."""
    ramp = b"".join(struct.pack(">H", x * 65535 // 255) for x in range(256))
    PILImage.frombytes("I;16B", (256, 40), ramp * 40).save(tmp_path / "ramp.png")
    with PILImage.open(tmp_path / "ramp.png") as wide:
        assert wide.mode.startswith("I")  # what Pillow makes of 16 bits a pixel
    document = replace(regions(), blocks=(parse_image(tmp_path, "ramp.png"),))
    style = Style()
    pdf_images = PdfReader(io.BytesIO(render_pdf_bytes(document, style))).pages[0].images
    word = docx.Document(io.BytesIO(render_docx(document, style)))
    docx_images = [PILImage.open(io.BytesIO(p.blob)) for p in word.part.package.image_parts]
    printed_both = [
        next(i for i in pictures if i is not None and i.size == (256, 40))
        for pictures in ([p.image for p in pdf_images], docx_images)
    ]
    for printed in printed_both:
        row = [printed.convert("L").getpixel((x, 20)) for x in (0, 64, 128, 192, 255)]
        assert row == pytest.approx([0, 64, 128, 192, 255], abs=2), row


def test_a_picture_made_transparent_by_one_colour_keeps_it_in_both_files(
    tmp_path: Path,
) -> None:
    """reportlab ignores a PNG's one-colour transparency (a tRNS key): the PDF printed
    the key's colour where Word and LibreOffice show the page. It becomes an alpha
    channel, which both read."""
    keyed = PILImage.new("RGB", (300, 150), (0, 255, 0))
    keyed.paste((20, 20, 200), (100, 50, 200, 100))
    keyed.save(tmp_path / "map.png", transparency=(0, 255, 0))
    document = replace(regions(), blocks=(parse_image(tmp_path, "map.png"),))
    style = Style()
    pdf_images = PdfReader(io.BytesIO(render_pdf_bytes(document, style))).pages[0].images
    word = docx.Document(io.BytesIO(render_docx(document, style)))
    docx_images = [PILImage.open(io.BytesIO(p.blob)) for p in word.part.package.image_parts]
    for pictures in ([p.image for p in pdf_images], docx_images):
        printed = next(i for i in pictures if i is not None and i.size == (300, 150))
        assert printed.convert("RGBA").getpixel((5, 5))[3] == 0
        assert printed.convert("RGBA").getpixel((150, 75)) == (20, 20, 200, 255)


def scan_bomb(path: Path, scans: int) -> None:
    """A small progressive JPEG whose last scan is repeated until it has ``scans``:
    each is decoded in turn, so thousands take minutes."""
    out = io.BytesIO()
    PILImage.new("L", (400, 400), 128).save(out, "JPEG", progressive=True)
    data = out.getvalue()
    last = data[data.rfind(b"\xff\xda") : -2]
    extra = scans - data.count(b"\xff\xda")
    path.write_bytes(data[:-2] + last * extra + b"\xff\xd9")


def test_a_jpeg_of_very_many_scans_is_refused_before_decoding(tmp_path: Path) -> None:
    scan_bomb(tmp_path / "bomb.jpg", 51)
    assert refusal(tmp_path, "bomb.jpg") == (
        "image 'bomb.jpg' is a JPEG of 51 scans; at most 50 (it would take minutes to "
        "decode): save it again as a plain JPEG"
    )
    scan_bomb(tmp_path / "fine.jpg", 50)
    assert parse_image(tmp_path, "fine.jpg").picture.width_px == 400


def test_a_briefs_pictures_together_hold_one_pictures_pixels(tmp_path: Path) -> None:
    # One picture in a loop was decoded again for each copy on the page: memory grew
    # past 4 GB and the build ended with an internal error.
    PILImage.new("L", (3000, 3000), 90).save(tmp_path / "big.png")  # 9,000,000 pixels
    template = tmp_path / "brief.md.j2"
    text = "# Title\n\n" + "![A grey square](big.png)\n\n" * 3
    lines = tuple(Location(str(template), n) for n in range(1, 10))
    with pytest.raises(TemplateError) as raised:
        parse_blocks(text, lines, Location(str(template), 1), folders=[tmp_path])
    assert raised.value.location == Location(str(template), 7)
    assert raised.value.detail == (
        "image 'big.png': this brief's pictures hold more than 25,000,000 pixels in all; "
        "use fewer or smaller pictures"
    )
    blocks = parse_blocks(text[: text.rindex("![")], lines, lines[0], folders=[tmp_path])
    assert [type(b).__name__ for b in blocks] == ["Heading", "Image", "Image"]
