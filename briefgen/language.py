"""The words briefgen itself writes on a brief, in the brief's language.

A template's front matter names its language (``language: es-US``). Facts carry their
own words (``es:`` in the store); what briefgen adds around them — qualifiers ("más
de"), the "8 de cada 10" of ``one_in``, the notes' "citado en", the masthead's
date, "Fuentes" — comes from the :class:`Wording` here. English keeps briefgen's
own number formatting; every other language's numbers and dates follow the Unicode
CLDR conventions of its locale, through Babel (es-US: ``26,700``, ``98.9``, ``86%``,
``noviembre de 2026``), rather than tables of our own.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

from briefgen.dates import MONTHS

Phrase = Literal["in", "about", "more than", "nearly"]

# A language tag as templates, sources and passages give one: en, en-US, es-MX.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
# The language of a fact's own words; its forms in other languages are under es: etc.
FACTS_LANGUAGE = "en-US"


@dataclass(frozen=True)
class Wording:
    """One language's words for what briefgen writes itself."""

    code: str  # ISO 639-1: "en", "es"
    name: str  # the language's English name, for messages to the user: "Spanish"
    locale: str  # the CLDR locale numbers and dates follow: "en_US", "es_US"
    sources: str  # the notes' heading
    source: str  # a chart's caption for one source; ``sources`` for several
    updated: str  # the footer's date line, "{}" the month and year
    reported: str  # a note for a fact one source reports from another: "{} …; {}"
    fiscal_year: str  # "FY {}"
    fiscal_years: str  # a range of fiscal years, when it is not the two written apart
    translated: str  # after a quote translated from the speaker's words
    one_in: str  # "{} in {}": a count of every so many
    phrases: MappingProxyType[str, str] = field(
        default_factory=lambda: MappingProxyType({})
    )  # one_in's words before a count: "about", "more than", "nearly"
    qualifiers: MappingProxyType[str, str] = field(
        default_factory=lambda: MappingProxyType({})
    )  # a fact's qualifier in this language; English ones are printed as they are
    bar_chart: str = "Bar chart"
    pictogram: str = "Pictogram"
    filled: str = "{} of 100 figures filled"
    and_word: str = "and"
    in_period: str = "{} in {}"
    # A chart description's figure of one day, of a fiscal year and of a range of
    # fiscal years: "on March 13, 2023", "el 13 de marzo de 2023", "en el año fiscal".
    on_day: str = "{} on {}"
    in_fiscal_year: str = "{} in {}"
    in_fiscal_years: str = "{} in {}"
    qr_code: str = "QR code: {}"  # a QR code's alt text, "{}" the address it holds
    subject: str = "Policy brief for {}"  # the files' subject, "{}" the audience's name
    range_to: str = "to"  # between a range's ends when its top is negative: -20 to -5

    @property
    def is_english(self) -> bool:
        return self.code == "en"

    def phrase(self, words: Phrase) -> str:
        """one_in's ``about``, ``more than``, ``nearly`` or ``in`` in this language."""
        return self.phrases.get(words, words)

    def qualifier(self, words: str) -> str:
        """A fact's qualifier (``over``) in this language (``más de``)."""
        return self.qualifiers.get(words, words)


ENGLISH = Wording(
    code="en",
    name="English",
    locale="en_US",
    sources="Sources",
    source="Source",
    updated="Updated {}",
    reported="{}; as reported in {}",
    fiscal_year="FY {}",
    fiscal_years="",
    translated="(translation)",
    one_in="{} in {}",
)

SPANISH = Wording(
    code="es",
    name="Spanish",
    locale="es_US",
    sources="Fuentes",
    source="Fuente",
    updated="Actualizado: {}",
    reported="{}; citado en {}",
    fiscal_year="año fiscal {}",
    fiscal_years="años fiscales {}\u2013{}",
    translated="(traducción)",
    one_in="{} de cada {}",
    phrases=MappingProxyType({"about": "alrededor de", "more than": "más de", "nearly": "casi"}),
    qualifiers=MappingProxyType(
        {
            "about": "alrededor de",
            "almost": "casi",
            "at least": "al menos",
            "at most": "como máximo",
            "fewer than": "menos de",
            "less than": "menos de",
            "more than": "más de",
            "nearly": "casi",
            "over": "más de",
            "under": "menos de",
            "up to": "hasta",
        }
    ),
    bar_chart="Gráfico de barras",
    pictogram="Pictograma",
    filled="{} de 100 figuras rellenas",
    and_word="y",
    in_period="{} en {}",
    on_day="{} el {}",
    in_fiscal_year="{} en el {}",
    in_fiscal_years="{} en los {}",
    qr_code="Código QR: {}",
    subject="Informe para {}",
    range_to="a",
)

