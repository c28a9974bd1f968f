"""The built-in briefs say what their facts say: a template's own words around a
figure (what it measures, where, when, how sure the source is) must not shift or
overstate the fact it prints. Each test pins one sentence a fact-check corrected.

The briefs are rendered to their Markdown (no PDF), with the repository's facts.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from briefgen.facts import load_store
from briefgen.settings import Settings
from briefgen.templating.environment import TemplateRenderer
from briefgen.templating.search import SearchPath

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def briefs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Each built-in brief's paragraphs, as plain text on one line each."""
    workspace = tmp_path_factory.mktemp("wording")
    (workspace / "templates").mkdir()
    search = SearchPath.build([], workspace)
    store = load_store(REPO / "facts")
    renderer = TemplateRenderer(search, store, Settings(), dt.date(2026, 11, 2))
    paragraphs: dict[str, list[str]] = {}
    for audience in ("legislators", "chiefs", "public", "public-es"):
        # Printed values are Markdown-escaped; read them back as text.
        text = re.sub(r"\\(.)", r"\1", renderer.render(search.audience(audience)).text)
        paragraphs[audience] = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return paragraphs


def paragraph_with(briefs: dict[str, list[str]], audience: str, words: str) -> str:
    found = [p for p in briefs[audience] if words in p]
    assert len(found) == 1, (audience, words, found)
    return found[0]


def test_the_fy2023_pounds_are_those_seized_at_the_southern_border(
    briefs: dict[str, list[str]],
) -> None:
    # The seed: "Most of the fentanyl seized in FY 2023, about 98.9 percent (26,700 out
    # of 27,000 pounds), was seized at the southern border." The 26,700 pounds are the
    # southern border's, not the total of which 98.9% was seized there.
    said = paragraph_with(briefs, "legislators", "26,700 pounds")
    assert "26,700 pounds of fentanyl at the southern border in FY 2023" in said
    assert "of it at the southern border" not in said


def test_the_pill_prices_are_the_chiefs_estimate_not_a_market_price(
    briefs: dict[str, list[str]],
) -> None:
    # The seed: "one pill of illicit fentanyl may cost only $1 or $2 in Tucson, whereas
    # it might cost as much as $5 to $20 per pill in Chicago or Washington, D.C." --
    # Chief Kasmar's estimate, which "sells for" stated as a fact.
    said = paragraph_with(briefs, "legislators", "$5–$20 per pill")
    assert "may cost $1–$2 per pill in Tucson" in said
    assert "sells for" not in said


def test_the_480_percent_rise_names_its_years_wherever_it_is_printed(
    briefs: dict[str, list[str]],
) -> None:
    # The seed: seizures "480 percent higher in fiscal year (FY) 2023 compared to FY
    # 2020". Without its years, "are up 480%" on a brief dated years later reads as now.
    printed = [(a, p) for a, paragraphs in briefs.items() for p in paragraphs if "480%" in p]
    assert {a for a, _ in printed} >= {"legislators", "chiefs"}
    for audience, said in printed:
        assert "FY 2020" in said and "FY 2023" in said, (audience, said)


@pytest.mark.parametrize("audience", ["public", "public-es"])
def test_the_86_percent_pictogram_names_its_years(
    briefs: dict[str, list[str]], audience: str
) -> None:
    # The seed: "86% of fentanyl trafficking offenders between 2017 and 2021 were
    # American citizens." The pictogram printed 86% with no years; its alt text alone
    # had them.
    said = paragraph_with(briefs, audience, '"kind": "pictogram"')
    title = re.search(r'"title": "([^"]*)"', said)
    assert title, said
    assert "2017" in title[1] and "2021" in title[1], title[1]


@pytest.mark.parametrize(
    ("audience", "words", "hedge"),
    [("public", "in a 2022 poll", "at least in part"), ("public-es", "en 2022", "en parte")],
)
def test_the_poll_counts_those_who_believed_the_myth_somewhat_or_completely(
    briefs: dict[str, list[str]], audience: str, words: str, hedge: str
) -> None:
    # The seed: "approximately half of all respondents somewhat or completely believed"
    # it. "About half ... believed this" counted the "somewhat" as believers outright.
    said = paragraph_with(briefs, audience, words)
    assert "[@poll-half-believe-migrants-responsible]" in said
    assert hedge in said, said


