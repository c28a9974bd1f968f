"""Limits on filters and calls: each is checked before it runs and after.

Every argument must be printable within the text limit (most filters turn their
input into text), but for the input of a filter that only counts it or picks one of
its items (:data:`TEXTLESS_FILTERS`); an iterator is taken whole within the limits
first. The filters and text methods whose arguments set how much work they do (a
width, a count, an indent, a replacement) are checked against those arguments before
they run, and every result is checked after
(:func:`briefgen.templating.limits.checked`).
"""

from __future__ import annotations

import difflib
import functools
import inspect
import json
import pprint
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from typing import Any, Literal

from jinja2.runtime import Macro
from jinja2.utils import _PassArg

from briefgen.errors import TemplateError
from briefgen.inputs import quote
from briefgen.templating.limits import (
    MAX_ITEMS,
    MAX_TEXT_CHARS,
    MAX_VALUE_DEPTH,
    CappedText,
    capped_join,
    check_percent_format,
    checked,
    is_int,
    measure,
    require_printable,
    size_arg,
    take,
    too_long,
    too_many,
)
from briefgen.templating.traced import carried
from briefgen.templating.views import VIEWS, printed_whole

_Check = Callable[[dict[str, Any], str], None]


def _lines(text: Any) -> int:
    return str(text).count("\n") + 1


def _check_indent(a: dict[str, Any], what: str) -> None:
    if _lines(a["s"]) * size_arg(a["width"]) > MAX_TEXT_CHARS:
        raise too_long(what)


def _check_center(a: dict[str, Any], what: str) -> None:
    if size_arg(a["width"]) > MAX_TEXT_CHARS:
        raise too_long(what)


def _check_format(a: dict[str, Any], what: str) -> None:
    check_percent_format(str(a["value"]), a["kwargs"] or a["args"], what)


def _check_wordwrap(a: dict[str, Any], what: str) -> None:
    width = a["width"]
    if is_int(width) and width < 1:  # textwrap: "invalid width 0 (must be > 0)"
        raise TemplateError(f"{what} needs a width of 1 or more, not {width}")
    wrap = a["wrapstring"]
    if len(str(a["s"])) * max(len(wrap) if isinstance(wrap, str) else 1, 1) > MAX_TEXT_CHARS * 4:
        raise too_long(what)


def _check_replace(a: dict[str, Any], what: str) -> None:
    text, old, new = str(a["s"]), str(a["old"]), str(a["new"])
    count = a["count"]
    found = text.count(old)  # for an empty 'old', one more than the length
    if is_int(count) and 0 <= count < found:
        found = count
    if len(text) + found * len(new) > MAX_TEXT_CHARS * 4:
        raise too_long(what)


def _check_join(a: dict[str, Any], what: str) -> None:
    value = a["value"]
    if isinstance(value, Iterable) and not isinstance(value, str | Mapping):
        separators = len(str(a["d"])) * (len(value) if isinstance(value, Sized) else 0)
        if separators + measure(value) > MAX_TEXT_CHARS * 2:
            raise too_long(what)


def _check_truncate(a: dict[str, Any], what: str) -> None:
    # Jinja asserts these: an AssertionError read as briefgen's own failure.
    length, end, leeway = a["length"], a["end"], a["leeway"]
    if isinstance(length, int | float) and isinstance(end, str) and length < len(end):
        raise TemplateError(
            f"{what} needs a length of at least {len(end)}, the length of its end "
            f"{quote(end)}, not {length}"
        )
    if is_int(leeway) and leeway < 0:
        raise TemplateError(f"{what} needs a leeway of 0 or more, not {leeway}")


def _check_count(key: str) -> _Check:
    def check(a: dict[str, Any], what: str) -> None:
        if size_arg(a[key]) > MAX_ITEMS:
            raise too_many(what)

    return check


def _check_tojson(a: dict[str, Any], what: str) -> None:
    # Each line of nested JSON repeats the indent once per level.
    if size_arg(a["indent"]) * MAX_VALUE_DEPTH > MAX_TEXT_CHARS:
        raise too_long(what)


def _check_urlize(a: dict[str, Any], what: str) -> None:
    extra = sum(len(str(a.get(key) or "")) for key in ("target", "rel"))
    if len(str(a["value"])) * (12 + extra) > MAX_TEXT_CHARS * 4:
        raise too_long(what)


