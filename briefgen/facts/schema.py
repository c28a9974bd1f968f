"""The declared shape of facts and sources (pydantic models).

A fact is one statistic, quote, finding, recommendation or myth that may stand on a
brief, with the source that reported it and, where that source reported someone
else's figure, the original source. Sources follow CSL-JSON's field names where
they exist (``type``, ``title``, ``author``, ``publisher``, ``issued``, ``URL``,
``accessed``).
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import difflib
import math
import re
import unicodedata
import weakref
from collections import Counter
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    field_validator,
    model_validator,
)

from briefgen.dates import MONTHS
from briefgen.inputs import MAX_LINK_CHARS, LongNumber, clip, quote, slashed_date
from briefgen.language import LANGUAGE_TAG, Wording, full_date, month_year, wording

MAX_INT = 10**18
MAX_DECIMALS = 18
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, Field(pattern=SLUG, max_length=80)]

_YEAR = r"(\d{4})"
_AS_OF_PATTERNS = {
    "date": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "year": re.compile(rf"^{_YEAR}$"),
    "fiscal": re.compile(rf"^FY{_YEAR}$"),
}


# Words of a unit that make its number a count of thousands or more ("USD billion",
# "million people"), with what one of them counts.
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SCALE_NAMES = {scale: word for word, scale in _SCALES.items()}
# A number of thousands, millions... this large is a figure written out in full.
LARGEST_SCALED = 1_000_000


class Period(BaseModel):
    """When a fact was true: a day, a month, a year, a U.S. federal fiscal year, or a
    range of those written ``START/END`` (ISO 8601 interval style, e.g. ``2017/2021``)."""

    model_config = ConfigDict(frozen=True)

    text: str
    start: dt.date
    end: dt.date

    def __str__(self) -> str:
        return self.text

    @property
    def label(self) -> str:
        """A reader-facing form: ``2017–2021``, ``FY 2023``, ``March 13, 2023``."""
        return self.label_in("en-US")

    def label_in(self, language: str) -> str:
        """:attr:`label` in ``language``: ``13 de marzo de 2023``, ``año fiscal 2023``."""
        return _label(self.text, language)

    def in_words(self, figure: str, language: str) -> str:
        """``figure`` at this period, as a sentence says it in ``language``: ``5 deaths
        in 2021``, ``on March 13, 2023``; in Spanish ``el 13 de marzo de 2023``, ``en el
        año fiscal 2023``, ``en los años fiscales 2021–2023``."""
        words = wording(language)
        parts = self.text.split("/")
        phrase = words.in_period
        if len(parts) == 1 and _AS_OF_PATTERNS["date"].match(self.text):
            phrase = words.on_day
        elif all(_AS_OF_PATTERNS["fiscal"].match(part) for part in parts):
            phrase = words.in_fiscal_year if len(parts) == 1 else words.in_fiscal_years
        return phrase.format(figure, self.label_in(language))


# Periods labelled: a store's few dozen, in each language a process prints.
_LABELS_KEPT = 1024


@lru_cache(maxsize=_LABELS_KEPT)
def _label(text: str, language: str) -> str:
    """:meth:`Period.label_in` of the period written ``text``, worked out once per
    process and language: a batch copy's warnings and number checks label the same
    cited facts' periods every copy."""
    words = wording(language)
    parts = text.split("/")
    years = [m.group(1) for p in parts if (m := _AS_OF_PATTERNS["fiscal"].match(p))]
    if words.fiscal_years and len(parts) == len(years) == 2:
        return words.fiscal_years.format(*years)  # años fiscales 2020–2023
    return "–".join(_label_one(part, words) for part in parts)


def _label_one(text: str, words: Wording) -> str:
    if m := _AS_OF_PATTERNS["fiscal"].match(text):
        return words.fiscal_year.format(m.group(1))
    if m := _AS_OF_PATTERNS["date"].match(text):
        return full_date(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), words)
    if m := _AS_OF_PATTERNS["month"].match(text):
        return month_year(dt.date(int(m.group(1)), int(m.group(2)), 1), words)
    return text


def _bounds(text: str) -> tuple[dt.date, dt.date]:
    """First and last day a single as_of term covers; ValueError when it is not one."""
    try:
        return _calendar_bounds(text)
    except ValueError as exc:
        if str(exc).startswith("'"):
            raise
        # The calendar's own words ("day is out of range for month") name no value.
        raise ValueError(f"{clip(text)!r} is not on the calendar ({exc})") from None


