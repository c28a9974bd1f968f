"""Text and JSON views of a facts store, for ``briefgen facts check|list|show``."""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from briefgen.errors import MAX_PROBLEMS_SHOWN, Location, display_path, terminal_safe
from briefgen.facts.loader import is_facts_file_name
from briefgen.facts.schema import Fact, Source, place_slug
from briefgen.facts.store import FactStore
from briefgen.inputs import clip
from briefgen.recipients import Recipient, RecipientList
from briefgen.suggest import Suggestions

# What the summary lists at most: names in one line (the audiences with their counts,
# the sources no fact uses), sources one a line, and stale facts one a line. A store
# of 30,000 audiences made the line of their counts 4 MB; one of 36,000 stale facts
# listed each.
MAX_NAMED = 20
MAX_STALE_LISTED = MAX_PROBLEMS_SHOWN


def summary(store: FactStore, stale: list[Fact], max_age_years: float) -> str:
    """A one-screen overview: counts by kind and audience, the sources, stale facts,
    each list cut after its first :data:`MAX_NAMED` (stale facts,
    :data:`MAX_STALE_LISTED`) with how many more."""
    kinds = Counter(str(f.kind) for f in store)
    audiences = Counter(a for f in store for a in f.audiences)
    used = Counter(s for f in store for s in (f.source, f.original_source) if s)
    lines = [
        f"{plural(len(store), 'fact')}, {plural(len(store.sources), 'source')}: valid",
        "  by kind:     " + _counts(kinds),
        "  by audience: " + _counts(audiences),
        "  sources:",
    ]
    sources = list(store.sources.values())
    lines += [f"    {used[s.id]:3d}  {s.id}" for s in sources[:MAX_NAMED]]
    lines += _more(len(sources), MAX_NAMED, "sources")
    unused = [s.id for s in store.sources.values() if not used[s.id]]
    if unused:
        lines.append("  warning: sources no fact uses: " + _named(unused))
    if stale:
        verb = "is" if len(stale) == 1 else "are"
        years = plural(max_age_years, "year")
        lines.append(f"  warning: {plural(len(stale), 'fact')} {verb} older than {years}:")
        lines += [
            f"    {store.where(f.id)}: {f.id} (as of {f.as_of.label})"
            for f in stale[:MAX_STALE_LISTED]
        ]
        lines += _more(len(stale), MAX_STALE_LISTED, "facts older than that")
    return "\n".join(lines)


def _named(names: list[str]) -> str:
    """The first :data:`MAX_NAMED` of ``names``, then how many more."""
    shown = ", ".join(names[:MAX_NAMED])
    return shown + (f" and {len(names) - MAX_NAMED:,} more" if len(names) > MAX_NAMED else "")


def _more(count: int, shown: int, what: str) -> list[str]:
    """A summary's line saying how many more of ``what`` there are than it listed."""
    return [f"    ... and {count - shown:,} more {what}"] if count > shown else []


def unread_folders(path: Path) -> list[str]:
    """One line for each folder inside the store's folder ``path`` that holds facts
    files: they are not read (only the files directly in ``path`` are), and facts
    filed in ``facts/local/`` would otherwise be missed without a word."""
    if not path.is_dir():
        return []
    lines = []
    for folder in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")):
        count = sum(1 for _ in islice(_facts_files_under(folder), MAX_UNREAD_COUNTED))
        if count:
            files = plural(count, "facts file") + (
                " or more" if count == MAX_UNREAD_COUNTED else ""
            )
            # Shown as a message shows a path: a folder's name may hold any character.
            lines.append(
                f"{terminal_safe(display_path(folder), keep='')}: {files} not read: briefgen "
                f"reads only the files directly in {terminal_safe(display_path(path), keep='')}"
            )
    return lines


# Files counted at most in one unread folder: a store pointed at a large tree stops there.
MAX_UNREAD_COUNTED = 1000


def _facts_files_under(folder: Path) -> Iterator[Path]:
    for root, folders, files in os.walk(folder):
        folders[:] = [f for f in folders if not f.startswith(".")]
        yield from (Path(root, name) for name in files if is_facts_file_name(name))


# Places listed at most, in a line and in all: a file of thousands of unknown places
# (a column that is not places at all) should not fill the terminal.
MAX_PLACES_SHOWN = 20


def unknown_places(store: FactStore, recipients: RecipientList) -> list[str]:
    """One warning per place a recipient names that no fact is about, at the first row
    naming it: ``recipients.csv:LINE: place: no fact is about 'x' (facts know: ...)``."""
    return [f"{where}: {what}" for where, what in unknown_place_notes(store, recipients)]


