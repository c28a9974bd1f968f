"""Template -> blocks fixtures: each ``parse_cases/NAME.md.j2`` is rendered against
``parse_cases/facts.yaml`` and its blocks must read as ``NAME.blocks`` says."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.facts import load_store
from briefgen.model import (
    AnyBlock,
    BulletList,
    Callout,
    Cite,
    Heading,
    Inlines,
    LineBreak,
    Notes,
    Quote,
    Span,
)
from briefgen.parse import parse_blocks
from briefgen.settings import Settings
from briefgen.templating.environment import TemplateRenderer
from briefgen.templating.search import SearchPath

CASES = Path(__file__).parent / "parse_cases"


def dump_inlines(inlines: Inlines) -> str:
    parts = []
    for run in inlines:
        if isinstance(run, Span):
            text = f'"{run.text}"'
            text = f"**{text}**" if run.bold else text
            parts.append(f"*{text}*" if run.italic else text)
        elif isinstance(run, Cite):
            parts.append(f"[{','.join(run.fact_ids)}]")
        elif isinstance(run, LineBreak):
            parts.append("<br>")
    return " ".join(parts)


def dump(block: AnyBlock) -> str:
    where = f"at {Path(block.location.path).name}:{block.location.line}"
    if block.droppable:
        where += f" optional(group={block.droppable.group}, priority={block.droppable.priority})"
    if isinstance(block, Heading):
        return f"heading level={block.level} {where}: {dump_inlines(block.inlines)}"
    if isinstance(block, BulletList):
        items = " ".join(f"item({dump_inlines(item)})" for item in block.items)
        return f"{'ordered list' if block.ordered else 'list'} {where}: {items}"
    if isinstance(block, Callout):
        return f'callout figure="{block.figure}" {where}: {dump_inlines(block.label)}'
    if isinstance(block, Quote):
        return f'quote by "{block.attribution}" {where}: {dump_inlines(block.inlines)}'
    if isinstance(block, Notes):
        return f'notes "{block.title}" {where}'
    return f"paragraph {where}: {dump_inlines(block.inlines)}"


@pytest.mark.parametrize(
    "case", sorted(p.name.removesuffix(".md.j2") for p in CASES.glob("*.md.j2"))
)
def test_template_to_blocks(case: str) -> None:
    store = load_store(CASES / "facts.yaml")
    search = SearchPath.build([CASES], CASES / "no-workspace")
    rendered = TemplateRenderer(search, store, Settings()).render(search.audience(case))
    blocks = parse_blocks(rendered.text, rendered.lines, rendered.location(0))
    expected = (CASES / f"{case}.blocks").read_text(encoding="utf-8").splitlines()
    assert [dump(b) for b in blocks] == expected
