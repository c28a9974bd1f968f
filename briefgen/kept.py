"""What is read from one line of text, kept once per process.

A batch's copies print the same lines but for those naming their recipient, so the
stages that read a brief line by line (its template markers, the facts a line cites,
the figures it prints, the template code left in it) keep what they read of each
line. Only a line up to :data:`MAX_KEPT_CHARS` is kept: a template may print one of
hundreds of thousands of characters, which the cache would hold for the process.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, Generic, TypeVar

MAX_KEPT_CHARS = 1000

_Read = TypeVar("_Read")


class KeptByText(Generic[_Read]):
    """``read(text)``, kept for the ``maxsize`` texts last read, each up to
    :data:`MAX_KEPT_CHARS` characters; a longer text is read each time."""

    def __init__(self, read: Callable[[str], _Read], maxsize: int = 1024) -> None:
        self._read = read
        self._kept = lru_cache(maxsize=maxsize)(read)
        self.__doc__ = read.__doc__

    def __call__(self, text: str) -> _Read:
        return self._kept(text) if len(text) <= MAX_KEPT_CHARS else self._read(text)

    def cache_info(self) -> Any:
        """The cache's hits and misses (``functools.lru_cache``'s)."""
        return self._kept.cache_info()

    def cache_clear(self) -> None:
        """Forget every text read."""
        self._kept.cache_clear()
