"""`briefgen build` end to end on the real facts: six files, one page each, same words,
every number traced to a cited fact, every cited source on the page."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pypdfium2 as pdfium
import pytest
import yaml
from click.testing import CliRunner
from conftest import shared
from markdown_it import MarkdownIt
from office import convert_all, pdf_pages_and_fonts
from pypdf import PdfReader
from readback import docx_paragraphs, docx_text, pdf_fill, pdf_text

from briefgen.citations import cited_ids
from briefgen.cli import cli
from briefgen.facts import load_store
from briefgen.facts.formatting import format_number, one_in
from briefgen.facts.store import FactStore
from briefgen.model import Chart, Document, Notes, block_text, walk
from briefgen.pipeline import Brief, BuildOptions, Workspace, make_brief
from briefgen.templating.environment import TemplateRenderer

AUDIENCES = ("legislators", "chiefs", "public")


REPO = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"


@dataclass(frozen=True)
class Run:
    """One `briefgen build` of every brief: where the files went and what it printed."""

    out: Path
    report: str
    warnings: str


@pytest.fixture(scope=shared)
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """Build every brief in both formats once for this module, the way a user does:
    in a workspace holding the repository's settings, into its output/ folder, under
    the usual umask 022."""
    workspace = tmp_path_factory.mktemp("workspace")
    shutil.copy(REPO / "briefgen.toml", workspace)
    old_umask = os.umask(0o022)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(workspace)
            result = CliRunner().invoke(cli, ["build", "--facts", str(REPO / "facts")])
    finally:
        os.umask(old_umask)
    assert result.exit_code == 0, result.output
    return Run(workspace / "output", result.stdout, result.stderr)


@pytest.fixture(scope=shared)
def built(run: Run) -> Path:
    """The output folder of the module's build."""
    return run.out


def squeeze(text: str) -> str:
    """Characters in reading order without layout: whitespace and bullets removed."""
    return re.sub(r"[\s\u2022]", "", text)


def test_build_writes_every_builtin_in_both_formats(built: Path) -> None:
    names = sorted(p.name for p in built.iterdir())
    everyone = (*AUDIENCES, "public-es")  # the Spanish brief: tests/test_spanish.py
    assert names == sorted(f"{a}.{f}" for a in everyone for f in ("pdf", "docx"))


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


@pytest.fixture(scope=shared)
def layouts(
    built: Path, tmp_path_factory: pytest.TempPathFactory, libreoffice: str
) -> dict[Path, Path]:
    """Every built-in brief's DOCX laid out by LibreOffice, in one run (the Spanish
    public brief's too: one more file costs far less than another soffice start): the
    DOCX -> LibreOffice's PDF of it."""
    docx = [built / f"{audience}.docx" for audience in (*AUDIENCES, "public-es")]
    return dict(zip(docx, convert_all(docx, tmp_path_factory.mktemp("office")), strict=True))


@pytest.fixture(scope=shared)
def laid_out(layouts: dict[Path, Path]) -> dict[Path, tuple[int, set[str]]]:
    """Each built-in brief's DOCX: LibreOffice's page count and fonts."""
    return {docx: pdf_pages_and_fonts(pdf) for docx, pdf in layouts.items()}


def page_lines(path: Path) -> list[str]:
    """The first page's lines as PDFium reads them, a no-break space read as a space."""
    page = pdfium.PdfDocument(path)[0]
    text = page.get_textpage().get_text_range()
    return [line.replace("\u00a0", " ").strip() for line in text.splitlines() if line.strip()]


@pytest.mark.requires_libreoffice
def test_no_paragraph_of_the_public_brief_ends_on_one_word(
    built: Path, layouts: dict[Path, Path]
) -> None:
    """Three of the public brief's paragraphs and list items ended on a line of one
    word ("…at least in / part.", "It makes a town / safer.", "stronger than /
    morphine."), and one of the chiefs' ("…for vehicles and / technology."): each
    ends on two, in the PDF and in LibreOffice's layout of the DOCX alike."""
    ends = {"public": ("in part.", "town safer.", "than morphine."), "chiefs": ("and technology.",)}
    for audience, lines in ends.items():
        pdf = page_lines(built / f"{audience}.pdf")
        laid = page_lines(layouts[built / f"{audience}.docx"])
        for end in lines:
            for found in (pdf, laid):
                # A note number follows, a space before it in the PDF's text; the line
                # may hold more words before the two (the main column beside the
                # sidebar was set wider since).
                assert [line for line in found if end in line], (audience, end, found)
                assert not [line for line in found if line.startswith(end.split()[-1])], end


# A web address on a line of its own: the footer's, not a note's last word.
_ADDRESS = re.compile(r"[\w-]+(\.[\w-]+)+(/\S*)?")


