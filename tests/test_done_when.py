"""Issue 9's "done when", checked on the sample workspace's build: the footer's QR code
decodes to the task force's site from the PDF (a 150-dpi render) and from the DOCX's
picture; the charts' values are the facts'; every DOCX picture is described; the PDF
and DOCX properties are complete and dated with the build; the masthead, cards, footer
and "Updated <Month Year>" are in both formats; every font is embedded under a subset
tag of its own.

One build of the three built-in briefs, shared by the module, read back with pypdf,
pypdfium2 and python-docx, with zxing-cpp to decode the QR codes."""

from __future__ import annotations

import ctypes
import datetime as dt
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
import zxingcpp
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from PIL import Image
from pypdf import PdfReader
from readback import docx_paragraphs, in_pdf_text, squeeze

from briefgen.facts.store import FactStore
from briefgen.graphics.chart import EMPTY
from briefgen.model import Callout, CardRow, Chart, Document, block_text, walk
from briefgen.pipeline import Brief, BuildOptions, build

AUDIENCES = ("legislators", "chiefs", "public")
REPO = Path(__file__).resolve().parents[1]
DATE = dt.date(2026, 11, 2)
UPDATED = "Updated November 2026"
# What the sample workspace's briefgen.toml says; the tests check the build against
# these words, not against what briefgen made of them.
ORGANIZATION = "Law Enforcement Immigration Task Force"
WEBSITE = "leitf.org"
QR_TARGET = "https://leitf.org"
DECORATIVE_EXTENSION = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"


@dataclass(frozen=True)
class Built:
    """The module's build: the output folder, each brief, and the facts it read."""

    out: Path
    briefs: dict[str, Brief]
    store: FactStore

    def pdf(self, audience: str) -> Path:
        return self.out / f"{audience}.pdf"

    def docx(self, audience: str) -> Path:
        return self.out / f"{audience}.docx"

    def document(self, audience: str) -> Document:
        return self.briefs[audience].fit.document


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Every built-in brief in both formats, built once for the module the way
    ``briefgen build --date 2026-11-02`` builds them, in a workspace holding the
    repository's settings and facts."""
    from briefgen.facts import load_store

    workspace = tmp_path_factory.mktemp("sample")
    shutil.copy(REPO / "briefgen.toml", workspace)
    options = BuildOptions(workspace=workspace, facts=REPO / "facts", date=DATE)
    result = build(options)
    briefs = {brief.audience.name.rsplit("/", 1)[-1]: brief for brief in result.briefs}
    assert sorted(briefs) == sorted((*AUDIENCES, "public-es"))  # Spanish: test_spanish.py
    return Built(options.out_dir, briefs, load_store(REPO / "facts"))


def pdf_page(path: Path) -> Any:
    return pdfium.PdfDocument(path)[0]


def qr_codes(image: Image.Image) -> list[str]:
    """The text of every QR code zxing-cpp finds in ``image``."""
    return [c.text for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.QRCode]


def docx_parts(path: Path) -> list[Any]:
    """The DOCX's body part, then each header and footer part."""
    word = docx.Document(str(path))
    related = [
        rel.target_part for rel in word.part.rels.values() if rel.reltype in (RT.HEADER, RT.FOOTER)
    ]
    return [word.part, *related]


def pictures(part: Any) -> list[tuple[Any, bytes]]:
    """Each picture drawn in ``part`` (inline or anchored): its ``docPr`` element and
    its image's bytes."""
    found = []
    for tag in ("wp:inline", "wp:anchor"):
        for drawing in part.element.iter(qn(tag)):
            blip = next(drawing.iter(qn("a:blip")))
            image = part.related_parts[blip.get(qn("r:embed"))]
            found.append((drawing.find(qn("wp:docPr")), image.blob))
    return found


def footer_parts(path: Path) -> list[Any]:
    word = docx.Document(str(path))
    return [rel.target_part for rel in word.part.rels.values() if rel.reltype == RT.FOOTER]


# --- the QR code -------------------------------------------------------------------


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_pdf_footer_qr_decodes_from_a_150_dpi_render(built: Built, audience: str) -> None:
    image = pdf_page(built.pdf(audience)).render(scale=150 / 72).to_pil()
    assert qr_codes(image) == [QR_TARGET]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_docx_footer_qr_picture_decodes(built: Built, audience: str) -> None:
    [footer] = footer_parts(built.docx(audience))
    decoded = [qr_codes(Image.open(io.BytesIO(blob))) for _, blob in pictures(footer)]
    assert [QR_TARGET] in decoded, decoded


# --- charts: the facts' values ------------------------------------------------------