def _calendar_bounds(text: str) -> tuple[dt.date, dt.date]:
    if m := _AS_OF_PATTERNS["date"].match(text):
        day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return day, day
    if m := _AS_OF_PATTERNS["month"].match(text):
        year, month = int(m.group(1)), int(m.group(2))
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, 1), dt.date(year, month, last)
    if m := _AS_OF_PATTERNS["year"].match(text):
        year = int(m.group(1))
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if m := _AS_OF_PATTERNS["fiscal"].match(text):
        # A U.S. federal fiscal year runs October 1 to September 30.
        year = int(m.group(1))
        return dt.date(year - 1, 10, 1), dt.date(year, 9, 30)
    raise ValueError(
        f"{clip(text)!r} is not a date (2023-03-13), month (2023-03), year (2023), "
        "fiscal year (FY2023) or range of those (2017/2021)"
    )


# As_of written the way briefgen prints it or people write it: "FY 2023", "fy2023",
# and a range joined by a dash or "to" ("2017-2021", "FY 2020–FY 2023").
_FISCAL_AS_PRINTED = re.compile(r"\b[Ff][Yy][ -]?(?=\d{4}\b)")
# (No spaces in it: '\s*' before the dash was tried from each space of a run, time
# squared in its length; each end is stripped instead.)
_RANGE_AS_PRINTED = re.compile(r"[-\u2010-\u2015]|\bto\b")


# Months by the names and short forms a date is written with in English and Spanish
# ("Dec 21, 2023", "December 2023", "21 de diciembre de 2023").
_SPANISH_MONTHS = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]
_MONTHS = {
    name: number
    for number, (english, spanish) in enumerate(zip(MONTHS, _SPANISH_MONTHS, strict=True), 1)
    for name in (english.lower(), english[:3].lower(), spanish)
} | {"sept": 9, "setiembre": 9}
_NAMED_DATES = [
    re.compile(r"(?P<month>[^\W\d_]+)\.? (?P<day>\d{1,2}),? (?P<year>\d{4})"),
    re.compile(r"(?P<day>\d{1,2}) (?:de )?(?P<month>[^\W\d_]+)\.?,? (?:de )?(?P<year>\d{4})"),
    re.compile(r"(?P<month>[^\W\d_]+)\.?,? (?:de )?(?P<year>\d{4})"),
]


def _named_month_date(text: str) -> str | None:
    """A date or month written with its month's name (``Dec 21, 2023``, ``21 de
    diciembre de 2023``, ``December 2023``) as briefgen reads it (``2023-12-21``,
    ``2023-12``); None for other text."""
    for pattern in _NAMED_DATES:
        found = pattern.fullmatch(" ".join(text.split()))
        if found is None or (month := _MONTHS.get(found["month"].lower())) is None:
            continue
        year = int(found["year"])
        if "day" not in found.groupdict():
            return f"{year:04d}-{month:02d}"
        try:
            return dt.date(year, month, int(found["day"])).isoformat()
        except ValueError:
            return None
    return None


def _as_briefgen_writes(text: str) -> str | None:
    """``text`` (an as_of briefgen does not read) as briefgen writes it, when that
    reads: ``FY 2023`` as ``FY2023``, ``2017-2021`` as ``2017/2021``, ``Dec 21, 2023``
    as ``2023-12-21``; else None."""
    if named := _named_month_date(text):
        return named
    rewritten = _FISCAL_AS_PRINTED.sub("FY", text)
    if "/" not in rewritten:
        ends = [end.strip() for end in _RANGE_AS_PRINTED.split(rewritten)]
        if len(ends) == 2 and all(
            _AS_OF_PATTERNS["year"].match(end) or _AS_OF_PATTERNS["fiscal"].match(end)
            for end in ends
        ):
            rewritten = "/".join(ends)
    if rewritten == text:
        return None
    try:
        parse_period(rewritten)
    except ValueError:
        return None
    return rewritten


