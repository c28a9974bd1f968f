"""The PDF renderer lays out the version of a brief the fitter chose with the
flowables it measured, and the bytes are those of a fresh layout."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from reportlab.platypus import Flowable, Paragraph

from briefgen import renderers
from briefgen.model import Document, Notes
from briefgen.pipeline import Brief, BuildOptions, Workspace, make_brief
from briefgen.renderers import pdf
from briefgen.renderers.pdf_regions import Row, Stack
from briefgen.renderers.pdf_tags import Element
from briefgen.style import Cell, Style, TextStyle
from briefgen.templating.environment import TemplateRenderer


@pytest.fixture
def legislators(repo: Path) -> Callable[[], Brief]:
    """Make the legislators brief's PDF in memory: a new brief from one workspace at
    each call."""
    workspace = Workspace.open(BuildOptions(workspace=repo))
    renderer = TemplateRenderer(workspace.search_path, workspace.store, workspace.settings)
    audience = workspace.search_path.audience("legislators")
    return lambda: make_brief(workspace, renderer, audience, ("pdf",), None)


def test_the_measured_story_is_reused_with_the_same_bytes(
    legislators: Callable[[], Brief], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"flowables": 0, "measure": 0}
    real_flowables, real_measure = pdf.flowables, pdf.measure

    def flowables(document: Document, style: Style, *variants: set[str] | None) -> list[Flowable]:
        calls["flowables"] += 1
        return real_flowables(document, style, *variants)

    def measure(document: Document, style: Style) -> float:
        calls["measure"] += 1
        return real_measure(document, style)

    monkeypatch.setattr(pdf, "flowables", flowables)
    monkeypatch.setattr(pdf, "measure", measure)
    brief = legislators()
    assert calls["flowables"] == calls["measure"]  # rendering built no story of its own
    pdf._MEASURED.clear()
    assert brief.files["pdf"] == pdf.render_pdf_bytes(brief.fit.document, brief.fit.style)


def test_a_brief_measured_again_makes_no_footer_to_measure_and_gives_the_same_bytes(
    legislators: Callable[[], Brief], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A footer's height is kept by what it is made of (a batch's copies have the
    same footer and notes): the fitter measures a copy's versions without making its
    footer, which is made and laid out once, for the page drawn."""
    first = legislators().files["pdf"]
    measuring = False
    made: list[bool] = []  # for each footer made, whether it was while measuring
    real_measure, real_footer = pdf.measure, pdf.footer_flowables

    def measure(document: Document, style: Style) -> float:
        nonlocal measuring
        measuring = True
        try:
            return real_measure(document, style)
        finally:
            measuring = False

    def footer_flowables(document: Document, style: Style, *variants: set[str] | None) -> object:
        made.append(measuring)
        return real_footer(document, style, *variants)

    monkeypatch.setattr(pdf, "measure", measure)
    monkeypatch.setattr(pdf, "footer_flowables", footer_flowables)
    assert legislators().files["pdf"] == first
    assert made == [False]  # the page's, not the fitter's
    pdf._FOOTER_HEIGHTS.clear()
    assert legislators().files["pdf"] == first
    assert made == [False, True, False]


def test_a_footer_of_other_notes_or_lines_is_measured_for_its_own_height(
    legislators: Callable[[], Brief],
) -> None:
    document, style = legislators().fit.document, legislators().fit.style
    height = pdf.measure(document, style)
    longer = replace(document.footer, contact=(*document.footer.contact, "A second contact line"))
    assert pdf.measure(replace(document, footer=longer), style) > height
    fewer = tuple(b for b in document.blocks if not isinstance(b, Notes))
    assert pdf.measure(replace(document, blocks=fewer), style) < height


