"""Where templates come from: a search path of folders, highest priority first.

Like mkdocs themes: each ``--templates DIR``, then the workspace's ``templates/``,
then the templates built into the package. A file in a higher folder overrides
the one of the same name below it; ``builtin/NAME`` always names the built-in, so
an override can extend the template it replaces. Each template may start with a
YAML front matter block holding the audience's metadata.
"""

from __future__ import annotations

import codecs
import difflib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from jinja2 import BaseLoader, Environment, TemplateNotFound
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from briefgen.errors import (
    BriefgenError,
    Location,
    TemplateError,
    display_path,
    raise_all,
    terminal_safe,
)
from briefgen.facts.yamlfile import YamlDocument, parse_yaml
from briefgen.filenames import unsafe_audience_name
from briefgen.inputs import clip, clip_name, composed, not_finite, not_typed_number, read_bytes
from briefgen.language import LANGUAGE_TAG, unworded_language
from briefgen.model import WORD_PROPERTY_LIMIT
from briefgen.schema_words import schema_message
from briefgen.style import PageSizeName, page_size_any_case
from briefgen.templating import builtin_dir

TEMPLATE_SUFFIX = ".md.j2"
# A template file is a page's words and tags, a few kilobytes (the built-ins 3-4 KB);
# every byte is lexed, compiled and read again by the checks, some outside the
# render's time limit.
MAX_TEMPLATE_BYTES = 500_000
_EXTENDS = re.compile(r"{%-?\s*extends\s+[\"']([^\"']+)[\"']")
BUILTIN_PREFIX = "builtin/"


@dataclass(frozen=True)
class Folder:
    """One folder on the search path and what to call its origin."""

    path: Path
    origin: str  # "--templates", "workspace" or "built-in"


@dataclass(frozen=True)
class AudienceInfo:
    """An audience's metadata, from its template's front matter."""

    name: str
    display_name: str
    description: str = ""
    reading_level: float | None = None
    reading_ease: float | None = None  # a Spanish template's Szigriszt-Pazos target
    page_size: PageSizeName | None = None
    language: str = "en-US"
    origin: str = ""
    path: Path | None = None
    # The template it extends, as written, and that template's language; None when
    # it extends none.
    extends: tuple[str, str] | None = None
    # Where each front matter key was written (in this template or one it extends).
    written: tuple[tuple[str, Location], ...] = ()

    def where(self, key: str) -> Location | None:
        """Where to change the front matter key ``key`` for this audience: its line in
        the audience's own template, else that template's first line (a key it
        inherits is changed by giving it there); None for an audience read from no
        file."""
        if self.path is None:
            return None
        own = Location.of(self.path, 1)
        found = dict(self.written).get(key)
        return found if found is not None and found.path == own.path else own


# The brief's subject (a document property) when the front matter gives no description.
DEFAULT_SUBJECT = "Policy brief for {}"
# Front matter is a few short lines; this stops a broken or hostile one early.
MAX_FRONT_MATTER = 64_000


def _word_property(what: str, room: int = WORD_PROPERTY_LIMIT) -> AfterValidator:
    """Refuse text longer than ``room``: Word holds a document property of at most
    255 characters, and python-docx refuses more."""

    def check(value: str | None) -> str | None:
        if value is not None and len(value) > room:
            raise ValueError(
                f"{len(value):,} characters; at most {room} here: Word allows at most "
                f"{WORD_PROPERTY_LIMIT} characters in a document's {what}"
            )
        return value

    return AfterValidator(check)


# What XML (a DOCX's properties) cannot hold: a control character but a tab or line
# break, a lone surrogate, U+FFFE and U+FFFF. Written as those characters: as the
# complement of the ones XML allows, it took 3 ms to compile, 1% of a cold build.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _printed(value: str | None) -> str | None:
    """Refuse a character the document's properties cannot hold as written (a control
    character, U+FFFE): python-docx stopped on one with an internal error, and the
    PDF's subject carried it. Whether the name prints in the theme's font is checked
    where the brief is made (assemble.py); the description is never drawn."""
    from briefgen.glyphs import printing_problem  # glyphs reads the model, as this does

    if value is not None and (found := _NOT_XML.search(value)):
        raise ValueError(f"has {printing_problem(found[0])}")
    return value


