"""A user's theme changes both files: the logo, the colours and the font family reach
the PDF and the DOCX, read back from the files (issue 9: "a theme with a user's logo
and colours changes both formats")."""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import PIL.Image
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from briefgen.cli import cli

REPO = Path(__file__).resolve().parents[1]
PRIMARY, ACCENT = "2d2d6b", "006b3c"
SETTINGS = f"""\
[organization]
name = "Example Coalition"
[theme]
primary = "#{PRIMARY}"
accent = "#{ACCENT}"
font = "liberation-serif"
logo = "logo.png"
"""


def logo() -> bytes:
    out = io.BytesIO()
    PIL.Image.new("RGB", (120, 40), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def themed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("themed")
    (ws / "briefgen.toml").write_text(SETTINGS, encoding="utf-8")
    (ws / "logo.png").write_bytes(logo())
    old = Path.cwd()
    os.chdir(ws)
    try:
        result = CliRunner().invoke(
            cli, ["build", "--facts", str(REPO / "facts"), "--audience", "legislators"]
        )
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    return ws / "output"


def pdf_colour(hex_rgb: str) -> str:
    """The fill-colour operator reportlab writes for an RGB colour: each channel to six
    decimals, trailing zeros and the leading zero left out (``0 .419608 .235294 rg``)."""

    def channel(value: float) -> str:
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        return text[1:] if text.startswith("0.") else text or "0"

    r, g, b = (int(hex_rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return f"{channel(r)} {channel(g)} {channel(b)} rg"


def test_the_pdf_carries_the_logo_the_colours_and_the_family(themed: Path) -> None:
    page = PdfReader(themed / "legislators.pdf").pages[0]
    images = list(page.images)
    assert images, "no logo in the PDF"
    assert any(PIL.Image.open(io.BytesIO(i.data)).size == (120, 40) for i in images)
    resources: Any = page["/Resources"]
    fonts = {
        str(f.get_object()["/BaseFont"]).split("+", 1)[-1]
        for f in resources["/Font"].values()
        if "/BaseFont" in f.get_object()
    }
    assert fonts and all(f.startswith("LiberationSerif") for f in fonts), fonts
    content = page.get_contents().get_data().decode("latin-1")  # type: ignore[union-attr]
    for colour in (PRIMARY, ACCENT):
        assert pdf_colour(colour) in content, f"#{colour} never set in the PDF"


def test_the_docx_carries_the_logo_the_colours_and_the_family(themed: Path) -> None:
    with zipfile.ZipFile(themed / "legislators.docx") as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        assert any(PIL.Image.open(io.BytesIO(package.read(n))).size == (120, 40) for n in media), (
            media
        )
        xml = "".join(
            package.read(n).decode("utf-8")
            for n in package.namelist()
            if n.startswith("word/") and n.endswith(".xml")
        )
    assert f'w:fill="{PRIMARY.upper()}"' in xml or f'w:fill="{PRIMARY}"' in xml
    assert f'w:val="{ACCENT.upper()}"' in xml or f'w:val="{ACCENT}"' in xml
    assert 'w:ascii="Times New Roman"' in xml and 'w:ascii="Arial"' not in xml


@pytest.mark.parametrize("mode", ["RGB", "L", "1"])
def test_a_logo_made_transparent_by_one_colour_is_transparent_in_both_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """A PNG whose transparency is one colour (a tRNS key, as older tools save a logo
    on a plain ground) printed that colour round the logo on the PDF's masthead band,
    while Word and LibreOffice left the band showing through."""
    white = {"RGB": (255, 255, 255), "L": 255, "1": 1}[mode]
    key = {"RGB": (0, 255, 0), "L": 0, "1": 0}[mode]
    logo = PIL.Image.new(mode, (60, 60), key)  # type: ignore[arg-type]
    logo.paste(white, (15, 15, 45, 45))  # type: ignore[arg-type]
    logo.save(tmp_path / "logo.png", transparency=key)
    for printed in _printed_logos(tmp_path, monkeypatch):
        corner, middle = printed.getpixel((2, 2)), printed.getpixel((30, 30))
        assert corner[3] == 0 and middle == (255, 255, 255, 255), (corner, middle)


def _printed_logos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[PIL.Image.Image]:
    """The 60 x 60 logo ``tmp_path/logo.png`` as the public brief's PDF and DOCX print
    it, read back from each file, in RGBA."""
    (tmp_path / "briefgen.toml").write_text('[theme]\nlogo = "logo.png"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli, ["-q", "build", "--facts", str(REPO / "facts"), "--audience", "public"]
    )
    assert result.exit_code == 0, result.output
    pdf_logos = [i.image for i in PdfReader(tmp_path / "output" / "public.pdf").pages[0].images]
    with zipfile.ZipFile(tmp_path / "output" / "public.docx") as package:
        docx_logos = [
            PIL.Image.open(io.BytesIO(package.read(name)))
            for name in package.namelist()
            if name.startswith("word/media/")
        ]
    logos = []
    for printed in (pdf_logos, docx_logos):
        found = [image.convert("RGBA") for image in printed if image and image.size == (60, 60)]
        assert len(found) == 1, printed
        logos.append(found[0])
    return logos


def png_16_bit_keyed(key: tuple[int, int, int], inner: tuple[int, int, int]) -> bytes:
    """A 60 x 60 PNG of 16 bits a channel made transparent by the colour ``key`` (a
    tRNS chunk), ``inner`` in its middle square: Pillow cannot write one."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    rows = b"".join(
        b"\0"
        + b"".join(
            struct.pack(">3H", *(inner if 15 <= x < 45 and 15 <= y < 45 else key))
            for x in range(60)
        )
        for y in range(60)
    )
    header = struct.pack(">IIBBBBB", 60, 60, 16, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tRNS", struct.pack(">3H", *key))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_a_logo_of_16_bits_a_channel_made_transparent_by_one_colour_prints_opaque(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/settings.md: Pillow keeps 8 of a channel's 16 bits and cannot tell the
    key's pixels (here the middle, 0xff00 green, reads as the key's 0xffff), so such
    a logo prints opaque in both files, the same picture, rather than holed."""
    data = png_16_bit_keyed((0, 0xFFFF, 0), (0, 0xFF00, 0))
    (tmp_path / "logo.png").write_bytes(data)
    for printed in _printed_logos(tmp_path, monkeypatch):
        assert {printed.getpixel((2, 2)), printed.getpixel((30, 30))} == {(0, 255, 0, 255)}


@pytest.mark.parametrize(
    ("size", "warned"),
    [((60, 30), "prints at 60 pixels per inch"), ((150, 75), ""), ((600, 300), "")],
)
def test_a_logo_of_too_few_pixels_for_its_size_on_paper_is_warned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int], warned: str
) -> None:
    """The masthead prints a logo 0.5 in tall whatever its pixels: one of 60 x 30
    printed at 60 pixels per inch, blurred or jagged, without a word, while a picture
    in the body is never set above its size at 150 pixels per inch."""
    PIL.Image.new("RGB", size, (200, 30, 30)).save(tmp_path / "logo.png")
    settings = '[theme]\nlogo = "logo.png"\n[organization]\nname = "Example Coalition"\n'
    (tmp_path / "briefgen.toml").write_text(settings, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    facts = ["--facts", str(REPO / "facts")]
    build = CliRunner().invoke(cli, ["build", *facts, "--audience", "public", "--format", "pdf"])
    assert build.exit_code == 0, build.output
    check = CliRunner().invoke(cli, ["check", *facts, "--audience", "public", "--json"])
    codes = [f["code"] for f in json.loads(check.stdout)["findings"]]
    if not warned:
        assert "logo" not in build.stderr and "logo-resolution" not in codes
        return
    lines = [line for line in build.stderr.splitlines() if "theme.logo" in line]
    assert lines == [
        "briefgen.toml:2: warning: theme.logo: logo.png prints at 60 pixels per inch, "
        "1.00 x 0.50 in in the masthead; below 150 it prints soft or jagged: give one of "
        "at least 150 x 75 pixels (300 x 150 prints sharp)"
    ]
    assert codes.count("logo-resolution") == 1


@pytest.mark.parametrize("name", ["", "Example Coalition"])
def test_a_logo_with_no_organization_name_beside_it_is_warned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """The logo is an artifact, skipped by a screen reader, as the organization's name
    printed beside it says whose brief it is (docs/settings.md). With the name empty
    nothing did, and nothing said so: the masthead was read as the audience and date."""
    PIL.Image.new("RGB", (300, 150), (200, 30, 30)).save(tmp_path / "logo.png")
    settings = f'[theme]\nlogo = "logo.png"\n[organization]\nname = "{name}"\n'
    (tmp_path / "briefgen.toml").write_text(settings, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    facts = ["--facts", str(REPO / "facts")]
    build = CliRunner().invoke(cli, ["build", *facts, "--audience", "public,chiefs"])
    assert build.exit_code == 0, build.output
    check = CliRunner().invoke(cli, ["check", *facts, "--audience", "public", "--json"])
    codes = [f["code"] for f in json.loads(check.stdout)["findings"]]
    lines = [line for line in build.stderr.splitlines() if "theme.logo" in line]
    if name:
        assert lines == [] and "logo-unnamed" not in codes
        return
    assert lines == [
        "briefgen.toml:2: warning: theme.logo: logo.png is marked decorative for screen "
        "readers, as the organization's name printed beside it says whose brief it is; "
        "organization.name is empty, so nothing does: set it"
    ]
    assert codes.count("logo-unnamed") == 1


# The themes' other families: the default's layout is test_build's.
OTHER_FAMILIES = ("carlito", "liberation-serif")
EVERY_AUDIENCE = ("legislators", "chiefs", "public", "public-es")


@pytest.fixture(scope="module")
def in_each_family(
    tmp_path_factory: pytest.TempPathFactory, libreoffice: str
) -> dict[tuple[str, str], tuple[tuple[int, set[str]], tuple[int, set[str]]]]:
    """Every built-in brief in each other family: the PDF's pages and fonts, and those
    of LibreOffice's layout of the DOCX (all laid out in one run)."""
    from office import page_counts, pdf_pages_and_fonts

    docx: dict[tuple[str, str], Path] = {}
    for family in OTHER_FAMILIES:
        ws = tmp_path_factory.mktemp(family)
        (ws / "briefgen.toml").write_text(f'[theme]\nfont = "{family}"\n', encoding="utf-8")
        old = Path.cwd()
        os.chdir(ws)
        try:
            result = CliRunner().invoke(cli, ["-q", "build", "--facts", str(REPO / "facts")])
        finally:
            os.chdir(old)
        assert result.exit_code == 0, result.output
        for audience in EVERY_AUDIENCE:
            # One name per file: LibreOffice writes each layout under the DOCX's name.
            copy = ws / "output" / f"{family}-{audience}.docx"
            (ws / "output" / f"{audience}.docx").rename(copy)
            (ws / "output" / f"{audience}.pdf").rename(copy.with_suffix(".pdf"))
            docx[family, audience] = copy
    laid_out = page_counts(list(docx.values()), tmp_path_factory.mktemp("office"))
    return {
        key: (pdf_pages_and_fonts(path.with_suffix(".pdf")), laid_out[path])
        for key, path in docx.items()
    }


@pytest.mark.requires_libreoffice
@pytest.mark.parametrize("family", OTHER_FAMILIES)
def test_each_family_prints_one_page_in_its_own_faces_in_both_files(
    family: str,
    in_each_family: dict[tuple[str, str], tuple[tuple[int, set[str]], tuple[int, set[str]]]],
) -> None:
    """With font = "carlito" or "liberation-serif", every built-in brief is one page in
    the PDF and in LibreOffice's layout of the DOCX, and both set it in the same faces
    of the bundled family: the DOCX's Calibri or Times New Roman found as its twin,
    not swapped for a font of other widths (whose page count would say nothing)."""
    from briefgen.theme import FAMILIES

    name = FAMILIES[family].pdf_name
    for audience in EVERY_AUDIENCE:
        (pdf_pages, pdf_fonts), (docx_pages, docx_fonts) = in_each_family[family, audience]
        assert (pdf_pages, docx_pages) == (1, 1), audience
        assert pdf_fonts and all(font.startswith(name) for font in pdf_fonts), pdf_fonts
        assert docx_fonts == pdf_fonts, audience