FILTER_CHECKS: dict[str, _Check] = {
    "center": _check_center,
    "indent": _check_indent,
    "format": _check_format,
    "wordwrap": _check_wordwrap,
    "truncate": _check_truncate,
    "replace": _check_replace,
    "join": _check_join,
    "batch": _check_count("linecount"),
    "slice": _check_count("slices"),
    "tojson": _check_tojson,
    "urlize": _check_urlize,
}
"""Filters whose arguments set how much work they do, checked before they run.
Every other filter builds at most a small multiple of its (measured) input."""

TEXTLESS_FILTERS = frozenset({"length", "count", "first", "last"})
"""Filters that make no text of their input, only count it or hand back one of its
items: their input is not measured (``(["x" * 1500000] * 2)|length`` is 2), the rest
of their arguments are, and an iterator they are given is still taken within the
limits."""


_PASSED = frozenset({"context", "eval_ctx", "environment", "env"})


def _first_parameter(signature: inspect.Signature) -> str:
    return next(iter(signature.parameters), "")


def checked_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` (the filter ``name``) with its input measured, its arguments
    checked before it runs and its result checked after."""
    if getattr(function, "briefgen_checked", False):
        return function
    if name == "pprint":
        function = checked_pprint

    leading = 0 if _PassArg.from_obj(function) is None else 1
    check = FILTER_CHECKS.get(name)
    signature = inspect.signature(function) if check else None
    # Jinja's async-aware filters take the context but show the signature without it.
    skip = leading if signature and _first_parameter(signature) not in _PASSED else 0
    what = f"the filter '{name}'"
    measured = leading + (1 if name in TEXTLESS_FILTERS else 0)  # arguments measured from here

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        args = tuple(
            take(arg, what) if isinstance(arg, Iterator) and i == leading else arg
            for i, arg in enumerate(args)
        )
        for arg in (*args[measured:], *kwargs.values()):
            require_printable(arg, what)
        try:
            if check and signature:
                bound = signature.bind(*args[skip:], **kwargs)
                bound.apply_defaults()
                check(bound.arguments, what)
            result = function(*args, **kwargs)
        except TypeError:
            # "{{ x | number(2) }}" is told in the template's terms, not as
            # "Helpers.number() takes 2 positional arguments but 3 were given".
            problem = filter_argument_problem(name, function, leading, args, kwargs)
            if problem is None:
                raise
            raise TemplateError(problem) from None
        return checked(carried(result, (*args, *kwargs.values())), what)

    run.briefgen_checked = True  # type: ignore[attr-defined]
    return run


def checked_test(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` (the test ``name``, as in ``x is divisibleby 3``), telling
    arguments it cannot take in the template's terms."""
    if getattr(function, "briefgen_checked", False):
        return function
    leading = 0 if _PassArg.from_obj(function) is None else 1

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except TypeError:
            # "x is divisibleby" said "test_divisibleby() missing 1 required
            # positional argument: 'num'".
            problem = filter_argument_problem(name, function, leading, args, kwargs, "test")
            if problem is None:
                raise
            raise TemplateError(problem) from None

    run.briefgen_checked = True  # type: ignore[attr-defined]
    return run


