"""A second organization's workspace: its own facts on another topic (the measles
vaccination figures here are fictional) and its own templates, beside the built-ins
written for the sample's fentanyl facts."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli

SOURCES = """\
sources:
  - id: county-survey
    type: report
    title: Kindergarten immunization survey (fictional example)
    issued: 2025
    URL: https://example.org/survey
"""

FACTS = """\
facts:
  - id: kinder-mmr-rate
    kind: statistic
    text: In the fictional county, 88 percent of kindergartners had both MMR doses.
    short: of kindergartners have both MMR doses
    value: 88
    unit: percent
    as_of: 2025
    source: county-survey
"""

TEMPLATE = """\
---
name: School principals
---
# Measles and Your School

{{ callout("kinder-mmr-rate") }}

{{ notes() }}
"""


@pytest.fixture
def other_topic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "facts").mkdir()
    (tmp_path / "facts" / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (tmp_path / "facts" / "measles.yaml").write_text(FACTS, encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "principals.md.j2").write_text(TEMPLATE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_plain_build_makes_the_workspace_briefs_and_says_the_built_ins_were_left_out(
    other_topic: Path,
) -> None:
    """The built-ins cite facts this store has none of: a plain build leaves them
    out with one line of information each, rather than stop at their unknown facts,
    and makes the workspace's own brief."""
    result = CliRunner().invoke(cli, ["build", "--format", "pdf"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (other_topic / "output").iterdir()) == ["principals.pdf"]
    lines = result.stderr.splitlines()
    assert lines == [
        f"builtin/{name}.md.j2: info: {name} skipped: a built-in brief on the sample facts' "
        "topic, citing none of this store's facts; your own audiences are the templates "
        "in templates/"
        for name in ("chiefs", "legislators", "public", "public-es")
    ]
    assert "fentanyl" not in result.stderr


def test_check_strict_is_not_failed_by_built_ins_the_workspace_does_not_use(
    other_topic: Path,
) -> None:
    result = CliRunner().invoke(cli, ["check", "--strict"])
    assert result.exit_code == 0, result.output
    assert "checked 5 audiences: 0 errors, 0 warnings" in result.output
    assert "  legislators skipped: a built-in brief on the sample facts' topic" in result.output


def test_a_built_in_named_or_half_filled_still_stops_at_its_unknown_fact(
    other_topic: Path,
) -> None:
    """Asked for by name, a built-in still says what it lacks; and a store holding
    some of its facts (the sample with one renamed) is not another topic's."""
    named = CliRunner().invoke(cli, ["build", "--audience", "legislators"])
    assert named.exit_code == 1
    assert named.stderr.startswith("builtin/legislators.md.j2:")
    assert "unknown fact" in named.stderr
    facts = other_topic / "facts" / "measles.yaml"
    facts.write_text(
        FACTS.replace("kinder-mmr-rate", "fentanyl-offenders-us-citizens"), encoding="utf-8"
    )
    (other_topic / "templates" / "principals.md.j2").unlink()
    plain = CliRunner().invoke(cli, ["build", "--format", "pdf"])
    assert plain.exit_code == 1
    assert "builtin/public.md.j2:" in plain.stderr
    assert "unknown fact" in plain.stderr


def test_the_sample_workspaces_name_and_site_left_in_the_settings_are_warned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workspace made by `briefgen init` whose facts were replaced by another
    topic's, its settings left as init wrote them: the briefs went out under the task
    force's name, the footer's QR code leading to the task force's site. Each such
    setting is warned at its line; one's own, or the sample's own facts, say nothing."""
    workspace = tmp_path / "ws"
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["init", "ws"]).exit_code == 0
    monkeypatch.chdir(workspace)
    sample = CliRunner().invoke(cli, ["check", "--audience", "public"])
    assert "sample workspace" not in sample.output
    for path in (workspace / "facts").glob("*.yaml"):
        path.unlink()
    (workspace / "facts" / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (workspace / "facts" / "measles.yaml").write_text(FACTS, encoding="utf-8")
    (workspace / "templates" / "legislators.md.j2").unlink()
    (workspace / "templates" / "principals.md.j2").write_text(TEMPLATE, encoding="utf-8")
    settings = workspace / "briefgen.toml"
    lines = settings.read_text(encoding="utf-8").splitlines()
    name = lines.index('name = "Law Enforcement Immigration Task Force"') + 1
    site = lines.index('website = "leitf.org"') + 1
    expected = [
        f"briefgen.toml:{name}: warning: organization.name: 'Law Enforcement Immigration "
        "Task Force' is the sample workspace's, and the facts are another topic's: the "
        'masthead prints it; write your own ("" for none)',
        f"briefgen.toml:{site}: warning: contact.website: 'leitf.org' is the sample "
        "workspace's, and the facts are another topic's: the footer prints it, and its "
        'QR code leads there; write your own ("" for none)',
    ]
    built = CliRunner().invoke(cli, ["build", "--format", "pdf"])
    assert built.exit_code == 0, built.output
    assert [line for line in built.stderr.splitlines() if ": warning: " in line] == expected
    checked = CliRunner().invoke(cli, ["check", "--strict"])
    assert checked.exit_code == 1
    assert [line for line in checked.output.splitlines() if ": warning: " in line] == expected
    text = settings.read_text(encoding="utf-8")
    text = text.replace("Law Enforcement Immigration Task Force", "Riverbend County Health")
    settings.write_text(text.replace('"leitf.org"', '"example.org"'), encoding="utf-8")
    assert CliRunner().invoke(cli, ["check", "--strict"]).exit_code == 0
