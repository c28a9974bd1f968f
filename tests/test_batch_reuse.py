"""What every copy of a batch works out alike is worked out once per process: a
second copy repeats none of it and its bytes are those the work would give."""

from __future__ import annotations

import io
import pickle
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from markupsafe import Markup
from page_regions import png, with_markdown
from pypdf import PdfReader

from briefgen import citations, glyphs, model, pipeline, unrendered, untraced
from briefgen import style as style_module
from briefgen.batch import Copy, Task, _Worker
from briefgen.errors import Location
from briefgen.facts import schema
from briefgen.kept import MAX_KEPT_CHARS, KeptByText
from briefgen.model import Document, HorizontalRule, Image, Paragraph, Picture, Span
from briefgen.pipeline import BuildOptions, Workspace
from briefgen.renderers import pdf, pdf_fonts, pdf_markup
from briefgen.renderers.pdf import register_fonts, render_pdf_bytes
from briefgen.style import Style
from briefgen.templating import environment, helpers
from briefgen.theme import FAMILIES, Theme

COLUMNS = ("id", "audience", "name", "title", "office", "place")


@pytest.fixture
def copy_for(repo: Path) -> Callable[[str], Copy]:
    """A batch worker's legislators PDF copy for the recipient named."""
    options = BuildOptions(workspace=repo, formats=("pdf",))
    worker = _Worker(Workspace.open(options), options)

    def make(name: str) -> Copy:
        values = ("row-1", "legislators", name, "Senator", "Office 1", "tucson-az")
        made = worker.make(Task(1, "legislators", COLUMNS, values))
        assert isinstance(made, Copy), made
        return made

    return make


def test_a_second_copy_works_out_no_citation_again(copy_for: Callable[[str], Copy]) -> None:
    """Nor its notes: the page's notes and numbers are kept by the sources cited."""
    kept = (schema._citation_parts, citations._sources_note, citations._numbered_notes)
    for cache in kept:
        cache.cache_clear()
    first = copy_for("Alex Example")
    worked_out = [cache.cache_info().misses for cache in kept]
    assert all(worked_out)
    second = copy_for("Sam Sample")
    assert [cache.cache_info().misses for cache in kept] == worked_out
    for cache in kept:
        cache.cache_clear()
    assert copy_for("Sam Sample").files == second.files
    assert first.files != second.files