def filter_argument_problem(
    name: str,
    function: Callable[..., Any],
    leading: int,
    args: tuple[Any, ...],
    kwargs: Any,
    kind: Literal["filter", "test"] = "filter",
) -> str | None:
    """Why the filter (or test) ``name`` cannot take these arguments (``args`` begins
    with what Jinja passes it first, ``leading`` of them, then the value it filters or
    tests), with its real parameters after the value; None when they fit, so the
    TypeError was the function's own."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return None
    shows_passed = bool(leading) and _first_parameter(signature) in _PASSED
    try:
        signature.bind(*(args if shows_passed else args[leading:]), **kwargs)
        return None
    except TypeError as exc:
        reason = str(exc)
    parameters = list(signature.parameters.values())[(1 if shows_passed else 0) + 1 :]
    what = f"the {kind} '{name}'"
    if not parameters:
        written = f"| {name}" if kind == "filter" else f"is {name}"
        return f"{what} takes no arguments; write '{written}', without brackets"
    return _binding_problem(what, parameters, kwargs, reason, len(args) - leading - 1)


def checked_json_dumps(value: Any, **kwargs: Any) -> str:
    """``json.dumps`` for ``tojson``, refusing a value too large to print; with an
    indent, counting the text as it is made (indentation multiplies it)."""
    require_printable(value, "the filter 'tojson'")
    kwargs["default"] = _not_json
    if kwargs.get("indent") is None:
        return checked(json.dumps(value, **kwargs), "the filter 'tojson'")  # type: ignore[no-any-return]
    return capped_join(json.JSONEncoder(**kwargs).iterencode(value), "the filter 'tojson'")


def _not_json(value: Any) -> Any:
    """What ``tojson`` says of a value JSON has no form for: a view as printed whole
    (its fields are what to write), anything else by its kind."""
    if type(value) in VIEWS:
        raise TemplateError(printed_whole(VIEWS[type(value)], False))
    raise TemplateError(
        f"the filter 'tojson' cannot write a {type(value).__name__!r} value; give it text, "
        "numbers, lists and mappings"
    )


def checked_pprint(value: Any) -> str:
    """The ``pprint`` filter, stopping once its text passes the limit."""
    require_printable(value, "the filter 'pprint'")
    stream = CappedText("the filter 'pprint'")
    pprint.PrettyPrinter(stream=stream).pprint(value)  # type: ignore[arg-type]
    return stream.text().rstrip("\n")


# -- calls ----------------------------------------------------------------------


def _method_check(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Pre-checks for the methods a template can call on text, numbers and lists."""
    owner = getattr(obj, "__self__", None)
    if not isinstance(obj, types.BuiltinMethodType) and not isinstance(
        owner, str | bytes | bytearray
    ):
        return  # a helper, a macro: nothing below applies
    name = getattr(obj, "__name__", "")
    what = f"'{name}'"
    values = [*args, *kwargs.values()]
    if isinstance(obj, types.BuiltinMethodType) and any(
        is_int(v) and v > MAX_TEXT_CHARS for v in values
    ):  # a width, a length or a count: "x".center(10**9), (1).to_bytes(10**9)
        raise too_long(what)
    if isinstance(owner, str | bytes | bytearray):
        if name == "expandtabs":
            if _tabs(owner) * size_arg(values[0] if values else 8) > MAX_TEXT_CHARS:
                raise too_long(what)
        elif name == "replace" and len(values) >= 2 and isinstance(owner, str):
            _check_replace({"s": owner, "old": values[0], "new": values[1], "count": None}, what)
        elif name == "join" and values:
            _check_join({"value": values[0], "d": owner}, what)
        elif name == "translate" and values:
            _check_translate(owner, values[0], what)


def _tabs(text: str | bytes | bytearray) -> int:
    return text.count("\t") if isinstance(text, str) else text.count(b"\t")


def _check_translate(text: Any, table: Any, what: str) -> None:
    if len(text) * measure(table) > MAX_TEXT_CHARS * 4:
        raise too_long(what)


# What Jinja itself passes along with a call: the template's own variables.
_JINJA_KEYWORDS = frozenset({"_loop_vars", "_block_vars"})


