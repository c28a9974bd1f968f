"""The PDF is tagged (issue 12): a structure tree in the model's reading order owning
every text-showing operator, artifacts for page furniture, figures with the DOCX's
alternative text, note numbers apart from the figures before them, link annotations
in the tree, PDF/UA-1 metadata; the same for a file of several pages. Each brief is
read back with pypdf (tree, operators) and pdfium (each MCID's text)."""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import docx
import pypdfium2
import pytest
from click.testing import CliRunner
from conftest import REPO, shared
from docx.oxml.ns import qn
from page_regions import regions, with_markdown
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from readback import docx_text
from reportlab.pdfbase.pdfdoc import PDFDocument
from reportlab.pdfbase.pdfmetrics import stringWidth
from tagged import (
    PRINT,
    Node,
    check_tagged,
    docx_file,
    leaf_texts,
    marked_content,
    no_space,
    structure,
    text_by_mcid,
)
from test_geometry import RULES_MARKDOWN, pictures

from briefgen.cli import cli
from briefgen.model import (
    CardRow,
    Cite,
    Heading,
    HorizontalRule,
    LineBreak,
    Paragraph,
    Quote,
    Span,
    inline_groups,
    plain_text,
    walk,
)
from briefgen.pipeline import Brief, BuildOptions, Workspace, make_brief
from briefgen.renderers import pdf, pdf_tags
from briefgen.renderers.docx import render_docx
from briefgen.renderers.pdf import render_pages, render_pdf_bytes
from briefgen.style import Style
from briefgen.templating.environment import TemplateRenderer

AUDIENCES = ("legislators", "chiefs", "public", "public-es")


@pytest.fixture(scope=shared)
def briefs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Brief, Path]]:
    """Each built-in brief made in both formats, its DOCX on disk."""
    workspace = Workspace.open(BuildOptions(workspace=REPO))
    renderer = TemplateRenderer(workspace.search_path, workspace.store, workspace.settings)
    folder = tmp_path_factory.mktemp("tagged")
    made = {}
    for audience in AUDIENCES:
        info = workspace.search_path.audience(audience)
        brief = make_brief(workspace, renderer, info, ("pdf", "docx"), None)
        made[audience] = (brief, docx_file(folder, brief.files["docx"], audience))
    return made


@pytest.mark.parametrize("audience", AUDIENCES)
def test_builtin_brief_is_tagged(audience: str, briefs: dict[str, tuple[Brief, Path]]) -> None:
    brief, word = briefs[audience]
    tree = check_tagged(brief.files["pdf"], word)
    cites = [
        run
        for block in walk(brief.fit.document.blocks)
        for runs in inline_groups(block)
        for run in runs
        if isinstance(run, Cite) and run.label
    ]
    assert len([node for node in tree.walk() if node.role == "Reference"]) == len(cites) > 0


def test_pdfinfo_says_tagged(briefs: dict[str, tuple[Brief, Path]], tmp_path: Path) -> None:
    path = tmp_path / "public.pdf"
    path.write_bytes(briefs["public"][0].files["pdf"])
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "Tagged:          yes" in info.stdout
    assert "Metadata Stream: yes" in info.stdout


@pytest.mark.parametrize("audience", AUDIENCES)
def test_a_brief_has_no_bookmarks(audience: str, briefs: dict[str, tuple[Brief, Path]]) -> None:
    """README: bookmarks "none (one page)", where LibreOffice's export of the DOCX
    makes an outline from the headings; a viewer opens on the page, not a panel."""
    reader = PdfReader(io.BytesIO(briefs[audience][0].files["pdf"]))
    catalog = reader.trailer["/Root"]
    assert "/Outlines" not in catalog and list(reader.outline) == []
    assert catalog.get("/PageMode", "/UseNone") == "/UseNone"


@pytest.mark.parametrize("audience", AUDIENCES)
def test_figures_carry_the_docx_alt_text(
    audience: str, briefs: dict[str, tuple[Brief, Path]]
) -> None:
    brief, word = briefs[audience]
    tree = structure(PdfReader(io.BytesIO(brief.files["pdf"])))
    alts = [node.alt for node in tree.walk() if node.role == "Figure"]
    document = docx.Document(str(word))
    parts = [document.element.body, document.sections[0].footer._element]
    described = [p.get("descr") for part in parts for p in part.iter(qn("wp:docPr"))]
    assert alts == [d for d in described if d]  # a decorative picture: an artifact