def parse_period(value: Any) -> Period:
    """Read a YAML ``as_of`` value (string, int year or date) into a :class:`Period`."""
    if isinstance(value, bool):
        raise ValueError("expected a date, year or fiscal year, not true/false")
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Period(text=value.isoformat(), start=value, end=value)
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a date, year or fiscal year, got {quote(value)}")
    text = value.strip()
    if slashed := slashed_date(text):
        raise ValueError(
            f"{clip(text)!r} reads as {slashed[0]}; write it {slashed[1]} (year, month, "
            "day: a '/' joins the two ends of a range)"
        )
    parts = text.split("/")
    if len(parts) > 2:
        raise ValueError(f"{clip(text)!r} has more than one '/'; a range has two ends (2017/2021)")
    try:
        bounds = [_bounds(part.strip()) for part in parts]
    except ValueError as exc:  # also raised by dt.date for 2023-02-30
        rewritten = _as_briefgen_writes(text)
        if rewritten is not None and str(exc).endswith("range of those (2017/2021)"):
            raise ValueError(f"{exc}: write it {rewritten}") from None
        raise ValueError(str(exc)) from None
    start, end = bounds[0][0], bounds[-1][1]
    if start > end:
        raise ValueError(f"{clip(text)!r} ends before it starts")
    return Period(text="/".join(p.strip() for p in parts), start=start, end=end)


# Words a source puts before a number ("over 70,000", "about 100 times", "at least 10"):
# a fact's ``qualifier`` prints them wherever its number is printed.
Qualifier = Literal[
    "about",
    "almost",
    "at least",
    "at most",
    "fewer than",
    "less than",
    "more than",
    "nearly",
    "over",
    "under",
    "up to",
]
QUALIFIERS: tuple[str, ...] = get_args(Qualifier)


