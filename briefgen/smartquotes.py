"""Straight quotes made typographic, as markdown-it's ``smartquotes`` rule makes them,
in time proportional to the text.

markdown-it's rule copies the rest of a text for each quote it looks for, copies the
whole text for each quote it replaces, scans every quote still open for each closing
one and copies that list at each token: time squared in a paragraph's quotes, which a
template writes as it likes (200,000 characters of ' "a b\\'' took 23 s). This is the
same rule, decision for decision, with each quote's replacement kept by its position
in the text as written, the open quotes in a stack that is only pushed and popped,
and each open quote knowing the nearest one below it of the other kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_QUOTE = re.compile(r"['\"]")
_APOSTROPHE = "\u2019"
_SPACE = 0x20


@dataclass
class _Open:
    """A quote that may open a pair: its text token, its position there, whether it is
    single, its nesting level, and the index in the stack of the nearest open quote
    below it of the other kind (-1: none)."""

    token: int
    pos: int
    single: bool
    level: int
    other: int


def smartquotes(state: StateCore) -> None:
    """markdown-it's core rule ``smartquotes``: each inline token's straight quotes
    replaced by the parser's ``quotes`` option, and apostrophes by '’'."""
    if not state.md.options.typographer:
        return
    for token in state.tokens:
        if token.type == "inline" and token.children and _QUOTE.search(token.content):
            _Quotes(token.children, state.md.options.quotes).process()


class _Quotes:
    """One inline token's children, their quotes replaced."""

    def __init__(self, tokens: list[Token], quotes: str) -> None:
        self.tokens = tokens
        self.quotes = quotes
        # The characters of each text token that has a replacement, one per original
        # character (a replacement may be longer): positions never move.
        self.edited: dict[int, list[str]] = {}

    def process(self) -> None:
        stack: list[_Open] = []
        for i, token in enumerate(self.tokens):
            level = token.level
            while stack and stack[-1].level > level:
                stack.pop()
            if token.type != "text":
                continue
            text = token.content
            for quote in _QUOTE.finditer(text):
                self._one(i, text, quote.start(), quote.group() == "'", level, stack)
        for i, chars in self.edited.items():
            self.tokens[i].content = "".join(chars)

    def _one(
        self, i: int, text: str, at: int, single: bool, level: int, stack: list[_Open]
    ) -> None:
        last = ord(self._last_char(i, at))
        following = ord(self._next_char(i, text, at))
        last_punct = isMdAsciiPunct(last) or isPunctChar(chr(last))
        next_punct = isMdAsciiPunct(following) or isPunctChar(chr(following))
        last_space, next_space = isWhiteSpace(last), isWhiteSpace(following)
        can_open = not next_space and not (next_punct and not (last_space or last_punct))
        can_close = not last_space and not (last_punct and not (next_space or next_punct))
        if following == 0x22 and not single and 0x30 <= last <= 0x39:
            can_open = can_close = False  # 1"" - the first quote is an inch
        if can_open and can_close:
            # In a run of punctuation ('-"-'), not in a word ('a"b').
            can_open, can_close = last_punct, next_punct
        if not can_open and not can_close:
            if single:
                self._replace(i, at, _APOSTROPHE)
            return
        if can_close:
            j = self._closing(single, level, stack)
            if j >= 0:
                opened = stack[j]
                pair = self.quotes[2:4] if single else self.quotes[0:2]
                self._replace(i, at, pair[1])
                self._replace(opened.token, opened.pos, pair[0])
                del stack[j:]
                return
        if can_open:
            other = -1
            if stack:
                top = len(stack) - 1
                other = top if stack[top].single != single else stack[top].other
            stack.append(_Open(i, at, single, level, other))
        elif can_close and single:
            self._replace(i, at, _APOSTROPHE)

    @staticmethod
    def _closing(single: bool, level: int, stack: list[_Open]) -> int:
        """The index of the open quote a closing one pairs with: the nearest of its
        kind at its level, with no quote of a lower level above it (-1: none)."""
        if not stack:
            return -1
        top = len(stack) - 1
        j = top if stack[top].single == single else stack[top].other
        # The stack's levels rise from bottom to top, and none is above this one's.
        return j if j >= 0 and stack[j].level == level else -1

    def _replace(self, i: int, at: int, by: str) -> None:
        chars = self.edited.get(i)
        if chars is None:
            chars = self.edited[i] = list(self.tokens[i].content)
        chars[at] = by

    def _char(self, i: int, at: int) -> str:
        chars = self.edited.get(i)
        return chars[at] if chars is not None else self.tokens[i].content[at]

    def _last_char(self, i: int, at: int) -> str:
        """The character before the quote at ``at`` of token ``i``, as replaced so far:
        in an earlier token of its line if it opens its token; else a space."""
        if at > 0:
            return self._char(i, at - 1)[-1]
        for j in range(i - 1, -1, -1):
            if self.tokens[j].type in ("softbreak", "hardbreak"):
                break
            if self.tokens[j].content:
                return self._char(j, len(self.tokens[j].content) - 1)[-1]
        return chr(_SPACE)

    def _next_char(self, i: int, text: str, at: int) -> str:
        """The character after the quote at ``at`` (never replaced yet): in a later
        token of its line if it ends its token; else a space."""
        if at + 1 < len(text):
            return text[at + 1]
        for j in range(i + 1, len(self.tokens)):
            if self.tokens[j].type in ("softbreak", "hardbreak"):
                break
            if self.tokens[j].content:
                return self.tokens[j].content[0]
        return chr(_SPACE)