def test_furniture_and_regions_in_reading_order(briefs: dict[str, tuple[Brief, Path]]) -> None:
    """The masthead, the title, the body, the footer's notes, then its QR code and
    lines; the card grid a table of one row of cells."""
    brief, _ = briefs["chiefs"]
    tree = structure(PdfReader(io.BytesIO(brief.files["pdf"])))
    top = [kid for kid in tree.kids if isinstance(kid, Node)]
    # The masthead, the title, the box, the main column, the sidebar, the footer.
    assert [kid.role for kid in top] == ["Div", "H1", "Div", "Div", "Div", "Div"]
    main, aside = top[3], top[4]
    assert [kid.role for kid in main.kids[:2]] == ["H2", "L"]
    assert [kid.role for kid in aside.kids[:2]] == ["H2", "Div"]  # the callouts
    footer = top[-1]
    roles = [kid.role for kid in footer.kids if isinstance(kid, Node)]
    assert roles[0] == "H2" and roles[1] == "Note" and "Figure" in roles
    assert roles.index("Figure") > max(i for i, role in enumerate(roles) if role == "Note")
    cards = structure(PdfReader(io.BytesIO(briefs["legislators"][0].files["pdf"])))
    tables = [node for node in cards.walk() if node.role == "Table"]
    assert tables and all(
        [kid.role for kid in table.kids if isinstance(kid, Node)] == ["TR"] for table in tables
    )
    cells = [kid for kid in tables[0].kids[0].kids if isinstance(kid, Node)]
    assert {cell.role for cell in cells} == {"TD"}
    # A cell per card, no spacer cells between them (README, beside LibreOffice's).
    blocks = briefs["legislators"][0].fit.document.blocks
    (row,) = [block for block in walk(blocks) if isinstance(block, CardRow)]
    assert len(tables) == 1 and len(cells) == len(row.cards) > 1
    notes = [node.ident for node in tree.walk() if node.role == "Note"]
    assert notes == [f"note-{n}" for n in range(1, len(notes) + 1)]


def test_figures_say_where_they_stand_and_lists_how_they_are_marked(
    briefs: dict[str, tuple[Brief, Path]],
) -> None:
    """Each figure (the pictogram, the QR code) has its box on the page (ISO
    32000-1, table 344: required when it is whole on one page); each list says its
    numbering (bullets: Disc; numbered: Decimal), which a reader announces."""
    brief, _ = briefs["public"]
    reader = PdfReader(io.BytesIO(brief.files["pdf"]))
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    figures = [node for node in structure(reader).walk() if node.role == "Figure"]
    assert len(figures) == 2
    boxes = [[float(v) for v in node.attributes["Layout"]["BBox"]] for node in figures]
    for left, bottom, right, top in boxes:
        assert 0 < left < right < width and 0 < bottom < top < height
    chart, code = boxes
    style = brief.fit.style
    # The QR code at the right of the frame, in the footer; the chart in the sidebar
    # above it.
    assert code[2] == pytest.approx(width - style.margin, abs=0.5)
    assert style.margin < code[1] < code[3] < height / 4
    assert code[3] - code[1] == pytest.approx(code[2] - code[0], abs=0.5)  # square
    assert chart[1] > code[3] and chart[0] > width / 2
    lists = [node for node in structure(reader).walk() if node.role == "L"]
    assert lists and {str(n.attributes["List"]["ListNumbering"]) for n in lists} == {"/Disc"}
    numbered = with_markdown("1. One\n2. Two\n\n- A bullet\n")
    tree = structure(PdfReader(io.BytesIO(render_pdf_bytes(numbered, Style()))))
    marks = [str(n.attributes["List"]["ListNumbering"]) for n in tree.walk() if n.role == "L"]
    assert marks == ["/Decimal", "/Disc"]


@pytest.mark.parametrize("audience", ["chiefs", "legislators"])
def test_a_pull_quote_is_a_block_quote(
    audience: str, briefs: dict[str, tuple[Brief, Path]]
) -> None:
    """README: a quote is a ``BlockQuote`` (LibreOffice's export of the DOCX makes it a
    ``P``), holding the quote's words and who said it, and nothing else."""
    brief, _ = briefs[audience]
    pdf = brief.files["pdf"]
    quotes = [block for block in walk(brief.fit.document.blocks) if isinstance(block, Quote)]
    tree = structure(PdfReader(io.BytesIO(pdf)))
    tagged = [node for node in tree.walk() if node.role == "BlockQuote"]
    assert len(tagged) == len(quotes) > 0
    texts = text_by_mcid(pdf)
    for node, quote in zip(tagged, quotes, strict=True):
        read = no_space("".join(text for _, text in leaf_texts(node, texts)))
        said = no_space(plain_text(quote.inlines) + "\u2014" + plain_text(quote.attribution))
        assert read == said  # the dash the page prints before who said it


