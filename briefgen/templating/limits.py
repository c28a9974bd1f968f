"""What a template may build: the limits, and the checks that hold them.

Every string a template builds stays under :data:`MAX_TEXT_CHARS`, every list
under :data:`MAX_ITEMS`, every whole number under :data:`MAX_INT_BITS`, whether it
comes from an operator (``~ + * % **``, here), a filter or a method
(:mod:`.call_limits`), or a block that collects output (:class:`OutputBuffer`).
Work whose size an argument sets (a width, a count, an indent) is checked
*before* it is done, so a hostile template stops with a located line instead of
exhausting memory; anything that turns a value into text first measures it
(:func:`measure`), because ``str()`` of a list can be far longer than the list.
Results are checked after; a pre-check only has to keep the result within a small
factor of the limit. The time and nesting limits are held by :mod:`.limited`,
:mod:`.nesting` and the renderer.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.runtime import markup_join, str_join
from jinja2.utils import Namespace

from briefgen.templating.traced import concatenated, printed

MAX_TEXT_CHARS = 2_000_000
"""The longest text a template may build."""
MAX_OUTPUT_CHARS = 200_000
"""The longest output a template may write (its text; briefgen's line markers aside): a
one-page brief holds a few thousand characters, and laying out much more only makes the
fitter slow."""
MAX_TAG_RUNS = 200_000
"""The most times a template's tags and lines may run, counting every pass of a loop: a
loop that writes nothing still runs them (and briefgen marks each run with its template
line, to trace output to where it was written)."""
MAX_ITEMS = 100_000
"""The most items a list, tuple or mapping built by a template may hold (also ``range``)."""
MAX_INT_BITS = 10_000
"""The largest whole number a template may compute, in bits (about 3,000 digits)."""
MAX_VALUE_DEPTH = 100
"""How deep lists inside lists may go before a template prints or serializes them."""
RENDER_SECONDS = 10.0
"""Processor time for compiling and rendering one template, with everything it
includes."""
MAX_TAG_DEPTH = 32
"""How many block tags (``if``, ``for``, ``macro``, ...) may sit inside one another."""
MAX_LOOP_DEPTH = 16
"""How many ``{% for %}`` loops may sit inside one another (Python allows 20, 21 from 3.13)."""
MAX_EXPRESSION_DEPTH = 40
"""How deep one expression may nest: brackets, ``not``, chained operators and filters."""

MAX_MEMORY_MIB = 256
"""How much a template may add to its process's peak memory while it renders: each
text and list has its limit, but a loop may keep many of them."""

_SCALAR_SIZE = 24  # printed size assumed for a float, bool, None or an opaque object
# The process's memory is looked at once this much has been built since the last look
# (characters of text; 8 per list item): never for a brief's few kilobytes, every two
# texts at the text limit.
_MEMORY_LOOK_EVERY = 4_000_000


class LimitError(SecurityError):
    """A template tried to build something larger than the limits allow."""


def _chars(n: int) -> str:
    return f"{n:,} characters"


def too_long(what: str) -> LimitError:
    """The error for ``what`` making a text past :data:`MAX_TEXT_CHARS`."""
    return LimitError(f"{what} would make a text longer than {_chars(MAX_TEXT_CHARS)}")


def measure(value: Any, budget: int = MAX_TEXT_CHARS) -> int:
    """About how many characters ``str(value)`` takes, counting at least one per
    item; stops early (returning more than ``budget``) once past ``budget`` or
    nested deeper than :data:`MAX_VALUE_DEPTH` (a list inside itself included).

    Never recursive and never calls ``str``; a list held many times over (``[l] * n``)
    is walked once."""
    if isinstance(value, str):
        return len(value)
    over = budget + 1
    sizes: dict[int, int] = {}  # containers already measured, by id
    frames: list[list[Any]] = []  # [container, its remaining children, its size so far]
    item = value
    while True:
        size: int | None
        if type(item) in _PLAIN:  # the common case first: no container to open
            size = _own_size(item)
        else:
            children = _children(item)
            if children is None:
                size = _own_size(item) if frames else _outer_size(item)
            elif id(item) in sizes:
                size = sizes[id(item)]
            elif len(frames) >= MAX_VALUE_DEPTH:
                return over
            else:
                frames.append([item, iter(children), 2])
                size = None
        while True:  # add what was measured to its container; close finished ones
            if not frames:
                return size or 0
            frame = frames[-1]
            if size is not None:
                frame[2] += size + 2
                if frame[2] > budget:
                    return over
            child = next(frame[1], _DONE)
            if child is not _DONE:
                item = child
                break
            frames.pop()
            size = sizes[id(frame[0])] = frame[2]


_DONE = object()


def _outer_size(item: Any) -> int:
    """A value printed on its own: text without the quotes ``repr`` puts in a list."""
    return len(item) if isinstance(item, str) else _own_size(item)


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _own_size(item: Any) -> int:
    """A value's printed size inside a list (text with its quotes); 2 for a container."""
    if isinstance(item, str | bytes):
        return len(item) + 3
    if isinstance(item, bool) or item is None:
        return 5
    if isinstance(item, int):
        return item.bit_length() // 3 + 2
    return 2 if _children(item) is not None else _SCALAR_SIZE


def _children(item: Any) -> Iterable[Any] | None:
    """The values ``str(item)`` would print, for the containers a template can hold."""
    if isinstance(item, str | bytes | int | float | complex | range):
        return None
    if isinstance(item, Mapping):
        return (part for pair in item.items() for part in pair)
    if isinstance(item, list | tuple | set | frozenset):
        return item
    if isinstance(item, Namespace):
        return _children(getattr(item, "_Namespace__attrs", None))
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return (getattr(item, name) for name in _field_names(type(item)))
    return None


# Bounded, as the classes it is kept by are not all fixed: each recipients file's
# columns make a view class of their own (templating.views.recipient_view_class).
@functools.lru_cache(maxsize=64)
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind))


