"""Assemble a :class:`~briefgen.model.Document` from a rendered template."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from briefgen.charts import resolve_chart
from briefgen.citations import cited_ids
from briefgen.dates import brief_date, updated_line
from briefgen.errors import Location, TemplateError
from briefgen.facts.store import FactStore
from briefgen.glyphs import printing_problem
from briefgen.language import month_year, wording
from briefgen.model import (
    WORD_PROPERTY_LIMIT,
    Chart,
    Document,
    Footer,
    Heading,
    Masthead,
    Metadata,
    plain_text,
    without_format_characters,
)
from briefgen.parse import parse_blocks
from briefgen.settings import Settings, theme_of
from briefgen.templating.environment import Rendered
from briefgen.templating.helpers import missing_translation_message
from briefgen.templating.search import AudienceInfo


def citation_check(store: FactStore, language: str = "en-US") -> Callable[[str], str | None]:
    """What the parser asks about each cited id: None when the store has the fact
    (and, for a template in another language, the fact's form in it)."""

    english = wording(language).is_english  # the template's, asked once

    def check(fact_id: str) -> str | None:
        if fact_id not in store:
            return store.unknown_fact_message(fact_id)
        if english:
            return None
        fact = store.get(fact_id)
        if fact.translation(language) is None:
            return missing_translation_message(fact, store, language)
        return None

    return check


def _as_read(text: str) -> str:
    """``text`` as a document property (title, author, subject), which a viewer's
    title bar shows and a screen reader announces: on one line, without what only
    shapes lines on a page (a no-break space, a soft hyphen, a word joiner;
    PDFDocEncoding, which a PDF's Info strings are written in when they can be, has
    no soft hyphen, so viewers showed one as a replacement character)."""
    # str.split() takes the no-break space for a space.
    return " ".join(without_format_characters(text).split())


def chart_resolver(store: FactStore, language: str = "en-US") -> Callable[[str, Location], Chart]:
    """What the parser calls to turn a ``briefgen-chart`` block into a chart."""

    def chart(spec: str, where: Location) -> Chart:
        return resolve_chart(spec, store, where, language)

    return chart


def assemble(
    rendered: Rendered, store: FactStore, settings: Settings, date: dt.date | None = None
) -> Document:
    """Parse the template's Markdown into blocks and give the document its properties
    (the first level-1 heading is the title; keywords are the cited facts' topics), its
    masthead and its footer. ``date``: the brief's date (None: as
    :func:`~briefgen.dates.brief_date` chooses it without ``--date``)."""
    audience = rendered.audience
    day = date or brief_date(None, settings.build.date)
    source = Location.of(audience.path or audience.name, 1)
    blocks = parse_blocks(
        rendered.text,
        rendered.lines,
        source,
        check=citation_check(store, audience.language),
        charts=chart_resolver(store, audience.language),
        folders=rendered.folders,
        language=audience.language,
    )
    if not blocks:
        raise TemplateError(f"the '{audience.name}' template produced no content", source)
    heading = next((b for b in blocks if isinstance(b, Heading) and b.level == 1), None)
    title = _as_read(plain_text(heading.inlines) if heading else "") or _as_read(
        audience.display_name
    )
    if heading and len(title) > WORD_PROPERTY_LIMIT:
        raise TemplateError(
            f"the title (the first '# ' heading) has {len(title):,} characters; Word allows "
            f"at most {WORD_PROPERTY_LIMIT} characters in a document's title",
            heading.location,
        )
    document = Document(
        name=audience.name,
        blocks=tuple(blocks),
        metadata=Metadata(title=title, language=audience.language),
        source=source,
    )
    topics = dict.fromkeys(t for fid in cited_ids(document) for t in store.get(fid).topics)
    author = _as_read(settings.build.author or settings.organization.name)
    made = wording(audience.language).subject
    subject = _as_read(audience.description or made.format(audience.display_name))
    if len(subject) > WORD_PROPERTY_LIMIT:  # a name from a very long file name
        raise TemplateError(
            f"the subject '{made}' made from the audience's name has "
            f"{len(subject):,} characters; Word allows at most {WORD_PROPERTY_LIMIT}: "
            "give the front matter a shorter name or a description",
            source,
        )
    assembled = Document(
        name=document.name,
        blocks=document.blocks,
        metadata=Metadata(
            title=title,
            author=author,
            subject=subject,
            # The topics are the store's English slugs: no keywords of a brief in
            # another language (a Spanish file's metadata would be read as Spanish).
            keywords=_fitting_keywords(topics) if wording(audience.language).is_english else (),
            language=audience.language,
            date=day.isoformat(),
            organization=_as_read(settings.organization.name),
        ),
        source=source,
        masthead=masthead(settings, audience, day),
        footer=footer(settings, day, audience.language),
    )
    # The same blocks cite the same facts: not walked for again.
    assembled.__dict__["cited"] = document.cited
    return assembled


def masthead(settings: Settings, audience: AudienceInfo, date: dt.date) -> Masthead:
    """The band at the top: logo, organization, the audience's name, "November 2026"."""
    if problem := printing_problem(audience.display_name, theme_of(settings).font):
        raise TemplateError(
            f"the audience's name (front matter 'name') has {problem}",
            Location.of(audience.path or audience.name, 1),
        )
    return Masthead(
        organization=settings.organization.name,
        audience=audience.display_name,
        date=month_year(date, wording(audience.language)),
        logo=theme_of(settings).logo,
    )


def footer(settings: Settings, date: dt.date, language: str = "en-US") -> Footer:
    """The bottom of the page: ``[contact]`` name, e-mail and phone (one line each, the
    empty ones left out), the website, the address the QR code encodes
    (``sources_url``, else the website; none without either) and "Updated <month year>"
    (in ``language``)."""
    contact = settings.contact
    lines = tuple(line for line in (contact.name, contact.email, contact.phone) if line)
    qr_url = contact.sources_url or _web_address(contact.website)
    return Footer(
        contact=lines,
        website=contact.website,
        qr_url=qr_url,
        updated=updated_line(date, language),
        qr_alt=wording(language).qr_code.format(qr_url) if qr_url else "",
    )


def _web_address(website: str) -> str:
    """A website as written ("example.org") as an address a phone opens from a QR code."""
    if not website or "://" in website:
        return website
    return f"https://{website}"


def _fitting_keywords(topics: Iterable[str]) -> tuple[str, ...]:
    """The first topics whose list ("a, b, c") fits in Word's keywords property."""
    kept: list[str] = []
    length = -2
    for topic in topics:
        length += len(topic) + 2
        if length > WORD_PROPERTY_LIMIT:
            break
        kept.append(topic)
    return tuple(kept)
