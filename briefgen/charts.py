"""Charts from facts: the ``briefgen-chart`` block a template's ``chart(...)`` writes,
resolved against the facts store.

A chart's numbers come only from facts: the block names fact ids, never values. A bar
chart compares facts with one unit; a pictogram fills the share of 100 figures that one
percent fact gives. The chart cites every fact it draws, and its alternative text says
the same in words (values, units, periods).
"""

from __future__ import annotations

import json
from typing import Any

from briefgen.errors import Location, TemplateError
from briefgen.facts.formatting import (
    format_number,
    format_value,
    qualified,
    range_dash,
    signed,
    unit_in,
)
from briefgen.facts.schema import Fact
from briefgen.facts.store import FactStore
from briefgen.language import and_list, wording
from briefgen.model import Bar, Chart, Cite, Span

KINDS = ("bar", "pictogram")
MAX_BARS = 6
SPEC_KEYS = ("kind", "facts", "title", "labels", "caption")
# Longest title, label or caption a chart takes (a line or two on a one-page brief).
MAX_CHART_TEXT = 120


def short_figure(fact: Fact, language: str = "en-US") -> str:
    """The fact's number with its sign and without unit words, for a figure whose
    label reads on from it: ``86%``, ``$1–$2``, ``100×``, ``26,700``; after the fact's
    qualifier, if it has one (``over 70,000``); numbers and qualifier in ``language``."""
    return qualified(fact, _short_figure(fact, language), language)


def _short_figure(fact: Fact, language: str) -> str:
    if fact.value is None:
        return ""
    low = format_number(fact.value, language)
    high = format_number(fact.value_max, language) if fact.value_max is not None else None
    unit = (fact.unit or "").lower()
    dash = range_dash(fact.value_max, language) if fact.value_max is not None else ""
    if unit == "percent":
        if not high:
            return signed(low, unit, language)
        low = low if dash == "\u2013" else signed(low, unit, language)  # -20% to -5%
        return f"{low}{dash}{signed(high, unit, language)}"
    if unit == "usd" or unit.startswith("usd "):
        if high:
            return f"{signed(low, unit, language)}{dash}{signed(high, unit, language)}"
        return signed(low, unit, language)
    number = f"{low}{dash}{high}" if high else low
    return f"{number}\u00d7" if unit == "times" else number


def chart_spec(text: str, where: Location) -> dict[str, Any]:
    """The JSON a ``briefgen-chart`` block holds, its keys and types checked."""
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TemplateError(
            f"briefgen-chart: not valid JSON ({exc.msg}); write charts with chart(...)", where
        ) from None
    if not isinstance(spec, dict):
        raise TemplateError("briefgen-chart: expected a JSON object; use chart(...)", where)
    for key in spec:
        if key not in SPEC_KEYS:
            raise TemplateError(
                f"chart: unknown setting '{key}' (expected {', '.join(SPEC_KEYS)})", where
            )
    kind = spec.get("kind", "bar")
    if kind not in KINDS:
        raise TemplateError(f"chart: kind must be 'bar' or 'pictogram', not '{kind}'", where)
    facts = spec.get("facts")
    if not isinstance(facts, list) or not all(isinstance(f, str) for f in facts):
        raise TemplateError("chart: give the facts to draw, as chart('id', 'id')", where)
    labels = spec.get("labels", [])
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        raise TemplateError("chart: labels must be a list of texts, one per fact", where)
    for key in ("title", "caption"):
        if not isinstance(spec.get(key, ""), str):
            raise TemplateError(f"chart: {key} must be a text", where)
    for text_value in [spec.get("title", ""), spec.get("caption", ""), *labels]:
        if len(text_value) > MAX_CHART_TEXT:
            raise TemplateError(
                f"chart: '{text_value[:40]}…' is {len(text_value):,} characters; a chart's "
                f"title, labels and caption take at most {MAX_CHART_TEXT}",
                where,
            )
    return {
        "kind": kind,
        "facts": facts,
        "title": spec.get("title", ""),
        "labels": labels,
        "caption": spec.get("caption", ""),
    }


def resolve_chart(text: str, store: FactStore, where: Location, language: str = "en-US") -> Chart:
    """The :class:`Chart` a ``briefgen-chart`` block describes, its values from
    ``store``; each problem a :class:`TemplateError` at ``where``. Its figures,
    caption and description are written in ``language``."""
    spec = chart_spec(text, where)
    facts = [_fact(store, fact_id, where) for fact_id in spec["facts"]]
    if spec["kind"] == "pictogram":
        return _pictogram(facts, spec, where, language)
    return _bars(facts, spec, where, language)


