"""One hierarchy of errors, each carrying where the problem is.

Every error briefgen raises on purpose derives from :class:`BriefgenError`, a
:class:`click.ClickException`, so the CLI prints one line and exits 1 instead of
showing a traceback. The message reads ``path:line: what is wrong``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import click


@dataclass(frozen=True)
class Location:
    """A place in a user's file: path and 1-based line (0 when the whole file is meant)."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        shown = terminal_safe(_shown(self.path, os.getcwd()), keep="")
        return f"{shown}:{self.line}" if self.line else shown

    @classmethod
    def of(cls, path: str | Path, line: int = 0) -> Location:
        """Line ``line`` (0: the whole file) of ``path``, shown as messages show paths."""
        return cls(display_path(path), line)


def terminal_safe(text: str, keep: str = "\n\t") -> str:
    """``text`` with each control or format character but those in ``keep`` written as
    an escape (``\x1b``, ``\u202e``): a file name or value in a message must not
    clear the screen, write the clipboard (OSC 52), reverse the line or start one."""
    if text.isprintable():  # the quick answer: no control, format or separator
        return text
    return "".join(
        char if char in keep or char.isprintable() else ascii(char)[1:-1] for char in text
    )


def display_path(path: str | Path) -> str:
    """Show a path relative to the working directory when it lies below it."""
    return _display_path(str(path), os.getcwd())


def display_path_in(path: str | Path, cwd: str) -> str:
    """:func:`display_path` with the working directory ``cwd`` given."""
    return _display_path(str(path), cwd)


@lru_cache(maxsize=1024)
def _display_path(path: str, cwd: str) -> str:
    # Cached: every line of a rendered template carries a location.
    place = Path(path)
    try:
        try:
            real = place.resolve()
        except RuntimeError:  # Python 3.11's loop of links: shown where the link is
            real = place.parent.resolve() / place.name
        return str(real.relative_to(Path(cwd).resolve()))
    except (ValueError, OSError, RuntimeError):
        return path


# briefgen's own templates, named in messages as the CLI names them (builtin/NAME),
# not by where the package happens to be installed. ``path`` stays the real file.
_BUILTINS = Path(__file__).resolve().parent / "builtin_templates"
BUILTIN_SHOWN = "builtin"


@lru_cache(maxsize=256)
def _shown(path: str, cwd: str) -> str:
    """``path`` as a message shows it: a built-in template as ``builtin/public.md.j2``."""
    if "builtin_templates" not in path:  # the quick answer for every other file
        return path
    try:
        inside = (Path(cwd) / path).resolve().relative_to(_BUILTINS)
    except (ValueError, OSError, RuntimeError):
        return path
    return f"{BUILTIN_SHOWN}/{inside.as_posix()}"


class BriefgenError(click.ClickException):
    """Base of every error briefgen reports to its user."""

    exit_code = 1

    def __init__(self, message: str, location: Location | None = None) -> None:
        self.location = location
        self.detail = message = terminal_safe(message)
        super().__init__(f"{location}: {message}" if location else message)

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.format_message(), err=True, file=file)


class ProblemList(BriefgenError):
    """Several problems found in one pass, reported together, one per line."""

    def __init__(self, problems: Sequence[BriefgenError], shown: int | None = None) -> None:
        """``shown``: how many the message lists, then how many more there are (a
        file with thousands of mistakes); :attr:`problems` holds every one."""
        self.problems = list(problems)
        lines = [p.format_message() for p in self.problems[:shown]]
        if shown is not None and len(self.problems) > shown:
            # At the file they are all in; problems in several files, at none.
            paths = {p.location.path if p.location else None for p in self.problems}
            path = paths.pop() if len(paths) == 1 else None
            more = BriefgenError(
                f"... and {len(self.problems) - shown:,} more problems",
                Location(path) if path else None,
            )
            lines.append(more.format_message())
        super().__init__("\n".join(lines))
        self.location = self.problems[0].location if self.problems else None

    def __iter__(self) -> Any:
        return iter(self.problems)


class FactsError(BriefgenError):
    """A facts file is malformed or breaks the schema."""


class SettingsError(BriefgenError):
    """The workspace settings file is malformed."""


class TemplateError(BriefgenError):
    """A template cannot be found, parsed or rendered."""


class LayoutError(BriefgenError):
    """Content cannot be laid out as asked (for example it does not fit one page)."""


class TooWide(LayoutError):
    """A block's words are wider than its column at the type size tried (a table's
    columns): the fitter tries a smaller size before it gives up. ``what``: the
    block, as a reader names it ("table")."""

    def __init__(self, message: str, location: Location | None = None, what: str = "block") -> None:
        super().__init__(message, location)
        self.what = what


class RecipientsError(BriefgenError):
    """A recipients file (``build --recipients``) is malformed or a row is wrong."""


class OutputError(BriefgenError):
    """An output file or folder cannot be written."""


def problems_of(error: BriefgenError) -> list[BriefgenError]:
    """The problems ``error`` reports: a :class:`ProblemList`'s, else itself."""
    return error.problems if isinstance(error, ProblemList) else [error]


# The most problems one message lists: a file with thousands of mistakes (a facts
# file's every key misspelt) printed one line each, megabytes of them.
MAX_PROBLEMS_SHOWN = 100


def raise_all(problems: Iterable[BriefgenError]) -> None:
    """Raise nothing for no problems, the problem itself for one, a ProblemList for
    more (its message lists the first :data:`MAX_PROBLEMS_SHOWN`)."""
    found = list(problems)
    if len(found) == 1:
        raise found[0]
    if found:
        raise ProblemList(found, shown=MAX_PROBLEMS_SHOWN)
