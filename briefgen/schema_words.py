"""Pydantic's words about a value, in the words of the file a user wrote.

Facts, settings and a template's front matter are checked by pydantic models, whose
messages speak of "Input should be greater than or equal to 1" and "a valid string".
:func:`schema_message` says the same in a user's terms: what the value must be, and
what was written instead (``priority: must be 1 or more, not 0``).
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic_core import ErrorDetails

from briefgen.inputs import quote

# Each kind of bound pydantic reports: the key of its limit, and how to say it.
_BOUNDS = {
    "greater_than_equal": ("ge", "{} or more"),
    "less_than_equal": ("le", "{} or less"),
    "greater_than": ("gt", "more than {}"),
    "less_than": ("lt", "less than {}"),
}


def _number(bound: Any) -> str:
    """A bound as a user writes it: 0, not pydantic's 0.0."""
    return format(bound, "g") if isinstance(bound, float) else str(bound)


def _choices(error: ErrorDetails) -> list[str]:
    """The values a Literal or Enum field allows, as pydantic lists them."""
    return re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))


def schema_message(error: ErrorDetails) -> str:
    """What is wrong with the value of ``error``, in a user's words; pydantic's own
    message (without its "Value error, ") for a kind of error not worded here."""
    kind, given = error["type"], error["input"]
    ctx = error.get("ctx", {})
    if kind in ("literal_error", "enum"):
        allowed = _choices(error)
        listed = " or ".join(allowed)
        if len(allowed) > 2:
            listed = f"one of {', '.join(allowed[:-1])} or {allowed[-1]}"
        message = f"must be {listed}, not {quote(given)}"
        if isinstance(given, str):
            close = difflib.get_close_matches(given.strip().lower(), allowed, n=1)
            message += f" (did you mean '{close[0]}'?)" if close else ""
        return message
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"must be {words.format(_number(ctx[key]))}, not {quote(given)}"
    if kind == "string_type":
        return f"expected text, got {quote(given)}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list such as [a, b], got {quote(given)}"
    if kind == "bool_type":
        return f"expected true or false, got {quote(given)}"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind == "string_too_long" and isinstance(given, str):
        return f"{len(given):,} characters; at most {ctx['max_length']:,}"
    if kind == "too_long" and isinstance(ctx.get("actual_length"), int):
        return f"{ctx['actual_length']:,} items; at most {ctx['max_length']:,}"
    return str(error["msg"]).removeprefix("Value error, ")
