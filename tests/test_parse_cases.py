"""Template -> blocks fixtures: each ``parse_cases/NAME.md.j2`` is rendered against
``parse_cases/facts.yaml`` and its blocks must read as ``NAME.blocks`` says; each case
in ``parse_cases/refusals.yaml`` must stop with exactly its ``file:line: message``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from briefgen.assemble import chart_resolver, citation_check
from briefgen.errors import BriefgenError
from briefgen.facts import load_store
from briefgen.model import (
    AnyBlock,
    Box,
    BulletList,
    Callout,
    CardRow,
    Chart,
    Cite,
    Columns,
    Heading,
    HorizontalRule,
    Image,
    Inlines,
    LineBreak,
    Notes,
    QrCode,
    Quote,
    Span,
    Table,
)
from briefgen.parse import parse_blocks
from briefgen.settings import Settings
from briefgen.templating.environment import TemplateRenderer
from briefgen.templating.search import SearchPath

CASES = Path(__file__).parent / "parse_cases"
REFUSALS = yaml.safe_load((CASES / "refusals.yaml").read_text(encoding="utf-8"))


def dump_inlines(inlines: Inlines) -> str:
    parts = []
    for run in inlines:
        if isinstance(run, Span):
            text = '"{}"'.format(run.text.replace("\u00a0", "<nbsp>"))
            text = f"**{text}**" if run.bold else text
            text = f"*{text}*" if run.italic else text
            text = f"{text}<{run.href}>" if run.href else text
            parts.append(f"{text}{{lang={run.language}}}" if run.language else text)
        elif isinstance(run, Cite):
            parts.append(f"[{','.join(run.fact_ids)}]")
        elif isinstance(run, LineBreak):
            parts.append("<br>")
    return " ".join(parts)


def dump(block: AnyBlock, indent: str = "") -> list[str]:
    """One line per block, the blocks a box, row of cards or column holds indented
    below it."""
    where = f"at {Path(block.location.path).name}:{block.location.line}"
    if block.droppable:
        where += f" optional(group={block.droppable.group}, priority={block.droppable.priority})"
    if isinstance(block, Heading):
        line = f"heading level={block.level} {where}: {dump_inlines(block.inlines)}"
    elif isinstance(block, BulletList):
        items = " ".join(f"item({dump_inlines(item)})" for item in block.items)
        kind = f"ordered list start={block.start}" if block.ordered else "list"
        run = f" depth={block.depth}" if block.depth else ""
        run += " resumes" if block.resumes else ""
        run += "" if block.closes else " (list goes on)"
        line = f"{kind}{run} {where}: {items}"
    elif isinstance(block, Callout):
        figure = block.figure.replace("\u00a0", "<nbsp>")
        line = f'callout figure="{figure}" {where}: {dump_inlines(block.label)}'
    elif isinstance(block, Quote):
        who = "".join(
            f"[{r.text}]{{lang={r.language}}}" if r.language else r.text
            for r in block.attribution
            if isinstance(r, Span)
        )
        line = f'quote by "{who}" {where}: {dump_inlines(block.inlines)}'
    elif isinstance(block, Notes):
        line = f'notes "{block.title}" {where}'
    elif isinstance(block, Image):
        picture = block.picture
        size = f"{picture.width_px}x{picture.height_px}"
        line = f'image "{picture.alt}" {picture.format} {size} width={block.width:g} {where}'
    elif isinstance(block, HorizontalRule):
        line = f"rule {where}"
    elif isinstance(block, Table):
        lines = [f"{indent}table {where} align={','.join(block.align)}:"]
        for row in (block.header, *block.rows):
            lines.append(f"{indent}  row: " + " | ".join(dump_inlines(c) for c in row))
        return lines
    elif isinstance(block, QrCode):
        line = f'qr "{block.url}" {where}'
    elif isinstance(block, Chart):
        bars = " ".join(
            f'bar("{b.label}" {b.value:g} "{b.figure}" {b.fact_id})' for b in block.bars
        )
        line = (
            f'chart {block.kind} "{block.title}" unit="{block.unit}" {where}: {bars}'
            f' alt="{block.alt}" caption: {dump_inlines(block.caption)}'
        )
    elif isinstance(block, Box | CardRow):
        inner = block.blocks if isinstance(block, Box) else block.cards
        name = "box" if isinstance(block, Box) else "cards"
        return [f"{indent}{name} {where}:"] + [
            line for child in inner for line in dump(child, indent + "  ")
        ]
    elif isinstance(block, Columns):
        lines = [f"{indent}columns {where}:", f"{indent}  aside:"]
        lines += [line for child in block.aside for line in dump(child, indent + "    ")]
        lines.append(f"{indent}  main:")
        return lines + [line for child in block.main for line in dump(child, indent + "    ")]
    else:
        line = f"paragraph {where}: {dump_inlines(block.inlines)}"
    return [indent + line]


def parse_case(folder: Path, case: str) -> list[AnyBlock]:
    """The blocks of ``folder/case.md.j2``, parsed as a build parses them."""
    store = load_store(CASES / "facts.yaml")
    search = SearchPath.build([folder], folder / "no-workspace")
    rendered = TemplateRenderer(search, store, Settings()).render(search.audience(case))
    return parse_blocks(
        rendered.text,
        rendered.lines,
        rendered.location(0),
        check=citation_check(store),
        charts=chart_resolver(store),
        folders=rendered.folders,
    )


@pytest.mark.parametrize(
    "case", sorted(p.name.removesuffix(".md.j2") for p in CASES.glob("*.md.j2"))
)
def test_template_to_blocks(case: str) -> None:
    blocks = parse_case(CASES, case)
    expected = (CASES / f"{case}.blocks").read_text(encoding="utf-8").splitlines()
    assert [line for b in blocks for line in dump(b)] == expected


@pytest.mark.parametrize("case", REFUSALS, ids=[c["name"] for c in REFUSALS])
def test_refused_at_its_line(case: dict[str, str], tmp_path: Path) -> None:
    for picture in ("bars.png", "photo.jpg", "icon.gif"):
        shutil.copy(CASES / picture, tmp_path / picture)
    (tmp_path / "case.md.j2").write_text(case["template"], encoding="utf-8")
    with pytest.raises(BriefgenError) as raised:
        parse_case(tmp_path, "case")
    where = raised.value.location
    assert where is not None
    expected = case["error"].replace("{folder}", str(tmp_path))
    assert f"{Path(where.path).name}:{where.line}: {raised.value.detail}" == expected
