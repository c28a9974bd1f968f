"""The glyph check: a character that would not print as written stops the build with
the character and where it was written named; nothing is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from briefgen import fonts, glyphs
from briefgen.cli import cli
from briefgen.fonts import EVERY_FONT_DRAWS, FALLBACK_FILES, font_dir
from briefgen.glyphs import printing_problem
from briefgen.theme import FAMILIES

REPO = Path(__file__).resolve().parents[1]

# One of each class: C0 controls (a unit separator, a form feed), DEL and a C1
# control, and the Unicode line and paragraph separators.
CONTROLS = {
    "\x1f": "U+001F control character",
    "\x0c": "U+000C control character",
    "\x7f": "U+007F control character",
    "\x85": "U+0085 control character",
    "\u2028": "U+2028 LINE SEPARATOR",
    "\u2029": "U+2029 PARAGRAPH SEPARATOR",
}


@pytest.mark.parametrize("char", list(CONTROLS), ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_glyph_check_refuses_control_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, char: str
) -> None:
    """A control character in a template: the PDF would show a space and the DOCX drop
    it (or break the line), so the build stops at the template's line instead."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    template = f"# Controls\n\nBefore{char}after.\n"
    (tmp_path / "templates" / "trial.md.j2").write_text(template, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["build", "--audience", "trial", "--facts", str(REPO / "facts")]
    )
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{Path('templates') / 'trial.md.j2'}:3: the template has "
        + (
            "an unprintable character: "
            if char not in "\u2028\u2029"
            else "a line separator, which prints differently in PDF and DOCX: "
        )
        + CONTROLS[char]
    ]
    assert not (tmp_path / "output").exists()


def test_nul_in_a_template_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Markdown turns U+0000 into U+FFFD: without a check the page would show a
    replacement character where the template has a NUL."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "trial.md.j2").write_text("# Nul\n\nA\x00b.\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["build", "--audience", "trial", "--facts", str(REPO / "facts")]
    )
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        f"{Path('templates') / 'trial.md.j2'}:3: the template has a replacement character, "
        "which stands for one that was lost (such as U+0000 NUL or bytes that are not "
        "UTF-8): U+FFFD"
    ]
    assert not (tmp_path / "output").exists()


def test_replacement_character_is_traced_to_its_fact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "facts").mkdir()
    (tmp_path / "templates").mkdir()
    (tmp_path / "facts" / "sources.yaml").write_text(
        "sources:\n  - id: city\n    type: report\n    title: City report\n", encoding="utf-8"
    )
    (tmp_path / "facts" / "case.yaml").write_text(
        "facts:\n  - id: lost\n    kind: finding\n    as_of: 2023\n    source: city\n"
        "    text: Fenta\ufffdnyl seizures rose.\n",
        encoding="utf-8",
    )
    (tmp_path / "templates" / "trial.md.j2").write_text(
        '# Lost\n\n{{ fact("lost").text }} {{ cite("lost") }}\n', encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["build", "--audience", "trial"])
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{Path('facts') / 'case.yaml'}:6: fact 'lost' has a "), line
    assert line.endswith("U+FFFD")


def build_template(tmp_path: Path, template: str) -> list[str]:
    """`briefgen build` of templates/trial.md.j2 in ``tmp_path`` (the working directory):
    its stderr lines when it fails, else the DOCX's paragraphs."""
    (tmp_path / "templates").mkdir(exist_ok=True)
    (tmp_path / "templates" / "trial.md.j2").write_text(template, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["build", "--audience", "trial", "--facts", str(REPO / "facts")]
    )
    if result.exit_code:
        assert result.exit_code == 1 and not (tmp_path / "output").exists(), result.output
        return result.stderr.splitlines()
    return [p.text for p in docx.Document(str(tmp_path / "output" / "trial.docx")).paragraphs]


TRIAL = f"{Path('templates') / 'trial.md.j2'}:3: the template has "


