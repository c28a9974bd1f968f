"""Workspace settings, read from ``briefgen.toml`` at the workspace root.

Every key is documented, with its default, in ``docs/settings.md`` (a test keeps the
two in step).
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import difflib
import errno
import io
import os
import re
import sys
import tomllib
import unicodedata
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import ErrorDetails

from briefgen.errors import BriefgenError, Location, SettingsError, display_path, raise_all
from briefgen.inputs import (
    clip,
    clip_name,
    composed,
    decode_text,
    not_finite,
    not_typed_number,
    quote,
    read_bytes,
)
from briefgen.model import MAX_QR_CHARS, WORD_PROPERTY_LIMIT, Picture
from briefgen.options import SETTINGS_FILE
from briefgen.schema_words import schema_message
from briefgen.style import PageSizeName, page_size_any_case
from briefgen.suggest import closest_name
from briefgen.theme import (
    DEFAULT_ACCENT,
    DEFAULT_PRIMARY,
    DEFAULT_THEME,
    FAMILIES,
    LIBERATION_SANS,
    Theme,
    contrast_problems,
    hex_colour,
    parse_colour,
    passing_shade,
    tint_of,
)
from briefgen.tomllines import KeyPath, TooDeep, key_lines, keys_set_twice


class _Section(BaseModel):
    # TOML writes nan and inf (and reads 1e400 as inf): no setting's number may be one.
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False
    )


class Organization(_Section):
    name: str = ""


MAX_CONTACT_CHARS = 200
# Each contact line's length limit, and why. The lines are printed under the notes;
# either address may be the one the footer's QR code holds.
_LINE = (MAX_CONTACT_CHARS, ", a few lines under the notes")
_ADDRESS = (
    MAX_QR_CHARS,
    " fit the footer's QR code (a longer address makes it too dense to scan from paper)",
)
_CONTACT_LIMITS = {
    "name": _LINE,
    "email": _LINE,
    "phone": _LINE,
    "website": _ADDRESS,
    "sources_url": _ADDRESS,
}


class Contact(_Section):
    """Who readers should call. Empty fields print nothing."""

    name: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    # Where the footer's QR code leads (the sources); the website when empty.
    sources_url: str = ""

    @property
    def is_empty(self) -> bool:
        return not any((self.name, self.email, self.phone, self.website))

    @field_validator("sources_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if value and not _WEB_ADDRESS.fullmatch(value):
            raise ValueError(
                f"expected a web address starting with https:// or http://, got {quote(value)}"
            )
        return value

    @field_validator("website")
    @classmethod
    def _website(cls, value: str) -> str:
        # Printed as written, and the footer's link and QR code lead to it: a scheme
        # other than http(s) (javascript:, file:) would put that link in both files.
        if value and not _WEBSITE.fullmatch(value):
            raise ValueError(
                "expected a web address such as example.org or https://example.org, "
                f"got {quote(value)}"
            )
        return value

    @field_validator("name", "email", "phone", "website", "sources_url")
    @classmethod
    def _not_too_long(cls, value: str, info: ValidationInfo) -> str:
        limit, why = _CONTACT_LIMITS[str(info.field_name)]
        if len(value) > limit:
            raise ValueError(f"{len(value):,} characters; at most {limit}{why}")
        return value


class BuildSettings(_Section):
    page_size: PageSizeName = "letter"
    author: str = ""
    # The date every brief shows, unless --date says otherwise.
    date: dt.date | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _a_toml_date(cls, value: object) -> object:
        # pydantic reads a number, or text of digits, as seconds since 1970: date = 0
        # printed "January 1970", and 20261101 was told as a datetime with a time.
        if isinstance(value, dt.datetime):
            if value.timetz() != dt.time(0, tzinfo=value.tzinfo):
                raise ValueError(
                    f"{value.isoformat()} holds a time of day; write the date alone, "
                    "such as date = 2026-11-01"
                )
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
            return value.strip()  # as every text setting is read
        shown = value.isoformat() if isinstance(value, dt.time) else quote(value)
        raise ValueError(
            f"expected a TOML date such as date = 2026-11-01 (year, month, day, without "
            f"quotes), got {shown}"
        )

    @field_validator("date")
    @classmethod
    def _a_year_of_briefs(cls, value: dt.date | None) -> dt.date | None:
        from briefgen.dates import year_problem

        if value is not None and (problem := year_problem(value)):
            raise ValueError(problem)
        return value

    @field_validator("page_size", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        # "A4" and "Letter" as people write them, the same as --page-size takes them.
        return page_size_any_case(value)


class FactsSettings(_Section):
    max_age_years: float = Field(default=3, gt=0, le=100, strict=True)


# A Windows path in "double quotes" is read with its escapes: "images\new.png" holds a
# line break. The characters TOML's escapes stand for, as a message names them.
_ESCAPES = {
    "\b": "\\b is a backspace",
    "\t": "\\t is a tab",
    "\n": "\\n is a line break",
    "\f": "\\f is a form feed",
    "\r": "\\r is a carriage return",
}
_SLASHES = 'write a path with / (such as "images/logo.png"), which every system reads'


class ThemeSettings(_Section):
    """Colours (``"#1f3a5f"``), the logo (a file in the workspace) and the font family."""

    primary: str = hex_colour(DEFAULT_PRIMARY)
    accent: str = hex_colour(DEFAULT_ACCENT)
    logo: str = ""
    font: str = LIBERATION_SANS.key

    @field_validator("logo")
    @classmethod
    def _file_name(cls, value: str) -> str:
        # A NUL cannot be in a path (it was told as 'leads outside the workspace'), and
        # no logo's name holds a tab, an escape or another control character.
        control = next((char for char in value if unicodedata.category(char) == "Cc"), None)
        if control is not None:
            # A Windows path in "double quotes": "images\new.png" reads \n as a line break.
            escape = _ESCAPES.get(control)
            escaped = f'; in "double quotes" {escape}: {_SLASHES}' if escape else ""
            raise ValueError(
                f"holds a control character (U+{ord(control):04X}); write the logo's path "
                f'as its file is named, such as "logo.png"{escaped}'
            )
        if _ADDRESS_LIKE.match(value):
            # Read as a path, "https://example.org/logo.png" was told as the file
            # "https:/example.org/logo.png" not found.
            raise ValueError(
                f"{quote(value)} is a web address; briefgen never fetches pictures from "
                "the network: save the logo in the workspace and give its file's name"
            )
        return value

    @field_validator("primary", "accent")
    @classmethod
    def _colour(cls, value: str) -> str:
        if not _HEX_COLOUR.fullmatch(value):
            raise ValueError(
                f'expected a colour written as "#" and six hex digits, such as "#1f3a5f", '
                f"got {quote(value)}"
            )
        return value.lower()

    @field_validator("font")
    @classmethod
    def _family(cls, value: str) -> str:
        if value.lower() in FAMILIES:  # "Carlito", as page_size takes "A4"
            return value.lower()
        if value not in FAMILIES:
            # "Calibri" or "Liberation Serif" name a family the way Word or a font menu does.
            named = {
                name.lower().replace(" ", ""): family.key
                for family in FAMILIES.values()
                for name in (family.docx_name, family.pdf_name)
            }
            close = difflib.get_close_matches(value.lower(), list(FAMILIES), n=1)
            close = close or [
                named[key] for key in [value.lower().replace(" ", "")] if key in named
            ]
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ValueError(
                f"unknown font family {quote(value)}{hint}; the bundled families are "
                + ", ".join(FAMILIES)
            )
        return value


class Settings(_Section):
    """Everything ``briefgen.toml`` may hold; every key is optional."""

    organization: Organization = Organization()
    contact: Contact = Contact()
    build: BuildSettings = BuildSettings()
    facts: FactsSettings = FactsSettings()
    theme: ThemeSettings = ThemeSettings()

    # The logo, read and checked by load_settings (None without a logo), and where
    # briefgen.toml names it.
    _logo: Picture | None = PrivateAttr(default=None)
    _logo_at: Location | None = PrivateAttr(default=None)
    # Where briefgen.toml sets each key (empty without the file).
    _path: Path | None = PrivateAttr(default=None)
    _key_lines: dict[KeyPath, int] = PrivateAttr(default_factory=dict)

    @property
    def logo_location(self) -> Location | None:
        """The line of ``briefgen.toml`` naming the logo (None without a logo)."""
        return self._logo_at

    def location_of(self, *keys: str) -> Location | None:
        """The line of ``briefgen.toml`` setting ``keys`` (``"contact", "website"``),
        or None when the file does not set it."""
        line = self._key_lines.get(keys)
        return Location.of(self._path, line) if self._path is not None and line else None


_HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
# An address, not a file: a scheme and "//" (not a drive letter, "C:\\"), or data:.
_ADDRESS_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+://|data:", re.IGNORECASE)
# A date quoted as TOML writes it unquoted ("2026-11-01"), which pydantic reads alike.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A scheme in any case, as RFC 3986 reads it ("HTTPS://" from a pasted address).
_WEB_ADDRESS = re.compile(r"https?://[^\s/]+\S*", re.IGNORECASE)
# A site as people write it: a host (no scheme but http or https, no user@), then a
# port and a path if any.
_WEBSITE = re.compile(r"(?:https?://)?[^\s/:@]+(?::[0-9]{1,5})?(?:/\S*)?", re.IGNORECASE)


def theme_of(settings: Settings) -> Theme:
    """The brief's look from the ``[theme]`` settings (the logo as ``load_settings``
    read it)."""
    theme = settings.theme
    primary = parse_colour(theme.primary)
    return Theme(
        primary=primary,
        accent=parse_colour(theme.accent),
        tint=tint_of(primary),
        muted=DEFAULT_THEME.muted,
        font=FAMILIES[theme.font],
        logo=settings._logo,
    )


# A settings file is a few short lines; these stop a broken or hostile one early.
MAX_BYTES = 64_000
MAX_DEPTH = 20
# A logo prints about an inch wide: far smaller files do.
MAX_LOGO_BYTES = 2_000_000
MAX_LOGO_PIXELS = 16_000_000


_AT_END = " (at end of document)"
_DECLARED_TWICE = re.compile(r"Cannot declare \((.*)\) twice")
# tomllib's words when a backslash in "double quotes" starts no escape it knows, as in
# a Windows path ("images\logo.png", "C:\Users\...").
_BACKSLASH_MESSAGES = ("Unescaped '\\' in a string", "Invalid hex value")
_BACKSLASH_HINT = (
    f'; in "double quotes" a \\ starts an escape such as \\n: {_SLASHES}, or write \\\\ for each \\'
)


def _toml_message(message: str, lines: dict[KeyPath, int], text: str, line: int) -> str:
    """tomllib's message at ``line`` of ``text``; a section declared twice (the sample
    already has the ``[theme]`` a guide's example adds) or a key set twice (it has
    every key: ``logo = "logo.png"`` added under its ``logo = ""``) in the words of the
    file."""
    twice = _DECLARED_TWICE.fullmatch(message)
    if twice:
        with contextlib.suppress(ValueError, SyntaxError):
            keys = ast.literal_eval(f"({twice[1]})")
            if isinstance(keys, tuple) and all(isinstance(k, str) for k in keys):
                section = ".".join(keys)
                first = lines.get(keys)
                at = f" (first at line {first})" if first else ""
                return (
                    f"TOML: the [{section}] section is declared twice{at}; "
                    f"put its keys under one [{section}]"
                )
    if message == "Cannot overwrite a value":
        again = keys_set_twice(text, MAX_DEPTH).get(line)
        if again is not None:
            key = ".".join(str(part) for part in again[0])
            return (
                f"TOML: {key} is set twice (first at line {again[1]}); keep one "
                "(briefgen init's sample sets every key: change its value there)"
            )
    if message in _BACKSLASH_MESSAGES:
        return f"TOML: {message}{_BACKSLASH_HINT}"
    return f"TOML: {clip(message, 200)}"


def _long_number_line(text: str) -> int:
    """The first line of ``text`` holding a run of more digits than Python reads
    (``_`` may part them, as TOML allows); 1 when none does."""
    most = sys.get_int_max_str_digits()
    long = re.compile(rf"(?:\d_?){{{most + 1},}}")
    return next((n for n, line in enumerate(text.splitlines(), 1) if long.search(line)), 1)


def load_settings(workspace: Path) -> Settings:
    """Read ``briefgen.toml`` from ``workspace``; defaults when the file is absent.

    Every problem is a :class:`SettingsError` at ``briefgen.toml:LINE``: a file that is
    not a regular file, too large or not UTF-8; bad TOML or TOML nested too deep; an
    unknown section or key, a wrong value; text that would not print as written or
    that Word cannot hold as a document property; a theme colour below WCAG AA
    contrast; a logo that is missing or not a PNG or JPEG picture.
    """
    path = workspace / SETTINGS_FILE
    if not path.exists():
        return Settings()
    text = decode_text(
        read_bytes(path, MAX_BYTES, SettingsError, "a settings file"), path, SettingsError
    )
    try:
        lines = key_lines(text, MAX_DEPTH)
    except TooDeep as exc:
        raise SettingsError(
            f"TOML: arrays or tables nested more than {MAX_DEPTH} levels deep",
            Location.of(path, exc.line),
        ) from None
    try:
        data = _composed(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        # tomllib puts "(at line L, column C)" at the end of its message.
        message, _, where = str(exc).partition(" (at line ")
        line = int(where.split(",")[0]) if where[:1].isdigit() else 1
        if message.endswith(_AT_END):  # the last line written, not line 1
            message, line = message.removesuffix(_AT_END), len(text.rstrip().splitlines()) or 1
        raise SettingsError(
            _toml_message(message, lines, text, line), Location.of(path, line)
        ) from None
    except ValueError:
        # tomllib's int() refuses a whole number of more digits than Python reads
        # (4,300), with no line; it was an internal error.
        line = _long_number_line(text)
        raise SettingsError(
            f"TOML: a whole number of more than {sys.get_int_max_str_digits():,} digits; "
            "no setting takes one so large",
            Location.of(path, line),
        ) from None

    def at(loc: tuple[int | str, ...]) -> Location:
        found = (lines.get(loc[:end]) for end in range(len(loc), 0, -1))
        return Location.of(path, next((line for line in found if line), 1))

    problems: list[BriefgenError] = []
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        problems = [_problem(error, at) for error in errors]
        # The keys without a problem are still checked below: every problem is told at
        # once, not one per run.
        settings = _without(data, [error["loc"] for error in errors])
    problems += _text_problems(settings, at)
    problems += _contrast_problems(settings, at)
    if settings.theme.logo:
        try:
            settings._logo_at = at(("theme", "logo"))
            settings._logo = _read_logo(workspace, settings.theme.logo, settings._logo_at)
        except SettingsError as exc:
            problems.append(exc)
    raise_all(
        sorted(problems, key=lambda problem: problem.location.line if problem.location else 0)
    )
    settings._path, settings._key_lines = path, lines
    return settings


def _without(data: dict[str, Any], wrong: list[tuple[int | str, ...]]) -> Settings:
    """The settings ``data`` holds once each wrong key (or section) is left out."""
    kept = {name: dict(value) if isinstance(value, dict) else value for name, value in data.items()}
    for loc in wrong:
        section = kept.get(str(loc[0])) if loc else None
        if len(loc) >= 2 and isinstance(section, dict):
            section.pop(str(loc[1]), None)
        elif loc:
            kept.pop(str(loc[0]), None)
    try:
        return Settings.model_validate(kept)
    except ValidationError:  # pragma: no cover - what is left is valid key by key
        return Settings()


def _composed(value: Any) -> Any:
    """``value`` with its text composed, as the file's is: an escape such as
    ``"Jose\\u0301"`` is decoded after the file was read. (Nested at most
    :data:`MAX_DEPTH` deep: checked before.)"""
    if isinstance(value, str):
        return composed(value)
    if isinstance(value, dict):
        return {key: _composed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_composed(item) for item in value]
    return value


def _problem(error: ErrorDetails, at: Callable[[tuple[int | str, ...]], Location]) -> SettingsError:
    loc = error["loc"]
    name = ".".join(clip_name(str(part)) for part in loc)
    message = schema_message(error)
    if error["type"] == "extra_forbidden":
        message = _unknown_message(loc)
    elif error["type"] == "value_error":
        message = str(error.get("ctx", {}).get("error", message))
    elif error["type"] == "finite_number":
        message = not_finite(error["input"])
    elif error["type"] == "float_type":
        message = not_typed_number(error["input"])
    elif error["type"] == "model_type":
        # pydantic's "Input should be a valid dictionary or instance of BuildSettings".
        message = (
            f"[[{name}]] makes a list of sections; write [{name}], once"
            if isinstance(error["input"], list)
            else f"must be a section, [{name}] with its keys under it, not {quote(error['input'])}"
        )
    return SettingsError(f"{name}: {message}", at(loc))


def _unknown_message(loc: tuple[int | str, ...]) -> str:
    """An unknown section or key: the close known one, or where it belongs, or the list."""
    what = "section" if len(loc) == 1 else "key"
    known = list(Settings.model_fields) if len(loc) == 1 else _section_fields(loc[0])
    written = str(loc[-1])
    close = difflib.get_close_matches(written.lower(), known, n=1)
    if close:
        return f"unknown {what} (did you mean '{close[0]}'?)"
    homes = [section for section in Settings.model_fields if written in _section_fields(section)]
    if len(loc) == 2 and homes:
        return f"unknown key: '{clip_name(written)}' belongs in the [{homes[0]}] section"
    return f"unknown {what} (expected {', '.join(known)})"


def _section_fields(section: str | int) -> list[str]:
    model = Settings.model_fields.get(str(section))
    kind = model.annotation if model else None
    return list(kind.model_fields) if isinstance(kind, type) and issubclass(kind, BaseModel) else []


def _text_problems(
    settings: Settings, at: Callable[[tuple[int | str, ...]], Location]
) -> Iterator[SettingsError]:
    """Text a brief prints or writes into its properties, checked at its line here
    rather than blamed on the template that prints it."""
    from briefgen.glyphs import printing_problem

    family = FAMILIES[settings.theme.font]
    for section in ("organization", "contact", "build"):
        values = getattr(settings, section)
        for key, value in values.model_dump().items():
            if not isinstance(value, str):
                continue
            if _PLAIN.fullmatch(value) is None and (problem := printing_problem(value, family)):
                yield SettingsError(f"{section}.{key}: has {problem}", at((section, key)))
            elif broken := _LINE_BREAK.search(value):
                # The glyph check lets a template's line breaks and tabs through; a
                # setting prints on one line, and the DOCX would break it there.
                yield SettingsError(
                    f"{section}.{key}: has a {'tab' if broken[0] == chr(9) else 'line break'}; "
                    "it prints on one line: write it so",
                    at((section, key)),
                )
            elif (section, key) in _PROPERTIES and len(value) > WORD_PROPERTY_LIMIT:
                yield SettingsError(
                    f"{section}.{key}: {len(value):,} characters; Word allows at most "
                    f"{WORD_PROPERTY_LIMIT} characters in a document's author",
                    at((section, key)),
                )


_LINE_BREAK = re.compile(r"[\n\r\t]")
# Printable ASCII, which every bundled font draws: no need to ask the fonts.
_PLAIN = re.compile(r"[ -~]*")
# Written into the DOCX's author property.
_PROPERTIES = {("organization", "name"), ("build", "author")}


def _contrast_problems(
    settings: Settings, at: Callable[[tuple[int | str, ...]], Location]
) -> Iterator[SettingsError]:
    """A theme colour too close to a background it is drawn on, in colour or in grey."""
    theme = theme_of(settings)
    for key, problem in contrast_problems(theme).items():
        colour = getattr(settings.theme, key)
        shade = passing_shade(theme, key)
        darker = f"; {hex_colour(shade)}, the same colour darker, passes" if shade else ""
        yield SettingsError(
            f'theme.{key}: "{colour}" {problem.message()}{darker}', at(("theme", key))
        )


# How many names of a folder are compared with a logo's name that is not there.
_NAMES_COMPARED = 1_000


def _picture_named_like(path: Path) -> str | None:
    """The name of the PNG or JPEG file in ``path``'s folder closest to its own (a
    letter typed amiss, ``parter-logo.png``), or None."""
    try:
        with os.scandir(path.parent) as entries:
            names = [
                entry.name
                for entry, _ in zip(entries, range(_NAMES_COMPARED), strict=False)
                if entry.name.lower().endswith((".png", ".jpg", ".jpeg")) and entry.is_file()
            ]
    except (OSError, ValueError):
        return None
    # By the names before their suffixes: '.png' alone makes logo.png like huge.png.
    stems = {Path(name).stem: name for name in reversed(names)}
    near = closest_name(path.stem, list(stems), 0.6)
    return stems[near] if near else None


def _read_logo(workspace: Path, written: str, where: Location) -> Picture:
    """The logo file (relative to the workspace) as a decorative picture, or a
    :class:`SettingsError` at the ``logo`` line."""
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    from briefgen.pictures import as_printed, slow_jpeg

    path = workspace / written
    shown = clip(display_path(path), 100)
    # Settings may come from someone else: a logo from elsewhere on the machine would
    # be printed, and posted, with the brief.
    loop = SettingsError(f"theme.logo: {shown} is a link that leads round in a loop", where)
    try:
        inside = path.resolve().is_relative_to(workspace.resolve())
    except RuntimeError:  # Python 3.11's word for a loop of links
        raise loop from None
    except (OSError, ValueError):
        inside = False
    if not inside:
        raise SettingsError(
            f"theme.logo: {shown} leads outside the workspace; keep the logo in the "
            f"folder of {SETTINGS_FILE} or below it",
            where,
        )
    try:
        size = path.stat().st_size
    except (OSError, ValueError) as exc:
        if getattr(exc, "errno", None) == errno.ELOOP:  # a loop, as Python 3.13 resolves one
            raise loop from None
        # On Windows a backslash parts folders; elsewhere it is a letter of the name.
        slashes = f"; {_SLASHES}" if "\\" in written and os.sep != "\\" else ""
        meant = ""
        if near := _picture_named_like(path):
            # As it is to be written here: from the folder of briefgen.toml, with '/'.
            folder = written.rpartition("/")[0]
            meant = f"; did you mean {clip(f'{folder}/{near}' if folder else near, 100)!r}?"
        raise SettingsError(
            f"theme.logo: {shown} not found (the path is read from {SETTINGS_FILE}'s "
            f"folder{meant}){slashes}",
            where,
        ) from None
    if size > MAX_LOGO_BYTES:
        raise SettingsError(
            f"theme.logo: {shown} is {size:,} bytes; at most {MAX_LOGO_BYTES:,} "
            "(a logo prints about an inch wide: save it smaller)",
            where,
        )
    try:
        data = read_bytes(path, MAX_LOGO_BYTES, SettingsError, "a logo")
    except BriefgenError as exc:
        raise SettingsError(f"theme.logo: {shown}: {exc.detail}", where) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data)) as image:
                kind = {"PNG": "png", "JPEG": "jpeg"}.get(image.format or "")
                if kind is None:
                    raise SettingsError(
                        f"theme.logo: {shown} is {image.format or 'not a picture'}; "
                        "give a PNG or JPEG file",
                        where,
                    )
                width, height = image.size
                if width * height > MAX_LOGO_PIXELS:
                    raise SettingsError(
                        f"theme.logo: {shown} is {width:,} x {height:,} pixels; at most "
                        f"{MAX_LOGO_PIXELS:,} pixels in all",
                        where,
                    )
                if slow := slow_jpeg(data, kind):
                    raise SettingsError(f"theme.logo: {shown} {slow}", where)
                image.load()  # a broken file stops here, not in a renderer
                data, width, height = as_printed(image, data, kind)
    except SettingsError:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        # Pillow stops at the header a picture of ~90 million pixels or more.
        raise SettingsError(
            f"theme.logo: {shown} has more than {MAX_LOGO_PIXELS:,} pixels; save it smaller",
            where,
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise SettingsError(
            f"theme.logo: {shown} cannot be read as a PNG or JPEG picture", where
        ) from None
    # Decorative: the organization's name is printed beside it.
    return Picture(data=data, format=kind, width_px=width, height_px=height, alt="")
