"""``briefgen facts check``: the facts store validated, then summarized with what is
worth a look in it (stale facts, fields that would not print, audiences no template
has, places of a recipients file no fact is about, folders left unread)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path

from briefgen.errors import MAX_PROBLEMS_SHOWN
from briefgen.facts import load_store
from briefgen.facts.report import summary, unknown_audiences, unknown_places, unread_folders
from briefgen.facts.schema import Fact
from briefgen.facts.store import FactStore
from briefgen.glyphs import store_glyph_problems
from briefgen.recipients import RecipientList, load_recipients
from briefgen.settings import Settings, load_settings
from briefgen.templating.search import SearchPath
from briefgen.theme import FAMILIES


@dataclass(frozen=True)
class FactsCheck:
    """A facts store read and validated, with what its report needs."""

    facts_path: Path
    store: FactStore
    recipients: RecipientList | None
    settings: Settings
    max_age_years: float
    stale: list[Fact]

    @classmethod
    def run(
        cls,
        facts_path: Path,
        max_age: float | None,
        recipients_path: Path | None,
        name_column: str | None,
    ) -> FactsCheck:
        """Read the facts at ``facts_path`` (and the recipients file, if given),
        raising every problem found; ``max_age`` overrides the settings' age limit."""
        store = load_store(facts_path)
        # Only the places matter here: any audience name passes (build checks them).
        recipients = (
            load_recipients(recipients_path, str, audience="any", name_column=name_column or "id")
            if recipients_path is not None
            else None
        )
        settings = load_settings(Path.cwd())
        years = max_age if max_age is not None else settings.facts.max_age_years
        stale = store.stale(dt.date.today(), years)
        return cls(facts_path, store, recipients, settings, years, stale)

    def lines(self) -> Iterator[str]:
        """The report, a line at a time: the summary, then each thing worth a look."""
        store = self.store
        yield summary(store, self.stale, self.max_age_years)
        audiences = list(SearchPath.build([], Path(".")).audience_files())
        warnings = chain(
            store_glyph_problems(store, FAMILIES[self.settings.theme.font]),
            unknown_audiences(store, audiences),
            unknown_places(store, self.recipients) if self.recipients else (),
            unread_folders(self.facts_path),
        )
        # The first hundred: a store of 30,000 facts for an audience no template has
        # was told in 30,000 lines.
        yield from islice(warnings, MAX_PROBLEMS_SHOWN)
        more = sum(1 for _ in warnings)
        if more:
            yield f"... and {more:,} more warnings"