@pytest.mark.parametrize(
    ("char", "says"),
    [
        ("\u0378", "an unprintable character: U+0378 unnamed character"),
        (
            "\u05d0",
            "right-to-left text (U+05D0 HEBREW LETTER ALEF), which briefgen cannot lay out "
            "yet; keep such text out of one-page briefs",
        ),
        ("\u4e00", "a character no bundled font can draw: U+4E00 CJK UNIFIED IDEOGRAPH-4E00"),
        (
            "\U0001d5a0",
            "a character briefgen cannot write into a PDF's text: "
            "U+1D5A0 MATHEMATICAL SANS-SERIF CAPITAL A",
        ),
        (
            "\u200e",
            "an invisible formatting character, which the PDF and the DOCX would print "
            "differently (copied from a web page?): U+200E LEFT-TO-RIGHT MARK",
        ),
        (
            "\u200d",
            "an invisible formatting character, which the PDF and the DOCX would print "
            "differently (copied from a web page?): U+200D ZERO WIDTH JOINER",
        ),
        (
            "\u200b",
            "an invisible formatting character, which the PDF and the DOCX would print "
            "differently (copied from a web page?): U+200B ZERO WIDTH SPACE",
        ),
        (
            "\u202f",
            "a special space, which the PDF would set as a plain, breaking space and the "
            "DOCX as itself; type a plain or a no-break space: U+202F NARROW NO-BREAK SPACE",
        ),
        (
            "\u2009",
            "a special space, which the PDF would set as a plain, breaking space and the "
            "DOCX as itself; type a plain or a no-break space: U+2009 THIN SPACE",
        ),
    ],
    ids=[
        "unassigned",
        "right-to-left",
        "no-glyph",
        "beyond-BMP",
        "lrm",
        "zwj",
        "zwsp",
        "nnbsp",
        "thin",
    ],
)
def test_glyph_check_says_what_is_wrong(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, char: str, says: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert build_template(tmp_path, f"# Odd\n\nAn odd {char} here.\n") == [TRIAL + says]


@pytest.mark.parametrize("family", list(FAMILIES))
def test_characters_both_formats_set_alike_print(family: str) -> None:
    """A soft hyphen, word joiner, byte-order mark and no-break space, as text pasted
    from a web page carries them: set alike in the PDF and by Word."""
    text = "soft\u00adhyphen\u2060and\ufeffmark\u00a0and space"
    assert printing_problem(text, FAMILIES[family]) is None


def test_a_character_only_liberation_draws_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """U+02EA is in Liberation Sans and not in DejaVu Sans: the main font is enough."""
    monkeypatch.chdir(tmp_path)
    assert build_template(tmp_path, "# Tone\n\nA tone \u02ea mark.\n")[1] == "A tone \u02ea mark."


# In Carlito and in neither Liberation Sans nor the DejaVu Sans fallback, and the
# other way round (the bundled fonts' cmaps, read with fontTools).
CARLITO_ONLY = "\u246a"  # CIRCLED NUMBER ELEVEN
LIBERATION_ONLY = "\u02f4"  # MODIFIER LETTER MIDDLE GRAVE ACCENT
NO_GLYPH = "a character no bundled font can draw: "
# A character another bundled family draws: the message names it, for theme.font.
CARLITO_LACKS = (
    'a character the font "carlito" and its fallback cannot draw '
    '(the font "liberation-sans" or "liberation-serif" can): '
)


def test_the_theme_font_decides_what_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With Carlito as the theme's font, a character only Carlito draws prints and one
    only Liberation Sans draws is refused."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefgen.toml").write_text('[theme]\nfont = "carlito"\n', encoding="utf-8")
    eleven = f"Step {CARLITO_ONLY} here."
    assert build_template(tmp_path, f"# Eleven\n\n{eleven}\n")[1] == eleven
    shutil.rmtree(tmp_path / "output")
    assert build_template(tmp_path, f"# Odd\n\nAn odd {LIBERATION_ONLY} here.\n") == [
        f"{TRIAL}{CARLITO_LACKS}U+02F4 MODIFIER LETTER MIDDLE GRAVE ACCENT"
    ]


def test_what_one_family_prints_is_not_taken_for_another(monkeypatch: pytest.MonkeyPatch) -> None:
    """The characters found printable are remembered per family, never across them."""
    monkeypatch.setattr(glyphs, "_PRINTABLE", {})
    sans, carlito = FAMILIES["liberation-sans"], FAMILIES["carlito"]
    assert printing_problem(f"a{LIBERATION_ONLY}", sans) is None
    assert printing_problem(f"a{LIBERATION_ONLY}", carlito) == (
        f"{CARLITO_LACKS}U+02F4 MODIFIER LETTER MIDDLE GRAVE ACCENT"
    )
    assert printing_problem(CARLITO_ONLY, carlito) is None
    assert printing_problem(CARLITO_ONLY, sans) == (
        'a character the font "liberation-sans" and its fallback cannot draw '
        '(the font "carlito" can): U+246A CIRCLED NUMBER ELEVEN'
    )
    # Asked again, from what each family remembers: the same answers.
    assert printing_problem(LIBERATION_ONLY, sans) is None
    assert printing_problem(LIBERATION_ONLY, carlito) is not None
    assert printing_problem(CARLITO_ONLY, sans) is not None


