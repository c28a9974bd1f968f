"""`briefgen check`: what build would decide, reported without writing a file; and the
same warnings from `briefgen build`, one line each on stderr, or as `build --json`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import shared

from briefgen.check import brief_warnings
from briefgen.cli import cli
from briefgen.errors import Location
from briefgen.facts import load_store
from briefgen.facts.store import _Facts
from briefgen.pipeline import BuildOptions, Workspace, decide
from briefgen.templating.environment import TemplateRenderer
from briefgen.untraced import figures, uncited_facts, untraced_numbers
from briefgen.workspace import init_workspace

DATE = "2026-11-01"  # the briefs' date: facts as of 2022 are older than three years
PLANT = "Seizures at the southern border rose 480% in three years."


def invoke(workspace: Path, *args: str) -> Result:
    """``briefgen ARGS`` in ``workspace``, as a user runs it there."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(workspace)
        return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope=shared)
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace as `briefgen init` makes it."""
    workspace = tmp_path_factory.mktemp("sample") / "ws"
    init_workspace(workspace)
    return workspace


@pytest.fixture(scope=shared)
def sample_json(sample: Path) -> dict[str, Any]:
    """`briefgen check --json` of every audience of the sample workspace."""
    result = invoke(sample, "check", "--json", "--date", DATE)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture(scope=shared)
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A sample workspace whose legislators template says "rose 480%" in its own
    text, with no fact cited beside it; and the line it is on."""
    workspace = tmp_path_factory.mktemp("planted") / "ws"
    init_workspace(workspace)
    template = workspace / "templates" / "legislators.md.j2"
    lines = template.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("cut demand")) + 1
    lines.insert(at, PLANT)
    template.write_text("\n".join(lines), encoding="utf-8")
    return workspace, at + 1


def test_check_lists_the_stale_cited_facts_at_their_citing_line(
    sample_json: dict[str, Any],
) -> None:
    stale = [f for f in sample_json["findings"] if f["code"] == "stale-fact"]
    public = {f["data"]["fact"]: f for f in stale if f["audience"] == "public"}
    poll = public["poll-half-believe-migrants-responsible"]
    assert poll["severity"] == "warning"
    assert poll["data"]["as_of"] == "2022"
    assert "as of 2022, older than 3 years (facts/public-opinion.yaml:" in poll["message"]
    # The line that cites it, in the built-in template.
    source = Path(poll["path"]).read_text(encoding="utf-8").split("\n")
    assert "poll-half-believe-migrants-responsible" in source[poll["line"] - 1]
    # The legislators' 480% card, as the issue names it.
    legislators = {f["data"]["fact"] for f in stale if f["audience"] == "legislators"}
    assert "seizures-up-480-percent" in legislators


def test_a_dropped_block_of_a_built_in_is_found_at_its_real_file(
    tmp_path: Path, sample: Path
) -> None:
    """Squeezed by longer reasons, the legislators' sidebar quote drops. Its finding's
    "path" was "builtin/legislators.md.j2", the name messages show, where every other
    finding's is the real file a script can open (a stale fact's, in the same file)."""
    workspace = tmp_path / "ws"
    shutil.copytree(sample, workspace)
    paragraph = "Local agencies along the border carry costs a one-year grant cannot meet. " * 5
    (workspace / "templates" / "legislators.md.j2").write_text(
        '{% extends "builtin/legislators.md.j2" %}\n{% block reasons %}\n{{ super() }}\n'
        + f"{paragraph}\n\n{paragraph}\n{{% endblock %}}\n",
        encoding="utf-8",
    )
    result = invoke(workspace, "check", "--audience", "legislators", "--json", "--date", DATE)
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)["findings"]
    (dropped,) = [f for f in findings if f["code"] == "dropped"]
    assert dropped["location"].startswith("builtin/legislators.md.j2:")
    stale = next(f for f in findings if f["code"] == "stale-fact")
    assert dropped["path"] == stale["path"]
    source = Path(dropped["path"]).read_text(encoding="utf-8").split("\n")
    assert 'pullquote("kasmar-bipartisan")' in source[dropped["line"] - 1]


def test_a_one_year_limit_is_worded_in_the_singular(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    init_workspace(workspace)
    settings = workspace / "briefgen.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("max_age_years = 3", "max_age_years = 1"), "utf-8")
    result = invoke(workspace, "check", "--json", "--audience", "public", "--date", DATE)
    assert result.exit_code == 0, result.output
    stale = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "stale-fact"]
    assert stale
    assert all(", older than 1 year (facts/" in f["message"] for f in stale)


def test_check_reports_what_build_decides(sample_json: dict[str, Any]) -> None:
    assert {"chiefs", "legislators", "public"} <= set(sample_json["audiences"])
    fits = {f["audience"]: f["data"] for f in sample_json["findings"] if f["code"] == "fit"}
    assert set(fits) == set(sample_json["audiences"])
    for fit in fits.values():
        assert 0.5 < fit["fill"] <= 0.95 and fit["room_in"] >= 0 and fit["body_pt"] >= 9
    reading = {
        f["audience"]: f["data"]["target"]
        for f in sample_json["findings"]
        if f["code"] == "reading-level"
    }
    assert reading["public"] == 8 and "legislators" not in reading
    assert sample_json["errors"] == 0


def test_check_lists_the_unreviewed_spanish_forms(sample_json: dict[str, Any]) -> None:
    """The sample's Spanish public brief cites facts whose Spanish forms no one has
    reviewed yet: each is listed at the line that cites it."""
    unreviewed = [
        f
        for f in sample_json["findings"]
        if f["code"] == "unreviewed-translation" and f["audience"] == "public-es"
    ]
    facts = {f["data"]["fact"] for f in unreviewed}
    assert {"migrants-arrested-with-fentanyl", "poll-half-believe-migrants-responsible"} <= facts
    assert {Path(f["path"]).name for f in unreviewed} == {"public-es.md.j2"}
    poll = next(f for f in unreviewed if f["data"]["fact"].startswith("poll-"))
    source = Path(poll["path"]).read_text(encoding="utf-8").split("\n")
    assert "poll-half-believe-migrants-responsible" in source[poll["line"] - 1]
    english = {f["audience"] for f in sample_json["findings"] if "translation" in f["code"]}
    assert english == {"public-es"}


def test_builtin_templates_type_no_untraced_number(sample_json: dict[str, Any]) -> None:
    codes = {f["code"] for f in sample_json["findings"]}
    assert "untraced-number" not in codes
    assert "second-title" not in codes
    assert "unused-fact" in codes  # every audience checked: the store's unused facts too


def test_json_has_one_entry_per_finding_and_text_the_same_warnings(
    sample: Path, sample_json: dict[str, Any]
) -> None:
    findings = sample_json["findings"]
    for finding in findings:
        assert set(finding) >= {"severity", "code", "audience", "location", "message"}
        assert finding["severity"] in ("error", "warning", "info")
    warnings = [f for f in findings if f["severity"] == "warning"]
    assert sample_json["warnings"] == len(warnings) > 0
    text = invoke(sample, "check", "--date", DATE)
    assert text.exit_code == 0, text.output
    shown = [line.strip() for line in text.stdout.splitlines() if ": warning: " in line]
    assert shown == [f"{f['location']}: warning: {f['message']}" for f in warnings]
    audiences = len(sample_json["audiences"])
    assert text.stdout.splitlines()[-1] == (
        f"checked {audiences} audiences: 0 errors, {len(warnings)} warnings"
    )


def test_planted_number_reported_at_its_line(planted: tuple[Path, int]) -> None:
    workspace, line = planted
    result = invoke(workspace, "check", "--audience", "legislators", "--date", DATE)
    assert result.exit_code == 0, result.output
    untraced = [line for line in result.stdout.splitlines() if "typed into the template" in line]
    assert [u.strip().split(": warning: ")[0] for u in untraced] == [
        f"templates/legislators.md.j2:{line}"
    ]
    assert "'480'" in untraced[0]


def test_a_fact_printed_but_cited_nowhere_is_reported_at_its_block(
    tmp_path: Path, sample: Path
) -> None:
    """A fact's number printed through fact(...) traces to the fact, but without a
    citation on the page the notes never give its source. Read only in a condition,
    or cited in another block of the page, it says nothing; a short number is matched
    as a whole ("1" is not the start of "100×")."""
    workspace = tmp_path / "ws"
    shutil.copytree(sample, workspace)
    (workspace / "templates" / "faith.md.j2").write_text(
        "# For faith leaders\n"
        "\n"
        '{{ fact("seizures-up-480-percent").number }} more fentanyl seized.\n'
        "\n"
        '{% if fact("tucson-pill-price").value > 0 %}Fentanyl is {% endif %}'
        '{{ fact("fentanyl-100-times-morphine").number }} stronger than morphine.\n'
        "\n"
        '{{ fact("fentanyl-100-times-morphine").short }}. '
        '{{ cite("fentanyl-100-times-morphine") }}\n'
        "\n"
        '{{ fact("migrants-arrested-with-fentanyl").text }}\n'
        "\n"
        # Dropped by the fitter: not on the page, so not a warning.
        '::: optional 1\n{{ fact("synthetic-opioid-deaths-2021").number }} died. '
        + "Words to fill the page. " * 600
        + "\n:::\n",
        encoding="utf-8",
    )
    result = invoke(workspace, "check", "--audience", "faith", "--json", "--date", DATE)
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)["findings"]
    assert any(f["code"] == "dropped" for f in findings), findings
    uncited = [f for f in findings if f["code"] == "uncited-fact"]
    assert [(f["location"], f["data"]["fact"]) for f in uncited] == [
        ("templates/faith.md.j2:3", "seizures-up-480-percent"),
        ("templates/faith.md.j2:9", "migrants-arrested-with-fentanyl"),
    ]
    assert uncited[0]["message"] == (
        "'seizures-up-480-percent' is printed ('480%') but cited nowhere on the page, so "
        'the notes do not give its source; add {{ cite("seizures-up-480-percent") }} '
        "beside it"
    )
    built = invoke(workspace, "build", "--audience", "faith", "--date", DATE, "--format", "pdf")
    assert built.exit_code == 0, built.output
    assert "templates/faith.md.j2:3: warning: 'seizures-up-480-percent' is printed" in (
        built.stderr
    )


