"""The Spanish public brief (issue 11): facts' Spanish forms, helpers writing in the
template's language, the Spanish reading formula, and a Spanish template's errors."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from pypdf import PdfReader
from readback import docx_paragraphs, docx_text, pdf_text, squeeze
from tagged import no_space, structure, text_by_mcid

from briefgen.charts import resolve_chart
from briefgen.cli import cli
from briefgen.errors import Location, TemplateError
from briefgen.facts import load_store
from briefgen.facts.formatting import format_number, one_in
from briefgen.readability import inflesz, spanish_syllables, szigriszt_pazos
from briefgen.settings import Settings
from briefgen.templating.environment import TemplateRenderer
from briefgen.templating.search import SearchPath

REPO = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden" / "notes" / "public-es.txt"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``briefgen build --audience public-es`` in a workspace holding the repository's
    settings and facts, on a fixed date: the output folder."""
    workspace = tmp_path_factory.mktemp("spanish")
    shutil.copy(REPO / "briefgen.toml", workspace)
    out = workspace / "output"
    args = ["build", "--facts", str(REPO / "facts"), "--audience", "public-es"]
    result = CliRunner().invoke(cli, [*args, "--date", "2026-11-02", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "reading level: Szigriszt-Pazos" in result.stdout
    return out


def test_one_page_pdf_whose_helper_words_are_spanish(built: Path) -> None:
    pdf = built / "public-es.pdf"
    assert len(PdfReader(pdf).pages) == 1
    text = pdf_text(pdf)
    for words in (
        "1 de cada 5,000",  # one_in, CLDR es-US grouping
        "alrededor de 100 veces",  # a qualifier and unit words
        "noviembre de 2026",  # the masthead's date
        "Actualizado: noviembre de 2026",  # the footer's
        "Fuentes",  # the notes' heading
        "Fuente",  # the pictogram's caption
        "Público general",  # the audience's name
    ):
        assert words in text, words
    for english in ("Updated", "Sources", "as reported", "as quoted", "about 100", " in 5,000"):
        assert english not in text, english


def test_notes_match_the_golden_file_in_both_formats(built: Path) -> None:
    expected = GOLDEN.read_text(encoding="utf-8").splitlines()
    notes = [
        p.text for p in docx_paragraphs(built / "public-es.docx") if p.style.name == "Source Note"
    ]
    assert notes == expected
    pdf = squeeze(pdf_text(built / "public-es.pdf"))
    assert all(squeeze(note) in pdf for note in expected)


def test_docx_has_the_same_spanish_words(built: Path) -> None:
    # That LibreOffice lays it out on one page is checked with the other built-ins'
    # DOCX, in one soffice run: tests/test_build.py, test_docx_is_one_page_in_libreoffice.
    # Squeezed: a callout's count keeps together with no-break spaces (1 de cada 5,000).
    text = squeeze(docx_text(built / "public-es.docx"))
    for words in ("1 de cada 5,000", "alrededor de 100 veces", "Actualizado: noviembre de 2026"):
        assert words in text, words


def test_english_passages_are_marked_english_in_both_formats(built: Path) -> None:
    """A screen reader reads the sources' English titles, and the article the page
    points to, in an English voice (PDF/UA-1 7.2, WCAG 3.1.2): in the PDF each is a
    Span with /Lang en-US; in the DOCX its runs are marked en-US; nothing else is."""
    reader = PdfReader(built / "public-es.pdf")
    tree = structure(reader)
    texts = text_by_mcid((built / "public-es.pdf").read_bytes())
    english = [
        "".join(texts[kid] for kid in node.kids if isinstance(kid, tuple))
        for node in tree.walk()
        if node.lang == "en-US"
    ]
    assert {node.role for node in tree.walk() if node.lang} == {"Span"}
    titles = [
        "Mia Pope, Law Enforcement Immigration Task Force, “Immigrants are not to Blame for "
        "America’s Fentanyl Crisis”",
        "U.S. Sentencing Commission, Fentanyl trafficking offenses, 2017–2021",
        "“Tackling Illicit Fentanyl at the Southern Border: Five Takeaways from Law "
        "Enforcement on the Front Line”",
    ]
    passage = "Immigrants are not to Blame for America’s Fentanyl Crisis"
    joined = [no_space(text) for text in english]
    assert no_space(passage) in joined
    for title in titles:
        assert no_space(title) in joined, title
    # The Spanish between them is not: "citado en", the dates.
    assert not any("según" in text or "diciembre" in text for text in english)
    word = docx.Document(str(built / "public-es.docx"))
    lang = f"{qn('w:rPr')}/{qn('w:lang')}"
    runs = [
        run
        for part in (word.element.body, word.sections[0].footer._element)
        for run in part.iter(qn("w:r"))
        if run.find(lang) is not None
    ]
    assert {run.find(lang).get(qn("w:val")) for run in runs} == {"en-US"}
    marked = ["".join(t.text or "" for t in run.iter(qn("w:t"))) for run in runs]
    assert sorted(map(no_space, marked)) == sorted(joined)


def test_the_spanish_files_metadata_is_spanish_or_absent(built: Path) -> None:
    """The store's topics are English slugs: a Spanish file carried them as its
    keywords (dc:language es-US), and its DOCX settings said the theme's fonts were
    for en-US. Now no keywords, and the theme's language is the brief's."""
    reader = PdfReader(built / "public-es.pdf")
    assert (reader.metadata or {}).get("/Keywords", "") == ""
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "Keywords" not in xmp
    word = docx.Document(str(built / "public-es.docx"))
    assert word.core_properties.keywords == ""
    theme = word.settings.element.find(qn("w:themeFontLang"))
    assert theme.get(qn("w:val")) == "es-US"


def test_a_source_in_the_briefs_language_is_not_marked(tmp_path: Path) -> None:
    """A Spanish source in a Spanish brief is not marked; in an English brief it is,
    with the language its entry gives."""
    store = load_store(REPO / "facts")
    source = store.sources["kasmar-interview"].model_copy(update={"language": "es-MX"})
    assert source.citation_parts("es-US")[0][1] == ""
    assert source.citation_parts("en-US")[0] == (source.citation("en-US"), "es-MX")
    english = store.sources["kasmar-interview"]
    assert english.citation_parts("en-GB")[0][1] == ""  # one language, another region
    assert english.citation_parts("es-US")[0][1] == "en-US"


@pytest.mark.parametrize(
    ("percent", "words"),
    [
        (0.02, "1 de cada 5,000"),
        (86, "más de 8 de cada 10"),
        (49, "casi 5 de cada 10"),
        (50, "5 de cada 10"),
        (98.9, "alrededor de 99 de cada 100"),
        (6.5, "alrededor de 1 de cada 15"),
    ],
)
def test_one_in_in_spanish(percent: float, words: str) -> None:
    assert one_in(percent, "es-US") == words


def test_periods_in_spanish() -> None:
    from briefgen.facts.schema import parse_period

    labels = [parse_period(t).label_in("es-US") for t in ("FY2020/FY2023", "2023-03", "FY2023")]
    assert labels == ["años fiscales 2020–2023", "marzo de 2023", "año fiscal 2023"]
    assert parse_period("FY2020/FY2023").label == "FY 2020–FY 2023"


def test_a_period_is_labelled_for_its_own_text_and_language() -> None:
    """Labels are kept per process by the period's text and the language: each period
    and language, asked in any order, gets its own."""
    from briefgen.facts import schema

    schema._label.cache_clear()
    asked = [("2023-03", "es-US"), ("2023-03", "en-US"), ("2023-04", "en-US"), ("2023-03", "es-US")]
    labels = [schema.parse_period(text).label_in(language) for text, language in asked]
    assert labels == ["marzo de 2023", "March 2023", "April 2023", "marzo de 2023"]


def test_numbers_follow_cldr_es_us() -> None:
    # CLDR's es-US groups with a comma and marks decimals with a point, as U.S.
    # Spanish readers and Mexico write them (Spain's es would give 26.700 and 98,9).
    assert format_number(26700, "es-US") == "26,700"
    assert format_number(98.9, "es-US") == "98.9"
    assert format_number(10**18, "es-US") == "1,000,000,000,000,000,000"


@pytest.mark.parametrize(
    ("value", "value_max", "figure", "number"),
    [
        (-3000000, None, "-$3,000,000", "-$3,000,000 USD por año"),
        (-5, 20, "-$5–$20", "-$5–$20 USD por año"),
        (1, 2, "$1–$2", "$1–$2 USD por año"),
    ],
)
def test_a_negative_amount_has_its_minus_before_the_dollar_sign(
    value: float, value_max: float | None, figure: str, number: str
) -> None:
    # "$-3,000,000" put the minus inside the amount, in both languages.
    from briefgen.charts import short_figure
    from briefgen.facts.formatting import format_value
    from briefgen.facts.schema import Fact

    fact = Fact.model_validate(
        {
            "id": "x",
            "kind": "statistic",
            "text": "t",
            "value": value,
            "value_max": value_max,
            "unit": "USD a year",
            "as_of": "2022",
            "source": "s",
            "es": {"text": "t", "unit": "USD por año"},
        }
    )
    assert short_figure(fact, "es-US") == figure
    assert short_figure(fact) == figure
    assert format_value(fact, "es-US") == number.replace(" USD", "")


def test_szigriszt_pazos_against_a_hand_count() -> None:
    # "El fentanilo es un peligro real." El(1) fen-ta-ni-lo(4) es(1) un(1) pe-li-gro(3)
    # re-al(2): 12 syllables, 6 words. "Los inmigrantes no son la causa." Los(1)
    # in-mi-gran-tes(4) no(1) son(1) la(1) cau-sa(2): 10 syllables, 6 words.
    # 206.835 - 62.3 * 22/12 - 12/2 = 86.615
    sentences = ["El fentanilo es un peligro real.", "Los inmigrantes no son la causa."]
    assert szigriszt_pazos(sentences) == pytest.approx(206.835 - 62.3 * 22 / 12 - 6)
    assert [spanish_syllables(w) for w in ("país", "ciudad", "aéreo", "hoy", "día")] == [
        2,
        2,
        4,
        1,
        2,
    ]
    # Words are runs of letters: a figure adds no word and no syllable.
    with_figures = ["El fentanilo es un peligro real: 26,700 libras, 98.9% y 2023."]
    assert szigriszt_pazos(with_figures) == szigriszt_pazos(
        ["El fentanilo es un peligro real: libras y."]
    )


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (12.0, "muy difícil"),
        (39.9, "muy difícil"),
        (40.0, "algo difícil"),
        (54.9, "algo difícil"),
        (55.0, "normal"),
        (64.9, "normal"),
        (65.0, "bastante fácil"),
        (79.9, "bastante fácil"),
        (80.1, "muy fácil"),
        (120.0, "muy fácil"),
    ],
)
def test_a_score_is_read_on_the_inflesz_scale(score: float, band: str) -> None:
    """docs/templates.md: below 40 muy difícil, 40–55 algo difícil, 55–65 normal,
    65–80 bastante fácil, above 80 muy fácil."""
    assert inflesz(score) == band


