"""Inputs that made a stage outside the template's limits take time squared in their
size: each must now be read in one pass. Each case runs in a fresh interpreter held to
a few seconds of CPU time (a limit, as docs/templates.md's are, not a clock): the
quadratic versions took tens of seconds to minutes on the same input."""

from __future__ import annotations

import datetime as dt
import difflib
import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefgen import recipients
from briefgen.errors import Location, ProblemList, RecipientsError
from briefgen.facts import load_store
from briefgen.facts.filters import unknown_name
from briefgen.facts.report import unknown_place_notes
from briefgen.model import Cite, Paragraph
from briefgen.parse import CITATION, parse_blocks
from briefgen.recipients import MAX_ROWS, load_recipients
from briefgen.suggest import MAX_COMPARED, SHORTLIST, Suggestions, closest

REPO = Path(__file__).resolve().parents[1]
# CPU seconds a case may take, start-up and imports included: each takes well under one.
CPU_SECONDS = 5


def _held_to_cpu_seconds() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def run_limited(code: str) -> str:
    """Run ``code`` in a new interpreter within :data:`CPU_SECONDS`; its output."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        preexec_fn=_held_to_cpu_seconds,
        check=False,
    )
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    return result.stdout


@pytest.mark.parametrize(
    "pattern, text",
    [
        # "[@[@[@...": each "[@" scanned to the end of the paragraph for its "]" (100,000
        # of them, 200,000 characters, the most a template may write: minutes).
        ("briefgen.parse.CITATION", '"[@" * 100_000'),
        # A link target scanned from each "](" to the end: "](](](..." (21 s).
        ("briefgen.untraced._ADDRESSES", '"](" * 200_000'),
        # "§" then the digits of a section, tried from each "§" of a run (over a minute).
        ("briefgen.untraced._CITED_LAW", '"§" * 100_000'),
        # What check skips in a parent template's line, looking for its words: each
        # "[@", "](" or "{lang=" scanned to the end of the line for its close (26 s
        # for a line of 400,000 characters, in a block never printed).
        ("briefgen.templating.inherited._NOT_WORDS", '"[@" * 200_000'),
        ("briefgen.templating.inherited._NOT_WORDS", '"](" * 200_000'),
        ("briefgen.templating.inherited._NOT_WORDS", '"{lang=" * 70_000'),
    ],
)
def test_a_pattern_reads_a_run_of_its_openers_in_one_pass(pattern: str, text: str) -> None:
    module, name = pattern.rsplit(".", 1)
    found = run_limited(
        f"from {module} import {name}\nprint(len({name}.findall({text})))",
    )
    assert found.strip() == "0"


def test_an_as_of_of_many_spaces_is_read_in_one_pass() -> None:
    """An as_of that is no period is looked at again as a brief prints one ("2017 -
    2021"): the range's dash, with the spaces around it, was looked for from each
    space of a run, and a facts file's as_of of 20,000 spaces took 5 s (200,000: some
    ten minutes)."""
    found = run_limited(
        "from briefgen.facts.schema import parse_period\n"
        "try:\n    parse_period('2017' + ' ' * 200_000 + 'x')\n"
        "except ValueError as exc:\n    print(str(exc)[:6])\n"
    )
    assert found.strip() == "'2017"


def test_a_recipient_s_cell_of_many_spaces_is_read_in_one_pass() -> None:
    """Whether a recipient's column the template prints holds a figure alone ("12.5%")
    is asked of every copy, outside the template's time limit: the spaces after a
    number, before and after a "%" that is not there, were split every way, and a CSV
    cell of "1", 130,000 spaces and "x" took 40 s a copy."""
    found = run_limited(
        "from briefgen.untraced import _LONE_FIGURE\n"
        "print(_LONE_FIGURE.fullmatch('1' + ' ' * 200_000 + 'x'),"
        " _LONE_FIGURE.fullmatch(' 12.5 % ')['figure'])"
    )
    assert found.strip() == "None 12.5"


def test_a_group_line_of_many_spaces_is_read_in_one_pass() -> None:
    """A '::: name' line's trailing spaces were looked for from each space of a run
    inside it: '::: x', 150,000 spaces and 'y' (a template may write 200,000
    characters) took 40 s before saying the group is unknown. Spaces around a group's
    name still part nothing."""
    told = run_limited(
        "from briefgen.errors import Location, TemplateError\n"
        "from briefgen.parse import parse_blocks\n"
        "at = (Location('t', 1),) * 5\n"
        "try:\n"
        "    parse_blocks('::: x' + ' ' * 200_000 + 'y\\n\\nText.\\n', at, at[0])\n"
        "except TemplateError as exc:\n"
        "    print(exc.detail[:21])\n"
        "(box,) = parse_blocks(':::  box \\t\\n\\nText.\\n\\n:::\\n', at, at[0])\n"
        "print(type(box).__name__)\n"
    )
    assert told.splitlines() == ["unknown group '::: x'", "Box"]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # Open double quotes, each closing single one scanning all of them (23 s).
        ("' \"a b\\'' * 32_000", "'\"a ' ' b\u2019'"),
        # A quote opened on each of 30,000 lines, then a line closing the last: the
        # open ones were copied at each line between (5 s).
        ("'\"a\\n' * 30_000 + 'b\\n' * 30_000 + 'c\"'", "'\"a ' ' c\u201d'"),
    ],
)
def test_a_paragraph_of_quotes_is_made_typographic_in_one_pass(text: str, shown: str) -> None:
    """markdown-it's smartquotes took time squared in a paragraph's quotes, outside
    the template's time limit; a template may write 200,000 characters of them."""
    told = run_limited(
        "from briefgen.errors import Location\n"
        "from briefgen.parse import parse_blocks\n"
        f"text = {text}\n"
        "(paragraph,) = parse_blocks(text, (Location('t', 1),) * 60_001, Location('t', 1))\n"
        "printed = paragraph.inlines[0].text\n"
        "print(repr(printed[:3]), repr(printed[-3:]))\n"
    )
    assert told.strip() == shown