def test_a_fact_s_value_printed_but_cited_nowhere_is_reported(tmp_path: Path, sample: Path) -> None:
    """A fact's value printed as it is (`{{ f.value }}`, "over 70,000") or through the
    number and one_in filters is a field of the fact printed: without a citation on the
    page, the notes never give its source. Read only in a condition, or printed beside
    its citation, it says nothing."""
    workspace = tmp_path / "ws"
    shutil.copytree(sample, workspace)
    (workspace / "templates" / "values.md.j2").write_text(
        "# Values\n"
        "\n"
        'Deaths rose to {{ fact("synthetic-opioid-deaths-2021").value }} a year.\n'
        "\n"
        'They seized {{ fact("seizures-fy2023-pounds").value | number }} pounds.\n'
        "\n"
        '{{ fact("fentanyl-offenders-us-citizens").value | one_in }} were citizens.\n'
        "\n"
        '{% if fact("tucson-pill-price").value > 0 %}Fentanyl is cheap.{% endif %}\n'
        "\n"
        'It is {{ fact("fentanyl-100-times-morphine").value }} times as strong. '
        '{{ cite("fentanyl-100-times-morphine") }}\n',
        encoding="utf-8",
    )
    result = invoke(workspace, "check", "--audience", "values", "--json", "--date", DATE)
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)["findings"]
    uncited = [f for f in findings if f["code"] == "uncited-fact"]
    assert [(f["location"], f["data"]["fact"]) for f in uncited] == [
        ("templates/values.md.j2:3", "synthetic-opioid-deaths-2021"),
        ("templates/values.md.j2:5", "seizures-fy2023-pounds"),
        ("templates/values.md.j2:7", "fentanyl-offenders-us-citizens"),
    ]
    assert uncited[0]["message"].startswith(
        "'synthetic-opioid-deaths-2021' is printed ('over 70,000') but cited nowhere"
    )


def test_an_uncited_number_with_unit_words_is_quoted_as_it_reads(
    tmp_path: Path, sample: Path
) -> None:
    """The number's no-break space before its unit words was quoted as Python writes
    it, 'about 100\\xa0times', a character the author never typed."""
    workspace = tmp_path / "ws"
    shutil.copytree(sample, workspace)
    (workspace / "templates" / "units.md.j2").write_text(
        '# Units\n\nFentanyl is {{ fact("fentanyl-100-times-morphine").number }} stronger.\n',
        encoding="utf-8",
    )
    result = invoke(workspace, "check", "--audience", "units", "--date", DATE)
    assert result.exit_code == 0, result.output
    assert (
        "templates/units.md.j2:3: warning: 'fentanyl-100-times-morphine' is printed "
        "('about 100 times') but cited nowhere on the page"
    ) in result.output


def test_an_uncited_fact_is_told_at_the_line_printing_it(tmp_path: Path) -> None:
    """Not at the block it is in: in an override of the built-in's ask, the box began
    a line earlier, and with a recipient at the built-in's line naming them."""
    workspace = tmp_path / "ws"
    init_workspace(workspace)
    (workspace / "templates" / "legislators.md.j2").write_text(
        '{% extends "builtin/legislators.md.j2" %}\n'
        "{% block ask %}\n"
        "**We ask Congress to** fund border police, "
        '{{ cite("federal-funding-border-law-enforcement") }}\n'
        'and {{ fact("reduce-demand-to-reduce-supply").text }}\n'
        "{% endblock %}\n",
        encoding="utf-8",
    )
    for recipients in ([], ["--recipients", "recipients.csv"]):
        result = invoke(workspace, "check", "--audience", "legislators", *recipients)
        uncited = [line for line in result.output.splitlines() if "cited nowhere" in line]
        assert uncited and all(
            line.strip().startswith("templates/legislators.md.j2:4: warning: ") for line in uncited
        ), (recipients, uncited)


def test_a_printed_fact_is_found_as_a_whole_in_the_innermost_block() -> None:
    from briefgen.model import Box, Cite, Document, Metadata, Paragraph, Span
    from briefgen.templating.environment import Rendered
    from briefgen.templating.search import AudienceInfo
    from briefgen.untraced import uncited_facts

    def at(line: int) -> Location:
        return Location.of("t.md.j2", line)

    document = Document(
        name="t",
        blocks=(
            Paragraph(at(3), (Span("Fentanyl is 100× stronger. Tests: 2.5 and 7"),)),
            # A note number right after a figure is not part of it: "480%" then "2".
            Box(at(5), blocks=(Paragraph(at(6), (Span("Seized: 480%"), Cite(("x",), (2,)))),)),
            Paragraph(at(8), (Span("Cited: 86%"), Cite(("cited",), (1,)))),
        ),
        metadata=Metadata(title="t"),
        source=at(1),
    )
    reads = (
        ("one", "1"),
        ("two", "2"),
        ("seven", "7"),
        ("seized", "480%"),
        ("cited", "86%"),
        ("same-number", "86%"),  # read too (a loop over facts), but the cited fact says it
    )
    rendered = Rendered("", (), AudienceInfo(name="t", display_name="T"), fact_reads=reads)
    found = [(u.fact_id, u.location.line) for u in uncited_facts(rendered, document)]
    assert found == [("seven", 3), ("seized", 6)]


def test_a_fact_printed_uncited_at_several_lines_is_told_once_at_the_first() -> None:
    """docs/templates.md: the warning stands "at the template line printing it (the
    first, when several do)": one finding, not one per line nor at the last."""
    from briefgen.model import Document, Metadata, Paragraph, Span
    from briefgen.templating.environment import Rendered
    from briefgen.templating.search import AudienceInfo
    from briefgen.untraced import uncited_facts

    def at(line: int) -> Location:
        return Location.of("t.md.j2", line)

    document = Document(
        name="t",
        blocks=(
            Paragraph(at(3), (Span("Seizures rose 480%."),)),
            Paragraph(at(5), (Span("They seized 26,700 pounds, 480% more."),)),
        ),
        metadata=Metadata(title="t"),
        source=at(1),
    )
    reads = (("seized", "480%"), ("seized", "26,700 pounds"))
    rendered = Rendered("", (), AudienceInfo(name="t", display_name="T"), fact_reads=reads)
    found = [(u.fact_id, u.location.line) for u in uncited_facts(rendered, document)]
    assert found == [("seized", 3)]


def test_an_uncited_fact_is_told_at_the_line_on_the_page_not_one_dropped_before_it() -> None:
    """An optional block dropped to fit printed the figure (with its citation) a few
    lines earlier: the warning pointed there, at a block not on the page that cites
    the fact, rather than at the paragraph printing it uncited."""
    from briefgen.model import Document, Metadata, Paragraph, Span
    from briefgen.templating.environment import Rendered
    from briefgen.templating.search import AudienceInfo
    from briefgen.untraced import uncited_facts

    lines = tuple(Location.of("t.md.j2", line) for line in (7, 8, 9))
    text = "Seized: 26,700 pounds.[@seized]\n\nAgain, 26,700 pounds were seized."
    kept = Paragraph(lines[2], (Span("Again, 26,700 pounds were seized."),))
    document = Document("t", (kept,), Metadata(title="t"), source=lines[0])
    audience = AudienceInfo(name="t", display_name="T")
    rendered = Rendered(text, lines, audience, fact_reads=(("seized", "26,700 pounds"),))
    (uncited,) = uncited_facts(rendered, document)
    assert uncited.location == lines[2]


def test_builtin_templates_cite_every_fact_they_print(sample_json: dict[str, Any]) -> None:
    assert "uncited-fact" not in {f["code"] for f in sample_json["findings"]}


def test_strict_exits_1_on_warnings(planted: tuple[Path, int]) -> None:
    workspace, _ = planted
    result = invoke(workspace, "check", "--audience", "public", "--strict", "--date", DATE)
    assert result.exit_code == 1
    assert "warning: 'poll-half-believe-migrants-responsible'" in result.stdout


def test_check_writes_no_file(planted: tuple[Path, int]) -> None:
    workspace, _ = planted

    def tree() -> dict[str, float]:
        return {str(p): p.stat().st_mtime for p in sorted(workspace.rglob("*"))}

    before = tree()
    result = invoke(workspace, "check", "--audience", "chiefs", "--json", "--date", DATE)
    assert result.exit_code == 0, result.output
    assert tree() == before


def test_the_facts_no_template_cites_are_named_up_to_twenty(tmp_path: Path) -> None:
    """A store of thousands made the line naming them hundreds of kilobytes long."""
    workspace = tmp_path / "ws"
    init_workspace(workspace)
    source = next(iter(load_store(workspace / "facts").sources))
    extra = [
        f"  - id: spare-{n:02}\n    kind: finding\n    text: Spare finding {n}.\n"
        f"    as_of: 2024\n    source: {source}\n"
        for n in range(30)
    ]
    (workspace / "facts" / "spare.yaml").write_text("facts:\n" + "".join(extra), "utf-8")
    result = invoke(workspace, "check", "--date", DATE)
    (line,) = [line for line in result.stdout.splitlines() if "no template cites" in line]
    named = line.split(": ", 1)[1].split(" and ")[0].split(", ")
    assert len(named) == 20
    assert re.search(r"^info: (\d+) facts no template cites: .* and (\d+) more \(", line)
    total, more = map(int, re.findall(r"(\d+) (?:facts no template cites|more)", line))
    assert total - more == 20 and total >= 30


def test_unknown_audience_fails_in_one_line(sample: Path) -> None:
    result = invoke(sample, "check", "--audience", "legislator")
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "legislator" in lines[0], result.stderr