_WORDINGS = {"en": ENGLISH, "es": SPANISH}


def unworded_language(language: str) -> str | None:
    """Why a brief cannot be in ``language`` (a language tag), or None if it can:
    briefgen writes its own words (dates, "Sources", the notes' "as reported in", a
    chart's description) in the languages it has a :class:`Wording` for, and any
    other tag would label those English words as that language for a screen reader."""
    if language.split("-", 1)[0].lower() in _WORDINGS:
        return None
    known = " and ".join(f"{w.name} ({code}-...)" for code, w in _WORDINGS.items())
    return (
        f"briefgen writes briefs in {known} only: under '{language}' its own words "
        '(dates, "Sources", the notes) and the facts would print in English, '
        f"labelled '{language}' for screen readers"
    )


@lru_cache(maxsize=64)
def wording(language: str) -> Wording:
    """The wording for a language tag (``es-US`` → Spanish); English for a language
    briefgen has no words for (a template cannot name one: :func:`unworded_language`).
    Kept by the tag: a copy's parse, notes and checks ask some fifty times."""
    return _WORDINGS.get(language.split("-", 1)[0].lower(), ENGLISH)


def cldr_number(value: int | Decimal, words: Wording) -> str:
    """``value`` with the digits, grouping and decimal sign of ``words``' locale."""
    from babel.numbers import format_decimal

    # Babel quantizes a Decimal to the digits it shows; a long number (or a tiny
    # one, 0.0000001) needs a context with room for every one of them.
    shown = str(value) if isinstance(value, int) else f"{value:f}"
    with localcontext(prec=max(28, len(shown) + 10)):
        return str(format_decimal(value, locale=words.locale, decimal_quantization=False))


def cldr_decimal_sign(words: Wording) -> str:
    """The sign before a number's decimals in ``words``' locale (``.`` in en-US and
    es-US, ``,`` in Spain's Spanish)."""
    if words.is_english:
        return "."
    from babel.numbers import get_decimal_symbol

    return str(get_decimal_symbol(words.locale))


def cldr_percent(number: str, words: Wording) -> str:
    """A formatted number as a percentage, the sign placed as the locale places it."""
    from babel import Locale

    pattern = Locale.parse(words.locale).percent_formats[None]
    return f"{pattern.prefix[0]}{number}{pattern.suffix[0]}"


def cldr_currency(number: str, currency: str, words: Wording) -> str:
    """A formatted amount with the locale's symbol for ``currency`` where the locale
    puts it (es-US: ``$20``); whole amounts keep no ``.00``, as in English."""
    from babel import Locale
    from babel.numbers import get_currency_symbol

    pattern = Locale.parse(words.locale).currency_formats["standard"]
    symbol = get_currency_symbol(currency, locale=words.locale)
    prefix, suffix = (
        part.replace("\u00a4", symbol) for part in (pattern.prefix[0], pattern.suffix[0])
    )
    return f"{prefix}{number}{suffix}"


def month_year(day: dt.date, words: Wording) -> str:
    """``November 2026``, ``noviembre de 2026``."""
    if words.is_english:
        return f"{MONTHS[day.month - 1]} {day.year:04d}"
    from babel.dates import format_skeleton

    return str(format_skeleton("yMMMM", day, locale=words.locale))


def month_name(day: dt.date, words: Wording) -> str:
    """``November``, ``noviembre``: the month's name as it stands alone."""
    if words.is_english:
        return MONTHS[day.month - 1]
    from babel.dates import format_date

    return str(format_date(day, "LLLL", locale=words.locale))


def full_date(day: dt.date, words: Wording) -> str:
    """``March 13, 2023``, ``13 de marzo de 2023``."""
    if words.is_english:
        return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
    from babel.dates import format_skeleton

    return str(format_skeleton("yMMMMd", day, locale=words.locale))


def and_list(items: list[str], words: Wording) -> str:
    """``a and b``, ``a, b and c`` (``a, b y c``)."""
    if len(items) <= 2:
        return f" {words.and_word} ".join(items)
    return ", ".join(items[:-1]) + f" {words.and_word} " + items[-1]