def test_a_second_copy_lays_out_no_paragraph_again_and_gives_the_same_bytes(
    legislators: Callable[[], Brief], monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf._laid_out.cache_clear()
    first = legislators().files["pdf"]
    breaks = 0
    real_break_lines = Paragraph.breakLines

    def break_lines(self: Paragraph, widths: list[float]) -> object:
        nonlocal breaks
        breaks += 1
        return real_break_lines(self, widths)

    monkeypatch.setattr(Paragraph, "breakLines", break_lines)
    again = legislators().files["pdf"]
    assert breaks == 0  # the same paragraphs at the same widths: each laid out once
    assert again == first
    pdf._laid_out.cache_clear()
    assert legislators().files["pdf"] == first
    assert breaks > 0


def test_a_paragraph_set_at_another_width_gets_its_own_layout() -> None:
    pdf.register_fonts(["regular"])
    text = TextStyle(size=10, leading=12)
    setting = pdf._Setting("word " * 40, "body", text, Style().theme.font)
    wide = pdf._Text(setting, Element("P"), inner_elements=[])
    narrow = pdf._Text(setting, Element("P"), inner_elements=[])
    _, wide_height = wide.wrap(400, 100)
    _, narrow_height = narrow.wrap(100, 100)
    assert narrow_height > wide_height
    assert wide.inner is not narrow.inner
    assert wide.wrap(400, 5)[1] == wide_height  # the height offered changes no line


def test_a_setting_is_hashed_once_as_its_fields_are(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every wrap looks a paragraph's layout up by its setting, some fifty a copy.
    text = TextStyle(size=10, leading=12)
    family = Style().theme.font
    fields = ("word", "body", text, family, "\u2022", (("a", 1),), (True,))
    setting = pdf._Setting(*fields)  # type: ignore[arg-type]
    hashed = []
    real = TextStyle.__hash__
    monkeypatch.setattr(TextStyle, "__hash__", lambda self: hashed.append(self) or real(self))
    assert hash(setting) == hash(fields)
    assert hash(setting) == hash(setting)
    assert len(hashed) == 2  # once for the setting, once for the fields
    twin = pdf._Setting(*fields)  # type: ignore[arg-type]
    assert twin == setting and {setting: 1}[twin] == 1


def test_plain_ascii_markup_skips_the_glyph_check_and_other_text_keeps_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    looked_up: list[str] = []
    real_has_glyph = pdf.has_glyph

    def has_glyph(char: str, font_name: str = pdf.PDF_FONT) -> bool:
        looked_up.append(char)
        return real_has_glyph(char, font_name)

    monkeypatch.setattr(pdf, "has_glyph", has_glyph)
    pdf._kept_markup_text.cache_clear()
    assert (
        pdf._markup_text("Tucson, AZ: 5 < 7 & 9\n\tdone") == "Tucson, AZ: 5 &lt; 7 &amp; 9\n\tdone"
    )
    assert looked_up == []
    switched = f'a <font face="{pdf.FALLBACK_FONT}">\u2713</font> b\x1c'
    assert pdf._markup_text("a \u2713 b\x1c") == switched
    assert "\u2713" in looked_up
    # Kept: the same text again needs no glyph looked up, and gives the same markup.
    looked_up.clear()
    assert pdf._markup_text("a \u2713 b\x1c") == switched
    assert looked_up == []
    # A long text is not kept, and its characters are looked up every time.
    long = "\u2713" + "x" * renderers.KEPT_TEXT_LENGTH
    for _ in range(2):
        looked_up.clear()
        assert pdf._markup_text(long).startswith(f'<font face="{pdf.FALLBACK_FONT}">')
        assert "\u2713" in looked_up


def test_a_fresh_element_has_every_attribute_of_its_pattern_and_no_tree() -> None:
    """A paragraph's link and note elements are kept as patterns between copies
    (pdf._set); each copy's are fresh ones with all the pattern's attributes."""
    import dataclasses

    parent = Element("P")
    values: dict[str, object] = {"bbox": (1.0, 2.0, 3.0, 4.0)}
    for field in dataclasses.fields(Element):
        if field.name not in ("role", "kids", "bbox"):
            values[field.name] = f"{field.name}-value"
    pattern = parent.add("Link")
    for name, value in values.items():
        setattr(pattern, name, value)
    pattern.add("Span")
    fresh = pattern.fresh()
    assert fresh is not pattern and fresh.role == "Link"
    assert fresh.kids == []
    for name, value in values.items():
        assert getattr(fresh, name) == value, name


class _Counted(Flowable):  # type: ignore[misc]
    """A flowable as tall as its width is narrow, counting the widths it is wrapped at."""

    def __init__(self) -> None:
        super().__init__()
        self.wrapped: list[float] = []

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.wrapped.append(avail_width)
        return avail_width, 1000 / avail_width


def test_a_row_or_stack_measured_once_is_not_measured_again_at_its_width() -> None:
    """The fitter measures the page's rows and stacks, and the frame lays the same
    ones out again: each is measured once for a width."""
    item = _Counted()
    stack = Stack([item])
    assert stack.wrap(100, 500) == stack.wrap(100, 50) == (100, 10)
    assert stack.wrap(50, 500) == (50, 20)
    assert item.wrapped == [100, 50]
    inner = _Counted()
    row = Row([Cell(60, (1, 5, 1, 5))], [Stack([inner])])
    assert row.wrap(500, 500) == row.wrap(100, 100) == (60, 22)
    assert inner.wrapped == [50]