def test_an_error_is_a_finding_and_exits_1(tmp_path: Path, sample: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(sample, workspace)
    template = workspace / "templates" / "legislators.md.j2"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("meaningful-immigration-reform", "no-such-fact"), "utf-8")
    result = invoke(workspace, "check", "--audience", "legislators", "--json", "--date", DATE)
    assert result.exit_code == 1
    (error,) = [f for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"]
    assert error["code"] == "template"
    assert "unknown fact 'no-such-fact'" in error["message"]
    assert error["location"].startswith("templates/legislators.md.j2:")


SPANISH_FACTS = """\
facts:
  - id: revisado
    kind: finding
    text: Parks and recreation programs keep young people safe.
    as_of: 2025
    source: kasmar-interview
    es:
      text: Los programas de parques y recreación protegen a los jóvenes.
      reviewed: true
  - id: sin-revisar
    kind: finding
    text: Communities work together on public safety.
    as_of: 2025
    source: kasmar-interview
    es:
      text: Las comunidades trabajan juntas por la seguridad pública.
"""

SPANISH_TEMPLATE = """\
---
name: Prueba
language: es-US
reading_ease: 99
---
# Una prueba

Los parques ayudan. {{ cite("revisado") }}

Las comunidades también. {{ cite("sin-revisar") }}
"""


def test_unreviewed_translations_of_a_spanish_brief(tmp_path: Path, sample: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(sample, workspace)
    (workspace / "facts" / "spanish.yaml").write_text(SPANISH_FACTS, encoding="utf-8")
    (workspace / "templates" / "prueba.md.j2").write_text(SPANISH_TEMPLATE, encoding="utf-8")
    result = invoke(workspace, "check", "--audience", "prueba", "--json", "--date", DATE)
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)["findings"]
    found = [f for f in findings if "translation" in f["code"]]
    assert [(f["code"], f["data"]["fact"], f["location"]) for f in found] == [
        ("unreviewed-translation", "sin-revisar", "templates/prueba.md.j2:10")
    ]
    (reading,) = [f for f in findings if f["code"] == "reading-level"]
    assert reading["severity"] == "warning"
    assert reading["data"]["formula"] == "Szigriszt-Pazos"
    assert reading["message"].endswith("(target 99 or higher), harder than the target")


@pytest.mark.parametrize(
    ("front", "given", "wanted", "line"),
    [
        ("language: es-US\nreading_level: 8\n", "reading_level", "reading_ease", 4),
        ("reading_ease: 60\n", "reading_ease", "reading_level", 3),
    ],
)
def test_a_reading_target_for_the_other_language_is_warned(
    tmp_path: Path, sample: Path, front: str, given: str, wanted: str, line: int
) -> None:
    """A Spanish template's reading_level (an English grade), or an English one's
    reading_ease, was silently ignored: no reading level was checked at all. The
    warning stands at the key's line, the one to change (it stood at the '---')."""
    workspace = tmp_path / "ws"
    shutil.copytree(sample, workspace)
    (workspace / "facts" / "spanish.yaml").write_text(SPANISH_FACTS, encoding="utf-8")
    template = SPANISH_TEMPLATE.replace("language: es-US\nreading_ease: 99\n", front)
    (workspace / "templates" / "prueba.md.j2").write_text(template, encoding="utf-8")
    result = invoke(workspace, "check", "--audience", "prueba", "--json", "--date", DATE)
    findings = json.loads(result.stdout)["findings"]
    (found,) = [f for f in findings if f["code"] == "reading-target-language"]
    assert found["location"] == f"templates/prueba.md.j2:{line}"
    assert found["message"].startswith(f"front matter: {given} is a target for ")
    assert f"give {wanted} (" in found["message"]
    assert not [f for f in findings if f["code"] == "reading-level"]


def test_an_inherited_reading_target_is_warned_at_the_template_that_inherits_it(
    tmp_path: Path, sample: Path
) -> None:
    """The built-in's reading_level is changed by giving reading_ease in the Spanish
    template, not in the built-in, so the warning stands in the template."""
    workspace = tmp_path / "ws"
    shutil.copytree(sample, workspace)
    (workspace / "templates" / "prueba.md.j2").write_text(
        '---\nlanguage: es-US\n---\n{% extends "builtin/public.md.j2" %}\n', encoding="utf-8"
    )
    result = invoke(workspace, "check", "--audience", "prueba", "--json", "--date", DATE)
    findings = json.loads(result.stdout)["findings"]
    (found,) = [f for f in findings if f["code"] == "reading-target-language"]
    assert found["location"] == "templates/prueba.md.j2:1"


def test_build_prints_the_warnings_on_stderr(planted: tuple[Path, int], tmp_path: Path) -> None:
    workspace, line = planted
    out = tmp_path / "out"
    args = ["build", "--audience", "legislators", "--format", "pdf", "--date", DATE]
    result = invoke(workspace, *args, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{out / 'legislators.pdf'}")  # the report, as before
    warnings = result.stderr.splitlines()
    assert f"templates/legislators.md.j2:{line}: warning: '480' is typed" in result.stderr
    assert all(": warning: " in w or w.startswith("warning: ") for w in warnings), warnings
    assert any("'seizures-up-480-percent' is as of FY 2020–FY 2023" in w for w in warnings)
    assert len(warnings) == len(set(warnings))
    # The same warnings, and the file it wrote, as JSON.
    again = invoke(workspace, *args, "--out", str(out), "--json")
    assert again.exit_code == 0, again.output
    assert again.stderr == ""
    data = json.loads(again.stdout)
    (pdf,) = data["files"]
    written = out / "legislators.pdf"
    assert pdf["sha256"] == hashlib.sha256(written.read_bytes()).hexdigest()
    assert (pdf["audience"], pdf["format"], pdf["pages"]) == ("legislators", "pdf", 1)
    assert 0.5 < pdf["fill"] <= 0.95
    assert [f"{w['location']}: warning: {w['message']}" for w in data["warnings"]] == warnings


def test_quiet_build_prints_no_warning(planted: tuple[Path, int], tmp_path: Path) -> None:
    workspace, _ = planted
    args = ["build", "-q", "--audience", "legislators", "--format", "pdf", "--date", DATE]
    result = invoke(workspace, *args, "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert result.output == ""


def test_a_date_after_today_is_warned_as_a_likely_slip(sample: Path) -> None:
    ahead = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    result = invoke(sample, "check", "--json", "--audience", "public", "--date", ahead)
    found = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "date-ahead"]
    assert [f["message"] for f in found] == [
        f"the briefs are dated {ahead}, after today ({dt.date.today().isoformat()}); "
        "if that is a slip, fix where the date comes from: --date, else [build] date, "
        "else SOURCE_DATE_EPOCH"
    ]
    today = invoke(sample, "check", "--json", "--audience", "public")
    assert "date-ahead" not in today.stdout


def test_a_fact_true_after_the_briefs_date_is_warned_at_its_citing_line(sample: Path) -> None:
    """Dated May 2019, the public brief cites the 2022 poll as if from its future."""
    result = invoke(sample, "check", "--json", "--audience", "public", "--date", "2019-05-01")
    after = {
        f["data"]["fact"]: f
        for f in json.loads(result.stdout)["findings"]
        if f["code"] == "fact-after-date"
    }
    poll = after["poll-half-believe-migrants-responsible"]
    assert poll["message"].startswith(
        "'poll-half-believe-migrants-responsible' is as of 2022, after the briefs' date "
        "(2019-05-01) (facts/public-opinion.yaml:"
    )
    cited = Path(poll["path"]).read_text(encoding="utf-8").split("\n")[poll["line"] - 1]
    assert "poll-half-believe-migrants-responsible" in cited
    # Dated when every cited fact was already true: none.
    later = invoke(sample, "check", "--json", "--audience", "public", "--date", DATE)
    assert "fact-after-date" not in later.stdout


def test_quiet_strict_check_prints_the_warnings_that_fail_it(sample: Path) -> None:
    """`-q` prints what makes the exit code 1: errors alone, or under --strict the
    warnings too, so a quiet strict check never fails without saying why."""
    quiet = invoke(sample, "-q", "check", "--audience", "public", "--date", DATE)
    assert (quiet.exit_code, quiet.output) == (0, "")
    strict = invoke(sample, "-q", "check", "--audience", "public", "--strict", "--date", DATE)
    assert strict.exit_code == 1
    lines = strict.stderr.splitlines()
    assert lines and all(": warning: " in line for line in lines), lines
    assert any("'poll-half-believe-migrants-responsible' is as of 2022" in x for x in lines)


def test_quiet_check_lists_a_hundred_problems_and_json_every_one(
    sample: Path, tmp_path: Path
) -> None:
    """`-q` printed every failing finding: a facts file whose every key was misspelt
    printed one line each, megabytes of them (the report without -q lists 20)."""
    workspace = tmp_path / "ws"
    shutil.copytree(sample, workspace)
    keys = "".join(f"    extra{n}: 1\n" for n in range(150))
    (workspace / "facts" / "zz.yaml").write_text(
        "sources:\n  - id: zz\n    type: report\n    title: T\n" + keys, encoding="utf-8"
    )
    quiet = invoke(workspace, "-q", "check", "--date", DATE)
    assert quiet.exit_code == 1
    lines = quiet.stderr.splitlines()
    assert len(lines) == 101
    assert lines[0].startswith("facts/zz.yaml:5: error: extra0: unknown field")
    assert lines[-1] == "... and 50 more (--json lists every one)"
    listed = invoke(workspace, "check", "--json", "--date", DATE)
    assert json.loads(listed.stdout)["errors"] == 150


def test_the_counts_of_a_check_mark_thousands(sample: Path, tmp_path: Path) -> None:
    """'checked 0 audiences: 1500 errors' beside '... and 1,480 more errors': the
    counts of the last line were written without the thousands marked."""
    workspace = tmp_path / "ws"
    shutil.copytree(sample, workspace)
    keys = "".join(f"    extra{n}: 1\n" for n in range(1500))
    (workspace / "facts" / "zz.yaml").write_text(
        "sources:\n  - id: zz\n    type: report\n    title: T\n" + keys, encoding="utf-8"
    )
    lines = invoke(workspace, "check", "--date", DATE).stdout.splitlines()
    assert lines[-2:] == [
        "... and 1,480 more errors (--json lists every one)",
        "checked 0 audiences: 1,500 errors, 0 warnings",
    ]


# --- Which numbers count as typed by hand --------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Seizures rose 480% since 2020.", ["480", "2020"]),
        ("They seized 26,700 pounds, 98.9% of it here.", ["26,700", "98.9"]),
        ("1. First", []),  # a list marker
        ("## 1. Fund the interdiction unit", []),  # a numbered section heading
        ("### 12) Twelfth, with 40 deputies", ["40"]),
        ("## 480% more seized", ["480"]),  # a figure that opens a heading
        ("  2) Second", []),
        ("12. Twelfth", []),
        ("2023. Seizures peaked", ["2023"]),  # a list counting from 2023 prints the year
        ("::: optional 2", []),  # a group's priority
        ("See [the 2023 report](https://example.org/2023/r.pdf) or <https://x.org/9>", ["2023"]),
        ("FY2023, COVID-19, I-10, the 3rd, v1.2 and H2A", []),  # names, not figures
        ("100x stronger, 5 times", ["100", "5"]),
        ("a dash &#8212; a space&#x200B;here, 7&#160;days", ["7"]),  # characters, by number
        ("&#52;&#49;,&#48;&#48;&#48; deaths", ["41,000"]),  # digits written by number
        # A unit written onto a figure is the figure's, read whole (not "86" of "860").
        ("860kg, 26,800lbs, 50pct, 2M and 3.5m", ["860", "26,800", "50", "2", "3.5"]),
        ("the 21st, 5G and Plan B", []),
        # Spanish ordinals: "el 2.º año", "la 3.ª vez", "el 1.er caso".
        ("el 2.º año, la 3.ª vez, el 1.er caso, el 2.° piso y 2º, 1ª", []),
        ("el 2. año y 3.5 ª", ["2", "3.5"]),
        # Numbers a reader calls: a phone number, a three-digit line after "call",
        # "24/7"; not a figure after "call", nor a line number standing alone.
        ("Call 988 or 911, or 1-800-662-4357 (24/7); (520) 555-0123", []),
        ("Call or text 988. Llame al 911.", []),
        # Always open, in words: not three figures a fact should give.
        ("Open 24 hours a day, 7 days a week, 365 days a year (24/7/365)", []),
        ("Abierto 24 horas al día, 7 días a la semana, 365 días al año", []),
        ("Seized 24 hours after 7 days of 365 days a week", ["24", "7", "365"]),
        ("We call 480 agencies; 911 calls rose", ["480", "911"]),
        # A law, a bill or a part of one, named by its number; "U.S." is no Senate bill.
        ("Pass H.R. 2 and S. 1234, end Title 42 (Public Law 118-31, Section 8)", []),
        ("21 U.S.C. 841(b)(1), 8 CFR 212.5, § 1326 and Executive Order 14159", []),
        ("in the U.S. 86% were; S. 1234 passed 52 to 48", ["86", "52", "48"]),
        # Numbers that name a place or a grade, or tell the time (once each a warning,
        # and under --strict a failure): not the figures beside them.
        ("Meet in Room 204 at 7 pm; Suite 100, Exit 250 off Interstate 19", []),
        ("grades 6 through 12, 9:30 a.m. or 19:00; sala 3, grados 6 a 12", []),
        # Clinic hours: a range of the clock, its a.m. or p.m. written once at its end.
        ("Open 3–7 p.m., 9 to 11:30 am, 10-2 pm; de 3 a 7 p. m.", []),
        ("Open 3–7 days, 14 to 20 hours", ["3", "7", "14", "20"]),
        ("District 7 saw 480 overdoses; floor 2 held 300; route 66.5 km", ["480", "300", "66.5"]),
        # A place in a document the brief points to.
        ("See page 2, pp. 4-7 and footnote 3; página 5, pág. 12", []),
        ("The report's 40 pages list 12 footnotes", ["40", "12"]),
        # Spain's thousands points, whole (once quoted as '1.23'), and its decimal comma.
        ("Se decomisaron 1.234.567 pastillas, un 12,5 % más.", ["1.234.567", "12,5"]),
        ("1.234.567,5 y 26.700", ["1.234.567,5", "26.700"]),
    ],
)
def test_figures_typed_into_template_text(text: str, found: list[str]) -> None:
    assert figures(text) == found


