"""One page, always: the fitter drops optional blocks, then shrinks type, then fails."""

from __future__ import annotations

import itertools
import math
import random
import re
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from page_regions import png
from pypdf import PdfReader

from briefgen.citations import number_citations
from briefgen.cli import cli
from briefgen.errors import LayoutError, Location
from briefgen.facts.loader import load_store
from briefgen.facts.store import FactStore
from briefgen.fitting import MAX_FILL, MAX_RESTORES, Dropped, Measure, fit_to_page
from briefgen.model import (
    AnyBlock,
    Box,
    BulletList,
    Cite,
    Columns,
    Document,
    Droppable,
    HorizontalRule,
    Image,
    Metadata,
    Note,
    Notes,
    Paragraph,
    Span,
    Table,
    block_text,
    block_word,
)
from briefgen.style import BODY_FLOOR, SIZE_STEP, Style

REPO = Path(__file__).resolve().parents[1]
FACT = "fentanyl-offenders-us-citizens"
PARAGRAPH = f'{{{{ fact("{FACT}").text }}}} {{{{ cite("{FACT}") }}}}\n\n'


def build(tmp_path: Path, template: str) -> tuple[int, str]:
    templates = tmp_path / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "trial.md.j2").write_text(template, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "--audience",
            "trial",
            "--format",
            "pdf",
            "--facts",
            str(REPO / "facts"),
            "--templates",
            str(templates),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    return result.exit_code, result.output


def pages(tmp_path: Path) -> int:
    return len(PdfReader(tmp_path / "out" / "trial.pdf").pages)


def test_a_brief_too_long_says_where_the_page_runs_out(tmp_path: Path) -> None:
    """ "does not fit one page" named the template's first line, so the author did not
    know how much to cut or where; it names the block the page runs out in: the
    brief fits without it and the blocks after it, and does not with it."""
    sections = [
        f"## Section {i}\n\nParagraph {i}: " + "Border towns need support. " * 20 + "\n\n"
        for i in range(12)
    ]
    code, output = build(tmp_path, "# Too long\n\n" + "".join(sections))
    found = re.search(r'the page runs out in the block at \S*trial\.md\.j2:(\d+) \("', output)
    assert code == 1 and found, output
    line = int(found.group(1))
    lines = ("# Too long\n\n" + "".join(sections)).split("\n")
    assert lines[line - 1].startswith("Paragraph "), lines[line - 1]
    assert build(tmp_path, "\n".join(lines[: line - 1]))[0] == 0
    assert build(tmp_path, "\n".join(lines[:line]))[0] == 1


def test_fits_without_changes(tmp_path: Path) -> None:
    code, output = build(tmp_path, "# Short\n\n" + PARAGRAPH * 3)
    assert code == 0, output
    assert "1 page" in output and "dropped" not in output and " pt" not in output
    assert pages(tmp_path) == 1


def keep_and_drop(first: str = "", second: str = "") -> str:
    """A page one group too long: KEEP-ME at priority 3, then DROP-ME at priority 1,
    ``first`` and ``second`` before each (the first after twelve paragraphs)."""
    return (
        f"# Drop\n\n{first}"
        + PARAGRAPH * 12
        + f"::: optional 3\nKEEP-ME {PARAGRAPH}:::\n\n{second}"
        + f"::: optional 1\nDROP-ME {PARAGRAPH * 8}:::\n\n"
    )


def test_drops_optional_blocks_lowest_priority_first(tmp_path: Path) -> None:
    code, output = build(tmp_path, keep_and_drop())
    assert code == 0, output
    assert "dropped (optional, priority 1)" in output
    assert "priority 3" not in output
    text = PdfReader(tmp_path / "out" / "trial.pdf").pages[0].extract_text()
    assert "KEEP-ME" in text and "DROP-ME" not in text
    assert pages(tmp_path) == 1


def test_a_dropped_groups_blocks_are_told_apart(tmp_path: Path) -> None:
    """A dropped heading and its text were told run together: "More facts In some"."""
    page = keep_and_drop().replace("::: optional 1\nDROP-ME", "::: optional 1\n## DROP-ME\n\nText")
    code, output = build(tmp_path, page)
    assert code == 0, output
    assert ": DROP-ME / Text " in output, output


def test_a_heading_goes_with_the_section_dropped_under_it(tmp_path: Path) -> None:
    # It stayed at the foot of the page over nothing; a heading whose section keeps a
    # block, and the title, stay.
    code, output = build(tmp_path, keep_and_drop("## KEPT-HEADING\n\n", "## LONE-HEADING\n\n"))
    assert code == 0, output
    assert "dropped (optional, priority 1)" in output
    text = PdfReader(tmp_path / "out" / "trial.pdf").pages[0].extract_text()
    assert "KEPT-HEADING" in text and "KEEP-ME" in text
    assert "DROP-ME" not in text and "LONE-HEADING" not in text


def test_a_heading_goes_with_its_dropped_section_before_the_notes(tmp_path: Path) -> None:
    """notes() after the last section, as every built-in writes it, kept that section's
    heading when the section dropped: the notes print in the footer, not under it, and
    the heading stood over nothing at the foot of the column."""
    page = keep_and_drop(second="## LONE-HEADING\n\n") + "{{ notes() }}\n"
    code, output = build(tmp_path, page)
    assert code == 0, output
    assert "dropped (optional, priority 1)" in output
    assert "ends its column with nothing under it" not in output, output
    text = PdfReader(tmp_path / "out" / "trial.pdf").pages[0].extract_text()
    assert "DROP-ME" not in text and "LONE-HEADING" not in text


def test_shrinks_type_when_nothing_is_optional(tmp_path: Path) -> None:
    code, output = build(tmp_path, "# Shrink\n\n" + PARAGRAPH * 15)
    assert code == 0, output
    assert "body 10.5 pt" in output or "body 10 pt" in output or "body 9.5 pt" in output
    assert pages(tmp_path) == 1


def test_fails_naming_the_brief_and_the_overflow(tmp_path: Path) -> None:
    code, output = build(tmp_path, "# Ten pages\n\n" + PARAGRAPH * 200)
    assert code == 1
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith(str(Path("templates") / "trial.md.j2") + ":1: ") or (
        "trial.md.j2:1: " in lines[0]
    )
    assert "brief 'trial' does not fit one page" in lines[0]
    assert "in too much" in lines[0]
    assert "Traceback" not in output
    assert not (tmp_path / "out" / "trial.pdf").exists()


@pytest.mark.parametrize("count", [1, 6])
def test_fill_is_reported_as_a_percentage(tmp_path: Path, count: int) -> None:
    code, output = build(tmp_path, "# Fill\n\n" + PARAGRAPH * count)
    assert code == 0, output
    assert "% full" in output


# --- the fitter's cost: n log n in optional groups, not n squared -------------------


def _model_document(heights: list[float], optional: list[int | None]) -> Document:
    """A document of paragraphs whose text is their height (for a fake measure);
    ``optional[i]`` is the paragraph's priority, or None when it must stay."""
    where = Location("trial.md.j2", 1)
    blocks = tuple(
        Paragraph(
            Location("trial.md.j2", i + 2),
            (Span(f"{height}"),),
            droppable=None if priority is None else Droppable(i, priority),
        )
        for i, (height, priority) in enumerate(zip(heights, optional, strict=True))
    )
    return Document("trial", blocks, Metadata("Trial"), where)


def _fake_measure(calls: list[int]) -> Measure:
    def measure(document: Document, style: Style) -> float:
        calls.append(len(document.blocks))
        scale = style.body_size / Style().body_size
        return scale * sum(float(block_text(b)) for b in document.blocks)

    return measure


def _one_by_one(document: Document, style: Style, measure: Measure) -> list[int]:
    """The groups the fitter drops, found the slow way: one at a time until it fits;
    if even all of them gone it does not, the type a half point smaller each time
    until it does, and there again one at a time; then each group dropped before the
    last brought back, the latest first, if it fits with the others gone and no group
    of higher priority stays dropped."""
    limit = style.frame_height * MAX_FILL
    groups = document.droppable_groups()

    def drops(style: Style) -> list[Droppable]:
        current, dropped = document, []
        for group in groups:
            if measure(current, style) <= limit:
                break
            dropped.append(group)
            current = current.without(group.group)
        return dropped

    dropped = drops(style)
    everything = document.without_groups({g.group for g in groups})
    while measure(everything, style) > limit and style.body_size - SIZE_STEP >= BODY_FLOOR:
        style = style.with_body_size(style.body_size - SIZE_STEP)
        if measure(everything, style) <= limit:
            dropped = drops(style)
    if (
        len(dropped) > 1
        and measure(document.without_groups({g.group for g in dropped}), style) <= limit
    ):
        for group in list(reversed(dropped[:-1]))[:MAX_RESTORES]:
            others = [g for g in dropped if g != group]
            if any(g.priority > group.priority for g in others):
                continue
            if measure(document.without_groups({g.group for g in others}), style) <= limit:
                dropped = others
    return [group.group for group in dropped]


@pytest.fixture(scope="module")
def store() -> FactStore:
    return load_store(REPO / "facts")


@pytest.mark.parametrize("seed", range(40))
def test_drops_what_dropping_one_by_one_drops(seed: int, store: FactStore) -> None:
    rng = random.Random(seed)
    count = rng.choice([0, 1, 2, 5, 40, 300])
    heights = [rng.choice([6.0, 14.0, 40.0, 120.0]) for _ in range(count)]
    optional = [rng.choice([None, 1, 1, 2, 3]) for _ in range(count)]
    document = _model_document(heights, optional)
    calls: list[int] = []
    measure = _fake_measure(calls)
    try:
        fit = fit_to_page(document, Style(), store, measure)
    except LayoutError:
        # Too long even without every optional group and at the smallest type.
        everything = [g.group for g in document.droppable_groups()]
        assert _one_by_one(document, Style(), measure) == everything
        return
    expected = _one_by_one(document, Style(), measure)
    assert [d.where for d in fit.dropped] == [f"trial.md.j2:{g + 2}" for g in expected]
    kept = [b for b in document.blocks if not (b.droppable and b.droppable.group in expected)]
    assert fit.document.blocks == tuple(kept)


def test_a_thousand_optional_groups_take_a_logarithmic_number_of_measures(
    store: FactStore,
) -> None:
    groups = 1000
    calls: list[int] = []
    document = _model_document([14.0] * (groups + 2), [None, *([1] * groups), None])
    fit = fit_to_page(document, Style(), store, _fake_measure(calls))
    kept = int(Style().frame_height * MAX_FILL // 14.0)
    assert len(fit.dropped) == groups + 2 - kept
    # Dropping one group at a time measured about a thousand versions of half a
    # million blocks in all; a binary search measures about log2(1000) versions,
    # each only as far as the page reaches.
    # (And up to MAX_RESTORES tries to bring a dropped group back, each measured only
    # as far as the page reaches: a prefix of 32 blocks, then of 64.)
    assert len(calls) <= 3 * math.ceil(math.log2(groups)) + 2 * MAX_RESTORES, calls
    assert sum(calls) <= 10 * groups, sum(calls)


def test_a_hopeless_brief_is_refused_before_any_layout(store: FactStore) -> None:
    """A page's worth of text many times over is refused from its quick lower bound:
    laying out a paragraph of hundreds of thousands of characters took over 30 s."""
    frame = Style().frame_height

    def least(document: Document, style: Style) -> float:
        return sum(float(block_text(b)) for b in document.blocks)  # the fake heights

    # Four frames of text stay when the optional group is gone: refused unmeasured.
    calls: list[int] = []
    hopeless = _model_document([frame * 2, frame * 10, frame * 2], [None, 1, None])
    with pytest.raises(LayoutError, match="its text alone would fill more than 4 pages"):
        fit_to_page(hopeless, Style(), store, _fake_measure(calls), least)
    assert calls == []
    # Two frames: within the bound's allowance, so laid out and refused as before.
    too_long = _model_document([frame, frame * 10, frame], [None, 1, None])
    with pytest.raises(LayoutError, match="it needs"):
        fit_to_page(too_long, Style(), store, _fake_measure(calls), least)
    assert calls


def test_the_quick_bound_is_below_the_real_height(store: FactStore) -> None:
    """least_height must never exceed what layout measures, or a brief that fits
    would be refused: check it on the real briefs' text and on dense text."""
    from briefgen.renderers.pdf import least_height, measure

    words = " ".join(["iiii", "llll", "WWWW", "́e", "....", "1,000"] * 200)
    document = _model_document([0.0], [None])
    dense = type(document)(
        "dense",
        (Paragraph(Location("t", 1), (Span(words),)),),
        Metadata("Dense"),
        Location("t", 1),
    )
    for style in (Style(), Style().with_body_size(9.0), Style(page_size="a4")):
        assert least_height(dense, style) < measure(dense, style)


def _small_blocks(count: int, droppable: Droppable | None = None) -> tuple[AnyBlock, ...]:
    """``count`` of each kind of block a template can write in a few characters: a
    paragraph, a list item, a table row, a rule, a box and a sidebar holding some,
    and a picture."""
    at = Location("t", 1)
    para = Paragraph(at, (Span("x"),))
    items = tuple((Span("x"),) for _ in range(count))
    rows = tuple(((Span("x"),), (Span("y"),)) for _ in range(count))
    return (
        *(replace(para, droppable=droppable) for _ in range(count)),
        BulletList(at, items, droppable=droppable),
        Table(at, ((Span("a"),), (Span("b"),)), rows, ("left", "left"), droppable=droppable),
        *(HorizontalRule(at, droppable=droppable) for _ in range(count)),
        Box(at, tuple(para for _ in range(count)), droppable=droppable),
        Columns(at, (para,), tuple(para for _ in range(count)), droppable=droppable),
        *(Image(at, png(8, 16, (0, 0, 0)), 40.0, droppable=droppable) for _ in range(count)),
    )


def test_a_document_without_no_groups_is_itself_and_without_some_is_another() -> None:
    """The fitter's first version drops nothing: the document itself, so the facts it
    cites, worked out once for it, are not worked out again."""
    blocks = (*_small_blocks(2, Droppable(1, 1)), *_small_blocks(2), *_small_blocks(1))
    document = Document("small", blocks, Metadata("Small"), Location("t", 1))
    assert document.without_groups(set()) is document
    fewer = document.without_groups({1})
    assert fewer is not document and fewer.blocks == _small_blocks(2) + _small_blocks(1)
    assert document.without_groups({2}) == document  # no block of it: an equal one


def test_the_quick_bound_counts_a_line_for_each_block_item_and_row() -> None:
    """Thousands of one-letter paragraphs, list items, table rows or rules hold almost
    no text: the bound took them for a few lines, and the fitter laid out hundreds of
    pages of them (a template's 200,000 characters of "x" paragraphs: 14 s). Each
    takes a line (a rule, its hairline and space), and the bound stays below the
    height layout measures."""
    from briefgen.renderers.pdf import least_height, measure

    style = Style().with_body_size(BODY_FLOOR)
    for count in (1, 5, 40):
        blocks = _small_blocks(count)
        document = Document("small", blocks, Metadata("Small"), Location("t", 1))
        bound = least_height(document, style)
        assert bound < measure(document, style)
        # paragraphs, items, rows and the header, the box's, the taller column's
        lines = count + count + (count + 1) + count + count
        pictures = count * 80.0  # 40 points wide, twice as tall
        assert bound >= lines * style.note.leading + count * style.body_rule + pictures


def test_a_brief_of_thousands_of_small_blocks_is_refused_before_any_layout(
    store: FactStore,
) -> None:
    from briefgen.renderers.pdf import least_height

    calls: list[int] = []
    blocks = _small_blocks(2000)
    document = Document("small", blocks, Metadata("Small"), Location("t", 1))
    with pytest.raises(LayoutError, match="its text alone would fill more than"):
        fit_to_page(document, Style(), store, _fake_measure(calls), least_height)
    assert calls == []


def test_a_version_many_pages_too_tall_is_not_laid_out(store: FactStore) -> None:
    """An optional table of 24,000 rows was laid out (2.4 s) for each version of the
    page holding it, to learn it does not fit; the quick bound says so at once."""
    from briefgen.renderers.pdf import least_height, measure

    heights: list[int] = []

    def counting(document: Document, style: Style) -> float:
        heights.append(sum(len(b.rows) for b in document.blocks if isinstance(b, Table)))
        return measure(document, style)

    at = Location("t", 1)
    kept = Paragraph(at, (Span("Always here."),))
    rows = tuple(((Span("x"),), (Span("y"),)) for _ in range(3000))
    big = Table(at, ((Span("a"),), (Span("b"),)), rows, ("left", "left"), droppable=Droppable(0, 1))
    document = Document("small", (kept, big), Metadata("Small"), at)
    fit = fit_to_page(document, Style(), store, counting, least_height)
    assert fit.document.blocks == (kept,)
    assert max(heights) == 0, heights  # never a version holding the table


def test_dropping_a_group_never_makes_the_page_taller(tmp_path: Path, store: FactStore) -> None:
    """The binary search rests on this: each group dropped (in the fitter's order)
    takes height away, notes and note numbers included."""
    from briefgen.assemble import assemble
    from briefgen.pipeline import BuildOptions, Workspace
    from briefgen.renderers.pdf import measure
    from briefgen.templating.environment import TemplateRenderer

    parts = ["# Notes shrink too\n\n"]
    for i, fact in enumerate(store.select()[:14]):
        body = f'Paragraph {i} {"words " * (i * 7 % 30)}{{{{ cite("{fact.id}") }}}}\n\n'
        parts.append(f"::: optional {i % 3 + 1}\n{body}:::\n\n" if i % 4 else body)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "trial.md.j2").write_text("".join(parts), encoding="utf-8")
    options = BuildOptions(
        workspace=tmp_path, facts=REPO / "facts", template_dirs=(tmp_path / "templates",)
    )
    workspace = Workspace.open(options)
    renderer = TemplateRenderer(workspace.search_path, store, workspace.settings)
    rendered = renderer.render(workspace.search_path.audience("trial"))
    document = assemble(rendered, store, workspace.settings)
    groups = document.droppable_groups()
    assert len(groups) >= 9
    heights = [measure(number_citations(document, store), Style())]
    for group in groups:
        document = document.without(group.group)
        heights.append(measure(number_citations(document, store), Style()))
    assert all(later < earlier for earlier, later in itertools.pairwise(heights)), heights


def test_the_report_previews_each_dropped_group_without_note_numbers(store: FactStore) -> None:
    """A dropped group is previewed by its words, its blocks joined and line breaks
    flattened, note numbers left out (they belong to no page), cut at 50 characters."""
    fifty = "Fifty characters exactly, counted by hand: 1234567"
    assert len(fifty) == 50
    where = Location("trial.md.j2", 1)
    blocks = (
        Paragraph(Location("trial.md.j2", 2), (Span("Always here."),)),
        Paragraph(
            Location("trial.md.j2", 3),
            (Span("Most of it"), Cite((FACT,), (7,)), Span(" comes\nby road.")),
            droppable=Droppable(0, 1),
        ),
        BulletList(
            Location("trial.md.j2", 4),
            ((Span("one"),), (Span("two"),)),
            droppable=Droppable(0, 1),
        ),
        Paragraph(Location("trial.md.j2", 5), (Span(fifty),), droppable=Droppable(1, 1)),
        Paragraph(Location("trial.md.j2", 6), (Span(fifty + "8"),), droppable=Droppable(2, 1)),
    )
    document = Document("trial", blocks, Metadata("Trial"), where)

    def measure(document: Document, style: Style) -> float:
        # Too tall while any optional block is left.
        return style.frame_height * (2.0 if any(b.droppable for b in document.blocks) else 0.5)

    fit = fit_to_page(document, Style(), store, measure)
    assert (
        fit.dropped
        == (  # the lowest on the page first
            Dropped("trial.md.j2:6", 1, fifty[:49] + "…", Location("trial.md.j2", 6)),
            Dropped("trial.md.j2:5", 1, fifty, Location("trial.md.j2", 5)),
            Dropped(
                "trial.md.j2:3",
                1,
                "Most of it comes by road. / one two",
                Location("trial.md.j2", 3),
            ),
        )
    )


def test_the_early_refusal_names_the_brief_and_stops_only_past_three_frames(
    store: FactStore,
) -> None:
    frame = Style().frame_height

    def least(document: Document, style: Style) -> float:
        return sum(float(block_text(b)) for b in document.blocks)

    hopeless = _model_document([frame * 2, frame * 1.5], [None, None])
    with pytest.raises(LayoutError) as error:
        fit_to_page(hopeless, Style(), store, _fake_measure([]), least)
    assert error.value.format_message() == (
        "trial.md.j2:1: brief 'trial' does not fit one page: its text alone would fill "
        "more than 4 pages at 9 pt with every optional block dropped; shorten it"
    )
    # Exactly three frames by the bound: laid out, and refused by the real measure.
    calls: list[int] = []
    edge = _model_document([frame * 2, frame], [None, None])
    with pytest.raises(LayoutError, match="this paragraph alone needs"):
        fit_to_page(edge, Style(), store, _fake_measure(calls), least)
    assert calls


def test_an_overflowing_version_is_measured_only_as_far_as_the_page_reaches(
    store: FactStore,
) -> None:
    """32 blocks first, then twice as many, until those measured overflow the page."""
    calls: list[int] = []
    fit_to_page(_model_document([14.0] * 300, [1] * 300), Style(), store, _fake_measure(calls))
    assert calls[:2] == [32, 64]  # 32 blocks fill 448 pt of 670; 64 overflow
    # Blocks measured that exactly fill the page do not overflow it: the rest counts.
    limit = Style().frame_height * MAX_FILL
    heights = [limit] + [0.0] * 31 + [14.0] * 8
    document = _model_document(heights, [None] * 32 + [1] * 8)
    fit = fit_to_page(document, Style(), store, _fake_measure([]))
    assert len(fit.dropped) == 8


def test_a_version_that_exactly_fills_the_page_fits(store: FactStore) -> None:
    limit = Style().frame_height * MAX_FILL
    # As it is: nothing dropped, type unchanged.
    fit = fit_to_page(_model_document([limit, 0.0], [None, 1]), Style(), store, _fake_measure([]))
    assert fit.dropped == ()
    assert fit.style == Style()
    assert fit.fill == pytest.approx(MAX_FILL)
    # Once one group is gone (the 14 pt one, priority 1): the other one stays.
    document = _model_document([limit, 0.0, 14.0], [None, 2, 1])
    fit = fit_to_page(document, Style(), store, _fake_measure([]))
    assert [d.where for d in fit.dropped] == ["trial.md.j2:4"]


def test_a_group_that_fits_at_the_smaller_size_comes_back(store: FactStore) -> None:
    """A page too tall even with its optional quote dropped steps its type down; at
    the smaller size the quote fits beside it again, so it is kept (a template-author
    probe saw an optional quote dropped from a half-empty sidebar)."""
    frame = Style().frame_height
    tall = frame * MAX_FILL * 1.05  # over the limit at 11 pt, under it at 10 pt
    document = _model_document([tall, frame * 0.02], [None, 1])
    fit = fit_to_page(document, Style(), store, _fake_measure([]))
    assert fit.style.body_size == 10.0
    assert fit.dropped == ()
    assert len(fit.document.blocks) == 2
    assert fit.fill == pytest.approx((tall + frame * 0.02) * 10 / 11 / frame)
    # Dropped in order, lowest priority first: the small group of priority 1 goes
    # before the large one of priority 2 can, so at 10 pt it stays dropped.
    document = _model_document([tall, frame * 0.02, frame * 0.3], [None, 1, 2])
    fit = fit_to_page(document, Style(), store, _fake_measure([]))
    assert fit.style.body_size == 10.0
    assert [d.priority for d in fit.dropped] == [1, 2]


def test_a_group_dropped_first_comes_back_when_a_later_one_made_the_room(
    store: FactStore,
) -> None:
    """Among equals the lower group goes first: a quote in the main column, though the
    sidebar was the column too tall, so its card had to go too. The quote then fits
    again and is kept (a design review: 100 pt blank above the footer). A group of
    lower priority is not kept in place of one of higher priority."""
    frame = Style().frame_height
    limit = frame * MAX_FILL

    def columns(document: Document, style: Style) -> float:
        # "main:H" and "aside:H": the page is as tall as its taller column.
        heights = {"main": 0.0, "aside": 0.0}
        for block in document.blocks:
            column, height = block_text(block).split(":")
            heights[column] += float(height)
        return max(heights.values())

    def page(priorities: tuple[int, int]) -> Document:
        texts = [
            f"main:{limit * 0.6}",
            f"aside:{limit * 0.9}",
            f"aside:{limit * 0.2}",  # the card: the sidebar overflows with it
            f"main:{limit * 0.3}",  # the quote
        ]
        optional = [None, None, priorities[1], priorities[0]]
        document = _model_document([0.0] * 4, optional)
        blocks = tuple(
            replace(block, inlines=(Span(text),))
            for block, text in zip(document.blocks, texts, strict=True)
        )
        return replace(document, blocks=blocks)

    # The quote (main, lower on the page) is dropped first, then the card; the quote
    # comes back.
    fit = fit_to_page(page((1, 1)), Style(), store, columns)
    assert [d.where for d in fit.dropped] == ["trial.md.j2:4"]  # the card only
    assert len(fit.document.blocks) == 3
    assert fit.fill == pytest.approx(limit * 0.9 / frame)
    assert [g for g in _one_by_one(page((1, 1)), Style(), columns)] == [2]
    # The card matters more (priority 2): the quote is not kept in its place.
    fit = fit_to_page(page((1, 2)), Style(), store, columns)
    assert [d.priority for d in fit.dropped] == [1, 2]


def test_a_brief_too_tall_at_the_floor_is_refused_not_set_smaller(store: FactStore) -> None:
    frame = Style().frame_height
    calls: list[int] = []
    document = _model_document([frame * 0.6, frame * 0.6], [None, None])
    with pytest.raises(LayoutError) as error:
        fit_to_page(document, Style(), store, _fake_measure(calls))
    used = frame * 1.2 * 9.0 / Style().body_size  # the fake measure scales with the type
    assert error.value.format_message() == (
        f"trial.md.j2:1: brief 'trial' does not fit one page: it needs {used / frame:.0%} "
        f"of the page, more than the 95% a brief may fill ({(used - frame * MAX_FILL) / 72:.1f} "
        "in too much) at 9 pt with no block marked optional; shorten it or mark blocks "
        "'::: optional'; the page runs out in the block at trial.md.j2:3 (\"423.36\")"
    )


def test_a_brief_just_too_tall_says_by_how_much_in_figures_that_differ(
    store: FactStore,
) -> None:
    """Just over the limit, "needs 95%, more than the 95%" (or "95.0%") and "0.0 in too
    much" would contradict themselves: the share gets a decimal, or reads "just over",
    the excess is in points. With optional blocks, all of them were dropped first."""
    frame = Style().frame_height
    at_floor = frame * (MAX_FILL + 0.0004)  # what the page needs at 9 pt
    height = at_floor * Style().body_size / 9.0
    document = _model_document([height / 2, height / 2, 1.0], [None, None, 1])
    with pytest.raises(LayoutError) as error:
        fit_to_page(document, Style(), store, _fake_measure([]))
    over = at_floor - frame * MAX_FILL
    assert error.value.format_message() == (
        "trial.md.j2:1: brief 'trial' does not fit one page: it needs just over 95% of the page, "
        f"more than the 95% a brief may fill ({over:.1f} pt too much) at 9 pt with every "
        "optional block dropped; shorten it or mark more blocks '::: optional'; the page "
        f'runs out in the block at trial.md.j2:3 ("{height / 2}")'
    )
    alone = _model_document([height, 1.0], [None, 1])
    with pytest.raises(LayoutError) as error:
        fit_to_page(alone, Style(), store, _fake_measure([]))
    assert "this paragraph alone needs just over 95% of the page, more than the 95%" in str(
        error.value.format_message()
    )
    # A tenth of a point more shows as the decimal.
    tenth = _model_document([frame * (MAX_FILL + 0.002) * Style().body_size / 9.0, 1.0], [None, 1])
    with pytest.raises(LayoutError) as error:
        fit_to_page(tenth, Style(), store, _fake_measure([]))
    assert "this paragraph alone needs 95.2% of the page" in str(error.value.format_message())


def test_a_block_taller_than_the_page_alone_is_named_at_its_line(store: FactStore) -> None:
    # A tall picture was reported at the template's first line, not named.
    frame = Style().frame_height
    document = _model_document([frame * 0.3, frame * 1.5, frame * 0.1], [None, None, None])
    with pytest.raises(LayoutError) as error:
        fit_to_page(document, Style(), store, _fake_measure([]))
    alone = frame * 1.5 * 9.0 / Style().body_size
    assert error.value.format_message() == (
        f"trial.md.j2:3: brief 'trial' does not fit one page: this paragraph alone needs "
        f"{alone / frame:.0%} of the page, more than the 95% a brief may fill, at 9 pt; make "
        "it smaller or shorter"
    )


def test_which_headings_a_drop_leaves_over_nothing() -> None:
    from briefgen.errors import Location
    from briefgen.parse import parse_blocks

    text = (
        "# Title\n\n::: optional 1\nA.\n:::\n\n"  # the title stays over nothing
        "## Kept\n\n::: optional 1\nB.\n:::\n\n### Sub\n\nKept text.\n\n"  # a kept sub-section
        "## Gone\n\n::: optional 1\nC.\n:::\n\n::: optional 2\nD.\n:::\n\n"
        "## Next\n\nE.\n"
    )
    lines = tuple(Location("t.md.j2", n) for n in range(1, 40))
    blocks = tuple(parse_blocks(text, lines, lines[0]))
    document = Document(blocks=blocks, metadata=Metadata(title="T"), name="t", source=lines[0])
    kept = document.without_groups({g.group for g in document.droppable_groups()})
    assert [block_text(b) for b in kept.blocks] == [
        "Title",
        "Kept",
        "Sub",
        "Kept text.",
        "Next",
        "E.",
    ]
    group_a = blocks[1].droppable
    assert group_a is not None and block_text(blocks[1]) == "A."
    only_a = document.without_groups({group_a.group})
    assert [block_text(b) for b in only_a.blocks][:2] == ["Title", "Kept"]
    assert "Gone" in [block_text(b) for b in only_a.blocks]


def test_a_sidebar_whose_blocks_all_drop_leaves_no_empty_sidebar() -> None:
    """The sidebar's only group dropped left the main column beside an empty tinted
    sidebar: now the main column's blocks stand alone."""
    from briefgen.parse import parse_blocks

    text = "# Title\n\nFirst.\n\n::: aside\n::: optional 1\nA quote.\n:::\n:::\n\nMain.\n"
    lines = tuple(Location("t.md.j2", n) for n in range(1, 20))
    blocks = tuple(parse_blocks(text, lines, lines[0]))
    document = Document(blocks=blocks, metadata=Metadata(title="T"), name="t", source=lines[0])
    assert any(isinstance(b, Columns) for b in document.blocks)
    kept = document.without_groups({g.group for g in document.droppable_groups()})
    assert [type(b).__name__ for b in kept.blocks] == ["Heading", "Paragraph", "Paragraph"]
    assert [block_text(b) for b in kept.blocks] == ["Title", "First.", "Main."]
    # A sidebar that keeps a block stays beside its column.
    assert document.without_groups(set()).blocks == document.blocks


def test_a_sidebar_too_tall_on_its_own_is_told_at_its_taller_column(tmp_path: Path) -> None:
    """It was told at the '::: aside' line as "this sidebar with the column beside
    it": now at the first line of the column that is too tall, named."""
    code, output = build(tmp_path, "# Side\n\n::: aside\nA note.\n:::\n\n" + PARAGRAPH * 60)
    assert code == 1
    assert (
        "trial.md.j2:7: brief 'trial' does not fit one page: this main column beside the "
        "sidebar alone needs "
    ) in output, output
    code, output = build(tmp_path, "# Side\n\n::: aside\n" + PARAGRAPH * 30 + ":::\n\nMain.\n")
    assert code == 1
    assert "trial.md.j2:4: brief 'trial' does not fit one page: this sidebar alone needs " in (
        output
    ), output


def test_an_overflowing_brief_with_a_nested_list_is_told_not_an_internal_error(
    tmp_path: Path,
) -> None:
    # Measuring each block alone laid out a nested run of a list without its parent
    # item: an internal IndexError.
    template = "# Crash\n\n" + PARAGRAPH * 40 + "- item\n  - nested item\n"
    code, output = build(tmp_path, template)
    assert code == 1
    assert "brief 'trial' does not fit one page" in output and "internal error" not in output


def test_the_source_notes_are_named_as_such_when_they_alone_overflow() -> None:
    """Once "this notes alone needs 110% of the page"."""
    notes = Notes(Location("t.md.j2", 1), entries=(Note(1, "A source."),))
    assert block_word(notes) == "list of source notes"