QUOTE_AND_DATE = """---
language: es-US
---
{{ date }} ({{ date.month_name }}); {{ fact("synthetic-opioid-deaths-2021").number }};
{{ fact("fentanyl-offenders-us-citizens").as_of }}; {{ 1234.5 | number }}
{{ pullquote("gupta-not-begin-or-end-at-border") }}
{{ notes() }}
"""


def test_a_spanish_render_writes_its_own_words_in_spanish(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "trial.md.j2").write_text(QUOTE_AND_DATE, encoding="utf-8")
    store = load_store(REPO / "facts")
    search = SearchPath.build([], tmp_path)
    renderer = TemplateRenderer(search, store, Settings(), dt.date(2026, 11, 2))
    # Printed values are Markdown-escaped; read them back as text.
    text = re.sub(r"\\(.)", r"\1", renderer.render(search.audience("trial")).text)
    assert "noviembre de 2026 (noviembre)" in text
    assert "más de 70,000\u00a0muertes" in text  # the number keeps to its unit
    assert "2017–2021" in text and "1,234.5" in text
    # The speaker's words were English: the Spanish says it is a translation.
    assert "ni termina en la frontera de Estados Unidos.” (traducción)" in text
    assert "!!! notes Fuentes" in text
    # An English template of the same renderer keeps its English words.
    (tmp_path / "templates" / "english.md.j2").write_text(
        QUOTE_AND_DATE.replace("es-US", "en-US"), encoding="utf-8"
    )
    english = re.sub(r"\\(.)", r"\1", renderer.render(search.audience("english")).text)
    assert "November 2026" in english and "over 70,000\u00a0deaths" in english
    assert "traducción" not in english and "!!! notes Sources" in english
    # A language briefgen has no words for is refused at its line: its dates, notes
    # and facts would print in English, labelled French for a screen reader.
    (tmp_path / "templates" / "french.md.j2").write_text(
        QUOTE_AND_DATE.replace("es-US", "fr-FR"), encoding="utf-8"
    )
    with pytest.raises(TemplateError) as refused:
        search.audience("french")
    line = QUOTE_AND_DATE.splitlines().index("language: es-US") + 1
    assert refused.value.format_message() == (
        f"{tmp_path / 'templates' / 'french.md.j2'}:{line}: front matter: language: "
        "briefgen writes briefs in English (en-...) and Spanish (es-...) only: under "
        "'fr-FR' its own words "
        '(dates, "Sources", the notes) and the facts would print in English, labelled '
        "'fr-FR' for screen readers"
    )
    # A tag written with an underscore, as locales are, is told how to write it.
    (tmp_path / "templates" / "french.md.j2").write_text(
        QUOTE_AND_DATE.replace("es-US", "es_MX"), encoding="utf-8"
    )
    with pytest.raises(TemplateError) as refused:
        search.audience("french")
    assert refused.value.format_message().endswith(
        "front matter: language: expected a language tag such as en-US or es-MX "
        "('es_MX' is written 'es-MX')"
    )
    # Any region of a language it has words for is that language (es-MX, bare es).
    for tag in ("es-MX", "es", "EN-gb"):
        (tmp_path / "templates" / "other.md.j2").write_text(
            QUOTE_AND_DATE.replace("es-US", tag), encoding="utf-8"
        )
        assert SearchPath.build([], tmp_path).audience("other").language == tag


