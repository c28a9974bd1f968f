"""`briefgen build` end to end on the real facts: six files, one page each, same words,
every number traced to a cited fact, every cited source on the page."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from office import docx_page_count, pdf_pages_and_fonts
from pypdf import PdfReader
from readback import docx_text, pdf_text

from briefgen.citations import cited_ids
from briefgen.cli import cli
from briefgen.facts import load_store
from briefgen.facts.formatting import format_number, one_in
from briefgen.model import Notes, block_text
from briefgen.pipeline import Brief, BuildOptions, Workspace, make_brief
from briefgen.templating.environment import TemplateRenderer

AUDIENCES = ("legislators", "chiefs", "public")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build every brief in both formats once for this module, from the repo root."""
    out = tmp_path_factory.mktemp("output")
    root = Path(__file__).resolve().parents[1]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = CliRunner().invoke(cli, ["build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    for audience in AUDIENCES:
        assert f"{audience}.pdf" in result.output
    return out


def squeeze(text: str) -> str:
    """Characters in reading order without layout: whitespace and bullets removed."""
    return re.sub(r"[\s\u2022]", "", text)


def test_build_writes_six_files(built: Path) -> None:
    names = sorted(p.name for p in built.iterdir())
    assert names == sorted(f"{a}.{f}" for a in AUDIENCES for f in ("pdf", "docx"))


@pytest.mark.parametrize("audience", AUDIENCES)
def test_pdf_is_one_page_with_every_font_embedded(built: Path, audience: str) -> None:
    reader = PdfReader(built / f"{audience}.pdf")
    assert len(reader.pages) == 1
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        descendants = font.get("/DescendantFonts")
        target = descendants[0].get_object() if descendants else font
        descriptor = target["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
    assert reader.metadata is not None
    assert reader.metadata.title
    assert reader.metadata.author == "Law Enforcement Immigration Task Force"


@pytest.mark.requires_libreoffice
@pytest.mark.parametrize("audience", AUDIENCES)
def test_docx_is_one_page_in_libreoffice(
    built: Path, audience: str, tmp_path: Path, libreoffice: str
) -> None:
    pages, fonts = docx_page_count(built / f"{audience}.docx", tmp_path)
    assert pages == 1
    # Laid out with Arial's metric twin, not a fallback that would make the count moot.
    assert fonts and all(f.startswith("LiberationSans") for f in fonts), fonts


@pytest.mark.parametrize("audience", AUDIENCES)
def test_pdf_and_docx_have_the_same_words(built: Path, audience: str) -> None:
    assert squeeze(pdf_text(built / f"{audience}.pdf")) == squeeze(
        docx_text(built / f"{audience}.docx")
    )


STORE = load_store(Path(__file__).resolve().parents[1] / "facts")


@pytest.fixture(scope="module")
def briefs() -> dict[str, Brief]:
    """Each audience's brief, fitted in memory, from the repository's workspace."""
    root = Path(__file__).resolve().parents[1]
    workspace = Workspace.open(BuildOptions(workspace=root))
    renderer = TemplateRenderer(workspace.search_path, workspace.store, workspace.settings)
    return {
        name: make_brief(workspace, renderer, workspace.search_path.audience(name), (), None)
        for name in AUDIENCES
    }


NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _numbers(text: str) -> set[str]:
    return {n.rstrip(",.") for n in NUMBER.findall(text)}


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_number_comes_from_a_cited_fact(briefs: dict[str, Brief], audience: str) -> None:
    brief = briefs[audience]
    document = brief.fit.document
    shown = set()
    for block in document.blocks:
        if not isinstance(block, Notes):
            shown |= _numbers(block_text(block, citations=False))
    allowed: set[str] = set()
    for fact_id in cited_ids(document):
        fact = STORE.get(fact_id)
        allowed |= _numbers(
            " ".join([fact.text, fact.short or "", fact.number(), fact.as_of.label])
        )
        for value in (fact.value, fact.value_max):
            if value is not None:
                allowed |= _numbers(f"{format_number(value)} {one_in(value)}")
    assert shown, "the brief shows no numbers at all"
    assert shown <= allowed, f"numbers with no cited fact behind them: {shown - allowed}"


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_cited_source_is_in_the_notes_on_the_page(
    briefs: dict[str, Brief], built: Path, audience: str
) -> None:
    page = " ".join(pdf_text(built / f"{audience}.pdf").split())
    cited = cited_ids(briefs[audience].fit.document)
    assert cited
    for fact_id in cited:
        fact = STORE.get(fact_id)
        for source in filter(None, (STORE.source_of(fact), STORE.original_source_of(fact))):
            assert " ".join(source.title.split()) in page, (fact_id, source.id)


def test_build_is_reproducible(tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    runner = CliRunner()
    for name in ("a", "b"):
        result = runner.invoke(
            cli, ["build", "--audience", "public", "--out", str(tmp_path / name)]
        )
        assert result.exit_code == 0, result.output
    for fmt in ("pdf", "docx"):
        assert (tmp_path / "a" / f"public.{fmt}").read_bytes() == (
            tmp_path / "b" / f"public.{fmt}"
        ).read_bytes()


def test_a4_option(tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(
        cli, ["build", "--audience", "chiefs", "--page-size", "a4", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    box = PdfReader(tmp_path / "chiefs.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    section = docx.Document(str(tmp_path / "chiefs.docx")).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_only_the_asked_audience_and_format(
    tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(
        cli, ["build", "--audience", "legislators", "--format", "pdf", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["legislators.pdf"]
    assert re.search(r"legislators\.pdf\s+1 page, \d+% full", result.output)


def test_public_brief_reads_at_grade_eight_or_lower(briefs: dict[str, Brief]) -> None:
    brief = briefs["public"]
    assert brief.reading_grade is not None
    assert brief.reading_grade <= 8


def test_pdf_pages_helper_reads_fonts(built: Path) -> None:
    pages, fonts = pdf_pages_and_fonts(built / "public.pdf")
    assert pages == 1
    assert any(f.startswith("LiberationSans") for f in fonts)