def _fact(store: FactStore, fact_id: str, where: Location) -> Fact:
    if fact_id not in store:
        raise TemplateError(f"chart: {store.unknown_fact_message(fact_id)}", where)
    fact = store.get(fact_id)
    if fact.value is None or fact.unit is None:
        raise TemplateError(f"chart: fact '{fact_id}' has no number to draw", where)
    if fact.value_max is not None:
        raise TemplateError(
            f"chart: fact '{fact_id}' is a range ({fact.number()}); a chart draws one value "
            "per fact",
            where,
        )
    if fact.value < 0:
        raise TemplateError(f"chart: fact '{fact_id}' is negative; a bar starts at zero", where)
    return fact


def _caption(spec: dict[str, Any], facts: list[Fact], language: str) -> tuple[Span | Cite, ...]:
    several = len({f.source for f in facts}) > 1
    words = spec["caption"] or (wording(language).sources if several else wording(language).source)
    return (Span(words), Cite(tuple(dict.fromkeys(f.id for f in facts))))


def _bars(facts: list[Fact], spec: dict[str, Any], where: Location, language: str) -> Chart:
    if not 2 <= len(facts) <= MAX_BARS:
        raise TemplateError(
            f"chart: a bar chart compares 2 to {MAX_BARS} facts; got {len(facts)}", where
        )
    units = dict.fromkeys((f.unit or "") for f in facts)
    if len({u.lower() for u in units}) > 1:
        first, other = facts[0], next(f for f in facts if f.unit != facts[0].unit)
        raise TemplateError(
            f"chart: facts '{first.id}' ({first.unit}) and '{other.id}' ({other.unit}) have "
            "different units; a bar chart compares facts with one unit",
            where,
        )
    labels: list[str] = spec["labels"] or [f.as_of.label_in(language) for f in facts]
    if len(labels) != len(facts):
        raise TemplateError(
            f"chart: {len(labels)} labels for {len(facts)} facts; give one label per fact", where
        )
    bars = tuple(
        Bar(label=label, value=float(f.value or 0), figure=short_figure(f, language), fact_id=f.id)
        for label, f in zip(labels, facts, strict=True)
    )
    unit = facts[0].unit or ""
    title = spec["title"]
    words = wording(language)
    described = [
        f.as_of.in_words(format_value(f, language), language)
        if label == f.as_of.label_in(language)
        else f"{label}: {format_value(f, language)} ({f.as_of.label_in(language)})"
        for label, f in zip(labels, facts, strict=True)
    ]
    of_unit = f": {title}" if title else f" ({unit_in(facts[0], language)})"
    if words.is_english and not title:
        of_unit = f" of {unit}"
    alt = f"{words.bar_chart}{of_unit}, " + and_list(described, words)
    return Chart(
        where,
        kind="bar",
        title=title,
        bars=bars,
        unit=unit,
        alt=alt,
        caption=_caption(spec, facts, language),
    )


def _pictogram(facts: list[Fact], spec: dict[str, Any], where: Location, language: str) -> Chart:
    if len(facts) != 1:
        raise TemplateError(f"chart: a pictogram shows one fact; got {len(facts)}", where)
    fact = facts[0]
    value = float(fact.value or 0)
    if (fact.unit or "").lower() != "percent" or value > 100:
        raise TemplateError(
            f"chart: a pictogram shows a share of 100; fact '{fact.id}' is {fact.number()}", where
        )
    filled = round(value)
    if filled < 1:
        raise TemplateError(
            f"chart: fact '{fact.id}' ({fact.number()}) fills no figure of 100; show it in "
            "words or a callout",
            where,
        )
    if len(spec["labels"]) > 1:
        raise TemplateError("chart: a pictogram takes one label", where)
    form = fact.translation(language) or fact
    words = form.short or form.text
    label = spec["labels"][0] if spec["labels"] else words
    language_words = wording(language)
    about = "" if filled == value else f"{language_words.phrase('about')} "
    title = spec["title"]
    period = fact.as_of.label_in(language)
    alt = (
        f"{language_words.pictogram}{': ' + title if title else ''}, "
        f"{about}{language_words.filled.format(filled)}: "
        f"{fact.number(language)} {words}" + ("" if period in words else f" ({period})")
    )
    bar = Bar(label=label, value=value, figure=short_figure(fact, language), fact_id=fact.id)
    return Chart(
        where,
        kind="pictogram",
        title=title,
        bars=(bar,),
        unit=fact.unit or "",
        alt=alt,
        caption=_caption(spec, facts, language),
    )