def test_the_builtin_macros_take_a_spanish_templates_words(tmp_path: Path) -> None:
    """docs/templates.md: the pieces in _macros.md.j2 take their words for a Spanish
    template, contact("Contacto") and prepared_by("Preparado por")."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "trial.md.j2").write_text(
        '---\nlanguage: es-US\n---\n{% import "_macros.md.j2" as m %}\n# Prueba\n\n'
        '{{ m.contact("Contacto") }}\n{{ m.prepared_by("Preparado por") }}\n',
        encoding="utf-8",
    )
    settings = Settings.model_validate(
        {"organization": {"name": "Grupo"}, "contact": {"name": "Ana", "email": "a@b.org"}}
    )
    search = SearchPath.build([], tmp_path)
    renderer = TemplateRenderer(search, load_store(REPO / "facts"), settings)
    text = re.sub(r"\\(.)", r"\1", renderer.render(search.audience("trial")).text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert "## Contacto" in lines and "Ana, Grupo" in lines
    assert "*Preparado por Grupo*" in lines
    assert "## Contact" not in lines and "Prepared" not in text


def test_a_spanish_chart_is_captioned_and_described_in_spanish() -> None:
    store = load_store(REPO / "facts")
    spec = '{"kind": "pictogram", "facts": ["fentanyl-offenders-us-citizens"]}'
    chart = resolve_chart(spec, store, Location("trial", 1), "es-US")
    assert chart.caption[0].text == "Fuente"  # type: ignore[union-attr]
    assert chart.alt.startswith("Pictograma, 86 de 100 figuras rellenas: 86% de las personas")
    assert chart.bars[0].label.startswith("de las personas condenadas")


def _workspace(tmp_path: Path, template: str, facts: str | None = None) -> Path:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "trial.md.j2").write_text(template, encoding="utf-8")
    shutil.copytree(REPO / "facts", tmp_path / "facts")
    if facts is not None:
        (tmp_path / "facts" / "extra.yaml").write_text(facts, encoding="utf-8")
    return tmp_path


def _build(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["build", "--audience", "trial", "--format", "pdf", *args], catch_exceptions=False
    )
    return result.exit_code, result.output


SPANISH = "---\nlanguage: es-US\n---\n# Prueba\n\n"


def test_every_fact_without_spanish_is_told_in_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each build named only the first fact without a Spanish form: a template of
    three took three rounds of adding an es: and building again. Every one the
    helpers use is told at the line that first asks for it, as docs/templates.md
    shows; another error the render meets comes after them."""
    body = (
        '{{ fact("seizures-up-480-percent").text }}\n\n'
        '{{ fact("tucson-pill-price").text }} {{ fact("seizures-up-480-percent").number }}\n\n'
        '{{ fact("kasmar-bipartisan").text }}\n'
    )
    workspace = _workspace(tmp_path, SPANISH + "Hola.\n\n" + body)
    monkeypatch.chdir(workspace)
    missing = " has no Spanish form for this es-US template; add 'es:' with its text (and short)"
    at = "templates/trial.md.j2"
    expected = [
        f"{at}:8: fact 'seizures-up-480-percent'{missing} at facts/seizures.yaml:6",
        f"{at}:12: fact 'kasmar-bipartisan'{missing} at facts/quotes.yaml:365",
    ]
    assert _build() == (1, "\n".join(expected) + "\n")
    (workspace / "templates" / "trial.md.j2").write_text(
        SPANISH + "Hola.\n\n" + body + '\n{{ fact("no-such-fact").text }}\n', encoding="utf-8"
    )
    code, output = _build()
    lines = output.splitlines()
    assert (code, lines[:2]) == (1, expected)
    assert lines[2].startswith("templates/trial.md.j2:14: unknown fact 'no-such-fact'"), lines
    assert not (workspace / "output").exists()


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ('{{ fact("seizures-up-480-percent").text }}\n', 8),  # a helper call
        ("Texto. [@seizures-up-480-percent]\n", 8),  # a citation typed in the text
    ],
)
def test_a_fact_without_spanish_stops_a_spanish_template_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, line: int
) -> None:
    workspace = _workspace(tmp_path, SPANISH + "Hola.\n\n" + body)
    monkeypatch.chdir(workspace)
    code, output = _build()
    assert code == 1
    assert output.startswith(
        f"templates/trial.md.j2:{line}: fact 'seizures-up-480-percent' has no Spanish form"
    ), output
    assert "facts/seizures.yaml:" in output
    assert not (workspace / "output" / "trial.pdf").exists()


