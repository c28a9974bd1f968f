"""Assemble a :class:`~briefgen.model.Document` from a rendered template."""

from __future__ import annotations

from collections.abc import Callable

from briefgen.citations import cited_ids
from briefgen.errors import Location, TemplateError
from briefgen.facts.store import FactStore
from briefgen.model import Document, Heading, Metadata, plain_text
from briefgen.parse import parse_blocks
from briefgen.settings import Settings
from briefgen.templating.environment import Rendered
from briefgen.templating.helpers import unknown_fact_message


def citation_check(store: FactStore) -> Callable[[str], str | None]:
    """What the parser asks about each cited id: None when the store has the fact."""

    def check(fact_id: str) -> str | None:
        return None if fact_id in store else unknown_fact_message(fact_id, store)

    return check


def assemble(rendered: Rendered, store: FactStore, settings: Settings) -> Document:
    """Parse the template's Markdown into blocks and give the document its properties:
    the first level-1 heading is the title; keywords are the cited facts' topics."""
    audience = rendered.audience
    source = Location.of(audience.path or audience.name, 1)
    blocks = parse_blocks(rendered.text, rendered.lines, source, check=citation_check(store))
    if not blocks:
        raise TemplateError(f"the '{audience.name}' template produced no content", source)
    title = next(
        (plain_text(b.inlines) for b in blocks if isinstance(b, Heading) and b.level == 1),
        audience.display_name,
    )
    document = Document(
        name=audience.name,
        blocks=tuple(blocks),
        metadata=Metadata(title=title, language=audience.language),
        source=source,
    )
    topics = dict.fromkeys(t for fid in cited_ids(document) for t in store.get(fid).topics)
    author = settings.build.author or settings.organization.name
    subject = audience.description or f"Policy brief for {audience.display_name}"
    return Document(
        name=document.name,
        blocks=document.blocks,
        metadata=Metadata(
            title=title,
            author=author,
            subject=subject,
            keywords=tuple(topics),
            language=audience.language,
        ),
        source=source,
    )
