"""The two-sided handout (`build --duplex FRONT,BACK`): one PDF and one DOCX of exactly
two pages, each side its own audience's brief with its own masthead, footer and
language, the same words on each side in both files; bad option input refused."""

from __future__ import annotations

import difflib
import io
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner
from conftest import REPO, shared
from docx.oxml.ns import qn
from docx.table import Table
from office import convert_to_pdf, pdf_pages_and_fonts
from pypdf import PdfReader
from readback import _paragraphs_of
from tagged import Node, check_tagged, structure
from test_build import chart_words
from test_fitting import keep_and_drop
from test_guide import fenced_lines

from briefgen import duplex
from briefgen.cli import cli
from briefgen.duplex import Handout, fit_sides, make_handout, warning_lines
from briefgen.errors import Location
from briefgen.fitting import Fit
from briefgen.model import (
    Document,
    Footer,
    Inlines,
    Metadata,
    Notes,
    Paragraph,
    Span,
    inline_groups,
    walk,
)
from briefgen.pipeline import BuildOptions
from briefgen.renderers import docx as docx_renderer
from briefgen.renderers.docx import render_docx_pages
from briefgen.renderers.pdf import render_pages
from briefgen.style import Style

# English on the front and Spanish on the back.
SIDES = ("public", "public-es")


@pytest.fixture(scope=shared)
def handout(tmp_path_factory: pytest.TempPathFactory) -> tuple[Handout, Path]:
    """The handout of the repository's workspace, in memory and on disk."""
    made = make_handout(BuildOptions(workspace=REPO), ",".join(SIDES))
    folder = tmp_path_factory.mktemp("duplex")
    for fmt, data in made.files.items():
        (folder / f"{made.name}.{fmt}").write_bytes(data)
    return made, folder / made.name


def docx_sides(path: Path) -> list[list[str]]:
    """Each section's words: its body (up to the paragraph that ends the section),
    then its own footer."""
    word = docx.Document(str(path))
    sides: list[list[Any]] = [[]]
    for item in word.iter_inner_content():
        if isinstance(item, Table):
            sides[-1].extend(p for row in item.rows for c in row.cells for p in _paragraphs_of(c))
            continue
        sides[-1].append(item)
        if item._p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            sides.append([])
    for side, section in zip(sides, word.sections, strict=True):
        assert not section.footer.is_linked_to_previous
        side.extend(_paragraphs_of(section.footer))
    return [" ".join(p.text for p in side).split() for side in sides]


def assert_one_side_a_page(pdf: Path, made: Handout) -> None:
    """Two pages, each led by its side's masthead (the organization, then the side's
    audience) and ending with its footer's date line, with its side's title and not
    the other's."""
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages]
    assert len(pages) == 2
    documents = [side.fit.document for side in made.sides]
    for page, document, other in zip(pages, documents, reversed(documents), strict=True):
        assert document.masthead is not None
        masthead = f"{document.masthead.organization} {document.masthead.audience}"
        assert page.startswith(masthead), page[:200]
        assert " ".join(document.metadata.title.split()) in page
        assert " ".join(other.metadata.title.split()) not in page
        assert page.endswith(document.footer.updated), page[-200:]


def test_the_pdf_has_one_page_per_side_each_its_audiences(
    handout: tuple[Handout, Path],
) -> None:
    made, stem = handout
    assert stem.name == "+".join(SIDES)
    assert_one_side_a_page(stem.with_suffix(".pdf"), made)
    # The print dialog is asked for both sides, turned on the long edge, as the
    # docs say to print it; a one-sided brief asks nothing.
    catalog = PdfReader(stem.with_suffix(".pdf")).trailer["/Root"]
    assert catalog["/ViewerPreferences"]["/Duplex"] == "/DuplexFlipLongEdge"
    front = made.sides[0].fit
    one = PdfReader(io.BytesIO(render_pages([(front.document, front.style)])[0]))
    assert "/Duplex" not in one.trailer["/Root"]["/ViewerPreferences"]


