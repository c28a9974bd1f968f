"""The footer's source notes in two columns when they are long (DESIGN.md: "source
notes (two columns if long)"): split at one note, by height, where both formats split
them (renderers.note_columns), in reading order, and one page in LibreOffice."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import pytest
from office import convert_all, requires_libreoffice
from page_regions import here, regions
from pypdf import PdfReader
from readback import footer_paragraphs, pdf_text
from tagged import check_tagged, docx_file, structure

from briefgen.model import Document, Footer, Metadata, Note, Notes, Paragraph, Span
from briefgen.renderers import NoteColumns, contact_line, note_columns
from briefgen.renderers.breaks import line_count, line_width
from briefgen.renderers.docx import render_docx
from briefgen.renderers.pdf import measure, render_pdf_bytes
from briefgen.style import Style

# Long Spanish notes of a few lengths: a line and a bit across the footer, so that
# two columns of some fifty characters take fewer lines than one of some hundred.
TITLES = (
    "Oficina de Aduanas y Protección Fronteriza de EE. UU., Estadísticas de decomisos "
    "de drogas en la frontera suroeste, año fiscal 2023, 12 de enero de 2024",
    "Administración para el Control de Drogas, Evaluación nacional de la amenaza de "
    "las drogas 2024, mayo de 2024",
    "Comisión de los Estados Unidos sobre Sentencias, Delitos de tráfico de fentanilo, "
    "años fiscales 2017 a 2021; citado en Mia Pope, Grupo de Trabajo",
    "Centros para el Control y la Prevención de Enfermedades, Muertes por sobredosis de "
    "opioides sintéticos, 2014–2021, 15 de marzo de 2023",
    "Encuesta de NPR e Ipsos sobre la opinión pública acerca de la frontera y del "
    "fentanilo, 2022; citada en Mia Pope, Grupo de Trabajo",
)
CONTACT = ("Pat Doe, Directora de Políticas", "pat@example.org", "(520) 555-0100")
LOREM = (
    "Las comunidades fronterizas cargan con costos que los programas federales rara vez "
    "cubren del todo, y los jefes de policía piden fondos estables y datos compartidos. "
)


def long_notes(count: int = 12) -> Notes:
    return Notes(
        here(),
        "Fuentes",
        tuple(Note(n, f"{TITLES[(n - 1) % len(TITLES)]}.") for n in range(1, count + 1)),
    )


def brief(notes: Notes, paragraphs: int = 4, footer: Footer | None = None) -> Document:
    """A Spanish page: ``paragraphs`` body paragraphs, then ``notes`` in the footer
    beside a QR code, the contact line under them."""
    body = tuple(Paragraph(here(), (Span(LOREM * 2),)) for _ in range(paragraphs))
    return Document(
        name="notas",
        blocks=(*body, notes),
        metadata=Metadata(title="Notas largas", language="es-US", date="2026-11-03"),
        source=here(),
        footer=footer
        or Footer(CONTACT, "example.org", "https://example.org/fuentes", "Actualizado: 2026"),
    )


def columns_of(document: Document, style: Style) -> tuple[NoteColumns | None, float]:
    """The shared measure's split of ``document``'s notes, and the width of the
    footer's notes part it splits."""
    from briefgen.renderers import footer_lines, footer_text_width, qr_size

    footer = document.footer
    size = qr_size(footer.qr_url, style) if footer.qr_url else 0.0
    cells = style.footer_cells(size, footer_text_width(footer_lines(footer, style), style))
    part = style.frame_width if footer.is_empty else cells[0].inner
    notes = [b for b in document.blocks if isinstance(b, Notes)]
    return note_columns(notes, contact_line(footer), style, part), part


def text_lines(data: bytes) -> list[tuple[str, float, float]]:
    """Each line of text on the first page: (text, left, baseline from the top)."""
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    height = float(page.mediabox.height)
    lines: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            lines.append((text.strip(), cm[4] + tm[4] * cm[0], height - cm[5] - tm[5] * cm[3]))

    page.extract_text(visitor_text=visit)
    return lines


