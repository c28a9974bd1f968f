"""briefgen.toml: the theme, contact and date settings, their messages, their
documentation, and the date a brief shows."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import docx
import PIL.Image
import pypdfium2
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from lxml import etree
from PIL import Image as PILImage
from pypdf import PdfReader
from readback import pdf_text

from briefgen.assemble import footer, masthead
from briefgen.cli import cli
from briefgen.dates import brief_date, month_year, updated_line
from briefgen.errors import BriefgenError, ProblemList
from briefgen.facts.store import FactStore
from briefgen.model import MAX_QR_CHARS
from briefgen.renderers.pdf_tags import ascii_uri
from briefgen.settings import MAX_LOGO_BYTES, Settings, load_settings, theme_of
from briefgen.templating.environment import TemplateRenderer
from briefgen.templating.search import AudienceInfo, SearchPath
from briefgen.theme import DEFAULT_THEME, FAMILIES, contrast_problems, parse_colour

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path`` as the working directory, so messages name files relatively."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def load(folder: Path, text: str) -> Settings:
    (folder / "briefgen.toml").write_text(text, encoding="utf-8")
    return load_settings(folder)


def error(folder: Path, text: str) -> str:
    with pytest.raises(BriefgenError) as caught:
        load(folder, text)
    return caught.value.format_message()


def png(size: tuple[int, int] = (40, 20), kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    PIL.Image.new("RGB", size, (200, 30, 30)).save(out, kind)
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG of a header and an end, claiming ``width`` x ``height`` pixels (a
    decompression bomb's header)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


# --- each setting's effect --------------------------------------------------------


def test_no_theme_is_the_default_theme(tmp_path: Path) -> None:
    assert theme_of(load(tmp_path, "")) == DEFAULT_THEME
    assert theme_of(load_settings(tmp_path / "nowhere")) == DEFAULT_THEME


def test_theme_colours_and_font(tmp_path: Path) -> None:
    theme = theme_of(
        load(tmp_path, '[theme]\nprimary = "#2D2D6B"\naccent = "#006b3c"\nfont = "carlito"\n')
    )
    assert theme.primary == (0x2D, 0x2D, 0x6B)
    assert theme.accent == (0x00, 0x6B, 0x3C)
    assert theme.tint == (230, 230, 237)  # 12% of the primary on white
    assert theme.font is FAMILIES["carlito"]
    assert theme.font.docx_name == "Calibri"
    assert theme.logo is None
    # In any case, as page_size takes "A4": "Carlito" was an unknown family.
    assert theme_of(load(tmp_path, '[theme]\nfont = "Carlito"\n')).font is FAMILIES["carlito"]


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_the_logo_is_read_as_a_decorative_picture(tmp_path: Path, kind: str) -> None:
    (tmp_path / "art").mkdir()
    data = png((120, 40), kind)
    (tmp_path / "art" / "logo.bin").write_bytes(data)
    theme = theme_of(load(tmp_path, '[theme]\nlogo = "art/logo.bin"\n'))
    assert theme.logo is not None
    assert (theme.logo.format, theme.logo.width_px, theme.logo.height_px) == (
        kind.lower(),
        120,
        40,
    )
    assert theme.logo.data == data
    assert theme.logo.alt == ""  # decorative: the organization's name is beside it


def test_a_logo_stored_on_its_side_is_turned_upright(tmp_path: Path) -> None:
    image = PILImage.new("RGB", (120, 40), "navy")
    exif = PILImage.Exif()
    exif[0x0112] = 8  # turn a quarter anticlockwise to see it
    image.save(tmp_path / "logo.jpg", "JPEG", exif=exif.tobytes())
    theme = theme_of(load(tmp_path, '[theme]\nlogo = "logo.jpg"\n'))
    assert theme.logo is not None
    assert (theme.logo.width_px, theme.logo.height_px) == (40, 120)


def test_a_logo_from_outside_the_workspace_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Settings may come from someone else: any picture on the machine would be printed.
    workspace, secret = tmp_path / "ws", tmp_path / "secret.png"
    workspace.mkdir()
    monkeypatch.chdir(workspace)
    secret.write_bytes(png())
    (workspace / "link.png").symlink_to(secret)
    for written in ("../secret.png", str(secret), "link.png"):
        message = error(workspace, f'[theme]\nlogo = "{written}"\n')
        assert message.startswith("briefgen.toml:2: theme.logo: "), message
        assert message.endswith(
            "leads outside the workspace; keep the logo in the folder of briefgen.toml or below it"
        ), message
    (workspace / "art").mkdir()
    (workspace / "art" / "logo.png").write_bytes(png())
    assert theme_of(load(workspace, '[theme]\nlogo = "art/../art/logo.png"\n')).logo


SLASHES = 'write a path with / (such as "images/logo.png"), which every system reads'


@pytest.mark.parametrize(
    ("written", "told"),
    [
        # A backslash that starts no escape: tomllib's words alone said nothing of paths.
        (
            '"images\\logo.png"',
            "TOML: Unescaped '\\' in a string; in \"double quotes\" a \\ starts an escape "
            f"such as \\n: {SLASHES}, or write \\\\ for each \\",
        ),
        ('"C:\\Users\\pat\\logo.png"', 'TOML: Invalid hex value; in "double quotes" a \\'),
        # One that does: \n made a line break of "images\new.png".
        (
            '"images\\new.png"',
            "theme.logo: holds a control character (U+000A); write the logo's path as its "
            f'file is named, such as "logo.png"; in "double quotes" \\n is a line break: {SLASHES}',
        ),
        ('"art\\table.png"', "theme.logo: holds a control character (U+0009); "),
        # Read as written ('single quotes', or \\): a backslash is a letter of a name here.
        (
            "'images\\logo.png'",
            "theme.logo: images\\logo.png not found (the path is read from briefgen.toml's "
            f"folder); {SLASHES}",
        ),
        ('"images\\\\logo.png"', "theme.logo: images\\logo.png not found"),
    ],
)
def test_a_windows_path_to_the_logo_is_told_to_use_slashes(
    in_tmp: Path, written: str, told: str
) -> None:
    """A user on Windows types the logo's path with backslashes; in "double quotes"
    TOML reads them as escapes, and elsewhere they are not folders. Each way is told at
    the logo's line with the path that works everywhere, not only tomllib's words."""
    (in_tmp / "images").mkdir()
    (in_tmp / "images" / "logo.png").write_bytes(png())
    (in_tmp / "images" / "new.png").write_bytes(png())
    found = error(in_tmp, f"[theme]\nlogo = {written}\n")
    assert found.startswith(f"briefgen.toml:2: {told}"), found
    assert "\n" not in found
    assert theme_of(load(in_tmp, '[theme]\nlogo = "images/logo.png"\n')).logo is not None


def test_a_logo_not_found_without_a_backslash_gets_no_advice_on_slashes(in_tmp: Path) -> None:
    assert error(in_tmp, '[theme]\nlogo = "images/logo.png"\n') == (
        "briefgen.toml:2: theme.logo: images/logo.png not found (the path is read from "
        "briefgen.toml's folder)"
    )


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("parter-logo.png", "partner-logo.png"),
        ("Partner-Logo.PNG", "partner-logo.png"),
        ("images/lgo.png", "images/logo.png"),
    ],
)
def test_a_logo_name_typed_amiss_is_told_the_picture_there_is(
    in_tmp: Path, written: str, meant: str
) -> None:
    """A letter typed amiss in the logo's name was told only 'not found', though the
    picture meant lay in that folder: the name to write is given, as briefgen.toml
    writes paths."""
    (in_tmp / "partner-logo.png").write_bytes(png())
    (in_tmp / "notes.txt").write_text("partner-logo.pn", encoding="utf-8")
    (in_tmp / "images").mkdir()
    (in_tmp / "images" / "logo.png").write_bytes(png())
    assert error(in_tmp, f'[theme]\nlogo = "{written}"\n') == (
        f"briefgen.toml:2: theme.logo: {written} not found (the path is read from "
        f"briefgen.toml's folder; did you mean '{meant}'?)"
    )


def test_the_docx_names_the_organization_as_its_company(in_tmp: Path) -> None:
    """Word's File > Info shows a Company, which the DOCX left empty: the organization,
    even when the author is a person."""
    (in_tmp / "briefgen.toml").write_text(
        '[organization]\nname = "Smith & Sons <Task Force>"\n[build]\nauthor = "Jane Doe"\n',
        encoding="utf-8",
    )
    args = ["-q", "build", "--facts", str(REPO / "facts"), "--audience", "public"]
    result = CliRunner().invoke(cli, [*args, "--format", "docx"])
    assert result.exit_code == 0, result.output
    built = in_tmp / "output" / "public.docx"
    assert docx.Document(str(built)).core_properties.author == "Jane Doe"
    with zipfile.ZipFile(built) as archive:
        app = etree.fromstring(archive.read("docProps/app.xml"))
    extended = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    assert app.findtext(f"{extended}Company") == "Smith & Sons <Task Force>"
    assert app.findtext(f"{extended}Application") == "briefgen"


def test_a_logo_that_is_a_loop_of_links_is_told_at_its_line(in_tmp: Path) -> None:
    """Python 3.11 tells a loop of links with a RuntimeError, which ended the build as
    an internal error with a traceback's last line instead of the logo's line."""
    (in_tmp / "logo.png").symlink_to("logo.png")
    (in_tmp / "a.png").symlink_to("b.png")
    (in_tmp / "b.png").symlink_to("a.png")
    (in_tmp / "briefgen.toml").write_text('[theme]\nlogo = "logo.png"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--facts", str(REPO / "facts")])
    assert (result.exit_code, result.output) == (
        1,
        "briefgen.toml:2: theme.logo: logo.png is a link that leads round in a loop\n",
    )
    assert not (in_tmp / "output").exists()
    assert error(in_tmp, '[theme]\nlogo = "a.png"\n') == (
        "briefgen.toml:2: theme.logo: a.png is a link that leads round in a loop"
    )


def test_a_logo_of_very_many_jpeg_scans_is_refused(in_tmp: Path) -> None:
    from test_parse_images import scan_bomb

    scan_bomb(in_tmp / "logo.jpg", 400)
    assert error(in_tmp, '[theme]\nlogo = "logo.jpg"\n') == (
        "briefgen.toml:2: theme.logo: logo.jpg is a JPEG of 400 scans; at most 50 (it "
        "would take minutes to decode): save it again as a plain JPEG"
    )


def test_a_16_bit_grey_logo_keeps_its_greys(tmp_path: Path) -> None:
    # reportlab clips a 16-bit grey at 255: the logo printed white in the PDF.
    PILImage.frombytes("I;16B", (2, 1), b"\x00\x00\xff\xff").save(tmp_path / "logo.png")
    theme = theme_of(load(tmp_path, '[theme]\nlogo = "logo.png"\n'))
    assert theme.logo is not None
    with PILImage.open(io.BytesIO(theme.logo.data)) as logo:
        assert logo.mode == "L"
        assert (logo.getpixel((0, 0)), logo.getpixel((1, 0))) == (0, 255)


def test_the_logo_is_read_from_the_workspace_not_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "logo.png").write_bytes(png())
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ws" / "briefgen.toml").write_text('[theme]\nlogo = "logo.png"\n', "utf-8")
    assert theme_of(load_settings(Path("ws"))).logo is not None


def audience(name: str = "legislators", display: str = "Legislators") -> AudienceInfo:
    return AudienceInfo(name=name, path=None, origin="builtin", display_name=display)


def test_masthead_holds_organization_audience_date_and_logo(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(png())
    settings = load(tmp_path, '[organization]\nname = "Task Force"\n[theme]\nlogo = "logo.png"\n')
    head = masthead(settings, audience(), dt.date(2026, 11, 28))
    assert (head.organization, head.audience, head.date) == (
        "Task Force",
        "Legislators",
        "November 2026",
    )
    assert head.logo == theme_of(settings).logo and head.logo is not None
    assert masthead(Settings(), audience(), dt.date(2027, 1, 1)).logo is None


def test_a_masthead_refuses_an_audience_name_that_would_not_print() -> None:
    with pytest.raises(BriefgenError, match=r"audience's name .* has an unprintable character"):
        masthead(Settings(), audience(display="Chiefs\u0007"), dt.date(2026, 1, 1))


def test_footer_from_contact(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        '[contact]\nname = "Pat Doe"\nphone = "555-0100"\nwebsite = "example.org"\n',
    )
    foot = footer(settings, dt.date(2026, 11, 28))
    assert foot.contact == ("Pat Doe", "555-0100")  # the empty email left out
    assert foot.website == "example.org"
    assert foot.qr_url == "https://example.org"
    assert foot.updated == "Updated November 2026"


@pytest.mark.parametrize(
    ("website", "qr_url"),
    [
        ("example.org", "https://example.org"),
        ("www.example.org/en", "https://www.example.org/en"),
        ("https://example.org", "https://example.org"),
    ],
)
def test_each_form_of_a_site_s_address_the_docs_give_is_taken(
    tmp_path: Path, website: str, qr_url: str
) -> None:
    """docs/settings.md's forms of a website: printed as written, and the QR code
    leads there, `https://` added when it is left out."""
    settings = load(tmp_path, f'[contact]\nwebsite = "{website}"\n')
    foot = footer(settings, dt.date(2026, 11, 28))
    assert (foot.website, foot.qr_url) == (website, qr_url)


def test_the_qr_code_leads_to_sources_url_when_set(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        '[contact]\nwebsite = "http://example.org/"\nsources_url = "https://example.org/src"\n',
    )
    foot = footer(settings, dt.date(2026, 11, 28))
    assert (foot.website, foot.qr_url) == ("http://example.org/", "https://example.org/src")
    assert footer(
        load(tmp_path, '[contact]\nwebsite = "http://x.org"\n'), dt.date.today()
    ).qr_url == ("http://x.org")


def test_a_scheme_in_capitals_is_a_web_address_too(tmp_path: Path) -> None:
    """A scheme's case does not matter (RFC 3986): "HTTPS://Example.org" was refused
    as no web address, told that one looks like "https://example.org"."""
    settings = load(tmp_path, '[contact]\nwebsite = "HTTPS://Example.org"\n')
    assert footer(settings, dt.date(2026, 11, 28)).qr_url == "HTTPS://Example.org"
    settings = load(tmp_path, '[contact]\nsources_url = "Http://example.org/src"\n')
    assert footer(settings, dt.date(2026, 11, 28)).qr_url == "Http://example.org/src"


def test_a_website_of_other_letters_is_linked_as_ascii_in_the_pdf(in_tmp: Path) -> None:
    """A PDF link's address is 7-bit ASCII (ISO 32000); reportlab wrote "exämple.org"
    as UTF-16, which a viewer opens as another address. The host is linked in IDNA's
    form, the rest percent-encoded; the page prints the address as written."""
    (in_tmp / "briefgen.toml").write_text(
        '[contact]\nwebsite = "exämple.org/ñ"\nsources_url = "https://пример.рф/путь"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["-q", "build", "--facts", str(REPO / "facts"), "--audience", "public"]
    )
    assert result.exit_code == 0, result.output
    page = PdfReader(in_tmp / "output" / "public.pdf").pages[0]
    addresses = [str(a.get_object()["/A"]["/URI"]) for a in page["/Annots"]]
    assert all(address.isascii() for address in addresses), addresses
    assert "https://xn--exmple-cua.org/%C3%B1" in addresses
    assert "https://xn--e1afmkfd.xn--p1ai/%D0%BF%D1%83%D1%82%D1%8C" in addresses
    assert "exämple.org/ñ" in pdf_text(in_tmp / "output" / "public.pdf")


def test_the_docx_and_the_qr_codes_hold_an_address_of_other_letters_as_written(
    in_tmp: Path,
) -> None:
    """docs/settings.md: only the PDF's link is made ASCII; the DOCX's link and the QR
    code (in both files) hold the address as written, for a phone to show as such."""
    from test_graphics import decode

    (in_tmp / "briefgen.toml").write_text(
        '[contact]\nwebsite = "exämple.org/ñ"\nsources_url = "https://пример.рф/путь"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["-q", "build", "--facts", str(REPO / "facts"), "--audience", "public"]
    )
    assert result.exit_code == 0, result.output
    word = docx.Document(str(in_tmp / "output" / "public.docx"))
    footer = word.sections[0].footer
    links = {rel.target_ref for part in (word.part, footer.part) for rel in part.rels.values()}
    assert "https://exämple.org/ñ" in links
    page = pypdfium2.PdfDocument(in_tmp / "output" / "public.pdf")[0]
    in_pdf = [code.text for code in decode(page.render(scale=150 / 72).to_pil())]
    blips = [blip.get(qn("r:embed")) for blip in footer._element.iter(qn("a:blip"))]
    in_docx = [
        code.text
        for blip in blips
        for code in decode(PILImage.open(io.BytesIO(footer.part.related_parts[blip].blob)))
    ]
    assert in_pdf == in_docx == ["https://пример.рф/путь"]


@pytest.mark.parametrize("colour", ["#7799bb", "#ff9900", "#9672c0", "#ffffff", "#ffff00"])
@pytest.mark.parametrize("key", ["primary", "accent"])
def test_the_darker_shade_offered_for_a_faint_colour_passes(
    in_tmp: Path, key: str, colour: str
) -> None:
    """A colour refused for its contrast used to be told the ratio alone, leaving the
    author to guess a shade; the shade offered passes, and is the same colour darker."""
    message = error(in_tmp, f'[theme]\n{key} = "{colour}"\n')
    offered = re.search(r"; (#[0-9a-f]{6}), the same colour darker, passes$", message)
    assert offered, message
    shade = parse_colour(offered.group(1))
    original = parse_colour(colour)
    assert all(s <= c for s, c in zip(shade, original, strict=True))
    (in_tmp / "briefgen.toml").write_text(f'[theme]\n{key} = "{offered.group(1)}"\n')
    assert contrast_problems(theme_of(load_settings(in_tmp))) == {}


@pytest.mark.parametrize(
    ("written", "linked"),
    [
        ("https://Exämple.org/ä", "https://xn--exmple-cua.org/%C3%A4"),
        # Python's IDNA 2003 reads "straße" as "strasse" and "σίσυφος" with a middle
        # sigma: other hosts than the browser (IDNA 2008), the QR code and the DOCX
        # open. Percent-encoded, the name is the one written.
        ("https://straße.de/x", "https://stra%C3%9Fe.de/x"),
        ("https://σίσυφος.gr", "https://%CF%83%CE%AF%CF%83%CF%85%CF%86%CE%BF%CF%82.gr"),
    ],
)
def test_a_pdf_link_of_other_letters_opens_the_host_written(written: str, linked: str) -> None:
    assert ascii_uri(written) == linked


def test_no_website_and_no_sources_url_means_no_qr_code() -> None:
    foot = footer(Settings(), dt.date(2026, 11, 28))
    assert (foot.contact, foot.website, foot.qr_url) == ((), "", "")
    assert foot.updated == "Updated November 2026"


# --- every error at its line --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[theme]\n\nprimary = "#7799bb"\n',
            '3: theme.primary: "#7799bb" as headings on white and behind the masthead\'s '
            "white text has contrast 2.97:1; WCAG AA needs at least 4.5:1; #566e87, the "
            "same colour darker, passes",
        ),
        (
            '[theme]\naccent = "#ff9900"\n',
            '2: theme.accent: "#ff9900" as card figures on the tint of cards and boxes '
            "(#e4e7ec) has contrast 1.72:1; WCAG AA needs at least 3:1; #bd7100, the same "
            "colour darker, passes",
        ),
        (
            '[theme]\naccent = "#9672c0"\n',
            '2: theme.accent: "#9672c0" as card figures on the tint of cards and boxes '
            "(#e4e7ec) has contrast 2.94:1 printed in grayscale; WCAG AA needs at least 3:1; "
            "#9471be, the same colour darker, passes",
        ),
        (
            '[theme]\nprimary = "navy"\n',
            '2: theme.primary: expected a colour written as "#" and six hex digits, such as '
            "\"#1f3a5f\", got 'navy'",
        ),
        ('[theme]\naccent = "#abc"\n', "2: theme.accent: expected a colour written as"),
        ("[theme]\naccent = 0x1f3a5f\n", "2: theme.accent: expected text, got 2046559"),
        (
            '[theme]\nfont = "liberation-san"\n',
            "2: theme.font: unknown font family 'liberation-san' (did you mean "
            "'liberation-sans'?); the bundled families are liberation-sans, carlito, "
            "liberation-serif",
        ),
        (
            '[theme]\nfont = "Calibri"\n',
            "2: theme.font: unknown font family 'Calibri' (did you mean 'carlito'?)",
        ),
        (
            '[theme]\nfont = "Times New Roman"\n',
            "2: theme.font: unknown font family 'Times New Roman' (did you mean "
            "'liberation-serif'?)",
        ),
        ('[theme]\nfont = "comic"\n', "2: theme.font: unknown font family 'comic'; the bundled"),
        (
            '[theme]\nlogo = "logo.png"\n',
            "2: theme.logo: logo.png not found (the path is read from briefgen.toml's folder)",
        ),
        ('[theme]\nlogo = "."\n', "2: theme.logo: .: not a regular file"),
        ('\n[theme]\nlogo = "icon.gif"\n', "3: theme.logo: icon.gif is GIF; give a PNG or JPEG"),
        (
            '[theme]\nlogo = "broken.png"\n',
            "2: theme.logo: broken.png cannot be read as a PNG or JPEG picture",
        ),
        (
            '[theme]\nlogo = "notes.txt"\n',
            "2: theme.logo: notes.txt cannot be read as a PNG or JPEG picture",
        ),
        (
            '[theme]\nlogo = "huge.png"\n',
            f"2: theme.logo: huge.png is {MAX_LOGO_BYTES + 1:,} bytes; at most {MAX_LOGO_BYTES:,}",
        ),
        (
            '[theme]\nlogo = "wide.png"\n',
            "2: theme.logo: wide.png is 20,000 x 1,000 pixels; at most 16,000,000 pixels",
        ),
        # Pillow refuses so many pixels at the header: told as a picture it cannot read.
        (
            '[theme]\nlogo = "bomb.png"\n',
            "2: theme.logo: bomb.png has more than 16,000,000 pixels; save it smaller",
        ),
        # A NUL was told as "leads outside the workspace"; an escape as "not found".
        (
            '[theme]\nlogo = "wide.png\\u0000"\n',
            "2: theme.logo: holds a control character (U+0000); write the logo's path as its"
            ' file is named, such as "logo.png"',
        ),
        (
            '[theme]\nlogo = "wide\\u001b[2J.png"\n',
            "2: theme.logo: holds a control character (U+001B)",
        ),
        ('[theme]\nlogo = "wide\\t.png"\n', "2: theme.logo: holds a control character (U+0009)"),
        # Read as a path: "https:/example.org/logo.png not found".
        (
            '[theme]\nlogo = "https://example.org/logo.png"\n',
            "2: theme.logo: 'https://example.org/logo.png' is a web address; briefgen never "
            "fetches pictures from the network: save the logo in the workspace and give its "
            "file's name",
        ),
        ('[theme]\nlogo = "data:image/png;base64,iVBOR"\n', "2: theme.logo: 'data:image/png;"),
        # docs/settings.md: "a number more than 0" (0 years would call every fact old).
        ("[facts]\nmax_age_years = 0\n", "2: facts.max_age_years: must be more than 0, not 0"),
        # nan was told "Input should be less than or equal to 100".
        ("[facts]\nmax_age_years = nan\n", "2: facts.max_age_years: must be a number, not nan"),
        ("[facts]\nmax_age_years = -nan\n", "2: facts.max_age_years: must be a number, not nan"),
        (
            "[facts]\nmax_age_years = -inf\n",
            "2: facts.max_age_years: must be a finite number, not -inf",
        ),
        ("[facts]\nmax_age_years = 1e400\n", "2: facts.max_age_years: must be a finite number"),
        # true was taken as 1 year and "3" as 3, unsaid.
        (
            "[facts]\nmax_age_years = true\n",
            "2: facts.max_age_years: must be a number, written without quotes (such as 3), not "
            "true",
        ),
        (
            '[facts]\nmax_age_years = "3"\n',
            "2: facts.max_age_years: must be a number, written without quotes (such as 3), not '3'",
        ),
        (
            '[theme]\nprimary = "#1f3a5f"\nacent = "#000000"\n',
            "3: theme.acent: unknown key (did you mean 'accent'?)",
        ),
        (
            '# look\n[theem]\nprimary = "#1f3a5f"\n',
            "2: theem: unknown section (did you mean 'theme'?)",
        ),
        (
            '[organisation]\nname = "x"\n',
            "1: organisation: unknown section (did you mean 'organization'?)",
        ),
        (
            '[contact]\nemial = "a@b.org"\n',
            "2: contact.emial: unknown key (did you mean 'email'?)",
        ),
        (
            '[build]\nwebsite = "x.org"\n',
            "2: build.website: unknown key: 'website' belongs in the [contact] section",
        ),
        ("[build]\nzzz = 1\n", "2: build.zzz: unknown key (expected page_size, author, date)"),
        (
            '[build]\npage_size = "Leter"\n',
            "2: build.page_size: must be letter or a4, not 'Leter' (did you mean 'letter'?)",
        ),
        (
            '[build]\ndate = "next week"\n',
            "2: build.date: expected a TOML date such as date = 2026-11-01 (year, month, day, "
            "without quotes), got 'next week'",
        ),
        # A number was read as seconds since 1970: 0 printed "January 1970".
        ("[build]\ndate = 0\n", "2: build.date: expected a TOML date such as"),
        ("[build]\ndate = 1764374400\n", "2: build.date: expected a TOML date such as"),
        ('[build]\ndate = "1764374400"\n', "2: build.date: expected a TOML date such as"),
        ("[build]\ndate = 20261101\n", "2: build.date: expected a TOML date such as"),
        ("[build]\ndate = 10:00:00\n", "2: build.date: expected a TOML date such as"),
        (
            "[build]\ndate = 2026-11-01T10:00:00\n",
            "2: build.date: 2026-11-01T10:00:00 holds a time of day; write the date alone, "
            "such as date = 2026-11-01",
        ),
        (
            '[contact]\nsources_url = "example.org/src"\n',
            "2: contact.sources_url: expected a web address starting with https:// or "
            "http://, got 'example.org/src'",
        ),
        (
            '[contact]\nsources_url = "https://ex ample.org"\n',
            "2: contact.sources_url: expected a web address",
        ),
        # The footer's link and QR code lead to the website: never to script or a file.
        (
            '[contact]\nwebsite = "javascript://%0Aalert(1)"\n',
            "2: contact.website: expected a web address such as example.org or "
            "https://example.org, got 'javascript://%0Aalert(1)'",
        ),
        (
            '[contact]\nwebsite = "file://attacker.example/share/brief.docx"\n',
            "2: contact.website: expected a web address such as example.org",
        ),
        # An address with a user's name in it (docs/settings.md), bare or with https.
        (
            '[contact]\nwebsite = "user@example.org"\n',
            "2: contact.website: expected a web address such as example.org or "
            "https://example.org, got 'user@example.org'",
        ),
        (
            '[contact]\nwebsite = "https://user@example.org/x"\n',
            "2: contact.website: expected a web address such as example.org",
        ),
        (
            f'[contact]\n\nwebsite = "{"w" * 297}.org"\n',
            "3: contact.website: 301 characters; at most 300 fit the footer's QR code (a "
            "longer address makes it too dense to scan from paper)",
        ),
        (
            f'[contact]\nname = "Sgt. Ruiz"\nemail = "{"a" * 195}@x.org"\n',
            "3: contact.email: 201 characters; at most 200, a few lines under the notes",
        ),
        (
            f'[contact]\nsources_url = "https://example.org/{"s" * 2000}"\n',
            "2: contact.sources_url: 2,020 characters; at most 300 fit the footer's QR code",
        ),
    ],
)
def test_every_theme_and_contact_error_is_at_its_line(
    in_tmp: Path, text: str, expected: str
) -> None:
    tmp_path = in_tmp
    (tmp_path / "icon.gif").write_bytes(png(kind="GIF"))
    (tmp_path / "broken.png").write_bytes(png()[:60])
    (tmp_path / "notes.txt").write_text("not a picture", encoding="utf-8")
    (tmp_path / "huge.png").write_bytes(b"\x89PNG" + b"\0" * (MAX_LOGO_BYTES - 3))
    PIL.Image.new("1", (20_000, 1_000)).save(tmp_path / "wide.png")
    (tmp_path / "bomb.png").write_bytes(png_header(100_000, 100_000))
    found = error(tmp_path, text)
    assert found.startswith(f"briefgen.toml:{expected}"), found
    assert "\n" not in found


def test_the_longest_website_the_settings_take_builds(in_tmp: Path) -> None:
    """Before the limit, an address too long for any QR code (about 1,600 characters)
    ended the build with segno's internal error."""
    website = "w" * (MAX_QR_CHARS - len(".org")) + ".org"
    (in_tmp / "briefgen.toml").write_text(f'[contact]\nwebsite = "{website}"\n', "utf-8")
    result = CliRunner().invoke(
        cli, ["-q", "build", "--facts", str(REPO / "facts"), "--audience", "public"]
    )
    assert result.exit_code == 0, result.output
    # Broken into lines that fit the footer's column (tests/test_geometry.py).
    assert website in "".join(pdf_text(in_tmp / "output" / "public.pdf").split())