def _qualifier(value: Any) -> Any:
    """Refuse a qualifier briefgen does not know, suggesting the nearest it does."""
    if value is None or (isinstance(value, str) and value.strip() in QUALIFIERS):
        return value.strip() if isinstance(value, str) else value
    written = clip(str(value)) if isinstance(value, str) else quote(value)
    close = difflib.get_close_matches(str(value).strip().lower(), QUALIFIERS, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise ValueError(
        f"unknown qualifier {written!r} ({hint}expected one of {', '.join(QUALIFIERS)})"
        if isinstance(value, str)
        else f"expected a word such as 'over' or 'about', got {written}"
    )


def place_slug(text: str) -> str:
    """The slug a place name would have: ``Washington, D.C.`` → ``washington-dc``."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower().replace(".", "")))


def _place_slugs(value: Any) -> Any:
    """Refuse a single text where a list of places belongs, saying which list was
    meant (``places: Springfield, IL`` → ``[springfield-il]``), and a place listed twice. Each
    entry is checked as a slug by the field's type."""
    if isinstance(value, str):
        hint = f" (did you mean [{place_slug(value)}]?)" if place_slug(value) else ""
        raise ValueError(f"expected a list of place slugs such as [springfield-il]{hint}")
    if isinstance(value, list):
        split = _split_place(value)
        if split:
            name, state = split
            raise ValueError(
                f"[{name}, {state}] is two places, {name!r} and {state!r}; a place is one "
                f"slug (did you mean [{place_slug(f'{name} {state}')}]?)"
            )
        counts = Counter(item for item in value if isinstance(item, str))
        twice = next((item for item, count in counts.items() if count > 1), None)
        if twice is not None:
            raise ValueError(f"{clip(twice)!r} is listed twice")
    return value


def _split_place(value: list[Any]) -> tuple[str, str] | None:
    """A place name and its state written as two items (``[Tucson, AZ]``: YAML reads
    the comma as the list's), when the name is not a slug and the state is two
    letters."""
    for name, state in pairwise(value):
        if not (isinstance(name, str) and isinstance(state, str)):
            continue
        if not re.fullmatch(SLUG, name) and len(state) == 2 and state.isalpha():
            return clip(name), state
    return None


def language_code(tag: str) -> str:
    """The language part of a tag, lower case: ``es-US`` → ``es``."""
    return tag.split("-", 1)[0].lower()


# Spanish unit words the message for a missing one suggests.
_UNIT_EXAMPLES = {"pounds": "libras", "deaths": "muertes", "times": "veces", "miles": "millas"}


# What people write for a share; briefgen's unit for it is "percent".
_PERCENT_SPELLINGS = frozenset({"%", "percentage", "per cent", "pct", "pct."})


def _decimals(value: float) -> int:
    """How many digits after the point ``value`` prints with (to 15 significant ones)."""
    exponent = Decimal(format(value, ".15g")).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _is_plain_number(text: str) -> bool:
    # Digits YAML would have read as a number, had they not been quoted (it reads
    # 1_000 and 1e3 as text unquoted too: those keep the general message); or inside
    # quotation marks YAML keeps, the curly ones a word processor types.
    inner = in_quotation_marks(text.strip())
    return re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", (inner or text).strip()) is not None


# Quotation marks, straight and as word processors and other languages type them.
QUOTATION_MARKS = "\"'“”„‟‘’‚‛«»‹›"


def in_quotation_marks(text: str) -> str | None:
    """What ``text`` holds between the quotation marks it begins and ends with
    (``“pounds”``, ``'"pounds"'`` as YAML reads it), or None. YAML takes only
    straight quotes round a value: curly ones, or quotes inside quotes, are part of it."""
    if len(text) > 2 and text[0] in QUOTATION_MARKS and text[-1] in QUOTATION_MARKS:
        return text[1:-1].strip() or None
    return None


# The double quotation marks a pasted quote comes in: straight, curly, low and angle.
_OPENING_MARKS = '"“„«»'
_CLOSING_MARKS = '"”“»«'


def _in_double_quotation_marks(text: str) -> bool:
    """Whether ``text`` is all inside one pair of double quotation marks, as a quote
    pasted from a word processor comes (``“We need help.”``): not one that only begins
    and ends with quoted words (``“Safe” is not “secure”``). A stop after the closing
    mark, as Spanish sets it (``«Necesitamos ayuda».``), is outside the pair."""
    text = text.strip().rstrip(".,;:!?…").rstrip()
    if len(text) < 3 or text[0] not in _OPENING_MARKS or text[-1] not in _CLOSING_MARKS:
        return False
    return not any(mark in _OPENING_MARKS + _CLOSING_MARKS for mark in text[1:-1])


def _unquoted_unit(unit: str) -> str:
    """Refuse a unit in quotation marks: they would print with it, 26,700 “pounds”."""
    if (inner := in_quotation_marks(unit.strip())) is not None:
        raise ValueError(
            f"{quote(unit)} is in quotation marks, which would print with it; "
            f"write {inner} without them"
        )
    return unit


class Kind(StrEnum):
    STATISTIC = "statistic"
    QUOTE = "quote"
    FINDING = "finding"
    RECOMMENDATION = "recommendation"
    MYTH = "myth"


class SourceType(StrEnum):
    REPORT = "report"
    WEBPAGE = "webpage"
    POST_WEBLOG = "post-weblog"
    ARTICLE = "article"
    HEARING = "hearing"
    DATASET = "dataset"
    INTERVIEW = "interview"
    SPEECH = "speech"
    LEGISLATION = "legislation"
    POLL = "poll"
    ORGANIZATION = "organization"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    def __hash__(self) -> int:
        """Pydantic's hash of a frozen model (of its fields' values), worked out once
        for the model: facts and sources key the caches a batch's copies look them
        up in (notes, the numbers a fact backs), each hash walking every field."""
        kept = _HASHES.get(id(self))
        if kept is None:
            fields = self.__dict__
            kept = hash(tuple(fields[name] for name in type(self).model_fields))
            _HASHES[id(self)] = kept
            # Forgotten as the model is freed, before its id can be another's.
            weakref.finalize(self, _HASHES.pop, id(self), None)
        return kept


# The hash of each live fact and source hashed, by the model's id: kept outside the
# model, whose equality compares all it holds.
_HASHES: dict[int, int] = {}


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff]")


def _printable(value: str) -> str:
    """Refuse characters that print as nothing or as garbage (control characters and
    private-use code points), naming the first one."""
    if match := _CONTROL.search(value):
        char = match.group(0)
        raise ValueError(
            f"contains an unprintable character U+{ord(char):04X} at position {match.start() + 1}"
        )
    return value


# A text that may stand on a printed page: one paragraph, within reason.
BriefText = Annotated[str, Field(min_length=1, max_length=1200), AfterValidator(_printable)]
ShortText = Annotated[str, Field(min_length=1, max_length=160), AfterValidator(_printable)]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_printable)]