@pytest.mark.requires_libreoffice
def test_no_source_note_ends_on_one_word(built: Path, layouts: dict[Path, Path]) -> None:
    """Notes ended on a line of one word ("… December 21, / 2023", "… Fentanyl /
    Crisis”"), as body paragraphs did (d849947): no note's last line holds one word,
    in the PDF or in LibreOffice's layout of the DOCX."""
    for audience, heading in (*((a, "Sources") for a in AUDIENCES), ("public-es", "Fuentes")):
        pdf = page_lines(built / f"{audience}.pdf")
        laid = page_lines(layouts[built / f"{audience}.docx"])
        for found in (pdf, laid):
            notes = found[found.index(heading) + 1 :]
            assert len(notes) > 6, notes
            alone = [line for line in notes if " " not in line and not _ADDRESS.fullmatch(line)]
            assert not alone, (audience, alone)


@pytest.mark.requires_libreoffice
@pytest.mark.parametrize("audience", (*AUDIENCES, "public-es"))
def test_docx_is_one_page_in_libreoffice(
    built: Path, audience: str, laid_out: dict[Path, tuple[int, set[str]]]
) -> None:
    pages, fonts = laid_out[built / f"{audience}.docx"]
    assert pages == 1
    # Laid out with Arial's metric twin, not a fallback that would make the count moot.
    assert fonts and all(f.startswith("LiberationSans") for f in fonts), fonts


def chart_words(document: Document) -> Counter[str]:
    """The words the document's charts draw (their bars' labels and figures): text in
    the PDF's vector drawing, part of the picture (which the alt text describes) in
    the DOCX."""
    words: Counter[str] = Counter()
    for block in walk(document.blocks):
        if isinstance(block, Chart):
            for bar in block.bars:
                words.update(bar.label.split() + bar.figure.split())
    return words


@pytest.mark.parametrize("audience", AUDIENCES)
def test_pdf_and_docx_have_the_same_words(
    built: Path, briefs: dict[str, Brief], audience: str
) -> None:
    """The same words in the same order, but for those the charts draw, which the PDF
    alone holds as text."""
    pdf = pdf_text(built / f"{audience}.pdf").replace("\u2022", " ").split()
    word = docx_text(built / f"{audience}.docx").split()
    only_pdf: Counter[str] = Counter()
    steps = difflib.SequenceMatcher(a=pdf, b=word, autojunk=False).get_opcodes()
    for step, start, end, other_start, other_end in steps:
        assert step in ("equal", "delete"), (pdf[start:end], word[other_start:other_end])
        if step == "delete":
            only_pdf.update(pdf[start:end])
    assert only_pdf == chart_words(briefs[audience].fit.document)


@pytest.fixture(scope=shared)
def store() -> FactStore:
    """The repository's facts (a fixture: a loader bug fails tests, not collection)."""
    return load_store(Path(__file__).resolve().parents[1] / "facts")


@pytest.fixture(scope=shared)
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
def test_every_number_comes_from_a_cited_fact(
    briefs: dict[str, Brief], store: FactStore, audience: str
) -> None:
    brief = briefs[audience]
    document = brief.fit.document
    shown = set()
    for block in document.blocks:
        if not isinstance(block, Notes):
            shown |= _numbers(block_text(block, citations=False))
    allowed: set[str] = set()
    for fact_id in cited_ids(document):
        fact = store.get(fact_id)
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
    briefs: dict[str, Brief], store: FactStore, built: Path, audience: str
) -> None:
    page = " ".join(pdf_text(built / f"{audience}.pdf").split())
    cited = cited_ids(briefs[audience].fit.document)
    assert cited
    for fact_id in cited:
        fact = store.get(fact_id)
        for source in filter(None, (store.source_of(fact), store.original_source_of(fact))):
            assert " ".join(source.title.split()) in page, (fact_id, source.id)


