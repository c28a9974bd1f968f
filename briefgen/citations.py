"""Number a document's citations and fill its source notes.

Notes are numbered per source in the order a reader meets them. A fact reported by
one source from another's data (the U.S. Sentencing Commission's figure in the task
force's blog post) gets a note naming both. Numbering runs again after the fitter
drops blocks, so the notes always match what is on the page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from functools import lru_cache

from briefgen.facts.schema import Source
from briefgen.facts.store import FactStore
from briefgen.language import wording
from briefgen.model import (
    AnyBlock,
    Cite,
    Document,
    Inlines,
    Note,
    Notes,
    Span,
    map_inlines,
)


def note_text(store: FactStore, fact_id: str, language: str = "en-US") -> str:
    """The note for a fact's source: ``Original; as reported in Reporter`` (in
    Spanish ``Original; citado en Reporter``), dates in ``language``."""
    return _note(store, fact_id, language)[0]


def note_parts(store: FactStore, fact_id: str, language: str = "en-US") -> list[tuple[str, str]]:
    """:func:`note_text` in pieces, each with its language (``""``: ``language``):
    a source's names and title in the source's own when it is another."""
    return list(_note(store, fact_id, language)[1])


def _note(store: FactStore, fact_id: str, language: str) -> _Note:
    fact = store.get(fact_id)
    return _sources_note(store.source_of(fact), store.original_source_of(fact), language)


_Note = tuple[str, tuple[tuple[str, str], ...]]

# Notes of the sources a process cites, in each language it prints them in.
_NOTES_KEPT = 1024


@lru_cache(maxsize=_NOTES_KEPT)
def _sources_note(
    reporter: Source, original: Source | None, language: str, named: bool = False
) -> _Note:
    """The note naming ``reporter`` (and ``original``, the body it credits) and its
    pieces, kept by the sources (frozen: their fields are the key) and language: a
    batch's copies cite the same sources, and every copy writes each note twice
    (the glyph check, the numbering) or more. ``named``: an earlier note of the page
    names ``reporter`` in full, and this one by its short title."""
    parts = reporter.short_citation_parts(language) if named else reporter.citation_parts(language)
    if original is not None:
        before, between, after = wording(language).reported.split("{}")
        parts = [
            (before, ""),
            *original.citation_parts(language),
            (between, ""),
            *parts,
            (after, ""),
        ]
    return "".join(text for text, _ in parts), tuple(parts)


def note_spans(parts: list[tuple[str, str]]) -> tuple[Span, ...]:
    """A note's pieces as spans, neighbours of one language joined; none when the
    whole note is in the brief's language."""
    if not any(language for _, language in parts):
        return ()
    spans: list[Span] = []
    for text, language in parts:
        if not text:
            continue
        if spans and spans[-1].language == language:
            spans[-1] = Span(spans[-1].text + text, language=language)
        else:
            spans.append(Span(text, language=language))
    return tuple(spans)


def cited_ids(document: Document) -> list[str]:
    """Fact ids in the order they are first cited."""
    return list(document.cited)


# Pages' notes kept: a batch's copies cite the same sources in the same order, but for
# the few facts a recipient's place adds.
_PAGES_KEPT = 256


@lru_cache(maxsize=_PAGES_KEPT)
def _numbered_notes(
    cited: tuple[tuple[Source, Source | None], ...], language: str
) -> tuple[tuple[Note, ...], tuple[int, ...]]:
    """The notes of a page citing facts of the sources ``cited`` (each fact's reporter
    and the body it credits, in the order the facts are first cited), and each fact's
    note number: kept by the sources (frozen: their fields are the key) and language,
    which are all a note is written from; the fitter numbers every version it tries."""
    numbers: dict[str, int] = {}  # by the note's text in full
    notes: list[Note] = []
    by_fact: list[int] = []
    named: set[Source] = set()  # sources an earlier note names in full
    # Every source the page names, the bodies credited too: a short title that is
    # another's title ("Fentanyl at the Border: Part 1" beside a report "Fentanyl at
    # the Border") could name either.
    sources = {reporter for reporter, _ in cited}
    sources |= {original for _, original in cited if original is not None}
    titles = Counter(source.short_title_as_read for source in sources)
    for reporter, original in cited:
        full = _sources_note(reporter, original, language)[0]
        if full not in numbers:
            numbers[full] = len(numbers) + 1
            # A source reporting many facts was named in full line after line, a
            # sixth of a page of notes repeating one long title.
            # Two sources of one short title ("Fentanyl: Part 1", "Part 2") keep theirs.
            short = reporter in named and titles[reporter.short_title_as_read] == 1
            text, parts = _sources_note(reporter, original, language, named=short)
            notes.append(Note(numbers[full], text, note_spans(list(parts))))
            named.add(reporter)
        by_fact.append(numbers[full])
    return tuple(notes), tuple(by_fact)


def number_citations(document: Document, store: FactStore) -> Document:
    """Give every citation its note number and fill the notes block (added at the
    end when the template placed none; left out when nothing is cited)."""
    language = document.metadata.language
    fact_ids = cited_ids(document)
    facts = [store.get(fact_id) for fact_id in fact_ids]
    cited = tuple((store.source_of(fact), store.original_source_of(fact)) for fact in facts)
    notes, numbers = _numbered_notes(cited, language)
    by_fact = dict(zip(fact_ids, numbers, strict=True))

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
    numbered = replace(document, blocks=tuple(blocks))
    # Numbering keeps each citation's facts, in order, and notes cite nothing: the
    # facts cited are the document's, not walked for again.
    numbered.__dict__["cited"] = document.cited
    return numbered
