"""The print shop's combined PDF (briefgen/combine.py): every copy's pages in order,
each as it was drawn, in a file pypdf and poppler read without complaint, written as
the copies are read rather than held until the end (5,500 copies took 2 GB)."""

from __future__ import annotations

import io
import itertools
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import PIL.Image
import PIL.ImageDraw
import pytest
from pypdf import PdfReader

from briefgen import combine
from briefgen.combine import write_combined
from briefgen.errors import OutputError
from briefgen.pipeline import BuildOptions, make_briefs

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def copies() -> list[bytes]:
    """The sample's briefs as PDF: one page each, with fonts, links, a chart and a QR
    code; the Spanish one is in another language."""
    options = BuildOptions(workspace=REPO, formats=("pdf",))
    return [brief.files["pdf"] for brief in make_briefs(options)]


def test_every_page_in_order_as_drawn_and_no_tag_pointers(copies: list[bytes]) -> None:
    out = io.BytesIO()
    assert write_combined(copies, out) == [1] * len(copies)
    combined = PdfReader(io.BytesIO(out.getvalue()), strict=True)
    assert len(combined.pages) == len(copies)
    for page, data in zip(combined.pages, copies, strict=True):
        own = PdfReader(io.BytesIO(data)).pages[0]
        assert page.get_contents().get_data() == own.get_contents().get_data()
        assert page.extract_text() == own.extract_text()
        assert sorted(page["/Resources"]["/Font"]) == sorted(own["/Resources"]["/Font"])
        # For print, untagged: nothing points into a structure tree the file lacks.
        assert "/StructParents" not in page
        assert all("/StructParent" not in a.get_object() for a in page.get("/Annots", []))
        links = [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", [])]
        assert links == [a.get_object()["/A"]["/URI"] for a in own.get("/Annots", [])]
    assert "/StructTreeRoot" not in combined.trailer["/Root"]
    assert out.getvalue() == _combined(copies)  # the same copies, the same bytes


def _combined(copies: list[bytes]) -> bytes:
    out = io.BytesIO()
    write_combined(copies, out)
    return out.getvalue()


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils is not installed")
def test_poppler_reads_the_file_without_a_word(copies: list[bytes], tmp_path: Path) -> None:
    path = tmp_path / "combined.pdf"
    path.write_bytes(_combined(copies))
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert f"Pages:           {len(copies)}" in done.stdout
    assert done.stderr == ""


def test_each_copy_is_written_before_the_next_is_read(copies: list[bytes]) -> None:
    """The file is written as the copies come, so memory holds one copy at a time."""
    out = io.BytesIO()
    sizes: list[int] = []

    def one_at_a_time() -> Iterator[bytes]:
        for data in copies:
            sizes.append(out.tell())
            yield data

    write_combined(one_at_a_time(), out)
    assert sizes[0] == 0 and all(a < b for a, b in itertools.pairwise(sizes))
    # Each copy adds at least its page's content stream before the next is asked for.
    assert sizes[-1] > sum(len(data) for data in copies[:-1]) // 4


def test_no_copies_write_nothing() -> None:
    out = io.BytesIO()
    assert write_combined([], out) == [] and out.getvalue() == b""


def test_each_font_subset_has_a_name_of_its_own(copies: list[bytes]) -> None:
    """Each copy tags its subsets apart, but two copies' different subsets of one face
    had one name in the joined file, where a name must be one subset (ISO 32000-1,
    9.6.4): a print shop's RIP may take one for the other."""
    combined = PdfReader(io.BytesIO(_combined(copies)))
    programs: dict[str, set[bytes]] = {}
    for page in combined.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/FontDescriptor"].get_object()
            program = descriptor["/FontFile2"].get_object().get_data()
            programs.setdefault(str(font["/BaseFont"]), set()).add(program)
            assert descriptor["/FontName"] == font["/BaseFont"]
    assert all(len(found) == 1 for found in programs.values()), programs.keys()
    assert len(programs) > 3  # the sample's briefs use several subsets of the faces


def test_a_file_past_what_its_offsets_can_say_is_refused(
    copies: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cross-reference entry gives an offset in 10 digits (under 10 GB): past
    that, the table would be corrupt, not refused."""
    monkeypatch.setattr(combine, "MAX_BYTES", len(copies[0]))
    with pytest.raises(OutputError, match="would pass 10 GB"):
        write_combined(copies, io.BytesIO())
    # The page tree and catalog, written after the last copy, are held to it too.
    pages_at = _combined(copies[:1]).rindex(b"2 0 obj\n<< /Type /Pages")
    monkeypatch.setattr(combine, "MAX_BYTES", pages_at - 1)
    with pytest.raises(OutputError, match="would pass 10 GB"):
        write_combined(copies[:1], io.BytesIO())


def test_a_stream_every_copy_embeds_alike_is_written_once(copies: list[bytes]) -> None:
    """A font program, the QR code or the chart that copies embed byte for byte is
    written once and shared: each copy embedding its own made 5,500 copies 344 MB."""
    once, thrice = _combined(copies), _combined(copies * 3)
    assert len(thrice) - len(once) < sum(len(data) for data in copies) / 4
    combined = PdfReader(io.BytesIO(thrice), strict=True)
    programs = {
        font.get_object()["/FontDescriptor"].get_object().raw_get("/FontFile2").idnum
        for page in combined.pages
        for font in page["/Resources"]["/Font"].values()
    }
    per_copy = {
        font.get_object()["/FontDescriptor"].get_object().raw_get("/FontFile2").idnum
        for page in PdfReader(io.BytesIO(once)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert len(programs) == len(per_copy)  # the copies again add no font program
    for page, data in zip(combined.pages, copies * 3, strict=True):
        assert page.extract_text() == PdfReader(io.BytesIO(data)).pages[0].extract_text()


@pytest.fixture(scope="module")
def logo_copies(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    """The legislators' brief, as PDF, with a logo that has an alpha channel (as most
    PNG logos do): its image refers to its soft mask, a second image."""
    ws = tmp_path_factory.mktemp("logo")
    logo = PIL.Image.new("RGBA", (400, 200), (0, 0, 0, 0))
    draw = PIL.ImageDraw.Draw(logo)
    for step in range(40):  # enough pixels that the image costs more than a page's text
        draw.ellipse((step * 9, step * 4, step * 9 + 40, step * 4 + 40), (step * 6, 90, 200, 255))
    logo.save(ws / "logo.png")
    (ws / "briefgen.toml").write_text('[theme]\nlogo = "logo.png"\n', encoding="utf-8")
    options = BuildOptions(
        workspace=ws, facts=REPO / "facts", audiences=("legislators",), formats=("pdf",)
    )
    return [brief.files["pdf"] for brief in make_briefs(options)]


def test_a_logo_with_a_soft_mask_is_written_once(logo_copies: list[bytes]) -> None:
    """A logo with transparency is an image pointing at its soft mask, which the
    sharing of streams that point at nothing passed over: every copy wrote the logo
    again, and a batch's file grew by the logo's size per copy."""
    once, ten = _combined(logo_copies), _combined(logo_copies * 10)
    combined = PdfReader(io.BytesIO(ten), strict=True)
    logos = {
        reference.idnum
        for page in combined.pages
        for reference in page["/Resources"]["/XObject"].values()
    }
    assert len(logos) == 1
    # The nine copies more cost their pages, not nine more logos and font dictionaries.
    assert len(ten) - len(once) < 9 * len(logo_copies[0]) / 8
    for page in combined.pages:
        image = page["/Resources"]["/XObject"][next(iter(page["/Resources"]["/XObject"]))]
        assert image.get_object()["/SMask"].get_object()["/Width"] == 400
    assert ten == _combined(logo_copies * 10)  # still the same bytes every time
