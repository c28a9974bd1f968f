""" "Did you mean" for many misspelt names against one long list of names.

Finding the closest of N names compares the misspelt one with each of them (difflib,
some 30 µs a comparison when the names look alike), so a store with thousands of
sources and thousands of facts naming sources that are not there took minutes to
report: 2,000 of each, 44 s. Each misspelt name is looked up once, and the lookups
share a budget of comparisons: past it, the rest of the problems are still told,
without a suggestion (the first ones, which a reader reads, have theirs).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# Comparisons the lookups of one report may make in all: about a second or two.
MAX_COMPARED = 50_000


class Suggestions:
    """The closest of ``choices`` to each name asked about, within :data:`MAX_COMPARED`
    comparisons in all."""

    def __init__(self, choices: Iterable[str], cutoff: float = 0.6) -> None:
        self.choices = list(choices)
        self.cutoff = cutoff
        self.left = MAX_COMPARED
        self.found: dict[str, str | None] = {}

    def __call__(self, name: str) -> str | None:
        """The closest choice to ``name``, or None (none close, or the budget spent)."""
        if name in self.found:
            return self.found[name]
        if len(self.choices) > self.left:
            return None
        self.left -= len(self.choices)
        close = difflib.get_close_matches(name, self.choices, n=1, cutoff=self.cutoff)
        self.found[name] = close[0] if close else None
        return self.found[name]