def _worded_language(language: str) -> str:
    if not LANGUAGE_TAG.fullmatch(language):
        written = language.replace("_", "-")
        hint = f" ('{language}' is written '{written}')" if LANGUAGE_TAG.fullmatch(written) else ""
        raise ValueError(f"expected a language tag such as en-US or es-MX{hint}")
    if problem := unworded_language(language):
        raise ValueError(problem)
    return language


class FrontMatter(BaseModel):
    """What a template's front matter may say about its audience."""

    # YAML writes .nan and .inf (and reads 1e400 as inf): no number here may be one.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    # The name also makes the default subject.
    name: Annotated[
        str | None,
        _word_property("subject", WORD_PROPERTY_LIMIT - len(DEFAULT_SUBJECT) + 2),
        AfterValidator(_printed),
    ] = None
    description: Annotated[str, _word_property("subject"), AfterValidator(_printed)] = ""
    reading_level: float | None = Field(default=None, gt=0, le=20, strict=True)
    # For a Spanish template: the lowest Szigriszt-Pazos score (0-100, higher is
    # easier) its body should reach; see briefgen/readability.py.
    reading_ease: float | None = Field(default=None, ge=0, le=100, strict=True)
    page_size: Literal["letter", "a4"] | None = None
    language: Annotated[
        str, Field(default="en-US", max_length=35), AfterValidator(_worded_language)
    ] = "en-US"

    @field_validator("page_size", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        # "A4" and "Letter" as people write them, as --page-size and briefgen.toml take them.
        return page_size_any_case(value)


def _unknown_front_matter_key(key: str) -> str:
    """``unknown key (did you mean 'name'?)`` for a misspelt key (``nmae``), or the
    keys there are."""
    close = difflib.get_close_matches(key.strip().lower(), list(FrontMatter.model_fields), n=1)
    if close:
        return f"unknown key (did you mean '{close[0]}'?)"
    return f"unknown key (expected {', '.join(FrontMatter.model_fields)})"


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str, int]:
    """Split ``---``-fenced YAML front matter from a template.

    Returns the metadata, the template text with the front matter replaced by
    blank lines (so Jinja's line numbers stay those of the file), and the number
    of lines the front matter took.
    """
    doc, body, lines = read_front_matter(text, path)
    return (doc.data if doc else {}), body, lines


def read_front_matter(text: str, path: Path) -> tuple[YamlDocument | None, str, int]:
    """Like :func:`split_front_matter`, with the front matter as a document that knows
    the line of each key. Front matter is read as facts files are (YAML 1.2 numbers;
    caps on size, nesting and aliases), each problem a :class:`TemplateError` at its line.
    """
    if not text.startswith("---\n"):
        return None, text, 0
    if text.endswith("\n---"):  # front matter alone, its closing line unended
        text += "\n"
    end = text.find("\n---\n", 3)
    if end < 0:
        # Unclosed, the front matter would print on the page as body text.
        raise TemplateError(
            "front matter: opened here and never closed; end it with a line of '---' "
            "(to start the page with a rule, write '***')",
            Location.of(path, 1),
        )
    header = text[4:end]
    lines = header.count("\n") + 3
    if len(header) > MAX_FRONT_MATTER:
        raise TemplateError(
            f"front matter: longer than {MAX_FRONT_MATTER:,} characters; "
            "it holds a few 'key: value' lines",
            Location.of(path, 1),
        )
    try:
        # The header starts on the file's second line.
        doc = parse_yaml(header, path, TemplateError, first_line=2)
        raise_all(doc.problems)
    except TemplateError as exc:
        raise TemplateError(f"front matter: {exc.detail}", exc.location) from None
    if doc.data is None:
        doc.data = {}
    if not isinstance(doc.data, dict):
        raise TemplateError("front matter: expected 'key: value' lines", Location.of(path, 1))
    body = "\n" * lines + text[end + 5 :]
    return doc, body, lines


