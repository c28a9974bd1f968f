"""What templates can call: fact lookup and selection, citing, callouts, quotes, notes,
charts and QR codes.

Every value a template prints with ``{{ ... }}`` is Markdown-escaped, so a fact's
text appears exactly as written (``*``, ``<b>``, ``#`` included). The helpers
here return :class:`markupsafe.Markup` for the Markdown they build on purpose.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jinja2 import Undefined
from markupsafe import Markup

from briefgen.charts import KINDS, short_figure
from briefgen.errors import Location, TemplateError
from briefgen.facts.filters import unknown_filters
from briefgen.facts.formatting import (
    format_number,
    format_value,
    label_after,
    one_in,
    one_in_at_least,
    qualified,
    unit_in,
)
from briefgen.facts.schema import SLUG, Fact
from briefgen.facts.store import FactStore
from briefgen.inputs import quote
from briefgen.kept import KeptByText
from briefgen.language import FACTS_LANGUAGE, wording
from briefgen.templating.frames import running_template
from briefgen.templating.views import (
    VIEWS,
    is_recipient,
    printed_whole,
    prints_itself,
    template_view,
)

_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def md_escape(value: object) -> str:
    """Text as Markdown that reads back as exactly that text, on one line. Markup (a
    fact's ``.cited``, ``cite()``) is Markdown already: kept, its citations working,
    rather than escaped again into backslashes and brackets on the page."""
    if isinstance(value, Markup):
        return _LINE_BREAKS.sub(" ", str(value))
    return _escaped(str(value))


def _escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", _LINE_BREAKS.sub(" ", text))


# A batch's copies print the same facts' words and numbers: each escaped once per
# process (each backslash put in was a call of Python's template expansion).
_escaped = KeptByText(_escape)


def finalize(value: object) -> object:
    """Jinja ``finalize``: escape every printed value unless it is Markup already; a
    template view (a fact, the recipient, ...), or a list of them, printed whole is an
    error: it would print as Python writes it, ``FactView(id='...', ...)``."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    if isinstance(value, FactsNumber):
        # A fact's value as the number filter prints it: "over 70,000", never the
        # bare 70000, 2500000000.0 or 1e-07 Python writes.
        return Markup(md_escape(value.printed))
    first = value[0] if isinstance(value, list | tuple) and value else None
    for item, listed in ((value, False), (first, True)):
        kind = VIEWS.get(type(item))
        if kind is not None and not prints_itself(type(item)):
            raise TemplateError(printed_whole(kind, listed))
    if isinstance(value, list | tuple | dict | set | frozenset):
        # A fact's topics, a list the template built: ['a', 'b'] on the page.
        kind_name = "mapping" if isinstance(value, dict) else "list"
        raise TemplateError(
            f"a {kind_name} is printed whole, as Python writes it; print its items with "
            "| join(', ') or a {% for %} loop"
        )
    if not isinstance(value, _PRINTABLE) and type(value) not in VIEWS:
        raise TemplateError(_not_printable(value))
    return Markup(md_escape(value))


# What a template prints as it is: text and numbers (a view that prints itself, the
# date, is a view). Anything else would print as Python writes it: a function or a
# cycler with its address in memory, which changes every run, or range(0, 3). An
# undefined name is let through to say it is undefined.
_PRINTABLE = (str, int, float, Decimal, Undefined)


def _not_printable(value: object) -> str:
    """What to say of a value that is neither text nor a number, printed."""
    if callable(value):
        return (
            "a function is printed, not called, as Python writes it (its address changes "
            "every run); call it with ( )"
        )
    return (
        f"a {type(value).__name__!r} value is printed as Python writes it; print a text or "
        "a number (a loop prints the items of a list)"
    )


@template_view("a fact")
@dataclass(frozen=True)
class FactView:
    """A fact as templates see it: its fields, formatted forms, and its citation."""

    id: str
    kind: str
    text: str
    short: str
    value: float | None
    value_max: float | None
    qualifier: str
    unit: str
    number: str
    speaker: str
    role: str
    organization: str
    as_of: str
    year: str
    source: str
    topics: tuple[str, ...]
    audiences: tuple[str, ...]
    places: tuple[str, ...]
    priority: int
    # Which of "role" and "organization" print in English because the fact's form in
    # the template's language gives none: a Spanish brief marks them English.
    _english: tuple[str, ...] = ()

    @property
    def cite(self) -> Markup:
        """The citation marker ``[@id]``."""
        return Markup(f"[@{self.id}]")

    @property
    def cited(self) -> Markup:
        """The fact's text followed by its citation."""
        return Markup(f"{md_escape(self.text)} [@{self.id}]")

    @property
    def attribution(self) -> str:
        """``Speaker, Role, Organization`` for a quote (empty parts left out)."""
        return ", ".join(p for p in (self.speaker, self.role, self.organization) if p)


def _attribution(view: FactView) -> str:
    """A quote's attribution as Markdown: its role or organization marked English
    where the fact's form in the brief's language gives none, so that a screen reader
    reads "Chief of Police" in an English voice on a Spanish page."""
    parts = []
    for part in ("speaker", "role", "organization"):
        text = md_escape(getattr(view, part))
        if text:
            parts.append(f"[{text}]{{lang={FACTS_LANGUAGE}}}" if part in view._english else text)
    return md_escape(", ").join(parts)


def _text(helper: str, name: str, value: object) -> str:
    """A helper's text parameter as text: text or a number as written, None as none.
    Anything else would print as Python writes it (``['a']``, ``None``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, FactsNumber):
        return value.printed  # callout(f, figure=f.value): "over 70,000", as printed
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise TemplateError(f"{helper}(): {name} is text, not {_kind_of(value)}")


def _kind_of(value: object) -> str:
    """``value`` named for a message: what it is, not all of it (inputs.quote)."""
    if value is None:
        return "nothing (None)"
    if (view := VIEWS.get(type(value))) is not None:  # a fact, the settings
        return view.noun
    return f"the text {quote(value)}" if isinstance(value, str) else quote(value)


# Text a reader writes with grouped thousands ("1.000", "2,500"): which mark groups
# and which is the decimal depends on the language, so no number is read from it.
_GROUPED = re.compile(r"\s*[-+]?\d{1,3}([.,]\d{3})+\s*")


def _number(name: str, value: Any) -> float:
    """A filter's value as a number: a number, or text of one (a recipient's column)
    written plainly ("1000", "12.5")."""
    try:
        if isinstance(value, bool) or (isinstance(value, str) and _GROUPED.fullmatch(value)):
            raise TypeError
        number = float(value)
        if not math.isfinite(number):
            raise TypeError
        return number
    except (TypeError, ValueError):
        raise TemplateError(
            f"the {name} filter takes a number, such as a fact's .value or text such as "
            f"'1000' or '12.5', not {_kind_of(value)}"
        ) from None


class FactsNumber:
    """What a fact's value remembers of its fact, for ``one_in`` and ``number``: its
    id, qualifier (``over``) and unit; and how it prints, as ``number`` prints it in the
    template's language (``over 70,000``)."""

    fact_id: str = ""
    qualifier: str = ""
    unit: str = ""
    printed: str = ""