def test_build_is_reproducible_without_help(tmp_path: Path, repo: Path) -> None:
    """Two builds with no SOURCE_DATE_EPOCH, in two processes started more than a
    second apart (PDF dates have one-second resolution): the same bytes."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    runs = []
    for name in ("a", "b"):
        if runs:
            time.sleep(1.1)
        command = [sys.executable, "-m", "briefgen", "build", "--audience", "public"]
        runs.append(
            subprocess.Popen(
                [*command, "--out", str(tmp_path / name)],
                cwd=repo,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
        )
    for process in runs:
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, output
    for fmt in ("pdf", "docx"):
        assert (tmp_path / "a" / f"public.{fmt}").read_bytes() == (
            tmp_path / "b" / f"public.{fmt}"
        ).read_bytes(), fmt


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


# --- What a reader sees, pinned: the notes and the build report --------------------------


def golden_notes(audience: str) -> list[str]:
    """The notes a brief must print, one per line, numbered as on the page."""
    return (GOLDEN / "notes" / f"{audience}.txt").read_text(encoding="utf-8").splitlines()


def footer_lines(path: Path) -> list[str]:
    """The lines of the footer's contact row (contact, web address, date line), as
    the DOCX beside the PDF at ``path`` holds them."""
    paragraphs = docx_paragraphs(path.with_suffix(".docx"))
    return [p.text for p in paragraphs if p.style.name == "Footer" and p.text]


def pdf_notes(path: Path, count: int) -> list[str]:
    """The notes under the PDF's "Sources" heading, each note's wrapped lines joined
    with a space: a line opens note N when it starts with "N. " and note N is due;
    the footer's contact row ends them."""
    lines = pdf_text(path).splitlines()
    heading = len(lines) - 1 - lines[::-1].index("Sources")
    footer = footer_lines(path)
    notes: list[str] = []
    for line in lines[heading + 1 :]:
        ends = [line.index(text) for text in footer if text in line]
        if ends:
            line = line[: min(ends)].strip()
            if line:
                notes[-1] += " " + line
            break
        if line.startswith(f"{len(notes) + 1}. ") and len(notes) < count:
            notes.append(line.strip())
        else:
            assert notes, f"text before the first note: {line!r}"
            notes[-1] += " " + line.strip()
    return notes


def docx_notes(path: Path) -> list[str]:
    """The DOCX's source notes (in its footer), a no-break space read as a space (a
    note's last two words may be joined by one, so that it never ends on one word)."""
    paragraphs = docx_paragraphs(path)
    return [p.text.replace("\u00a0", " ") for p in paragraphs if p.style.name == "Source Note"]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_notes_match_the_golden_file(built: Path, audience: str) -> None:
    expected = golden_notes(audience)
    assert docx_notes(built / f"{audience}.docx") == expected
    assert pdf_notes(built / f"{audience}.pdf", len(expected)) == expected