class Source(_Strict):
    """Where facts come from, listed once in ``facts/sources.yaml``."""

    id: Slug
    type: SourceType
    title: Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_printable)]
    author: Name | None = None
    publisher: Name | None = None
    issued: Period | None = None
    # Printed in the source's note, so checked as its title is; no longer than a
    # template's link may be (a 1.5 MB address took 5 s and 350 MiB to lay out).
    URL: (
        Annotated[
            str,
            Field(pattern=r"^https?://\S+$", max_length=MAX_LINK_CHARS),
            AfterValidator(_printable),
        ]
        | None
    ) = None
    accessed: dt.date | None = None
    note: str | None = None
    # The language its author, publisher and title are written in: a brief in
    # another language marks them as this one for screen readers.
    language: str = Field(default="en-US", max_length=35, pattern=f"^{LANGUAGE_TAG.pattern}$")

    @field_validator("issued", mode="before")
    @classmethod
    def _issued(cls, value: Any) -> Period | None:
        return None if value is None else parse_period(value)

    @field_validator("accessed", mode="before")
    @classmethod
    def _accessed(cls, value: Any) -> Any:
        # pydantic took a number for seconds since 1970 (accessed: 0 was 1970-01-01)
        # and told the rest in its words ("Input should be a valid date").
        if value is None or type(value) is dt.date:
            return value
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return dt.date.fromisoformat(value.strip())
        if isinstance(value, dt.datetime):
            raise ValueError(f"{quote(value)} holds a time of day; write the date alone")
        written = value.strip() if isinstance(value, str) else ""
        meant = _named_month_date(written) or (slashed_date(written) or ("", ""))[1]
        hint = f": write it {meant}" if len(meant) == len("2023-03-13") else ""
        raise ValueError(f"expected a date such as 2023-03-13, got {quote(value)}{hint}")

    @property
    def credit(self) -> str:
        """Who stands behind the source: the author, else the publisher, else the title."""
        return self.author or self.publisher or self.title

    def citation(self, language: str = "en-US") -> str:
        """A one-line reference as printed in a brief's notes (its date in
        ``language``; the title as the source gives it)."""
        return "".join(text for text, _ in self.citation_parts(language))

    def citation_parts(self, language: str = "en-US") -> list[tuple[str, str]]:
        """:meth:`citation` in pieces, each with the language it is written in: the
        author, publisher and title in the source's :attr:`language` when that is not
        ``language``'s, else ``""`` (the brief's), as the date and address are."""
        return list(_citation_parts(self, language))

    def short_citation_parts(self, language: str = "en-US") -> list[tuple[str, str]]:
        """The source named again, after a note that named it in full (as notes do in
        the Chicago style): its title alone, cut at a colon ("Tackling Illicit Fentanyl
        at the Southern Border"), quoted as :meth:`citation_parts` quotes it; no
        names, date or address."""
        own = self.language if language_code(self.language) != language_code(language) else ""
        title = self.short_title
        if self.type in (SourceType.WEBPAGE, SourceType.POST_WEBLOG, SourceType.ARTICLE):
            title = f"\u201c{_inner_quotes(title)}\u201d"
        return [(title, own)]

    @property
    def short_title(self) -> str:
        """The title up to the colon that opens its subtitle, when what comes before is
        more than a word: a colon and a space outside quotation marks (not a time's
        "10:30", an address's "https:" or one inside a quoted phrase, which would be
        left open)."""
        for colon in _SUBTITLE_COLON.finditer(self.title):
            head = self.title[: colon.start()]
            if head.count("\u201c") == head.count("\u201d") and head.count('"') % 2 == 0:
                return head.rstrip() if len(head.split()) > 1 else self.title
        return self.title

    @property
    def short_title_as_read(self) -> str:
        """The short title as a reader tells it from another: its quotation marks as a
        note prints them, letter case and runs of spaces aside."""
        return " ".join(_inner_quotes(self.short_title).casefold().split())


# Where a subtitle starts: a colon and a space, or a colon ending the title.
_SUBTITLE_COLON = re.compile(r":(?:\s|$)")


# A store's sources in each language a process prints them in, a few times over.
_CITATIONS_KEPT = 1024


