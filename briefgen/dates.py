"""The date a brief shows, and how it is written on the page.

One date per build, chosen in this order: ``--date``, else ``[build] date`` in
``briefgen.toml``, else ``SOURCE_DATE_EPOCH`` (reproducible builds), else today. The
masthead prints it as "November 2026", the footer as "Updated November 2026", the
files' properties as 2026-11-28.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping

from briefgen.errors import BriefgenError

# English month names; other languages come with translated briefs.
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
EPOCH_VARIABLE = "SOURCE_DATE_EPOCH"
# The years a brief may be dated: "November 226" is a typo of 2026, not a date.
YEARS = range(1900, 2101)


def year_problem(day: dt.date) -> str | None:
    """Why ``day`` cannot be a brief's date, or None."""
    if day.year in YEARS:
        return None
    return f"{day.isoformat()} is no date for a brief: give a year from {YEARS[0]} to {YEARS[-1]}"


def brief_date(
    option: dt.date | None,
    setting: dt.date | None,
    environ: Mapping[str, str] | None = None,
    today: Callable[[], dt.date] = dt.date.today,
) -> dt.date:
    """The date a build's briefs show: ``option`` (``--date``), else ``setting``
    (``[build] date``), else ``SOURCE_DATE_EPOCH`` as a UTC date, else ``today()``.

    A ``SOURCE_DATE_EPOCH`` that is set but not a whole number of seconds is an error,
    as the reproducible-builds specification asks; an empty one counts as unset.
    """
    if option is not None:
        if problem := year_problem(option):
            raise BriefgenError(f"--date: {problem}")
        return option
    if setting is not None:
        return setting  # checked with the settings, at its line
    epoch = (os.environ if environ is None else environ).get(EPOCH_VARIABLE, "").strip()
    if epoch:
        day = epoch_date(epoch)
        if problem := year_problem(day):
            raise BriefgenError(f"{EPOCH_VARIABLE}={epoch}: {problem}")
        return day
    return today()


def epoch_date(epoch: str) -> dt.date:
    """The UTC date of ``epoch`` (seconds since 1970-01-01, as ``SOURCE_DATE_EPOCH``)."""
    shown = epoch if len(epoch) <= 30 else epoch[:29] + "\u2026"
    try:
        seconds = int(epoch, 10)
    except ValueError:
        raise BriefgenError(
            f"{EPOCH_VARIABLE}={shown!r}: expected a whole number of seconds since "
            "1970-01-01 UTC, such as 1795000000; unset it or pass --date YYYY-MM-DD"
        ) from None
    try:
        if seconds < 0:
            raise ValueError  # before 1970: no brief is dated then
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise BriefgenError(
            f"{EPOCH_VARIABLE}={shown!r}: a moment before 1970 or past the year 9999, "
            "which no brief is dated; unset it or pass --date YYYY-MM-DD"
        ) from None


def month_year(day: dt.date) -> str:
    """``day`` as the masthead prints it: "November 2026"."""
    return f"{MONTHS[day.month - 1]} {day.year:04d}"


def updated_line(day: dt.date, language: str = "en-US") -> str:
    """The footer's date line: "Updated November 2026" ("Actualizado: noviembre de
    2026" for a Spanish brief)."""
    from briefgen import language as words

    wording = words.wording(language)
    return wording.updated.format(words.month_year(day, wording))
