"""How deep template code may nest, checked where the template says it.

Python's compiler allows 20 nested loops (21 from 3.13) and 100 levels of indentation; Jinja's
parser and code generator recurse once or more per nesting level. Past these a
template fails with a bare ``SyntaxError`` or ``RecursionError`` that names no
template line. The checks here stop first, with a
:class:`~jinja2.TemplateSyntaxError` at the tag or expression that nests too deep:

- :class:`NestingLimits` counts block tags and brackets in the token stream, before
  the parser descends into them;
- :func:`check_expression_depth` measures chains the parser builds without
  recursing (``a + b + c ...``, ``x|f|f|f ...``, ``a.b.c ...``);
- :func:`parse`, :func:`compile_python` and the sandbox's code generation (its
  ``_generate``, in :mod:`.limited`, through :func:`nested_too_deep`) turn any
  recursion or compiler limit that is still hit into the same kind of located error;
  so does :func:`compile_python` a name given twice, which Jinja's parser lets
  through and Python's compiler refuses (``{% macro m(a, a) %}``, ``cite(x=1, x=2)``).
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterator
from types import CodeType

from jinja2 import TemplateSyntaxError, nodes
from jinja2.environment import Environment
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.parser import Parser

from briefgen.inputs import clip
from briefgen.templating.limits import MAX_EXPRESSION_DEPTH, MAX_LOOP_DEPTH, MAX_TAG_DEPTH

# Tags with a body closed by "end<tag>" ("set" only in its block form).
_BODY_TAGS = frozenset(
    {"for", "if", "macro", "call", "filter", "with", "block", "autoescape", "set"}
)
_OPENERS = frozenset({"lparen", "lbracket", "lbrace"})
_CLOSERS = frozenset({"rparen", "rbracket", "rbrace"})
_OPERANDS = frozenset({"name", "integer", "float", "string"}) | _CLOSERS
_KEYWORDS = frozenset({"and", "or", "not", "in", "is", "if", "else"})

EXPRESSION_TOO_DEEP = f"expression nested too deep (at most {MAX_EXPRESSION_DEPTH} levels)"


def tag_too_deep(tag: str) -> str:
    """The message for a block tag opened inside too many others."""
    return f"'{{% {tag} %}}' nested too deep (at most {MAX_TAG_DEPTH} levels of tags)"


def loop_too_deep() -> str:
    """The message for a loop inside too many loops."""
    return f"'{{% for %}}' nested too deep (at most {MAX_LOOP_DEPTH} loops)"


class NestingLimits(Extension):
    """Refuse a block tag nested inside too many others, or an expression whose
    brackets and prefix operators (``not``, unary ``-``) nest too deep."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        open_tags: list[str] = []
        tag: list[Token] = []
        for token in stream:
            if token.type in ("block_begin", "variable_begin"):
                tag = [token]
                continue
            if not tag:
                yield token
                continue
            tag.append(token)
            if token.type not in ("block_end", "variable_end"):
                continue
            self._check_expression(stream, tag)
            if tag[0].type == "block_begin":
                self._track_tags(stream, tag, open_tags)
            yield from tag
            tag = []
        yield from tag

    def _check_expression(self, stream: TokenStream, tag: list[Token]) -> None:
        # For each open bracket, the run of prefix operators (not, a sign) before the
        # operand it is reading: "not not x" nests, "not a and not b" does not.
        prefixes = [0]
        previous: Token | None = None
        for token in tag[1:-1]:
            if token.type in _OPENERS:
                prefixes.append(0)
            elif token.type in _CLOSERS and len(prefixes) > 1:
                prefixes.pop()
                prefixes[-1] = 0
            elif (token.type == "name" and token.value == "not") or (
                token.type in ("add", "sub") and _starts_operand(previous)
            ):
                prefixes[-1] += 1
            elif token.type in _OPERANDS and not _is_keyword(token):
                prefixes[-1] = 0
            if len(prefixes) - 1 + sum(prefixes) > MAX_EXPRESSION_DEPTH:
                _fail(stream, EXPRESSION_TOO_DEEP, token.lineno)
            previous = token

    def _track_tags(self, stream: TokenStream, tag: list[Token], open_tags: list[str]) -> None:
        name = tag[1].value if len(tag) > 2 and tag[1].type == "name" else ""
        if name.startswith("end") and name[3:] in _BODY_TAGS:
            if open_tags and open_tags[-1] == name[3:]:
                open_tags.pop()
            return
        if name not in _BODY_TAGS or (name == "set" and _assigns(tag)):
            return
        open_tags.append(name)
        if len(open_tags) > MAX_TAG_DEPTH:
            _fail(stream, tag_too_deep(name), tag[0].lineno)
        if name == "for" and open_tags.count("for") > MAX_LOOP_DEPTH:
            _fail(stream, loop_too_deep(), tag[0].lineno)