PROBE = """\
{% set f = fact("seizures-up-480-percent") %}
Seizures rose 480%. {{ cite(f) }}

They rose 480% again.
{# 999 in a comment #}
{% if false %}Never printed: 777.{% endif %}
{{ callout(f, label="more in FY 2023 than in FY 2020") }}
{{ callout(f, label="more than 555 pounds") }}
In {{ date.year }}, 2012 {# a comment joins the next line #}
and 2031 too. {{ cite(f) }}
"""


def test_untraced_numbers_rule(tmp_path: Path, repo: Path) -> None:
    """Backed by a fact cited in the same block: not reported; in another block, a
    comment or a branch not taken: not reported; in a helper's label: reported; a
    line Jinja joins to the one before it: reported at its own line."""
    workspace, renderer = trial_workspace(tmp_path, repo, "probe", PROBE)
    rendered = renderer.render(workspace.search_path.audience("probe"))
    found = untraced_numbers(rendered, load_store(repo / "facts"), workspace.date)
    assert [(u.location.line, u.number) for u in found] == [
        (4, "480"),
        (8, "555"),
        (9, "2012"),
        (10, "2031"),
    ]


SNEAKED = """\
{% set f = fact("seizures-fy2023-pounds") %}
{{ callout(f, figure=99000) }}

Pills cost {{ "5-20" }} dollars. {{ cite(f) }}

A loop ran {{ 3 * 7 }} times and {{ 999 }} more. {{ cite(f) }}

{% for i in range(10) %}{% endfor %}Seized {{ f.number }} in all. {{ cite(f) }}
"""


def test_numbers_a_template_gives_in_code_are_typed_too(tmp_path: Path, repo: Path) -> None:
    """A number literal that prints ({{ 999 }}, figure=99000: a card carrying the
    fact's note with a figure the fact does not give) and a quoted figure shaped like
    a name ("5-20") are typed; a literal used and not printed (range(10)), or one a
    computation prints as something else (3 * 7), is not."""
    found = trial_findings(tmp_path, repo, SNEAKED, "untraced-number")
    assert [(line, message.split("'")[1]) for line, message in found] == [
        (2, "99000"),
        (4, "5"),
        (4, "20"),
        (6, "999"),
    ]


CAPTURED = """\
{% macro need() %}
We need 450 officers.
{% endmacro %}
{% set ask %}
Fund 75 posts.
{% endset %}
{% set empty %}{% if false %}none{% endif %}{% endset %}
{{ need() }}

{{ ask }}

{% filter upper %}
Train 30 teams.
{% endfilter %}
"""


def test_numbers_typed_in_a_macro_or_a_set_or_filter_block_are_typed(
    tmp_path: Path, repo: Path
) -> None:
    """What a macro returns and a set or filter block holds keeps the marks that
    trace its lines to the template (an empty one is made empty, not its text): a
    number typed inside is reported at the line it was typed on."""
    found = trial_findings(tmp_path, repo, CAPTURED, "untraced-number")
    assert [(line, message.split("'")[1]) for line, message in found] == [
        (2, "450"),
        (5, "75"),
        (13, "30"),
    ]


FILTERED = """\
{% set soon %}Open 40 beds.{% endset %}
{% set later %}Add 25 vans.{% endset %}
{% set kits %}Bring 15 kits.{% endset %}
{% macro need() %}
We need 450 officers.
{% endmacro %}
{% macro box() %}[{{ caller() | upper }}]{% endmacro %}
{% set ask %}
Fund 75 posts.
{% endset %}
{% set train %}Train 30 teams and 12 dogs.{% endset %}
{{ need() | trim | upper }}

{{ ask | replace("posts", "jobs") }}

{{ train | wordwrap(10) }}

{% call box() %}Hire 60 nurses.{% endcall %}

{{ soon ~ " Now." }} {{ later.upper() }} {{ kits + " Soon." }}
"""


def test_numbers_typed_in_captured_text_are_typed_through_a_filter(
    tmp_path: Path, repo: Path
) -> None:
    """A template reads captured text without its line marks (its length is its
    text's); text a filter, ``~`` or a method makes of it is marked again with the
    lines it came from, so a number typed inside is still reported where it was typed."""
    found = trial_findings(tmp_path, repo, FILTERED, "untraced-number")
    assert [(line, message.split("'")[1]) for line, message in found] == [
        (1, "40"),
        (2, "25"),
        (3, "15"),
        (5, "450"),
        (9, "75"),
        (11, "30"),
        (11, "12"),
        (18, "60"),
    ]


BY_NUMBER = """\
# Written by number

Seizures rose &#52;&#56;&#48;% and &#x34;1,000 died.

Cited: &#52;&#56;&#48;% more. {{ cite("seizures-up-480-percent") }}
"""


def test_digits_written_by_character_number_are_typed_too(tmp_path: Path, repo: Path) -> None:
    """docs/templates.md counts a figure written by character number (&#52;&#56;&#48;)
    as typed: figures() read it, but the check looked for '480' in the line as
    rendered, where it still stood as '&#52;&#56;&#48;', and warned about nothing."""
    found = trial_findings(tmp_path, repo, BY_NUMBER, "untraced-number")
    assert [(line, message.split("'")[1]) for line, message in found] == [
        (3, "480"),
        (3, "41,000"),
    ]