BAD_SPANISH = """facts:
  - id: trial-count
    kind: statistic
    text: Seized 4,600 pounds.
    value: 4600
    unit: pounds
    as_of: 2020
    source: five-takeaways-fentanyl-southern-border
    es:
      text: Se decomisaron 4,600 libras.
  - id: trial-reviewed
    kind: finding
    text: A finding.
    as_of: 2020
    source: five-takeaways-fentanyl-southern-border
    es:
      text: Un hallazgo.
      reviewed: yes
  - id: trial-finding
    kind: finding
    text: A finding.
    as_of: 2020
    source: five-takeaways-fentanyl-southern-border
    es:
      txet: Un hallazgo.
  - id: trial-cases
    kind: statistic
    text: 14 cases.
    value: 14
    unit: cases
    as_of: 2020
    source: five-takeaways-fentanyl-southern-border
    es:
      text: 14 casos.
"""


def test_spanish_form_errors_are_told_at_their_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = _workspace(tmp_path, SPANISH, BAD_SPANISH)
    monkeypatch.chdir(workspace)
    result = CliRunner().invoke(cli, ["facts", "check"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "facts/extra.yaml:9: es: the fact's unit 'pounds' needs its Spanish words "
        "(e.g. unit: libras)",
        "facts/extra.yaml:18: es.reviewed: expected true or false, got 'yes'",
        "facts/extra.yaml:24: es.text: is required",
        "facts/extra.yaml:25: es.txet: unknown field (did you mean 'text'?)",
        # A unit of no example's: libras would read as the translation of 'cases'.
        "facts/extra.yaml:33: es: the fact's unit 'cases' needs its Spanish words "
        "(unit: under es:, the words in Spanish, as libras for pounds)",
    ]


def test_facts_show_prints_the_spanish_form_and_whether_it_was_reviewed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, ["facts", "show", "fentanyl-100-times-morphine"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    start = lines.index("in Spanish (es, not reviewed yet):")
    assert lines[start + 1].startswith("El fentanilo se parece a la morfina")
    assert "    number: alrededor de 100 veces" in lines[start:]


def test_a_spanish_brief_without_a_description_has_a_spanish_subject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The PDF's and DOCX's subject was "Policy brief for Notas".
    monkeypatch.chdir(
        _workspace(tmp_path, "---\nlanguage: es-US\nname: Notas\n---\n# Prueba\n\nHola.\n")
    )
    code, output = _build("--format", "pdf", "--format", "docx")
    assert code == 0, output
    assert PdfReader("output/trial.pdf").metadata.subject == "Informe para Notas"
    assert docx.Document("output/trial.docx").core_properties.subject == "Informe para Notas"


# A chief's quote, its es: form's text given; each test adds the rest of the form.
CHIEF_SAYS = """\
facts:
  - id: chief-says
    kind: quote
    text: We act together.
    speaker: Ana Ruiz
    role: Chief of Police
    organization: City Police Department
    as_of: 2024
    source: kasmar-interview
    es:
      text: Actuamos juntos.
"""
SPANISH_DEPARTMENT = "      organization: Departamento de Policía de la Ciudad\n"


def test_a_quotes_role_prints_in_spanish_when_its_form_gives_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "— Chad E. Kasmar, Chief of Police, ..." stayed English in a Spanish brief: es:
    # could not hold the role.
    facts = CHIEF_SAYS + "      role: jefa de policía\n" + SPANISH_DEPARTMENT
    template = '---\nlanguage: es-US\n---\n# Prueba\n\n{{ pullquote("chief-says") }}\n'
    monkeypatch.chdir(_workspace(tmp_path, template, facts))
    code, output = _build()
    assert code == 0, output
    text = " ".join(PdfReader("output/trial.pdf").pages[0].extract_text().split())
    assert "— Ana Ruiz, jefa de policía, Departamento de Policía de la Ciudad" in text


def test_a_quotes_english_role_is_marked_english_in_a_spanish_brief(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the fact's Spanish form gives no role or organization, the English ones
    print, marked en-US (a Span with /Lang in the PDF, runs in the DOCX), so a screen
    reader does not read "Chief of Police" in a Spanish voice; a Spanish one is not."""
    facts = CHIEF_SAYS + SPANISH_DEPARTMENT
    template = '---\nlanguage: es-US\n---\n# Prueba\n\n{{ pullquote("chief-says") }}\n'
    monkeypatch.chdir(_workspace(tmp_path, template, facts))
    code, output = _build("--format", "pdf,docx")
    assert code == 0, output
    pdf = Path("output/trial.pdf")
    text = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert "— Ana Ruiz, Chief of Police, Departamento de Policía de la Ciudad" in text
    texts = text_by_mcid(pdf.read_bytes())
    english = [
        "".join(texts[kid] for kid in node.kids if isinstance(kid, tuple))
        for node in structure(PdfReader(pdf)).walk()
        if node.lang == "en-US"
    ]
    assert "ChiefofPolice" in map(no_space, english)
    assert not any("Ruiz" in t or "Departamento" in t for t in english)
    word = docx.Document("output/trial.docx")
    lang = f"{qn('w:rPr')}/{qn('w:lang')}"
    marked = [
        "".join(t.text or "" for t in run.iter(qn("w:t")))
        for run in word.element.body.iter(qn("w:r"))
        if run.find(lang) is not None and run.find(lang).get(qn("w:val")) == "en-US"
    ]
    assert "ChiefofPolice" in map(no_space, marked)
    assert not any("Ruiz" in t or "Departamento" in t for t in marked)


def test_a_spanish_form_left_in_english_is_warned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An es.short copied from the English short prints English on the Spanish page
    (the local price card of a copy for Tucson); check says so at the line citing the
    fact."""
    shutil.copytree(REPO / "facts", tmp_path / "facts")
    path = tmp_path / "facts" / "border-communities.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("      short: por una pastilla de fentanilo en Tucson\n") == 1
    path.write_text(
        text.replace(
            "      short: por una pastilla de fentanilo en Tucson\n",
            "      short: per  fentanyl pill in Tucson\n",  # spaces aside, the English
        ),
        encoding="utf-8",
    )
    (tmp_path / "r.csv").write_text(
        "id,audience,office,place\nes-1,public-es,Grupo de Ejemplo,tucson-az\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--json", "--recipients", "r.csv"])
    found = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "english-in-spanish"]
    assert [(f["data"]["fact"], f["message"].split(" (")[0]) for f in found] == [
        (
            "tucson-pill-price",
            "'tucson-pill-price' has the English short as its Spanish form, word for word; "
            "translate it",
        )
    ]
    # Reviewed, it is taken as meant: a name may be the same in both languages.
    text = path.read_text(encoding="utf-8")
    start = text.index("id: tucson-pill-price")
    at = text.index("reviewed: false", start)
    path.write_text(text[:at] + "reviewed: true" + text[at + len("reviewed: false") :])
    result = CliRunner().invoke(cli, ["check", "--json", "--recipients", "r.csv"])
    assert "english-in-spanish" not in result.stdout
    # Unreviewed, a name of one word may be the same in both languages too.
    one_word = text.replace("    short: per fentanyl pill in Tucson\n", "    short: Tucson\n")
    one_word = one_word.replace(
        "      short: per  fentanyl pill in Tucson\n", "      short: Tucson\n"
    )
    assert one_word.count("short: Tucson\n") == 2
    path.write_text(one_word, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--json", "--recipients", "r.csv"])
    codes = [f["code"] for f in json.loads(result.stdout)["findings"]]
    assert "unreviewed-translation" in codes and "english-in-spanish" not in codes