class QualifiedInt(FactsNumber, int):
    """A fact's whole value that remembers its fact."""


class QualifiedFloat(FactsNumber, float):
    """A fact's value that remembers its fact."""


def _qualified_value(fact: Fact, language: str) -> float | None:
    """A fact's value as its view gives it: a number that remembers the fact's
    qualifier, so that ``one_in``, ``number`` and printing it do not drop it, and its
    unit, so that ``one_in`` reads no count or amount as a share (arithmetic on it,
    and every other filter, gives a plain number)."""
    value = fact.value
    if value is None:
        return None
    return _kept(
        fact, value, fact.qualifier or "", qualified(fact, format_number(value, language), language)
    )


def _top_value(fact: Fact, language: str) -> float | None:
    """The top of a fact's range as its view gives it: printed as ``number`` prints it
    (``20,000``, not Python's ``20000``), without the qualifier, which the range's
    low end carries (``about {{ f.value }}–{{ f.value_max }}``)."""
    if fact.value_max is None:
        return None
    return _kept(fact, fact.value_max, "", format_number(fact.value_max, language))


def _kept(fact: Fact, value: float, qualifier: str, printed: str) -> float:
    kept = QualifiedInt(value) if isinstance(value, int) else QualifiedFloat(value)
    kept.fact_id, kept.qualifier, kept.unit = fact.id, qualifier, fact.unit or ""
    kept.printed = printed
    return kept