def test_every_colour_problem_is_reported_at_once(in_tmp: Path) -> None:
    found = error(in_tmp, '[theme]\nprimary = "#aaaaaa"\naccent = "#eeeeee"\n')
    assert [line.split(": ")[1] for line in found.splitlines()] == ["theme.primary", "theme.accent"]


def test_a_build_with_a_low_contrast_colour_stops_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefgen.toml").write_text('[theme]\naccent = "#ffcc00"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--facts", str(REPO / "facts")])
    assert result.exit_code == 1
    assert result.output.startswith('briefgen.toml:2: theme.accent: "#ffcc00" as card figures')
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "output").exists()


# --- docs/settings.md documents every key, and only those ---------------------------


def documented() -> dict[tuple[str, str], str]:
    """(section, key) -> the default column, from each ``## [section]`` table."""
    found: dict[tuple[str, str], str] = {}
    section = ""
    for line in (REPO / "docs" / "settings.md").read_text(encoding="utf-8").splitlines():
        if heading := re.fullmatch(r"## \[(\w+)\]", line):
            section = heading.group(1)
        elif line.startswith("#"):
            section = ""
        elif section and (row := re.match(r"\| `(\w+)` \| ([^|]+) \|", line)):
            found[(section, row.group(1))] = row.group(2).strip()
    return found


