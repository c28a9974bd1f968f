"""A Jinja sandbox that holds the template limits while it compiles and renders.

- Nothing runs while a template compiles: Jinja's optimizer is off and only
  literals are folded into the compiled code, so every filter runs inside the
  render time limit, where its checks apply.
- ``~`` builds its text through :func:`~briefgen.templating.limits.checked_concat`;
  blocks that collect output (``macro``, ``call``, ``filter``, ``set``, a ``block``
  called again, an ``import``) collect it in an
  :class:`~briefgen.templating.limits.OutputBuffer`; what a ``for`` loop or
  ``*arguments`` take from an iterator is taken within the limits.
- ``+ * % **``, every filter, every call and ``str.format`` are checked before
  and after they run (:mod:`.limits`, :mod:`.call_limits`).
- What such a block collects is read without briefgen's line markers and printed with
  them, and text a filter, call or operator makes of it is marked again (:mod:`.traced`).
- Nesting limits stop at the template line (:mod:`.nesting`).
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import update_wrapper
from typing import Any, cast

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.environment import Template, TemplateModule
from jinja2.runtime import BlockReference, Context, Macro
from jinja2.sandbox import SandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from markupsafe import Markup

from briefgen.errors import TemplateError
from briefgen.templating import call_limits, limits, nesting, traced


def _bounded(node: nodes.Expr) -> nodes.Expr:
    """``node`` passed through :func:`~briefgen.templating.limits.bounded_iterable`
    (Jinja allows no new node types; the sandbox's ``call`` recognizes the function)."""
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.EnvironmentAttribute):
        return node
    function = nodes.EnvironmentAttribute("bounded_iterable", lineno=node.lineno)
    return nodes.Call(function, [node], [], None, None, lineno=node.lineno)