def check_call(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Check a call a template makes before it runs; return its arguments with
    any iterator turned into a (bounded) list."""
    what = f"'{getattr(obj, '__name__', 'the call')}'"
    listed = args
    if any(isinstance(a, Iterator) for a in args):
        listed = tuple(take(a, what) if isinstance(a, Iterator) else a for a in args)
    for arg in listed:
        # A text within the limit, the most common argument, measured here.
        if type(arg) is not str or len(arg) > MAX_TEXT_CHARS:
            require_printable(arg, what)
    for name, value in kwargs.items():
        if name not in _JINJA_KEYWORDS and (type(value) is not str or len(value) > MAX_TEXT_CHARS):
            require_printable(value, what)
    _method_check(obj, listed, kwargs)
    return listed


def check_call_result(obj: Any, result: Any) -> Any:
    """Check what a call returned, and the list or mapping a method may have grown."""
    what = f"'{getattr(obj, '__name__', 'the call')}'"
    if isinstance(obj, types.BuiltinMethodType | types.MethodType):
        owner = getattr(obj, "__self__", None)
        if isinstance(owner, list | dict | set):
            checked(owner, what)
    return checked(result, what)


_STARS: dict[inspect._ParameterKind, str] = {
    inspect.Parameter.VAR_POSITIONAL: "*",
    inspect.Parameter.VAR_KEYWORD: "**",
}


def argument_problem(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    """Why a template's call of the Python function ``obj`` (a helper such as
    ``callout``) cannot take these arguments, in the template author's words and with
    the function's real parameters; None when they fit (or ``obj`` is no such function).

    Asked only once a call has raised TypeError, so a call that works pays nothing."""
    if isinstance(obj, Macro):
        return _macro_problem(obj, args, kwargs)
    if not isinstance(obj, types.FunctionType | types.MethodType):
        return None
    if _PassArg.from_obj(obj) is not None:  # Jinja passes it the context first
        return None
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    given = {name: value for name, value in kwargs.items() if name not in _JINJA_KEYWORDS}
    try:
        signature.bind(*args, **given)
    except TypeError as exc:
        caller = given.get("caller")
        if isinstance(caller, Macro) and caller.name is None:
            # Jinja passes a {% call %} block's body as 'caller' (a macro without a
            # name), which no helper takes: not "callout() has no parameter 'caller'",
            # a word the template never wrote.
            return (
                f"{obj.__name__}() takes no {{% call %}} block; write "
                f"{{{{ {obj.__name__}(...) }}}}, without {{% endcall %}}"
            )
        parameters = list(signature.parameters.values())
        return _binding_problem(f"{obj.__name__}()", parameters, given, str(exc), len(args))
    return None


def _macro_problem(macro: Macro, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    """Why a template's own macro cannot take these arguments, as Jinja refuses them
    (its "TypeError: macro 'm' takes not more than 1 argument(s)"), with the macro's
    parameters; None for any other TypeError, raised inside the macro."""
    what = f"the macro {macro.name}()"
    names = list(macro.arguments)
    where = f"; its parameters are {', '.join(names)}" if names else "; it takes no arguments"
    if not macro.catch_kwargs:
        filled = names[: len(args)]
        for key in kwargs:
            if key in _JINJA_KEYWORDS or key == "caller":
                continue
            if key in filled:  # Jinja's "takes no keyword argument", of one it has
                return f"{what} got {quote(key)} twice, by place and by name{where}"
            if key not in names:
                close = difflib.get_close_matches(key, names, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                return f"{what} has no parameter {quote(key)}{hint}{where}"
    if not macro.catch_varargs and len(args) > len(names):
        if not names:
            return f"{what} takes no arguments, got {len(args)}"
        most = f"{len(names)} argument{'' if len(names) == 1 else 's'}"
        return f"{what} takes at most {most}, got {len(args)}{where}"
    return None


def _binding_problem(
    what: str,
    parameters: list[inspect.Parameter],
    keywords: Iterable[str],
    reason: str,
    given: int,
) -> str:
    """What is wrong with arguments ``what`` (a helper's call, a filter) could not bind
    to its ``parameters`` (Python's ``reason``), given ``given`` positional arguments
    and the ``keywords``: in a template author's words, with the real parameters."""
    names = [p.name for p in parameters if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    shown = ", ".join(_STARS.get(p.kind, "") + p.name for p in parameters)
    where = f"; its parameters are {shown}" if shown else "; it takes no arguments"
    if not any(p.kind is p.VAR_KEYWORD for p in parameters):
        for key in keywords:
            if key not in names:
                close = difflib.get_close_matches(key, names, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                # A key from **mapping may be any text: quoted as a value is, on one line.
                return f"{what} has no parameter {quote(key)}{hint}{where}"
    if reason.startswith("missing a required argument: "):
        return f"{what} needs {reason.rpartition(': ')[2]}{where}"
    if reason == "too many positional arguments":
        most = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in parameters)
        return f"{what} takes at most {most} argument{'' if most == 1 else 's'}, got {given}{where}"
    if reason.startswith("multiple values for argument "):
        return f"{what} got {reason.rpartition(' ')[2]} twice{where}"
    return f"{what}: {reason}{where}"


def is_checked(function: Any) -> bool:
    """Whether ``function`` is a filter wrapped by :func:`checked_filter`."""
    return bool(getattr(function, "briefgen_checked", False))
