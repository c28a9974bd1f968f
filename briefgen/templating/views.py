"""What templates see of briefgen's objects: small frozen views holding plain values.

Templates are user content. They never get briefgen's own objects: an
:class:`~briefgen.templating.search.AudienceInfo` holds a ``Path`` (whose methods read,
write and delete files) and :class:`~briefgen.settings.Settings` is a pydantic model
(whose class methods read files). Each template-facing object is instead a frozen
dataclass registered with :func:`template_view`, whose fields are strings, numbers,
tuples or other views; the sandbox (:mod:`briefgen.templating.sandbox`) lets a
template read a view's fields and public properties and nothing else of it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from briefgen.dates import MONTHS, month_year
from briefgen.errors import TemplateError
from briefgen.settings import Settings
from briefgen.templating.search import AudienceInfo

T = TypeVar("T")


@dataclass(frozen=True)
class ViewKind:
    """How a registered view is named to a template author, and what it lets them read."""

    noun: str
    attributes: frozenset[str]
    note: str = ""  # added to the message about an unknown name
    part: str = "field"  # what one of its attributes is called: a recipient's "column"

    def examples(self) -> str:
        """A few of its attributes to suggest reading, as ``.name, .title, .office``."""
        fields = [f for f in _SUGGESTED if f in self.attributes] or sorted(self.attributes)
        return ", ".join(f".{field}" for field in fields[:3])

    def listing(self) -> str:
        """Every attribute, as the messages list them: ``it has a, b, c; note``."""
        note = f"; {self.note}" if self.note else ""
        return f"it has {', '.join(sorted(self.attributes))}{note}"


# The fields a message suggests reading, when a view has them.
_SUGGESTED = ("text", "number", "short", "name", "title", "office")

# Held weakly: a recipients file's view class (recipient_view_class) is made for its
# columns and let go once its cache and the copies are done with it; a strong
# registry kept every one a process ever made, 12 KiB each, without end.
VIEWS: weakref.WeakKeyDictionary[type, ViewKind] = weakref.WeakKeyDictionary()


class NotAList(TemplateError, TypeError):
    """A template looped over, counted or searched a view (``{% for k in recipient %}``,
    ``recipient|length``): a TypeError as well, so that Jinja's ``is iterable`` and
    ``is sequence`` tests still answer no."""


def _not_a_list(view: object) -> NotAList:
    kind = VIEWS[type(view)]
    return NotAList(
        f"{kind.noun} is not a list to loop over, count or search; read one of its {kind.part}s,"
        f" such as {kind.examples()} ({kind.listing()})"
    )


def _refuse(self: object, *item: object) -> None:
    raise _not_a_list(self)


def _always_true(self: object) -> bool:
    return True


def template_view(
    noun: str, *, note: str = "", part: str = "field"
) -> Callable[[type[T]], type[T]]:
    """Register a frozen dataclass as something a template may see, called ``noun`` in
    messages; templates may read its fields and its public properties, nothing else.
    ``note``: what to add to the message about an unknown name (which is answered
    with "did you mean" the closest real one); ``part``: what one of its fields is
    called in messages.

    Looping over a view, counting it (``length``) or searching it (``in``) stops with
    a line naming what it has, not Python's "'FactView' object is not iterable"."""

    def register(cls: type[T]) -> type[T]:
        params = getattr(cls, "__dataclass_params__", None)
        if params is None or not params.frozen:
            raise TypeError(f"{cls.__name__}: a template view must be a frozen dataclass")
        # A field starting with '_' is briefgen's own (the sandbox refuses it too).
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        names = {f.name for f in fields if not f.name.startswith("_")}
        names |= {
            name
            for name, member in vars(cls).items()
            if isinstance(member, property) and not name.startswith("_")
        }
        VIEWS[cls] = ViewKind(noun, frozenset(names), note, part)
        # 'in' too: Python would replace a TypeError from __iter__ with its own words.
        methods: dict[str, Callable[..., object]]
        methods = dict.fromkeys(("__iter__", "__len__", "__contains__"), _refuse)
        if "__bool__" not in vars(cls):  # truth was never its length: keep it true
            methods["__bool__"] = _always_true
        for method, function in methods.items():
            setattr(cls, method, function)
        # Printed whole by any way that makes it text (| string, ~, format, %, | join,
        # | pprint, %r, a list of them made text), a view would print as Python writes
        # it: FactView(id=..., ...), its numbers without their source. The date prints
        # itself ("November 2026"), but not as Python writes it in a list.
        if cls.__str__ is object.__str__:
            cls.__str__ = _refuse_printing  # type: ignore[method-assign]
        cls.__repr__ = _refuse_printing  # type: ignore[method-assign]
        return cls

    return register


def printed_whole(kind: ViewKind, listed: bool) -> str:
    """What to say of a view (``listed``: a list of them) printed whole."""
    named = kind.examples()
    if not listed:
        return (
            f"{kind.noun} is printed whole, as Python writes it; print one of its fields, "
            f"such as {named}"
        )
    plural = kind.noun.removeprefix("a ").removeprefix("the ") + "s"
    return (
        f"a list of {plural} is printed whole, as Python writes it; print a field of "
        f"each in a {{% for %}} loop, such as {named}"
    )


def _refuse_printing(view: object) -> str:
    raise TemplateError(printed_whole(VIEWS[type(view)], False))


def prints_itself(cls: type) -> bool:
    """Whether a view prints as text of its own (the date: "November 2026")."""
    return cls.__str__ is not _refuse_printing  # type: ignore[comparison-overlap]