def test_each_bullet_level_says_its_own_bullet() -> None:
    """A nested list's /ListNumbering names the bullet its labels show (ISO 32000-1,
    table 347): the second level's open circle is Circle, the third's square Square,
    not the first level's Disc; a numbered list inside is Decimal."""
    page = with_markdown("- One\n  - Two\n    - Three\n    1. Four\n")
    data = render_pdf_bytes(page, Style())
    tree = structure(PdfReader(io.BytesIO(data)))
    lists = [node for node in tree.walk() if node.role == "L"]
    marks = [str(node.attributes["List"]["ListNumbering"]) for node in lists]
    assert marks == ["/Disc", "/Circle", "/Square", "/Decimal"]
    texts = text_by_mcid(data)
    labels = [
        "".join(texts[kid] for kid in label.kids if isinstance(kid, tuple)).strip()
        for node in lists
        for label in [next(n for n in node.walk() if n.role == "Lbl")]
    ]
    assert labels == ["\u2022", "\u25e6", "\u25aa", "1."]


def _words_at(reader: PdfReader) -> dict[str, tuple[float, float]]:
    """Each word drawn on the first page, at the point its text starts."""
    at: dict[str, tuple[float, float]] = {}

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        for word in text.split():
            at.setdefault(word, (x, y))

    reader.pages[0].extract_text(visitor_text=visit)
    return at


def test_tables_say_where_they_stand(briefs: dict[str, tuple[Brief, Path]]) -> None:
    """A table's box on the page, like a figure's (PDF 1.7, 14.8.5.4.3: required when
    it is whole on one page): the legislators' row of cards across the frame around
    its figures, and a Markdown table around its cells."""
    brief, _ = briefs["legislators"]
    reader = PdfReader(io.BytesIO(brief.files["pdf"]))
    style = brief.fit.style
    tables = [node for node in structure(reader).walk() if node.role == "Table"]
    assert len(tables) == 1
    left, bottom, right, top = (float(v) for v in tables[0].attributes["Layout"]["BBox"])
    assert left == pytest.approx(style.margin, abs=0.5)
    assert right == pytest.approx(style.page_width - style.margin, abs=0.5)
    words = _words_at(reader)
    for figure in ("480%", "86%"):
        x, y = words[figure]
        assert left < x < right and bottom < y < top, figure
    assert words["Why"][1] < bottom  # the heading below the cards is outside it
    page = with_markdown("Intro.\n\n| Place | Price |\n| --- | --- |\n| Tucson | 1 |\n\nAfter.\n")
    reader = PdfReader(io.BytesIO(render_pdf_bytes(page, Style())))
    (table,) = [node for node in structure(reader).walk() if node.role == "Table"]
    left, bottom, right, top = (float(v) for v in table.attributes["Layout"]["BBox"])
    words = _words_at(reader)
    for word in ("Place", "Price", "Tucson"):
        x, y = words[word]
        assert left <= x < right and bottom < y < top, word
    assert words["Intro."][1] > top and words["After."][1] < bottom


def test_a_heading_above_the_title_is_tagged_h1() -> None:
    """PDF/UA-1 (Matterhorn 14-002): the first heading is H1. A "## Fact sheet" above
    the "# " title (check warns of it) was H2 before the H1."""
    page = with_markdown("## Under the title\n\nText.\n")
    title = page.blocks[0]
    assert isinstance(title, Heading) and title.level == 1
    kicker = Heading(title.location, 2, (Span("Fact sheet"),))
    document = replace(page, blocks=(kicker, *page.blocks))
    tree = structure(PdfReader(io.BytesIO(render_pdf_bytes(document, Style()))))
    headings = [node.role for node in tree.walk() if re.fullmatch(r"H[1-6]", node.role)]
    assert headings == ["H1", "H1", "H2", "H2"]  # the last, the sources' heading


