"""The legislators brief's content as plain data, for the peers' templates.

briefgen fits the brief for one recipient; :func:`page_content` turns the fitted
document into JSON-ready data (every text, number and note the page prints), which
the Typst and docxtpl templates lay out. What differs between recipients is the
addressee and the pill-price card of their place; everything else is the same for
every copy, so :class:`Contents` builds the data once per place and a peer's copy
only swaps the addressee in (as a mail merge would).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import sample_rows

from briefgen.batch import _Worker
from briefgen.model import (
    Box,
    CardRow,
    Chart,
    Cite,
    Columns,
    Document,
    Heading,
    Inlines,
    LineBreak,
    Notes,
    Paragraph,
    Quote,
    Span,
    children,
    plain_text,
)
from briefgen.pipeline import make_brief
from briefgen.templating.views import recipient_view

Run = dict[str, Any]  # {"t": text, "b": bold, "i": italic, "sup": a note number}


def runs(inlines: Inlines) -> list[Run]:
    """Inline text as runs; a citation becomes its note numbers in superscript."""
    out: list[Run] = []
    for inline in inlines:
        if isinstance(inline, Span):
            out.append({"t": inline.text, "b": inline.bold, "i": inline.italic, "sup": False})
        elif isinstance(inline, Cite):
            numbers = ",".join(str(n) for n in inline.notes)
            out.append({"t": numbers, "b": False, "i": False, "sup": True})
        elif isinstance(inline, LineBreak):
            out.append({"t": "\n", "b": False, "i": False, "sup": False})
    return out


def page_content(document: Document) -> dict[str, Any]:
    """Everything the legislators page prints, in reading order."""
    content: dict[str, Any] = {"paragraphs": []}
    masthead = document.masthead
    assert masthead is not None, "the legislators brief has a masthead"
    content["masthead"] = {
        "organization": masthead.organization,
        "audience": masthead.audience,
        "date": masthead.date,
    }
    content["footer"] = {"website": document.footer.website, "updated": document.footer.updated}
    for block in _in_reading_order(document.blocks):
        if isinstance(block, Heading) and block.level == 1:
            content["title"] = "".join(r["t"] for r in runs(block.inlines))
        elif isinstance(block, Heading):
            content["heading"] = "".join(r["t"] for r in runs(block.inlines))
        elif isinstance(block, Box):
            (ask,) = block.blocks
            assert isinstance(ask, Paragraph)
            content["ask"] = runs(ask.inlines)
        elif isinstance(block, CardRow):
            content["cards"] = [
                {"figure": card.figure, "label": runs(card.label)} for card in block.cards
            ]
        elif isinstance(block, Paragraph):
            content["paragraphs"].append(runs(block.inlines))
        elif isinstance(block, Chart):
            top = max(bar.value for bar in block.bars)
            content["chart"] = {
                "title": block.title,
                "bars": [
                    {"label": bar.label, "figure": bar.figure, "share": bar.value / top}
                    for bar in block.bars
                ],
                "caption": runs(block.caption),
            }
        elif isinstance(block, Quote):
            who = plain_text(block.attribution)
            content["quote"] = {"text": runs(block.inlines), "attribution": who}
        elif isinstance(block, Notes):
            content["notes"] = [f"{n.number}. {n.text}" for n in block.entries]
    return content


def _in_reading_order(blocks: tuple[Any, ...]) -> list[Any]:
    """The page's blocks, a main column's and then its sidebar's in place of the two."""
    out: list[Any] = []
    for block in blocks:
        if isinstance(block, Columns):
            out.extend(children(block))
        else:
            out.append(block)
    return out


@dataclass
class Contents:
    """The page's data for each place, made once by briefgen, then per recipient
    with the addressee swapped in."""

    by_place: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, place: str, document: Document) -> None:
        """The page briefgen made for a recipient of ``place``."""
        content = page_content(document)
        ask = content["ask"]
        # The template's first run addresses the recipient ("For Senator ...:").
        assert ask[0]["i"] and ask[0]["t"].startswith("For "), ask[0]
        self.by_place[place] = content

    def for_recipient(self, place: str, addressee: str) -> dict[str, Any]:
        """The page for one recipient: their place's page, addressed to them."""
        content = copy.copy(self.by_place[place])
        ask = list(content["ask"])
        ask[0] = {**ask[0], "t": f"For {addressee}:"}
        content["ask"] = ask
        return content


def page_contents(worker: _Worker) -> tuple[Contents, Chart]:
    """The legislators page's data for each of the sample's places, from briefgen's
    own copy for a recipient there made by a batch ``worker`` (and its chart)."""
    contents = Contents()
    chart = None
    audience = worker.workspace.search_path.audience("legislators")
    for row in sample_rows.rows(4, "legislators"):
        view = recipient_view(tuple(row), tuple(row.values()))
        brief = make_brief(worker.workspace, worker.renderer, audience, (), None, view)
        contents.add(row["place"], brief.fit.document)
        blocks = _in_reading_order(brief.fit.document.blocks)
        chart = next(b for b in blocks if isinstance(b, Chart))
    assert chart is not None
    return contents, chart