def test_the_year_of_the_briefs_date_needs_no_fact(tmp_path: Path, repo: Path) -> None:
    """docs/templates.md: "The year of the brief's date needs no fact" ("In 2026 we
    ask..."); the year before it does, and the year follows --date."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "trial.md.j2").write_text(
        "# T\n\nIn 2026 we ask for help.\n\nIn 2025 we asked too.\n", encoding="utf-8"
    )

    def typed(day: str) -> list[tuple[int, str]]:
        args = ("check", "--audience", "trial", "--facts", str(repo / "facts"), "--json")
        result = invoke(tmp_path, *args, "--date", day)
        findings = json.loads(result.stdout)["findings"]
        return [
            (f["line"], f["data"]["number"]) for f in findings if f["code"] == "untraced-number"
        ]

    assert typed("2026-11-01") == [(5, "2025")]
    assert typed("2025-11-01") == [(3, "2026")]


BACKED_STORE = """\
sources:
  - id: city-report
    type: report
    title: City report
    issued: 2022
  - id: state-data
    type: dataset
    title: State data
    issued: 2018
facts:
  - id: seized
    kind: statistic
    text: Officers seized 40 pounds of fentanyl.
    value: 40
    unit: pounds
    as_of: FY2020
    source: city-report
    original_source: state-data
    es:
      text: Los agentes decomisaron 40 libras de fentanilo en 3 operativos.
      unit: libras
"""
BACKED = """\
# T

In FY 2019 and FY 2020 officers seized 40 pounds. {{ cite("seized") }}

The 2022 report, on 2018 data, says so in 3 raids. {{ cite("seized") }}

In 2021 and 2017 it rose 12 times. {{ cite("seized") }}
"""


def test_a_cited_facts_period_sources_and_spanish_words_back_a_figure(tmp_path: Path) -> None:
    """docs/templates.md, what backs a typed figure: the fact's period (FY2020 is 2019
    and 2020), a source issued that year (the one reporting it or the one it credits),
    and its words, the Spanish es: too; a year or count none of them gives is warned."""
    (tmp_path / "facts").mkdir()
    (tmp_path / "facts" / "store.yaml").write_text(BACKED_STORE, encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "trial.md.j2").write_text(BACKED, encoding="utf-8")
    result = invoke(tmp_path, "check", "--audience", "trial", "--date", "2026-11-01", "--json")
    findings = json.loads(result.stdout)["findings"]
    typed = [(f["line"], f["data"]["number"]) for f in findings if f["code"] == "untraced-number"]
    assert typed == [(7, "2021"), (7, "2017"), (7, "12")]


NOT_PRINTED_AGAIN = """\
# Twice written

Seizures rose 480 tons.

{% if false %}
Seizures rose 480 tons.
{% endif %}
"""


def test_a_line_not_printed_is_not_warned_of_for_an_earlier_line_saying_the_same(
    tmp_path: Path, repo: Path
) -> None:
    """A line in a branch not taken prints nothing: its figure was looked for in every
    earlier output line, as if Jinja had joined it to one, and the line printing the
    same words above it was reported twice, once at the line that prints nothing."""
    found = trial_findings(tmp_path, repo, NOT_PRINTED_AGAIN, "untraced-number")
    assert [(line, message.split("'")[1]) for line, message in found] == [(3, "480")]


class _CountedLines(tuple[Location, ...]):
    """A rendered brief's line locations, counting how many of them are read."""

    read = 0

    def __iter__(self) -> Iterator[Location]:
        for item in super().__iter__():
            _CountedLines.read += 1
            yield item


def test_untraced_numbers_reads_each_output_line_a_few_times(tmp_path: Path, repo: Path) -> None:
    """Each line of the template not printed looked through every output line for
    its words: 8,000 such lines and a loop printing 40,000 took 20 s, a template's
    time limit never stopping it (the check runs after the render). The lines a
    template line's text was joined to are known from the render itself."""
    lines, unprinted = 400, 300
    template = (
        f"# Counted\n\n{{% for i in range({lines}) %}}\nline {{{{ i }}}}\n{{% endfor %}}\n"
        "{% if false %}\n" + "Not printed: 123 and 456.\n" * unprinted + "{% endif %}\n"
    )
    workspace, renderer = trial_workspace(tmp_path, repo, "counted", template)
    rendered = renderer.render(workspace.search_path.audience("counted"))
    counted = replace(rendered, lines=_CountedLines(rendered.lines))
    _CountedLines.read = 0
    assert untraced_numbers(counted, workspace.store, workspace.date) == []
    assert len(rendered.lines) > lines
    assert _CountedLines.read <= 3 * len(rendered.lines), _CountedLines.read


def test_a_template_changed_in_the_same_process_is_read_again(tmp_path: Path, repo: Path) -> None:
    """The template's lexed text is kept between briefs (a batch checks every copy),
    keyed by the file's text: a template edited since is checked as it is now."""
    template = tmp_path / "templates" / "probe.md.j2"
    template.parent.mkdir()
    found = []
    for text in (PROBE, PROBE.replace("again", "again, 481 times")):
        template.write_text(text, encoding="utf-8")
        workspace = Workspace.open(
            BuildOptions(workspace=tmp_path, facts=repo / "facts", date=dt.date(2026, 11, 1))
        )
        renderer = TemplateRenderer(
            workspace.search_path, workspace.store, workspace.settings, workspace.date
        )
        rendered = renderer.render(workspace.search_path.audience("probe"))
        found.append(
            [u.number for u in untraced_numbers(rendered, workspace.store, workspace.date)]
        )
    assert found == [["480", "555", "2012", "2031"], ["480", "481", "555", "2012", "2031"]]


def test_low_contrast_and_a_picture_without_alt_text_are_errors(
    tmp_path: Path, sample: Path
) -> None:
    """What would stop the build is an error finding, at its line; exit 1."""
    workspace = tmp_path / "ws"
    shutil.copytree(sample, workspace)
    settings = workspace / "briefgen.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace('primary = "#1f3a5f"', 'primary = "#a0c4ff"'), "utf-8")
    result = invoke(workspace, "check", "--json")
    assert result.exit_code == 1
    (error,) = json.loads(result.stdout)["findings"]
    assert (error["severity"], error["code"]) == ("error", "settings")
    assert error["location"].startswith("briefgen.toml:") and "contrast" in error["message"]

    settings.write_text(text, "utf-8")
    template = workspace / "templates" / "legislators.md.j2"
    lines = template.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("cut demand")) + 1
    template.write_text("\n".join([*lines[:at], "", "![](map.png)", "", *lines[at:]]), "utf-8")
    result = invoke(workspace, "check", "--audience", "legislators", "--date", DATE)
    assert result.exit_code == 1
    assert f"templates/legislators.md.j2:{at + 2}: error: image 'map.png': give its alt text" in (
        result.stdout
    )


def trial_workspace(
    tmp_path: Path, repo: Path, name: str, template: str, date: dt.date = dt.date(2026, 11, 1)
) -> tuple[Workspace, TemplateRenderer]:
    """A workspace in ``tmp_path`` whose ``templates/NAME.md.j2`` is ``template``, over
    the repository's facts, dated ``date``, and a renderer of its templates."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / f"{name}.md.j2").write_text(template, encoding="utf-8")
    workspace = Workspace.open(BuildOptions(workspace=tmp_path, facts=repo / "facts", date=date))
    renderer = TemplateRenderer(
        workspace.search_path, workspace.store, workspace.settings, workspace.date
    )
    return workspace, renderer


def trial_findings(tmp_path: Path, repo: Path, template: str, code: str) -> list[tuple[int, str]]:
    """The line and message of each ``code`` finding ``check --json`` reports for the
    trial audience written as ``template`` (in ``tmp_path``, the working folder)."""
    (tmp_path / "templates").mkdir(exist_ok=True)
    (tmp_path / "templates" / "trial.md.j2").write_text(template, encoding="utf-8")
    result = invoke(
        tmp_path, "check", "--audience", "trial", "--facts", str(repo / "facts"), "--json"
    )
    findings = json.loads(result.stdout)["findings"]
    return [(f["line"], f["message"]) for f in findings if f["code"] == code]


def test_a_second_level_one_heading_is_warned_at_its_line(tmp_path: Path, repo: Path) -> None:
    """A careless author's '#' for a section prints a second title-sized heading."""
    template = "# The title\n\nText.\n\n# A section\n\nMore.\n\n## A real section\n\nEnd.\n"
    assert trial_findings(tmp_path, repo, template, "second-title") == [
        (
            5,
            "a second level-1 heading prints as large as the brief's title; write '## ' "
            "for a section heading",
        )
    ]
    built = invoke(tmp_path, "build", "--audience", "trial", "--facts", str(repo / "facts"))
    assert built.exit_code == 0, built.output
    trial = Path("templates") / "trial.md.j2"
    assert f"{trial}:5: warning: a second level-1 heading" in built.stderr


def test_a_heading_that_ends_its_column_is_warned_at_its_line(tmp_path: Path, repo: Path) -> None:
    """A careless author's heading with no text under it, at the end of the body or of
    a box: a heading over nothing. One over a section, or before the notes, is not."""
    template = (
        "# The title\n\n## Fine\n\nText.\n\n::: box\nIn a box.\n\n## Box end\n:::\n\n"
        "## Last\n\n!!! notes\n!!!\n"
    )
    message = "this heading ends its column with nothing under it; write its section or remove it"
    found = trial_findings(tmp_path, repo, template, "heading-over-nothing")
    assert found == [(10, message), (13, message)]
    built = invoke(tmp_path, "build", "--audience", "trial", "--facts", str(repo / "facts"))
    assert built.exit_code == 0, built.output
    assert f"{Path('templates') / 'trial.md.j2'}:13: warning: {message}" in built.stderr
    # So does one that ends the sidebar, or the main column beside it.
    sidebar = (
        "# The title\n\n::: aside\nIn the sidebar.\n\n## Side end\n:::\n\n"
        "## Main\n\nMain text.\n\n## Main end\n"
    )
    found = trial_findings(tmp_path, repo, sidebar, "heading-over-nothing")
    assert found == [(6, message), (13, message)]