def test_docs_document_every_setting_and_its_default() -> None:
    docs = documented()
    model = {
        (section, key): getattr(getattr(Settings(), section), key)
        for section, info in Settings.model_fields.items()
        for key in info.annotation.model_fields  # type: ignore[union-attr]
    }
    assert set(docs) == set(model)
    for where, default in model.items():
        shown = "today" if where == ("build", "date") else f"`{json.dumps(default)}`"
        assert docs[where] == shown, where


def test_the_sample_settings_hold_every_key_with_its_default() -> None:
    """briefgen.toml (and the copy `briefgen init` writes) show every key."""
    for path in (REPO / "briefgen.toml", REPO / "briefgen" / "skeleton" / "briefgen.toml"):
        text = path.read_text(encoding="utf-8")
        for _section, key in documented():
            assert re.search(rf"^(# )?{key} = ", text, re.MULTILINE), (path, key)
    assert (REPO / "briefgen.toml").read_bytes() == (
        REPO / "briefgen" / "skeleton" / "briefgen.toml"
    ).read_bytes()
    assert load_settings(REPO).organization.name


# --- the date ----------------------------------------------------------------------


NOV = dt.date(2026, 11, 28)
EPOCH_DAY = dt.date(2026, 3, 14)


def today() -> dt.date:
    return dt.date(2030, 1, 2)


