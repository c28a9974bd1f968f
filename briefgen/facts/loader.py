"""Load and validate a facts store, collecting every problem before giving up.

Each problem reads ``facts/FILE.yaml:LINE: field: what is wrong``; all of them are
raised together as one :class:`~briefgen.errors.ProblemList`.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import re
from collections import OrderedDict
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from briefgen.errors import BriefgenError, FactsError, Location, display_path, raise_all
from briefgen.facts.schema import SLUG, Fact, Source, Translation, in_quotation_marks, place_slug
from briefgen.facts.store import FactStore
from briefgen.facts.yamlfile import LocPath, YamlDocument, parse_facts, read_facts_bytes
from briefgen.inputs import clip, clip_name, not_typed_number, quote
from briefgen.schema_words import schema_message
from briefgen.suggest import Suggestions

FACT_SUFFIXES = (".yaml", ".yml")
# A real store is a few files of a few kilobytes (each file is capped in yamlfile).
MAX_FILES = 1_000
MAX_STORE_BYTES = 5_000_000
# A message is one line of a terminal or so; a value it quotes is clipped to fit.
MESSAGE_LIMIT = 300
_SECTIONS: dict[str, type[BaseModel]] = {"sources": Source, "facts": Fact}


def is_facts_file_name(name: str) -> bool:
    """Whether a file of this name in a store's folder is a facts file: YAML, and not
    hidden (an editor's lock ``.#facts.yaml``, macOS's ``._facts.yaml``)."""
    return Path(name).suffix in FACT_SUFFIXES and not name.startswith(".")


def _missing(path: Path) -> str:
    """Why ``path``, which is not there, is not: a link to nothing, a loop, or none."""
    if not path.is_symlink():
        return "no such file or folder"
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a loop of symbolic links; remove it"
    return f"a link to {str(path.readlink())!r}, which is not there; mend or remove it"


def facts_files(path: Path) -> list[Path]:
    """The YAML files of a store: ``path`` itself, or those directly inside it, sorted.

    Anything but a folder is taken as one facts file (a FIFO or device is refused
    when read); in a folder, every ``.yaml`` entry that is not itself a folder nor
    hidden (an editor's lock ``.#facts.yaml``, macOS's ``._facts.yaml``).
    """
    if not path.exists():
        # Where the entry is: a link's missing target is no path the user gave.
        raise FactsError(_missing(path), Location(str(Path(display_path(path.parent)) / path.name)))
    if not path.is_dir():
        return [path]
    files = sorted(p for p in path.iterdir() if is_facts_file_name(p.name) and not p.is_dir())
    folder = path.resolve()
    for file in files:
        # As for templates: a link in facts/ must not make any file on the machine a
        # facts file (its values would be quoted in messages).
        if not file.resolve().is_relative_to(folder):
            raise FactsError(
                f"a link to {file.resolve()}, outside {display_path(path)}; facts files "
                "are read only from inside their folder",
                Location(str(Path(display_path(path)) / file.name)),
            )
    if not files:
        raise FactsError("no .yaml facts files in this folder", Location.of(path))
    if len(files) > MAX_FILES:
        raise FactsError(
            f"{len(files):,} facts files; briefgen reads at most {MAX_FILES:,}", Location.of(path)
        )
    size = sum(_size(file) for file in files)
    if size > MAX_STORE_BYTES:
        raise FactsError(
            f"{size:,} bytes of facts files in all; briefgen reads at most "
            f"{MAX_STORE_BYTES:,} for one store",
            Location.of(path),
        )
    return files


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0  # reading it says what is wrong


def load_store(path: Path, *, today: dt.date | None = None) -> FactStore:
    """Read every facts file under ``path`` into a :class:`FactStore`.

    Raises a :class:`FactsError` (or a ``ProblemList`` of them) listing every
    problem in every file: YAML syntax, schema, duplicate ids, unknown sources and
    dates in the future.
    """
    today = today or dt.date.today()
    problems: list[BriefgenError] = []
    files: list[tuple[Path, bytes]] = []
    # Whether a file that may list sources could not be read: the sources it lists
    # are unknown, not missing, and the facts citing them are not told they are.
    sources_unread = False
    for file in facts_files(path):
        try:
            files.append((file, read_facts_bytes(file)))
        except FactsError as exc:
            problems.append(exc)
            sources_unread = True
    key = _store_key(files, today)
    if not problems and key in _LOADED:
        _LOADED.move_to_end(key)
        return _LOADED[key]
    store = FactStore()
    keys = _KeySuggestions()
    for file, raw in files:
        try:
            doc = parse_facts(raw, file)
        except FactsError as exc:
            problems.append(exc)
            sources_unread = sources_unread or _SOURCES_SECTION.search(raw) is not None
            continue
        problems.extend(doc.problems)
        problems.extend(_load_document(doc, store, keys))
    problems.extend(_cross_check(store, today, sources_unread))
    raise_all(sorted(problems, key=_by_place))
    _LOADED[key] = store
    if len(_LOADED) > LOADED_STORES:
        _LOADED.popitem(last=False)
    return store


# The stores this process loaded, by what each was made from (:func:`_store_key`): a
# process that reads the same facts again (check then build, a preview's build, the
# test suite's builds of the sample) gets the store it made, which nothing changes
# once loaded. The least recently used goes first.
LOADED_STORES = 4
_LOADED: OrderedDict[str, FactStore] = OrderedDict()


def _store_key(files: list[tuple[Path, bytes]], today: dt.date) -> str:
    """What a store is made of: each file's bytes and the path its messages show
    (relative to the working directory), and the day that dates are checked against."""
    digest = hashlib.sha256(today.isoformat().encode())
    for file, raw in files:
        digest.update(display_path(file).encode("utf-8", "surrogatepass") + b"\0")
        digest.update(hashlib.sha256(raw).digest())
    return digest.hexdigest()


def _by_place(problem: BriefgenError) -> tuple[str, int]:
    where = problem.location
    return (where.path, where.line) if where else ("", 0)


def _load_document(doc: YamlDocument, store: FactStore, keys: _KeySuggestions) -> list[FactsError]:
    problems: list[FactsError] = []
    data = doc.data
    if data is None:
        return [FactsError("the file is empty; expected 'facts:' or 'sources:'", doc.location(()))]
    if not isinstance(data, dict):
        return [
            FactsError(
                "expected a mapping with 'facts:' and/or 'sources:' at the top",
                doc.location(()),
            )
        ]
    for key, items in data.items():
        model = _SECTIONS.get(key)
        if model is None:
            problems.append(
                FactsError(
                    f"{clip_name(str(key))}: unknown section; expected 'facts' or 'sources'",
                    doc.location((key,)),
                )
            )
            continue
        if not isinstance(items, list):
            problems.append(
                FactsError(f"{clip_name(str(key))}: expected a list", doc.location((key,)))
            )
            continue
        for index, item in enumerate(items):
            loc: LocPath = (key, index)
            try:
                entry = model.model_validate(item)
            except ValidationError as exc:
                problems.extend(_schema_problems(exc, doc, loc, item, keys))
                if model is Source and isinstance(item, dict) and isinstance(item.get("id"), str):
                    # Reported already: facts citing it should not be told it is missing.
                    store.broken_sources.add(item["id"])
                continue
            problems.extend(_register(store, entry, doc, loc))
    return problems


def _register(
    store: FactStore, entry: BaseModel, doc: YamlDocument, loc: LocPath
) -> list[FactsError]:
    where = doc.location(loc)
    if isinstance(entry, Source):
        table: dict[str, Any] = store.sources
        locations = store.source_locations
        what = "source"
    else:
        assert isinstance(entry, Fact)
        table, locations, what = store.facts, store.locations, "fact"
    entry_id: str = entry.id
    if entry_id in table:
        return [
            FactsError(
                f"id: duplicate {what} id '{entry_id}' (first defined at {locations[entry_id]})",
                where,
            )
        ]
    table[entry_id] = entry
    locations[entry_id] = where
    fields = store.source_field_locations if isinstance(entry, Source) else store.field_locations
    for name in type(entry).model_fields:
        if (*loc, name) in doc.lines:
            fields[(entry_id, name)] = doc.location((*loc, name))
    return []


def _holds(item: dict[str, Any], path: list[str]) -> bool:
    """Whether ``item`` holds the field at ``path`` (``["es", "text"]``)."""
    for name in path:
        if not isinstance(item, dict) or name not in item:
            return False
        item = item[name]
    return True


def _schema_problems(
    exc: ValidationError, doc: YamlDocument, base: LocPath, item: Any, keys: _KeySuggestions
) -> list[FactsError]:
    problems = []
    for error in exc.errors(include_url=False):
        loc: LocPath = (*base, *error["loc"])
        message = schema_message(error)
        field = _field_name(error["loc"])
        # Rules that span fields (model validators) name their field first: "value: ...",
        # or a field of the Spanish form, "es.text: ...".
        head, sep, rest = message.partition(": ")
        path = head.split(".")
        if not field and sep and isinstance(item, dict) and all(p.isidentifier() for p in path):
            field, message = head, rest
            if _holds(item, path):
                loc = (*base, *path)
        if error["type"] == "extra_forbidden":
            message = keys.message(error["loc"])
        elif error["type"] == "missing":
            message = "is required"
        elif error["type"] == "model_type" and not error["loc"]:
            message = "expected a mapping of fields (id: ..., kind: ..., ...)"
        elif error["type"] == "model_type" and error["loc"] == ("es",):
            message = "expected the Spanish form's fields (text: ..., short: ..., reviewed: false)"
        elif error["type"] in ("list_type", "tuple_type") and isinstance(error["input"], str):
            # `topics: prices, seizures`: a list written without its brackets.
            items = [slug for slug in map(place_slug, error["input"].split(",")) if slug]
            meant = f" (did you mean [{', '.join(items)}]?)" if items else ""
            message = f"expected a list such as [a, b]{meant}"
        elif error["type"] == "int_type":
            message = not_typed_number(error["input"], whole=True)
        elif error["type"] == "string_pattern_mismatch":
            pattern = error.get("ctx", {}).get("pattern")
            message = (
                f"{quote(error['input'])} is not a slug (lowercase words joined by '-')"
                if pattern == SLUG
                else f"{quote(error['input'])} is not an http(s) address"
            )
            written = str(error["input"]).strip()
            inner = in_quotation_marks(written)
            if pattern == SLUG and inner is not None and re.fullmatch(SLUG, inner):
                message += f"; write it without the quotation marks: {inner}"
            elif pattern == SLUG:
                # An id or place as a person writes it: "Pills at the Port", "Tucson, AZ".
                meant = place_slug(written)
                message += f"; did you mean '{meant}'?" if meant else ""
            elif "://" not in written and "." in written and not re.search(r"\s", written):
                message += f"; write it with its scheme: https://{clip(written, 80)}"
        message = clip(message, MESSAGE_LIMIT)
        problems.append(FactsError(f"{field}: {message}" if field else message, doc.location(loc)))
    return problems


def _field_name(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        name = clip_name(str(part))
        text += f"[{part}]" if isinstance(part, int) else (f".{name}" if text else name)
    return text


class _KeySuggestions:
    """The field closest to each unknown key of one store's files, within one budget
    of comparisons (:class:`~briefgen.suggest.Suggestions`): a store of thousands of
    misspelt keys looked each up in full, 245,000 of them in 23 s."""

    def __init__(self) -> None:
        fields = list(Fact.model_fields) + list(Source.model_fields)
        self.fields = Suggestions(fields)
        self.spanish = Suggestions(Translation.model_fields)
        # A source's `URL` is spelled as CSL-JSON spells it: `url` is the same field.
        self.cased = {name.lower(): name for name in fields}
        self.spanish_cased = {name.lower(): name for name in Translation.model_fields}

    def message(self, loc: tuple[int | str, ...]) -> str:
        """``unknown field``, with "did you mean" the field meant, if any is close."""
        spanish = len(loc) > 1 and loc[0] == "es"
        written = clip_name(str(loc[-1]))
        cased = self.spanish_cased if spanish else self.cased
        close = cased.get(written.lower()) or (self.spanish if spanish else self.fields)(written)
        hint = f" (did you mean '{close}'?)" if close else ""
        return f"unknown field{hint}"


def _no_sources(store: FactStore) -> list[FactsError]:
    """One error, not one per fact, when the facts read define no source at all: the
    sources are in a file left out (``--facts facts/seizures.yaml``) or not yet written."""
    if store.sources or store.broken_sources:
        return []
    cited = [
        (fact, name)
        for fact in store
        for name in ("source", "original_source")
        if getattr(fact, name) is not None
    ]
    if not cited:
        return []
    fact, name = cited[0]
    count = len({getattr(f, n) for f, n in cited})
    return [
        FactsError(
            f"{name}: unknown source '{getattr(fact, name)}': no source is defined in the "
            f"facts read, so none of the {count} the facts name is known; add a 'sources:' "
            "list, or pass the whole facts folder if they are in another file",
            store.where(fact.id, name),
        )
    ]


# A file's 'sources:' section, as a file YAML could not read may still show it.
_SOURCES_SECTION = re.compile(rb"^sources[ \t]*:", re.MULTILINE)


def _cross_check(
    store: FactStore, today: dt.date, sources_unread: bool = False
) -> list[FactsError]:
    problems = [] if sources_unread else _no_sources(store)
    # When no source is defined, _no_sources has said so once for every citation; when
    # a file of sources could not be read, the ids it holds are not known to be wrong.
    names = () if problems or sources_unread else ("source", "original_source")
    closest = Suggestions(store.sources)
    for fact in store:
        for name in names:
            source_id = getattr(fact, name)
            known = source_id in store.sources or source_id in store.broken_sources
            if source_id is not None and not known:
                close = closest(source_id)
                hint = f" (did you mean '{close}'?)" if close else ""
                problems.append(
                    FactsError(
                        f"{name}: unknown source '{source_id}'{hint}", store.where(fact.id, name)
                    )
                )
        if fact.as_of.start > today:
            problems.append(
                FactsError(
                    f"as_of: {fact.as_of} is in the future (today is {today})",
                    store.where(fact.id, "as_of"),
                )
            )
    for source in store.sources.values():
        if source.issued and source.issued.start > today:
            problems.append(
                FactsError(
                    f"issued: {source.issued} is in the future (today is {today})",
                    store.where_source(source.id, "issued"),
                )
            )
        # The day the source was read: never after today, a slip of the year's digits.
        if source.accessed and source.accessed > today:
            problems.append(
                FactsError(
                    f"accessed: {source.accessed} is in the future (today is {today})",
                    store.where_source(source.id, "accessed"),
                )
            )
        # Nor before the source came out: a slip in one of the two dates.
        elif source.accessed and source.issued and source.accessed < source.issued.start:
            problems.append(
                FactsError(
                    f"accessed: {source.accessed} is before the source was issued "
                    f"({source.issued}); one of the two dates is wrong",
                    store.where_source(source.id, "accessed"),
                )
            )
    return problems