def unknown_place_notes(store: FactStore, recipients: RecipientList) -> list[tuple[Location, str]]:
    """:func:`unknown_places` as (the first row naming the place, what is wrong)."""
    known = store.places()
    known_set = set(known)
    # By slug, as copies are matched: "El Paso, TX" and "el-paso-tx" are one place,
    # named as its first row writes it.
    first: dict[str, Recipient] = {}
    rows: Counter[str] = Counter()
    column = recipients.columns.index("place")
    for recipient in recipients.recipients:
        place = recipient.values[column]
        slug = place_slug(place)
        if place and slug not in known_set:
            first.setdefault(slug or place, recipient)
            rows[slug or place] += 1
    listed = ", ".join(known[:MAX_PLACES_SHOWN])
    if len(known) > MAX_PLACES_SHOWN:
        listed += f" and {len(known) - MAX_PLACES_SHOWN:,} more"
    lines = []
    closest = Suggestions(known)
    for key, recipient in list(first.items())[:MAX_PLACES_SHOWN]:
        place = recipient.values[column]
        meant = closest(place_slug(place))
        notes = [f"{rows[key]:,} rows"] if rows[key] > 1 else []
        notes.append(f"facts know: {listed or 'no places'}")
        notes += [f"did you mean '{meant}'?"] if meant else []
        lines.append(
            (
                recipients.location(recipient),
                f"place: no fact is about {clip(place)!r} ({'; '.join(notes)})",
            )
        )
    if len(first) > MAX_PLACES_SHOWN:
        more = len(first) - MAX_PLACES_SHOWN
        lines.append(
            (Location.of(recipients.path), f"place: and {more:,} more places no fact is about")
        )
    return lines


def unknown_audiences(store: FactStore, audiences: list[str]) -> list[str]:
    """One warning per fact and audience it names that no template has (``audiences``:
    the templates' names), at its ``audiences`` line:
    ``facts/x.yaml:LINE: audiences: no template for audience 'chief' (did you mean ...)``."""
    lines = []
    closest = Suggestions(audiences)
    for fact in store:
        for audience in fact.audiences:
            if audience not in audiences:
                meant = closest(audience)
                hint = f" (did you mean '{meant}'?)" if meant else ""
                lines.append(
                    f"{store.where(fact.id, 'audiences')}: audiences: no template for audience "
                    f"{clip(audience)!r}{hint}; the audiences are {', '.join(audiences)}"
                )
    return lines


def plural(count: float, noun: str) -> str:
    """``count`` ``noun``, the noun plural unless the count is one: "1 fact", "2.5 years",
    "3,000 errors" (thousands marked, as every other count a message gives)."""
    number = f"{count:g}" if isinstance(count, float) else f"{count:,}"
    return f"{number} {noun}" + ("" if count == 1 else "s")


def _counts(counter: Counter[str]) -> str:
    return _named([f"{name} {n}" for name, n in sorted(counter.items())]) or "none"


def table(facts: list[Fact]) -> str:
    """One line per fact: id, kind, as-of, and its text cut to the terminal's width."""
    if not facts:
        return "no facts match"
    width = shutil.get_terminal_size((100, 20)).columns
    # As wide as the longest id (at most 80 characters), but for half the line at least.
    id_width = min(max(len(f.id) for f in facts), max(40, width // 2))
    date_width = max(len(f.as_of.label) for f in facts)
    rows = []
    for fact in facts:
        head = f"{fact.id:<{id_width}}  {fact.kind:<14} {fact.as_of.label:<{date_width}}  "
        room = max(width - len(head), 20)
        rows.append(head + textwrap.shorten(fact.text, room, placeholder="…"))
    return "\n".join(rows)


def source_dict(source: Source) -> dict[str, Any]:
    """A source as CSL-JSON-like data (empty fields left out)."""
    data = source.model_dump(mode="json", exclude_none=True)
    if source.issued:
        data["issued"] = source.issued.text
    return data


def fact_dict(store: FactStore, fact: Fact) -> dict[str, Any]:
    """A fact as plain data with its source (and original source) resolved."""
    data = fact.model_dump(mode="json", exclude_none=True)
    data["as_of"] = fact.as_of.text
    if not fact.places:
        del data["places"]  # most facts are about no one place
    data["source"] = source_dict(store.source_of(fact))
    original = store.original_source_of(fact)
    if original:
        data["original_source"] = source_dict(original)
    data["location"] = str(store.where(fact.id))
    return data


def as_json(store: FactStore, facts: list[Fact]) -> str:
    """Facts as a JSON array, one object per fact, sources resolved."""
    return json.dumps([fact_dict(store, f) for f in facts], indent=2, ensure_ascii=False)


def show(store: FactStore, fact: Fact) -> str:
    """Every field of one fact, then its full source."""
    lines = [f"{fact.id}  ({fact.kind}, {store.where(fact.id)})", ""]
    lines += [*textwrap.wrap(fact.text, 88), ""]
    fields = [
        ("short", fact.short),
        ("number", fact.number() or None),
        ("speaker", ", ".join(x for x in (fact.speaker, fact.role, fact.organization) if x)),
        ("as of", fact.as_of.label),
        ("topics", ", ".join(fact.topics)),
        ("audiences", ", ".join(fact.audiences)),
        ("places", ", ".join(fact.places)),
        ("priority", str(fact.priority)),
        ("note", fact.note),
    ]
    lines += [f"{name:>10}: {value}" for name, value in fields if value]
    if fact.es is not None:
        state = "reviewed" if fact.es.reviewed else "not reviewed yet"
        lines += ["", f"in Spanish (es, {state}):", *textwrap.wrap(fact.es.text, 88)]
        spanish = [("short", fact.es.short), ("number", fact.number("es-US") or None)]
        lines += [f"{name:>10}: {value}" for name, value in spanish if value]
    source = store.source_of(fact)
    lines += ["", f"{'source':>10}: {source.citation()}  [{source.id}, {source.type}]"]
    original = store.original_source_of(fact)
    if original:
        lines.append(f"{'original':>10}: {original.citation()}  [{original.id}, {original.type}]")
    return "\n".join(lines)
