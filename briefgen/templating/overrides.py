"""Check a template that extends another: what it writes must reach the page.

Jinja renders an extending template as its parent, with the blocks it overrides:
a block of a name the parent chain lacks (``{% block askk %}`` for ``ask``) and
text outside every block are ignored without a word. Both are refused here, at
their line, before the brief renders.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, nodes

from briefgen.errors import Location, TemplateError
from briefgen.inputs import clip
from briefgen.suggest import closest
from briefgen.templating.search import BUILTIN_PREFIX, SearchPath


def check_overrides(
    env: Environment, search_path: SearchPath, name: str, markers: re.Pattern[str]
) -> None:
    """Refuse, at its line, a block of template ``name`` that overrides nothing, and
    text it writes outside every block, when it extends another template. ``markers``
    matches the line markers the environment plants in literal text."""
    found = search_path.find(name)
    if found is None:
        return
    assert env.loader is not None
    source, filename, _ = env.loader.get_source(env, name)
    if "extends" not in source:
        return  # no {% extends %} without the word: not parsed again (a third of rendering)
    tree = env.parse(source, name, filename)
    extends = next(iter(tree.find_all(nodes.Extends)), None)
    if extends is None or not isinstance(extends.template, nodes.Const):
        return  # not extending, or naming its parent at render time
    parent = str(extends.template.value)
    if search_path.find(parent) is None:
        return  # rendering says it is not found, at the extends line
    path = found[0]
    _refuse_a_circle(env, search_path, name, parent, Location.of(path, extends.lineno))
    for node in tree.body:
        for data in node.nodes if isinstance(node, nodes.Output) else ():
            line = _text_line(data, markers)
            if line is not None:
                raise TemplateError(
                    "text outside every block of a template that extends another is never "
                    "printed; put it inside one of the blocks it replaces",
                    Location.of(path, line),
                )
    known = _block_names(env, search_path, parent, depth=0)
    # A block inside a replaced block prints where it stands: only the outer ones
    # must replace one of the parent's.
    for block in (node for node in tree.body if isinstance(node, nodes.Block)):
        if block.name in known:
            continue
        close = closest(block.name, sorted(known))
        hint = f" (did you mean '{clip(close)}'?)" if close else ""
        raise TemplateError(
            f"block '{clip(block.name)}' replaces nothing: {parent} has no such "
            f"block{hint}; its blocks are {listed_blocks(sorted(known))}",
            Location.of(path, block.lineno),
        )


# The blocks a message lists, before saying how many more there are.
MAX_BLOCKS_LISTED = 20


def listed_blocks(names: list[str]) -> str:
    """``names`` for a message: each clipped, at most :data:`MAX_BLOCKS_LISTED`."""
    listed = ", ".join(clip(name) for name in names[:MAX_BLOCKS_LISTED])
    more = len(names) - MAX_BLOCKS_LISTED
    return listed + (f" and {more:,} more" if more > 0 else "")


def _refuse_a_circle(
    env: Environment, search_path: SearchPath, name: str, parent: str, where: Location
) -> None:
    """Refuse an ``extends`` that leads back to template ``name`` itself: Jinja went
    round until Python's recursion limit ("recursion too deep; does a macro or block
    call itself?"). ``templates/legislators.md.j2`` extending ``legislators.md.j2``
    names itself, not the built-in it replaces."""
    found = search_path.find(name)
    assert found is not None
    chain, current = [name], parent
    seen = {found[0].resolve()}
    while (at := search_path.find(current)) is not None:
        chain.append(current)
        if at[0].resolve() in seen:
            if len(chain) == 2:
                builtin = BUILTIN_PREFIX + Path(name).name
                hint = (
                    f'; to extend the built-in it replaces, write {{% extends "{builtin}" %}}'
                    if search_path.find(builtin) is not None
                    else ""
                )
                raise TemplateError(f"'{parent}' is this template: it extends itself{hint}", where)
            raise TemplateError(
                f"these templates extend each other in a circle: {' -> '.join(chain)}", where
            )
        seen.add(at[0].resolve())
        tree = _parse(env, current)
        extends = next(iter(tree.find_all(nodes.Extends)), None)
        if extends is None or not isinstance(extends.template, nodes.Const):
            return
        current = str(extends.template.value)


def _parse(env: Environment, name: str) -> nodes.Template:
    assert env.loader is not None
    source, filename, _ = env.loader.get_source(env, name)
    return env.parse(source, name, filename)


def _text_line(node: nodes.Node, markers: re.Pattern[str]) -> int | None:
    """The line of the first character a reader would see in the literal text
    ``node``; None when it is no literal text, or only white space."""
    if not isinstance(node, nodes.TemplateData):
        return None
    text = markers.sub("", node.data)
    if not text.strip():
        return None
    return node.lineno + text[: len(text) - len(text.lstrip())].count("\n")


def _block_names(env: Environment, search_path: SearchPath, name: str, depth: int) -> set[str]:
    """Every block template ``name`` and the templates it extends define."""
    if depth > 10 or search_path.find(name) is None:
        return set()
    tree = _parse(env, name)
    names = {block.name for block in tree.find_all(nodes.Block)}
    extends = next(iter(tree.find_all(nodes.Extends)), None)
    if extends is not None and isinstance(extends.template, nodes.Const):
        names |= _block_names(env, search_path, str(extends.template.value), depth + 1)
    return names