@pytest.mark.parametrize("audience", AUDIENCES)
def test_link_annotations_print_as_they_show_nothing(
    audience: str, briefs: dict[str, tuple[Brief, Path]]
) -> None:
    """Every link annotation has the Print flag (/F 4; it had none, so it did not
    print), as PDF/A and print shops expect: it prints as it shows. Which is nothing:
    no border, no colour, no appearance of its own, so the page renders the same with
    annotations drawn or not, and prints as it did."""
    data = briefs[audience][0].files["pdf"]
    reader = PdfReader(io.BytesIO(data))
    annotations = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    assert annotations
    for annotation in annotations:
        assert annotation["/Subtype"] == "/Link" and annotation.get("/F") == PRINT
        assert list(annotation["/Border"]) == [0, 0, 0]
        assert "/AP" not in annotation and "/C" not in annotation
    for page in pypdfium2.PdfDocument(data):
        shown = page.render(scale=2, draw_annots=True).to_pil().tobytes()
        assert shown == page.render(scale=2, draw_annots=False).to_pil().tobytes()


def test_a_brief_renders_the_same_bytes_twice(briefs: dict[str, tuple[Brief, Path]]) -> None:
    brief, _ = briefs["public"]
    first = render_pdf_bytes(brief.fit.document, brief.fit.style)
    assert render_pdf_bytes(brief.fit.document, brief.fit.style) == first == brief.files["pdf"]


def test_several_pages_each_tagged_in_order(briefs: dict[str, tuple[Brief, Path]]) -> None:
    """Two sides in one file: one Part each, in page order, its own StructParents,
    its marked content on its own page, the second side's language on its Part."""
    front, back = briefs["public"][0].fit, briefs["chiefs"][0].fit
    spanish = replace(back.document, metadata=replace(back.document.metadata, language="es-US"))
    data, pages = render_pages([(front.document, front.style), (spanish, back.style)])
    assert pages == 2
    reader = PdfReader(io.BytesIO(data))
    tree = structure(reader)
    parts = [kid for kid in tree.kids if isinstance(kid, Node)]
    assert [part.role for part in parts] == ["Part", "Part"]
    assert [part.lang for part in parts] == ["", "es-US"]
    assert str(reader.trailer["/Root"]["/Lang"]) == front.document.metadata.language
    keys = [page["/StructParents"] for page in reader.pages]
    assert len(set(keys)) == 2
    for number, part in enumerate(parts):
        marks = [kid for node in part.walk() for kid in node.kids if isinstance(kid, tuple)]
        assert marks and {page for page, _ in marks} == {number}
        marked = marked_content(reader, number)
        assert not marked.unowned
        assert sorted(marked.mcids) == sorted(mcid for _, mcid in marks)


def test_every_region_tagged(tmp_path: Path) -> None:
    """A brief with every region (tests/page_regions.py): a link inside body text
    before a note number, a picture with alt text, a decorative logo (an artifact),
    a QR code in the flow, a chart, the cards' table, the sidebar."""
    document, style = regions(), Style()
    pdf = render_pdf_bytes(document, style)
    tree = check_tagged(pdf, docx_file(tmp_path, render_docx(document, style)))
    figures = [node.alt.split(":")[0] for node in tree.walk() if node.role == "Figure"]
    # Two charts, the QR code in the flow, the picture, the footer's QR code; no logo.
    assert figures == ["Bar chart", "Pictogram", "QR code", "A red block", "QR code"]
    # README: every Figure has its /BBox on the page; the picture's is where it is drawn.
    height = float(PdfReader(io.BytesIO(pdf)).pages[0].mediabox.height)
    boxes = [
        [float(v) for v in node.attributes["Layout"]["BBox"]]
        for node in tree.walk()
        if node.role == "Figure"
    ]
    assert len(boxes) == 5
    for left, bottom, right, top in boxes:
        assert 0 < left < right < style.page_width and 0 < bottom < top < height
    drawn = tmp_path / "regions.pdf"
    drawn.write_bytes(pdf)
    (left, top, width, tall) = pictures(drawn)[-1]  # the logo first, in the masthead
    picture = [left, height - top - tall, left + width, height - top]
    assert boxes[3] == pytest.approx(picture, abs=0.05)
    links = [node for node in tree.walk() if node.role == "Link"]
    assert len(links) >= 2 and all(
        any(isinstance(kid, DictionaryObject) for kid in link.kids) for link in links
    )


