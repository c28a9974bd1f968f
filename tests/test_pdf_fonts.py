"""Each embedded font subset in a PDF has its own six-letter tag, the same in every build
(reportlab alone tags every font's first subset AAAAAA, which pre-press checkers flag)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont as FontFile
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile
from reportlab.pdfgen.canvas import Canvas

from briefgen.fonts import font_dir
from briefgen.pipeline import BuildOptions, make_briefs
from briefgen.renderers import pdf_fonts
from briefgen.renderers.pdf_fonts import TaggedTTFont, subset_tag

REPO = Path(__file__).resolve().parents[1]
SUBSET_NAME = re.compile(r"/([A-Z]{6})\+[A-Za-z0-9-]+")
# More characters than one subset (256 codes) holds, so the regular face embeds two.
MANY = "".join(chr(c) for c in range(0x100, 0x17F)) + "".join(chr(c) for c in range(0x391, 0x3CA))


@pytest.fixture
def own_font_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """reportlab serves every font registered later for a face with the font first
    registered for it (pdfmetrics._dynFaceNames, for the whole process): in a registry
    of its own, a test gets the fonts it registers, and leaves none behind to serve a
    later build."""
    monkeypatch.setattr(pdfmetrics, "_fonts", dict(pdfmetrics._fonts))
    monkeypatch.setattr(pdfmetrics, "_dynFaceNames", {})


def _register(name: str, file: str) -> str:
    pdfmetrics.registerFont(TaggedTTFont(name, str(font_dir() / file)))
    return name


def _pdf() -> bytes:
    regular = _register("tagged-test-regular", "LiberationSans-Regular.ttf")
    bold = _register("tagged-test-bold", "LiberationSans-Bold.ttf")
    fallback = _register("tagged-test-fallback", "DejaVuSans.ttf")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, initialFontName=regular)
    for y, font, text in (
        (700, regular, "Fentanyl " + MANY),
        (680, bold, "Bold"),
        (660, fallback, "\u2192"),
    ):
        canvas.setFont(font, 10)
        canvas.drawString(36, y, text)
    canvas.save()
    return buffer.getvalue()


def _subset_names(pdf: bytes) -> list[tuple[str, str]]:
    """(BaseFont, its descriptor's FontName) of every font on every page."""
    names = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.append((str(font["/BaseFont"]), str(font["/FontDescriptor"]["/FontName"])))
    return names


@pytest.mark.usefixtures("own_font_registry")
def test_every_subset_has_its_own_well_formed_tag_the_same_in_every_build() -> None:
    names = _subset_names(_pdf())
    assert len(names) == 4  # two subsets of the regular face, one of bold, one of DejaVu
    tags = []
    for base_font, descriptor_name in names:
        assert descriptor_name == base_font
        match = SUBSET_NAME.fullmatch(base_font)
        assert match, base_font
        tags.append(match.group(1))
    assert len(set(tags)) == len(tags), names
    assert _subset_names(_pdf()) == names


def test_no_two_subsets_of_the_bundled_fonts_share_a_tag() -> None:
    """Every face briefgen can embed, with more subsets than a brief makes: the tags
    come from a hash, so this checks the fonts it ships cannot collide."""
    faces = set()
    for file in font_dir().glob("*.ttf"):
        with FontFile(file, lazy=True) as face:
            faces.add(face["name"].getDebugName(6))
    assert len(faces) >= 6
    tags = [subset_tag(face, index) for face in sorted(faces) for index in range(8)]
    assert all(re.fullmatch("[A-Z]{6}", tag) for tag in tags)
    assert len(set(tags)) == len(tags)


def _base_fonts(resources: Any, found: list[str]) -> None:
    """Every BaseFont named in a resource dictionary and the forms it draws."""
    resources = resources.get_object() if resources is not None else {}
    for font in resources.get("/Font", {}).values():
        found.append(str(font.get_object()["/BaseFont"]))
    for xobject in resources.get("/XObject", {}).values():
        if xobject.get_object().get("/Subtype") == "/Form":
            _base_fonts(xobject.get_object().get("/Resources"), found)


def _tags(pdf: bytes) -> list[str]:
    """The BaseFont of every font the PDF's pages draw with, each checked well-formed."""
    found: list[str] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        _base_fonts(page.get("/Resources"), found)
    assert found
    assert all(SUBSET_NAME.fullmatch(name) for name in found), found
    return found


def test_a_built_brief_embeds_each_subset_under_its_own_tag_in_every_build(
    tmp_path: Path,
) -> None:
    # Once as a user builds, in a new process, in which fonts are registered in the
    # order a build needs them; once here, after whatever other tests registered.
    subprocess.run(
        [
            sys.executable,
            *("-m", "briefgen", "-q", "build", "--audience", "legislators"),
            *("--format", "pdf", "--out", str(tmp_path)),
        ],
        cwd=REPO,
        check=True,
        timeout=120,
    )
    names = _tags((tmp_path / "legislators.pdf").read_bytes())
    assert len(names) >= 2  # at least the regular and the bold face
    assert len({name.partition("+")[0] for name in names}) == len(names), names
    options = BuildOptions(workspace=REPO, audiences=("legislators",), formats=("pdf",))
    (brief,) = make_briefs(options)
    assert sorted(_tags(brief.files["pdf"])) == sorted(names)


@pytest.mark.usefixtures("own_font_registry")
def test_a_subset_is_made_and_compressed_once_and_embedded_whole_in_every_pdf(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[int] = []
    real = TTFontFile.makeSubset

    def make_subset(face: TTFontFile, subset: list[int]) -> bytes:
        made.append(len(subset))
        return real(face, subset)  # type: ignore[no-any-return]

    monkeypatch.setattr(TTFontFile, "makeSubset", make_subset)
    pdf_fonts._subset.cache_clear()
    pdf_fonts._deflated.cache_clear()
    pdf_fonts._formatted_widths.cache_clear()
    pdf_fonts._to_unicode_cmap.cache_clear()
    pdf_fonts._formatted.clear()
    first = _pdf()
    assert len(made) == 4
    assert pdf_fonts._deflated.cache_info().misses == 8  # each program and character map
    formatted = dict(pdf_fonts._formatted)
    assert len(formatted) == 16  # each subset's font, descriptor, program, character map
    assert _pdf() == first
    assert len(made) == 4  # the same subsets: none made again
    # nor their character maps written, nor anything compressed or formatted again
    assert pdf_fonts._to_unicode_cmap.cache_info().hits == 4
    assert pdf_fonts._deflated.cache_info().misses == 8
    assert pdf_fonts._formatted == formatted
    pdf_fonts._subset.cache_clear()
    pdf_fonts._deflated.cache_clear()
    pdf_fonts._formatted.clear()
    assert _pdf() == first
    assert len(made) == 8
    for page in PdfReader(io.BytesIO(first)).pages:
        for font in page["/Resources"]["/Font"].values():
            program = font.get_object()["/FontDescriptor"]["/FontFile2"].get_object()
            with FontFile(io.BytesIO(program.get_data())) as face:
                assert face["glyf"]  # the whole program, decompressed as any reader does


@pytest.mark.usefixtures("own_font_registry")
@pytest.mark.parametrize("ascii_readable", [1, 0])
def test_printable_ascii_is_encoded_without_reportlabs_loop_as_reportlab_would(
    monkeypatch: pytest.MonkeyPatch, ascii_readable: int
) -> None:
    path = str(font_dir() / "LiberationSans-Regular.ttf")
    ours = TaggedTTFont("split-ours", path, asciiReadable=ascii_readable)
    theirs = TTFont("split-theirs", path, asciiReadable=ascii_readable)
    texts = ["Fentanyl", "\u2014 Sen. O\u2019Neil", "a\u00a0b", "", "Tucson, AZ ~ 2023", "\x7f"]
    doc_ours, doc_theirs = Canvas(io.BytesIO())._doc, Canvas(io.BytesIO())._doc
    looped: list[str] = []
    real = TTFont.splitString

    def split(self: TTFont, text: str, doc: Any, encoding: str = "utf-8") -> Any:
        if self is ours:
            looped.append(text)
        return real(self, text, doc, encoding)

    monkeypatch.setattr(TTFont, "splitString", split)
    for text in texts * 2:
        assert ours.splitString(text, doc_ours) == theirs.splitString(text, doc_theirs), text
    if ascii_readable:  # after the first call of a document, ASCII skips the loop
        others = [texts[1], texts[2], "", "\x7f"]
        assert looped == ["Fentanyl", *others, *others]
    else:
        assert looped == texts * 2


def test_a_subset_is_named_without_reportlabs_lookup_as_reportlab_names_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = str(font_dir() / "LiberationSans-Regular.ttf")
    ours = TaggedTTFont("name-ours", path)
    theirs = TTFont("name-theirs", path)
    doc_ours, doc_theirs = Canvas(io.BytesIO())._doc, Canvas(io.BytesIO())._doc
    asked: list[int] = []
    real = TTFont.getSubsetInternalName

    def name(self: TTFont, subset: int, doc: Any) -> str:
        if self is ours:
            asked.append(subset)
        return str(real(self, subset, doc))

    monkeypatch.setattr(TTFont, "getSubsetInternalName", name)
    for font, doc in ((ours, doc_ours), (theirs, doc_theirs)):
        font.splitString("Fentanyl " + MANY, doc)  # two subsets
        doc.fontMapping["other"] = "/F1"  # the name counts the fonts named before
    for subset in (0, 1, 0, 1):
        assert ours.getSubsetInternalName(subset, doc_ours) == (
            theirs.getSubsetInternalName(subset, doc_theirs)
        )
    assert asked == [0]  # named once; after that, made without reportlab's look-up
    for font, doc in ((ours, doc_ours), (theirs, doc_theirs)):
        with pytest.raises(IndexError):
            font.getSubsetInternalName(2, doc)


@pytest.mark.parametrize(
    "args",
    [["build", "--audience", "public", "--format", "pdf"], ["check", "--audience", "public"]],
)
def test_a_bundled_font_that_cannot_be_read_is_told_in_one_line(
    tmp_path: Path, args: list[str]
) -> None:
    """briefgen installed so that its user cannot read a font (copied under umask 077
    by another user, a file removed) failed in reportlab: "internal error: TTFError:
    Can't open file ... please report it"."""
    import shutil

    installed = tmp_path / "site"
    shutil.copytree(
        REPO / "briefgen", installed / "briefgen", ignore=shutil.ignore_patterns("__pycache__")
    )
    font = installed / "briefgen" / "fonts" / "LiberationSans-Regular.ttf"
    font.unlink()  # root reads a file whatever its mode: unreadable as a missing one is
    done = subprocess.run(
        [sys.executable, "-m", "briefgen", "-q", *args, "--facts", str(REPO / "facts")],
        cwd=tmp_path,  # not the repository, whose briefgen `-m` would find first
        env={**os.environ, "PYTHONPATH": str(installed), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith("site/briefgen/fonts/LiberationSans-Regular.ttf: "), line
    assert line.endswith(
        "cannot read a font briefgen comes with: No such file or directory; reinstall "
        "briefgen, or let this user read its files"
    ), line
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "output").exists()


def test_a_face_s_widths_are_looked_up_as_reportlab_looks_them_up() -> None:
    """A subset's widths are read through the face's getCharWidth: a dict's own
    look-up now, giving the face's default width for a character it lacks, as
    reportlab's method does."""
    path = str(font_dir() / "LiberationSans-Regular.ttf")
    face = TaggedTTFont("BriefgenWidths", path).face
    plain = TTFont("PlainWidths", path).face
    codes = [*range(0x20, 0x180), 0x2014, 0x201C, 0xA0, 0xE000, 0x10FFFF]
    assert [face.getCharWidth(code) for code in codes] == [
        plain.getCharWidth(code) for code in codes
    ]
    assert 0xE000 not in face.charWidths  # a lacking character's width is not added
    assert face.getCharWidth(0xE000) == plain.defaultWidth
