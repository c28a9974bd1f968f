"""`briefgen preview` (each PDF page as a PNG) and the README's pictures of the built-in
briefs, which scripts/readme-images draws and this test keeps from going stale."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from briefgen.cli import cli
from briefgen.pipeline import BuildOptions
from briefgen.preview import page_files, preview, rasterize

REPO = Path(__file__).resolve().parents[1]
IMAGES = REPO / "docs" / "images"
AUDIENCES = ("legislators", "chiefs", "public")
# PDFium's versions anti-alias glyph edges a little differently: PDFium 6462
# (pypdfium2 4.30) and the one that drew docs/images differ by at most 4 levels in
# 18,000 edge pixels of the same page. A changed letter differs by ~200 levels in
# ~80 pixels, so a channel more than 16 levels off means the brief itself changed.
TOLERANCE = 16


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace with the repository's settings, the working directory of the test;
    its facts stay in the repository (``--facts``)."""
    folder = tmp_path / "workspace"
    folder.mkdir()
    shutil.copy(REPO / "briefgen.toml", folder)
    monkeypatch.chdir(folder)
    return folder


def test_preview_writes_each_brief_as_a_png_of_the_page_at_the_dpi(workspace: Path) -> None:
    facts = ["--facts", str(REPO / "facts")]
    result = CliRunner().invoke(
        cli, ["preview", "--audience", "public", "--dpi", "36", "--date", "2026-10-01", *facts]
    )
    assert result.exit_code == 0, result.output
    out = workspace / "output" / "preview"
    assert result.stdout == "wrote output/preview/public.png\n"
    assert sorted(p.name for p in out.iterdir()) == ["public.png"]  # no lock, no temporaries
    with Image.open(out / "public.png") as image:
        assert image.format == "PNG"
        assert image.size == (306, 396)  # Letter, 8.5 x 11 in at 36 dpi
        gray = image.convert("L")
        assert gray.getpixel((0, 0)) == 255  # the margin is white paper
        assert gray.getextrema()[0] < 64  # and there is dark text on it
        october = image.convert("RGB")
    # The options build takes reach the brief: another date shows, another page size.
    for more, out_dir in ((["--date", "2027-03-01"], "march"), (["--page-size", "a4"], "a4")):
        result = CliRunner().invoke(
            cli, ["preview", "--audience", "public", "--dpi", "36", *facts, *more, "--out", out_dir]
        )
        assert result.exit_code == 0, result.output
    with Image.open(workspace / "march" / "public.png") as march:
        assert ImageChops.difference(october, march.convert("RGB")).getbbox() is not None
    with Image.open(workspace / "a4" / "public.png") as a4:
        assert a4.size == (298, 421)  # A4, 210 x 297 mm at 36 dpi


@pytest.mark.parametrize(("dpi", "shown"), [("35", "35"), ("601", "601"), ("high", "'high'")])
def test_a_dpi_out_of_bounds_is_refused_and_nothing_is_written(
    workspace: Path, dpi: str, shown: str
) -> None:
    result = CliRunner().invoke(cli, ["preview", "--dpi", dpi, "--out", "shots"])
    assert result.exit_code == 2
    assert f"Invalid value for '--dpi': {shown} is not" in result.output
    assert not (workspace / "shots").exists()


