"""How numbers from facts are written on a page."""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefgen.facts.schema import Fact


def format_number(value: float) -> str:
    """``26700`` -> ``26,700``; ``98.9`` -> ``98.9``; ``0.0000001`` -> ``0.0000001``.

    Integers print every digit; other numbers print up to 15 significant digits
    (a float's honest precision, which hides binary noise such as 0.1 + 0.2), never
    rounded to zero.
    """
    if isinstance(value, int):
        return f"{value:,}"
    if value == int(value) and abs(value) < 2**53:
        return f"{int(value):,}"
    return f"{Decimal(format(value, '.15g')):,f}"


def _with_unit(value: float, unit: str) -> str:
    number = format_number(value)
    lowered = unit.lower()
    if lowered == "percent":
        return f"{number}%"
    if lowered == "usd" or lowered.startswith("usd "):
        return f"${number}" + unit[3:]
    if lowered == "times":
        return f"{number} times"
    return f"{number} {unit}"


def qualified(fact: Fact, number: str) -> str:
    """``number`` after the fact's qualifier, if it has one: ``over 70,000``."""
    return f"{fact.qualifier} {number}" if fact.qualifier and number else number


def format_value(fact: Fact) -> str:
    """The fact's number with its unit, after its qualifier (``over 70,000 deaths``);
    a range when it has ``value_max``."""
    return qualified(fact, _unqualified(fact))


def _unqualified(fact: Fact) -> str:
    if fact.value is None:
        return ""
    unit = fact.unit or ""
    if fact.value_max is None:
        return _with_unit(fact.value, unit) if unit else format_number(fact.value)
    low, high = format_number(fact.value), format_number(fact.value_max)
    lowered = unit.lower()
    if lowered == "usd" or lowered.startswith("usd "):
        # "$1–$2 per pill": the currency sign on both ends, the unit words once.
        return f"${low}\u2013${high}{unit[3:]}"
    if lowered == "percent":
        return f"{low}\u2013{high}%"
    return f"{low}\u2013{high} {unit}".rstrip()


def one_in(percent: float) -> str:
    """A percentage in words people picture: 0.02 -> ``1 in 5,000``, 50 -> ``5 in 10``,
    86 -> ``more than 8 in 10``, 49 -> ``nearly 5 in 10``, 98.9 -> ``about 99 in 100``.

    The count is never "0 in" or "all in" for a share strictly between 0 and 100.
    """
    if percent <= 0 or percent >= 100:
        return f"{format_number(percent)}%"
    if percent < 50:
        n = 100 / percent
        if n >= 2**53:
            # A float this large carries binary noise in its last digits, and below about
            # 5.6e-307 percent it overflows; a Decimal holds the count, to the 15
            # significant digits format_number shows of any float.
            with localcontext(prec=15):
                return f"1 in {format_number(round(Decimal(100) / Decimal(percent)))}"
        if math.isclose(n, round(n), rel_tol=0.02):
            return f"1 in {format_number(round(n))}"
        if percent < 10:
            return f"about 1 in {format_number(round(n))}"
    tenths = percent / 10
    if math.isclose(tenths, round(tenths), abs_tol=0.05) and 0 < round(tenths) < 10:
        return f"{round(tenths)} in 10"
    if percent > 99:
        return "more than 99 in 100"
    if percent > 90:
        return f"about {round(percent)} in 100"
    if tenths - math.floor(tenths) >= 0.7:
        return f"nearly {math.ceil(tenths)} in 10"
    return f"more than {math.floor(tenths)} in 10"