def test_a_heading_above_the_title_is_warned_at_its_line(tmp_path: Path, repo: Path) -> None:
    """The outline (PDF tags, Word's navigation) began with a section heading, then
    the title."""
    template = "## Briefing for staff\n\n# The title\n\n## A section\n\nText.\n"
    assert trial_findings(tmp_path, repo, template, "heading-above-title") == [
        (
            1,
            "this heading stands above the brief's title (the first '# '); move it below, "
            "or make it plain text",
        )
    ]


def sample_findings(
    workspace: Path, sample: Path, files: dict[str, str], audience: str, code: str
) -> list[dict[str, Any]]:
    """The ``code`` findings of ``check --json`` for ``audience`` in a copy of the
    sample workspace at ``workspace`` with ``files`` (relative path: text) written."""
    shutil.copytree(sample, workspace)
    for name, text in files.items():
        (workspace / name).write_text(text, encoding="utf-8")
    result = invoke(workspace, "check", "--audience", audience, "--json", "--date", DATE)
    return [f for f in json.loads(result.stdout)["findings"] if f["code"] == code]


def test_a_template_extending_one_in_another_language_is_warned(
    tmp_path: Path, sample: Path
) -> None:
    """A Spanish template extending the English built-in printed English in every
    block it left alone, tagged es-US, without a word. The warning names the blocks
    whose text (or quoted label, or chart title) prints, in the order of the page;
    ``addressee`` prints nothing without a recipient, ``local`` and ``notes`` no
    words of their own."""
    workspace = tmp_path / "ws"
    mezcla = (
        '---\nlanguage: es-US\nreading_ease: 55\n---\n{% extends "builtin/public.md.j2" %}\n'
        "{% block title %}\n# Datos\n{% endblock %}\n"
    )
    findings = sample_findings(
        workspace, sample, {"templates/mezcla.md.j2": mezcla}, "mezcla", "extends-other-language"
    )
    found = [(f["location"], f["message"]) for f in findings]
    assert found == [
        (
            "templates/mezcla.md.j2:1",
            "this es-US template extends builtin/public.md.j2, written in en-US, and "
            "does not replace its blocks lead, picture, myth, why, helps, learn_more, "
            "which print en-US text (first at builtin/public.md.j2:24); replace them, or "
            "extend a template in the brief's language",
        )
    ]
    mixed = [
        f["audience"]
        for f in json.loads(invoke(workspace, "check", "--json").stdout)["findings"]
        if f["code"] == "extends-other-language"
    ]
    assert mixed == ["mezcla"]  # not the sample's own templates, nor the built-ins


def test_a_spanish_template_replacing_every_worded_block_is_not_warned(
    tmp_path: Path, sample: Path
) -> None:
    """The warning told to "replace them all" stayed after every block was replaced
    (check --strict could not pass): a block left alone that types no words, such
    as one placing the notes or an optional group around a helper, prints none of
    the other language. One block left with words is named, at its line."""
    base = (
        "---\nname: Schools\n---\n{% block title %}\n# What schools can do\n{% endblock %}\n\n"
        "{% block body %}\nKeep students busy after the bell. {{ cite('youth-engagement') }}\n"
        "{% endblock %}\n\n{% block extra %}\n::: optional 1\n"
        "{{ cite('youth-engagement') }}\n:::\n{% endblock %}\n\n"
        "{% block notes %}\n{{ notes() }}\n{% endblock %}\n"
    )
    spanish = (
        '---\nlanguage: es-US\nreading_ease: 55\n---\n{% extends "schools.md.j2" %}\n'
        "{% block title %}\n# Lo que pueden hacer las escuelas\n{% endblock %}\n"
    )
    body = "{% block body %}\nOfrecer actividades fuera de la escuela.\n{% endblock %}\n"
    files = {"templates/schools.md.j2": base, "templates/escuelas.md.j2": spanish + body}
    code = "extends-other-language"
    assert sample_findings(tmp_path / "all", sample, files, "escuelas", code) == []
    files["templates/escuelas.md.j2"] = spanish
    found = [
        (f["location"], f["message"])
        for f in sample_findings(tmp_path / "one", sample, files, "escuelas", code)
    ]
    assert found == [
        (
            "templates/escuelas.md.j2:1",
            "this es-US template extends schools.md.j2, written in en-US, and does not "
            "replace its block body, which prints en-US text (templates/schools.md.j2:9); "
            "replace it, or extend a template in the brief's language",
        )
    ]


@pytest.mark.parametrize(
    ("parent", "message"),
    [
        (
            "# English title\n\n{% block body %}\nBody.\n{% endblock %}\n",
            "does not replace its block body, which prints en-US text, as its text outside "
            "blocks does (first at templates/base.md.j2:1); replace the block, or extend a "
            "template in the brief's language",
        ),
        (
            "# English title\n\nEnglish words.\n",
            "prints its en-US text outside blocks, which no block here replaces "
            "(templates/base.md.j2:1); extend a template in the brief's language",
        ),
    ],
    ids=["blocks-and-outside", "outside-only"],
)
def test_english_outside_the_parents_blocks_is_told_it_cannot_be_replaced(
    tmp_path: Path, sample: Path, parent: str, message: str
) -> None:
    """Text a parent prints outside its blocks was told "leaves it ... the text
    outside its blocks ...; replace them", which no child template can do."""
    spanish = '---\nlanguage: es-US\nreading_ease: 55\n---\n{% extends "base.md.j2" %}\n'
    files = {"templates/base.md.j2": parent, "templates/hija.md.j2": spanish}
    [finding] = sample_findings(tmp_path / "ws", sample, files, "hija", "extends-other-language")
    assert finding["message"] == (
        f"this es-US template extends base.md.j2, written in en-US, and {message}"
    )


def test_the_inherited_blocks_named_are_at_most_twenty(tmp_path: Path, sample: Path) -> None:
    """A parent of many short blocks made the warning name every one of them, a line
    of kilobytes; it names twenty, each clipped, and counts the rest."""
    base = "{% block title %}\n# Title\n{% endblock %}\n" + "".join(
        f"{{% block b{i:03d}_{'x' * 70} %}}\nok\n{{% endblock %}}\n" for i in range(50)
    )
    spanish = (
        '---\nlanguage: es-US\nreading_ease: 55\n---\n{% extends "many.md.j2" %}\n'
        "{% block title %}\n# Título\n{% endblock %}\n"
    )
    files = {"templates/many.md.j2": base, "templates/muchos.md.j2": spanish}
    [finding] = sample_findings(tmp_path / "ws", sample, files, "muchos", "extends-other-language")
    message = finding["message"]
    assert message.count("b0") == 20
    assert "x" * 70 not in message
    assert "b019_" in message and "b020_" not in message
    assert "and 30 more, which print en-US text" in message


def test_inherited_words_are_found_however_long_the_chain(tmp_path: Path, sample: Path) -> None:
    """Only five templates up the chain were read: a Spanish template printing the
    English of the seventh, as Jinja renders any chain, was not warned."""
    files = {f"templates/p{i}.md.j2": f'{{% extends "p{i + 1}.md.j2" %}}\n' for i in range(1, 7)}
    files["templates/p7.md.j2"] = "{% block body %}\nWords in English.\n{% endblock %}\n"
    files["templates/lejos.md.j2"] = (
        '---\nlanguage: es-US\nreading_ease: 55\n---\n{% extends "p1.md.j2" %}\n'
    )
    found = [
        (f["location"], f["message"])
        for f in sample_findings(tmp_path / "ws", sample, files, "lejos", "extends-other-language")
    ]
    assert found == [
        (
            "templates/lejos.md.j2:1",
            "this es-US template extends p1.md.j2, written in en-US, and does not "
            "replace its block body, which prints en-US text (templates/p7.md.j2:2); "
            "replace it, or extend a template in the brief's language",
        )
    ]


def test_a_spanish_form_with_spains_figures_is_warned(tmp_path: Path, sample: Path) -> None:
    """es-US writes 26,700 and 98.9, as U.S. English does: a Spanish form written
    Spain's way (1.234.567, 12,5 %) printed as written, without a word."""
    facts = SPANISH_FACTS.replace(
        "text: Los programas de parques y recreación protegen a los jóvenes.",
        "text: Los programas de parques protegen a 1.234.567 jóvenes, un 12,5 % más.",
    )
    assert facts != SPANISH_FACTS
    files = {"facts/spanish.yaml": facts, "templates/prueba.md.j2": SPANISH_TEMPLATE}
    findings = sample_findings(tmp_path / "ws", sample, files, "prueba", "spain-number")
    found = [(f["data"]["fact"], f["data"]["number"], f["location"]) for f in findings]
    assert found == [("revisado", "1.234.567", "templates/prueba.md.j2:8")]


@pytest.mark.parametrize(
    ("words", "number"),
    [
        ("protegen a 26 700 jóvenes", "26 700"),
        ("protegen a 1\u202f234\u202f567 jóvenes", "1\u202f234\u202f567"),
        ("protegen al 86 % de los jóvenes", "86 %"),
        ("protegen al 98.9\u00a0% de los jóvenes", "98.9\u00a0%"),
    ],
)
def test_a_spanish_form_with_the_raes_spaces_is_warned(
    tmp_path: Path, sample: Path, words: str, number: str
) -> None:
    """The RAE parts thousands with a space (26 700) and a percent sign from its
    number (86 %): printed as written, beside briefgen's own 26,700 and 86% on the
    same page, without a word."""
    facts = SPANISH_FACTS.replace(
        "text: Los programas de parques y recreación protegen a los jóvenes.",
        f"text: Los programas de parques {words} en 2021 y 2022.",
    )
    assert facts != SPANISH_FACTS
    files = {"facts/spanish.yaml": facts, "templates/prueba.md.j2": SPANISH_TEMPLATE}
    findings = sample_findings(tmp_path / "ws", sample, files, "prueba", "spain-number")
    found = [(f["data"]["fact"], f["data"]["number"], f["location"]) for f in findings]
    assert found == [("revisado", number, "templates/prueba.md.j2:8")]
    assert "U.S. Spanish writes 26,700, 98.9 and 86%" in findings[0]["message"]


