"""The facts store: every fact and source, looked up by id, with where each was written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from briefgen.errors import Location
from briefgen.facts.schema import Fact, Kind, Source, place_slug
from briefgen.inputs import quote
from briefgen.suggest import closest


class _Facts(dict[str, Fact]):
    """The store's facts by id, counting its changes, so that what the store works
    out from all of them (:class:`_Index`) is worked out again after any."""

    version = 0

    def __setitem__(self, key: str, value: Fact) -> None:
        self.version += 1
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.version += 1
        super().__delitem__(key)

    def _changed(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("change a store's facts one at a time (store.facts[id] = fact)")

    update = setdefault = pop = popitem = clear = __ior__ = _changed


@dataclass
class _Index:
    """What lookups over every fact would find again and again (each batch copy's
    template asks for its place's facts, its warnings for the stale ones): worked
    out once per store and change."""

    of: dict[str, Fact]  # the facts it was worked out from (the store's, or one put in its place)
    version: int
    by_place: dict[str, list[Fact]]  # each place's facts, in file order
    audiences: list[str]
    topics: list[str]
    places: list[str]
    kinds: dict[Kind, frozenset[str]]  # the ids of each kind's facts
    stale: dict[tuple[dt.date, float], list[Fact]] = field(default_factory=dict)


@dataclass
class FactStore:
    """Facts and sources, in the order they were written, keyed by id."""

    facts: dict[str, Fact] = field(default_factory=_Facts)
    sources: dict[str, Source] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    source_locations: dict[str, Location] = field(default_factory=dict)
    field_locations: dict[tuple[str, str], Location] = field(default_factory=dict)
    source_field_locations: dict[tuple[str, str], Location] = field(default_factory=dict)
    broken_sources: set[str] = field(default_factory=set)  # ids of sources that failed checks
    _index: _Index | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.facts, _Facts):
            self.facts = _Facts(self.facts)

    def _indexed(self) -> _Index:
        facts = self.facts
        version = facts.version if isinstance(facts, _Facts) else -1
        index = self._index
        if index is None or index.of is not facts or index.version != version or version < 0:
            by_place: dict[str, list[Fact]] = {}
            kinds: dict[Kind, set[str]] = {kind: set() for kind in Kind}
            for fact in facts.values():
                for place in dict.fromkeys(fact.places):
                    by_place.setdefault(place, []).append(fact)
                kinds[fact.kind].add(fact.id)
            index = self._index = _Index(
                facts,
                version,
                by_place,
                audiences=sorted({name for fact in facts.values() for name in fact.audiences}),
                topics=sorted({name for fact in facts.values() for name in fact.topics}),
                places=sorted(by_place),
                kinds={kind: frozenset(ids) for kind, ids in kinds.items()},
            )
        return index

    def __iter__(self) -> Iterator[Fact]:
        return iter(self.facts.values())

    def __len__(self) -> int:
        return len(self.facts)

    def __contains__(self, fact_id: object) -> bool:
        return fact_id in self.facts

    def where(self, fact_id: str, field_name: str | None = None) -> Location:
        """Where a fact (or one of its fields) was written."""
        if field_name and (fact_id, field_name) in self.field_locations:
            return self.field_locations[(fact_id, field_name)]
        return self.locations[fact_id]

    def where_source(self, source_id: str, field_name: str | None = None) -> Location:
        """Where a source (or one of its fields) was written."""
        if field_name and (source_id, field_name) in self.source_field_locations:
            return self.source_field_locations[(source_id, field_name)]
        return self.source_locations[source_id]

    def get(self, fact_id: str) -> Fact:
        """The fact with this id; KeyError when there is none."""
        return self.facts[fact_id]

    def suggest(self, fact_id: str) -> str | None:
        """The closest existing fact id, for "did you mean" messages."""
        return closest(fact_id, list(self.facts), cutoff=0.5)

    def unknown_fact_message(self, fact_id: str) -> str:
        """``unknown fact 'x'``, with "did you mean" the closest fact id there is;
        ``x`` quoted as a value is (clipped, a line break written ``\\n``): a template
        or a command line may give any text."""
        close = self.suggest(fact_id)
        hint = f" (did you mean '{close}'?)" if close else ""
        return f"unknown fact {quote(fact_id)}{hint}"

    def source_of(self, fact: Fact) -> Source:
        """The source that reported ``fact`` (the seed article, report or interview)."""
        return self.sources[fact.source]

    def original_source_of(self, fact: Fact) -> Source | None:
        """The body the reporting source credits for the figure, when it is another."""
        return self.sources[fact.original_source] if fact.original_source else None

    def select(
        self,
        *,
        audience: str | None = None,
        topic: str | None = None,
        kind: str | Kind | None = None,
        place: str | None = None,
    ) -> list[Fact]:
        """Facts matching every given filter, most important first, then in file order.
        ``place`` keeps the facts about that place, its slug or its name as written
        (``Tucson, AZ`` is ``tucson-az``; none for an empty place)."""
        slug = None if place is None else place_slug(place)
        among = self.facts.values() if slug is None else self._indexed().by_place.get(slug, [])
        found = [
            fact
            for fact in among
            if (audience is None or audience in fact.audiences)
            and (topic is None or topic in fact.topics)
            and (kind is None or fact.kind == kind)
        ]
        return sorted(found, key=lambda f: -f.priority)

    def ids_of_kind(self, kind: Kind) -> frozenset[str]:
        """The ids of every fact of ``kind`` (each batch copy's check asks for the
        myths: worked out once, not from every fact for every copy)."""
        return self._indexed().kinds[kind]

    def places(self) -> list[str]:
        """Every place some fact is about, sorted."""
        return list(self._indexed().places)

    def audiences(self) -> list[str]:
        """Every audience some fact is for, sorted."""
        return list(self._indexed().audiences)

    def topics(self) -> list[str]:
        """Every topic some fact has, sorted."""
        return list(self._indexed().topics)

    def stale(self, today: dt.date, max_age_years: float) -> list[Fact]:
        """Facts whose period ended more than ``max_age_years`` before ``today``."""
        index = self._indexed()
        key = (today, max_age_years)
        if key not in index.stale:
            cutoff = _cutoff(today, max_age_years)
            index.stale[key] = [
                f for f in self.facts.values() if cutoff is not None and f.as_of.end < cutoff
            ]
        return list(index.stale[key])


def is_stale(fact: Fact, today: dt.date, max_age_years: float) -> bool:
    """Whether ``fact``'s period ended more than ``max_age_years`` before ``today``."""
    cutoff = _cutoff(today, max_age_years)
    return cutoff is not None and fact.as_of.end < cutoff


def _cutoff(today: dt.date, max_age_years: float) -> dt.date | None:
    """The day a fact's period must end after not to be stale; None before the
    calendar's first years, where no fact is."""
    try:
        return today - dt.timedelta(days=round(365.25 * max_age_years))
    except OverflowError:
        return None