class LimitedCodeGenerator(CodeGenerator):
    """Jinja's code generator, folding only literals at compile time and routing ``~``,
    block output, loops and ``*arguments`` through the limit checks."""

    def buffer(self, frame: Frame) -> None:
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.output_buffer()")

    def return_buffer_contents(self, frame: Frame, force_unescaped: bool = False) -> None:
        # What a macro (and a {% call %} body, and a recursive loop) returns: its
        # output as environment.captured holds it.
        markup = "False" if force_unescaped else _autoescape(frame)
        self.writeline(f"return environment.captured({frame.buffer}, {markup})")

    def visit_Filter(self, node: nodes.Filter, frame: Frame) -> None:
        if node.node is not None:
            super().visit_Filter(node, frame)
            return
        # The filter of a {% filter %} block or a {% set x | f %} block: it is given
        # the block's output as environment.captured holds it.
        with self._filter_test_common(node, frame, True):
            self.write(f"environment.captured({frame.buffer}, {_autoescape(frame)})")

    def visit_FilterBlock(self, node: nodes.FilterBlock, frame: Frame) -> None:
        # Jinja's own, with what the filter gives through filtered_output: Jinja yields
        # it as it is, and a list ('sort') failed joining the page's text, far from
        # its line.
        filter_frame = frame.inner()
        filter_frame.symbols.analyze_node(node)
        self.enter_frame(filter_frame)
        self.buffer(filter_frame)
        self.blockvisit(node.body, filter_frame)
        self.start_write(frame, node)
        self.write("environment.filtered_output(")
        self.visit_Filter(node.filter, filter_frame)
        self.write(")")
        self.end_write(frame)
        self.leave_frame(filter_frame)

    def visit_CallBlock(self, node: nodes.CallBlock, frame: Frame) -> None:
        # Jinja's own, with what the call gives passed through filtered_output: Jinja
        # yields it as it is, and a function's mapping or object ({% call dict() %})
        # failed joining the page's text, far from its line.
        call_frame, macro_ref = self.macro_body(node, frame)
        self.writeline("caller = ")
        self.macro_def(macro_ref, call_frame)
        self.start_write(frame, node)
        self.write("environment.filtered_output(")
        self.visit_Call(node.call, frame, forward_caller=True)
        self.write(")")
        self.end_write(frame)

    def visit_AssignBlock(self, node: nodes.AssignBlock, frame: Frame) -> None:
        # Jinja's own, with the block's output as environment.captured holds it, and
        # what its filter gives kept as environment.assigned keeps it.
        self.push_assign_tracking()
        block_frame = frame.inner()
        block_frame.require_output_check = False  # a set block captures anywhere
        block_frame.symbols.analyze_node(node)
        self.enter_frame(block_frame)
        self.buffer(block_frame)
        self.blockvisit(node.body, block_frame)
        self.newline(node)
        self.visit(node.target, frame)
        if node.filter is not None:
            self.write(" = environment.assigned(")
            self.visit_Filter(node.filter, block_frame)
            self.write(f", {_autoescape(frame)})")
        else:
            self.write(f" = environment.captured({block_frame.buffer}, {_autoescape(frame)})")
        self.pop_assign_tracking(frame)
        self.leave_frame(block_frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write(f"environment.checked_concat({_autoescape(frame)}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def visit_Const(self, node: nodes.Const, frame: Frame) -> None:
        # A literal past the largest float (1e999) is infinity, which Jinja would
        # write into the code as the undefined name 'inf'.
        if isinstance(node.value, float) and not math.isfinite(node.value):
            self.fail("a number past 1.8e308, which no figure can print", node.lineno)
        super().visit_Const(node, frame)

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        node.iter = _bounded(node.iter)  # type: ignore[arg-type]
        super().visit_For(node, frame)

    def signature(
        self,
        node: nodes.Call | nodes.Filter | nodes.Test,
        frame: Frame,
        extra_kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        if node.dyn_args is not None:
            node.dyn_args = _bounded(node.dyn_args)
        super().signature(node, frame, extra_kwargs)

    def _output_child_to_const(
        self, node: nodes.Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo
    ) -> str:
        # Jinja folds a printed expression it can evaluate now into the compiled code,
        # running its filters outside the limits. Only literals are folded (a printed
        # string literal stays Markdown, as the guide says): they are the source's size.
        if not _literal(node):
            raise nodes.Impossible()
        return super()._output_child_to_const(node, frame, finalize)


def _autoescape(frame: Frame) -> str:
    """Python code for whether autoescape is on in ``frame``."""
    if frame.eval_ctx.volatile:
        return "context.eval_ctx.autoescape"
    return repr(bool(frame.eval_ctx.autoescape))


def _literal(node: nodes.Node) -> bool:
    """A literal in the template (``"*a*"``, ``3``), or literals joined with ``~``."""
    if isinstance(node, nodes.Concat):
        return all(_literal(part) for part in node.nodes)
    return isinstance(node, nodes.Const | nodes.TemplateData)


class CheckedFilters(dict[str, Callable[..., Any]]):
    """An environment's filters: each one added is wrapped in its limit checks."""

    def __setitem__(self, name: str, function: Callable[..., Any]) -> None:
        super().__setitem__(name, call_limits.checked_filter(name, function))

    def update(self, *args: Any, **kwargs: Any) -> None:
        for name, function in dict(*args, **kwargs).items():
            self[name] = function


class LimitedTemplate(Template):
    """A template whose module (``{% import %}``, ``{% from %}``) collects the imported
    template's output within the text limit."""

    def make_module(
        self,
        vars: dict[str, Any] | None = None,
        shared: bool = False,
        locals: Mapping[str, Any] | None = None,
    ) -> TemplateModule:
        context = self.new_context(vars, shared, locals)
        body = limits.OutputBuffer()
        body.extend(self.root_render_func(context))
        return TemplateModule(self, context, body)


class LimitedSandbox(SandboxedEnvironment):
    """Jinja's sandbox with the template limits applied throughout."""

    code_generator_class = LimitedCodeGenerator
    template_class = LimitedTemplate
    intercepted_binops = frozenset({"**", "*", "+", "%"})
    output_buffer = staticmethod(limits.OutputBuffer)
    checked_concat = staticmethod(limits.checked_concat)
    bounded_iterable = staticmethod(limits.bounded_iterable)
    concat = staticmethod(limits.checked_join)  # self.block() and super() join with this

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["optimized"] = False  # the optimizer folds constants while compiling
        super().__init__(*args, **kwargs)
        defaults, self.filters = self.filters, CheckedFilters()
        self.filters.update(defaults)
        # Templates cannot add tests, so wrapping Jinja's own once covers them all.
        tests = cast(dict[str, Callable[..., Any]], self.tests)
        tests.update({name: call_limits.checked_test(name, test) for name, test in tests.items()})
        self.policies["json.dumps_function"] = call_limits.checked_json_dumps
        self.finalize = limits.checked_finalize(self.finalize or _identity)
        self._last_captured: traced.TracedMarkup | traced.TracedStr | None = None

    def captured(self, body: list[str], markup: bool) -> str:
        """What a block that collects output holds: a ``{% set %}`` block's variable, a
        ``{% filter %}`` block's filter's input, what a macro, ``caller()`` or ``loop()``
        returns (``markup``: autoescape is on). Its text without line markers, which
        it prints with (:mod:`.traced`); empty if it printed nothing else.

        The last one is kept: Jinja makes a macro's text Markup anew as it returns it,
        and :meth:`call` gives it back its markers."""
        text = traced.captured(body, markup)
        self._last_captured = text if isinstance(text, traced.TRACED) else None
        return text

    def assigned(self, value: Any, markup: bool) -> Any:
        """What a ``{% set x | f %}`` block's variable holds: what its filter gives,
        Markup when autoescape is on (as Jinja makes it), keeping its line markers.
        A list, mapping or object is refused at the block's line, as ``{{ }}`` refuses
        it: Jinja makes it text as Python writes it (``['a', 'b']``), for the page."""
        if not isinstance(value, str | int | float | Decimal):
            self.finalize(value)  # type: ignore[misc]
        if not markup:
            return value
        if type(value) is traced.TracedStr:
            return traced.TracedMarkup.of(value, value.marked)
        return value if type(value) is traced.TracedMarkup else Markup(value)

    def filtered_output(self, value: Any) -> Any:
        """What a ``{% filter %}`` or ``{% call %}`` block prints: the text its filter or
        call gives, as it gives it (escaped already, as the block's own output was)
        with its line markers; anything else as ``{{ }}`` prints it (``length``'s
        number), or refused at the block's line, as a list is."""
        return traced.printed(value) if isinstance(value, str) else self.finalize(value)  # type: ignore[misc]

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        limits.check_binop(operator, left, right)
        result = super().call_binop(context, operator, left, right)
        if traced.made:
            if operator == "+":
                result = traced.concatenated(result, (left, right), _added)
            result = traced.carried(result, (left, right))
        return limits.checked(result, operator)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if __obj is limits.bounded_iterable:  # planted by the code generator
            return limits.bounded_iterable(*args)
        args = call_limits.check_call(__obj, args, kwargs)
        try:
            result = super().call(__context, __obj, *args, **kwargs)
        except TypeError:
            # Every helper call passes here: a wrong argument is told in the template's
            # terms, not as "Helpers.callout() got an unexpected keyword argument".
            problem = call_limits.argument_problem(__obj, args, kwargs)
            if problem is None:
                raise
            raise TemplateError(problem) from None
        if type(__obj) is Macro:
            result = __self._traced_macro(result)
        elif type(__obj) is BlockReference and isinstance(result, str):
            # self.name() and super(): the block's output, markers and all.
            result = __self.captured([result], isinstance(result, Markup))
        if traced.made:
            owner = getattr(__obj, "__self__", None)  # a method's text: s.upper()
            result = traced.carried(result, (owner, *args, *kwargs.values()))
        return call_limits.check_call_result(__obj, result)

    def _traced_macro(self, result: Any) -> Any:
        """What a macro (or ``caller``) returned, with the line markers Jinja's Markup
        took away: its text is the last :meth:`captured`, the macro's own output."""
        last = self._last_captured
        self._last_captured = None
        if last is None or type(result) is not Markup or str.__ne__(result, last):
            return result
        return traced.TracedMarkup.of(result, last.marked)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """Jinja's sandboxed ``str.format``, with each field and the total checked."""
        if not isinstance(value, types.MethodType | types.BuiltinMethodType) or (
            value.__name__ not in ("format", "format_map")
        ):
            return None
        text = value.__self__
        if not isinstance(text, str):
            return None
        is_format_map = value.__name__ == "format_map"
        kind = type(text)

        def wrapper(*args: Any, **kwargs: Any) -> str:
            formatter: SandboxedFormatter
            if isinstance(text, Markup):
                formatter = _CheckedEscapeFormatter(self, escape=text.escape)
            else:
                formatter = _CheckedFormatter(self)
            if is_format_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                kwargs, args = args[0], ()
            try:
                return kind(formatter.vformat(text, args, kwargs))
            except IndexError:  # "{0}{1}".format(1): "tuple index out of range"
                raise TemplateError(
                    "the text has more {} places than the values given to fill them"
                ) from None
            except ValueError as exc:  # "{:d}".format("x"), "{"
                raise TemplateError(f"the text's {{}} places cannot be filled: {exc}") from None

        return update_wrapper(wrapper, value)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return nesting.parse(self, source, name, filename)

    def _generate(
        self,
        source: nodes.Template,
        name: str | None,
        filename: str | None,
        defer_init: bool = False,
    ) -> str:
        try:
            return super()._generate(source, name, filename, defer_init)
        except RecursionError as exc:
            raise nesting.nested_too_deep(nesting.node_line(exc), name, filename) from None

    def _compile(self, source: str, filename: str) -> types.CodeType:
        return nesting.compile_python(source, filename)


class _CheckedFormatter(SandboxedFormatter):
    """Jinja's sandboxed ``str.format``, each field and the whole text within the limits."""

    def __init__(self, env: SandboxedEnvironment, **kwargs: Any) -> None:
        super().__init__(env, **kwargs)
        self.text = limits.CappedText("'format'")

    def format_field(self, value: Any, format_spec: str) -> Any:
        limits.check_format_field(value, format_spec)
        field = super().format_field(value, format_spec)
        self.text.write(str(field))
        return field


class _CheckedEscapeFormatter(_CheckedFormatter, SandboxedEscapeFormatter):
    """The same for ``Markup.format``, which escapes each field."""


def _added(parts: list[Any]) -> Any:
    return parts[0] + parts[1]


def _identity(value: Any) -> Any:
    return value