# Qualifiers that make a value a ceiling: a count of it ("1 in 5" of "under 20%")
# would say more than the fact, since the share may be any lower.
_CEILINGS = frozenset({"at most", "fewer than", "less than", "under", "up to"})
# Qualifiers that make it a floor: its count must hold of every share above it, so
# "over 49%" is "more than 4 in 10", never "nearly 5 in 10".
_FLOORS = frozenset({"at least", "more than", "over"})


class MissingTranslation(TemplateError):
    """A template in another language cited a fact that has no form in it."""


# A typed apostrophe between two letters ("Tucson's"): a template's own text prints it
# curly (Markdown's smart quotes), and so does a fact's.
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")


def typeset(text: str) -> str:
    """A fact's words as the page prints them: an apostrophe between letters curly
    (``Tucson's`` → ``Tucson’s``), as the template's own text is."""
    return _APOSTROPHE.sub("\u2019", text) if "'" in text else text


def view_of(fact: Fact, store: FactStore, language: str = "en-US") -> FactView:
    """Build the template-facing view of ``fact``, in ``language``: a Spanish
    template sees the fact's Spanish form (``es:``), its number and dates written
    the Spanish way; a fact without one stops the template (:class:`MissingTranslation`).
    """
    text, short = fact.text, fact.short or ""
    role, organization = fact.role or "", fact.organization or ""
    english: tuple[str, ...] = ()
    # A language briefgen has no words for (fr-FR) prints the facts as written.
    if not wording(language).is_english:
        form = fact.translation(language)
        if form is None:
            raise MissingTranslation(missing_translation_message(fact, store, language))
        text, short = form.text, form.short or ""
        english = tuple(
            part
            for part, given, own in (
                ("role", form.role, role),
                ("organization", form.organization, organization),
            )
            if own and not given
        )
        role, organization = form.role or role, form.organization or organization
    text, short, role, organization = map(typeset, (text, short, role, organization))
    qualifier = wording(language).qualifier(fact.qualifier) if fact.qualifier else ""
    return FactView(
        id=fact.id,
        kind=str(fact.kind),
        text=text,
        short=short,
        value=_qualified_value(fact, language),
        value_max=_top_value(fact, language),
        qualifier=qualifier,
        unit=unit_in(fact, language),
        # On the page a number keeps to its unit of words ("26,700 pounds").
        number=format_value(fact, language, unit_space="\u00a0"),
        speaker=typeset(fact.speaker or ""),
        role=role,
        organization=organization,
        as_of=fact.as_of.label_in(language),
        year=str(fact.as_of.end.year),
        source=store.source_of(fact).credit,
        topics=tuple(fact.topics),
        audiences=tuple(fact.audiences),
        places=tuple(fact.places),
        priority=fact.priority,
        _english=english,
    )


class UnknownFact(TemplateError):
    """A template named a fact id the store does not have."""


# Opens the output of a helper that makes a block of its own (a callout, a pull quote,
# the notes, a chart, a QR code), which must begin its line: after other text on the
# line, Markdown reads it as that text, and the page would print its markup.
BLOCK_MARK = "\ue003"
BLOCK_HELPERS = {
    "!!! callout": "callout",
    "> ": "pullquote",
    "!!! notes": "notes",
    "```briefgen-chart": "chart",
    "```briefgen-qr": "qr",
}