def path_objects(
    page: Any, outlined: bool = False
) -> list[tuple[tuple[int, int, int], tuple[float, ...]]]:
    """Every filled vector path on the page (``outlined``: every path only stroked):
    its fill (stroke) colour and bounds (left, bottom, right, top; y up)."""
    found = []
    for obj in page.get_objects(max_depth=8):
        if obj.type != pdfium_raw.FPDF_PAGEOBJ_PATH:
            continue
        mode, stroked = ctypes.c_int(), ctypes.c_int()
        pdfium_raw.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(mode), ctypes.byref(stroked))
        only_stroked = mode.value == pdfium_raw.FPDF_FILLMODE_NONE and bool(stroked.value)
        if only_stroked != outlined:
            continue
        colour = (
            pdfium_raw.FPDFPageObj_GetStrokeColor
            if outlined
            else pdfium_raw.FPDFPageObj_GetFillColor
        )
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        colour(obj.raw, r, g, b, a)
        found.append(((r.value, g.value, b.value), tuple(obj.get_bounds())))
    return found


def accent(brief: Brief) -> tuple[int, int, int]:
    red, green, blue = brief.fit.style.theme.accent
    return (red, green, blue)


def expected_figure(store: FactStore, fact_id: str) -> tuple[float, str]:
    """A deaths fact's value, and its figure as a reader expects it, from the facts
    file itself: the number with thousands separators after the source's qualifier."""
    fact = store.get(fact_id)
    assert fact.value is not None
    number = f"{round(fact.value):,}"
    return fact.value, f"{fact.qualifier} {number}" if fact.qualifier else number


DEATHS = ("synthetic-opioid-deaths-2014", "synthetic-opioid-deaths-2021")


def test_the_legislators_bars_are_the_facts_in_length_and_figure(built: Built) -> None:
    """In the PDF's vector drawing: two accent bars whose lengths stand as the two
    facts' values, each row printing its year and the fact's figure."""
    page = pdf_page(built.pdf("legislators"))
    # The bars: accent paths the height of a bar, not the box's tall rule.
    bars = [b for colour, b in path_objects(page) if colour == accent(built.briefs["legislators"])]
    bars = sorted(
        (b for b in bars if 4 < b[3] - b[1] < 30 and b[2] - b[0] > 4), key=lambda b: -b[3]
    )
    assert len(bars) == 2, bars
    values = [expected_figure(built.store, f)[0] for f in DEATHS]
    lengths = [b[2] - b[0] for b in bars]
    assert lengths[0] / lengths[1] == pytest.approx(values[0] / values[1], rel=0.01)
    text = page.get_textpage()
    # The chart's rows in the main column, not the sidebar's text beside them.
    style = built.briefs["legislators"].fit.style
    main = style.margin + style.column_cells(style.frame_width)[0].width
    for bar, fact_id, year in zip(bars, DEATHS, ("2014", "2021"), strict=True):
        row = squeeze(text.get_text_bounded(0, bar[1] - 2, main, bar[3] + 2))
        assert row == f"{year} {expected_figure(built.store, fact_id)[1]}", row


def test_the_legislators_chart_picture_describes_the_facts(built: Built) -> None:
    """The DOCX's chart picture says in its alt text what the PDF draws."""
    [(properties, _)] = pictures(docx_parts(built.docx("legislators"))[0])
    alt = properties.get("descr")
    for fact_id, year in zip(DEATHS, ("2014", "2021"), strict=True):
        assert f"{expected_figure(built.store, fact_id)[1]} deaths in {year}" in alt, alt


def test_the_public_pictogram_fills_the_86_percent_fact(built: Built) -> None:
    """100 figures (a head and a body each), as many filled in the accent as the
    fact's percentage; the DOCX's picture says the same."""
    fact = built.store.get("fentanyl-offenders-us-citizens")
    assert fact.value == 86
    page = pdf_page(built.pdf("public"))
    small = [
        colour
        for colour, (left, bottom, right, top) in path_objects(page)
        if right - left < 20 and top - bottom < 20
    ]
    filled = small.count(accent(built.briefs["public"]))
    assert filled % 2 == 0
    assert filled // 2 == round(fact.value)
    # The rest in outline, a grey darker than the page's tint.
    empty = [
        colour
        for colour, (left, bottom, right, top) in path_objects(page, outlined=True)
        if right - left < 20 and top - bottom < 20
    ]
    assert (filled + len(empty)) // 2 == 100
    assert set(empty) == {EMPTY}
    described = [p.get("descr") for p, _ in pictures(docx_parts(built.docx("public"))[0])]
    assert any(d.startswith("Pictogram") and "86 of 100" in d for d in described), described


# --- pictures are described -------------------------------------------------------


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_docx_picture_has_alt_text_or_is_decorative(built: Built, audience: str) -> None:
    seen = 0
    for part in docx_parts(built.docx(audience)):
        for properties, _ in pictures(part):
            seen += 1
            decorative = any(
                ext.get("uri") == DECORATIVE_EXTENSION for ext in properties.iter(qn("a:ext"))
            )
            described = bool((properties.get("descr") or "").strip())
            assert described != decorative, (audience, properties.attrib)
    # Each chart and the footer's QR code (the sample workspace has no logo or image).
    charts = [b for b in walk(built.document(audience).blocks) if isinstance(b, Chart)]
    assert seen == len(charts) + 1


