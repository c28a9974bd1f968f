"""What to tell a template author about a name nothing defines.

Jinja says ``'agencie' is undefined`` and no more. A name a template uses and nothing
defines is most often one of three slips:

- a misspelt global (``recipent``, ``Cite``): :class:`~.sandbox.TemplateUndefined`
  offers the closest name every template has;
- a name the template sets where the line that uses it does not see it (in a loop,
  a block, a macro): told how far a name reaches;
- a misspelt name the template sets itself (``{% set agencies = ... %}`` then
  ``{{ agencie }}``, a loop's variable, a macro, an imported name), or one the
  templates it extends set at their top level, which its blocks see too: offered
  here, from the template's own text, parsed again;
- a fact id written without its quotes (``cite(state-local-agencies)``), which Jinja
  reads as the name ``state`` minus ``local`` minus ``agencies``: told here that an
  id is text in quotes.

The search is bounded: the names come from the template and at most
:data:`MAX_PARENTS` templates it extends, and the closest is found within
:mod:`briefgen.suggest`'s limits.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Iterator, Sequence
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, TemplateError, nodes

from briefgen.errors import BriefgenError
from briefgen.suggest import closest_name
from briefgen.templating.search import read_template, split_front_matter

# How many templates up an ``{% extends %}`` chain the names are gathered from, and
# how much of their text in all (the built-ins are 3–4 KB; a template may be 500 KB).
MAX_PARENTS = 8
MAX_PARSED_CHARS = 200_000
# A name the template sets is offered a little more readily than a global: a typo of
# one's own variable ('itme' for 'item') is likelier than of a name one never wrote.
LOCAL_CUTOFF = 0.75
GLOBAL_CUTOFF = 0.8
# How much of the line the id written without quotes is looked for in.
MAX_LINE_CHARS = 1000
# The helpers whose first arguments are facts, or their ids.
FACT_HELPERS = frozenset({"cite", "fact", "callout", "chart", "pullquote"})
# What follows the first word of an id written without quotes: "-local-agencies".
_ID_TAIL = r"(?:-[A-Za-z0-9]+)+"


def undefined_message(
    name: str,
    line: str,
    names: Sequence[str],
    known: Sequence[str],
    fact_ids: Container[str],
) -> str:
    """The message for ``name``, which nothing defines, used on the template line
    ``line``: an id written without quotes is told so; else "did you mean" the closest
    of the template's own ``names`` and the ``known`` names every template has."""
    close = _closest(name, tuple(names), tuple(known))
    if hint := _bare_id(name, line[:MAX_LINE_CHARS], fact_ids, has_close=close is not None):
        return f"'{name}' is undefined; {hint}"
    if close == name:
        # Set by the template, where this line does not see it: "did you mean 'i'?"
        # for 'i' would offer the name that failed.
        return f"'{name}' is undefined here; {OUT_OF_SCOPE}"
    return f"'{name}' is undefined" + (f" (did you mean '{close}'?)" if close else "")


# Why a name the template sets is undefined where it is used: Jinja's scopes.
OUT_OF_SCOPE = (
    "the template sets it where this line does not see it: a name set in a loop, a block "
    "or a macro stays inside it (namespace() carries a value out of a loop), and a block "
    "in a loop sees the loop's names only as {% block name scoped %}"
)


@lru_cache(maxsize=64)
def _closest(name: str, names: tuple[str, ...], known: tuple[str, ...]) -> str | None:
    """The closer of the template's own name and the global name nearest ``name``
    (kept: each copy of a batch fails at the same name)."""
    found = [
        close
        for close in (
            closest_name(name, names, LOCAL_CUTOFF),
            closest_name(name, known, GLOBAL_CUTOFF),
        )
        if close is not None
    ]
    if not found:
        return None
    return max(found, key=lambda c: SequenceMatcher(None, name.lower(), c.lower()).ratio())


def _bare_id(name: str, line: str, fact_ids: Container[str], has_close: bool) -> str | None:
    """ "fact ids are text ..." when ``name`` on ``line`` starts an id written without
    its quotes: followed by ``-word`` inside a fact helper's call or making a fact's
    id, or alone as a fact helper's argument with no name close to it."""
    found = re.search(rf"(?<![\w.'\"-]){re.escape(name)}({_ID_TAIL})?(?![\w'\"-])", line)
    if found is None:
        return None
    written = found.group(0)
    call, keyword = _call_around(line, found.start())
    helper = call in FACT_HELPERS and not keyword
    if found.group(1):
        if not (helper or written in fact_ids):
            return None
    elif not helper or (has_close and written not in fact_ids):
        return None
    example = call if helper else "fact"
    return f'a fact id is text, in quotes: {example}("{written}")'