def test_a_second_copy_works_out_no_text_style_again(
    copy_for: Callable[[str], Copy], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every copy's style is the one its first equal made (Style.shared): the text
    styles it works out for itself are worked out once for them all."""
    worked_out: list[float] = []
    real = Style._text

    def text(style: Style, scale: float, *args: object, **kwargs: object) -> object:
        worked_out.append(scale)
        return real(style, scale, *args, **kwargs)  # type: ignore[arg-type]

    first = copy_for("Alex Example")
    monkeypatch.setattr(Style, "_text", text)
    second = copy_for("Sam Sample")
    assert worked_out == []
    assert first.files != second.files


def test_a_style_is_shared_only_with_its_equal() -> None:
    letter = Style().shared()
    assert Style().shared() is letter
    assert Style().with_body_size(letter.body_size) is letter
    smaller = letter.with_body_size(10.0)
    assert smaller == replace(Style(), body_size=10.0) and smaller is not letter
    assert smaller.body == replace(Style(), body_size=10.0).body != letter.body
    themed = replace(Style(), theme=replace(Style().theme, font=FAMILIES["carlito"])).shared()
    assert themed is not letter and themed.theme.font is FAMILIES["carlito"]


def test_a_style_is_hashed_once_as_its_fields_are_and_pickled_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hashed: list[object] = []
    real = Theme.__hash__
    monkeypatch.setattr(Theme, "__hash__", lambda self: hashed.append(self) or real(self))
    style = replace(Style(), body_size=10.5)  # not shared before: no kept hash yet
    fields = (style.page_size, style.body_size, style.margin, style.theme)
    assert hash(style) == hash(fields) == hash(style)
    assert len(hashed) == 2  # once for the style, once for the fields
    for changed in (
        replace(style, page_size="a4"),
        replace(style, body_size=11.0),
        replace(style, margin=30.0),
        replace(style, theme=replace(style.theme, font=FAMILIES["carlito"])),
    ):
        assert hash(changed) != hash(style)  # every field in it
    # Another process hashes text with another seed: its copy works its own out.
    copied = pickle.loads(pickle.dumps(style))
    assert "_hash" not in vars(copied) and copied == style


def test_a_source_changed_in_any_field_gets_its_own_citation(repo: Path) -> None:
    store = Workspace.open(BuildOptions(workspace=repo)).store
    source = next(iter(store.sources.values()))
    cited = source.citation()
    retitled = source.model_copy(update={"title": "Another Title"})
    assert "Another Title" in retitled.citation()
    assert source.citation() == cited
    parts = source.citation_parts()
    parts.append(("changed by the caller", ""))
    assert source.citation() == cited  # each call gets a list of its own


def test_a_second_copys_warnings_look_again_only_at_the_line_naming_its_recipient(
    copy_for: Callable[[str], Copy],
) -> None:
    untraced._as_printed.cache_clear()
    unrendered._line_slip.cache_clear()
    first = copy_for("Alex Example")
    figures_read = untraced._as_printed.cache_info().misses
    lines_read = unrendered._line_slip.cache_info().misses
    assert figures_read > 0 and lines_read > 0
    second = copy_for("Sam Sample")
    assert untraced._as_printed.cache_info().misses == figures_read
    read_again = unrendered._line_slip.cache_info().misses - lines_read
    assert read_again == 1  # the line naming the recipient
    assert second.warnings == first.warnings


def _fonts(pdf: bytes) -> dict[str, tuple[object, ...]]:
    """Each font of the page by its subset's name: its widths, character map and program."""
    fonts = {}
    for font in PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        program = font["/FontDescriptor"]["/FontFile2"].get_object().get_data()
        cmap = font["/ToUnicode"].get_object().get_data()
        fonts[str(font["/BaseFont"])] = (list(font["/Widths"]), cmap, program)
    return fonts


def test_a_copy_embeds_the_fonts_of_its_own_text_whatever_copy_came_before(
    copy_for: Callable[[str], Copy],
) -> None:
    """A font's objects are formatted once per process for what they hold
    (pdf_fonts._formatted): a recipient whose name adds letters to a subset (its
    widths, character map and program all change) gets objects of its own, and the
    copy after it the plain ones again."""
    pdf_fonts._formatted.clear()
    plain = copy_for("Zoe Example").files["pdf"]
    kept = len(pdf_fonts._formatted)
    assert kept >= 12  # the four objects of each face's subset
    assert copy_for("Sam Sample").files["pdf"] != plain
    assert len(pdf_fonts._formatted) == kept  # the same subsets: nothing formatted again
    accented = copy_for("Zoë Exämple").files["pdf"]
    assert len(pdf_fonts._formatted) > kept
    assert copy_for("Zoe Example").files["pdf"] == plain
    mine, theirs = _fonts(accented), _fonts(plain)
    assert mine.keys() == theirs.keys()
    assert all(mine[name] != theirs[name] for name in mine if "Italic" in name)
    assert "Zoë Exämple" in PdfReader(io.BytesIO(accented)).pages[0].extract_text()
    pdf_fonts._formatted.clear()
    assert copy_for("Zoë Exämple").files["pdf"] == accented
    assert copy_for("Zoe Example").files["pdf"] == plain


def test_a_second_copy_makes_no_location_of_a_template_line_again(
    copy_for: Callable[[str], Copy],
) -> None:
    environment._location.cache_clear()
    copy_for("Alex Example")
    made = environment._location.cache_info().misses
    assert made > 10  # a location for each template line the output marks
    copy_for("Sam Sample")
    assert environment._location.cache_info().misses == made


def test_a_template_line_is_located_from_the_working_folder_of_its_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = tmp_path / "brief.md.j2"
    text = environment._marker(0, 3) + "Some text"
    default = Location.of(template)
    monkeypatch.chdir(tmp_path)
    here = environment.strip_markers(text, default, [str(template)])[1]
    monkeypatch.chdir(tmp_path.parent)
    above = environment.strip_markers(text, default, [str(template)])[1]
    assert here == (Location("brief.md.j2", 3),)
    assert above == (Location(f"{tmp_path.name}/brief.md.j2", 3),)


def test_a_second_copy_reads_again_only_the_markers_of_the_line_naming_its_recipient(
    copy_for: Callable[[str], Copy],
) -> None:
    environment._markers.cache_clear()
    first = copy_for("Alex Example")
    read = environment._markers.cache_info().misses
    assert read > 10  # each marked line of the output
    second = copy_for("Sam Sample")
    assert environment._markers.cache_info().misses - read == 1
    environment._markers.cache_clear()
    assert copy_for("Sam Sample") == second
    assert first.files != second.files


def test_output_lines_alike_but_for_their_markers_are_located_by_their_own() -> None:
    """A line's markers are read once per process by the whole line: the same text
    marked with another template line or file, or with a later line's text starting
    elsewhere, is located by its own markers."""
    mark = environment._marker
    default = Location.of("default.md.j2")
    files = ["a.md.j2", "b.md.j2"]
    lines = [
        mark(0, 3) + "Same text" + mark(0, 4) + " on",
        mark(0, 5) + "Same text" + mark(0, 4) + " on",
        mark(1, 3) + "Same text" + mark(0, 4) + " on",
        mark(0, 3) + "Same text " + mark(0, 4) + "on",
    ]
    read = [environment.strip_markers(line, default, files) for line in lines]
    assert [text for text, _, _ in read] == ["Same text on"] * 3 + ["Same text on"]
    assert [located for _, located, _ in read] == [
        (Location("a.md.j2", 3),),
        (Location("a.md.j2", 5),),
        (Location("b.md.j2", 3),),
        (Location("a.md.j2", 3),),
    ]
    assert [later[0][0][0] for _, _, later in read] == [9, 9, 9, 10]
    # The numbers name files of the environment's own list: the same line read for
    # another environment names that one's file.
    assert environment.strip_markers(lines[0], default, ["c.md.j2"])[1] == (Location("c.md.j2", 3),)


def test_a_second_copy_reads_again_only_the_citations_of_the_line_naming_its_recipient(
    copy_for: Callable[[str], Copy],
) -> None:
    pipeline._citing.cache_clear()
    first = copy_for("Alex Example")
    read = pipeline._citing.cache_info().misses
    assert read > 10  # each line of the output
    second = copy_for("Sam Sample")
    assert pipeline._citing.cache_info().misses - read == 1
    assert second.warnings == first.warnings
    pipeline._citing.cache_clear()
    assert copy_for("Sam Sample") == second


def test_lines_citing_alike_are_read_by_their_own_ids_and_columns() -> None:
    """A line's citations are kept by the whole line: the same facts cited at other
    columns, or other facts at the same columns, are read as they stand."""
    lines = ['x [@a] y [@b] "c"', 'xx [@a] y [@b] "c"', 'x [@b] y [@a] "c"', 'x [@a] y [@b] "d"']
    read = [pipeline._citing(line) for line in lines]
    assert read == [
        (("a", 2), ("b", 9), ("c", 14)),
        (("a", 3), ("b", 10), ("c", 15)),
        (("b", 2), ("a", 9), ("c", 14)),
        (("a", 2), ("b", 9), ("d", 14)),
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Another Title"),
        ("author", "Another Author"),
        ("subject", "Another subject"),
        ("keywords", ("another", "keyword")),
        ("date", "2026-11-03"),
    ],
)
def test_a_file_whose_information_differs_in_one_field_gets_its_own(
    field: str, value: object
) -> None:
    """The information dictionary is formatted once per process for what it holds
    (pdf_tags._KeptInfo): a brief that differs from the one before in one of its
    properties gets that property, and the brief after it the first's again."""
    page = with_markdown("Some text.\n")
    page = replace(page, metadata=replace(page.metadata, date="2026-11-02"))
    other = replace(page, metadata=replace(page.metadata, **{field: value}))

    def info(document: Document) -> dict[str, str]:
        return dict(PdfReader(io.BytesIO(render_pdf_bytes(document, Style()))).metadata or {})

    first = info(page)
    changed = info(other)
    assert info(page) == first
    assert {k for k in first if first[k] != changed[k]} == (
        {"/CreationDate", "/ModDate"} if field == "date" else {f"/{field.capitalize()}"}
    )
    if field == "date":
        assert changed["/CreationDate"].startswith("D:20261103")
    else:
        assert changed[f"/{field.capitalize()}"] == (
            ", ".join(value) if isinstance(value, tuple) else value
        )