def test_the_spanish_poll_line_hedges_as_its_fact_does(briefs: dict[str, list[str]]) -> None:
    # The seed: "approximately half of all respondents". The fact's qualifier is
    # "about", which briefgen writes "alrededor de", as the fact's Spanish form does;
    # "cerca de" also reads "casi" (nearly; RAE: "casi, aproximadamente"), and "los
    # encuestados" named the respondents otherwise than the fact's "personas encuestadas".
    said = paragraph_with(briefs, "public-es", "[@poll-half-believe-migrants-responsible]")
    assert "Alrededor de la mitad de las personas encuestadas en 2022" in said, said
    assert "Cerca de" not in said, said


def test_the_front_line_is_state_and_local_agencies(briefs: dict[str, list[str]]) -> None:
    # The seed: "In Tucson, state and local law enforcement agencies are on the front
    # line of the crisis." "Border agencies" read as the federal ones at the border.
    said = paragraph_with(briefs, "chiefs", "front line")
    assert "state and local agencies are on the front line" in said, said


def test_the_domino_effect_is_a_risk_not_a_rule(briefs: dict[str, list[str]]) -> None:
    # The seed: "Interdiction efforts in one community might drive drug smuggling
    # organizations into other communities."
    said = paragraph_with(briefs, "chiefs", "into the next")
    assert "can push smugglers into the next" in said, said


def test_proximity_says_what_its_facts_say_and_no_more(briefs: dict[str, list[str]]) -> None:
    # The seed gives cheaper, easier fentanyl and more smuggling organizations near the
    # border, and networks that "may be more active" recruiting youth; "expect demand
    # ... to follow" was the template's own inference.
    said = paragraph_with(briefs, "chiefs", "Proximity to the border")
    assert "demand" not in said, said
    assert "may also recruit local youth" in said, said


def test_the_spanish_page_sees_immigrants_as_no_target_not_as_white_people(
    briefs: dict[str, list[str]],
) -> None:
    # The seed: "immigrants must be seen as an ally, not a target." "No como blancos"
    # also reads "not as white people" in Spanish.
    said = paragraph_with(briefs, "public-es", "como aliados")
    assert "blancos" not in said, said
    assert "no como blanco de ataques" in said, said


def test_the_spanish_page_says_most_drugs_as_the_seed_does(
    briefs: dict[str, list[str]],
) -> None:
    # The seed: "the majority of drugs are smuggled in through legal ports of entry"
    # (the English brief: "Most drugs"); "la mayoría de la droga" was most of one drug.
    said = paragraph_with(briefs, "public-es", "puertos de entrada")
    assert said.startswith("- La mayoría de las drogas entra"), said
    assert "Llegan escondidas" in said, said


def test_the_spanish_page_sets_its_note_numbers_before_the_period(
    briefs: dict[str, list[str]],
) -> None:
    # Spanish puts a note's number before the sentence's punctuation, and a
    # sentence's period after its closing quotation mark: “… en EE. UU.”[@x].
    cited = [p for p in briefs["public-es"] if "[@" in p and not p.startswith("```")]
    assert sum(p.count("[@") for p in cited) >= 10, cited
    for said in cited:
        assert not re.search(r"[.:;,]\s*\[@", said), said
        assert not re.search(r"\]\s+[A-ZÁÉÍÓÚÑ¿¡]", said), said
    myth = paragraph_with(briefs, "public-es", "[@myth-migrants-cause-overdose-rise]")
    assert "EE. UU.”[@myth-migrants-cause-overdose-rise]. Alrededor" in myth, myth


def test_the_chiefs_bottom_line_says_what_was_seized(briefs: dict[str, list[str]]) -> None:
    # The seed: "seizures of illicit fentanyl were 480 percent higher". "Seizures at the
    # southern border rose 480%" left a commander to guess of what; a bottom line is
    # read alone.
    said = paragraph_with(briefs, "chiefs", "Bottom line")
    assert "fentanyl seizures at the southern border rose 480%" in said, said


def test_the_age_card_reads_in_one_pass(briefs: dict[str, list[str]]) -> None:
    # "The youngest teens smugglers target" ran two nouns together ("teens smugglers")
    # and sent a reader back to parse it; the seed's own voice is passive: "teenagers
    # as young as 14 are targeted by drug smuggling organizations".
    said = paragraph_with(briefs, "chiefs", "the age of the youngest teens")
    assert "teens smugglers" not in said, said
    assert "the youngest teens targeted by smugglers on social media" in said, said