def note_starts(lines: list[tuple[str, float, float]], count: int) -> list[tuple[float, float]]:
    """The (left, baseline) of each note's first line, notes 1 to ``count``."""
    return [
        next((x, y) for text, x, y in lines if text.startswith(f"{n}. "))
        for n in range(1, count + 1)
    ]


def test_long_notes_are_set_in_two_columns_split_where_the_measure_says() -> None:
    style = Style()
    notes = long_notes()
    document = brief(notes)
    split, part = columns_of(document, style)
    assert split is not None and 1 < split.split < 11
    lines = text_lines(render_pdf_bytes(document, style))
    starts = note_starts(lines, 12)
    left, right = style.note_cells(part)
    at_left, at_right = style.margin, style.margin + left.width + style.gutter
    assert [round(x, 1) for x, _ in starts] == [round(at_left, 1)] * split.split + [
        round(at_right, 1)
    ] * (12 - split.split)
    # The right column's first note level with the left one's, under the heading.
    heading = next(y for text, _, y in lines if text == "Fuentes")
    assert starts[split.split][1] == pytest.approx(starts[0][1], abs=0.01)
    assert starts[0][1] > heading
    # Each column's notes one below the other, as many lines each as the measure counts.
    note = style.note
    for column, width in ((range(split.split), left.inner), (range(split.split, 12), right.inner)):
        for index in column:
            if index + 1 in column:
                lines_between = starts[index + 1][1] - starts[index][1] - note.space_after
                counted = line_count(
                    notes.entries[index].line,
                    note,
                    style.theme.font,
                    line_width(style, note, width),
                )
                assert lines_between / note.leading == pytest.approx(counted, abs=0.01)
    # The contact line under the right column, its last.
    contact = next(
        y for text, x, y in lines if text.startswith("Pat Doe") and x == pytest.approx(at_right)
    )
    assert contact > starts[-1][1]


def test_two_columns_keep_the_notes_reading_order(tmp_path: Path) -> None:
    """Heading, notes 1 to n, then the contact line: in the PDF's tags and in the DOCX's
    cells (check_tagged: the tags' text is the DOCX's, in order)."""
    style = Style()
    document = brief(long_notes())
    split, _ = columns_of(document, style)
    assert split is not None
    pdf = render_pdf_bytes(document, style)
    word_path = docx_file(tmp_path, render_docx(document, style))
    tree = check_tagged(pdf, word_path)
    notes = [node.ident for node in tree.walk() if node.role == "Note"]
    assert notes == [f"note-{n}" for n in range(1, 13)]
    # The DOCX's footer row: the heading and the left notes, then the rest and the
    # contact line, then the QR code's column.
    word = docx.Document(str(word_path))
    table = word.sections[0].footer.tables[0]
    cells = [[as_read(p.text) for p in cell.paragraphs if p.text] for cell in table.rows[0].cells]
    entries = [f"{n}. {TITLES[(n - 1) % 5]}." for n in range(1, 13)]
    assert cells[0] == ["Fuentes", *entries[: split.split]]
    assert cells[1] == [*entries[split.split :], contact_text()]
    assert len(cells) == 3
    assert [as_read(p.text) for p in footer_paragraphs(word) if p.text][:14] == [
        "Fuentes",
        *entries,
        contact_text(),
    ]


def as_read(text: str) -> str:
    """A note's text as read, a no-break space as a space (its last two words may be
    joined by one, so that it never ends on one word); the contact line's are its own."""
    return text if text == contact_text() else text.replace("\u00a0", " ")


def contact_text() -> str:
    return "\u00a0\u00b7 ".join(item.replace(" ", "\u00a0") for item in CONTACT)


def test_the_right_column_starts_a_heading_lower_in_the_docx_too(tmp_path: Path) -> None:
    style = Style()
    document = brief(long_notes())
    split, _ = columns_of(document, style)
    assert split is not None
    word = docx.Document(str(docx_file(tmp_path, render_docx(document, style))))
    right = word.sections[0].footer.tables[0].rows[0].cells[1]
    spacer = right.paragraphs[0]
    assert spacer.text == ""
    assert spacer.paragraph_format.line_spacing.pt == pytest.approx(split.offset, abs=0.05)