def require_printable(value: Any, what: str) -> None:
    """Refuse ``value`` if printing it would pass the text limit.

    A view on its own (a fact, the settings: the only dataclasses a template can
    reach) is as large as the input it was made from, which has its own limits; only
    many of them held together need measuring, and are."""
    if dataclasses.is_dataclass(value):
        return
    if measure(value) > MAX_TEXT_CHARS:
        raise too_long(what)


class _MemoryWatch:
    """The growth of the process's peak memory while a template renders."""

    def __init__(self) -> None:
        self.baseline: int | None = None  # the peak when the render started (bytes)
        self.built = 0  # built since the last look

    @contextlib.contextmanager
    def watching(self) -> Iterator[None]:
        self.baseline, self.built = peak_memory(), 0
        try:
            yield
        finally:
            self.baseline = None

    def add(self, size: int) -> None:
        if self.baseline is None:
            return
        self.built += size
        if self.built < _MEMORY_LOOK_EVERY:
            return
        self.built = 0
        peak = peak_memory()
        if peak is not None and peak - self.baseline > MAX_MEMORY_MIB * 2**20:
            raise LimitError(
                f"the template holds more than {MAX_MEMORY_MIB} MiB of texts and lists; "
                "is a loop keeping every text it builds?"
            )


def peak_memory() -> int | None:
    """The process's peak resident memory in bytes (None where the system does not
    tell: Windows)."""
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak) if sys.platform == "darwin" else int(peak) * 1024  # macOS: bytes


MEMORY = _MemoryWatch()
"""Watches the template being rendered (see :meth:`_MemoryWatch.watching`)."""


def checked(value: Any, what: str) -> Any:
    """``value``, if it is within the limits for a result a template built."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT_CHARS:
            raise too_long(what)
        MEMORY.add(len(value))
    elif is_int(value) and value.bit_length() > MAX_INT_BITS:
        raise too_big(what)
    elif isinstance(value, float) and not math.isfinite(value):
        # Past the largest float: infinity, or not a number (inf - inf), which no
        # figure, filter or helper can print.
        made = "not a number (nan)" if math.isnan(value) else "a number past 1.8e308 (inf)"
        raise LimitError(f"{what} would make {made}, which no figure can print")
    elif isinstance(value, list | tuple | dict | set | frozenset):
        if len(value) > MAX_ITEMS:
            raise too_many(what)
        MEMORY.add(8 * len(value))
    return value


def too_many(what: str) -> LimitError:
    """The error for ``what`` making a list past :data:`MAX_ITEMS`."""
    return LimitError(f"{what} would make a list of more than {MAX_ITEMS:,} items")


def take(values: Iterator[Any], what: str) -> list[Any]:
    """An iterator's items as a list, refusing more than :data:`MAX_ITEMS` items or
    more than :data:`MAX_TEXT_CHARS` characters of them (each item may be new, like
    the texts ``map`` makes)."""
    items: list[Any] = []
    total = 0
    for item in values:
        if len(items) == MAX_ITEMS:
            raise too_many(what)
        total += measure(item, MAX_TEXT_CHARS - total)
        if total > MAX_TEXT_CHARS:
            raise LimitError(f"{what} would hold more than {_chars(MAX_TEXT_CHARS)} of values")
        items.append(item)
    return items


def bounded_iterable(values: Any) -> Any:
    """What a ``for`` loop goes through, or ``*args`` unpacks: an iterator is taken
    whole, within the limits, as Python's unpacking and ``loop.length`` would."""
    return take(values, "the loop (or *arguments)") if isinstance(values, Iterator) else values


def size_arg(value: Any) -> int:
    """A number used as a size or count (a width, an indent, a repeat count)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return max(int(min(value, MAX_TEXT_CHARS * 100.0)), 0)
    return 0


# -- operators ------------------------------------------------------------------


def check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse ``left <operator> right`` before computing it if the result is too large."""
    what = f"'{operator}'"
    if operator == "**" and _too_big_power(left, right):
        raise LimitError(f"{left!r} ** {right!r} is too large to compute")
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, _SEQUENCES) and is_int(times):
                _check_length(len(seq) * times, seq, what)
        if is_int(left) and is_int(right) and _bits(left) + _bits(right) > MAX_INT_BITS:
            raise too_big(what)
    if operator == "+" and isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        _check_length(len(left) + len(right), left, what)
    if operator == "%" and isinstance(left, str):
        check_percent_format(left, right, what)


