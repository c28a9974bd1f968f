"""Local facts: the places a fact is about, ``facts(place=...)`` in templates,
``facts check --recipients`` and the sample recipients build (each copy one page at
11 pt, naming its recipient, carrying its place's pill price where a fact gives it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pydantic import ValidationError
from pypdf import PdfReader
from readback import docx_text, pdf_text

from briefgen.cli import cli
from briefgen.facts import load_store
from briefgen.facts.schema import Fact, place_slug
from briefgen.templating.helpers import Helpers, addressee_of
from briefgen.templating.views import NO_RECIPIENT, recipient_view

REPO = Path(__file__).resolve().parents[1]
KNOWN = "facts know: chicago-il, tucson-az, washington-dc"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def test_places_are_slugs_and_default_to_none() -> None:
    base = {"id": "f", "kind": "finding", "text": "A finding.", "as_of": 2023, "source": "s"}
    assert Fact.model_validate(base).places == ()
    assert Fact.model_validate({**base, "places": ["tucson-az"]}).places == ("tucson-az",)
    assert place_slug("Washington, D.C.") == "washington-dc"
    assert place_slug("St. Louis,  MO") == "st-louis-mo"
    assert place_slug("!!") == ""


def test_the_first_place_listed_twice_is_named() -> None:
    base = {"id": "f", "kind": "finding", "text": "A finding.", "as_of": 2023, "source": "s"}
    for places, twice in ((["a", "b", "b", "a"], "a"), (["a", "b", "c", "c"], "c")):
        with pytest.raises(ValidationError, match=f"'{twice}' is listed twice"):
            Fact.model_validate({**base, "places": places})
    # A long list is still refused for its length. (The duplicate check before it is
    # one pass; counting each entry against the whole list took 8 s for 20,000 places.
    # That time is not a test's to check.)
    with pytest.raises(ValidationError, match="at most 50 items after validation, not 20000"):
        Fact.model_validate({**base, "places": [f"p{i}" for i in range(20_000)]})


def test_real_facts_name_their_places() -> None:
    store = load_store(REPO / "facts")
    assert store.places() == ["chicago-il", "tucson-az", "washington-dc"]
    assert store.get("chicago-dc-pill-price").places == ("chicago-il", "washington-dc")
    tucson = {f.id for f in store.select(place="tucson-az")}
    assert {"tucson-pill-price", "tucson-public-safety-agencies"} <= tucson
    assert all("Tucson" in store.get(i).text for i in tucson)


def test_facts_helper_selects_by_place() -> None:
    helpers = Helpers(load_store(REPO / "facts"))

    def ids(**filters: str) -> list[str]:
        return [f.id for f in helpers.facts(**filters)]

    assert ids(place="tucson-az", topic="prices") == ["tucson-pill-price"]
    assert ids(place="washington-dc", topic="prices") == ["chicago-dc-pill-price"]
    assert ids(place="chicago-il") == ["chicago-dc-pill-price"]
    # No recipients file (an empty place) or a place no fact knows: none, so the
    # template's {% else %} gives the copy for everywhere else.
    assert ids(place="", topic="prices") == []
    assert ids(place="el-paso-tx") == []
    assert len(ids(topic="prices")) > 1
    assert helpers.facts(place="chicago-il")[0].places == ("chicago-il", "washington-dc")


def test_facts_list_by_place() -> None:
    result = invoke("facts", "list", "--facts", str(REPO / "facts"), "--place", "chicago-il")
    assert result.exit_code == 0, result.output
    assert result.output.split()[0] == "chicago-dc-pill-price"
    assert len(result.output.splitlines()) == 1


def test_facts_check_warns_about_places_no_fact_knows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.csv").write_text(
        "id,name,place\na,A,tucson-az\nb,B,el-paso-tx\nc,C,\nd,D,el-paso-tx\ne,E,Tucson AZ\n"
        "f,F,Tuscon\n",
        encoding="utf-8",
    )
    result = invoke("facts", "check", "--facts", str(REPO / "facts"), "--recipients", "r.csv")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("r.csv:")]
    assert warnings == [
        f"r.csv:3: place: no fact is about 'el-paso-tx' (2 rows; {KNOWN})",
        f"r.csv:7: place: no fact is about 'Tuscon' ({KNOWN}; did you mean 'tucson-az'?)",
    ]  # 'Tucson AZ' is tucson-az as written: it is known


def test_facts_check_recipients_every_place_known_and_a_broken_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.csv").write_text("id,place\na,tucson-az\nb,chicago-il\n", encoding="utf-8")
    result = invoke("facts", "check", "--facts", str(REPO / "facts"), "--recipients", "ok.csv")
    assert result.exit_code == 0, result.output
    assert "no fact is about" not in result.output
    (tmp_path / "bad.csv").write_text("id,place\na/b,tucson-az\n", encoding="utf-8")
    result = invoke("facts", "check", "--facts", str(REPO / "facts"), "--recipients", "bad.csv")
    assert result.exit_code == 1
    assert result.output.startswith("bad.csv:2: id: 'a/b' holds a path separator")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The sample workspace's recipients, built once as PDF (its output and report)."""
    workspace = tmp_path_factory.mktemp("sample")
    for name in ("briefgen.toml", "recipients.csv"):
        shutil.copy(REPO / name, workspace)
    shutil.copytree(REPO / "facts", workspace / "facts")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(workspace)
        result = invoke("build", "--recipients", "recipients.csv", "--format", "pdf", "--jobs", "1")
    assert result.exit_code == 0, result.output
    return workspace / "output", result.stdout


