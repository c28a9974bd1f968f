"""The names a facts filter may use, and the message for one no fact has.

``facts list --topic costs`` and a template's ``facts(topic="costs")`` would otherwise
find nothing and say nothing: a name no fact carries is almost always a slip.
"""

from __future__ import annotations

from briefgen.facts.schema import Kind, place_slug
from briefgen.facts.store import FactStore
from briefgen.inputs import quote
from briefgen.suggest import closest

# The names a message lists at most: a store of thousands of local facts knows
# thousands of places, which made one line of a megabyte.
MAX_LISTED = 20


def known_names(store: FactStore) -> dict[str, list[str]]:
    """What each filter may name: the audiences, topics and places some fact has, every
    kind."""
    return {
        "audience": store.audiences(),
        "topic": store.topics(),
        "kind": [str(kind) for kind in Kind],
        "place": store.places(),
    }


def unknown_filters(store: FactStore, given: dict[str, str | None]) -> dict[str, str]:
    """For each filter in ``given`` (``audience``, ``topic``, ``kind``, ``place`` to a
    name, or None) whose name no fact has: a message with the close name and the known
    ones."""
    known = known_names(store)
    return {
        what: unknown_name(what, value, known[what])
        for what, value in given.items()
        if value is not None
        and (place_slug(value) if what == "place" else value) not in known[what]
    }


def unknown_name(what: str, value: str, known: list[str]) -> str:
    """``no fact has topic 'costs' (did you mean 'cost'?); the facts' topics are ...``."""
    close = closest(value, known)
    hint = f" (did you mean '{close}'?)" if close else ""
    listed = ", ".join(known[:MAX_LISTED]) or "none"
    if len(known) > MAX_LISTED:
        listed += f" and {len(known) - MAX_LISTED:,} more"
    if what == "kind":
        return f"{quote(value)} is not a kind of fact{hint}; the kinds are {listed}"
    return f"no fact has {what} {quote(value)}{hint}; the facts' {what}s are {listed}"