def _block(markdown: str) -> Markup:
    return Markup(BLOCK_MARK + markdown)


# What facts() takes for each name, as a message shows it.
_NAMED = {"audience": "'public'", "topic": "'prices'", "kind": "'statistic'"}


def _is_slug(name: str | None) -> bool:
    """Whether ``name`` could be written in a fact's audiences (a slug)."""
    return name is not None and re.fullmatch(SLUG, name) is not None


class Helpers:
    """The functions and filters one template render may call."""

    def __init__(self, store: FactStore, language: str = "en-US") -> None:
        """``language``: the template's (front matter ``language``), which the facts'
        forms, numbers and the words the helpers write follow; the renderer sets it
        for each template it renders."""
        self.store = store
        self.language = language
        # Each fact's view in each language, made once: a batch renders the same
        # facts for every copy, and a view is immutable.
        self._views: dict[tuple[str, str], FactView] = {}
        # What the number and one_in filters made of a fact's value: (fact id, text),
        # as the renderer notes a fact's printed fields (Rendered.fact_reads).
        self.fact_reads: dict[tuple[str, str], None] = {}
        # While a render collects them (the renderer sets a dict before each render):
        # facts it used that have no form in its language, each with where it was
        # first asked for, told together once the render is done rather than one per
        # build as each is added. None: such a fact is raised at once.
        self.untranslated: dict[str, MissingTranslation] | None = None

    def _of_fact(self, value: object, printed: str) -> str:
        """``printed``, what a filter made of ``value``, noted as the fact's when
        ``value`` is a fact's value: a page printing it uncited is told so."""
        if isinstance(value, FactsNumber) and value.fact_id:
            self.fact_reads[(value.fact_id, printed)] = None
        return printed

    def _view(self, fact: Fact) -> FactView:
        key = (fact.id, self.language)
        view = self._views.get(key)
        if view is None:
            try:
                view = self._views[key] = view_of(fact, self.store, self.language)
            except MissingTranslation as missing:
                if self.untranslated is None:
                    raise
                # The render goes on with the fact as written, to find the others.
                if fact.id not in self.untranslated:
                    found = running_template()
                    at = Location.of(*found) if found else None
                    self.untranslated[fact.id] = MissingTranslation(missing.detail, at)
                return view_of(fact, self.store, FACTS_LANGUAGE)
        return view

    def _resolve(self, fact: FactView | str) -> FactView:
        if isinstance(fact, FactView):
            return fact
        return self.fact(fact)

    def fact(self, fact_id: object) -> FactView:
        """``fact('id')``: the fact with that id."""
        key = str(fact_id)
        if key not in self.store:
            raise UnknownFact(self.store.unknown_fact_message(key))
        return self._view(self.store.get(key))

    def facts(
        self,
        audience: str | None = None,
        topic: str | None = None,
        kind: str | None = None,
        limit: int | None = None,
        place: str | None = None,
    ) -> list[FactView]:
        """``facts(audience=, topic=, kind=, place=, limit=)``: matching facts, most
        important first. ``place=recipient.place`` keeps the facts about the recipient's
        place: none when the place is empty or no fact is about it, so that a template's
        ``{% else %}`` gives the copy for everywhere else. A topic or kind no fact has is
        a slip, told at the template's line rather than answered with nothing; so is an
        audience no fact is for."""
        given = {"audience": audience, "topic": topic, "kind": kind}
        for what, value in given.items():
            if value is not None and not isinstance(value, str):
                raise TemplateError(
                    f"facts(): {what} is a name, text such as {_NAMED[what]}, not {quote(value)}"
                )
        unknown = unknown_filters(self.store, given)
        if unknown:
            what, message = next(iter(unknown.items()))
            if what == "audience" and "did you mean" not in message and _is_slug(audience):
                # Not a slip: most likely a new audience, which no fact names yet (and
                # one a fact's audiences could name: a slug).
                message += (
                    f"; to give {quote(audience)} facts of its own, add it to their "
                    "audiences in the facts files, or pick them by id, topic or another "
                    "audience"
                )
            raise TemplateError("facts(): " + message)
        if limit is not None and (
            not isinstance(limit, int) or isinstance(limit, bool) or limit < 0
        ):
            raise TemplateError(
                f"facts(): limit is how many facts at most, a whole number 0 or more, not "
                f"{quote(limit)}"
            )
        if place is not None and not isinstance(place, str):
            raise TemplateError(
                f"facts(): place is a place's slug or name (text such as 'springfield-il'), "
                f"not {_kind_of(place)}"
            )
        found = self.store.select(audience=audience, topic=topic, kind=kind, place=place)
        return [self._view(f) for f in found[:limit]]

    def cite(self, *facts: FactView | str) -> Markup:
        """``cite(f, ...)``: citation markers; each cited source joins the page's notes."""
        if not facts:  # else nothing is printed, and nothing says so
            raise TemplateError('cite() names no fact; write cite("fact-id")')
        return Markup("".join(f"[@{self._resolve(f).id}]" for f in facts))

    def callout(
        self, fact: FactView | str, label: str | None = None, figure: str | None = None
    ) -> Markup:
        """``callout(f, label=, figure=)``: a key-number block with its citation.

        A label (given, or the fact's ``short``) reads on from the figure, so the
        figure is the bare number with its sign (``26,700``, ``86%``, ``$1–$2``,
        ``100×``) and the label carries any unit words ("pounds of fentanyl seized"):
        the unit is never printed twice; after a figure of 1 its plural unit words read
        singular ("1" "death at the crossing"). With neither, the label is the fact's
        text and the figure its number with its unit."""
        view = self._resolve(fact)
        words = _text("callout", "label", label) or view.short
        figure = _text("callout", "figure", figure)
        if figure:
            shown = figure
        elif words:
            shown = short_figure(self.store.get(view.id), self.language)
            read = label_after(self.store.get(view.id), words, self.language)
            # Markup (a label built from cite()) stays Markdown: a word of it changed.
            words = Markup(read) if isinstance(words, Markup) else read
        else:  # a figure of its own lines: its words may wrap as before
            shown = self.store.get(view.id).number(self.language)
        if not shown:
            raise TemplateError(f"callout: fact '{view.id}' has no number; pass figure=")
        words = words or view.text
        return _block(f"!!! callout {md_escape(shown)}\n{md_escape(words)} [@{view.id}]\n!!!\n")

    def pullquote(self, fact: FactView | str, attribution: str | None = None) -> Markup:
        """``pullquote(f)``: the quote in a block, attributed to its speaker."""
        view = self._resolve(fact)
        if view.kind != "quote":
            # Its text in quotation marks would present a statistic as someone's words.
            raise TemplateError(
                f"pullquote(): fact '{view.id}' is a {view.kind}, not a quote; print it as "
                "text, or with callout()"
            )
        who = (
            _attribution(view)
            if attribution is None
            else md_escape(_text("pullquote", "attribution", attribution))
        )
        text = f"\u201c{view.text}\u201d"
        if not wording(self.language).is_english:
            # The speaker's words were English: say the page shows a translation.
            text += f" {wording(self.language).translated}"
        lines = [f"> {md_escape(text)} [@{view.id}]"]
        if who:
            lines += [">", f"> \u2014 {who}"]
        # A blank line ends the quote: a text after it on its template line is not
        # read into the attribution.
        return _block("\n".join(lines) + "\n\n")

    def notes(self, title: str | None = None) -> Markup:
        """``notes(title=)``: where the numbered source notes go (default: the end),
        under ``title`` (default "Sources", in the template's language: "Fuentes")."""
        heading = (
            wording(self.language).sources if title is None else _text("notes", "title", title)
        )
        return _block(f"!!! notes {md_escape(heading)}\n!!!\n")

    def chart(
        self,
        *facts: FactView | str,
        kind: str = "bar",
        title: str = "",
        labels: list[str] | tuple[str, ...] | None = None,
        caption: str = "",
    ) -> Markup:
        """``chart(f, f, kind="bar"|"pictogram", title=, labels=, caption=)``: a chart
        drawn from the facts' values, citing them. A bar chart compares facts with one
        unit (labelled by their periods unless ``labels`` are given); a pictogram fills
        the share of 100 figures one percent fact gives."""
        if kind not in KINDS:
            raise TemplateError(f"chart: kind must be 'bar' or 'pictogram', not '{kind}'")
        if labels is not None and not isinstance(labels, list | tuple):
            raise TemplateError(
                f"chart(): labels is a list of texts, one per bar (['2014', '2021']), not "
                f"{_kind_of(labels)}"
            )
        spec = {
            "kind": kind,
            "facts": [self._resolve(f).id for f in facts],
            "title": _text("chart", "title", title),
            "labels": [_text("chart", "labels", label) for label in labels or ()],
            "caption": _text("chart", "caption", caption),
        }
        # Only ids travel: the values are looked up again when the block is parsed.
        data = json.dumps(spec, ensure_ascii=True).replace("`", "\\u0060")  # no fence ends
        return _block(f"```briefgen-chart\n{data}\n```\n")

    def qr(self, url: object) -> Markup:
        """``qr(url)``: a QR code for a web address, printed beside it."""
        text = str(url).strip()
        if not text or any(c.isspace() or c == "`" for c in text):
            raise TemplateError(f"qr: '{text[:60]}' is not a web address")
        return _block(f"```briefgen-qr\n{text}\n```\n")

    def one_in(self, value: Any) -> str:
        """The ``one_in`` filter in the template's language. A fact's value keeps its
        qualifier: ``about 5 in 10`` of "about 50%"; a ceiling ("under 20%") is refused,
        as any count of it would overstate it."""
        unit = value.unit if isinstance(value, FactsNumber) else "percent"
        if unit.lower() != "percent":
            # 14 cases would print "more than 1 in 10", $120 "120%". The fact is told as
            # its .number prints it in English ("$1–$2 per pill"), not "1 USD".
            fact = self.store.get(value.fact_id) if value.fact_id in self.store else None
            shown = (
                format_value(fact, "en-US")
                if fact is not None and fact.value == value
                else f"{format_number(value, self.language)} {unit}"
            )
            raise TemplateError(
                f"the one_in filter reads a percentage as a count of people; fact "
                f"'{value.fact_id}' is {shown}: print its .number, or give one_in a fact "
                "whose unit is percent"
            )
        qualifier = getattr(value, "qualifier", "")
        if qualifier in _CEILINGS:
            raise TemplateError(
                f"the one_in filter: the fact's value is '{qualifier} {value}', a ceiling a "
                "count would overstate; print the fact's .number, or write the count with "
                "its words yourself"
            )
        share = _number("one_in", value)
        if qualifier in _FLOORS:
            words = one_in_at_least(share, self.language)
        else:
            words = one_in(share, self.language)
        if qualifier and words[:1].isdigit():
            words = f"{wording(self.language).qualifier(qualifier)} {words}"
        return self._of_fact(value, words)

    def number(self, value: Any) -> str:
        """The ``number`` filter in the template's language. A fact's value keeps its
        qualifier, as ``one_in`` keeps it: ``over 70,000`` of "over 70,000 deaths",
        never a bare ``70,000`` the fact does not say."""
        if isinstance(value, int) and not isinstance(value, bool):
            digits = format_number(value, self.language)
        else:
            digits = format_number(_number("number", value), self.language)
        qualifier = getattr(value, "qualifier", "")
        if qualifier:
            digits = f"{wording(self.language).qualifier(qualifier)} {digits}"
        return self._of_fact(value, digits)

    def filters(self) -> dict[str, Any]:
        """The filters, in the template's language; the names are :data:`FILTERS`'."""
        return {"one_in": self.one_in, "number": self.number}

    def globals(self) -> dict[str, Any]:
        """The functions a template calls (``fact``, ``cite``, ``chart``...), by name."""
        return {
            "chart": self.chart,
            "qr": self.qr,
            "fact": self.fact,
            "facts": self.facts,
            "cite": self.cite,
            "callout": self.callout,
            "pullquote": self.pullquote,
            "notes": self.notes,
            "addressee_of": addressee_of,
        }


