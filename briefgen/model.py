"""The format-neutral document model between templates and renderers.

A brief is a :class:`Document`: a flat tuple of small frozen blocks. Each block
remembers the template file and line it came from, so layout errors point at
the template. The PDF and DOCX renderers both consume this model and nothing
else; neither output is made from the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from briefgen.errors import Location

# --- inline runs -------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A run of text with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Cite:
    """A citation of one or more facts (cited side by side); ``notes`` holds the
    numbers of their sources in the notes, filled in by numbering."""

    fact_ids: tuple[str, ...]
    notes: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        """The superscript a reader sees: ``3`` or ``2,3``."""
        return ",".join(str(n) for n in sorted(set(self.notes)))


@dataclass(frozen=True)
class LineBreak:
    """A hard line break inside a paragraph."""


Inline = Span | Cite | LineBreak
Inlines = tuple[Inline, ...]


def plain_text(inlines: Inlines, citations: bool = True) -> str:
    """The words of a run of inlines as a reader sees them (citations as their note
    numbers, or left out)."""
    parts: list[str] = []
    for item in inlines:
        if isinstance(item, Span):
            parts.append(item.text)
        elif isinstance(item, Cite):
            if citations:
                parts.append(item.label)
        else:
            parts.append("\n")
    return "".join(parts)


# --- blocks ------------------------------------------------------------------


@dataclass(frozen=True)
class Droppable:
    """Marks blocks the fitter may drop, group by group, lowest priority first."""

    group: int
    priority: int = 1


@dataclass(frozen=True)
class Block:
    """Common to every block: where it came from, and whether it may be dropped."""

    location: Location
    droppable: Droppable | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class Heading(Block):
    level: int
    inlines: Inlines


@dataclass(frozen=True)
class Paragraph(Block):
    inlines: Inlines


@dataclass(frozen=True)
class BulletList(Block):
    items: tuple[Inlines, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Callout(Block):
    """A key number: the figure large, a short label beside it, and its citation."""

    figure: str
    label: Inlines


@dataclass(frozen=True)
class Quote(Block):
    """A pull quote and who said it."""

    inlines: Inlines
    attribution: str = ""


@dataclass(frozen=True)
class Note:
    number: int
    text: str


@dataclass(frozen=True)
class Notes(Block):
    """The numbered source notes; filled in once citations are numbered."""

    title: str = "Sources"
    entries: tuple[Note, ...] = ()


AnyBlock = Heading | Paragraph | BulletList | Callout | Quote | Notes


# Word refuses a document property (title, author, subject, ...) longer than this.
WORD_PROPERTY_LIMIT = 255


@dataclass(frozen=True)
class Metadata:
    """Document properties written into both PDF and DOCX (each at most
    :data:`WORD_PROPERTY_LIMIT` characters)."""

    title: str
    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()
    language: str = "en-US"


@dataclass(frozen=True)
class Document:
    """One brief, ready to lay out: its blocks and its properties."""

    name: str
    blocks: tuple[AnyBlock, ...]
    metadata: Metadata
    source: Location

    def without(self, group: int) -> Document:
        """The same document with one droppable group removed."""
        kept = tuple(b for b in self.blocks if not (b.droppable and b.droppable.group == group))
        return replace(self, blocks=kept)

    def droppable_groups(self) -> list[Droppable]:
        """Each droppable group once, in the order the fitter drops them."""
        groups: dict[int, Droppable] = {}
        for block in self.blocks:
            if block.droppable:
                groups.setdefault(block.droppable.group, block.droppable)
        # Lowest priority first; among equals, the one further down the page first.
        return sorted(groups.values(), key=lambda d: (d.priority, -d.group))


def block_text(block: AnyBlock, citations: bool = True) -> str:
    """All the words of a block, as a reader sees them (with or without note numbers)."""
    if isinstance(block, Heading | Paragraph):
        return plain_text(block.inlines, citations)
    if isinstance(block, BulletList):
        return "\n".join(plain_text(item, citations) for item in block.items)
    if isinstance(block, Callout):
        return f"{block.figure}\n{plain_text(block.label, citations)}"
    if isinstance(block, Quote):
        quote = plain_text(block.inlines, citations)
        return quote + (f"\n{block.attribution}" if block.attribution else "")
    return "\n".join(f"{n.number}. {n.text}" for n in block.entries)


def inline_groups(block: AnyBlock) -> list[Inlines]:
    """Every run of inlines a block holds (a list has one per item)."""
    if isinstance(block, Heading | Paragraph | Quote):
        return [block.inlines]
    if isinstance(block, Callout):
        return [block.label]
    if isinstance(block, BulletList):
        return list(block.items)
    return []


def map_inlines(block: AnyBlock, change: Callable[[Inlines], Inlines]) -> AnyBlock:
    """The block with ``change`` applied to each of its runs of inlines."""
    if isinstance(block, Heading | Paragraph | Quote):
        return replace(block, inlines=change(block.inlines))
    if isinstance(block, Callout):
        return replace(block, label=change(block.label))
    if isinstance(block, BulletList):
        return replace(block, items=tuple(change(item) for item in block.items))
    return block


def cited_fact_ids(block: AnyBlock) -> list[str]:
    """The fact ids a block cites, in order."""
    return [
        fact_id
        for inlines in inline_groups(block)
        for run in inlines
        if isinstance(run, Cite)
        for fact_id in run.fact_ids
    ]