@dataclass
class SearchPath:
    """The ordered folders that templates are looked up in."""

    folders: list[Folder] = field(default_factory=list)

    @classmethod
    def build(cls, extra: list[Path], workspace: Path) -> SearchPath:
        """``extra`` folders first, then ``workspace/templates``, then the built-ins."""
        folders = [Folder(p, "--templates") for p in extra]
        if (workspace / "templates").is_dir():
            folders.append(Folder(workspace / "templates", "workspace"))
        folders.append(Folder(builtin_dir(), "built-in"))
        return cls(folders)

    def find(self, name: str) -> tuple[Path, Folder] | None:
        """The file ``name`` resolves to, and the folder it was found in."""
        for candidate, folder in self._candidates(name):
            if is_file(candidate):
                _refuse_links_out(name, candidate, folder)
                return candidate, folder
        return None

    def _candidates(self, name: str) -> list[tuple[Path, Folder]]:
        """Where ``name`` would be in each folder it is looked for in, in order."""
        if name.startswith(BUILTIN_PREFIX):
            folders = [f for f in self.folders if f.origin == "built-in"]
            name = name[len(BUILTIN_PREFIX) :]
        else:
            folders = self.folders
        parts = Path(name).parts
        if not parts or Path(name).is_absolute() or ".." in parts:
            return []
        return [(folder.path.joinpath(*parts), folder) for folder in folders]

    def describe(self) -> str:
        """The folders searched, in order; the built-ins as such, not by the folder
        they are installed in (site-packages)."""
        return ", ".join(
            "the built-ins" if f.origin == "built-in" else f"{display_path(f.path)} ({f.origin})"
            for f in self.folders
        )

    def not_found(self, name: str) -> TemplateError:
        """The error for a template ``name`` not on the path (:meth:`not_found_message`)."""
        return TemplateError(self.not_found_message(name))

    def not_found_message(self, name: str) -> str:
        """``template 'x' not found``, with "did you mean" the closest template on the
        path, and the folders searched; or, when the name's first entry on the path is
        no file to read (a folder, a FIFO, a link leading nowhere), what it is."""
        entry = next((c for c, _ in self._candidates(name) if os.path.lexists(c)), None)
        if entry is not None:
            where, problem = _entry_problem(entry)
            return f"template '{clip(name)}' ({where}) is {problem}"
        names: dict[str, None] = {}
        for folder in self.folders:
            if folder.path.is_dir():
                for path in sorted(folder.path.glob(f"*{TEMPLATE_SUFFIX}")):
                    names[path.name] = None
                    if folder.origin == "built-in":
                        names[f"builtin/{path.name}"] = None
        # A name written without its suffix ("legislators", "_macros") is looked up
        # with it: the suffix alone is too much of a short name to be close.
        meant = name if name.endswith(TEMPLATE_SUFFIX) else name + TEMPLATE_SUFFIX
        close = difflib.get_close_matches(meant, list(names), n=1, cutoff=0.8)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"template '{clip(name)}' not found{hint}; searched {self.describe()}"

    def audience_files(self) -> dict[str, tuple[Path, Folder]]:
        """Every audience on the path, by name: the winning file and its folder (the
        front matter unread)."""
        seen: dict[str, tuple[Path, Folder]] = {}
        for folder in self.folders:
            if not folder.path.is_dir():
                continue
            for file in sorted(folder.path.glob(f"*{TEMPLATE_SUFFIX}")):
                name = file.name[: -len(TEMPLATE_SUFFIX)]
                if not name.startswith(("_", ".")):
                    seen.setdefault(name, (file, folder))
        return dict(sorted(seen.items()))

    def audiences(self) -> list[AudienceInfo]:
        """Every audience template on the path, the winning file for each name; the
        problems of every one that is wrong, raised together."""
        found, problems = self.audiences_and_problems()
        raise_all(problems)
        return found

    def audiences_and_problems(self) -> tuple[list[AudienceInfo], list[BriefgenError]]:
        """Every audience template on the path that can be read, and the problem of
        each that cannot (a front matter mistake, a name no file may have)."""
        found: list[AudienceInfo] = []
        problems: list[BriefgenError] = []
        for name in self.audience_files():
            try:
                found.append(self.audience(name))
            except BriefgenError as exc:
                problems.append(exc)
        return found, problems

    def unknown_audience(self, name: str) -> TemplateError:
        """No template for ``name``: the close audience, and every one there is (a
        built-in as such, any other by its file)."""
        files = self.audience_files()
        if (entry := files.get(name)) is not None and self.find(name + TEMPLATE_SUFFIX) is None:
            # Listed, and yet no file to read: its name is right, its entry is not.
            return _not_a_template_file(entry[0])
        # Escaped: a file name may hold a line break.
        listed = ", ".join(
            terminal_safe(
                f"{known} ({'built-in' if folder.origin == 'built-in' else display_path(path)})",
                keep="",
            )
            for known, (path, folder) in files.items()
        )
        if name.startswith("_") and self.find(name + TEMPLATE_SUFFIX) is not None:
            return TemplateError(
                f"{clip(name)!r} is not an audience: a template whose name starts with '_' "
                f"holds pieces for other templates to import; the audiences are {listed}"
            )
        from briefgen.templating.helpers import closest

        # A template's path given for its name: the name is the file's, without its
        # folder and .md.j2 (templates/legislators.md.j2 is 'legislators').
        stem = Path(name).name.removesuffix(TEMPLATE_SUFFIX)
        close = stem if stem != name and stem in files else closest(name, list(files))
        # A file named on a Mac (NFD: an accent as a character of its own) asked for as
        # typed (NFC), or the other way round: the names look the same on screen.
        alike = [known for known in files if composed(known) == composed(name)]
        if alike:
            where = terminal_safe(display_path(files[alike[0]][0]), keep="")
            hint = (
                f"its file {where} writes the name with other characters that look the "
                "same, an accent as one of its own, as macOS names files: rename the "
                "file, typing its name"
            )
        elif close:
            hint = f"did you mean '{close}'?"
        elif not name.strip():  # an unset variable: templates show "$NAME"
            hint = "no name given"
        elif not stem or stem.startswith("."):
            hint = "a hidden file names no audience"
        else:
            hint = f"{clip_name(name)}{TEMPLATE_SUFFIX}"
        return TemplateError(
            f"no template for audience {clip(name)!r} ({hint}); the audiences are {listed}"
        )

    def audience(self, name: str) -> AudienceInfo:
        """The metadata of audience ``name``; inherits what it leaves out from the
        template it extends."""
        found = self.find(name + TEMPLATE_SUFFIX)
        # A hidden file is no audience, and '..' ("...md.j2") would name an output
        # folder above the output folder, '.' ("..md.j2") none: a batch's copies
        # would go to the root of the file system.
        stem = Path(name).name
        if found is None or name.startswith("_") or not stem or stem.startswith("."):
            raise self.unknown_audience(name)
        path, folder = found
        if unsafe := unsafe_audience_name(stem):
            raise TemplateError(
                f"audience {clip(stem)!r} cannot name its files and a batch's folder: "
                f"{unsafe}; rename the template",
                Location.of(path, 1),
            )
        data, where, extends = self._metadata(path, depth=0)
        try:
            meta = FrontMatter.model_validate(data)
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            key = str(error["loc"][0]) if error["loc"] else ""
            message = (
                _unknown_front_matter_key(key)
                if error["type"] == "extra_forbidden"
                else not_finite(error["input"])
                if error["type"] == "finite_number"
                else not_typed_number(error["input"])
                if error["type"] == "float_type"
                else schema_message(error)
            )
            raise TemplateError(
                f"front matter: {clip_name(key)}: {message}", where.get(key, Location.of(path, 1))
            ) from None
        return AudienceInfo(
            name=name,
            display_name=meta.name or name.replace("-", " ").title(),
            description=meta.description,
            reading_level=meta.reading_level,
            reading_ease=meta.reading_ease,
            page_size=meta.page_size,
            language=meta.language,
            origin=folder.origin,
            path=path,
            extends=extends,
            written=tuple(where.items()),
        )

    def _metadata(
        self, path: Path, depth: int
    ) -> tuple[dict[str, Any], dict[str, Location], tuple[str, str] | None]:
        """The front matter of ``path`` over that of the templates it extends, where
        each key was written, and the template it extends with that template's
        language (its own front matter's, or what it inherits), or None."""
        text = _decoded(_template_bytes(path), errors="replace")
        doc, _, _ = read_front_matter(text, path)
        meta: dict[str, Any] = doc.data if doc else {}
        where = {key: doc.location((key,)) for key in meta} if doc else {}
        parent = extended(text)
        if parent and depth < 5 and (found := self.find(parent)):
            inherited, inherited_where, _ = self._metadata(found[0], depth + 1)
            language = inherited.get("language", "en-US")
            extends = (parent, language if isinstance(language, str) else "en-US")
            return {**inherited, **meta}, {**inherited_where, **where}, extends
        return meta, where, None