@lru_cache(maxsize=_CITATIONS_KEPT)
def _citation_parts(source: Source, language: str) -> tuple[tuple[str, str], ...]:
    """:meth:`Source.citation_parts`, worked out once per source (frozen: its fields
    are the key) and language: every copy of a batch cites the same sources, each
    note several times (numbering before and after the fitter drops, the glyph check,
    the warnings)."""
    own = source.language if language_code(source.language) != language_code(language) else ""
    names: list[str] = []
    if source.author:
        names.append(source.author)
    title = source.title
    if (
        source.publisher
        and source.publisher != source.author
        and not _names(title, source.publisher)
    ):
        names.append(source.publisher)
    # What follows the names, each after its mark: the date, then the address.
    follows = [(", ", source.issued.label_in(language))] if source.issued else []
    follows += [(". ", source.URL)] if source.URL else []
    if source.type in (SourceType.WEBPAGE, SourceType.POST_WEBLOG, SourceType.ARTICLE):
        title = _inner_quotes(title)
        # U.S. English puts the comma or period after a quoted title inside its
        # quotation marks (“Title,” December 21, 2023); Spanish, as most, after.
        if follows and language_code(language) == "en":
            mark, text = follows[0]
            mark = mark.strip()
            # “Why now?” December 2023, and “…in the U.S.” https://…, but a comma
            # after an abbreviation's period: “…in the U.S.,” December 2023.
            ended = title.endswith(("?", "!")) or (mark == "." and title.endswith("."))
            if ended:
                title = f"\u201c{title}\u201d"
            elif title.endswith("\u2019") and "\u2018" in title:
                # Inside the inner quotation marks too: “The ‘Iron River,’” 2023.
                title = f"\u201c{title[:-1]}{mark}\u2019\u201d"
            else:
                title = f"\u201c{title}{mark}\u201d"
            follows[0] = (" ", text)
        else:
            title = f"\u201c{title}\u201d"
    names.append(title)
    parts = [(", ".join(names), own)]
    parts += [(mark + text, "") for mark, text in follows]
    return tuple(parts)


# A double quotation mark that opens: at the start, or after a space or an opening
# bracket or dash. Any other closes.
_OPENING_QUOTE = re.compile(r'(?:(?<=^)|(?<=[\s(\[\u2014\u2013-]))"')
_SINGLE = str.maketrans({"\u201c": "\u2018", "\u201d": "\u2019", '"': "\u2019"})


def _inner_quotes(title: str) -> str:
    """``title`` with its double quotation marks made single, as quotation marks
    inside the double ones a citation puts round it must be (“The ‘Iron River’”)."""
    return _OPENING_QUOTE.sub("\u2018", title).translate(_SINGLE)


def _names(title: str, publisher: str) -> bool:
    """Whether ``title`` starts with ``publisher``'s name ("NPR/Ipsos poll"), which
    a citation then need not print twice."""
    return title == publisher or title.startswith(f"{publisher} ")


def _unit_without_sign(unit: str, spanish: bool = False) -> str:
    """Refuse a unit written as or starting with a sign: it would print after the
    number in a sentence but vanish from a callout, which prints a unit of words in
    the label (short) instead. ``spanish`` for a Spanish form's unit, which a percent
    does without (briefgen writes the % itself, 86%, never the RAE's 86 %)."""
    written = unicodedata.normalize("NFKC", unit).strip()  # a full-width ％ is %
    lowered = written.lower()
    if spanish and (lowered.startswith("%") or lowered.rstrip(".") in _PERCENT_SPELLINGS):
        rest = written[1:].strip().rstrip(".").strip() if lowered.startswith("%") else ""
        words = f" and put {quote(rest)} in the Spanish short" if rest else ""
        raise ValueError(
            f"a percent needs no Spanish unit (it prints as 86%): leave it out{words}, "
            f"not {quote(unit)}"
        )
    if lowered.rstrip(".") in _PERCENT_SPELLINGS or lowered == "percent.":
        raise ValueError(f"write 'percent' (printed as %), not {quote(unit)}")
    if lowered.startswith("%"):
        rest = written[1:].strip()
        raise ValueError(
            f"write 'percent' (printed as %) and put {quote(rest)} in the fact's short, "
            f"not {quote(unit)}: a callout prints a unit's words in its label"
        )
    if lowered.startswith(("$", "us$")):
        rest = written.split("$", 1)[1].strip()
        usd = f"USD {rest}" if rest else "USD"
        raise ValueError(f"write {quote(usd)} (printed with $), not {quote(unit)}")
    if written and unicodedata.category(written[0]) == "Sc":
        raise ValueError(
            f"a unit that starts with a currency sign ('{written[0]}') would lose it "
            "in a callout; write the currency's code or name (USD prints as $)"
        )
    return unit


def _spanish_unit_without_sign(unit: str) -> str:
    """:func:`_unit_without_sign` for a Spanish form's unit."""
    return _unit_without_sign(unit, spanish=True)