@pytest.mark.parametrize("audience", AUDIENCES)
def test_extracted_text_keeps_note_numbers_apart(
    audience: str, briefs: dict[str, tuple[Brief, Path]], tmp_path: Path
) -> None:
    """poppler's pdftotext reads a note number's replacement text: "the border 1", not
    "the border1" (a digit before one was already kept apart by a no-break space)."""
    path = tmp_path / f"{audience}.pdf"
    path.write_bytes(briefs[audience][0].files["pdf"])
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert not re.findall(r"\S*[A-Za-z\u201d\u2019)]\d+\b", text)


def test_a_brief_without_a_title_heads_its_sections_h1(tmp_path: Path) -> None:
    """PDF/UA: the first heading is H1, whatever level the template gave it."""
    document, style = regions(), Style()
    untitled = replace(
        document,
        blocks=tuple(b for b in document.blocks if not (isinstance(b, Heading) and b.level == 1)),
    )
    assert any(isinstance(b, Heading) for b in walk(untitled.blocks))
    pdf = render_pdf_bytes(untitled, style)
    tree = check_tagged(pdf, docx_file(tmp_path, render_docx(untitled, style)))
    assert next(node.role for node in tree.walk() if node.role[:1] == "H") == "H1"


def test_a_thematic_break_is_page_furniture(tmp_path: Path) -> None:
    """A ``---`` hairline is drawn as an artifact: no element, nothing to read."""
    document = with_markdown(RULES_MARKDOWN)
    pdf = render_pdf_bytes(document, Style())
    tree = check_tagged(pdf, docx_file(tmp_path, render_docx(document, Style())))
    kept = tuple(b for b in document.blocks if not isinstance(b, HorizontalRule))
    unruled = replace(document, blocks=kept)
    assert len(kept) == len(document.blocks) - 2
    plain = structure(PdfReader(io.BytesIO(render_pdf_bytes(unruled, Style()))))
    assert [n.role for n in tree.walk()] == [n.role for n in plain.walk()]


def test_each_link_owns_its_own_annotation_and_all_its_words(tmp_path: Path) -> None:
    """Two links to one address on one line gave both annotations to the second (the
    first's described by the second's words); a link of mixed emphasis was two links
    in both files, its annotation missing the bold word."""
    document = with_markdown(
        "Intro with [our site](https://example.org/a) and again [the same site]"
        "(https://example.org/a) here.\n\n[**Read** the report](https://example.org/b) now.\n"
    )
    style = Style()
    docx_path = docx_file(tmp_path, render_docx(document, style))
    pdf = render_pdf_bytes(document, style)
    tree = check_tagged(pdf, docx_path)
    described = [
        [str(kid["/Contents"]) for kid in node.kids if isinstance(kid, DictionaryObject)]
        for node in tree.walk()
        if node.role == "Link" and node.kids
    ]
    assert described[:3] == [
        ["our site (https://example.org/a)"],
        ["the same site (https://example.org/a)"],
        ["Read the report (https://example.org/b)"],
    ]
    body = docx.Document(str(docx_path)).element.body
    links = ["".join(t.text for t in link.iter(qn("w:t"))) for link in body.iter(qn("w:hyperlink"))]
    assert links[:3] == ["our site", "the same site", "Read the report"]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_tagged_text_keeps_the_space_where_a_line_wraps(
    audience: str, briefs: dict[str, tuple[Brief, Path]]
) -> None:
    """reportlab drops the space it wraps a line at: the PDF's text ran the words
    together ("southernborder"), as a screen reader or search reads them. Each word
    of the tagged text is one the DOCX has (ISO 32000-1, 14.8.2.5)."""
    brief, word = briefs[audience]
    pdf = brief.files["pdf"]
    pieces = leaf_texts(structure(PdfReader(io.BytesIO(pdf))), text_by_mcid(pdf))
    words = {w for _, text in pieces for w in text.split() if len(w) > 1}
    docx_words = " ".join(docx_text(word).split())
    assert len(words) > 50
    assert sorted(w for w in words if w not in docx_words) == []


