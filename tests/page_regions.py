"""A brief built directly in Python with every page region (masthead with a logo,
title, box, cards, main column and sidebar, charts, a QR code, a picture, notes and a
footer with contact and QR code), for the renderers' region and geometry tests."""

from __future__ import annotations

import io
from dataclasses import replace

from PIL import Image as PILImage

from briefgen.errors import Location
from briefgen.model import (
    Bar,
    Box,
    Callout,
    CardRow,
    Chart,
    Cite,
    Columns,
    Document,
    Footer,
    Heading,
    Image,
    Masthead,
    Metadata,
    Note,
    Notes,
    Paragraph,
    Picture,
    QrCode,
    Span,
)

ORGANIZATION = "Arizona Water Coalition"
AUDIENCE = "Brief for Members of Congress"
DATE = "November 2026"
LINK = "https://example.org/report"
QR_URL = "https://example.org/sources"
WEBSITE = "example.org/water"
UPDATED = "Updated November 2026"
CONTACT = ("Jane Doe, Policy Director", "jane@example.org (520) 555-0100")
NOTES = (
    Note(1, "EPA survey, 2023."),
    Note(2, "GAO-24-1, a long report title that runs on."),
    Note(3, "DEA, National Drug Threat Assessment 2024."),
)
LOREM = (
    "Schools in the district report that water fountains were shut off after testing "
    "found lead above the action level, and that filters installed since have restored "
    "safe drinking water in most buildings at a modest cost per student. "
)


def here() -> Location:
    return Location("t.md", 1)


def png(width: int, height: int, colour: tuple[int, int, int]) -> Picture:
    """A plain PNG picture (alt text empty: decorative)."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(buffer, "PNG")
    return Picture(buffer.getvalue(), "png", width, height)


def cite(number: int) -> Cite:
    return Cite((f"f{number}",), (number,))


def regions(paragraphs: int = 1) -> Document:
    """Every region of the page, on one letter page at 11 pt."""
    bars = (Bar("2014", 5544, "5,544", "f1"), Bar("2021", 70601, "over 70,000", "f2"))
    chart = Chart(
        here(),
        "bar",
        "Synthetic-opioid deaths",
        bars,
        "deaths",
        "Bar chart: deaths rose from 5,544 in 2014 to over 70,000 in 2021",
        (Span("Sources: CDC"), cite(1)),
    )
    pictogram = Chart(
        here(),
        "pictogram",
        "Share trafficked by citizens",
        (Bar("citizens", 86, "86%", "f3"),),
        "%",
        "Pictogram: 86 of 100 figures filled",
        (Span("Source: USSC"), cite(3)),
    )
    body = tuple(
        Paragraph(
            here(),
            (Span(LOREM), Span("See the report", href=LINK), Span(" for FY 2023"), cite(3)),
        )
        for _ in range(paragraphs)
    )
    blocks = (
        Heading(here(), 1, (Span("Clean water for every school"),)),
        Box(here(), (Paragraph(here(), (Span("Ask: ", bold=True), Span("fund filters."))),)),
        CardRow(
            here(),
            (
                Callout(here(), "5,544", (Span("deaths in 2014"), cite(1))),
                Callout(here(), "$1–$2", (Span("per pill in Tucson, down from $30"), cite(2))),
                Callout(here(), "480%", (Span("rise in seizures"), cite(3))),
            ),
        ),
        Columns(
            here(),
            main=(
                Heading(here(), 2, (Span("Why it matters"),)),
                *body,
                chart,
            ),
            aside=(
                Heading(here(), 2, (Span("Local numbers"),)),
                pictogram,
            ),
        ),
        QrCode(here(), QR_URL),
        Image(here(), replace(png(200, 100, (200, 60, 30)), alt="A red block"), 60.0),
        Notes(here(), "Sources", NOTES),
    )
    return Document(
        name="regions",
        blocks=blocks,
        metadata=Metadata(
            title="Clean water", author=ORGANIZATION, subject="Water", date="2026-11-03"
        ),
        source=here(),
        masthead=Masthead(ORGANIZATION, AUDIENCE, DATE, png(120, 120, (255, 255, 255))),
        footer=Footer(CONTACT, WEBSITE, QR_URL, UPDATED),
    )


def with_markdown(markdown: str) -> Document:
    """The regions page with its body replaced by ``markdown`` parsed as a build parses
    it (lines of ``t.md``), between the page's title and its notes."""
    from briefgen.parse import parse_blocks

    lines = tuple(Location("t.md", n) for n in range(1, markdown.count("\n") + 2))
    page = regions()
    blocks = parse_blocks(markdown, lines, here())
    return replace(page, blocks=(page.blocks[0], *blocks, page.blocks[-1]))