# The sample's rows: the words naming each recipient, and the pill price its copy
# carries (its place's where a fact gives one, else Tucson's, the general copy).
TUCSON = "per fentanyl pill in Tucson"
CHICAGO_DC = "per fentanyl pill in Chicago or Washington, D.C."
SAMPLE = {
    "legislators/example-office-1": ("For Representative Alex Example:", TUCSON),
    "legislators/example-office-2": ("For Senator Sam Sample:", CHICAGO_DC),
    "legislators/example-office-3": ("For Member of Congress (example):", CHICAGO_DC),
    "legislators/example-office-4": (
        "For Representative Jordan Placeholder:",
        "for a fentanyl pill in Tucson, near the border",
    ),
    "chiefs/example-department-1": ("For Chief of Police Casey Example.", TUCSON),
    "chiefs/example-department-2": ("For Sheriff Riley Sample.", CHICAGO_DC),
    "public/example-group-1": ("For Example Neighborhood Association 1", CHICAGO_DC),
}


def test_sample_recipients_each_copy_one_page_at_full_size(sample: tuple[Path, str]) -> None:
    out, report = sample
    assert sorted(str(p.relative_to(out).with_suffix("")) for p in out.rglob("*.pdf")) == sorted(
        SAMPLE
    )
    for name in SAMPLE:
        assert len(PdfReader(out / f"{name}.pdf").pages) == 1, name
    # No copy shrank its type or dropped an optional block: the report lists none.
    assert report.splitlines() == ["7 copies (7 files) in output"]


@pytest.mark.parametrize("name", sorted(SAMPLE))
def test_sample_copy_names_its_recipient_and_local_price(
    sample: tuple[Path, str], name: str
) -> None:
    out, _ = sample
    text = " ".join(pdf_text(out / f"{name}.pdf").split())
    addressee, price = SAMPLE[name]
    assert addressee in text
    assert price in text
    if "Tucson" not in price:  # a place's own price replaces Tucson's card
        assert TUCSON not in text


# A name that brings its own honorific and a title that is a position, not a courtesy
# title: each copy names them "name, title", never "… and Operations The Honorable …".
HONORABLE = "The Honorable Maria Guadalupe Fernández-Villarreal de la Cruz"
CHAIR = "Chair, Subcommittee on Border Security, Facilitation, and Operations"
POSITIONS = f"""id,audience,name,title,office,place
l,legislators,{HONORABLE},"{CHAIR}",Rayburn House Office Building,tucson-az
c,chiefs,{HONORABLE},Sheriff,Example Sheriff's Office,tucson-az
p,public,Pat Example,Director of Public Health,Example County,tucson-az
e,public-es,{HONORABLE},Representante,Oficina de Ejemplo,tucson-az
j,public-es,María Cruz,la Jefa de Policía,Departamento de Policía,tucson-az
"""