def test_a_fact_id_holds_no_opening_bracket() -> None:
    """What keeps the citation's scan to one pass: "[@" reads no further than the next
    "[", which no fact id (a slug) holds."""
    assert CITATION.match("[@a[@b]") is None
    assert CITATION.match("[@seizures-up-480-percent]")
    (paragraph,) = parse_blocks("Text [@a[@b] more.", (Location("t", 1),), Location("t", 1))
    assert isinstance(paragraph, Paragraph)
    assert [item.fact_ids for item in paragraph.inlines if isinstance(item, Cite)] == [("b",)]


def test_figures_reads_a_run_of_section_signs_and_link_ends_in_one_pass() -> None:
    """The untraced-number check reads every line of a template, printed or not, and
    is outside the template's time limit: a line of 100,000 "§" took over a minute."""
    found = run_limited(
        "from briefgen.untraced import figures\n"
        'print(figures("§" * 100_000 + " and 5"), figures("](" * 100_000 + "x) 7"))'
    )
    assert found.strip() == "['5'] ['7']"


def _facts(folder: Path, facts: int, sources: int, cites: str, place: str = "") -> Path:
    """A store of ``sources`` sources (``s-0``...) and ``facts`` facts, fact i citing
    the source ``cites`` names (``{i}``: its number) and, when ``place`` is given,
    about a place of its own."""
    folder.mkdir()
    lines = ["sources:"]
    lines += [f"  - {{id: s-{i}, type: report, title: Source {i}}}" for i in range(sources)]
    lines.append("facts:")
    for i in range(facts):
        about = f", places: [{place}-{i}-st]" if place else ""
        lines.append(
            f"  - {{id: f-{i}, kind: finding, text: Finding {i}., as_of: 2023, "
            f"source: {cites.format(i=i)}{about}}}"
        )
    (folder / "facts.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many names each "did you mean" lookup compared the misspelt one with."""
    counts: list[int] = []
    real = difflib.get_close_matches

    def counting(word: str, possibilities: Any, *args: Any, **kwargs: Any) -> list[str]:
        counts.append(len(possibilities))
        return real(word, possibilities, *args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counting)
    return counts


def test_unknown_sources_are_all_told_and_suggested_within_a_budget(
    tmp_path: Path, compared: list[int]
) -> None:
    """400 facts naming 400 sources that are not there, among 400 that are: every one
    was compared with every source (2,000 of each took 44 s). Each is still told."""
    folder = _facts(tmp_path / "facts", facts=400, sources=400, cites="sx-{i}")
    with pytest.raises(ProblemList) as caught:
        load_store(folder, today=dt.date(2026, 11, 1))
    messages = [problem.detail for problem in caught.value.problems]
    assert len(messages) == 400
    assert messages[0] == "source: unknown source 'sx-0' (did you mean 's-0'?)"
    assert messages[-1] == "source: unknown source 'sx-399'"
    assert sum(compared) <= MAX_COMPARED


@pytest.mark.parametrize(("sources", "suggested"), [(1_000, 50), (10_000, 5)])
def test_with_n_sources_the_first_budget_over_n_unknown_ids_get_a_suggestion(
    sources: int, suggested: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/facts.md: "with 1,000 sources the first 50 ids get one, with 10,000 the
    first 5, and the rest are listed without it"; an id asked again costs nothing."""
    compared: list[int] = []

    def closest_by_count(word: str, possibilities: list[str], *args: Any, **kw: Any) -> list[str]:
        compared.append(len(possibilities))
        return [word.removesuffix("x")]  # the id it misspells, at no cost

    monkeypatch.setattr(difflib, "get_close_matches", closest_by_count)
    suggest = Suggestions([f"source-{i}" for i in range(sources)])
    found = [suggest(f"source-{i}x") for i in range(suggested + 3)]
    assert found == [f"source-{i}" for i in range(suggested)] + [None] * 3
    assert suggest("source-0x") == "source-0"
    assert compared == [sources] * suggested


def test_unknown_places_of_recipients_are_suggested_within_a_budget(
    tmp_path: Path, compared: list[int]
) -> None:
    """The 20 places `facts check --recipients` lists that no fact is about were each
    compared with every place the facts know (80,000 of them took 22 s)."""
    facts = _facts(tmp_path / "facts", facts=5000, sources=1, cites="s-0", place="town")
    store = load_store(facts, today=dt.date(2026, 11, 1))
    rows = "".join(f"r-{i},public,town-{i}-sx\n" for i in range(30))
    (tmp_path / "r.csv").write_text("id,audience,place\n" + rows, encoding="utf-8")
    notes = unknown_place_notes(store, load_recipients(tmp_path / "r.csv", str))
    assert len(notes) == 21  # 20, then how many more
    assert "did you mean 'town-0-st'?" in notes[0][1]
    assert sum(compared) <= MAX_COMPARED


def test_a_long_list_of_names_is_shortlisted_before_did_you_mean(
    tmp_path: Path, compared: list[int]
) -> None:
    """Each copy of a batch whose row names a fact or topic that is not there looks
    for the closest name: compared with each of a store's 18,000 facts, 0.23 s a copy
    (100 such rows: 26 s); the names sharing most pieces with it are compared."""
    folder = _facts(tmp_path / "facts", facts=5000, sources=1, cites="s-0", place="town")
    store = load_store(folder, today=dt.date(2026, 11, 1))
    assert store.suggest("f-4321x") == "f-4321"
    assert store.suggest("nothing-like-it") is None
    message = unknown_name("place", "town-12-sx", store.places())
    assert "(did you mean 'town-12-st'?)" in message
    assert all(count <= SHORTLIST for count in compared), compared
    # A short list is compared whole, as before.
    assert closest("seizures-up-480-percnt", ["seizures-up-480-percent", "x"]) == (
        "seizures-up-480-percent"
    )


def test_a_message_lists_twenty_names_then_how_many_more(tmp_path: Path) -> None:
    """`facts list --place` of a place no fact is about listed every place the store
    knows: 80,000 of them made one line of 1.2 MB."""
    folder = _facts(tmp_path / "facts", facts=100, sources=1, cites="s-0", place="town")
    store = load_store(folder, today=dt.date(2026, 11, 1))
    message = unknown_name("place", "nowhere", store.places())
    assert message.endswith("town-26-st and 80 more")
    assert len(message) < 400


def test_a_long_name_nothing_defines_is_compared_by_its_start(tmp_path: Path) -> None:
    """A template setting a name of 80,000 letters and using another as long: "did you
    mean" compared the two whole, after the render's time limit (difflib takes time
    about the product of their lengths: 17 s). Names are compared by their first
    MAX_NAME_CHARS characters, and a near one is still offered."""
    told = run_limited(
        "import random\n"
        "from pathlib import Path\n"
        "from briefgen.errors import TemplateError\n"
        "from briefgen.facts.store import FactStore\n"
        "from briefgen.settings import Settings\n"
        "from briefgen.templating.environment import TemplateRenderer\n"
        "from briefgen.templating.search import SearchPath\n"
        "pick = random.Random(0).choice\n"
        "letters = [chr(c) for c in range(0x100, 0x250) if chr(c).isidentifier()]\n"
        "long_set, long_used = (''.join(pick(letters) for _ in range(80_000)) for _ in 'ab')\n"
        f"folder = Path({str(tmp_path)!r})\n"
        "sets = f'{{% set {long_set} = 1 %}}{{% set alpha_beta = 2 %}}\\n'\n"
        "for name, used in (('t', long_used), ('u', 'alpha_bet')):\n"
        "    text = f'{sets}{{{{ {used} }}}}\\n'\n"
        "    (folder / f'{name}.md.j2').write_text(text, encoding='utf-8')\n"
        "    search = SearchPath.build([folder], folder)\n"
        "    renderer = TemplateRenderer(search, FactStore(), Settings())\n"
        "    try:\n"
        "        renderer.render(search.audience(name))\n"
        "    except TemplateError as exc:\n"
        "        print(exc.location.line, exc.detail.partition(' (did you mean ')[2])\n"
    )
    assert told.splitlines() == ["2 ", "2 'alpha_beta'?)"]


def test_a_recipients_file_is_read_no_further_than_a_batch_takes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CSV file was read to its end before its rows were counted: 20 MB of 9 million
    one-letter rows took 28 s and 3 GB to say it holds more than 100,000. Reading
    stops at the first row past them, which the message names."""
    read: list[int] = []
    real = recipients._csv_records

    def counting(*args: Any, **kwargs: Any) -> Iterator[tuple[int, list[str]]]:
        for record in real(*args, **kwargs):
            read.append(record[0])
            yield record

    monkeypatch.setattr(recipients, "_csv_records", counting)
    path = tmp_path / "r.csv"
    path.write_text("id,audience\n" + "".join(f"r-{i},public\n" for i in range(2 * MAX_ROWS)))
    with pytest.raises(RecipientsError) as caught:
        load_recipients(path, str)
    assert str(caught.value) == (
        f"{path}:{MAX_ROWS + 2}: more than 100,000 recipients, the most one batch takes; "
        "split the file"
    )
    assert len(read) == MAX_ROWS + 2  # the header, the rows a batch takes, one more
