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
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

# Comparisons the lookups of one report may make in all: about a second or two.
MAX_COMPARED = 50_000
# Up to this many names, a lookup compares the misspelt one with every one of them;
# past it, with the SHORTLIST names sharing the most three-letter pieces with it: a
# store of 18,000 facts took 0.65 s a lookup, and each copy of a batch whose rows name
# a fact or topic that is not there looks one up.
COMPARED_ALL = 1_000
SHORTLIST = 50
# A name (a slug: at most 80 characters) is looked up by its first characters only,
# and compared by them with the first characters of each name there is: difflib takes
# time about the product of two names' lengths, and a template may set a name of
# 100,000 letters and misspell it (one comparison took 25 s).
MAX_NAME_CHARS = 100


def closest(name: str, names: Sequence[str], cutoff: float = 0.6) -> str | None:
    """The name of ``names`` closest to ``name`` (difflib's ratio at least ``cutoff``),
    or None; each compared by its first :data:`MAX_NAME_CHARS` characters."""
    if len(names) > COMPARED_ALL:
        names = _Pieces.of(tuple(names)).shortlist(name[:MAX_NAME_CHARS])
    by_start: dict[str, str] = {}
    for known in names:
        by_start.setdefault(known[:MAX_NAME_CHARS], known)
    close = difflib.get_close_matches(name[:MAX_NAME_CHARS], list(by_start), n=1, cutoff=cutoff)
    return by_start[close[0]] if close else None


def closest_name(name: str, names: Iterable[str], cutoff: float) -> str | None:
    """The one of ``names`` closest to ``name`` (difflib's ratio at least ``cutoff``),
    case aside: ``Cite`` and ``FACT`` are ``cite`` and ``fact`` (as written, ``Cite``
    and ``cite`` differ in a quarter of their letters, too far for a cutoff of 0.8)."""
    by_lower: dict[str, str] = {}
    for known in names:
        by_lower.setdefault(known.lower(), known)
    close = closest(name.lower(), list(by_lower), cutoff)
    return by_lower[close] if close else None


def _pieces(name: str) -> set[str]:
    padded = f" {name.lower()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class _Pieces:
    """Long list of names, each three-letter piece with the names holding it."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.holding: dict[str, list[int]] = {}
        for index, name in enumerate(names):
            for piece in _pieces(name[:MAX_NAME_CHARS]):
                self.holding.setdefault(piece, []).append(index)

    @staticmethod
    @lru_cache(maxsize=8)
    def of(names: tuple[str, ...]) -> _Pieces:
        return _Pieces(names)

    def shortlist(self, name: str) -> list[str]:
        """The :data:`SHORTLIST` names sharing the most pieces with ``name`` (the
        first of equals), in their order."""
        shared: Counter[int] = Counter()
        for piece in _pieces(name):
            shared.update(self.holding.get(piece, ()))
        best = sorted(shared.items(), key=lambda item: (-item[1], item[0]))[:SHORTLIST]
        return [self.names[index] for index in sorted(index for index, _ in best)]


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