def test_the_golden_notes_are_remade_as_docs_testing_md_says(built: Path, tmp_path: Path) -> None:
    """docs/testing.md's recipe for the golden notes, run on this module's build,
    writes the files test_notes_match_the_golden_file compares with: it kept the
    no-break space a note's last two words may be joined by, which the test reads as
    a space, so golden files remade by it failed."""
    tokens = MarkdownIt("commonmark").parse((REPO / "docs" / "testing.md").read_text("utf-8"))
    (fence,) = [t for t in tokens if t.type == "fence" and "golden/notes" in t.content]
    script = fence.content.split("<<'EOF'\n", 1)[1].split("\nEOF\n", 1)[0]
    (tmp_path / "tests" / "golden" / "notes").mkdir(parents=True)
    path = os.pathsep.join([str(REPO / "tests"), os.environ.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-", str(built.parent)],  # the workspace, as "$ws"
        input=script,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for audience in (*AUDIENCES, "public-es"):
        remade = tmp_path / "tests" / "golden" / "notes" / f"{audience}.txt"
        assert remade.read_text("utf-8") == (GOLDEN / "notes" / f"{audience}.txt").read_text(
            "utf-8"
        ), audience


def test_build_report_matches_the_golden_file(run: Run) -> None:
    # A dropped block of a built-in template is named by its file, wherever briefgen is.
    report = run.report.replace(str(REPO / "briefgen" / "builtin_templates"), "<builtin>")
    assert report == (GOLDEN / "build-report.txt").read_text(encoding="utf-8")


def test_the_readme_shows_warnings_the_build_gives(run: Run) -> None:
    """The README's sample of what `build` prints on stderr is lines it prints, each
    at the line of the template or facts file it names."""
    tokens = MarkdownIt("commonmark").parse((REPO / "README.md").read_text(encoding="utf-8"))
    shown = [
        line
        for token in tokens
        if token.type == "fence"
        for line in token.content.splitlines()
        if ": warning: " in line
    ]
    assert len(shown) >= 2
    printed = run.warnings.replace(f"{REPO}/", "").splitlines()  # the facts, built from REPO
    for line in shown:
        assert line in printed, line


def _raw_sources() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load((REPO / "facts" / "sources.yaml").read_text(encoding="utf-8"))
    return {s["id"]: s for s in data["sources"]}


def _raw_facts() -> dict[str, dict[str, Any]]:
    facts: dict[str, dict[str, Any]] = {}
    for path in sorted((REPO / "facts").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        facts.update({f["id"]: f for f in data.get("facts", [])})
    return facts


def _title(source: dict[str, Any]) -> str:
    return " ".join(source["title"].split())


def _short_title(source: dict[str, Any]) -> str:
    """The title a note names a source by after an earlier note named it in full."""
    head, colon, _ = _title(source).partition(":")
    return head if colon and len(head.split()) > 1 else _title(source)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_one_note_per_source(briefs: dict[str, Brief], built: Path, audience: str) -> None:
    """As many notes as distinct (original, reporter) pairs among the cited facts,
    read from the YAML itself; no note printed twice."""
    facts, sources = _raw_facts(), _raw_sources()
    pairs = {
        (facts[f].get("original_source"), facts[f]["source"])
        for f in cited_ids(briefs[audience].fit.document)
    }
    notes = docx_notes(built / f"{audience}.docx")
    assert [n.split(". ", 1)[0] for n in notes] == [str(i) for i in range(1, len(notes) + 1)]
    assert len(notes) == len(pairs), notes
    assert len({n.split(". ", 1)[1] for n in notes}) == len(notes), notes
    for original, reporter in pairs:
        titles = [_title(sources[original])] if original else []
        titles.append(_short_title(sources[reporter]))
        assert any(all(t in n for t in titles) for n in notes), (original, reporter)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_a_source_is_named_in_full_once_then_by_its_short_title(
    briefs: dict[str, Brief], built: Path, audience: str
) -> None:
    """Five of legislators' six notes repeated the same long titles in full, a sixth of
    the page; as Chicago's notes do, a source named in full before is named again by
    its title up to the colon, without its author, publisher or date."""
    facts, sources = _raw_facts(), _raw_sources()
    notes = docx_notes(built / f"{audience}.docx")
    reporters = {facts[f]["source"] for f in cited_ids(briefs[audience].fit.document)}
    for reporter in reporters:
        source = sources[reporter]
        short = _short_title(source)
        # What only the full citation holds: names, and a title past its colon.
        marks = [source[k] for k in ("author", "publisher") if k in source]
        marks += [_title(source)] if _title(source) != short else []
        assert marks, reporter
        naming = [n for n in notes if short in n]
        assert naming and all(m in naming[0] for m in marks), (reporter, notes)
        for later in naming[1:]:
            assert not any(m in later for m in marks), (reporter, later)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_notes_say_as_reported_in(briefs: dict[str, Brief], built: Path, audience: str) -> None:
    """A fact reported by one source from another's data: the note names the
    original, then "; as reported in" and the reporting source."""
    facts, sources = _raw_facts(), _raw_sources()
    notes = docx_notes(built / f"{audience}.docx")
    reported = 0
    for fact_id in cited_ids(briefs[audience].fit.document):
        original = facts[fact_id].get("original_source")
        if original:
            reported += 1
            pattern = (
                re.escape(_title(sources[original]))
                + r"[”]?(, [^;]*)?; as reported in .*"
                + re.escape(_short_title(sources[facts[fact_id]["source"]]))
            )
            assert any(re.search(pattern, n) for n in notes), (fact_id, notes)
    assert reported, "no reported fact on this brief"


def _date_label(issued: object) -> str:
    if isinstance(issued, dt.date):
        return f"{issued:%B} {issued.day}, {issued.year}"
    return str(issued)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_notes_keep_the_source_date(built: Path, audience: str) -> None:
    """Every note naming a source that has a date shows that date after its title."""
    dated = {_title(s): _date_label(s["issued"]) for s in _raw_sources().values() if "issued" in s}
    seen = 0
    for fmt, notes in (
        ("docx", docx_notes(built / f"{audience}.docx")),
        ("pdf", pdf_notes(built / f"{audience}.pdf", len(golden_notes(audience)))),
    ):
        for note in notes:
            for title, label in dated.items():
                if title in note:
                    seen += 1
                    assert re.search(re.escape(title) + "(?:,” |, )" + re.escape(label), note), (
                        fmt,
                        note,
                    )
    assert seen, "no dated source on this brief"


@pytest.mark.parametrize("audience", AUDIENCES)
def test_fill_is_height_share(
    briefs: dict[str, Brief], run: Run, built: Path, audience: str
) -> None:
    """The fill figure is the share of the frame's height the text takes, measured
    here from where the PDF's last line sits, not from briefgen's own measure."""
    fill = pdf_fill(built / f"{audience}.pdf")
    assert briefs[audience].fit.fill == pytest.approx(fill, abs=0.002)
    # The report's percentage is the fit's: the two agree to 0.2 points, which can
    # round either side of a half (85.48% and 85.53%).
    shown = f"{briefs[audience].fit.fill:.0%}"
    for fmt in ("pdf", "docx"):
        line = next(x for x in run.report.splitlines() if x.startswith(f"output/{audience}.{fmt} "))
        assert line.endswith(f"1 page, {shown} full"), (line, fill)


def test_output_files_are_0644(built: Path) -> None:
    """Built under umask 022, every file is readable by all, writable by its owner."""
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in built.iterdir()}
    assert modes == {name: 0o644 for name in modes}, {n: oct(m) for n, m in modes.items()}
    assert len(modes) == 8