class LinkOutOfFolder(TemplateError):
    """A template file that is a link to a file outside its search folder."""


def is_file(path: Path) -> bool:
    """Whether ``path`` is a file; not for a name the file system refuses (longer than
    it allows: an include of 1,000 letters), as for one that is not there."""
    try:
        return path.is_file()
    except OSError:
        return False


def _refuse_links_out(name: str, candidate: Path, folder: Folder) -> None:
    """Refuse ``candidate`` if its real path (links followed) leaves ``folder``: a link
    in templates/ must not turn any file on the machine into a template."""
    real = candidate.resolve()
    if real.is_relative_to(folder.path.resolve()):
        return
    # Named by the link itself: display_path would follow it to its target.
    link = Path(display_path(candidate.parent)) / candidate.name
    raise LinkOutOfFolder(
        f"template '{name}' is a link to {real}, outside {display_path(folder.path)}; "
        "templates are read only from inside their folders",
        Location(str(link)),
    )


def extended(text: str) -> str | None:
    """The template named by a literal ``{% extends "..." %}``, if there is one."""
    match = _EXTENDS.search(text)
    return match.group(1) if match else None


_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def _check_private_use(text: str, path: Path) -> None:
    """Private-use characters print as nothing or garbage, and briefgen uses a few
    of them internally to trace output lines to template lines."""
    if match := _PRIVATE_USE.search(text):
        line = text.count("\n", 0, match.start()) + 1
        raise TemplateError(
            f"private-use character U+{ord(match.group(0)):04X}; remove it",
            Location.of(path, line),
        )