def test_short_notes_keep_one_column(tmp_path: Path) -> None:
    """Three notes of a line each (the regions page): one column, as before."""
    style = Style()
    document = regions()
    assert columns_of(document, style)[0] is None
    lines = text_lines(render_pdf_bytes(document, style))
    starts = note_starts(lines, 3)
    assert len({round(x, 1) for x, _ in starts}) == 1
    word = docx.Document(str(docx_file(tmp_path, render_docx(document, style))))
    assert len(word.sections[0].footer.tables[0].rows[0].cells) == 2


def test_notes_two_columns_would_make_taller_keep_one() -> None:
    """Notes that fill their lines across the footer take about twice the lines at half
    the width; two columns, never split inside a note, would come out taller than one
    and take the body's room: one long note beside a short one."""
    style = Style()
    notes = Notes(here(), "Fuentes", (Note(1, TITLES[0] * 6), Note(2, "DEA, 2024.")))
    assert columns_of(brief(notes), style)[0] is None


def test_few_lines_of_notes_keep_one_column() -> None:
    style = Style()
    notes = Notes(here(), "Fuentes", tuple(Note(n, "DEA, 2024.") for n in range(1, 4)))
    assert columns_of(brief(notes), style)[0] is None
    notes = replace(notes, entries=(*notes.entries, Note(4, "CDC, 2023.")))
    assert columns_of(brief(notes), style)[0] is not None


def test_two_columns_without_a_qr_code_span_the_frame(tmp_path: Path) -> None:
    """A footer of notes alone: the two columns across the frame, in both formats."""
    style = Style()
    document = brief(long_notes(), footer=Footer())
    split, part = columns_of(document, style)
    assert split is not None and part == style.frame_width
    starts = note_starts(text_lines(render_pdf_bytes(document, style)), 12)
    left = style.note_cells(part)[0]
    assert starts[-1][0] == pytest.approx(style.margin + left.width + style.gutter)
    word = docx.Document(str(docx_file(tmp_path, render_docx(document, style))))
    cells = word.sections[0].footer.tables[0].rows[0].cells
    assert len(cells) == 2
    assert cells[1].paragraphs[-1].text.startswith("12. ")


def fullest(notes: Notes, style: Style) -> Document:
    """The page with the most body paragraphs the fitter would set at this size."""
    page = brief(notes, 1)
    for paragraphs in range(1, 30):
        more = brief(notes, paragraphs)
        if measure(more, style) > style.frame_height * 0.95:
            break
        page = more
    return page


@requires_libreoffice
def test_long_spanish_notes_in_two_columns_are_one_page_in_libreoffice(
    tmp_path: Path, libreoffice: str
) -> None:
    """The fullest page the fitter allows, with sixteen long Spanish notes in two
    columns and a contact line: one page in LibreOffice's layout of the DOCX, each
    note's first line where the PDF sets it."""
    style = Style()
    document = fullest(long_notes(16), style)
    assert measure(document, style) > style.frame_height * 0.85
    assert columns_of(document, style)[0] is not None
    pdf = tmp_path / "notas.pdf"
    pdf.write_bytes(render_pdf_bytes(document, style))
    source = tmp_path / "notas-lo.docx"
    source.write_bytes(render_docx(document, style))
    layout = convert_all([source], tmp_path / "lo")[0]
    assert len(PdfReader(layout).pages) == 1
    ours = note_starts(text_lines(pdf.read_bytes()), 16)
    theirs = note_starts(text_lines(layout.read_bytes()), 16)
    for n, (mine, lo) in enumerate(zip(ours, theirs, strict=True), 1):
        assert mine[0] == pytest.approx(lo[0], abs=2.0), f"note {n}'s column"
        assert mine[1] == pytest.approx(lo[1], abs=2.0), f"note {n}'s line"
    assert "Fuentes" in pdf_text(layout)
    assert structure(PdfReader(pdf)).role == "Document"
