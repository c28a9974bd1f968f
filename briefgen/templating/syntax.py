"""What a template author meant, for Jinja's syntax errors that do not say.

Jinja's parser names the token it did not expect, in its own terms: ``{% else if x
%}`` is "expected token 'end of statement block', got 'if'", ``{% if a = b %}`` the
same with ``'='``, ``{% cite("x") %}`` an "unknown tag 'cite'". Each of these slips
has one fix, and :func:`syntax_hint` names it, from the message and the line.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from briefgen.suggest import closest_name

# Jinja's tags, for "did you mean" of an unknown one ('elseif', 'endfi', 'fro').
TAGS = (
    "if",
    "elif",
    "else",
    "endif",
    "for",
    "endfor",
    "block",
    "endblock",
    "extends",
    "include",
    "import",
    "from",
    "macro",
    "endmacro",
    "call",
    "endcall",
    "filter",
    "endfilter",
    "set",
    "endset",
    "with",
    "endwith",
    "raw",
    "endraw",
    "autoescape",
    "endautoescape",
)
# The tags an end tag closes: '{% endif %}' closes an '{% if %}'.
_OPENING = frozenset(tag[3:] for tag in TAGS if tag.startswith("end"))

# How much of a line the hints read.
MAX_LINE_CHARS = 1000
_ELIF_SPELLINGS = frozenset({"elseif", "elsif", "elsf", "elsefi"})
_UNKNOWN_TAG = re.compile(r"Encountered unknown tag '(\w+)'")
_GOT = re.compile(r"expected token 'end of (statement block|print statement)', got '([^']+)'")
_BLOCKS = re.compile(r"\{%-?\s*(block\s+(\w+)|endblock)\b")


def syntax_hint(message: str, lines: Sequence[str], line: int, functions: Collection[str]) -> str:
    """``message`` (Jinja's, for ``line`` of the template ``lines``) with what to write
    instead where the slip is a known one; ``functions``: the names a template calls."""
    # A slip is looked for on the line's start only: a line a person typed.
    text = lines[line - 1][:MAX_LINE_CHARS] if 0 < line <= len(lines) else ""
    if unknown := _UNKNOWN_TAG.match(message):
        return _unknown_tag(message, unknown, text, functions)
    got = _GOT.match(message)
    if got is None:
        return message
    found = got.group(2)
    if got.group(1) == "print statement" and (call := _uncalled(text, functions)):
        return f"{message}; call a function with parentheses: {call}"
    if got.group(1) == "print statement":
        return message
    if found == "if" and re.search(r"\{%-?\s*else\s+if\b", text):
        return f"{message}; 'else if' is written elif: {{% elif … %}}"
    if found == "=" and re.search(r"\{%-?\s*(?:el)?if\b", text):
        return f"{message}; to compare, write '==' ('=' sets a name, in {{% set %}})"
    if re.search(rf"\{{%-?\s*endblock\s+{re.escape(found)}\b", text):
        opened = _open_block(lines, line)
        if opened is not None:
            name, number = opened
            return (
                f"{message}; this endblock ends block '{name}' (line {number}), not "
                f"'{found}': write {{% endblock {name} %}} or {{% endblock %}}"
            )
    return message


def _unknown_tag(
    message: str, unknown: re.Match[str], text: str, functions: Collection[str]
) -> str:
    """An unknown tag (on the line ``text``): a function written as a tag, an end tag
    with nothing open to close, or a misspelt tag."""
    tag = unknown.group(1)
    if tag in functions:
        return (
            f"{message.rstrip('.')}; {tag}() is a function, not a tag: print what it "
            f"gives with {{{{ {tag}(…) }}}}"
        )
    if "Jinja was looking for" not in message and tag[3:] in _OPENING and tag.startswith("end"):
        return f"{message.rstrip('.')}; it closes no '{{% {tag[3:]} %}}': none is open here"
    if tag.lower() in _ELIF_SPELLINGS:  # as other languages spell it
        close: str | None = "elif"
    elif re.search(rf"\{{%-?\s*{tag}\s+\w+(?:\s*,\s*\w+)*\s+in\s", text):  # {% fro x in y %}
        close = "for"
    else:
        close = closest_name(tag, TAGS, cutoff=0.75)
    if close is None or close == tag:
        return message
    return message.replace(unknown.group(0), f"{unknown.group(0)} (did you mean '{close}'?)", 1)


def _uncalled(text: str, functions: Collection[str]) -> str | None:
    """``cite("x")`` for ``{{ cite "x" }}``: a function followed by its argument
    without the parentheses, on ``text``."""
    for found in re.finditer(r"\{\{-?\s*(\w+)\s+(.+?)\s*-?\}\}", text):
        name, argument = found.groups()
        if name in functions and not argument.startswith(("(", "|", ".", "[")):
            return f"{{{{ {name}({argument}) }}}}"
    return None


def _open_block(lines: Sequence[str], line: int) -> tuple[str, int] | None:
    """The block still open at ``line`` (the one an endblock there ends), and its line."""
    opened: list[tuple[str, int]] = []
    for number, text in enumerate(lines[: line - 1], start=1):
        for found in _BLOCKS.finditer(text):
            if found.group(2):
                opened.append((found.group(2), number))
            elif opened:
                opened.pop()
    # The endblock's own line may open the block too: {% block a %}x{% endblock b %}.
    for found in _BLOCKS.finditer(lines[line - 1] if 0 < line <= len(lines) else ""):
        if found.group(2):
            opened.append((found.group(2), line))
        else:
            break
    return opened[-1] if opened else None