def test_each_side_is_the_brief_its_audience_makes_alone(
    handout: tuple[Handout, Path],
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """docs/duplex.md: each side is made exactly as `--audience` would make it (the
    two sides of the sample fit at one type size, so neither is fitted again)."""
    made, stem = handout
    monkeypatch.chdir(REPO)
    out = tmp_path / "alone"
    for side in made.sides:
        name = side.audience.name
        args = ["-q", "build", "--audience", name, "--format", "pdf", "--out", str(out)]
        assert runner.invoke(cli, args).exit_code == 0
    pages = PdfReader(stem.with_suffix(".pdf")).pages
    for page, side in zip(pages, made.sides, strict=True):
        alone = PdfReader(out / f"{side.audience.name}.pdf").pages[0]
        assert page.extract_text() == alone.extract_text(), side.audience.name


def test_each_note_id_is_unique_in_the_handout_and_in_its_id_tree(
    handout: tuple[Handout, Path],
) -> None:
    # Both sides numbered their notes from 1: each /ID came twice (PDF/UA 19-004), and
    # no file had the /IDTree ISO 32000 asks for.
    _, stem = handout
    reader = PdfReader(stem.with_suffix(".pdf"))
    tree = structure(reader)
    idents = [node.ident for node in tree.walk() if node.ident]
    assert idents and len(idents) == len(set(idents))
    assert any(ident.startswith("p2-note-") for ident in idents)
    names = reader.trailer["/Root"]["/StructTreeRoot"]["/IDTree"]["/Names"]
    assert [str(name) for name in names[::2]] == sorted(idents)


def test_the_handout_is_tagged_as_each_brief_is(handout: tuple[Handout, Path]) -> None:
    """The two-sided file passes every check a one-sided brief's tagging does
    (tagged.check_tagged): its tree, marked content, parent tree, IDs, link
    annotations, and its text that of the DOCX read side by side; a Part per side."""
    _, stem = handout
    tree = check_tagged(
        stem.with_suffix(".pdf").read_bytes(),
        stem.with_suffix(".docx"),
        lambda path: "\n".join(" ".join(side) for side in docx_sides(path)),
    )
    assert [kid.role for kid in tree.kids if isinstance(kid, Node)] == ["Part", "Part"]


def test_each_side_has_the_same_words_in_the_pdf_and_the_docx(
    handout: tuple[Handout, Path],
) -> None:
    made, stem = handout
    pdf_pages = PdfReader(stem.with_suffix(".pdf")).pages
    word_sides = docx_sides(stem.with_suffix(".docx"))
    assert len(word_sides) == len(pdf_pages) == 2
    for page, words, side in zip(pdf_pages, word_sides, made.sides, strict=True):
        pdf = page.extract_text().replace("\u2022", " ").split()
        only_pdf: Counter[str] = Counter()
        steps = difflib.SequenceMatcher(a=pdf, b=words, autojunk=False).get_opcodes()
        for step, start, end, other_start, other_end in steps:
            assert step in ("equal", "delete"), (pdf[start:end], words[other_start:other_end])
            if step == "delete":
                only_pdf.update(pdf[start:end])
        assert only_pdf == chart_words(side.fit.document)


def test_each_docx_side_is_marked_in_its_own_language(handout: tuple[Handout, Path]) -> None:
    """The file's language is the front's; every run of the back, its footer's too,
    is marked with the back's."""
    made, _ = handout
    front, back = (side.fit for side in made.sides)
    spanish = replace(back.document.metadata, language="es-US")  # as public-es has it
    pages = [(front.document, front.style), (replace(back.document, metadata=spanish), back.style)]
    word = docx.Document(io.BytesIO(render_docx_pages(pages)))
    assert word.core_properties.language == front.document.metadata.language == "en-US"
    body = list(word.element.body)
    ends = f"{qn('w:pPr')}/{qn('w:sectPr')}"  # the paragraph that ends a section
    end = next(i for i, element in enumerate(body) if element.find(ends) is not None)
    parts = {
        "front": [*body[: end + 1], word.sections[0].footer._element],
        "back": [*body[end + 1 :], word.sections[1].footer._element],
    }
    lang = f"{qn('w:rPr')}/{qn('w:lang')}"
    marked: dict[str, list[str]] = {}  # each language's runs' text on the back
    for side, elements in parts.items():
        runs = [run for element in elements for run in element.iter(qn("w:r"))]
        marks = {run.find(lang) is not None for run in runs}
        assert marks == {side == "back"}, side
        for run in runs if side == "back" else ():
            text = "".join(t.text or "" for t in run.iter(qn("w:t")))
            marked.setdefault(run.find(lang).get(qn("w:val")), []).append(text)
    # A passage in another language keeps its own (a source's English title in the
    # Spanish notes): the runs marked English are the model's English passages.
    english = [
        span.text
        for block in walk(back.document.blocks)
        for inlines in [*inline_groups(block), *notes_lines(block)]
        for span in inlines
        if isinstance(span, Span) and span.language
    ]
    assert set(marked) == ({"es-US", "en-US"} if english else {"es-US"})
    assert Counter(marked.get("en-US", [])) == Counter(english)
    assert back.document.metadata.language == "es-US"


def test_each_docx_side_s_paragraph_marks_are_in_its_own_language(
    handout: tuple[Handout, Path],
) -> None:
    """Only the back's runs were marked: its paragraph marks, Word's language for an
    empty line or text typed at a paragraph's end, were the file's (the front's)."""
    made, path = handout
    word = docx.Document(str(path.with_suffix(".docx")))
    body = list(word.element.body)
    ends = f"{qn('w:pPr')}/{qn('w:sectPr')}"
    end = next(i for i, element in enumerate(body) if element.find(ends) is not None)
    parts = {
        "front": [*body[: end + 1], word.sections[0].footer._element],
        "back": [*body[end + 1 :], word.sections[1].footer._element],
    }
    mark = f"{qn('w:pPr')}/{qn('w:rPr')}/{qn('w:lang')}"
    back = made.sides[1].fit.document.metadata.language
    for side, elements in parts.items():
        paragraphs = [p for element in elements for p in element.iter(qn("w:p"))]
        languages = {
            None if (lang := p.find(mark)) is None else lang.get(qn("w:val")) for p in paragraphs
        }
        assert languages == ({back} if side == "back" else {None}), side
    assert back == "es-US"


def test_a_marked_paragraph_mark_keeps_the_order_word_requires(
    handout: tuple[Handout, Path],
) -> None:
    """A middle side's last paragraph holds its section's w:sectPr, which the
    schema puts after the paragraph mark's w:rPr (here a text paragraph's, which
    had no w:rPr before it was marked)."""
    made, _ = handout
    front, back = (side.fit for side in made.sides)
    english = replace(front.document.metadata, language="en-US")
    first = replace(back.document, metadata=replace(english, language="es-US"))
    text = next(b for b in walk(front.document.blocks) if isinstance(b, Paragraph))
    middle = replace(front.document, metadata=english, blocks=(text,), footer=Footer())
    pages = [(first, back.style), (middle, front.style), (first, back.style)]
    word = docx.Document(io.BytesIO(render_docx_pages(pages)))
    order = {qn(f"w:{tag}"): i for i, tag in enumerate(docx_renderer._PPR_ORDER)}
    ends = []
    for properties in word.element.body.iter(qn("w:pPr")):
        ranks = [order[child.tag] for child in properties]
        assert ranks == sorted(ranks)
        if properties.find(qn("w:sectPr")) is not None:
            ends.append(properties.find(f"{qn('w:rPr')}/{qn('w:lang')}"))
    assert len(ends) == 2
    assert ends[1].get(qn("w:val")) == "en-US"


@pytest.mark.requires_libreoffice
def test_the_docx_is_two_pages_in_libreoffice(
    handout: tuple[Handout, Path], tmp_path: Path
) -> None:
    made, stem = handout
    laid_out = convert_to_pdf(stem.with_suffix(".docx"), tmp_path)
    pages, fonts = pdf_pages_and_fonts(laid_out)
    assert pages == 2
    assert fonts and all(f.startswith("LiberationSans") for f in fonts), fonts
    assert_one_side_a_page(laid_out, made)


def test_a_side_that_needs_smaller_type_takes_the_other_down_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The sheet has one type size: the largest at which both sides fit."""
    needs = {"front": 11.0, "back": 10.0}  # the largest size each side fits at

    def fake_fit(document: Document, style: Style, *_: object) -> Fit:
        return Fit(document, style.with_body_size(min(style.body_size, needs[document.name])), 0.9)

    monkeypatch.setattr(duplex, "fit_to_page", fake_fit)
    pages = [
        (Document(name, (), Metadata(title=name), Location("x.md.j2")), Style()) for name in needs
    ]
    fits = fit_sides(pages, store=None)  # type: ignore[arg-type]
    assert [fit.style.body_size for fit in fits] == [10.0, 10.0]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("public", "--duplex public: name two audiences, the front and the back, as FRONT,BACK"),
        ("public,chiefs,legislators", "--duplex public,chiefs,legislators: name two audiences"),
        ("public,", "--duplex public,: name two audiences"),
        ("public,public", "--duplex public,public: the front and the back are the same audience"),
        ("public,builtin/public", "the front and the back are the same audience"),
        ("public,nobody", "no template for audience 'nobody'"),
        # Quoted whole, over lines and kilobytes.
        ("pub\nlic", "--duplex pub\\nlic: name two audiences"),
        ("public," * 5000, "--duplex " + "public," * 8 + "pub\u2026: name two audiences"),
    ],
)
def test_a_wrong_duplex_option_is_one_line_and_writes_nothing(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.chdir(REPO)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", "--duplex", value, "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert message in result.output
    assert not out.exists()


def test_two_duplex_options_are_refused_not_the_first_dropped(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second replaced the first without a word: only chiefs+legislators was built.
    monkeypatch.chdir(REPO)
    out = tmp_path / "out"
    args = ["build", "--duplex", "public,public-es", "--duplex", "chiefs,legislators"]
    result = runner.invoke(cli, [*args, "--out", str(out)])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "Error: Invalid value for '--duplex': one FRONT,BACK pair per build; build each "
        "handout in a run of its own"
    )
    assert not out.exists()


def test_json_does_not_go_with_a_handout(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/duplex.md: the handout takes no --json, as a batch does not."""
    monkeypatch.chdir(REPO)
    out = tmp_path / "out"
    args = ["build", "--duplex", "public,public-es", "--json", "--out", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "Error: --json goes with a build of briefs, not --recipients or --duplex"
    )
    assert not out.exists()


def test_a_side_that_does_not_fit_stops_the_handout(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "tall.md.j2").write_text("# Tall\n\n" + "Many words here. " * 4000 + "\n")
    out = tmp_path / "out"
    args = ["build", "--duplex", "public,tall", "--templates", str(templates), "--out", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert "brief 'tall' does not fit one page" in result.output
    assert not out.exists()


def test_the_handout_warns_as_a_build_of_its_sides_does(handout: tuple[Handout, Path]) -> None:
    made, _ = handout
    lines = warning_lines(made)
    assert lines and all(": warning: " in line for line in lines), lines
    # The front's stale facts, and (the Spanish built-in's forms unreviewed) the back's.
    for side in SIDES:
        assert any(f"/{side}.md.j2:" in line for line in lines), side


def test_a_side_without_a_footer_does_not_repeat_the_others(
    handout: tuple[Handout, Path],
) -> None:
    made, _ = handout
    front, back = (side.fit for side in made.sides)
    bare = replace(
        back.document,
        blocks=tuple(b for b in back.document.blocks if not isinstance(b, Notes)),
        footer=Footer(),
    )
    pages = [(front.document, front.style), (bare, back.style)]
    word = docx.Document(io.BytesIO(render_docx_pages(pages)))
    assert " ".join(p.text for p in _paragraphs_of(word.sections[0].footer)).strip()
    assert not word.sections[1].footer.is_linked_to_previous
    assert not " ".join(p.text for p in _paragraphs_of(word.sections[1].footer)).strip()


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (
            ["--audience", "public"],
            2,
            "Error: --duplex names its own two audiences; leave out --audience",
        ),
        (
            ["--recipients", "recipients.csv"],
            2,
            "Error: --duplex and --recipients do not go together",
        ),
    ],
)
def test_the_handout_takes_no_audience_and_no_recipients(
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    extra: list[str],
    code: int,
    message: str,
) -> None:
    monkeypatch.chdir(REPO)
    out = tmp_path / "out"
    args = ["build", "--duplex", "public,public-es", *extra, "--out", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == code, result.output
    assert result.output.splitlines()[-1].endswith(message), result.output
    assert not out.exists()


@pytest.mark.parametrize(("front", "back"), [("a4", "letter"), ("letter", "a4")])
def test_the_sheet_takes_the_front_s_page_size(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, front: str, back: str
) -> None:
    monkeypatch.chdir(REPO)
    templates = tmp_path / "templates"
    templates.mkdir()
    for name, size in (("front", front), ("back", back)):
        text = f"---\npage_size: {size}\n---\n# The {name}\n\nOne side of the sheet.\n"
        (templates / f"{name}.md.j2").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    args = ["build", "--duplex", "front,back", "--templates", str(templates), "--out", str(out)]
    result = runner.invoke(cli, [*args, "-q"])
    assert result.exit_code == 0, result.output
    size = {"a4": (595.3, 841.9), "letter": (612.0, 792.0)}[front]  # points, to 0.1
    pages = PdfReader(out / "front+back.pdf").pages
    boxes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in pages]
    assert [(round(w, 1), round(h, 1)) for w, h in boxes] == [size, size]
    word = docx.Document(str(out / "front+back.docx"))
    sections = {(round(s.page_width.pt, 1), round(s.page_height.pt, 1)) for s in word.sections}
    assert sections == {size}