@template_view("the audience")
@dataclass(frozen=True)
class AudienceView:
    """``audience``: this template's front matter."""

    name: str
    display_name: str
    description: str
    reading_level: float | None
    page_size: str | None
    language: str


@template_view("settings.organization")
@dataclass(frozen=True)
class OrganizationView:
    """``settings.organization``: briefgen.toml's ``[organization]``."""

    name: str


@template_view("settings.contact")
@dataclass(frozen=True)
class ContactView:
    """``settings.contact``: briefgen.toml's ``[contact]``."""

    name: str
    email: str
    phone: str
    website: str
    sources_url: str

    @property
    def is_empty(self) -> bool:
        """True when no contact field is filled in."""
        return not any((self.name, self.email, self.phone, self.website))


@template_view("settings.build")
@dataclass(frozen=True)
class BuildView:
    """``settings.build``: briefgen.toml's ``[build]``."""

    page_size: str
    author: str


@template_view("settings.facts")
@dataclass(frozen=True)
class FactsSettingsView:
    """``settings.facts``: briefgen.toml's ``[facts]``."""

    max_age_years: float


@template_view("settings")
@dataclass(frozen=True)
class SettingsView:
    """``settings``: what ``briefgen.toml`` says, as plain values."""

    organization: OrganizationView
    contact: ContactView
    build: BuildView
    facts: FactsSettingsView


@template_view("date")
@dataclass(frozen=True)
class DateView:
    """``date``: the date the brief shows (``--date``, ``[build] date``,
    ``SOURCE_DATE_EPOCH`` or today). Printed as is, it reads "November 2026"."""

    iso: str  # 2026-11-28
    year: int
    month: int
    day: int
    month_name: str  # November
    month_year: str  # November 2026

    def __str__(self) -> str:
        return self.month_year


# What a recipient's views are called in messages, and known by (is_recipient).
RECIPIENT = "the recipient"


@template_view(RECIPIENT, note="without '--recipients FILE' only these, all empty", part="column")
@dataclass(frozen=True)
class NoRecipient:
    """``recipient`` when the build has no recipients file: false, so that
    ``{% if recipient %}`` leaves out what names a recipient; its known columns
    (:data:`briefgen.recipients.KNOWN_COLUMNS`) are empty."""

    id: str = ""
    audience: str = ""
    name: str = ""
    title: str = ""
    office: str = ""
    place: str = ""

    def __bool__(self) -> bool:
        return False


NO_RECIPIENT = NoRecipient()
# The columns every recipient has, empty or not: briefgen.recipients.KNOWN_COLUMNS
# (a test holds the two equal), without importing the reader of recipients files
# into every build.
KNOWN_COLUMNS = tuple(column.name for column in dataclasses.fields(NoRecipient))


@functools.lru_cache(maxsize=64)
def recipient_view_class(columns: tuple[str, ...]) -> type:
    """The view class of a recipients file's rows: a frozen dataclass with one text
    field per column (``recipient.name``, ``recipient.place``, any other column)."""
    # Each field given as a field(): without one, a column named like an attribute
    # every class has ('mro') took that attribute as its default, and the columns
    # after it were refused ("non-default argument follows default argument").
    cls = dataclasses.make_dataclass(
        "RecipientView",
        [(column, str, dataclasses.field()) for column in columns],
        frozen=True,
    )
    cls.__doc__ = "``recipient``: the row of the recipients file this copy is for."
    return template_view(RECIPIENT, part="column")(cls)


def is_recipient(value: object) -> bool:
    """Whether ``value`` is a recipient's view: a row of a recipients file, or the
    empty recipient of a build without one."""
    kind = VIEWS.get(type(value))
    return kind is not None and kind.noun == RECIPIENT


def recipient_columns(recipient: object | None) -> dict[str, str]:
    """A recipient view's columns and their text ({} without a recipient)."""
    if recipient is None or not dataclasses.is_dataclass(recipient):
        return {}
    return {f.name: str(getattr(recipient, f.name)) for f in dataclasses.fields(recipient)}


def recipient_view(columns: tuple[str, ...], values: tuple[str, ...]) -> object:
    """The template-facing view of one recipient: each column's text."""
    return recipient_view_class(columns)(*values)


def date_view(day: dt.date) -> DateView:
    """The template-facing view of the brief's date."""
    return DateView(
        iso=day.isoformat(),
        year=day.year,
        month=day.month,
        day=day.day,
        month_name=MONTHS[day.month - 1],
        month_year=month_year(day),
    )


def audience_view(audience: AudienceInfo) -> AudienceView:
    """The template-facing view of an audience (its file path left out)."""
    return AudienceView(
        name=audience.name,
        display_name=audience.display_name,
        description=audience.description,
        reading_level=audience.reading_level,
        page_size=audience.page_size,
        language=audience.language,
    )


def settings_view(settings: Settings) -> SettingsView:
    """The template-facing view of the workspace settings."""
    contact = settings.contact
    return SettingsView(
        organization=OrganizationView(name=settings.organization.name),
        contact=ContactView(
            name=contact.name,
            email=contact.email,
            phone=contact.phone,
            website=contact.website,
            sources_url=contact.sources_url,
        ),
        build=BuildView(page_size=settings.build.page_size, author=settings.build.author),
        facts=FactsSettingsView(max_age_years=float(settings.facts.max_age_years)),
    )