@pytest.mark.parametrize(
    ("option", "setting", "environ", "expected"),
    [
        (NOV, dt.date(2025, 1, 1), {"SOURCE_DATE_EPOCH": "1773446400"}, NOV),
        (None, dt.date(2025, 1, 1), {"SOURCE_DATE_EPOCH": "1773446400"}, dt.date(2025, 1, 1)),
        (None, None, {"SOURCE_DATE_EPOCH": "1773446400"}, EPOCH_DAY),
        (None, None, {"SOURCE_DATE_EPOCH": " 1773532799 "}, EPOCH_DAY),  # 23:59:59 UTC
        (None, None, {"SOURCE_DATE_EPOCH": ""}, dt.date(2030, 1, 2)),
        (None, None, {}, dt.date(2030, 1, 2)),
    ],
)
def test_date_precedence(
    option: dt.date | None, setting: dt.date | None, environ: dict[str, str], expected: dt.date
) -> None:
    assert brief_date(option, setting, environ, today) == expected


@pytest.mark.parametrize("bad", ["yesterday", "1.5", "0x10", "1e9"])
def test_a_malformed_source_date_epoch_stops_the_build(bad: str) -> None:
    with pytest.raises(BriefgenError, match=r"^SOURCE_DATE_EPOCH='.*': expected a whole number"):
        brief_date(None, None, {"SOURCE_DATE_EPOCH": bad}, today)