def _call_around(line: str, at: int) -> tuple[str | None, bool]:
    """The function whose parentheses hold ``line[at]``, and whether it stands
    there as a keyword argument's value (``label=...``)."""
    depth = 0
    for index in range(at - 1, -1, -1):
        char = line[index]
        if char == ")":
            depth += 1
        elif char == "(":
            if depth == 0:
                called = re.search(r"(\w+)\s*$", line[:index])
                argument = re.split(r",", line[index + 1 : at])[-1]
                return (called.group(1) if called else None), "=" in argument
            depth -= 1
    return None, False


def template_body(filename: str) -> str | None:
    """The text of the template at ``filename`` as Jinja read it (its front matter
    blank lines), or None when it cannot be read again."""
    try:
        return split_front_matter(read_template(Path(filename)), Path(filename))[1]
    except (BriefgenError, OSError):
        return None


def names_set(env: Environment, body: str) -> tuple[str, ...]:
    """The names the template ``body`` sets (``set``, ``for``, ``macro`` and its
    parameters, ``import``, ``with``), then those the templates it extends set at
    their top level; none when it cannot be parsed again. At most
    :data:`MAX_PARSED_CHARS` of template text are parsed: this runs after the
    render's time limit, for a message."""
    found: dict[str, None] = {}
    seen: set[str] = set()
    parsed = len(body)
    tree = _parsed(env, body) if parsed <= MAX_PARSED_CHARS else None
    top_only = False
    for _ in range(MAX_PARENTS + 1):
        if tree is None:
            break
        found.update(dict.fromkeys(_stored(tree.body if top_only else [tree], top_only)))
        parent = next(iter(tree.find_all(nodes.Extends)), None)
        if parent is None or not isinstance(parent.template, nodes.Const):
            break
        parent_name = str(parent.template.value)
        if parent_name in seen or env.loader is None:
            break
        seen.add(parent_name)
        try:
            source = env.loader.get_source(env, parent_name)[0]
        except (TemplateError, BriefgenError, OSError):
            break
        parsed += len(source)
        if parsed > MAX_PARSED_CHARS:
            break
        tree, top_only = _parsed(env, source), True
    return tuple(found)


def exported_names(env: Environment, template: str) -> tuple[str, ...] | None:
    """The names ``{% from template import ... %}`` can take from ``template``: the
    macros and names it sets at its top level, those starting with ``_`` aside (Jinja
    keeps them private); None when it cannot be read or parsed, or is longer than
    :data:`MAX_PARSED_CHARS`."""
    if env.loader is None:
        return None
    try:
        source = env.loader.get_source(env, template)[0]
    except (TemplateError, BriefgenError, OSError):
        return None
    tree = _parsed(env, source) if len(source) <= MAX_PARSED_CHARS else None
    if tree is None:
        return None
    found = dict.fromkeys(_stored(tree.body, top_only=True))
    return tuple(sorted(name for name in found if not name.startswith("_")))


def _parsed(env: Environment, source: str) -> nodes.Template | None:
    try:
        return env.parse(source)
    except (TemplateError, BriefgenError, RecursionError):
        return None


def _stored(found: Iterable[nodes.Node], top_only: bool) -> Iterator[str]:
    """The names set in ``found`` and below; with ``top_only``, not inside a block,
    a macro or a loop (which a template extending it does not see)."""
    for node in found:
        if isinstance(node, nodes.Macro) or (
            isinstance(node, nodes.Name) and node.ctx in ("store", "param")
        ):
            yield node.name
        elif isinstance(node, nodes.Import):
            yield node.target
        elif isinstance(node, nodes.FromImport):
            for imported in node.names:
                yield imported[1] if isinstance(imported, tuple) else imported
        if top_only and isinstance(node, nodes.Block | nodes.Macro | nodes.For | nodes.CallBlock):
            continue
        yield from _stored(node.iter_child_nodes(), top_only)
