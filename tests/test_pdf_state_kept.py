"""Stacks, spacers, rows, rules, marked flowables and replayed paragraphs are drawn
without copying the canvas's state and putting it back (pdf_state.moved): their
drawing leaves it as it found it, or puts back the little it changes, so the file
is the one reportlab's ``Flowable.drawOn`` writes. A stack, row or marked flowable
holding a flowable that may change the state is drawn by reportlab's ``drawOn``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from briefgen.batch import Copy, Task, _Worker
from briefgen.pipeline import BuildOptions, Workspace
from briefgen.renderers import pdf, pdf_regions, pdf_tags
from briefgen.style import Cell

AUDIENCES = ("legislators", "chiefs", "public", "public-es")
COLUMNS = ("id", "audience", "name", "title", "office", "place")


def _reportlab_draws_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """Have every flowable drawn through reportlab's drawOn."""
    kinds = (pdf_regions.Stack, pdf_regions.Gap, pdf_regions.Row, pdf_regions.Rule)
    for kind in (*kinds, pdf_tags.Marked, pdf._Text):
        monkeypatch.setattr(kind, "drawOn", Flowable.drawOn)


def test_every_audience_s_copies_are_written_as_reportlab_s_drawon_writes_them(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = BuildOptions(workspace=repo, formats=("pdf",))
    worker = _Worker(Workspace.open(options), options)

    def copy(audience: str, name: str) -> bytes:
        values = ("row-1", audience, name, "Senator", "Office 1", "tucson-az")
        made = worker.make(Task(1, audience, COLUMNS, values))
        assert isinstance(made, Copy), made
        return made.files["pdf"]

    first = {audience: copy(audience, "Ana Example") for audience in AUDIENCES}
    later = {audience: copy(audience, "Bo Sample") for audience in AUDIENCES}
    _reportlab_draws_all(monkeypatch)
    assert {audience: copy(audience, "Ana Example") for audience in AUDIENCES} == first
    assert {audience: copy(audience, "Bo Sample") for audience in AUDIENCES} == later


class _Tinted(Flowable):  # type: ignore[misc]
    """A flowable drawing its own way, which sets the fill colour and leaves it."""

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 10.0, 10.0

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        canvas.setFillColorRGB(1, 0, 0)
        canvas.rect(x, y, 10, 10, fill=1)


def test_a_stack_holding_a_flowable_that_may_change_the_state_puts_it_back() -> None:
    canvas = Canvas(io.BytesIO())
    before = canvas._fillColorObj
    matrix = canvas._currentMatrix
    stack = pdf_regions.Stack([pdf_regions.Gap(0, 5), _Tinted()])
    stack.wrap(100, 100)
    stack.drawOn(canvas, 20, 30)
    assert canvas._fillColorObj == before
    assert canvas._currentMatrix == matrix
    assert canvas._code[0] == "q" and canvas._code[-1] == "Q"


def test_a_stack_of_spacers_is_drawn_as_reportlab_draws_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def drawn() -> tuple[list[str], tuple[float, ...]]:
        canvas = Canvas(io.BytesIO())
        stack = pdf_regions.Stack([pdf_regions.Gap(0, 5), pdf_regions.Gap(0, 7)])
        stack.wrap(100, 100)
        stack.drawOn(canvas, 20.5, 30.25, _sW=4)
        return list(canvas._code), tuple(canvas._currentMatrix)

    moved = drawn()
    assert moved[0][:2] == ["q", "1 0 0 1 20.5 30.25 cm"]
    _reportlab_draws_all(monkeypatch)
    assert drawn() == moved


def _state(canvas: Canvas) -> tuple[object, ...]:
    names = canvas.STATE_ATTRIBUTES
    return (*(getattr(canvas, n) for n in names if n != "_extgstate"), canvas._extgstate._d)


@pytest.mark.parametrize("alpha", [1.0, 0.5])
def test_a_row_and_a_rule_put_back_what_they_change(
    monkeypatch: pytest.MonkeyPatch, alpha: float
) -> None:
    """A row's tinted cells set the fill colour and alpha, a rule the stroke colour,
    alpha and line width: put back after, and the operators reportlab's drawOn
    writes, an alpha other than 1 (a graphics state of its own) too."""

    def drawn() -> tuple[list[str], tuple[object, ...]]:
        canvas = Canvas(io.BytesIO())
        canvas.setFillAlpha(alpha)
        before = _state(canvas)
        cells = [Cell(40.0, fill=(200, 10, 10)), Cell(5.0), Cell(30.0, (2, 3, 4, 5), (1, 2, 3))]
        stack = pdf_regions.Stack([pdf_regions.Gap(0, 4)])
        row = pdf_regions.Row(cells, [stack, None, pdf_regions.Stack([pdf_regions.Gap(0, 6)])])
        rule = pdf_regions.Rule(0.5, 3.0, (9, 8, 7))
        for flowable in (row, rule, row):
            flowable.wrap(100, 100)
            flowable.drawOn(canvas, 12.5, 40.25)
            assert _state(canvas) == before
        return list(canvas._code), before

    ours = drawn()
    _reportlab_draws_all(monkeypatch)
    assert drawn() == ours