SpanishUnit = Annotated[
    str,
    Field(min_length=1, max_length=40),
    AfterValidator(_printable),
    AfterValidator(_unquoted_unit),
    AfterValidator(_spanish_unit_without_sign),
]


class Translation(_Strict):
    """A fact's words in another language (``es:`` holds the Spanish).

    ``text`` and ``short`` stand for the fact's own; for a quote, ``text`` is a
    translation of the speaker's words, which stay in the fact's ``text`` and which
    a brief marks as translated. ``unit`` gives the unit's words in the language,
    written the way the fact's ``unit`` is (``USD por pastilla`` for ``USD per pill``);
    a percent or plain ``USD`` needs none. ``role`` and ``organization`` give a quote's
    attribution in the language (the English is printed without them). ``reviewed``
    says whether a person has
    checked the translation against the original: false until one has.
    """

    text: BriefText
    short: ShortText | None = None
    unit: SpanishUnit | None = None
    # A quote's speaker's role and organization in the language, for its attribution
    # ("jefe de policía"); the speaker's name is the same in every language.
    role: Name | None = None
    organization: Name | None = None
    reviewed: StrictBool = False


def _needs_unit_words(unit: str | None) -> bool:
    """Whether a unit has words that a translation must give (not percent, not USD)."""
    lowered = (unit or "").lower()
    return bool(lowered) and lowered not in ("percent", "usd")