def test_a_second_copy_does_not_parse_the_paragraph_naming_its_recipient(
    copy_for: Callable[[str], Copy], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = copy_for("Alex Example")
    shapes: list[str] = []
    parse = pdf_markup._parse_shape

    def counted(shape: str, style: object, count: int) -> object:
        shapes.append(shape)
        return parse(shape, style, count)

    monkeypatch.setattr(pdf_markup, "_parse_shape", counted)
    second = copy_for("Sam Sample")
    assert shapes == []
    assert second.files != first.files
    pdf_markup._shapes.clear()
    pdf._laid_out.cache_clear()
    assert copy_for("Sam Sample") == second
    assert shapes  # each paragraph's shape parsed again gives the same file


def test_a_block_s_least_height_is_kept_for_each_setting_it_depends_on() -> None:
    """A block's least height (the fitter's quick bound) is kept by the block and
    every setting it depends on: the same block in a setting differing in any one of
    them gets that setting's height, as worked out afresh."""
    at = Location("t.md", 1)
    words = Paragraph(at, (Span("Words across the frame " * 40),))
    rule = HorizontalRule(at)
    picture = Image(at, Picture(png(40, 20, (0, 0, 0)), "png", 40, 20), 800.0)
    for family in (FAMILIES["liberation-sans"], FAMILIES["carlito"]):
        register_fonts(["regular"], family)
    base = pdf._LeastSetting("LiberationSans", 8.0, 10.0, 480.0, 12.0, 400.0)
    variants = [
        base,
        base._replace(font=FAMILIES["carlito"].pdf_name),
        base._replace(size=9.0),
        base._replace(leading=11.0),
        base._replace(frame_width=420.0),
        base._replace(rule=14.0),
        base._replace(measure=380.0),
    ]
    pdf._block_least_height.cache_clear()
    for block in (words, rule, picture):
        kept = [pdf._block_least_height(block, setting) for setting in variants]
        afresh = [pdf._LeastHeight(setting).height(block, top=True) for setting in variants]
        assert kept == afresh
    heights = [
        tuple(pdf._block_least_height(block, setting) for block in (words, rule, picture))
        for setting in variants
    ]
    assert all(height != heights[0] for height in heights[1:])  # each setting tells


def test_a_second_copy_works_out_the_least_height_only_of_the_blocks_naming_its_recipient(
    copy_for: Callable[[str], Copy],
) -> None:
    pdf._block_least_height.cache_clear()
    first = copy_for("Alex Example")
    worked_out = pdf._block_least_height.cache_info().misses
    assert worked_out > 5  # each block of the body, at each size the fitter tried
    second = copy_for("Sam Sample")
    again = pdf._block_least_height.cache_info().misses - worked_out
    assert 0 < again <= 2  # the box naming the recipient, at a size or two
    pdf._block_least_height.cache_clear()
    assert copy_for("Sam Sample") == second
    assert first.files != second.files


def test_a_style_s_text_styles_are_its_own_size_s_page_s_and_theme_s() -> None:
    """A style keeps each text style it works out (Style is immutable): asked again,
    the same object; a style of another body size, page or theme, its own."""
    style = Style()
    assert style.body is style.body
    smaller = style.with_body_size(9.0)
    assert smaller.body.size == 9.0 and style.body.size == style.body_size != 9.0
    assert replace(style, page_size="a4").body.indent_right != style.body.indent_right
    themed = replace(style, theme=replace(style.theme, primary=(1, 2, 3)))
    assert themed.title.color == (1, 2, 3) != style.title.color
    assert Style().note == style.note  # an equal style's are equal


def test_a_line_longer_than_the_kept_length_is_read_each_time_and_not_kept() -> None:
    """A template may print a line of hundreds of thousands of characters: it is read
    as any other, but not held by the process's cache."""
    read: list[str] = []
    kept = KeptByText(lambda text: read.append(text) or len(text), maxsize=4)
    short, long = "x" * MAX_KEPT_CHARS, "y" * (MAX_KEPT_CHARS + 1)
    assert [kept(short), kept(short), kept(long), kept(long)] == [1000, 1000, 1001, 1001]
    assert read == [short, long, long]
    assert kept.cache_info().currsize == 1


class _Looked(set[str]):
    """A font family's characters known to print, recording the texts looked up in it."""

    texts: list[str]

    def issuperset(self, other: object) -> bool:
        self.texts.append(str(other))
        return super().issuperset(other)  # type: ignore[arg-type]


def test_a_second_copy_looks_up_the_characters_only_of_the_texts_naming_its_recipient(
    copy_for: Callable[[str], Copy], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The glyph check keeps the texts it found to print (a batch's copies print the
    same blocks): a second copy looks up each character only of its new texts."""
    first = copy_for("Alex Example")
    looked: list[str] = []
    for family, characters in list(glyphs._PRINTABLE.items()):
        recording = _Looked(characters)
        recording.texts = looked
        monkeypatch.setitem(glyphs._PRINTABLE, family, recording)
    second = copy_for("Kim Checkedonce")  # a name no other copy of the process prints
    checked = [text for text in looked if text != "Legislators and staff"]  # assemble's
    assert checked and all("Kim Checkedonce" in text for text in checked)
    assert first.files != second.files


def test_the_texts_found_to_print_are_the_last_few_thousand_short_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(glyphs, "_PRINTED_KEPT", 2)
    printed: dict[str, None] = {}
    for text in ("one", "two", "three", "x" * (MAX_KEPT_CHARS + 1)):
        glyphs._remember(printed, text)
    assert list(printed) == ["two", "three"]


def test_a_text_without_format_characters_is_read_once_and_ascii_not_at_all() -> None:
    """A copy's title, subject and author are its batch's: read for their format
    characters once per process; ASCII holds none and is given back as it is."""
    title = "Fentanyl at the Border"
    assert model.without_format_characters(title) is title
    model._without_format_characters.cache_clear()
    shaped = "U.S.\u2013Mexico bor\u00adder\u2060 and \u201cquoted\u201d\u200b"
    plain = "U.S.\u2013Mexico border and \u201cquoted\u201d"
    assert model.without_format_characters(shaped) == plain
    assert model.without_format_characters(shaped) == plain
    info = model._without_format_characters.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_an_english_template_s_citations_are_checked_without_reading_the_facts(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cited id the store has needs nothing more in English; in another language
    its fact is read for the form in it. The language's wording is asked once."""
    from briefgen.assemble import citation_check
    from briefgen.facts.loader import load_store
    from briefgen.language import wording

    store = load_store(repo / "facts")
    fact_id = next(iter(store)).id
    read: list[str] = []
    real = type(store).get

    def get(self: object, wanted: str) -> object:
        read.append(wanted)
        return real(self, wanted)  # type: ignore[arg-type]

    monkeypatch.setattr(type(store), "get", get)
    english = citation_check(store, "en-US")
    assert english(fact_id) is None
    assert english("no-such-fact") is not None
    assert read == []
    spanish = citation_check(store, "es-US")
    spanish(fact_id)
    assert read == [fact_id]
    wording.cache_clear()
    for _ in range(3):
        wording("es-US")
    assert wording.cache_info().misses == 1


class _CountedSubs:
    """A compiled pattern whose substitutions are counted."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern, self.subs = pattern, 0

    def sub(self, repl: str, text: str) -> str:
        self.subs += 1
        return self.pattern.sub(repl, text)


def test_a_render_without_an_address_is_not_read_again_for_one(
    copy_for: Callable[[str], Copy], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Python object's address (" at 0x...") is looked for in the output read
    without its escapes only when the output holds " at 0x": an escape's backslash
    stands before punctuation, never inside those six characters."""
    counted = _CountedSubs(environment._UNESCAPED)
    monkeypatch.setattr(environment, "_UNESCAPED", counted)
    copy_for("Ana Example")
    assert counted.subs == 0
    assert environment._AT_ADDRESS in "<function f at 0x7f00aa>"


def test_a_text_printed_is_escaped_once_per_process() -> None:
    """A fact's words and numbers are escaped for Markdown once per text: the same
    as escaping them afresh, line breaks made spaces; Markup is left as it is."""
    helpers._escaped.cache_clear()
    text = "Over 70,000 [deaths] *a* year\nin 2021 \\ (CDC)"
    fresh = helpers._MD_SPECIAL.sub(r"\\\1", helpers._LINE_BREAKS.sub(" ", text))
    assert helpers.md_escape(text) == helpers.md_escape(text) == fresh
    assert helpers._escaped.cache_info().misses == 1
    assert helpers.md_escape(70000) == "70000"
    assert helpers.md_escape(Markup("**kept**\nhere")) == "**kept** here"


def test_a_second_copy_works_out_no_cell_or_cell_text_style_again(
    copy_for: Callable[[str], Copy], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A style's text styles in a cell and its rows of cells are worked out once
    for the style (Style._kept), and are what working them out gives."""
    copy_for("Alex Example")
    worked: list[object] = []
    monkeypatch.setattr(style_module, "even_rows", lambda cells: worked.append(cells) or cells)

    def replaced(obj: object, **changes: object) -> object:
        if isinstance(obj, style_module.TextStyle):  # a text style in a cell
            worked.append(obj)
        return replace(obj, **changes)  # type: ignore[type-var]

    monkeypatch.setattr(style_module, "replace", replaced)
    copy_for("Sam Sample")
    assert worked == []


def test_what_a_style_works_out_by_key_is_fresh_kept_bounded_and_not_pickled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    style = replace(Style(), body_size=10.5)
    fresh = replace(
        style.body, indent_right=max(0.0, style.body.indent_right - style.measure_indent)
    )
    assert style.in_cell(style.body) == fresh
    assert style.in_cell(style.body) is style.in_cell(style.body)
    cards = style.card_cells(3, 500.0)
    assert cards == style_module.even_rows(list(style._card_cells(3, 500.0)))
    cards.append(style_module.Cell(1.0))  # the caller's list, not the kept one
    assert len(style.card_cells(3, 500.0)) == 5
    assert style.column_cells(500.0) == list(style._column_cells(500.0))
    assert style.box_cells(400.0)[1].width == 400.0 - style.box_rule
    copied = pickle.loads(pickle.dumps(style))
    assert style_module._WORKED not in vars(copied) and copied == style
    monkeypatch.setattr(style_module, "_WORKED_KEPT", 2)
    bounded = replace(Style(), body_size=9.5)
    for width in (100.0, 200.0, 300.0):
        bounded.box_cells(width)
    assert len(vars(bounded)[style_module._WORKED]) == 2
