"""A brief's file is written by briefgen.renderers.pdf_file's LeanDocument, which
writes each object's header and end as bytes at once: the bytes reportlab's own
loop writes, for every built-in brief, a two-sided handout and a copy made after
another."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

from briefgen.batch import Copy, Task, _Worker
from briefgen.pipeline import BuildOptions, Workspace, make_brief
from briefgen.renderers import pdf
from briefgen.renderers.pdf_file import LeanDocument
from briefgen.templating.environment import TemplateRenderer

AUDIENCES = ("legislators", "chiefs", "public", "public-es")
COLUMNS = ("id", "audience", "name", "title", "office", "place")


@pytest.fixture
def reportlab_loop(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call to have documents written by reportlab's own loop from then on."""

    def use() -> None:
        monkeypatch.setattr(LeanDocument, "format", pdfdoc.PDFDocument.format)

    return use


def _briefs(repo: Path) -> dict[str, bytes]:
    workspace = Workspace.open(BuildOptions(workspace=repo))
    renderer = TemplateRenderer(workspace.search_path, workspace.store, workspace.settings)
    made = {}
    for audience in AUDIENCES:
        info = workspace.search_path.audience(audience)
        made[audience] = make_brief(workspace, renderer, info, ("pdf",), None).files["pdf"]
    return made


def test_a_brief_s_document_is_a_lean_one(monkeypatch: pytest.MonkeyPatch, repo: Path) -> None:
    kinds: list[type] = []
    real = pdfdoc.PDFDocument.format

    def format(self: pdfdoc.PDFDocument) -> bytes:
        kinds.append(type(self))
        formatted: bytes = real(self)
        return formatted

    monkeypatch.setattr(pdfdoc.PDFDocument, "format", format)
    monkeypatch.setattr(LeanDocument, "format", format)
    _briefs(repo)
    assert kinds == [LeanDocument] * len(AUDIENCES)


def test_every_built_in_brief_is_written_as_reportlab_writes_it(
    repo: Path, reportlab_loop: Callable[[], None]
) -> None:
    lean = _briefs(repo)
    reportlab_loop()
    assert _briefs(repo) == lean


def test_a_two_sided_handout_is_written_as_reportlab_writes_it(
    repo: Path, reportlab_loop: Callable[[], None]
) -> None:
    workspace = Workspace.open(BuildOptions(workspace=repo))
    renderer = TemplateRenderer(workspace.search_path, workspace.store, workspace.settings)
    sides = []
    for audience in ("public", "public-es"):
        info = workspace.search_path.audience(audience)
        brief = make_brief(workspace, renderer, info, ("pdf",), None)
        sides.append((brief.fit.document, brief.fit.style))
    lean, pages = pdf.render_pages(sides)
    assert pages == 2
    reportlab_loop()
    assert pdf.render_pages(sides) == (lean, 2)


def test_a_copy_after_another_is_written_as_reportlab_writes_it(
    repo: Path, reportlab_loop: Callable[[], None]
) -> None:
    options = BuildOptions(workspace=repo, formats=("pdf",))
    worker = _Worker(Workspace.open(options), options)

    def copy(name: str) -> bytes:
        values = ("row-1", "legislators", name, "Senator", "Office 1", "tucson-az")
        made = worker.make(Task(1, "legislators", COLUMNS, values))
        assert isinstance(made, Copy), made
        return made.files["pdf"]

    copy("Ana Example")
    lean = copy("Bo Sample")
    reportlab_loop()
    assert copy("Bo Sample") == lean


def test_a_file_written_with_reportlab_s_comments_is_written_by_its_loop(
    repo: Path, monkeypatch: pytest.MonkeyPatch, reportlab_loop: Callable[[], None]
) -> None:
    monkeypatch.setattr(rl_config, "invariant", 0)
    monkeypatch.setattr(rl_config, "pdfComments", 1)
    lean = _briefs(repo)["legislators"]
    assert b"% Document Root" in lean
    reportlab_loop()
    assert _briefs(repo)["legislators"] == lean