def missing_translation_message(fact: Fact, store: FactStore, language: str) -> str:
    """What a template in ``language`` is told about a fact with no form in it."""
    return (
        f"fact '{fact.id}' has no Spanish form for this {language} template; add 'es:' "
        f"with its text (and short) at {store.where(fact.id)}"
    )


def one_in_filter(value: Any) -> str:
    """``{{ f.value | one_in }}``: a percentage as "1 in 5,000" or "more than 8 in 10"."""
    return one_in(float(value))


def number_filter(value: Any) -> str:
    """``{{ 26700 | number }}``: ``26,700``; an integer keeps every digit."""
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value)  # float() would drop the digits past 2**53
    return format_number(float(value))


FILTERS = {"one_in": one_in_filter, "number": number_filter}


# A name that brings its own honorific: "The Honorable Maria Cruz", "Hon. Alex Example",
# in Spanish "La Honorable María Cruz" (a Spanish brief's recipients).
_HONORIFICS = ("the ", "hon. ", "honorable ", "el honorable ", "la honorable ")
# A title of more words than this is a position ("Ranking Member of the Committee on
# ..."), not a courtesy title ("Representative", "Chief of Police").
COURTESY_TITLE_WORDS = 3
# The article a Spanish title takes before a name ("Para la Jefa de Policía María
# Cruz"), which a recipients file writes with it and which is not one of its words.
_ARTICLES = ("el ", "la ")