# --- properties ---------------------------------------------------------------------


@pytest.mark.parametrize("audience", AUDIENCES)
def test_pdf_metadata_is_complete_and_dated_with_the_build(built: Built, audience: str) -> None:
    reader = PdfReader(built.pdf(audience))
    info = reader.metadata
    assert info is not None
    document = built.document(audience)
    assert info.title == document.metadata.title
    assert info.title and info.title in squeeze(reader.pages[0].extract_text())
    assert info.author == ORGANIZATION
    assert info.subject == built.briefs[audience].audience.description
    assert info.subject
    assert info.creation_date is not None
    assert info.creation_date.date() == DATE
    root: Any = reader.trailer["/Root"]
    assert root.get("/Lang") == "en-US"
    preferences = root.get("/ViewerPreferences", {})
    # A BooleanObject is truthy whatever its value: compare the value.
    assert getattr(preferences.get("/DisplayDocTitle"), "value", None) is True


@pytest.mark.parametrize("audience", AUDIENCES)
def test_docx_core_properties_are_complete(built: Built, audience: str) -> None:
    properties = docx.Document(str(built.docx(audience))).core_properties
    brief = built.briefs[audience]
    assert properties.title == brief.fit.document.metadata.title != ""
    assert properties.subject == brief.audience.description != ""
    assert properties.author == ORGANIZATION
    assert properties.language == "en-US"
    assert properties.created is not None and properties.created.date() == DATE


# --- masthead, cards, footer and date in both formats ------------------------------


def page_words(built: Built, audience: str) -> tuple[str, str]:
    """The PDF's extracted text, and the DOCX's paragraphs (body, tables, footer)
    joined by single spaces."""
    pdf = PdfReader(built.pdf(audience)).pages[0].extract_text()
    word = squeeze(" ".join(p.text for p in docx_paragraphs(built.docx(audience))))
    return pdf, word


@pytest.mark.parametrize("audience", AUDIENCES)
def test_masthead_footer_and_date_are_in_both_formats(built: Built, audience: str) -> None:
    document = built.document(audience)
    assert document.masthead is not None and document.footer is not None
    expected = [
        ORGANIZATION,
        document.masthead.audience,
        f"{DATE:%B} {DATE.year}",  # the masthead's date
        WEBSITE,
        UPDATED,
    ]
    pdf, word = page_words(built, audience)
    for text in expected:
        assert text
        assert in_pdf_text(text, pdf), (text, pdf)
        assert squeeze(text) in word, (text, word)
    # The masthead leads the page and the footer's date line ends it, in both.
    assert pdf.lstrip().startswith(ORGANIZATION) or pdf.find(ORGANIZATION) < pdf.find(
        document.metadata.title
    )
    assert word.find(ORGANIZATION) < word.find(document.metadata.title) < word.find(UPDATED)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_key_number_is_in_both_formats(built: Built, audience: str) -> None:
    """Each callout (a card, a sidebar number, the public brief's big fact): its
    figure and its label, in the PDF and in the DOCX."""
    callouts = [b for b in walk(built.document(audience).blocks) if isinstance(b, Callout)]
    assert callouts
    pdf, word = page_words(built, audience)
    for callout in callouts:
        figure, label = block_text(callout, citations=False).split("\n", 1)
        assert figure == callout.figure
        for text in (figure, label):
            assert in_pdf_text(text, pdf), (text, pdf)
            assert squeeze(text) in word, (text, word)


def test_the_legislators_brief_has_a_row_of_three_cards(built: Built) -> None:
    rows = [b for b in walk(built.document("legislators").blocks) if isinstance(b, CardRow)]
    assert [len(row.cards) for row in rows] == [3]


def test_the_charts_are_on_the_pages(built: Built) -> None:
    kinds = {
        audience: [b.kind for b in walk(built.document(audience).blocks) if isinstance(b, Chart)]
        for audience in AUDIENCES
    }
    assert kinds["legislators"] == ["bar"]
    assert kinds["public"] == ["pictogram"]


# --- fonts --------------------------------------------------------------------------


SUBSET = re.compile(r"^/([A-Z]{6})\+(.+)$")


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_font_is_embedded_under_a_subset_tag_of_its_own(built: Built, audience: str) -> None:
    resources: Any = PdfReader(built.pdf(audience)).pages[0]["/Resources"]
    fonts = resources["/Font"]
    tags = []
    for ref in fonts.values():
        font = ref.get_object()
        descendants = font.get("/DescendantFonts")
        target = descendants[0].get_object() if descendants else font
        descriptor = target["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
        match = SUBSET.match(str(font["/BaseFont"]))
        assert match, font["/BaseFont"]
        tags.append(match.group(1))
    assert len(tags) >= 2
    assert len(set(tags)) == len(tags), tags
