"""Workspace settings, read from ``briefgen.toml`` at the workspace root."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from briefgen.errors import Location, SettingsError, raise_all
from briefgen.inputs import clip, decode_text, read_bytes
from briefgen.model import WORD_PROPERTY_LIMIT
from briefgen.tomllines import TooDeep, key_lines

SETTINGS_FILE = "briefgen.toml"
PageSize = Literal["letter", "a4"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Organization(_Section):
    name: str = ""


class Contact(_Section):
    """Who readers should call. Empty fields print nothing."""

    name: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""

    @property
    def is_empty(self) -> bool:
        return not any((self.name, self.email, self.phone, self.website))


class BuildSettings(_Section):
    page_size: PageSize = "letter"
    author: str = ""


class FactsSettings(_Section):
    max_age_years: float = Field(default=3, gt=0)


class Settings(_Section):
    """Everything ``briefgen.toml`` may hold; every key is optional."""

    organization: Organization = Organization()
    contact: Contact = Contact()
    build: BuildSettings = BuildSettings()
    facts: FactsSettings = FactsSettings()


# A settings file is a few short lines; these stop a broken or hostile one early.
MAX_BYTES = 64_000
MAX_DEPTH = 20


def load_settings(workspace: Path) -> Settings:
    """Read ``briefgen.toml`` from ``workspace``; defaults when the file is absent.

    Every problem is a :class:`SettingsError` at ``briefgen.toml:LINE``: a file that is
    not a regular file, too large or not UTF-8; bad TOML or TOML nested too deep; an
    unknown section or key, a wrong value; text that would not print as written or
    that Word cannot hold as a document property.
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
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib puts "(at line L, column C)" at the end of its message.
        message, _, where = str(exc).partition(" (at line ")
        line = int(where.split(",")[0]) if where[:1].isdigit() else 1
        raise SettingsError(f"TOML: {clip(message, 200)}", Location.of(path, line)) from None

    def at(loc: tuple[int | str, ...]) -> Location:
        found = (lines.get(loc[:end]) for end in range(len(loc), 0, -1))
        return Location.of(path, next((line for line in found if line), 1))

    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(error, at) for error in exc.errors(include_url=False)]
        raise_all(
            sorted(problems, key=lambda problem: problem.location.line if problem.location else 0)
        )
        raise  # pragma: no cover - raise_all always raises for a non-empty list
    raise_all(_text_problems(settings, at))
    return settings


def _problem(error: ErrorDetails, at: Callable[[tuple[int | str, ...]], Location]) -> SettingsError:
    loc = error["loc"]
    name = ".".join(clip(str(part)) for part in loc)
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        known = Settings.model_fields if len(loc) == 1 else _section_fields(loc[0])
        what = "section" if len(loc) == 1 else "key"
        message = f"unknown {what} (expected {', '.join(known)})"
    return SettingsError(f"{name}: {message}", at(loc))


def _section_fields(section: str | int) -> list[str]:
    model = getattr(Settings(), str(section), None)
    return list(type(model).model_fields) if isinstance(model, BaseModel) else []


def _text_problems(
    settings: Settings, at: Callable[[tuple[int | str, ...]], Location]
) -> Iterator[SettingsError]:
    """Text a brief prints or writes into its properties, checked at its line here
    rather than blamed on the template that prints it."""
    from briefgen.glyphs import printing_problem

    for section in ("organization", "contact", "build"):
        values = getattr(settings, section)
        for key, value in values.model_dump().items():
            if not isinstance(value, str):
                continue
            if _PLAIN.fullmatch(value) is None and (problem := printing_problem(value)):
                yield SettingsError(f"{section}.{key}: has {problem}", at((section, key)))
            elif (section, key) in _PROPERTIES and len(value) > WORD_PROPERTY_LIMIT:
                yield SettingsError(
                    f"{section}.{key}: {len(value):,} characters; Word allows at most "
                    f"{WORD_PROPERTY_LIMIT} characters in a document's author",
                    at((section, key)),
                )


# Printable ASCII, which every bundled font draws: no need to ask the fonts.
_PLAIN = re.compile(r"[ -~]*")
# Written into the DOCX's author property.
_PROPERTIES = {("organization", "name"), ("build", "author")}
