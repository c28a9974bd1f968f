"""Number a document's citations and fill its source notes.

Notes are numbered per source in the order a reader meets them. A fact reported by
one source from another's data (the U.S. Sentencing Commission's figure in the task
force's blog post) gets a note naming both. Numbering runs again after the fitter
drops blocks, so the notes always match what is on the page.
"""

from __future__ import annotations

from dataclasses import replace

from briefgen.facts.store import FactStore
from briefgen.language import wording
from briefgen.model import (
    AnyBlock,
    Cite,
    Document,
    Inlines,
    Note,
    Notes,
    cited_fact_ids,
    map_inlines,
)


def note_text(store: FactStore, fact_id: str, language: str = "en-US") -> str:
    """The note for a fact's source: ``Original; as reported in Reporter`` (in
    Spanish ``Original; según informó Reporter``), dates in ``language``."""
    fact = store.get(fact_id)
    reporter = store.source_of(fact)
    original = store.original_source_of(fact)
    if original is None:
        return reporter.citation(language)
    return wording(language).reported.format(
        original.citation(language), reporter.citation(language)
    )


def cited_ids(document: Document) -> list[str]:
    """Fact ids in the order they are first cited."""
    return list(dict.fromkeys(f for block in document.blocks for f in cited_fact_ids(block)))


def number_citations(document: Document, store: FactStore) -> Document:
    """Give every citation its note number and fill the notes block (added at the
    end when the template placed none; left out when nothing is cited)."""
    numbers: dict[str, int] = {}
    notes: list[Note] = []
    by_fact: dict[str, int] = {}
    language = document.metadata.language
    for fact_id in cited_ids(document):
        text = note_text(store, fact_id, language)
        if text not in numbers:
            numbers[text] = len(numbers) + 1
            notes.append(Note(numbers[text], text))
        by_fact[fact_id] = numbers[text]

    def renumber(inlines: Inlines) -> Inlines:
        return tuple(
            Cite(r.fact_ids, tuple(by_fact[f] for f in r.fact_ids)) if isinstance(r, Cite) else r
            for r in inlines
        )

    blocks: list[AnyBlock] = []
    placed = False
    for block in document.blocks:
        if isinstance(block, Notes):
            if notes and not placed:
                blocks.append(replace(block, entries=tuple(notes)))
                placed = True
            continue
        blocks.append(map_inlines(block, renumber))
    if notes and not placed:
        title = wording(language).sources
        blocks.append(Notes(document.source, title=title, entries=tuple(notes)))
    return replace(document, blocks=tuple(blocks))
