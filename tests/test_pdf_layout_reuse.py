"""The PDF renderer lays out the version of a brief the fitter chose with the
flowables it measured, and the bytes are those of a fresh layout."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.platypus import Flowable

from briefgen.model import Document
from briefgen.pipeline import BuildOptions, Workspace, make_brief
from briefgen.renderers import pdf
from briefgen.style import Style
from briefgen.templating.environment import TemplateRenderer


def test_the_measured_story_is_reused_with_the_same_bytes(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = Workspace.open(BuildOptions(workspace=repo))
    renderer = TemplateRenderer(workspace.search_path, workspace.store, workspace.settings)
    audience = workspace.search_path.audience("legislators")
    calls = {"flowables": 0, "measure": 0}
    real_flowables, real_measure = pdf.flowables, pdf.measure

    def flowables(document: Document, style: Style) -> list[Flowable]:
        calls["flowables"] += 1
        return real_flowables(document, style)

    def measure(document: Document, style: Style) -> float:
        calls["measure"] += 1
        return real_measure(document, style)

    monkeypatch.setattr(pdf, "flowables", flowables)
    monkeypatch.setattr(pdf, "measure", measure)
    brief = make_brief(workspace, renderer, audience, ("pdf",), None)
    assert calls["flowables"] == calls["measure"]  # rendering built no story of its own
    pdf._MEASURED.clear()
    assert brief.files["pdf"] == pdf.render_pdf_bytes(brief.fit.document, brief.fit.style)