def test_a_date_outside_1900_to_2100_is_refused_wherever_it_comes_from(in_tmp: Path) -> None:
    # 0226-11-02 (a typo of 2026) printed "November 226"; year 1 ended `check` with an
    # internal OverflowError.
    no_date = "is no date for a brief: give a year from 1900 to 2100"
    with pytest.raises(BriefgenError, match=rf"^--date: 0226-11-02 {no_date}$"):
        brief_date(dt.date(226, 11, 2), None, {}, today)
    with pytest.raises(
        BriefgenError, match=rf"^SOURCE_DATE_EPOCH=99999999999: 5138-11-16 {no_date}$"
    ):
        brief_date(None, None, {"SOURCE_DATE_EPOCH": "99999999999"}, today)
    assert error(in_tmp, "[build]\ndate = 0001-01-01\n") == (
        f"briefgen.toml:2: build.date: 0001-01-01 {no_date}"
    )
    assert brief_date(dt.date(1900, 1, 1), None, {}, today).year == 1900
    assert load(in_tmp, "[build]\ndate = 2100-12-31\n").build.date == dt.date(2100, 12, 31)


def test_max_age_years_is_at_most_a_century(in_tmp: Path) -> None:
    # 5,000 years ended `facts check` with an internal OverflowError.
    assert error(in_tmp, "[facts]\nmax_age_years = 5000\n") == (
        "briefgen.toml:2: facts.max_age_years: must be 100 or less, not 5000"
    )