def test_the_space_ending_a_line_at_a_link_is_not_underlined_nor_linked() -> None:
    """The space that ends a line between words is drawn after the line's last glyph;
    where that glyph ends a link, outside the link: its underline and its annotation
    end with its last letter, as they did before the space was added."""
    address = "https://example.org/line-end"
    inlines = (Span("Read "), Span("the report", href=address), LineBreak(), Span("then more."))
    page = regions()
    document = replace(page, blocks=(page.blocks[0], Paragraph(page.source, inlines)))
    style = Style()
    reader = PdfReader(io.BytesIO(render_pdf_bytes(document, style)))
    width = stringWidth("the report", style.theme.font.pdf_name, style.body.size)
    (rect,) = (
        [float(x) for x in annotation.get_object()["/Rect"]]
        for annotation in reader.pages[0]["/Annots"]
        if annotation.get_object()["/A"]["/URI"] == address
    )
    assert rect[2] - rect[0] == pytest.approx(width, abs=0.01)
    content = reader.pages[0].get_contents().get_data().decode("latin-1")
    underlines = [
        float(x2) - float(x1)
        for x1, y1, x2, y2 in re.findall(r"n ([\d.]+) ([\d.]+) m ([\d.]+) ([\d.]+) l S", content)
        if y1 == y2
    ]
    assert any(length == pytest.approx(width, abs=0.01) for length in underlines), underlines
    space = stringWidth(" ", style.theme.font.pdf_name, style.body.size)
    assert not any(length == pytest.approx(width + space, abs=0.01) for length in underlines)


def test_the_space_after_a_note_number_ending_a_line_is_read_with_the_text() -> None:
    """A line wrapped right after a note number: reportlab keeps the space there in
    the raised run, which is read as the Reference's /ActualText (no space), so the
    words ran together ("agency 2began"). The space is a run of the paragraph."""
    style = Style()
    pdf.register_fonts(family=style.theme.font)
    inlines = (Span("rose in every year since the agency"), Cite(("f",), (2,)), Span(" began it"))
    for width in range(100, 700):
        setting, _ = pdf._set(inlines, style.body, "body", style, None, False, ())
        paragraph, _ = pdf._laid_out(setting, float(width))
        words = [w for w in paragraph.blPara.lines[0].words if getattr(w, "text", "")]
        if len(paragraph.blPara.lines) == 2 and any(w.rise for w in words):
            break
    else:
        raise AssertionError("no width wraps the line after the note number")
    raised = [w.text for w in words if w.rise]
    assert raised == ["2"]
    assert words[-1].text == " " and not words[-1].rise


def test_a_chart_title_and_the_sources_heading_are_headings(
    briefs: dict[str, tuple[Brief, Path]],
) -> None:
    """Set as headings, they were tagged P: a screen reader's list of headings had
    neither (WCAG 1.3.1). A chart's title a level below the heading above it."""
    pdf = briefs["legislators"][0].files["pdf"]
    texts = text_by_mcid(pdf)
    headings = [
        (node.role, no_space("".join(text for _, text in leaf_texts(node, texts))))
        for node in structure(PdfReader(io.BytesIO(pdf))).walk()
        if re.fullmatch(r"H[1-6]", node.role)
    ]
    assert headings[1:] == [
        ("H2", "Whyitmatters"),
        ("H3", "Synthetic-opioidoverdosedeaths"),
        ("H2", "Sources"),
    ]
    public = structure(PdfReader(io.BytesIO(briefs["public"][0].files["pdf"])))
    roles = [node.role for node in public.walk() if re.fullmatch(r"H[1-6]", node.role)]
    assert roles.count("H3") == 1 and roles[-1] == "H2"  # the pictogram's title; sources
    # README: the chart's Figure stands beside its title and caption, in a Div of its
    # own (LibreOffice's export puts the Figure inside a P).
    for tree in (structure(PdfReader(io.BytesIO(pdf))), public):
        (chart,) = [
            node
            for node in tree.walk()
            if any(isinstance(kid, Node) and kid.role == "H3" for kid in node.kids)
        ]
        assert chart.role == "Div"
        assert [kid.role for kid in chart.kids if isinstance(kid, Node)] == ["H3", "Figure", "P"]


@pytest.mark.parametrize("soft", ["", " co\u00adoperation"])
def test_a_line_ending_in_a_hyphen_before_a_space_keeps_the_space(soft: str) -> None:
    """A line wrapped after "pre-" in "pre- and" read "pre-and": a line ending in a hyphen was
    taken for a break at a soft hyphen, which the paragraph does not have; nor one where
    it does have some elsewhere (such a line is told from one broken at a soft hyphen)."""
    text = " ".join(f"{'x' * n} pre- extraordinarily" for n in range(1, 12))
    page = with_markdown(f"# T\n\n{text}{soft}\n")
    extracted = PdfReader(io.BytesIO(render_pdf_bytes(page, Style()))).pages[0].extract_text()
    assert "pre- \n" in extracted and "pre-\n" not in extracted