_SEQUENCES = (str, bytes, list, tuple)


def _check_length(length: int, like: Any, what: str) -> None:
    if isinstance(like, str | bytes):
        if length > MAX_TEXT_CHARS:
            raise too_long(what)
    elif length > MAX_ITEMS:
        raise too_many(what)


def too_big(what: str) -> LimitError:
    """The error for ``what`` making a number past :data:`MAX_INT_BITS`."""
    return LimitError(f"{what} would make a number larger than {MAX_INT_BITS:,} bits")


def _bits(value: int) -> int:
    return value.bit_length()


def is_int(value: Any) -> bool:
    """Whether ``value`` is an integer, not counting ``True`` and ``False``."""
    return isinstance(value, int) and not isinstance(value, bool)


def _too_big_power(base: Any, exponent: Any) -> bool:
    if not is_int(base) or not is_int(exponent) or exponent < 0:
        return False
    return bool(abs(base) > 1 and exponent * max(_bits(abs(base)), 1) > MAX_INT_BITS)


def checked_concat(markup: bool, parts: tuple[Any, ...]) -> str:
    """The ``~`` operator, refusing a result over the text limit before building it."""
    total = 0
    for part in parts:
        total += len(part) if isinstance(part, str) else measure(part)
        if total > MAX_TEXT_CHARS:
            raise too_long("'~'")
    join = markup_join if markup else str_join
    return checked(concatenated(join(parts), parts, join), "'~'")  # type: ignore[no-any-return]


_PERCENT = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?[#0\- +]*(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d*))?"
    r"[hlL]?(?P<conversion>.)",
    re.DOTALL,
)


def check_percent_format(template: str, args: Any, what: str) -> None:
    """Refuse ``template % args`` (printf style) if widths or arguments would
    make a text over the limit."""
    positional = list(args) if isinstance(args, tuple) else [args]
    mapping = args if isinstance(args, Mapping) else None
    total = len(template)
    for spec in _PERCENT.finditer(template):
        if spec.group("conversion") == "%":
            continue
        for part in ("width", "precision"):
            given = spec.group(part)
            if given == "*":
                total += size_arg(positional.pop(0) if positional else 0)
            elif given:
                total += int(given) if len(given) < 12 else MAX_TEXT_CHARS + 1
        key = spec.group("key")
        if key is not None and mapping is not None:
            total += measure(mapping.get(key))
        elif positional:
            total += measure(positional.pop(0))
        if total > MAX_TEXT_CHARS:
            raise too_long(what)


_FORMAT_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[_,]?(?:\.(\d*))?", re.DOTALL)


def check_format_field(value: Any, spec: str) -> None:
    """Refuse a ``str.format`` field whose width or precision, or value, is too large."""
    match = _FORMAT_SPEC.match(spec)
    if match:
        for given in match.groups():
            if given and (len(given) > 9 or int(given) > MAX_TEXT_CHARS):
                raise too_long("'format'")
    require_printable(value, "'format'")


def capped_join(chunks: Iterable[str], what: str) -> str:
    """``"".join(chunks)``, refusing (as ``what``) to pass the text limit."""
    stream = CappedText(what)
    for chunk in chunks:
        stream.write(chunk)
    return stream.text()


class CappedText:
    """Text written in pieces that refuses to grow past the text limit."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> int:
        self.size += len(text)
        if self.size > MAX_TEXT_CHARS:
            raise too_long(self.what)
        self.parts.append(text)
        return len(text)

    def text(self) -> str:
        return "".join(self.parts)


# -- output of blocks -------------------------------------------------------------


class OutputBuffer(list[str]):
    """Where a ``macro``, ``call``, ``filter`` or ``set`` block, a ``block`` called as
    ``self.name()`` or ``super()``, or an imported template collects its output: a list
    that refuses to grow past the text limit."""

    size = 0

    def append(self, text: str) -> None:
        self.size += len(text)
        if self.size > MAX_TEXT_CHARS:
            raise LimitError(
                "the text a macro, block, call, filter, set or import collects would pass "
                + _chars(MAX_TEXT_CHARS)
            )
        MEMORY.add(len(text))  # joined into a new text when the block ends
        super().append(text)

    def extend(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.append(text)


def checked_join(texts: Iterable[str]) -> str:
    """``"".join(texts)``, stopping once the text passes the limit (Jinja's ``concat``)."""
    buffer = OutputBuffer()
    buffer.extend(texts)
    return "".join(buffer)


def checked_finalize(finalize: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Jinja's ``finalize``, refusing to print a value whose text is too long."""

    @functools.wraps(finalize)
    def run(value: Any) -> Any:
        if not isinstance(value, str):
            require_printable(value, "printing this value")
        elif len(value) > MAX_TEXT_CHARS:
            raise too_long("printing this value")
        return finalize(printed(value))

    return run