@pytest.mark.parametrize(
    ("audience", "opening", "count"),
    [
        ("public", "Of people sentenced for fentanyl trafficking", "every 100"),
        ("public-es", "De las personas condenadas por traficar fentanilo", "De cada 100"),
    ],
)
def test_the_pictogram_title_reads_on_into_its_percentage(
    briefs: dict[str, list[str]], audience: str, opening: str, count: str
) -> None:
    # The pictogram prints its figure as a percentage ("86%") under its title, and the
    # two read as one sentence: "Of every 100 people ..., 86% were U.S. citizens" counted
    # people and then gave a share.
    said = paragraph_with(briefs, audience, '"kind": "pictogram"')
    title = re.search(r'"title": "([^"]*)"', said)
    assert title, said
    assert title[1].startswith(opening), title[1]
    assert count not in title[1], title[1]


@pytest.mark.parametrize(
    ("audience", "words", "verb"),
    [("public", "as allies", r"\w+ing"), ("public-es", "como aliados", r"\w+(?:ar|er|ir)")],
)
def test_what_helps_is_a_list_of_actions_in_one_form(
    briefs: dict[str, list[str]], audience: str, words: str, verb: str
) -> None:
    # "Overdose prevention and help to recover", "Things to do for children: they make
    # a town safer", "Seeing immigrants as allies": a noun, a noun and a clause, and a
    # gerund under one heading. Each item now opens with its action, as the third did:
    # a gerund in English, an infinitive in Spanish ("Prevenir", "Ofrecer", "Ver").
    said = paragraph_with(briefs, audience, words)
    items = [item for item in re.split(r"(?:^|\s)- ", said) if item]
    assert len(items) == 3, items
    for item in items:
        assert re.match(verb + r" ", item), item


def test_the_spanish_youth_item_offers_activities_and_names_who_is_safer(
    briefs: dict[str, list[str]],
) -> None:
    # The seed: "providing extracurricular activities and opportunities to children and
    # young adults brings community-building and public safety benefits". "Dar
    # actividades" was the English "giving ... things to do" word for word (Spanish
    # offers them: "ofrecer", as the fact's Spanish form says), and after its colon
    # "hacen más segura la ciudad" sent the reader back for what "hacen"; the seed's
    # benefit is the community's, not one city's.
    said = paragraph_with(briefs, "public-es", "[@youth-engagement]")
    assert "Ofrecer actividades a niños y jóvenes: así la comunidad es más segura" in said
    assert "Dar actividades" not in said, said


def test_the_southern_border_share_says_of_what(briefs: dict[str, list[str]]) -> None:
    # The seed: "about 98.9 percent (26,700 out of 27,000 pounds)" of "the fentanyl
    # seized in FY 2023". "Of all they seized" left both open: all drugs, or all that
    # the officials at the border seized, which the 26,700 pounds already are.
    said = paragraph_with(briefs, "legislators", "26,700 pounds")
    assert "about 98.9% of the year’s total" in said, said
    assert "all they seized" not in said, said


def test_the_english_briefs_name_the_border_patrol_alike(
    briefs: dict[str, list[str]],
) -> None:
    # The public brief said "arrested by the Border Patrol", the legislators' "arrested
    # by Border Patrol": the agency takes its article, as AP writes it, on every page.
    named = [
        (audience, p)
        for audience in ("legislators", "chiefs", "public")
        for p in briefs[audience]
        if "Border Patrol" in p
    ]
    assert {audience for audience, _ in named} >= {"legislators", "public"}, named
    for audience, said in named:
        assert not re.search(r"(?<!the )Border Patrol", said), (audience, said)


def test_the_ask_funds_the_local_agencies_at_the_border(
    briefs: dict[str, list[str]],
) -> None:
    # The seed: federal funding "infused in sheriff departments and police departments
    # combating fentanyl at the border". "Fund border police" also reads as the federal
    # Border Patrol, the agency the ask is not about; `briefgen init`'s example override
    # repeats the ask and must not drift from it.
    said = paragraph_with(briefs, "legislators", "We ask Congress to")
    assert "fund police and sheriffs at the border" in said, said
    skeleton = REPO / "briefgen" / "skeleton" / "templates" / "legislators.md.j2"
    for text in (said, skeleton.read_text(encoding="utf-8")):
        assert "border police" not in text, text