def _not_a_template_file(path: Path) -> TemplateError:
    """An audience's entry that holds no text to read: a link that leads nowhere, a
    folder, a FIFO or a device. Blamed on the entry, not on where a link leads."""
    where, problem = _entry_problem(path)
    return TemplateError(problem, Location(where))


def _entry_problem(path: Path) -> tuple[str, str]:
    """Where the entry ``path`` is (named by the entry itself, not where a link
    leads) and why it holds no template to read."""
    where = str(Path(display_path(path.parent)) / path.name)
    if path.is_symlink() and not path.exists():
        target = terminal_safe(os.readlink(path), keep="")
        return where, f"a link to {target}, which is not there; mend or remove it"
    return where, "not a regular file; a template is a text file"


def read_template(path: Path) -> str:
    """A template's text as briefgen reads it: UTF-8 (a leading byte-order mark
    dropped), composed; refused at the line of its first byte that is not UTF-8, as a
    facts file or ``briefgen.toml`` is, and when larger than
    :data:`MAX_TEMPLATE_BYTES`, unread past that."""
    data = _template_bytes(path)
    try:
        return _decoded(data)
    except UnicodeDecodeError as exc:
        # Lines as Python's reading counts them (CRLF, LF or a lone CR).
        line = len(re.split(rb"\r\n|\r|\n", data[: exc.start]))
        raise TemplateError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the template as UTF-8",
            Location.of(path, line),
        ) from None


def _template_bytes(path: Path) -> bytes:
    data = read_bytes(path, MAX_TEMPLATE_BYTES, TemplateError, "a template file")
    return data.removeprefix(codecs.BOM_UTF8)


def _decoded(data: bytes, errors: str = "strict") -> str:
    """A template's bytes as text, its lines ended as Python reads a text file (CRLF
    and a lone CR as LF), composed."""
    text = data.decode("utf-8", errors=errors)
    return composed(text.replace("\r\n", "\n").replace("\r", "\n"))


class SearchPathLoader(BaseLoader):
    """A Jinja loader over a :class:`SearchPath` that hides front matter."""

    def __init__(self, search_path: SearchPath) -> None:
        self.search_path = search_path

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        try:
            found = self.search_path.find(template)
        except LinkOutOfFolder as exc:
            # Blamed on the {% include %} or {% extends %} line that named it.
            raise TemplateError(exc.detail) from None
        if found is None:
            raise TemplateNotFound(template)
        path = found[0]
        text = read_template(path)
        _check_private_use(text, path)
        _, body, _ = split_front_matter(text, path)
        mtime = os.path.getmtime(path)
        return body, str(path), lambda: os.path.getmtime(path) == mtime

    def list_templates(self) -> list[str]:
        names = set()
        for folder in self.search_path.folders:
            if folder.path.is_dir():
                names |= {p.name for p in folder.path.glob(f"*{TEMPLATE_SUFFIX}")}
        return sorted(names)