SOFT_HYPHEN = "\u00ad"
LONG_WORD = SOFT_HYPHEN.join(("Pneumono", "ultra", "microscopic", "silico", "volcano", "coniosis"))
WHOLE_WORD = LONG_WORD.replace(SOFT_HYPHEN, "")
# Where a line breaks at a soft hyphen: the hyphen drawn, said to be the soft hyphen.
SOFT_HYPHEN_DRAWN = re.compile(r"/Span <</ActualText <FEFF00AD>>> BDC\s*\(-\) Tj\s*EMC")


def _long_words(text: str) -> list[str]:
    """Each time the long word is read in ``text``, as it is read."""
    return re.findall(r"Pneumono\S*?coniosis", text)


def test_a_word_broken_at_a_soft_hyphen_reads_whole(tmp_path: Path) -> None:
    """reportlab ends a line broken at a soft hyphen with a hyphen of its own, which
    the text of the page held as a hard one: a screen reader, search and copying got
    "Pneumonoultra-microscopic...". That hyphen is now in a Span whose /ActualText is
    the soft hyphen (ISO 32000-1, 14.8.2.2.3), in a paragraph of one font and in one
    of several (bold, a link) alike: the structure tree's text and pdftotext read the
    word whole, with a soft hyphen where the line breaks. (pypdf reads no
    /ActualText: its extract_text still has the hyphen drawn.)"""
    several = " ".join(
        f"{'x' * n} {LONG_WORD} **{LONG_WORD}** [{LONG_WORD}](https://example.org/{n})"
        for n in range(1, 9)
    )
    document = with_markdown(f"{' '.join([LONG_WORD] * 12)}\n\n{several}\n")
    data = render_pdf_bytes(document, Style())
    tree = check_tagged(data, docx_file(tmp_path, render_docx(document, Style())))
    content = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data().decode()
    drawn = len(SOFT_HYPHEN_DRAWN.findall(content))
    texts = text_by_mcid(data)
    paragraphs = [
        "".join(text for _, text in leaf_texts(node, texts))
        for node in tree.walk()
        if node.role == "P"
    ]
    first, second = (p for p in paragraphs if p.startswith(("Pneumono", "x ")))
    assert SOFT_HYPHEN in first and SOFT_HYPHEN in second  # both broken at one
    path = tmp_path / "soft.pdf"
    path.write_bytes(data)
    extracted = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for text in (first + second, extracted.replace(f"{SOFT_HYPHEN}\n", SOFT_HYPHEN)):
        words = _long_words(text)
        assert len(words) == 12 + 8 * 3
        assert {word.replace(SOFT_HYPHEN, "") for word in words} == {WHOLE_WORD}, words
        broken = [word for word in words if SOFT_HYPHEN in word]
        assert len(broken) == drawn > 2 and all(word.count(SOFT_HYPHEN) == 1 for word in broken)


def test_a_soft_hyphen_read_as_one_is_drawn_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hyphen drawn apart, in its Span, lands where reportlab drew it: the page
    renders pixel for pixel as it did with the hyphen ending the line's text."""
    several = " ".join(
        f"{'y' * n} **{LONG_WORD}** [{LONG_WORD}](https://example.org)" for n in range(6)
    )
    document = with_markdown(f"{' '.join([LONG_WORD] * 8)}\n\n{several}\n")

    def rendered() -> tuple[int, bytes]:
        """How many hyphens are read as soft ones, and the page's pixels."""
        pdf._laid_out.cache_clear()
        data = render_pdf_bytes(document, Style())
        content = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data().decode()
        image = pypdfium2.PdfDocument(data)[0].render(scale=2).to_pil()
        return len(SOFT_HYPHEN_DRAWN.findall(content)), image.tobytes()

    marked, pixels = rendered()
    monkeypatch.setattr(pdf, "_soft_hyphen_breaks", lambda *_: None)  # as before
    try:
        assert rendered() == (0, pixels)
    finally:
        pdf._laid_out.cache_clear()
    assert marked > 2


