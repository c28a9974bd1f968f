"""The facts store: every fact and source, looked up by id, with where each was written."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field

from briefgen.errors import Location
from briefgen.facts.schema import Fact, Kind, Source, place_slug


@dataclass
class FactStore:
    """Facts and sources, in the order they were written, keyed by id."""

    facts: dict[str, Fact] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    source_locations: dict[str, Location] = field(default_factory=dict)
    field_locations: dict[tuple[str, str], Location] = field(default_factory=dict)
    source_field_locations: dict[tuple[str, str], Location] = field(default_factory=dict)
    broken_sources: set[str] = field(default_factory=set)  # ids of sources that failed checks

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
        close = difflib.get_close_matches(fact_id, list(self.facts), n=1, cutoff=0.5)
        return close[0] if close else None

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
        found = [
            fact
            for fact in self.facts.values()
            if (audience is None or audience in fact.audiences)
            and (topic is None or topic in fact.topics)
            and (kind is None or fact.kind == kind)
            and (slug is None or slug in fact.places)
        ]
        return sorted(found, key=lambda f: -f.priority)

    def places(self) -> list[str]:
        """Every place some fact is about, sorted."""
        return sorted({place for fact in self.facts.values() for place in fact.places})

    def stale(self, today: dt.date, max_age_years: float) -> list[Fact]:
        """Facts whose period ended more than ``max_age_years`` before ``today``."""
        try:
            cutoff = today - dt.timedelta(days=round(365.25 * max_age_years))
        except OverflowError:  # a date in the first years of the calendar
            return []
        return [fact for fact in self.facts.values() if fact.as_of.end < cutoff]