def _starts_operand(previous: Token | None) -> bool:
    """Whether a ``+`` or ``-`` after ``previous`` is a sign, not an operator."""
    return previous is None or previous.type not in _OPERANDS or _is_keyword(previous)


def _is_keyword(token: Token) -> bool:
    return token.type == "name" and token.value in _KEYWORDS


def _assigns(tag: list[Token]) -> bool:
    """Whether a ``set`` tag is ``{% set x = ... %}`` rather than a block."""
    depth = 0
    for token in tag:
        depth += token.type in _OPENERS
        depth -= token.type in _CLOSERS
        if token.type == "assign" and depth == 0:
            return True
    return False


def _fail(stream: TokenStream, message: str, line: int) -> None:
    raise TemplateSyntaxError(message, line, stream.name, stream.filename)


def check_expression_depth(tree: nodes.Template) -> None:
    """Refuse an expression whose syntax tree nests deeper than the limit (long
    chains of operators, filters or attributes nest without brackets)."""
    stack: list[tuple[nodes.Node, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        for child in node.iter_child_nodes():
            child_depth = 0 if isinstance(child, nodes.Stmt) else depth + 1
            if child_depth > MAX_EXPRESSION_DEPTH:
                raise TemplateSyntaxError(EXPRESSION_TOO_DEEP, child.lineno)
            stack.append((child, child_depth))


def parse(env: Environment, source: str, name: str | None, filename: str | None) -> nodes.Template:
    """Parse a template, turning a parser recursion error into a located one."""
    parser = Parser(env, source, name, filename)
    try:
        tree = parser.parse()
        check_expression_depth(tree)
    except RecursionError:
        line = parser.stream.current.lineno
        raise TemplateSyntaxError(EXPRESSION_TOO_DEEP, line, name, filename) from None
    except TemplateSyntaxError as exc:
        exc.name, exc.filename = exc.name or name, exc.filename or filename
        raise
    return tree


def node_line(exc: BaseException) -> int:
    """The template line of the innermost syntax-tree node in ``exc``'s traceback."""
    for frame, _ in reversed(list(traceback.walk_tb(exc.__traceback__))):
        node = frame.f_locals.get("node")
        if isinstance(node, nodes.Node) and getattr(node, "lineno", None):
            return int(node.lineno)
    return 1


def nested_too_deep(line: int, name: str | None, filename: str | None) -> TemplateSyntaxError:
    """The located error for a compiler limit hit despite the checks above."""
    return TemplateSyntaxError(
        "nested too deep to compile; nest fewer tags or brackets here", line, name, filename
    )


def python_line_to_template(source: str, python_line: int | None) -> int:
    """The template line for a line of Jinja's generated Python code, read from the
    ``debug_info`` table Jinja writes at its end."""
    table = source.rstrip().rsplit("\n", 1)[-1]
    line = 1
    if not python_line or not table.startswith("debug_info = "):
        return line
    for pair in table.split("=", 1)[1].strip(" '\"").split("&"):
        template_line, _, code_line = pair.partition("=")
        if code_line.isdigit() and int(code_line) <= python_line and template_line.isdigit():
            line = int(template_line)
    return line


def compile_python(source: str, filename: str) -> CodeType:
    """``compile()`` for Jinja's generated code, turning Python's nesting limits
    into a located template error."""
    try:
        return compile(source, filename, "exec")
    except (SyntaxError, RecursionError, MemoryError) as exc:
        twice = _named_twice(str(exc.msg)) if isinstance(exc, SyntaxError) else None
        if isinstance(exc, SyntaxError) and twice is None and not exc.msg.startswith("too many"):
            raise
        python_line = exc.lineno if isinstance(exc, SyntaxError) else None
        line = python_line_to_template(source, python_line)
        if twice is not None:
            raise TemplateSyntaxError(twice, line, None, filename) from None
        raise nested_too_deep(line, None, filename) from None


# Python's words for a name given twice in Jinja's code: a macro's (or a call block's)
# parameter, which Jinja names l_<depth>_<name>, and a call's keyword argument.
_DUPLICATE_PARAMETER = re.compile(r"duplicate argument '(?:l_\d+_)?(.+)' in function definition")
_REPEATED_KEYWORD = re.compile(r"keyword argument repeated: (.+)")


def _named_twice(message: str) -> str | None:
    """What to tell a template author of Python's refusal ``message``, when it is of
    a name the template gives twice; None for any other."""
    if found := _DUPLICATE_PARAMETER.fullmatch(message):
        name = clip(found[1])
        return f"parameter '{name}' is named twice; give each parameter a name of its own"
    if found := _REPEATED_KEYWORD.fullmatch(message):
        return f"argument '{clip(found[1])}' is given twice in one call; give it once"
    return None