def test_the_bottom_line_after_its_colon_is_a_sentence(briefs: dict[str, list[str]]) -> None:
    # AP style: after a colon, a complete sentence begins with a capital letter; the
    # bottom line is one, and a commander's eye lands on its first word.
    said = paragraph_with(briefs, "chiefs", "Bottom line")
    assert re.search(r"\*\*Bottom line:\*\* [A-Z]", said), said


@pytest.mark.parametrize(
    ("audience", "words", "years"),
    [
        ("public", "Most people sentenced", "in 2017–2021 were U.S. citizens"),
        ("public-es", "La mayoría de las personas condenadas", "entre 2017 y 2021 eran ciudadanos"),
    ],
)
def test_the_citizens_finding_keeps_its_years_and_past_tense(
    briefs: dict[str, list[str]], audience: str, words: str, years: str
) -> None:
    # The seed: "86% of fentanyl trafficking offenders between 2017 and 2021 were
    # American citizens." "Most ... are U.S. citizens" stated a five-year count as now.
    said = paragraph_with(briefs, audience, words)
    assert years in said, said


@pytest.mark.parametrize(
    ("audience", "unauthorized"),
    [("public", "unauthorized migrants"), ("public-es", "migrantes sin papeles")],
)
def test_the_one_in_5000_are_unauthorized_migrants_caught_with_fentanyl(
    briefs: dict[str, list[str]], audience: str, unauthorized: str
) -> None:
    # The seed: "among unauthorized migrants arrested by Border Patrol agents, only
    # 0.02% were caught possessing fentanyl." The lead's label dropped "unauthorized",
    # and in English said the arrested "had fentanyl with them", not were caught with it.
    said = paragraph_with(briefs, audience, "[@migrants-arrested-with-fentanyl]")
    assert unauthorized in said, said
    if audience == "public":
        assert "caught with fentanyl" in said, said


def test_smugglers_target_teenagers_in_some_cases(briefs: dict[str, list[str]]) -> None:
    # The seed: "In some cases, teenagers as young as 14 are targeted by drug smuggling
    # organizations through social media platforms like Snapchat and TikTok."
    said = paragraph_with(briefs, "chiefs", "Snapchat and TikTok")
    assert "In some cases smuggling organizations target teenagers" in said, said


def test_air_support_could_strain_budgets(briefs: dict[str, list[str]]) -> None:
    # The seed: planes and helicopters "that could strain local law enforcement agency
    # budgets"; "strain local budgets" stated the chief's risk as a fact.
    said = paragraph_with(briefs, "chiefs", "big-ticket interdiction tools")
    assert "can strain local budgets" in said, said


def test_the_coordination_advice_is_what_its_fact_says(briefs: dict[str, list[str]]) -> None:
    # The cited fact (the seed's conclusion): "coordination and communication between
    # federal, state, local and tribal law enforcement agencies will continue to be
    # essential." "Share intelligence and plan operations together" was the template's
    # own advice, with the article's note number on it.
    said = paragraph_with(briefs, "chiefs", "[@coordinate-across-agencies]")
    assert "intelligence" not in said, said
    assert "coordination and communication between agencies stay essential" in said, said


def test_the_ask_works_with_mexico_and_china_to_disrupt_the_flow(
    briefs: dict[str, list[str]],
) -> None:
    # The seed: U.S. officials "need to work with authorities in Mexico and China to
    # come up with tangible steps to disrupt the creation and flow of illicit fentanyl."
    # "Press Mexico and China to stop the flow" asked for more than the chief did; the
    # workspace skeleton's example override repeats the ask, and the description too.
    said = paragraph_with(briefs, "legislators", "[@work-with-mexico-and-china]")
    assert "work with Mexico and China to disrupt the flow" in said, said
    for template in (
        REPO / "briefgen" / "builtin_templates" / "legislators.md.j2",
        REPO / "briefgen" / "skeleton" / "templates" / "legislators.md.j2",
    ):
        text = template.read_text(encoding="utf-8")
        assert "press Mexico" not in text and "stop the flow" not in text, template


def test_the_seizures_heading_says_where_fentanyl_is_seized(
    briefs: dict[str, list[str]],
) -> None:
    # Its facts: 26,700 pounds seized at the southern border in FY 2023, about 98.9% of
    # all seized. "Border communities carry the load" claimed what neither says: the
    # seed credits the seizures to "border officials", not the communities.
    said = paragraph_with(briefs, "legislators", "[@seizures-fy2023-pounds]")
    assert said.startswith("**Most seizures are at the southern border.**"), said
    assert "communities" not in said, said