def test_a_position_or_an_honorific_follows_the_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(REPO / "briefgen.toml", tmp_path)
    shutil.copytree(REPO / "facts", tmp_path / "facts")
    (tmp_path / "r.csv").write_text(POSITIONS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke("build", "--recipients", "r.csv", "--jobs", "1", "-q")
    assert result.exit_code == 0, result.output
    named = {
        "legislators/l": f"For {HONORABLE}, {CHAIR}: We ask Congress",
        "chiefs/c": f"For {HONORABLE}, Sheriff. Bottom line:",
        "public/p": "For Pat Example, Director of Public Health",
        "public-es/e": f"Para {HONORABLE}, Representante",
        "public-es/j": "Para la Jefa de Policía María Cruz",
    }
    for copy, words in named.items():
        for text in (
            pdf_text(tmp_path / f"output/{copy}.pdf"),
            docx_text(tmp_path / f"output/{copy}.docx"),
        ):
            assert words in " ".join(text.replace("\xa0", " ").split()), copy


@pytest.mark.parametrize(
    ("name", "title", "office", "addressed"),
    [
        ("Alex Example", "Representative", "Room 1", "Representative Alex Example"),
        ("Alex Example", "Chief of Police", "", "Chief of Police Alex Example"),
        (
            "Alex Example",
            "Ranking Member of Appropriations",
            "",
            "Alex Example, Ranking Member of Appropriations",
        ),
        ("Alex Example", "Chair, Appropriations", "", "Alex Example, Chair, Appropriations"),
        ("Hon. Alex Example", "Senator", "", "Hon. Alex Example, Senator"),
        ("The Honorable Alex Example", "", "", "The Honorable Alex Example"),
        ("Theo Example", "Senator", "", "Senator Theo Example"),  # "The" only as a word
        ("La Honorable María Ejemplo", "Senadora", "", "La Honorable María Ejemplo, Senadora"),
        ("El Honorable Juan Ejemplo", "Diputado", "", "El Honorable Juan Ejemplo, Diputado"),
        # A Spanish title written with its article: the article is not one of its words.
        ("María Cruz", "la Jefa de Policía", "", "la Jefa de Policía María Cruz"),
        ("Juan Ejemplo", "el Supervisor", "", "el Supervisor Juan Ejemplo"),
        (
            "María Cruz",
            "la jefa de la policía municipal",
            "",
            "María Cruz, la jefa de la policía municipal",
        ),
        ("Lara Example", "Lady Mayor", "", "Lady Mayor Lara Example"),
        ("", "", "la Asociación de Vecinos", "la Asociación de Vecinos"),
        ("la Honorable María Cruz", "Senadora", "", "la Honorable María Cruz, Senadora"),
        ("", "Senator", "Office of Senator Example", "Office of Senator Example"),
        ("", "Senator", "", "Senator"),
        ("", "", "", ""),
    ],
)
def test_addressee_of_places_a_title_by_what_it_is(
    name: str, title: str, office: str, addressed: str
) -> None:
    columns = ("id", "audience", "name", "title", "office", "place")
    recipient = recipient_view(columns, ("r", "legislators", name, title, office, ""))
    assert addressee_of(recipient) == addressed
    assert addressee_of(NO_RECIPIENT) == ""


def test_addressee_of_a_column_stops_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A column given for the recipient would be read for a title it has as a method
    (str.title): the build stops at the line, saying what the helper takes."""
    shutil.copy(REPO / "briefgen.toml", tmp_path)
    shutil.copytree(REPO / "facts", tmp_path / "facts")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "memo.md.j2").write_text(
        "# Memo\n\nFor {{ addressee_of(recipient.name) }}.\n", encoding="utf-8"
    )
    (tmp_path / "r.csv").write_text("id,name,title\na,Alex Example,Senator\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke("build", "--recipients", "r.csv", "--audience", "memo", "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr == (
        "r.csv:2: a: templates/memo.md.j2:3: addressee_of() takes the recipient, "
        "addressee_of(recipient), not the text 'Alex Example'\n"
    )
    assert "Traceback" not in result.output
    assert not (tmp_path / "output").exists()


def test_a_fiscal_year_is_never_parted_at_a_lines_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This recipient's name set the chiefs' bottom line "… from FY 2020 to FY" over
    "2023, seizures …" on A4, in the PDF and in LibreOffice."""
    shutil.copy(REPO / "briefgen.toml", tmp_path)
    shutil.copytree(REPO / "facts", tmp_path / "facts")
    (tmp_path / "r.csv").write_text(
        "id,audience,name,title,office,place\n"
        "c,chiefs,Anne-Marie de la Cruz,Representative,,tucson-az\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = invoke("build", "--recipients", "r.csv", "--page-size", "a4", "--jobs", "1", "-q")
    assert result.exit_code == 0, result.output
    lines = pdf_text(tmp_path / "output/chiefs/c.pdf").split("\n")
    assert [line for line in lines if line.rstrip().endswith(" FY")] == []
    assert "From FY\xa02020 to FY\xa02023" in docx_text(tmp_path / "output/chiefs/c.docx")


YUMA_PRICE = """\
sources:
  - id: yuma-bulletin
    type: report
    title: Yuma price bulletin (a test's fiction)
facts:
  - id: yuma-pill-price
    kind: statistic
    text: In Yuma, a pill of illicit fentanyl costs $3 in this test.
    short: per fentanyl pill in Yuma, for chiefs only
    value: 3
    unit: USD per pill
    as_of: 2023
    source: yuma-bulletin
    topics: [prices]
    audiences: [chiefs]
    places: [yuma-az]
    es:
      text: En Yuma, una pastilla de fentanilo ilícito cuesta $3 en esta prueba.
      short: por pastilla de fentanilo en Yuma, solo para jefes
      unit: USD por pastilla
      reviewed: true
"""


def test_a_local_fact_reaches_only_the_audiences_it_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each built-in brief asks for the local price of its own audience: a price
    for chiefs alone is on the chiefs' copy for Yuma, not on the legislators' (which
    carries the general Tucson price instead) nor on the public and Spanish copies
    (which print a price only where one is local)."""
    shutil.copytree(REPO / "facts", tmp_path / "facts")
    (tmp_path / "facts" / "yuma.yaml").write_text(YUMA_PRICE, encoding="utf-8")
    (tmp_path / "r.csv").write_text(
        "id,audience,name,title,office,place\n"
        "y-leg,legislators,Pat Example,Senator,,yuma-az\n"
        "y-chief,chiefs,Lee Example,Chief,,yuma-az\n"
        "y-pub,public,,,Example Group,yuma-az\n"
        "y-es,public-es,,,Grupo de Ejemplo,yuma-az\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = invoke("build", "--recipients", "r.csv", "--format", "pdf", "--jobs", "1")
    assert result.exit_code == 0, result.output
    text = {
        name: " ".join(pdf_text(tmp_path / "output" / f"{name}.pdf").split())
        for name in ("legislators/y-leg", "chiefs/y-chief", "public/y-pub", "public-es/y-es")
    }
    assert "per fentanyl pill in Yuma, for chiefs only" in text["chiefs/y-chief"]
    for name in ("legislators/y-leg", "public/y-pub", "public-es/y-es"):
        assert "Yuma" not in text[name], name
    assert "for a fentanyl pill in Tucson" in text["legislators/y-leg"]


def test_a_place_written_as_a_name_is_its_slug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A recipients list from an address book says "Chicago, IL": that is chicago-il,
    in a copy's local facts as in `facts list --place`."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.csv").write_text(
        'id,audience,place\na,legislators,"Chicago, IL"\nb,legislators,WASHINGTON DC\n',
        encoding="utf-8",
    )
    args = ["--facts", str(REPO / "facts")]
    built = invoke("build", *args, "--recipients", "r.csv", "--format", "pdf", "--jobs", "1")
    assert built.exit_code == 0, built.output
    assert "no fact is about" not in built.stderr
    for copy in ("a", "b"):
        text = " ".join(pdf_text(tmp_path / f"output/legislators/{copy}.pdf").split())
        assert CHICAGO_DC in text and TUCSON not in text, copy
    listed = invoke("facts", "list", *args, "--place", "Chicago, IL")
    assert listed.exit_code == 0 and listed.output.split()[0] == "chicago-dc-pill-price"


def test_a_place_prints_as_the_recipients_file_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/templates.md: a template printing the place prints the column as written,
    a name for a name and a slug for a slug."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "where.md.j2").write_text(
        "# Where\n\nA letter to {{ recipient.place }}.\n", encoding="utf-8"
    )
    (tmp_path / "r.csv").write_text(
        'id,audience,place\na,where,"Chicago, IL"\nb,where,washington-dc\n', encoding="utf-8"
    )
    args = ["--facts", str(REPO / "facts"), "--recipients", "r.csv", "--format", "pdf"]
    built = invoke("build", *args, "--jobs", "1")
    assert built.exit_code == 0, built.output
    for copy, printed in (("a", "Chicago, IL"), ("b", "washington-dc")):
        text = " ".join(pdf_text(tmp_path / f"output/where/{copy}.pdf").split())
        assert f"A letter to {printed}." in text


def test_a_place_that_is_not_text_is_told_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "probe.md.j2").write_text(
        "# Probe\n\n{{ facts(place=[1]) | length }}\n", encoding="utf-8"
    )
    result = invoke("build", "--facts", str(REPO / "facts"), "--audience", "probe")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "templates/probe.md.j2:3: facts(): place is a place's slug or name (text such as "
        "'springfield-il'), not a list"
    )


def test_unknown_places_are_listed_up_to_twenty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A column of thousands of places no fact knows (not places at all, say) does not
    fill the terminal."""
    monkeypatch.chdir(tmp_path)
    rows = "".join(f"r{n},somewhere-{n}\n" for n in range(1000))
    (tmp_path / "r.csv").write_text("id,place\n" + rows, encoding="utf-8")
    result = invoke("facts", "check", "--facts", str(REPO / "facts"), "--recipients", "r.csv")
    warnings = [line for line in result.output.splitlines() if line.startswith("r.csv")]
    assert len(warnings) == 21
    assert warnings[0] == f"r.csv:2: place: no fact is about 'somewhere-0' ({KNOWN})"
    assert warnings[-1] == "r.csv: place: and 980 more places no fact is about"


def test_one_place_however_written_is_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copies match a place by its slug, and so do its warnings: one at the first row,
    as that row writes it, counting every row. A place with no slug stays as written."""
    monkeypatch.chdir(tmp_path)
    rows = 'a,"El Paso, TX"\nb,el-paso-tx\nc,Tucson AZ\nd,EL PASO TX\ne,!!\nf,?\n'
    (tmp_path / "r.csv").write_text("id,place\n" + rows, encoding="utf-8")
    result = invoke("facts", "check", "--facts", str(REPO / "facts"), "--recipients", "r.csv")
    warnings = [line for line in result.output.splitlines() if line.startswith("r.csv")]
    assert warnings == [
        f"r.csv:2: place: no fact is about 'El Paso, TX' (3 rows; {KNOWN})",
        f"r.csv:6: place: no fact is about '!!' ({KNOWN})",
        f"r.csv:7: place: no fact is about '?' ({KNOWN})",
    ]


def test_a_place_of_many_rows_counts_them_with_separators(tmp_path: Path) -> None:
    from briefgen.facts.report import unknown_places
    from briefgen.recipients import load_recipients

    class Store:
        def places(self) -> list[str]:
            return ["tucson-az"]

    rows = "".join(f"r{n},el-paso-tx\n" for n in range(1500))
    (tmp_path / "r.csv").write_text("id,place\n" + rows, encoding="utf-8")
    recipients = load_recipients(tmp_path / "r.csv", str, audience="any")
    assert unknown_places(Store(), recipients) == [  # type: ignore[arg-type]
        f"{tmp_path / 'r.csv'}:2: place: no fact is about 'el-paso-tx' (1,500 rows; facts "
        "know: tucson-az)"
    ]


def test_the_places_facts_know_are_listed_up_to_twenty(tmp_path: Path) -> None:
    from briefgen.facts.report import unknown_place_notes
    from briefgen.recipients import load_recipients

    class Store:
        def places(self) -> list[str]:
            return [f"place-{n:02}" for n in range(25)]

    (tmp_path / "r.csv").write_text("id,place\na,nowhere\n", encoding="utf-8")
    recipients = load_recipients(tmp_path / "r.csv", str, audience="any")
    ((_, message),) = unknown_place_notes(Store(), recipients)  # type: ignore[arg-type]
    assert message.endswith(
        "facts know: place-00, place-01, place-02, place-03, place-04, "
        "place-05, place-06, place-07, place-08, place-09, place-10, place-11, place-12, "
        "place-13, place-14, place-15, place-16, place-17, place-18, place-19 and 5 more)"
    )


@pytest.mark.parametrize("count", [20, 21])
def test_twenty_places_are_listed_whole(tmp_path: Path, count: int) -> None:
    """Up to twenty, every place is listed, and no "and 0 more"."""
    from briefgen.facts.report import unknown_place_notes
    from briefgen.recipients import load_recipients

    class Store:
        def places(self) -> list[str]:
            return [f"place-{n:02}" for n in range(count)]

    rows = "".join(f"r{n},nowhere-{n}\n" for n in range(count))
    (tmp_path / "r.csv").write_text("id,place\n" + rows, encoding="utf-8")
    notes = unknown_place_notes(Store(), load_recipients(tmp_path / "r.csv", str, "any"))  # type: ignore[arg-type]
    assert len(notes) == min(count, 20) + (count > 20)
    assert notes[0][1].endswith("place-19 and 1 more)" if count > 20 else "place-19)")


def test_facts_that_know_no_place_say_so(tmp_path: Path) -> None:
    from briefgen.facts.report import unknown_places
    from briefgen.recipients import load_recipients

    class Store:
        def places(self) -> list[str]:
            return []

    (tmp_path / "r.csv").write_text("id,place\na,tucson-az\n", encoding="utf-8")
    recipients = load_recipients(tmp_path / "r.csv", str, audience="any")
    assert unknown_places(Store(), recipients) == [  # type: ignore[arg-type]
        f"{tmp_path / 'r.csv'}:2: place: no fact is about 'tucson-az' (facts know: no places)"
    ]


def test_only_a_place_is_matched_by_its_slug() -> None:
    """`Chicago, IL` is chicago-il; `Prices` is not the topic prices."""
    listed = invoke("facts", "list", "--facts", str(REPO / "facts"), "--topic", "Prices")
    assert listed.exit_code == 1
    assert listed.stderr.startswith(
        "--topic: no fact has topic 'Prices' (did you mean 'prices'?); the facts' topics are "
    )


def test_facts_check_takes_the_name_column_build_takes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file that build reads with --name-column was refused: "id: no such column".
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.csv").write_text("office,place\nA1,el-paso-tx\n", encoding="utf-8")
    args = ["facts", "check", "--facts", str(REPO / "facts"), "--recipients", "r.csv"]
    assert invoke(*args).output.startswith("r.csv:1: id: no such column")
    result = invoke(*args, "--name-column", "office")
    assert result.exit_code == 0, result.output
    assert f"r.csv:2: place: no fact is about 'el-paso-tx' ({KNOWN})" in result.output


def test_a_title_without_a_name_gives_way_to_the_office(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row with a title but no name is addressed to its office ("For Senator:"
    names no one); with neither name nor office, to its title."""
    (tmp_path / "r.csv").write_text(
        "id,audience,name,title,office\n"
        "a,legislators,,Senator,Example State Office 9\n"
        "b,chiefs,,Sheriff,\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = invoke(
        "build", "--facts", str(REPO / "facts"), "--recipients", "r.csv", "--format", "pdf"
    )
    assert result.exit_code == 0, result.output
    legislators = " ".join(pdf_text(tmp_path / "output/legislators/a.pdf").split())
    assert "For Example State Office 9: We ask Congress" in legislators
    assert "Senator" not in legislators
    chiefs = " ".join(pdf_text(tmp_path / "output/chiefs/b.pdf").split())
    assert "For Sheriff. Bottom line:" in chiefs