def test_bad_input_is_one_line_with_its_place_and_nothing_is_written(workspace: Path) -> None:
    facts = workspace / "facts"
    facts.mkdir()
    (facts / "broken.yaml").write_text("facts: [\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["preview", "--out", "shots"])
    assert result.exit_code == 1
    assert result.output.startswith("facts/broken.yaml:2: YAML: ")
    assert result.output.count("\n") == 1
    assert not (workspace / "shots").exists()


@pytest.mark.parametrize(
    ("command", "logo"),
    [("preview", "public.png"), ("build", "public.pdf")],
    ids=["preview", "build"],
)
def test_no_file_is_written_over_the_logo(workspace: Path, command: str, logo: str) -> None:
    """``preview --out .`` beside a logo named as an audience's image replaced the logo
    with the page's picture, and the next build printed that in the masthead. (A logo is
    read by its content, so a PNG named ``public.pdf`` is one too.)"""
    image = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(image, "PNG")
    (workspace / logo).write_bytes(image.getvalue())
    (workspace / "briefgen.toml").write_text(f'[theme]\nlogo = "{logo}"\n', encoding="utf-8")
    facts = ["--facts", str(REPO / "facts")]
    args = [command, "--audience", "public", *facts, "--out", "."]
    result = CliRunner().invoke(cli, [*args, *(["--dpi", "36"] if command == "preview" else [])])
    assert result.exit_code == 1
    assert result.output == (
        f"{logo}: this file would be written over the logo (theme.logo in briefgen.toml); "
        "choose another --out\n"
    )
    assert (workspace / logo).read_bytes() == image.getvalue()
    assert sorted(p.name for p in workspace.iterdir()) == ["briefgen.toml", logo]


def test_a_direct_call_with_a_dpi_out_of_bounds_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"dpi 601 is outside 36\.\.600"):
        preview(BuildOptions(workspace=tmp_path), dpi=601)


def test_every_page_of_a_pdf_is_drawn_and_named_by_its_number() -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(144, 72))
    canvas.rect(0, 0, 72, 72, fill=1)  # page 1: black on its left half
    canvas.showPage()
    canvas.showPage()  # page 2: blank
    canvas.save()
    pages = rasterize(buffer.getvalue(), 72)
    assert len(pages) == 2
    first, second = (Image.open(io.BytesIO(page)).convert("L") for page in pages)
    assert first.size == second.size == (144, 72)
    assert (first.getpixel((10, 10)), first.getpixel((130, 10))) == (0, 255)
    assert second.getextrema() == (255, 255)
    assert page_files("public", pages) == {"public-1.png": pages[0], "public-2.png": pages[1]}
    assert page_files("public", pages[:1]) == {"public.png": pages[0]}


@pytest.mark.parametrize(
    ("size", "dpi", "pixels"),
    [((612, 792), 150, (1275, 1650)), ((612, 792), 600, (5100, 6600)), (A4, 300, (2480, 3508))],
)
def test_a_page_is_its_size_at_the_dpi_and_says_the_dpi(
    size: tuple[float, float], dpi: int, pixels: tuple[int, int]
) -> None:
    """Letter at 150 dpi was 1275 x 1651 (PDFium rounds up 1650.0000000000002), and no
    image said its resolution, so a print program took it as 72 or 96 dpi."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=size)
    canvas.showPage()
    canvas.save()
    (page,) = rasterize(buffer.getvalue(), dpi)
    image = Image.open(io.BytesIO(page))
    assert image.size == pixels
    assert tuple(round(d) for d in image.info["dpi"]) == (dpi, dpi)


def test_the_readme_shows_the_three_briefs() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for audience in AUDIENCES:
        assert f"](docs/images/{audience}.png)" in readme


def test_the_readme_images_are_what_the_briefs_look_like_now(tmp_path: Path) -> None:
    """scripts/readme-images draws the briefs again; each image must match the one
    committed, pixel for pixel within PDFium's anti-aliasing. If this fails, a
    template, renderer or the sample facts changed: run scripts/readme-images and
    commit docs/images."""
    env = {**os.environ, "PYTHON": sys.executable}
    subprocess.run(
        [str(REPO / "scripts" / "readme-images"), str(tmp_path)], check=True, env=env, timeout=120
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{a}.png" for a in sorted(AUDIENCES)]
    for audience in AUDIENCES:
        with (
            Image.open(IMAGES / f"{audience}.png") as committed,
            Image.open(tmp_path / f"{audience}.png") as fresh,
        ):
            assert fresh.size == committed.size, f"{audience}: page size changed"
            difference = ImageChops.difference(fresh.convert("RGB"), committed.convert("RGB"))
            worst = max(high for _, high in difference.getextrema())
            assert worst <= TOLERANCE, (
                f"docs/images/{audience}.png is stale (a pixel {worst} levels off, in the box "
                f"{difference.point(lambda v: 255 if v > TOLERANCE else 0).getbbox()}): "
                "run scripts/readme-images and commit docs/images"
            )
