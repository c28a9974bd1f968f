"""What a template may touch: an allow-list, not a deny-list.

Jinja's own sandbox refuses names that start with ``_`` and lets everything else
through, so any public method of any object handed to a template is callable: a
``Path`` reads and deletes files, a pydantic model's class methods read them. Here
a template may read an attribute or call a method only if it is on this list:

- the fields and public properties of the views registered in
  :mod:`briefgen.templating.views` (facts, the audience, the settings);
- methods of text that read it or make new text from it (``upper``, ``split``,
  ``startswith``, ``replace``, ``join``, ``format``, ...; the template limits cap
  what they build), but none that pads text to a width (``center``, ``ljust``:
  the ``center`` and ``format`` filters do that);
- the read-only methods of lists, tuples and mappings (``index``, ``count``,
  ``items``, ``keys``, ``values``, ``get``), and the fields of the named tuples
  Jinja's filters return (``groupby``'s ``grouper`` and ``list``);
- the objects Jinja itself makes while a template runs (``loop``, a cycler, a
  joiner, a namespace, macros and ``caller``, ``self`` and ``super()``, an
  imported template's names);
- the functions in the environment's globals (briefgen's helpers and the Jinja
  built-ins listed in :func:`jinja_globals`).

Everything else is refused with a line worded for a template author.
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Callable, Collection, Iterable
from typing import Any, ClassVar

from jinja2 import StrictUndefined
from jinja2.environment import TemplateModule
from jinja2.exceptions import SecurityError
from jinja2.runtime import BlockReference, LoopContext, Macro, TemplateReference, Undefined
from jinja2.sandbox import safe_range
from jinja2.utils import Cycler, Joiner, Namespace, generate_lorem_ipsum, missing
from markupsafe import Markup

from briefgen.inputs import clip, clip_name, quote
from briefgen.suggest import closest_name
from briefgen.templating.limits import too_many
from briefgen.templating.traced import TracedMarkup, TracedStr
from briefgen.templating.views import VIEWS

# Methods of text a template may call (templating/limits.py caps what they build).
TEXT_METHODS = frozenset(
    {
        "capitalize",
        "casefold",
        "count",
        "endswith",
        "find",
        "format",
        "format_map",
        "index",
        "isalnum",
        "isalpha",
        "isascii",
        "isdecimal",
        "isdigit",
        "isidentifier",
        "islower",
        "isnumeric",
        "isprintable",
        "isspace",
        "istitle",
        "isupper",
        "join",
        "lower",
        "lstrip",
        "partition",
        "removeprefix",
        "removesuffix",
        "replace",
        "rfind",
        "rindex",
        "rpartition",
        "rsplit",
        "rstrip",
        "split",
        "splitlines",
        "startswith",
        "strip",
        "swapcase",
        "title",
        "upper",
    }
)
MARKUP_METHODS = TEXT_METHODS | {"striptags", "unescape"}
# Text methods a template cannot call, and the filter that does the same job.
TEXT_METHOD_FILTERS = {
    "center": "center",
    "ljust": "format",
    "rjust": "format",
    "zfill": "format",
    "expandtabs": "replace",
    "translate": "replace",
}
SEQUENCE_METHODS = frozenset({"count", "index"})
MAPPING_METHODS = frozenset({"get", "items", "keys", "values"})
LOOP_ATTRIBUTES = frozenset(
    {
        "changed",
        "cycle",
        "depth",
        "depth0",
        "first",
        "index",
        "index0",
        "last",
        "length",
        "nextitem",
        "previtem",
        "revindex",
        "revindex0",
    }
)
CYCLER_ATTRIBUTES = frozenset({"current", "next", "reset"})
BLOCK_ATTRIBUTES = frozenset({"super"})
NOTHING: frozenset[str] = frozenset()


# Text a block captured is text to a template (templating/traced.py).
_TRACED_AS: dict[type, type] = {TracedMarkup: Markup, TracedStr: str}


def allowed_attributes(obj: Any) -> frozenset[str]:
    """The public attributes a template may read on ``obj``."""
    kind = type(obj)
    if kind in _TRACED_AS:
        kind = _TRACED_AS[kind]
    if kind in VIEWS:
        return VIEWS[kind].attributes
    if kind is str:
        return TEXT_METHODS
    if kind is Markup:
        return MARKUP_METHODS
    if kind is dict:
        return MAPPING_METHODS
    if kind in (list, tuple, range):
        return SEQUENCE_METHODS
    if isinstance(obj, tuple) and isinstance(getattr(kind, "_fields", None), tuple):
        return SEQUENCE_METHODS | frozenset(kind._fields)  # a named tuple, e.g. groupby's
    if kind is LoopContext:
        return LOOP_ATTRIBUTES
    if kind is Cycler:
        return CYCLER_ATTRIBUTES
    if kind is BlockReference:
        return BLOCK_ATTRIBUTES
    return NOTHING


def _open_namespace(obj: Any) -> bool:
    """Objects whose public names are whatever the template itself put there."""
    return type(obj) in (Namespace, TemplateModule)


def is_safe_attribute(obj: Any, attr: str, value: Any) -> bool:
    """Whether a template may read ``obj.attr`` (Jinja's ``is_safe_attribute``)."""
    if attr.startswith("_"):
        return False
    return _open_namespace(obj) or attr in allowed_attributes(obj)


def is_safe_callable(obj: Any, functions: Collection[object]) -> bool:
    """Whether a template may call ``obj`` (Jinja's ``is_safe_callable``).

    ``functions`` are the environment's globals: the only free functions a
    template can reach.
    """
    if not callable(obj) or isinstance(obj, Undefined):
        return True  # calling it fails with an error that says why
    if type(obj) in (Macro, BlockReference, Joiner, LoopContext):
        return True
    for function in functions:  # by identity: a loop, not any() over a generator
        if obj is function:
            return True
    if isinstance(obj, types.FunctionType) and _is_sandboxed_format(obj):
        return True
    if isinstance(obj, types.MethodType | types.BuiltinMethodType):
        owner = obj.__self__
        return not isinstance(owner, types.ModuleType | type) and is_safe_attribute(
            owner, obj.__name__, obj
        )
    return False


def _is_sandboxed_format(function: types.FunctionType) -> bool:
    """Jinja hands a template ``text.format`` wrapped in its sandboxed formatter."""
    wrapped = getattr(function, "__wrapped__", None)
    return (
        isinstance(wrapped, types.MethodType | types.BuiltinMethodType)
        and wrapped.__name__ in ("format", "format_map")
        and _TRACED_AS.get(type(wrapped.__self__), type(wrapped.__self__)) in (str, Markup)
    )


def refusal(obj: Any, attr: str) -> str:
    """Why a template may not read ``obj.attr``, in a template author's words."""
    hint = ""
    if isinstance(obj, str) and attr in TEXT_METHOD_FILTERS:
        hint = f"; use the '{TEXT_METHOD_FILTERS[attr]}' filter"
    return f"'{attr}' of {describe(obj)} is not available to templates{hint}"


def describe(obj: Any) -> str:
    """What ``obj`` is, as a template author knows it."""
    kind = type(obj)
    if kind in VIEWS:
        return VIEWS[kind].noun
    if isinstance(obj, str):
        return "text"
    if isinstance(obj, bool):
        return "true or false"
    if isinstance(obj, int | float):
        return "a number"
    if isinstance(obj, list | tuple):
        return "a list"
    if isinstance(obj, dict):
        return "a mapping"
    if isinstance(obj, types.FunctionType | types.MethodType | types.BuiltinFunctionType):
        return "a function"
    if kind is Macro:
        return "a macro"
    if kind is LoopContext:
        return "loop"
    if obj is None:
        return "none"
    if kind is range:
        return "a range"
    return f"a {kind.__name__} object"


class TemplateUndefined(StrictUndefined):
    """Jinja's ``StrictUndefined``, naming a view the way the template guide does:
    ``settings has no 'parse_file' (it has build, contact, facts, organization)``,
    with "did you mean" the closest name there is, also for a name a template uses
    that nothing defines (``recipent``: :func:`undefined_knowing`)."""

    __slots__ = ()
    # The names every template has (globals and the render's context).
    known_names: ClassVar[tuple[str, ...]] = ()

    @property
    def _undefined_message(self) -> str:
        name = self._undefined_name
        if self._undefined_hint or not isinstance(name, str):
            return str(super()._undefined_message)
        view = VIEWS.get(type(self._undefined_obj))
        if type(self._undefined_obj) is TemplateModule:
            return _not_in_module(self._undefined_obj, name)
        if type(self._undefined_obj) is TemplateReference:
            return _no_block(self._undefined_obj, name)
        kind = type(self._undefined_obj)
        if view is None and _TRACED_AS.get(kind, kind) in (str, Markup, list, tuple):
            return _not_on_value(self._undefined_obj, name)
        if view is None:
            # Strictly close only: the template's own {% set %} names are not known
            # here, and 'citzens' (for a variable 'citizens') is not 'cite'.
            if self._undefined_obj is not missing:
                return _not_on_other(self._undefined_obj, name)
            near = closest_name(name, self.known_names, cutoff=0.8)
            if not near:
                return str(super()._undefined_message)
            return f"'{name}' is undefined (did you mean '{near}'?)"
        close = difflib.get_close_matches(name, sorted(view.attributes), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"{view.noun} has no '{name}' ({hint}{view.listing()})"


# The keys of a mapping a message lists at most.
KEYS_LISTED = 20


def _not_on_other(value: Any, name: str) -> str:
    """What to say of ``value.name`` (or ``value[name]``) for a number, none, a mapping
    or anything else that is no view, text or list: not Jinja's "'dict object' has no
    attribute 'b'", or "'briefgen.templating.helpers.QualifiedInt object' ..." for a
    fact's ``.value.x``."""
    message = f"{describe(value)} has no {quote(name)}"
    if not isinstance(value, dict):
        return message
    keys = sorted(clip_name(str(key)) for key in value)
    close = closest_name(name, keys, cutoff=0.6)
    hint = f"did you mean '{close}'? " if close else ""
    listed = ", ".join(keys[:KEYS_LISTED])
    listed += f" and {len(keys) - KEYS_LISTED:,} more" if len(keys) > KEYS_LISTED else ""
    return f"{message} ({hint}it has {listed})" if keys else f"{message} (it is empty)"


def _no_block(reference: TemplateReference, name: str) -> str:
    """``self has no block 'titel' (did you mean 'title'? it has ask, title)`` for
    ``self.titel()``, not Jinja's "'jinja2.runtime.TemplateReference object' has no
    attribute 'titel'"."""
    context = getattr(reference, "_TemplateReference__context", None)
    names = sorted(getattr(context, "blocks", {}))
    close = closest_name(name, names, cutoff=0.6)
    hint = f"did you mean '{close}'? " if close else ""
    listing = f"it has {', '.join(names)}" if names else "the template has no {% block %}"
    return f"self has no block '{name}' ({hint}{listing})"


def _not_in_module(module: TemplateModule, name: str) -> str:
    """``_macros.md.j2 has no 'contatc' (did you mean 'contact'? it has contact, ...)``
    for a name an imported template (``{% import ... as m %}``, ``m.contatc()``) lacks."""
    names = sorted(key for key in vars(module) if not key.startswith("_"))
    return f"{module.__name__ or 'the imported template'} has no '{name}' " + module_hint(
        name, names
    )


def module_hint(name: str, names: list[str]) -> str:
    """``(did you mean 'contact'? it has contact, prepared_by)``: what to say of
    ``name``, which a template imported from does not set, given the ``names`` it
    does."""
    close = closest_name(name, names, cutoff=0.6)
    hint = f"did you mean '{close}'? " if close else ""
    listing = f"it has {', '.join(names)}" if names else "it sets no macro or name"
    return f"({hint}{listing})"


# Text that may be a fact's id: lowercase words joined by '-'.
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _not_on_value(value: str | list[Any] | tuple[Any, ...], name: str) -> str:
    """What to say of ``value.name`` for text or a list, which have no fields: the
    fact a field such as ``number`` was meant to be read from (an id set as text, a
    list from ``facts()``), else the closest method there is."""
    from briefgen.templating.helpers import FactView  # helpers imports this module's users

    fields = VIEWS[FactView].attributes
    if isinstance(value, str) and name in fields and _SLUG.fullmatch(value):
        shown = clip(value, 60)
        return (
            f"text ({shown!r}) has no '{name}'; to read a fact's {name}, name the fact: "
            f'fact("{shown}").{name}'
        )
    if not isinstance(value, str) and name in fields:
        return (
            f"a list has no '{name}' (facts() gives a list): take one, facts(…)[0].{name}, "
            "or loop over it, {% for f in facts(…) %}"
        )
    close = closest_name(name, allowed_attributes(value), cutoff=0.75)
    return f"{describe(value)} has no '{name}'" + (f" (did you mean '{close}'?)" if close else "")


def undefined_knowing(names: Iterable[str]) -> type[TemplateUndefined]:
    """:class:`TemplateUndefined` for an environment whose templates have ``names``."""
    known = tuple(sorted(set(names)))
    return type("TemplateUndefined", (TemplateUndefined,), {"__slots__": (), "known_names": known})


def _make_dict(*pairs: Any, **items: Any) -> dict[Any, Any]:
    """``dict(a=1)``: a mapping, as Python's ``dict`` makes it."""
    return dict(*pairs, **items)


def _cycler(*items: Any) -> Cycler:
    """``cycler(a, b)``: an object whose ``next()`` gives each item in turn."""
    if not items:
        raise TypeError("cycler() needs at least one item")
    return Cycler(*items)


def _joiner(sep: str = ", ") -> Joiner:
    """``joiner(sep)``: prints nothing the first time it is called, ``sep`` after."""
    return Joiner(sep)


def _namespace(*mapping: Any, **attrs: Any) -> Namespace:
    """``namespace(a=1)``: an object a loop can set attributes on."""
    return Namespace(*mapping, **attrs)


LIPSUM_PARAGRAPHS, LIPSUM_WORDS = 100, 1000


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    """``lipsum(n)``: ``n`` paragraphs of placeholder text (within the template limits)."""
    if not 0 <= n <= LIPSUM_PARAGRAPHS or not 0 <= min <= max <= LIPSUM_WORDS:
        raise SecurityError(
            f"lipsum: at most {LIPSUM_PARAGRAPHS} paragraphs of {LIPSUM_WORDS:,} words"
        )
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


def _range(*args: int) -> range:
    """``range(n)``: Jinja's sandboxed range, whose refusal past the list limit
    ("OverflowError: Range too big... MAX_RANGE") is told in the limits' words."""
    try:
        return safe_range(*args)
    except OverflowError:  # past MAX_RANGE, or past what a range can count
        raise too_many("range()") from None


def jinja_globals() -> dict[str, Callable[..., Any]]:
    """Jinja's built-in globals, as functions: its defaults hand templates the classes
    ``dict``, ``Cycler``, ``Joiner`` and ``Namespace`` themselves."""
    return {
        "range": _range,
        "dict": _make_dict,
        "lipsum": _lipsum,
        "cycler": _cycler,
        "joiner": _joiner,
        "namespace": _namespace,
    }