def test_a_set_date_needs_no_valid_epoch() -> None:
    assert brief_date(None, NOV, {"SOURCE_DATE_EPOCH": "nonsense"}, today) == NOV


def test_dates_print_in_english() -> None:
    assert month_year(dt.date(2026, 1, 31)) == "January 2026"
    assert month_year(dt.date(2026, 12, 1)) == "December 2026"
    assert updated_line(NOV) == "Updated November 2026"


def test_the_settings_date_is_a_toml_date(tmp_path: Path) -> None:
    assert load(tmp_path, "[build]\ndate = 2026-11-01\n").build.date == dt.date(2026, 11, 1)
    assert load(tmp_path, '[build]\ndate = "2026-11-01"\n').build.date == dt.date(2026, 11, 1)
    assert load(tmp_path, '[build]\ndate = " 2026-11-01 "\n').build.date == dt.date(2026, 11, 1)
    # A TOML datetime at midnight is that day, wherever its clock.
    for midnight in ("2026-11-01T00:00:00", "2026-11-01T00:00:00Z", "2026-11-01T00:00:00-05:00"):
        settings = load(tmp_path, f"[build]\ndate = {midnight}\n")
        assert settings.build.date == dt.date(2026, 11, 1)


def test_the_date_option_reaches_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import briefgen.pipeline

    seen: list[Any] = []
    monkeypatch.setattr(briefgen.pipeline, "build", lambda options: seen.append(options) or [])
    monkeypatch.chdir(tmp_path)
    (tmp_path / "facts").mkdir()  # a workspace
    result = CliRunner().invoke(cli, ["-q", "build", "--date", "2026-11-01"])
    assert result.exit_code == 0, result.output
    assert seen[0].date == dt.date(2026, 11, 1)
    result = CliRunner().invoke(cli, ["build", "--date", "1 November"])
    assert result.exit_code == 2 and "--date" in result.output


