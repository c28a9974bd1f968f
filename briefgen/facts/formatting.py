"""How numbers from facts are written on a page, in the brief's language.

English numbers are briefgen's own (``26,700``); other languages' follow CLDR through
:mod:`briefgen.language`. A fact's unit words come from the fact (``unit``, or its
translation's ``unit``); the qualifier and ``one_in``'s words from the language.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING

from briefgen.language import (
    ENGLISH,
    Wording,
    cldr_currency,
    cldr_decimal_sign,
    cldr_number,
    cldr_percent,
    wording,
)

if TYPE_CHECKING:
    from briefgen.facts.schema import Fact


def format_number(value: float, language: str = "en-US") -> str:
    """``26700`` -> ``26,700``; ``98.9`` -> ``98.9``; ``0.0000001`` -> ``0.0000001``.

    Integers print every digit; other numbers print up to 15 significant digits
    (a float's honest precision, which hides binary noise such as 0.1 + 0.2), never
    rounded to zero. ``language``: a tag such as ``es-US``, whose CLDR grouping and
    decimal sign are used (English keeps the forms above).
    """
    return _number(value, wording(language))


def _number(value: float, words: Wording) -> str:
    if isinstance(value, int):
        return f"{value:,}" if words.is_english else cldr_number(value, words)
    if value == int(value) and abs(value) < 2**53:
        return f"{int(value):,}" if words.is_english else cldr_number(int(value), words)
    exact = Decimal(format(value, ".15g"))
    return f"{exact:,f}" if words.is_english else cldr_number(exact, words)


def _is_usd(unit: str) -> bool:
    lowered = unit.lower()
    return lowered == "usd" or lowered.startswith("usd ")


def _percent(number: str, words: Wording) -> str:
    return f"{number}%" if words.is_english else cldr_percent(number, words)


# Words after USD that make its number a count of thousands or more ("USD billion":
# $3.5 billion), not of dollars and cents.
_SCALES = frozenset(
    {"thousand", "million", "billion", "trillion", "mil", "millón", "millones", "billones"}
)


def _dollars(number: str, words: Wording, unit: str = "USD") -> str:
    # A minus stands before the dollar sign, as a negative amount is written in both
    # languages (-$3, not $-3).
    sign, digits = ("-", number[1:]) if number.startswith("-") else ("", number)
    # An amount with cents shows both digits of them ($1.50, not $1.5); a whole one
    # none ($20), nor does a number of millions ($3.5 billion).
    scale = unit[3:].split()[:1]
    one_decimal = re.search(rf"{re.escape(cldr_decimal_sign(words))}\d$", digits)
    if one_decimal and not (scale and scale[0].lower() in _SCALES):
        digits += "0"
    return sign + (f"${digits}" if words.is_english else cldr_currency(digits, "USD", words))


def signed(number: str, unit: str, language: str = "en-US") -> str:
    """A formatted number with its unit's sign, placed as ``language`` places it:
    ``86%``, ``$20``; the number alone for a unit of words."""
    words = wording(language)
    if unit.lower() == "percent":
        return _percent(number, words)
    if _is_usd(unit):
        return _dollars(number, words, unit)
    return number


def _with_unit(value: float, unit: str, words: Wording, space: str = " ") -> str:
    number = _number(value, words)
    lowered = unit.lower()
    if lowered == "percent":
        return _percent(number, words)
    if _is_usd(unit):
        return _dollars(number, words, unit) + unit[3:]
    if lowered == "times" and words.is_english:
        return f"{number}{space}times"
    return f"{number}{space}{unit}"


def qualified(fact: Fact, number: str, language: str = "en-US") -> str:
    """``number`` after the fact's qualifier, if it has one: ``over 70,000``
    (``más de 70,000`` in Spanish)."""
    if not (fact.qualifier and number):
        return number
    return f"{wording(language).qualifier(fact.qualifier)} {number}"


def unit_in(fact: Fact, language: str = "en-US") -> str:
    """The fact's unit as written in ``language``: its translation's words where it
    has them (``libras``), else the fact's own (``percent`` and ``USD`` need none)."""
    form = fact.translation(language)
    if form is not None and form.unit is not None:
        return form.unit
    return fact.unit or ""


# The plural unit words whose singular is certain, in each language a unit is written
# in: after a number printed as 1 they read in the singular ("1 death", "1 muerte"),
# as the store keeps one unit for a fact whatever its value (a bar chart compares facts
# of one unit). Only these: a unit's words are its author's, and no rule turns every
# plural into its singular ("1 series", "1 public safety bureaus"). English "times"
# is left out: a multiplier of 1 reads no better as "1 time as likely".
_SINGULARS: dict[str, dict[str, str]] = {
    "en": {
        "deaths": "death",
        "people": "person",
        "persons": "person",
        "pounds": "pound",
        "kilograms": "kilogram",
        "grams": "gram",
        "ounces": "ounce",
        "tons": "ton",
        "cases": "case",
        "miles": "mile",
        "dollars": "dollar",
        "teens": "teen",
        "adults": "adult",
        "children": "child",
        "students": "student",
        "patients": "patient",
        "residents": "resident",
        "officers": "officer",
        "agents": "agent",
        "agencies": "agency",
        "arrests": "arrest",
        "overdoses": "overdose",
        "pills": "pill",
        "doses": "dose",
        "years": "year",
        "months": "month",
        "weeks": "week",
        "days": "day",
        "hours": "hour",
        "percentage points": "percentage point",
        "points": "point",
    },
    "es": {
        "muertes": "muerte",
        "personas": "persona",
        "libras": "libra",
        "kilogramos": "kilogramo",
        "gramos": "gramo",
        "onzas": "onza",
        "toneladas": "tonelada",
        "casos": "caso",
        "millas": "milla",
        "dólares": "dólar",
        "adolescentes": "adolescente",
        "adultos": "adulto",
        "niños": "niño",
        "estudiantes": "estudiante",
        "pacientes": "paciente",
        "residentes": "residente",
        "agentes": "agente",
        "agencias": "agencia",
        "arrestos": "arresto",
        "detenciones": "detención",
        "pastillas": "pastilla",
        "años": "año",
        "meses": "mes",
        "semanas": "semana",
        "días": "día",
        "horas": "hora",
        "puntos porcentuales": "punto porcentual",
        "puntos": "punto",
        "veces": "vez",
    },
}


def _after(number: str, unit: str, code: str) -> str:
    """``unit`` as it reads after ``number``: after ``1``, the singular of a plural it
    begins with (:data:`_SINGULARS` in ``code``, the language its words are written in);
    after any other number (``-1``, ``0``, ``1.5``) as written, as English and Spanish
    write them."""
    if number != "1":
        return unit
    for plural, singular in _SINGULARS.get(code, {}).items():
        rest = unit[len(plural) :]
        # The whole word: "deaths," but not "pointsmen" or "deaths-".
        if unit.startswith(plural) and not (rest[:1].isalnum() or rest[:1] in ("-", "'", "’")):
            return singular + rest
    return unit


def label_after(fact: Fact, label: str, language: str = "en-US") -> str:
    """A callout's ``label`` as it reads on from the fact's bare figure: after a figure
    of ``1`` of a unit of words, a label that begins with one of its plurals in
    ``language`` reads in the singular (``1`` ``death at the crossing``); a share or
    an amount (``1%``, ``$1``) is not counted by its label, which stays as written."""
    unit = (fact.unit or "").lower()
    if fact.value is None or fact.value_max is not None or unit == "percent" or _is_usd(unit):
        return label
    words = wording(language)
    return _after(_number(fact.value, words), label, words.code)


def _unit_code(fact: Fact, language: str) -> str:
    """The language the unit :func:`unit_in` gives is written in: its translation's,
    else the facts' own English."""
    form = fact.translation(language)
    return wording(language).code if form is not None and form.unit is not None else "en"


def format_value(fact: Fact, language: str = "en-US", unit_space: str = " ") -> str:
    """The fact's number with its unit, after its qualifier (``over 70,000 deaths``);
    a range when it has ``value_max``. ``unit_space`` stands between the number and a
    unit of words (a page's no-break space: "100" never ends a line over "times")."""
    return qualified(fact, _unqualified(fact, language, unit_space), language)


def _unqualified(fact: Fact, language: str, space: str = " ") -> str:
    if fact.value is None:
        return ""
    words = wording(language)
    unit = unit_in(fact, language)
    if fact.value_max is None:
        if not unit:
            return _number(fact.value, words)
        unit = _after(_number(fact.value, words), unit, _unit_code(fact, language))
        return _with_unit(fact.value, unit, words, space)
    low, high = _number(fact.value, words), _number(fact.value_max, words)
    dash = range_dash(fact.value_max, language)
    if _is_usd(unit):
        # "$1–$2 per pill": the currency sign on both ends, the unit words once.
        return f"{_dollars(low, words, unit)}{dash}{_dollars(high, words, unit)}{unit[3:]}"
    if unit.lower() == "percent":
        low = low if dash == "\u2013" else _percent(low, words)  # -20% to -5%
        return f"{low}{dash}{_percent(high, words)}"
    return f"{low}{dash}{high}{space}{unit}".rstrip()


def range_dash(value_max: float, language: str = "en-US") -> str:
    """What joins a range's ends: an en dash (``5–20``), or, when its top is
    negative, the word (``-20 to -5``, ``-20 a -5``): a dash before a minus sign
    (``-20–-5``) reads as neither."""
    return "\u2013" if value_max >= 0 else f" {wording(language).range_to} "


def one_in(percent: float, language: str = "en-US") -> str:
    """A percentage in words people picture: 0.02 -> ``1 in 5,000``, 50 -> ``5 in 10``,
    86 -> ``more than 8 in 10``, 49 -> ``nearly 5 in 10``, 98.9 -> ``about 99 in 100``
    (in Spanish ``1 de cada 5,000``, ``más de 8 de cada 10``).

    The count is never "0 in" or "all in" for a share strictly between 0 and 100,
    and a count without words before it never says more than ``percent``, to the
    digits it is written with: 89.9 is ``nearly 9 in 10``, 24.6 ``more than 2 in 10``.
    """
    words = wording(language)

    def count(n: float | int, of: float | int) -> str:
        return words.one_in.format(_number(n, words), _number(of, words))

    if percent <= 0 or percent >= 100:
        return _percent(_number(percent, words), words)
    if percent < 50:
        n = 100 / percent
        if n >= 2**53:
            # A float this large carries binary noise in its last digits, and below about
            # 5.6e-307 percent it overflows; a Decimal holds the count, to the 15
            # significant digits format_number shows of any float.
            with localcontext(prec=15):
                exact = round(Decimal(100) / Decimal(percent))
            return count(1, exact)
        if math.isclose(n, round(n), rel_tol=0.02) and not _overstates(1, round(n), percent):
            return count(1, round(n))
        if percent < 10:
            return f"{words.phrase('about')} {count(1, round(n))}"
    tenths = percent / 10
    if (
        math.isclose(tenths, round(tenths), abs_tol=0.05)
        and 0 < round(tenths) < 10
        and not _overstates(round(tenths), 10, percent)
    ):
        return count(round(tenths), 10)
    if percent > 99:
        return f"{words.phrase('more than')} {count(99, 100)}"
    if percent > 90:
        return f"{words.phrase('about')} {count(round(percent), 100)}"
    if tenths - math.floor(tenths) >= 0.7:
        return f"{words.phrase('nearly')} {count(math.ceil(tenths), 10)}"
    return f"{words.phrase('more than')} {count(math.floor(tenths), 10)}"


def one_in_at_least(percent: float, language: str = "en-US") -> str:
    """:func:`one_in` of a share known only from below ("over 49%"): words true of every
    share of at least ``percent``. A plain count (``1 in 4``) is returned for the caller
    to put the qualifier before; ``nearly 5 in 10`` and ``about 7 in 100``, which say
    less than some of those shares, become ``more than 4 in 10`` and ``more than 6 in
    100``."""
    words = one_in(percent, language)
    wording_ = wording(language)
    if words[:1].isdigit() or words.startswith(wording_.phrase("more than")):
        return words

    def count(n: int, of: int) -> str:
        return wording_.one_in.format(_number(n, wording_), _number(of, wording_))

    def more_than(n: int, of: int) -> str:
        return f"{wording_.phrase('more than')} {count(n, of)}"

    if percent < 10:
        # 1 in the next whole number is a smaller share: 7% is more than 1 in 15.
        return more_than(1, math.ceil(100 / percent))
    if percent > 90:
        whole = math.floor(percent)
        return count(whole, 100) if whole == percent else more_than(whole, 100)
    return more_than(math.floor(percent / 10), 10)


def _overstates(n: int, of: int, percent: float) -> bool:
    """Whether "``n`` in ``of``" says more than ``percent`` to the digits it is written
    with: 1 in 4 (25%) says more than 24.6%, 8 in 10 more than 79.5%; 1 in 33 (3.03%)
    says 3%, and 1 in 3 33.3%."""
    # To format_number's 15 significant digits: a float's last ones are binary noise.
    written = Decimal(format(percent, ".15g"))
    with localcontext(prec=40):
        share = (Decimal(100 * n) / Decimal(of)).quantize(written)
    return share > written


__all__ = [
    "ENGLISH",
    "format_number",
    "format_value",
    "label_after",
    "one_in",
    "one_in_at_least",
    "qualified",
    "range_dash",
    "signed",
    "unit_in",
]