def test_a_heading_deeper_than_a_section_is_warned(tmp_path: Path, repo: Path) -> None:
    """'###' printed exactly as '##' (both files set two heading sizes), without a
    word; a careless author expects it smaller."""
    template = "# The title\n\n## A section\n\nText.\n\n### A subsection\n\nMore.\n"
    assert trial_findings(tmp_path, repo, template, "deep-heading") == [
        (
            7,
            "a level-3 heading prints as large as a '## ' section heading (a brief has two "
            "heading sizes); write '## ', or make it bold text",
        )
    ]


def test_a_figure_with_thousands_points_in_an_english_template_is_typed(
    tmp_path: Path, repo: Path
) -> None:
    # Its value was read as a float, an internal ValueError that stopped check.
    found = trial_findings(tmp_path, repo, "# T\n\nAbout 1.234.567 people.\n", "untraced-number")
    assert [(line, message.split("'")[1]) for line, message in found] == [(3, "1.234.567")]


ROUNDED = """\
# Rounded

The border took 99% of it. {{ cite("seizures-fy2023-southern-border-share") }}

About 99 in 100 pounds came through it. {{ cite("seizures-fy2023-southern-border-share") }}

It took 98.9 percent. {{ cite("seizures-fy2023-southern-border-share") }}

In all, 100 % of offenders. {{ cite("fentanyl-offenders-us-citizens") }}

More than 8 in 10, of every 100. {{ cite("fentanyl-offenders-us-citizens") }}
"""


def test_a_percentage_rounded_from_a_facts_count_is_typed(tmp_path: Path, repo: Path) -> None:
    """98.9% reads as "about 99 in 100", and a percentage is out of 100: those back a
    count, but '99%' overstates 98.9%, and '100 %' of a fact of 86% is no fact's."""
    found = trial_findings(tmp_path, repo, ROUNDED, "untraced-number")
    assert [(line, message.split("'")[1]) for line, message in found] == [(3, "99"), (9, "100")]


SCALED = """\
# Scaled

Over 70 thousand died. {{ cite("synthetic-opioid-deaths-2021") }}

Agents seized 26.7 thousand pounds. {{ cite("seizures-fy2023-pounds") }}

Pills cost 5 million dollars. {{ cite("chicago-dc-pill-price") }}

Over 70 million died. {{ cite("synthetic-opioid-deaths-2021") }}
"""

SCALED_ES = """\
---
language: es-US
---
# Escala

Murieron más de 70 mil personas. {{ cite("synthetic-opioid-deaths-2021") }}

Murieron más de 70 mil millones. {{ cite("synthetic-opioid-deaths-2021") }}
"""


def test_a_figure_with_its_scale_word_is_read_whole(tmp_path: Path, repo: Path) -> None:
    """'70 thousand' and '70 mil' beside the fact of 70,000 were told no fact gave
    '70'; '5 million dollars' beside the $5 fact passed. The word after a figure
    multiplies it."""
    found = trial_findings(tmp_path, repo, SCALED, "untraced-number")
    assert [(line, message.split("'")[1]) for line, message in found] == [(7, "5"), (9, "70")]
    found = trial_findings(tmp_path, repo, SCALED_ES, "untraced-number")
    assert [(line, message.split("'")[1]) for line, message in found] == [(8, "70")]


SPAIN_TYPED = """\
---
language: es-US
---
# Prueba

Se incautaron 26.700 libras. {{ cite("seizures-fy2023-pounds") }}

Una pastilla cuesta 5.000 dólares. {{ cite("chicago-dc-pill-price") }}

El 86 % eran ciudadanos, el 98,9 % no. {{ cite("fentanyl-offenders-us-citizens") }}

Se incautaron 26,700 libras. {{ cite("seizures-fy2023-pounds") }}

El 86%. {{ cite("fentanyl-offenders-us-citizens") }}
"""


def test_a_spanish_template_typing_a_figure_the_way_spain_does_is_warned(
    tmp_path: Path, repo: Path
) -> None:
    """A U.S. Spanish reader reads a typed 26.700 as 26.7, beside briefgen's own
    26,700: it was told no fact gave it; and 5.000 beside a fact of $5 passed, while
    Spain's reader takes it for 5,000. Each is told how U.S. Spanish writes it, and
    checked against the facts as Spain reads it."""
    assert trial_findings(tmp_path, repo, SPAIN_TYPED, "spain-number") == [
        (
            6,
            "'26.700' is written the way Spain does (a U.S. Spanish reader takes it for "
            "26.7); U.S. Spanish writes 26,700, as briefgen prints the facts' numbers",
        ),
        (
            8,
            "'5.000' is written the way Spain does (a U.S. Spanish reader takes it for 5); "
            "U.S. Spanish writes 5,000, as briefgen prints the facts' numbers",
        ),
        (
            10,
            "'86 %' is written the way Spain does; U.S. Spanish writes 86%, as briefgen "
            "prints the facts' numbers",
        ),
        (
            10,
            "'98,9 %' is written the way Spain does; U.S. Spanish writes 98.9%, as "
            "briefgen prints the facts' numbers",
        ),
    ]
    untraced = trial_findings(tmp_path, repo, SPAIN_TYPED, "untraced-number")
    assert [(line, message.split("'")[1]) for line, message in untraced] == [
        (8, "5.000"),
        (10, "98,9"),
    ]