def test_the_workspace_date_follows_option_then_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefgen.pipeline import BuildOptions, Workspace

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1773446400")
    facts = REPO / "facts"
    assert Workspace.open(BuildOptions(workspace=tmp_path, facts=facts)).date == EPOCH_DAY
    (tmp_path / "briefgen.toml").write_text("[build]\ndate = 2025-05-05\n", encoding="utf-8")
    assert Workspace.open(BuildOptions(workspace=tmp_path, facts=facts)).date == dt.date(2025, 5, 5)
    options = BuildOptions(workspace=tmp_path, facts=facts, date=NOV)
    assert Workspace.open(options).date == NOV


def test_templates_get_the_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "dated.md.j2").write_text(
        "# {{ date }}\n\n{{ date.iso }} {{ date.month_name }} {{ date.year }}\n", encoding="utf-8"
    )
    search = SearchPath.build([], tmp_path)
    store = FactStore(facts={}, sources={})
    rendered = TemplateRenderer(search, store, Settings(), NOV).render(search.audience("dated"))
    assert rendered.text.split("\n")[:3] == ["# November 2026", "", "2026\\-11\\-28 November 2026"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1773446400")
    rendered = TemplateRenderer(search, store, Settings()).render(search.audience("dated"))
    assert rendered.text.startswith("# March 2026\n")


@pytest.mark.parametrize(
    ("contact", "empty"),
    [
        ({}, True),
        # The QR code's address alone is no contact line: it prints no name or number.
        ({"sources_url": "https://example.org/sources"}, True),
        ({"website": "example.org"}, False),
        ({"phone": "(520) 555-0100"}, False),
        ({"name": "Pat Doe"}, False),
        ({"email": "pat@example.org"}, False),
    ],
)
def test_templates_read_the_contact_and_whether_it_is_empty(
    tmp_path: Path, contact: dict[str, str], empty: bool
) -> None:
    """docs/settings.md: templates read `settings.contact.name` and so on, and
    `settings.contact.is_empty` is true when name, email, phone and website are all
    empty."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "who.md.j2").write_text(
        "{{ settings.contact.is_empty }}|{{ settings.contact.name }}|"
        "{{ settings.contact.sources_url }}\n",
        encoding="utf-8",
    )
    search = SearchPath.build([], tmp_path)
    settings = Settings.model_validate({"contact": contact})
    store = FactStore(facts={}, sources={})
    rendered = TemplateRenderer(search, store, settings, NOV).render(search.audience("who"))
    shown, name, address = re.sub(r"\\(.)", r"\1", rendered.text.strip()).split("|")
    assert (shown, name, address) == (
        str(empty),
        contact.get("name", ""),
        contact.get("sources_url", ""),
    )


def test_a_build_carries_the_theme_and_the_date_to_the_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """make_brief hands the theme to the style the renderers use, and the date to the
    masthead, the footer and the properties."""
    from briefgen.pipeline import BuildOptions, make_briefs

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    (tmp_path / "logo.png").write_bytes(png())
    (tmp_path / "briefgen.toml").write_text(
        '[organization]\nname = "Task Force"\n[contact]\nwebsite = "example.org"\n'
        '[theme]\nprimary = "#2d2d6b"\nfont = "liberation-serif"\nlogo = "logo.png"\n',
        encoding="utf-8",
    )
    options = BuildOptions(
        workspace=tmp_path,
        facts=REPO / "facts",
        audiences=("chiefs",),
        formats=(),
        date=dt.date(2026, 11, 28),
    )
    (brief,) = make_briefs(options)
    theme = brief.fit.style.theme
    assert (theme.primary, theme.font.key) == ((0x2D, 0x2D, 0x6B), "liberation-serif")
    assert theme.logo is not None and theme.logo.format == "png"
    document = brief.fit.document
    assert document.metadata.date == "2026-11-28"
    assert document.masthead is not None
    assert (document.masthead.organization, document.masthead.date) == (
        "Task Force",
        "November 2026",
    )
    assert document.masthead.audience == "Police chiefs and sheriffs"
    assert document.masthead.logo == theme.logo
    assert document.footer.qr_url == "https://example.org"
    assert document.footer.updated == "Updated November 2026"


# U+20BF BITCOIN SIGN: Liberation Sans draws it; neither Carlito nor the fallback does.
BITCOIN = "\u20bf"


def test_settings_text_is_checked_against_the_chosen_family(in_tmp: Path) -> None:
    text = f'[organization]\nname = "{BITCOIN} fund"\n'
    assert load(in_tmp, text).organization.name == f"{BITCOIN} fund"
    assert error(in_tmp, text + '[theme]\nfont = "carlito"\n') == (
        'briefgen.toml:2: organization.name: has a character the font "carlito" and its '
        'fallback cannot draw (the font "liberation-sans" or "liberation-serif" can): '
        "U+20BF BITCOIN SIGN"
    )


def test_settings_text_is_read_composed_even_from_an_escape(in_tmp: Path) -> None:
    # Typed apart in the file, or as TOML escapes: each the one letter.
    text = '[organization]\nname = "Pen\u0303a y Jose\\u0301"\n'
    assert load(in_tmp, text).organization.name == "Pe\u00f1a y Jos\u00e9"
    assert error(in_tmp, '[contact]\nname = "q\\u0303"\n').startswith(
        "briefgen.toml:2: contact.name: has an accent that Unicode does not join"
    )


def test_a_line_break_or_tab_in_printed_settings_text_is_refused(in_tmp: Path) -> None:
    # The PDF's masthead printed one line where the DOCX broke it, and the break went
    # into both files' author property.
    text = '[organization]\nname = "Law Enforcement\\nTask Force"\n'
    text += '[contact]\nphone = """555\n1234"""\nemail = "a\\tb@example.org"\n'
    with pytest.raises(BriefgenError) as caught:
        load(in_tmp, text)
    assert isinstance(caught.value, ProblemList)
    assert [p.format_message() for p in caught.value.problems] == [
        "briefgen.toml:2: organization.name: has a line break; it prints on one line: write it so",
        "briefgen.toml:4: contact.phone: has a line break; it prints on one line: write it so",
        "briefgen.toml:6: contact.email: has a tab; it prints on one line: write it so",
    ]


def test_a_section_given_as_a_value_or_a_list_is_told_in_toml_s_words(in_tmp: Path) -> None:
    """pydantic's "Input should be a valid dictionary or instance of BuildSettings"
    named a Python class and no fix."""
    assert error(in_tmp, "build = 5\n") == (
        "briefgen.toml:1: build: must be a section, [build] with its keys under it, not 5"
    )
    assert error(in_tmp, '[[theme]]\nfont = "carlito"\n') == (
        "briefgen.toml:1: theme: [[theme]] makes a list of sections; write [theme], once"
    )


def test_template_text_is_checked_against_the_chosen_family(tmp_path: Path) -> None:
    from briefgen.pipeline import BuildOptions, make_briefs

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "coin.md.j2").write_text(f"# Coins\n\nPaid in {BITCOIN}.\n")
    options = BuildOptions(
        workspace=tmp_path, facts=REPO / "facts", audiences=("coin",), formats=()
    )
    assert make_briefs(options)
    (tmp_path / "briefgen.toml").write_text('[theme]\nfont = "carlito"\n', encoding="utf-8")
    with pytest.raises(BriefgenError, match='the font "carlito" and its fallback cannot draw'):
        make_briefs(options)


def test_the_docs_example_loads_as_written(tmp_path: Path) -> None:
    """docs/settings.md's first example, copied into a workspace with the logo it
    names, is read without a problem."""
    from markdown_it import MarkdownIt

    docs = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
    fence = next(t for t in MarkdownIt("commonmark").parse(docs) if t.type == "fence")
    assert fence.info == "toml" and 'logo = "logo.png"' in fence.content
    (tmp_path / "briefgen.toml").write_text(fence.content, encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(png())
    settings = load_settings(tmp_path)
    assert settings.organization.name == "Law Enforcement Immigration Task Force"
    assert settings.theme.font == "carlito"
    assert theme_of(settings).logo is not None


@pytest.mark.parametrize(
    ("epoch", "told"),
    [
        ("yesterday", "expected a whole number of seconds since 1970-01-01 UTC"),
        # A whole number, but no day of the calendar: not "expected a whole number".
        ("99999999999999999999", "a moment before 1970 or past the year 9999"),
        # Before 1970: it dated briefs December 1969.
        ("-1", "a moment before 1970 or past the year 9999"),
    ],
)
def test_a_source_date_epoch_off_the_calendar_is_told_as_such(epoch: str, told: str) -> None:
    with pytest.raises(BriefgenError) as error:
        brief_date(None, None, {"SOURCE_DATE_EPOCH": epoch})
    assert error.value.format_message().startswith(f"SOURCE_DATE_EPOCH='{epoch}': {told}")
    assert "--date YYYY-MM-DD" in error.value.format_message()
