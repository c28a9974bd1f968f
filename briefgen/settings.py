"""Workspace settings, read from ``briefgen.toml`` at the workspace root."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from briefgen.errors import Location, SettingsError, raise_all

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


def load_settings(workspace: Path) -> Settings:
    """Read ``briefgen.toml`` from ``workspace``; defaults when the file is absent."""
    path = workspace / SETTINGS_FILE
    if not path.is_file():
        return Settings()
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib puts "(at line L, column C)" at the end of its message.
        message, _, where = str(exc).partition(" (at line ")
        line = int(where.split(",")[0]) if where[:1].isdigit() else 0
        raise SettingsError(f"TOML: {message}", Location.of(path, line)) from None
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise_all(
            SettingsError(
                f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}",
                Location.of(path, _line_of_key(text, error["loc"])),
            )
            for error in exc.errors(include_url=False)
        )
        raise  # pragma: no cover - raise_all always raises for a non-empty list


def _line_of_key(text: str, loc: tuple[int | str, ...]) -> int:
    """Best-effort line of ``section.key`` in a TOML text (tomllib keeps no positions)."""
    section = f"[{loc[0]}]" if len(loc) > 1 else None
    key = str(loc[-1])
    in_section = section is None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("["):
            in_section = line == section
            if in_section and len(loc) == 1 and line == f"[{key}]":
                return number
            continue
        if in_section and line.split("=")[0].strip() == key:
            return number
    return 0