class Fact(_Strict):
    """One sourced statement that templates may put on a brief."""

    id: Slug
    kind: Kind
    text: BriefText
    short: ShortText | None = None
    value: int | float | None = None
    value_max: int | float | None = None
    qualifier: Qualifier | None = None
    unit: str | None = Field(default=None, min_length=1, max_length=40)
    speaker: Name | None = None
    role: Name | None = None
    organization: Name | None = None
    as_of: Period
    source: Slug
    original_source: Slug | None = None
    # Tuples, as the fact is frozen: the store's index of places and names holds.
    topics: tuple[Slug, ...] = ()
    audiences: tuple[Slug, ...] = ()
    places: tuple[Slug, ...] = Field(default=(), max_length=50)
    priority: int = Field(default=3, ge=1, le=5, strict=True)
    note: str | None = None
    es: Translation | None = None

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of(cls, value: Any) -> Period:
        return parse_period(value)

    @field_validator("es", mode="before")
    @classmethod
    def _written_out(cls, value: Any) -> Any:
        # 'es:' with nothing under it read as no Spanish form: facts check passed it,
        # and a Spanish build then asked to "add es:" where it stood.
        if value is None:
            raise ValueError("empty; give the Spanish text under it, or leave 'es:' out")
        return value

    @field_validator("qualifier", mode="before")
    @classmethod
    def _known_qualifier(cls, value: Any) -> Any:
        return _qualifier(value)

    @field_validator("places", mode="before")
    @classmethod
    def _places(cls, value: Any) -> Any:
        return _place_slugs(value)

    @field_validator("unit")
    @classmethod
    def _unit_in_words(cls, unit: str | None) -> str | None:
        if unit is not None:
            _unquoted_unit(unit)
            _unit_without_sign(unit)
        return unit

    @field_validator("value", "value_max", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        # YAML reads "86%" or "26,700" as strings; say what is expected instead of
        # pydantic's generic float message.
        if value is None:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            if abs(value) > MAX_INT:
                raise ValueError("is too large for a brief (more than 18 digits)")
            return value
        if isinstance(value, LongNumber):
            raise ValueError("is too large for a brief (more than 18 digits)")
        if isinstance(value, str) and _is_plain_number(value):
            raise ValueError(
                f"{quote(value)} is in quotes, so it is text; write the number without them"
            )
        if not isinstance(value, float) or not math.isfinite(value):
            raise ValueError(f"expected a plain number such as 86 or 26700, got {quote(value)}")
        # A float prints every digit up to 15 significant ones, never rounded to zero:
        # 1e300 would print 301 digits and 1e-300 three hundred zeros.
        if abs(value) > MAX_INT:
            raise ValueError("is too large for a brief (more than 18 digits)")
        if value and _decimals(value) > MAX_DECIMALS:
            raise ValueError(
                f"is too small for a brief (more than {MAX_DECIMALS} digits after the point); "
                "write it in a unit that makes it larger, such as per million"
            )
        return value

    @model_validator(mode="after")
    def _kind_rules(self) -> Fact:
        if self.kind is Kind.STATISTIC:
            if self.value is None:
                raise ValueError("value: a statistic needs its number (e.g. value: 86)")
            if self.unit is None:
                raise ValueError("unit: a statistic needs a unit (e.g. unit: percent)")
        if self.kind is Kind.QUOTE and not self.speaker:
            raise ValueError("speaker: a quote needs its speaker")
        if self.kind is Kind.QUOTE:
            for field, text in (("text", self.text), ("es.text", self.es and self.es.text)):
                if text and _in_double_quotation_marks(text):
                    raise ValueError(
                        f"{field}: a quote's words are written without the quotation marks "
                        "around them; pullquote() prints its own, and these would print too"
                    )
        if self.qualifier is not None and self.value is None:
            raise ValueError("qualifier: qualifies a number; the fact has no value")
        if self.value_max is not None and self.value is not None and self.value_max < self.value:
            raise ValueError("value_max: is smaller than value")
        if self.value_max is not None and self.value_max == self.value:
            # It would print as a range of one number: "$5–$5 per pill".
            raise ValueError("value_max: equals value; leave it out for a single number")
        if self.original_source is not None and self.original_source == self.source:
            raise ValueError("original_source: is the same as source; leave it out")
        self._check_scale()
        if self.es is not None:
            self._check_translation(self.es)
        return self

    def _check_scale(self) -> None:
        """Refuse a number written out in full beside a unit that counts in millions or
        billions: value 2500000000 with unit "USD billion" prints "$2,500,000,000
        billion", a thousand million times the figure meant."""
        # "USD billions" and "billion/year" count in billions as "USD billion" does;
        # "per million" divides: a rate of deaths per million people counts deaths.
        words = [word.removesuffix("s") for word in re.findall(r"\w+", (self.unit or "").lower())]
        scale = next(
            (
                _SCALES[word]
                for index, word in enumerate(words)
                if word in _SCALES and (index == 0 or words[index - 1] != "per")
            ),
            None,
        )
        if scale is None:
            return
        for field in ("value", "value_max"):
            number = getattr(self, field)
            if number is not None and abs(number) >= LARGEST_SCALED:
                meant = format(number / scale, ".15g")
                raise ValueError(
                    f"{field}: {format(number, ',.15g')} with the unit {quote(self.unit)} counts "
                    f"in {_SCALE_NAMES[scale]}s; write the number of them ({field}: {meant})"
                )

    def _check_translation(self, es: Translation) -> None:
        if self.short and not es.short:
            # A Spanish template reading .short would print nothing.
            raise ValueError("es: the fact has a 'short' form; give its Spanish 'short' too")
        for field in ("role", "organization"):
            if getattr(es, field) is not None and getattr(self, field) is None:
                raise ValueError(f"es: '{field}' translates the fact's {field}; the fact has none")
        if es.unit is not None and self.unit is None:
            raise ValueError("es: 'unit' translates the fact's unit; the fact has none")
        if es.unit is None and _needs_unit_words(self.unit):
            known = _UNIT_EXAMPLES.get(str(self.unit).lower())
            raise ValueError(
                f"es: the fact's unit '{self.unit}' needs its Spanish words "
                + (
                    f"(e.g. unit: {known})"
                    if known
                    # Another unit's words would read as its translation: 'cases', libras.
                    else "(unit: under es:, the words in Spanish, as libras for pounds)"
                )
            )
        is_usd = (self.unit or "").lower().startswith("usd")
        if es.unit is not None and is_usd != es.unit.lower().startswith("usd"):
            raise ValueError(
                "es: 'unit' starts with USD exactly when the fact's unit does "
                f"(the fact's is '{self.unit}')"
            )

    @property
    def reviewed(self) -> bool | None:
        """Whether a person has reviewed the Spanish form: None when there is none."""
        return None if self.es is None else self.es.reviewed

    def translation(self, language: str) -> Translation | None:
        """The fact's form in ``language`` (a tag such as ``es-US``): its ``es:`` for
        Spanish, None for English or a language the store has no form for."""
        return self.es if language_code(language) == "es" else None

    def number(self, language: str = "en-US") -> str:
        """The value as people write it: ``86%``, ``26,700 pounds``, ``$1–$2 per pill``,
        ``over 70,000 deaths`` (its qualifier first); in ``language``, with the unit
        words of its translation (``más de 70,000 muertes``)."""
        from briefgen.facts.formatting import format_value

        return format_value(self, language)