def notes_lines(block: object) -> list[Inlines]:
    """The lines of a notes block as printed (none for another block)."""
    return [note.line for note in block.entries] if isinstance(block, Notes) else []


def test_out_format_date_and_page_size_work_as_for_any_build(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/duplex.md: `--out`, `--format` and `--date` work as for any build, and
    `--page-size` sizes the sheet before the front template's `page_size:`."""
    monkeypatch.chdir(REPO)
    templates = tmp_path / "templates"
    templates.mkdir()
    for name in ("front", "back"):
        text = f"---\npage_size: a4\n---\n# The {name}\n\nOne side of the sheet.\n"
        (templates / f"{name}.md.j2").write_text(text, encoding="utf-8")
    out = tmp_path / "handouts"
    args = ["build", "--duplex", "front,back", "--templates", str(templates), "--out", str(out)]
    options = ["--format", "pdf", "--date", "2025-03-04", "--page-size", "letter"]
    result = runner.invoke(cli, [*args, *options, "-q"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["front+back.pdf"]
    pages = PdfReader(out / "front+back.pdf").pages
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages]
    assert sizes == [(612, 792), (612, 792)]
    for page in pages:
        text = " ".join(page.extract_text().split())
        assert "March 2025" in text and text.endswith("Updated March 2025"), text


def test_the_handout_reports_as_the_docs_show(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/duplex.md's report of `build --duplex public,public-es` in the repository's
    workspace, line for line (its figures are the golden build report's:
    tests/test_guide.py), and on stderr the warnings of both sides, one line each."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefgen.toml").write_bytes((REPO / "briefgen.toml").read_bytes())
    args = ["build", "--duplex", "public,public-es", "--facts", str(REPO / "facts")]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    shown = fenced_lines(REPO / "docs" / "duplex.md")
    assert result.stdout.splitlines() == [
        line for line in shown if line.startswith(("output/", "  "))
    ]
    warnings = result.stderr.splitlines()
    assert all(": warning: " in line for line in warnings), warnings
    for kind in ("older than 3 years", "has a Spanish form not yet reviewed", "has no URL"):
        assert any(kind in line for line in warnings), kind


def test_a_side_s_drops_are_reported_under_its_name(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "trial.md.j2").write_text(keep_and_drop(), encoding="utf-8")
    out = tmp_path / "out"
    args = ["build", "--duplex", "public,trial", "--templates", str(templates), "--out", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    dropped = [line for line in result.stdout.splitlines() if "dropped" in line]
    assert len(dropped) == 1 and dropped[0].startswith(
        f"  trial: dropped (optional, priority 1) {templates / 'trial.md.j2'}:"
    ), dropped
    assert "DROP-ME" not in PdfReader(out / "public+trial.pdf").pages[1].extract_text()


def test_the_sheet_is_the_settings_page_size_when_neither_option_nor_front_says(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/duplex.md: the sheet is the front's page size: --page-size, else the front
    template's, else briefgen.toml's (the back's front matter has no say)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefgen.toml").write_text('[build]\npage_size = "a4"\n', encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "front.md.j2").write_text("# The front\n\nOne side.\n", encoding="utf-8")
    back = "---\npage_size: letter\n---\n# The back\n\nThe other side.\n"
    (templates / "back.md.j2").write_text(back, encoding="utf-8")
    args = ["build", "--duplex", "front,back", "--facts", str(REPO / "facts"), "-q"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    pages = PdfReader(tmp_path / "output" / "front+back.pdf").pages
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages]
    assert sizes == [(595, 842), (595, 842)]
    word = docx.Document(str(tmp_path / "output" / "front+back.docx"))
    assert {(round(s.page_width.pt), round(s.page_height.pt)) for s in word.sections} == {
        (595, 842)
    }