def test_the_structure_elements_are_numbered_as_reportlab_numbers_new_objects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The structure elements (some sixty a brief) are added to the document as
    reportlab's Reference adds a new object, without it: it adds only the tree's
    root, parent tree and mark info itself, and the file is the one it writes
    adding them all."""
    document = with_markdown("# Title\n\nA paragraph with a [link](https://example.org).\n")
    added = render_pdf_bytes(document, Style())
    raws: list[object] = []
    real = PDFDocument.Reference

    def reference(self: PDFDocument, obj: object, name: str | None = None) -> object:
        if isinstance(obj, pdf_tags._Raw):
            raws.append(obj)
        return real(self, obj, name)

    monkeypatch.setattr(PDFDocument, "Reference", reference)
    assert render_pdf_bytes(document, Style()) == added
    assert len(raws) == 3  # the root (named), the parent tree and the mark info

    def by_reportlab(self: pdf_tags._Writer, raw: pdf_tags._Raw) -> str:
        return self.number(real(self.doc, raw))

    monkeypatch.setattr(pdf_tags._Writer, "add", by_reportlab)
    assert render_pdf_bytes(document, Style()) == added


def test_the_marker_callback_is_where_the_installed_reportlab_looks_for_it() -> None:
    """reportlab calls an ``<onDraw>`` marker by name: from 4.4.9 among the canvas's
    named callbacks, before as an attribute of the canvas (``getattr(canvas, name)``
    in its paragraph module); pyproject's floor is older than 4.4.9."""
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(io.BytesIO())
    pdf_tags.install_marker(canvas)
    if hasattr(canvas, "getNamedCB"):
        assert canvas.getNamedCB(pdf_tags.CALLBACK) is pdf_tags._marker
    else:
        assert getattr(canvas, pdf_tags.CALLBACK) is pdf_tags._marker

    class BeforeNamedCallbacks:  # a canvas as reportlab made it before 4.4.9
        pass

    old = BeforeNamedCallbacks()
    pdf_tags.install_marker(old)
    assert getattr(old, pdf_tags.CALLBACK) is pdf_tags._marker


def test_the_document_properties_are_their_words_on_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A soft hyphen in the title (or the organization's name, or the description)
    went into the PDF's Info as a byte PDFDocEncoding leaves undefined: the title bar
    (DisplayDocTitle) showed "Pneumono\ufffdultra..." (pypdf read
    "Pneumono\u7abeltra..."), and a title's line break stayed one. What a viewer shows
    and a screen reader announces is the words, in the PDF's Info and XMP and the
    DOCX's properties alike."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefgen.toml").write_text(
        '[organization]\nname = "Law Enforce\\u00ADment Task Force"\n', encoding="utf-8"
    )
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "long.md.j2").write_text(
        "---\ndescription: Facts on fen\u00adtanyl\n---\n"
        "Pneumono&shy;ultramicroscopic&#x2060;silico\\\nvolcanoes and fentanyl\n"
        "======\n\nText.\n",
        encoding="utf-8",
    )
    args = ["build", "--facts", str(REPO / "facts"), "--audience", "long", "--out", "out"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    title = "Pneumonoultramicroscopicsilico volcanoes and fentanyl"
    author, subject = "Law Enforcement Task Force", "Facts on fentanyl"
    reader = PdfReader(tmp_path / "out" / "long.pdf")
    assert reader.metadata is not None
    assert (reader.metadata.title, reader.metadata.author) == (title, author)
    assert reader.metadata.subject == subject
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert (xmp.dc_title, xmp.dc_creator) == ({"x-default": title}, [author])
    assert xmp.dc_description == {"x-default": subject}
    word = docx.Document(str(tmp_path / "out" / "long.docx")).core_properties
    assert (word.title, word.author, word.subject) == (title, author, subject)


def test_a_link_with_a_soft_hyphen_is_described_by_its_words(tmp_path: Path) -> None:
    """The annotation's /Contents kept the soft hyphen, written as byte 0xAD, which
    PDFDocEncoding leaves undefined: pypdf could not decode it (it gave bytes), qpdf
    read a replacement character. A screen reader describes the link by its words."""
    document = with_markdown(
        "Read [the pneumono&shy;ultramicroscopic report](https://example.org/r) now.\n"
    )
    style = Style()
    tree = check_tagged(
        render_pdf_bytes(document, style), docx_file(tmp_path, render_docx(document, style))
    )
    described = [
        kid["/Contents"]
        for node in tree.walk()
        if node.role == "Link"
        for kid in node.kids
        if isinstance(kid, DictionaryObject)
    ]
    assert described[0] == "the pneumonoultramicroscopic report (https://example.org/r)"