def test_line_ends_and_tabs_need_no_glyph(monkeypatch: pytest.MonkeyPatch) -> None:
    """A line end or tab in a text is laid out, not drawn, in every family, the first
    text checked included."""
    for family in FAMILIES.values():
        monkeypatch.setattr(glyphs, "_PRINTABLE", {})
        assert printing_problem("one\ntwo\tthree", family) is None
        assert printing_problem("\t\n", family) is None


def test_every_bundled_font_draws_the_characters_said_to_need_no_look_up() -> None:
    """fonts.EVERY_FONT_DRAWS answers without reading a font: each bundled file has
    each of its characters, as reportlab's reader (the one draws() uses) finds them."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    files = sorted(font_dir().glob("*.ttf"))
    named = {*FALLBACK_FILES.values()} | {
        f for family in FAMILIES.values() for f in family.files.values()
    }
    assert named <= {file.name for file in files}
    for file in files:
        drawn = TTFontFile(str(file)).charToGlyph
        assert [c for c in sorted(EVERY_FONT_DRAWS) if ord(c) not in drawn] == [], file.name


def test_text_of_latin_letters_and_common_punctuation_is_checked_without_a_font(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A brief in English or Spanish (curly quotes, dashes, accented letters) needs no
    font file read for its glyph check: reading one took a cold build ~3 ms, and the
    PDF renderer reads the file again to lay the text out."""

    def unread(file: str) -> frozenset[int]:
        raise AssertionError(f"{file} read")

    monkeypatch.setattr(fonts, "_character_map", unread)
    for family in FAMILIES.values():
        monkeypatch.setattr(glyphs, "_PRINTABLE", {})
        text = "\u201cAñadió\u201d \u2013 ¿el 5\u00a0% de 1\u2019000 € en 2024?\u2026 \u2014 ok"
        assert printing_problem(text, family) is None


def test_glyph_check_blames_the_source_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line separator in a source's title reaches the page only in the notes; the
    error points at the title's line in sources.yaml."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(REPO / "facts", tmp_path / "facts")
    sources = tmp_path / "facts" / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    title = "    title: NPR/Ipsos poll\n"
    line = text[: text.index(title)].count("\n") + 1
    escaped = '    title: "NPR/Ipsos\\u2028poll"\n'  # a YAML escape, not a raw U+2028
    sources.write_text(text.replace(title, escaped), "utf-8")
    result = CliRunner().invoke(cli, ["build", "--audience", "public", "--format", "pdf"])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        f"{Path('facts') / 'sources.yaml'}:{line}: source 'npr-ipsos-poll-2022' has a line "
        "separator, which prints differently in PDF and DOCX: U+2028 LINE SEPARATOR"
    ]


def test_glyph_check_blames_a_facts_spanish_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A character in a fact's es: was blamed on the template that printed it, not on
    the fact, where the English text's is (README: "refused with the fact ...")."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(REPO / "facts", tmp_path / "facts")
    path = tmp_path / "facts" / "public-opinion.yaml"
    text = path.read_text(encoding="utf-8")
    spanish = "        Los migrantes que traen fentanilo"  # printed by public-es's myth
    line = text[: text.index(spanish)].count("\n") - 1  # the es: line above the text
    path.write_text(text.replace(spanish, spanish.replace("que traen", "que\u200btraen")), "utf-8")
    result = CliRunner().invoke(cli, ["build", "--audience", "public-es", "--format", "pdf"])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        f"{Path('facts') / 'public-opinion.yaml'}:{line}: fact "
        "'myth-migrants-cause-overdose-rise' (its Spanish form, es:) has an invisible "
        "formatting character, which the PDF and the DOCX would print differently (copied "
        "from a web page?): U+200B ZERO WIDTH SPACE"
    ]


def test_a_character_in_a_block_of_yours_inside_a_built_in_box_is_told_at_your_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The built-in legislators brief opens its ask's box at its own line 14; a
    template replacing the ask got a character it cannot print told at
    builtin/legislators.md.j2:14, a file the user never wrote, not at its own line."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "legislators.md.j2").write_text(
        '{% extends "builtin/legislators.md.j2" %}\n{% block ask %}\n'
        "We ask \u4e2d Congress.\n{% endblock %}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["build", "--audience", "legislators", "--facts", str(REPO / "facts")]
    )
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        f"{Path('templates') / 'legislators.md.j2'}:3: the template has {NO_GLYPH}"
        "U+4E2D CJK UNIFIED IDEOGRAPH-4E2D"
    ]
    assert not (tmp_path / "output").exists()