def test_the_bottom_line_asks_for_what_its_cited_fact_says(
    briefs: dict[str, list[str]],
) -> None:
    # The cited fact: "A solution will require a multi-pronged approach, with
    # partnership at the federal, state, and local levels." The bottom line listed
    # "coordination, resources, youth engagement and public awareness" as what "all have
    # to be part of the answer", though the seed says only that there "might" be a need
    # for a public awareness campaign.
    said = paragraph_with(briefs, "chiefs", "[@multi-pronged-approach]")
    assert "public awareness" not in said, said
    assert "multi-pronged, with federal, state and local partners" in said, said


def _spanish_texts(briefs: dict[str, list[str]]) -> list[str]:
    """The Spanish page's paragraphs and every Spanish form in the store."""
    store = load_store(REPO / "facts")
    forms = [t for f in store if f.es for t in (f.es.text, f.es.short) if t]
    return [*briefs["public-es"], *forms]


def test_spanish_text_calls_drugs_illegal_never_people(briefs: dict[str, list[str]]) -> None:
    # Respectful terms for immigrants, as U.S. Spanish news style guides ask: people are
    # "migrantes", "inmigrantes", "sin papeles", never "ilegales". "Ilegal" qualifies
    # drugs only, as the seed's "illegal drugs", "illegal synthetic opioids".
    for text in _spanish_texts(briefs):
        for found in re.finditer(r"\bilegal(?:es)?\b", text, re.IGNORECASE):
            before = text[: found.start()]
            assert re.search(r"(?:drogas|opioides sintéticos|sustancias) $", before), text
        assert not re.search(r"\b(?:los|las|unos|unas) ilegales\b", text, re.I), text


def test_spanish_text_names_things_alike_and_addresses_the_reader_as_usted(
    briefs: dict[str, list[str]],
) -> None:
    # One word for one thing across the page and the store's Spanish forms (a reader
    # who meets a second takes it for a second thing), and one register: the page's
    # "Lea" addresses the reader as usted, so no "tú" form beside it.
    texts = _spanish_texts(briefs)
    assert any("Patrulla Fronteriza" in t for t in texts)
    assert any("puertos de entrada" in t for t in texts)
    for text in texts:
        assert not re.search(r"\bfentanil(?!o)\w*", text, re.I), text
        assert "Border Patrol" not in text and "Patrulla de Frontera" not in text, text
        assert not re.search(r"\b(?:puntos de entrada|garitas?)\b", text, re.I), text
        assert not re.search(r"\bEEUU\b|E\.E\.U\.U\.|\bEE\.UU\.", text), text
        assert not re.search(r"\b(?:tú|tu|tus|te|ti|contigo)\b", text, re.I), text


def test_each_built_in_brief_is_shaped_as_the_readme_says(briefs: dict[str, list[str]]) -> None:
    """README: the legislators' brief puts the ask first, then three reasons each
    backed by a number; the chiefs' the bottom line up front, then operational
    takeaways; the public's the fact first, the myth named once and answered."""
    legislators = briefs["legislators"]
    assert legislators[0].startswith("# ")
    assert legislators[1].startswith("::: box **We ask Congress to** ")
    why = legislators.index("## Why it matters")
    reasons = [p for p in legislators[why + 1 :] if p.startswith("**")]
    assert len(reasons) == 3
    for reason in reasons:
        said = reason.split("**", 2)[2]
        assert re.search(r"\d", said) and "[@" in said, reason
    chiefs = briefs["chiefs"]
    assert chiefs[1].startswith("::: box **Bottom line:** ")
    assert "## Operational takeaways" in chiefs
    public = briefs["public"]
    myths = {fact.id for fact in load_store(REPO / "facts") if fact.kind == "myth"}
    cited = [
        (at, fact)
        for at, paragraph in enumerate(public)
        for fact in re.findall(r"\[@([\w-]+)\]", paragraph)
    ]
    named = [(at, fact) for at, fact in cited if fact in myths]
    assert len(named) == 1  # once
    (myth_at, _) = named[0]
    assert cited[0][1] not in myths and cited[0][0] < myth_at  # a fact first
    answer = public.index("## The facts")
    assert public[myth_at - 1] == "## The myth" and answer == myth_at + 1