def test_a_front_matter_mistake_is_one_finding_and_the_rest_are_checked(tmp_path: Path) -> None:
    """check stopped at the first template whose front matter was wrong: an unknown
    fact in another template showed only once that was mended."""
    workspace = tmp_path / "ws"
    init_workspace(workspace)
    templates = workspace / "templates"
    (templates / "m2.md.j2").write_text("---\nlanguage: es_US\n---\n# T\n\nHola.\n", "utf-8")
    (templates / "x.md.j2").write_text('# X\n\n{{ fact("nope").text }}\n', "utf-8")
    result = invoke(workspace, "check", "--json", "--date", DATE)
    assert result.exit_code == 1
    errors = [f for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"]
    assert sorted(f["location"] for f in errors) == [
        "templates/m2.md.j2:2",
        "templates/x.md.j2:3",
    ]


MYTH = "myth-migrants-cause-overdose-rise"
ANSWER = "fentanyl-offenders-us-citizens"


def test_a_myth_made_a_headline_is_warned_at_its_heading(tmp_path: Path, repo: Path) -> None:
    """The public brief must never headline a myth: a heading that prints a myth's
    words, or cites it, repeats it to readers who read no further."""
    template = (
        f'# Fentanyl\n\n{{{{ fact("{ANSWER}").text }}}} {{{{ cite("{ANSWER}") }}}}\n\n'
        f'## “{{{{ fact("{MYTH}").text }}}}”\n\n'
        f'Some believe it. {{{{ cite("{MYTH}") }}}}\n\n'
        f'## Why people believe it {{{{ cite("{MYTH}") }}}}\n\n'
        "Text.\n"
    )
    message = (
        "this heading repeats a myth{} to readers who may read no further; head it with "
        "the fact that answers the myth, and name the myth once in the text below"
    )
    assert trial_findings(tmp_path, repo, template, "myth-headline") == [
        (5, message.format("")),
        (9, message.format(f" ('{MYTH}')")),
    ]
    assert trial_findings(tmp_path, repo, template, "myth-first") == []


def test_a_myth_made_a_key_number_is_warned_at_its_callout(tmp_path: Path, repo: Path) -> None:
    """docs/templates.md: a key number, as a heading, that prints a myth's words or
    cites it is warned about; a callout of the fact that answers it is not."""
    template = (
        f'# Fentanyl\n\nMost are citizens. {{{{ cite("{ANSWER}") }}}}\n\n'
        f'!!! callout 60%\n{{{{ fact("{MYTH}").text }}}}\n!!!\n\n'
        f'{{{{ callout("{ANSWER}", label=fact("{MYTH}").cited) }}}}\n\n'
        f'{{{{ callout("{ANSWER}") }}}}\n\nSome believe the myth. {{{{ cite("{MYTH}") }}}}\n'
    )
    message = (
        "this key number repeats a myth{} to readers who may read no further; head it "
        "with the fact that answers the myth, and name the myth once in the text below"
    )
    assert trial_findings(tmp_path, repo, template, "myth-headline") == [
        (5, message.format("")),
        (9, message.format(f" ('{MYTH}')")),
    ]


def test_a_page_that_cites_a_myth_before_any_fact_is_warned(tmp_path: Path, repo: Path) -> None:
    """Lead with the fact: a page whose first cited fact is a myth is told at the
    line citing it; the myth named after the fact (as the built-in public brief does)
    is not."""
    lead = f'“{{{{ fact("{MYTH}").text }}}}” {{{{ cite("{MYTH}") }}}}\n\n'
    answer = f'In fact, most are U.S. citizens. {{{{ cite("{ANSWER}") }}}}\n\n'
    template = "# Fentanyl\n\n" + lead + answer
    assert trial_findings(tmp_path, repo, template, "myth-first") == [
        (
            3,
            f"the first fact the page cites is a myth ('{MYTH}'); lead with the fact "
            "that answers it, then name the myth",
        )
    ]
    built = invoke(tmp_path, "build", "--audience", "trial", "--facts", str(repo / "facts"))
    assert built.exit_code == 0, built.output
    assert f"{Path('templates') / 'trial.md.j2'}:3: warning: the first fact" in built.stderr
    assert trial_findings(tmp_path, repo, "# Fentanyl\n\n" + answer + lead, "myth-first") == []


def test_the_built_in_briefs_lead_with_a_fact_and_headline_no_myth(repo: Path) -> None:
    result = invoke(repo, "check", "--json")
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert not codes & {"myth-headline", "myth-first"}, codes


class _CountedFacts(_Facts):
    """A store's facts, counting how often all of them are read."""

    reads = 0

    def values(self) -> Any:
        _CountedFacts.reads += 1
        return super().values()


def test_a_copys_warnings_do_not_read_every_fact_of_the_store(repo: Path) -> None:
    """The myth check found the store's myths from every fact, for every copy of a
    batch: with 18,000 facts, 6 ms of each copy's 16. Found once per store."""
    options = BuildOptions(workspace=repo, facts=repo / "facts", date=dt.date(2026, 11, 1))
    workspace = Workspace.open(options)
    workspace.store.facts = _CountedFacts(workspace.store.facts)
    renderer = TemplateRenderer(
        workspace.search_path, workspace.store, workspace.settings, workspace.date
    )
    decision = decide(workspace, renderer, workspace.search_path.audience("public"), None)
    brief_warnings(workspace, decision)
    _CountedFacts.reads = 0
    for _ in range(5):
        assert brief_warnings(workspace, decision)
    assert _CountedFacts.reads == 0


def test_facts_printed_uncited_are_found_in_one_reading_of_the_output(
    tmp_path: Path, repo: Path
) -> None:
    """Each fact a page prints without citing it looked through every output line
    for the block printing it: 220 such facts under an optional loop of 40,000 lines
    compared 8.8 million locations (3 s). The output is read once for all of them."""
    store = load_store(repo / "facts")
    printed = [f.id for f in store if f.value is not None][:12]
    template = "# Counted\n\n::: optional\n{% for i in range(300) %}\nx\n{% endfor %}\n:::\n\n"
    template += "".join(f'- {{{{ fact("{fact}").number }}}}\n' for fact in printed)
    workspace, renderer = trial_workspace(tmp_path, repo, "counted", template)
    decision = decide(workspace, renderer, workspace.search_path.audience("counted"), None)
    counted = replace(decision.rendered, lines=_CountedLines(decision.rendered.lines))
    _CountedLines.read = 0
    found = uncited_facts(counted, decision.fit.document)
    assert len(found) >= 8
    assert {u.location.line for u in found} <= set(range(9, 9 + len(printed)))
    assert _CountedLines.read <= 2 * len(counted.lines), _CountedLines.read


class _CountedText(str):
    """A rendered brief's text, counting how often it is split into lines."""

    splits = 0

    def split(self, *args: Any, **kwargs: Any) -> list[str]:  # type: ignore[override]
        _CountedText.splits += 1
        return super().split(*args, **kwargs)


def test_the_lines_citing_facts_are_found_in_one_reading_of_the_output(
    tmp_path: Path, repo: Path
) -> None:
    """Each warning naming a cited fact (stale, a Spanish form) read the output again
    for the line citing it: 45 stale facts under an optional loop of 60,000 lines
    took a second of the check; a Spanish brief warns up to four times a fact."""
    store = load_store(repo / "facts")
    cited = [fact.id for fact in store][:15]
    template = "# Stale\n\n" + "".join(f'- Cited {{{{ cite("{f}") }}}}\n' for f in cited)
    workspace, renderer = trial_workspace(tmp_path, repo, "stale", template, dt.date(2035, 1, 1))
    decision = decide(workspace, renderer, workspace.search_path.audience("stale"), None)
    text = _CountedText(decision.rendered.text)
    counted = replace(decision, rendered=replace(decision.rendered, text=text))
    _CountedText.splits = 0
    found = [f for f in brief_warnings(workspace, counted) if f.code == "stale-fact"]
    assert len(found) == len(cited)
    assert [f.location.line for f in found] == list(range(3, 3 + len(cited)))
    assert _CountedText.splits <= 5, _CountedText.splits


def test_template_code_printed_as_text_is_warned_at_its_line(tmp_path: Path, repo: Path) -> None:
    """Braces parted by a space ('{ {', as an editor's auto-spacing leaves them), a
    third brace, code a {% raw %} left, a citation never closed: each reaches the
    page as typed, and the brief still builds."""
    cite = '{{ cite("seizures-fy2023-pounds") }}'
    template = (
        "# The title\n\n"
        'Seized { { cite("seizures-fy2023-pounds") } } at the border.\n\n'
        'Seized { {fact("tucson-pill-price").number} } in Tucson.\n\n'
        f'Seized {{{{ fact("seizures-fy2023-pounds").number }}}}}} in 2023. {cite}\n\n'
        "{% raw %}{{ name }}{% endraw %} wrote.\n\n"
        "{ % if recipient % }\n\n"
        "As reported [@seizures-fy2023-pounds.\n"
    )
    spaced = (
        "prints as typed: a tag's braces go together, {{ … }} or {% … %} "
        "(to print a brace, write \\{)"
    )
    assert trial_findings(tmp_path, repo, template, "template-code-printed") == [
        (3, f"""'{{ {{ cite("seizures-fy2023-pounds") }} }}' {spaced}"""),
        (5, f"""'{{ {{fact("tucson-pill-price").number}} }}' {spaced}"""),
        (
            7,
            "'}' prints as typed, closing nothing: one brace too many after a '}}'? "
            "(to print a brace, write \\})",
        ),
        (
            9,
            "'{{' prints as typed: template code left unrun (a {% raw %} block, or a "
            "printed string?); to print braces, write \\{",
        ),
        (11, f"'{{ % if recipient % }}' {spaced}"),
        (
            13,
            "'[@seizures-fy2023-pounds.' prints as typed: a citation ends with ']', as in "
            "[@fact-id]",
        ),
    ]
    built = invoke(tmp_path, "build", "--audience", "trial", "--facts", str(repo / "facts"))
    assert built.exit_code == 0, built.output
    trial = Path("templates") / "trial.md.j2"
    assert f"{trial}:3: warning: '{{ {{ cite(" in built.stderr


def test_braces_printed_on_purpose_are_not_template_code(tmp_path: Path, repo: Path) -> None:
    """Escaped braces, code spans and blocks, a passage's {lang=...}, and braces in a
    value (escaped as it prints) are no slip."""
    template = (
        "# The title\n\n"
        "Write \\{\\{ name \\}\\} and `{{ '{{ name }}' }}` to print a name.\n\n"
        "```\n{{ '{% if x %}' }}\n```\n\n"
        "[the title]{lang=es-US} and {{ '}} {{' | string }}.\n"
    )
    assert trial_findings(tmp_path, repo, template, "template-code-printed") == []


def test_a_link_whose_text_starts_with_an_at_sign_is_no_open_citation(
    tmp_path: Path, repo: Path
) -> None:
    """'[@leitf on X](https://...)' is a link to a social media account, printed as
    one: it was warned of as a citation never closed. A '[@' left open before a link
    on the same line still is."""
    template = (
        "# The title\n\n"
        "Follow us: [@leitf on X](https://x.com/leitf).\n\n"
        "As reported [@seizures-fy2023-pounds. See [the report](https://x.org).\n"
    )
    assert trial_findings(tmp_path, repo, template, "template-code-printed") == [
        (
            5,
            "'[@seizures-fy2023-pounds.' prints as typed: a citation ends with ']', as in "
            "[@fact-id]",
        )
    ]


def test_a_heading_without_its_space_is_found_on_the_page_s_first_line_too(
    tmp_path: Path, repo: Path
) -> None:
    """The page is searched once for such a heading before it is read line by line:
    one on its very first line (no newline before it), indented up to three spaces,
    is found; one only in a code block is code, and a page with none says nothing."""
    first = "   ###First\n\n# The title\n\nText.\n"
    assert [line for line, _ in trial_findings(tmp_path, repo, first, "heading-without-space")] == [
        1
    ]
    code_only = "# The title\n\n```\n##code\n```\n\n    ##indented code\n"
    assert trial_findings(tmp_path, repo, code_only, "heading-without-space") == []


def test_a_heading_without_its_space_is_warned_at_its_line(tmp_path: Path, repo: Path) -> None:
    """'##Why it matters' is a paragraph to Markdown, printed with its marks; one '#'
    before a word is a hashtag, and a code block's '##' is code."""
    template = (
        "# The title\n\n"
        "##Why it matters\n\n"
        "Text.\n\n"
        "#FentanylFacts is our campaign.\n\n"
        "```\n##not a heading\n```\n"
    )
    assert trial_findings(tmp_path, repo, template, "heading-without-space") == [
        (
            3,
            "'##Why it matters' prints as text, marks and all: a heading needs a space "
            "after its '##', as in '## Why it matters'",
        )
    ]


def test_check_audience_of_a_broken_template_reports_it_as_check_does(
    tmp_path: Path, sample: Path
) -> None:
    """`check --audience x`, x's front matter broken, printed build's bare line and no
    summary, where `check` alone reports it as an error finding; an audience with no
    template at all is still refused at once, as build refuses it."""
    workspace = tmp_path / "ws"
    shutil.copytree(sample, workspace)
    (workspace / "templates" / "broken.md.j2").write_text(
        "---\nname: [oops\n---\n# T\n", encoding="utf-8"
    )
    result = invoke(workspace, "check", "--audience", "broken")
    assert (result.exit_code, result.stdout) == (
        1,
        "broken:\n  templates/broken.md.j2:2: error: front matter: YAML: expected ',' or ']', "
        "but got '<stream end>', column 12\nchecked 1 audience: 1 error, 0 warnings\n",
    )
    missing = invoke(workspace, "check", "--audience", "nope")
    assert missing.exit_code == 1 and missing.stdout == ""
    assert missing.stderr.startswith("no template for audience 'nope'")