def addressee_of(recipient: object) -> str:
    """``addressee_of(recipient)``: whom a copy is for, as the built-ins name it. A
    courtesy title stands before the name ("Representative Alex Example"); a position
    (a title with a comma, or of more than three words), or any title after a name that
    brings its own honorific, follows the name after a comma ("The Honorable Maria
    Cruz, Chair, Subcommittee on Border Security"). Without a name: the office, else
    the title. Empty without a recipient."""
    if not is_recipient(recipient):
        # A column instead (addressee_of(recipient.name)) would be read for a name,
        # title and office it has not, or has as methods (str.title).
        raise TemplateError(
            "addressee_of() takes the recipient, addressee_of(recipient), "
            f"not {_kind_of(recipient)}"
        )
    if not recipient:
        return ""
    name = str(getattr(recipient, "name", ""))
    title = str(getattr(recipient, "title", ""))
    if not name:
        return str(getattr(recipient, "office", "")) or title
    if not title:
        return name
    bare = title[3:] if title.lower().startswith(_ARTICLES) else title
    courtesy = (
        "," not in title
        and len(bare.split()) <= COURTESY_TITLE_WORDS
        and not name.lower().startswith(_HONORIFICS)
    )
    return f"{title} {name}" if courtesy else f"{name}, {title}"


def suggest_name(name: str, choices: list[str]) -> str:
    """`` (did you mean 'x'?)`` with the closest of ``choices``, or ""."""
    close = closest(name, choices)
    return f" (did you mean '{close}'?)" if close else ""


def closest(name: str, choices: list[str]) -> str | None:
    """The choice closest to ``name``, case aside ("PUBLIC" is "public"), or None."""
    by_lower = {choice.lower(): choice for choice in reversed(choices)}
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=1)
    return by_lower[close[0]] if close else None
