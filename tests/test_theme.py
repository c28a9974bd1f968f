"""The theme: bundled font families, colour contrast in colour and in grey."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from pathlib import Path

import PIL.Image
import pytest
from fontTools.ttLib import TTFont
from office import write_fonts_conf

from briefgen.fonts import font_dir, font_path
from briefgen.graphics.chart import EMPTY
from briefgen.theme import (
    DEFAULT_THEME,
    FAMILIES,
    LARGE_MINIMUM,
    MUTED,
    TEXT_MINIMUM,
    WHITE,
    contrast,
    contrast_problems,
    grey,
    hex_colour,
    parse_colour,
    tint_of,
)

# The family name each bundled file must declare (name ID 1 and, for the style, ID 2).
FAMILY_NAMES = {
    "liberation-sans": "Liberation Sans",
    "carlito": "Carlito",
    "liberation-serif": "Liberation Serif",
}
STYLES = {"regular": "Regular", "bold": "Bold", "italic": "Italic", "bolditalic": "Bold Italic"}
WORD_TWINS = {
    "liberation-sans": "Arial",
    "carlito": "Calibri",
    "liberation-serif": "Times New Roman",
}


@pytest.mark.parametrize("key", sorted(FAMILY_NAMES))
def test_each_family_is_bundled_with_its_licence(key: str) -> None:
    family = FAMILIES[key]
    assert family.docx_name == WORD_TWINS[key]
    assert set(family.files) == set(STYLES)
    for variant, style in STYLES.items():
        names = TTFont(font_path(family, variant), lazy=True)["name"]
        assert names.getDebugName(1) == FAMILY_NAMES[key]
        assert names.getDebugName(2) == style
        assert names.getDebugName(6).startswith(family.pdf_name)
    licence = (font_dir() / family.licence).read_text(encoding="utf-8")
    assert "SIL Open Font License" in licence or "OFL-1.1" in licence


@pytest.mark.parametrize("key", sorted(FAMILY_NAMES))
def test_libreoffice_lays_the_word_font_out_with_the_bundled_twin(key: str, tmp_path: Path) -> None:
    """The DOCX names the Word font; under the fontconfig the DOCX tests give
    LibreOffice, that name must find the bundled twin, not another font."""
    if shutil.which("fc-match") is None:
        pytest.skip("fontconfig's fc-match is not installed")
    family = FAMILIES[key]
    env = {**os.environ, "FONTCONFIG_FILE": str(write_fonts_conf(tmp_path.resolve()))}
    for variant, style in STYLES.items():
        pattern = f"{family.docx_name}:style={style}"
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", pattern], env=env, capture_output=True, text=True
        )
        assert Path(found.stdout).resolve() == font_path(family, variant).resolve(), pattern


def test_every_bundled_file_belongs_to_a_family_or_the_fallback() -> None:
    named = {file for family in FAMILIES.values() for file in family.files.values()}
    named |= {family.licence for family in FAMILIES.values()}
    named |= {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE-DejaVuSans.txt"}
    assert {path.name for path in font_dir().iterdir()} == named


def test_contrast_is_wcag_relative_luminance() -> None:
    assert contrast((0, 0, 0), WHITE) == pytest.approx(21)
    assert contrast(WHITE, WHITE) == 1
    # WCAG's own example values: #777 on white just fails 4.5:1, #767676 just passes.
    assert contrast((0x77, 0x77, 0x77), WHITE) == pytest.approx(4.48, abs=0.01)
    assert contrast((0x76, 0x76, 0x76), WHITE) == pytest.approx(4.54, abs=0.01)
    assert contrast((0x76, 0x76, 0x76), WHITE) == contrast(WHITE, (0x76, 0x76, 0x76))


@pytest.mark.parametrize(
    "colour", [(255, 0, 0), (0, 255, 0), (0, 0, 255), (0x1F, 0x3A, 0x5F), (0x8A, 0x7E, 0xD2)]
)
def test_grey_is_the_luma_printers_use(colour: tuple[int, int, int]) -> None:
    level = PIL.Image.new("RGB", (1, 1), colour).convert("L").getpixel((0, 0))
    assert isinstance(level, int)
    assert abs(grey(colour)[0] - level) <= 1  # Pillow rounds in fixed point
    assert grey(colour) == (grey(colour)[0],) * 3


def test_colours_read_and_write_as_hex() -> None:
    assert parse_colour("#1f3a5f") == (0x1F, 0x3A, 0x5F)
    assert hex_colour((0x1F, 0x3A, 0x5F)) == "#1f3a5f"
    for bad in ("1f3a5f", "#1f3a5", "#1f3a5f0", "#1f3a5g"):
        with pytest.raises(ValueError):
            parse_colour(bad)


def test_the_tint_is_a_little_of_the_primary() -> None:
    assert tint_of((0, 0, 0), 0.1) == (230, 230, 230)
    assert tint_of(WHITE) == WHITE
    assert DEFAULT_THEME.tint == tint_of(DEFAULT_THEME.primary)


def test_the_default_theme_passes_in_colour_and_in_grey() -> None:
    assert contrast_problems(DEFAULT_THEME) == {}


def test_the_fixed_colours_pass_on_every_tint_a_theme_can_make() -> None:
    """Muted text (notes, captions) and a pictogram's empty figures are not the
    theme's, so its check never sees them: they must pass on the darkest tint any
    primary makes (black's; every channel of a tint is at least that light), in
    colour and in grey."""
    darkest = tint_of((0, 0, 0))
    assert all(channel >= darkest[0] for channel in tint_of((255, 0, 0)))
    for colour, minimum in ((MUTED, TEXT_MINIMUM), (EMPTY, LARGE_MINIMUM)):
        for ground in (WHITE, darkest):
            assert contrast(colour, ground) >= minimum
            assert contrast(grey(colour), grey(ground)) >= minimum


def test_a_light_primary_fails_against_white() -> None:
    theme = dataclasses.replace(DEFAULT_THEME, primary=(0x77, 0x99, 0xBB))
    problem = contrast_problems(theme)["primary"]
    assert not problem.grayscale
    assert problem.message() == (
        "as headings on white and behind the masthead's white text has contrast 2.97:1; "
        "WCAG AA needs at least 4.5:1"
    )


def test_a_primary_that_passes_on_white_can_fail_on_the_tint() -> None:
    # 4.6:1 on white, less on the tint of cards and boxes.
    theme = dataclasses.replace(DEFAULT_THEME, primary=(0x75, 0x75, 0x75))
    theme = dataclasses.replace(theme, tint=tint_of(theme.primary))
    assert contrast(theme.primary, WHITE) > 4.5
    assert (
        "on the tint of cards and boxes (#eeeeee)" in contrast_problems(theme)["primary"].message()
    )


def test_an_accent_legible_in_colour_but_not_in_grey_is_refused() -> None:
    theme = dataclasses.replace(DEFAULT_THEME, accent=(0x96, 0x72, 0xC0))
    assert contrast(theme.accent, theme.tint) >= 3
    problem = contrast_problems(theme)["accent"]
    assert problem.grayscale
    assert problem.message().endswith("2.94:1 printed in grayscale; WCAG AA needs at least 3:1")


def test_large_text_needs_three_to_one_not_four_and_a_half() -> None:
    # 3.5:1 on the tint: enough for large bold figures, rules and bars.
    theme = dataclasses.replace(DEFAULT_THEME, accent=(0xD0, 0x5A, 0x00))
    assert 3 < contrast(theme.accent, theme.tint) < 4.5
    assert contrast_problems(theme) == {}


def test_a_ratio_just_below_the_minimum_is_not_shown_as_the_minimum() -> None:
    theme = dataclasses.replace(DEFAULT_THEME, primary=(0x77, 0x77, 0x77))
    assert "4.47:1" in contrast_problems(theme)["primary"].message()
