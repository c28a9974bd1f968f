"""What a template author did, for Python's words about a value of the wrong kind.

An expression that adds text to a number (``{{ f.value + " deaths" }}``) fails with
Python's "unsupported operand type(s) for +: 'QualifiedInt' and 'str'": the names of
briefgen's own classes, in terms a template author never wrote. :func:`worded` says
it again in the template's terms ("cannot add a number and text with +") and, for
text, names the operator that joins it (``~``); so for a division by zero, a value a
function cannot take, a filter given a value without the method it calls, and a
place in a text no value fills.
"""

from __future__ import annotations

import re

from briefgen.inputs import quote
from briefgen.templating.views import VIEWS


def worded(exc: BaseException) -> str | None:
    """The template author's words for the Python error ``exc`` a template's
    expression raised, or None when it is none of those this module words."""
    if isinstance(exc, TypeError):
        return _mismatch(str(exc))
    if isinstance(exc, ArithmeticError):
        return _arithmetic(exc)
    if isinstance(exc, ValueError):
        return _wrong_value(exc)
    if isinstance(exc, AttributeError):
        return _missing_method(exc)
    if type(exc) is KeyError and len(exc.args) == 1 and isinstance(exc.args[0], str):
        # What "%(n)s" | format(count=5) and "{n}".format(count=5) raise: Python's
        # "KeyError: 'n'".
        return (
            f"the text has a place for {quote(exc.args[0])}, as in %(name)s or {{name}}, "
            "and no value of that name is given to fill it"
        )
    return None


# Python's class names, as a template author knows what they hold.
_KINDS = {
    "int": "a number",
    "float": "a number",
    "QualifiedInt": "a number",
    "QualifiedFloat": "a number",
    "bool": "true or false",
    "str": "text",
    "Markup": "text",
    "TracedStr": "text",
    "TracedMarkup": "text",
    "NoneType": "none",
    "list": "a list",
    "tuple": "a list",
    "dict": "a mapping",
    "range": "a range",
    "dict_keys": "a list",
    "dict_values": "a list",
    "dict_items": "a list",
    "generator": "a list",
    "Decimal": "a number",
    "date": "a date",
    "datetime": "a date",
    # Jinja's own: the loop variable, namespace(), cycler(), joiner().
    "LoopContext": "the loop",
    "Namespace": "a namespace",
    "Cycler": "a cycler",
    "Joiner": "a joiner",
}

# What each operator does to its left ({0}) and right ({1}) values, in words.
_DOES = {
    "+": "add {0} and {1}",
    "-": "subtract {1} from {0}",
    "*": "multiply {0} by {1}",
    "@": "multiply {0} by {1}",
    "/": "divide {0} by {1}",
    "//": "divide {0} by {1}",
    "%": "take the remainder of {0} divided by {1}",
}

_BINARY = re.compile(r"unsupported operand type\(s\) for (.+?): '(\w+)' and '(\w+)'")
_CONCATENATE = re.compile(r'can only concatenate (\w+) \(not "(\w+)"\) to \w+')
_REPEAT = re.compile(r"can't multiply sequence by non-int of type '(\w+)'")
_COMPARE = re.compile(r"'(.+?)' not supported between instances of '(\w+)' and '(\w+)'")
_UNARY = re.compile(r"bad operand type for unary (.): '(\w+)'")
_FUNCTION = re.compile(r"bad operand type for (\w+)\(\): '(\w+)'")

_JOIN_HINT = '; join text with ~, as in {{ "Deaths: " ~ f.number }}'

# Jinja's own words for a loop misused (jinja2.runtime.LoopContext).
_LOOP = {
    "The loop must have the 'recursive' marker to be called recursively.": (
        "loop() runs the loop again only in a loop marked recursive: "
        "{% for item in items recursive %}"
    ),
    "no items for cycling given": (
        'loop.cycle() needs the values to take in turn, as in loop.cycle("odd", "even")'
    ),
}


# Python's words for a %-format given the wrong values (``| format``, ``%``).
_FORMATTING = {
    # Also what "5" % 2 says, where a remainder was meant: text is filled, not divided.
    "not all arguments converted during string formatting": (
        "the text has fewer % places than the values given to fill them (a remainder "
        "with % needs a number, not text)"
    ),
    "not enough arguments for format string": (
        "the text has more % places than the values given to fill them"
    ),
}
_FORMAT_NUMBER = re.compile(r"%(\w) format: (a (?:real )?number|an integer) is required, not (\w+)")


def _kind(name: str) -> str:
    """A value's kind, from its class's name, as a template author calls it."""
    if name in _KINDS:
        return _KINDS[name]
    for cls, kind in list(VIEWS.items()):
        if cls.__name__ == name:
            return kind.noun
    return f"a {name}"


def _mismatch(message: str) -> str | None:
    """The template author's words for Python's TypeError ``message``, or None when
    it is not one of a value of the wrong kind."""
    if message in _LOOP:
        return _LOOP[message]
    if message in _FORMATTING:
        return _FORMATTING[message]
    if found := _FORMAT_NUMBER.fullmatch(message):
        place, needed, given = found.groups()
        if needed != "an integer":
            return f"%{place} places a number in the text, not {_kind(given)}"
        if _kind(given) == "a number":  # "%x" % 1.5
            return f"%{place} places a whole number in the text; make one with | int"
        return f"%{place} places a whole number in the text, not {_kind(given)}"
    if found := _BINARY.fullmatch(message):
        operator, left, right = found.groups()
        kinds = (_kind(left), _kind(right))
        if operator == "** or pow()":
            return f"cannot raise {kinds[0]} to the power of {kinds[1]} with **"
        does = _DOES.get(operator, "combine {0} and {1}").format(*kinds)
        hint = _JOIN_HINT if operator == "+" and "text" in kinds else ""
        return f"cannot {does} with {operator}{hint}"
    if found := _CONCATENATE.fullmatch(message):
        whole, other = map(_kind, found.groups())
        hint = _JOIN_HINT if whole == "text" else ""
        return f"cannot add {whole} and {other} with +{hint}"
    if found := _REPEAT.fullmatch(message):
        return f"cannot multiply text or a list by {_kind(found.group(1))}; only by a whole number"
    if found := _COMPARE.fullmatch(message):
        operator, left, right = found.groups()
        return f"cannot compare {_kind(left)} with {_kind(right)} ({operator})"
    if found := _UNARY.fullmatch(message):
        operator, operand = found.groups()
        return f"cannot put {operator} before {_kind(operand)}"
    if found := _FUNCTION.fullmatch(message):
        function, operand = found.groups()
        return f"{function} takes a number, not {_kind(operand)}"
    for pattern, words in _EXPECTED:
        if found := pattern.fullmatch(message):
            return words.format(_kind(found.group(1)))
    return None


# Python's words for a filter or loop given a value of a kind it cannot take
# ("{{ f.value | join }}", "{{ 5 | length }}"), and what the template is told.
_EXPECTED = [
    (re.compile(pattern), words)
    for pattern, words in {
        r"'(\w+)' object is not (?:iterable|reversible)": "expected a list here, not {0}",
        r"object of type '(\w+)' has no len\(\)": "expected text or a list here, not {0}",
        r"'(\w+)' object cannot be interpreted as an integer": (
            "expected a whole number here, not {0}"
        ),
        r"type (\w+) doesn't define __round__ method": "cannot round {0}; round takes a number",
        r"float\(\) argument must be a string or a real number, not '(\w+)'": (
            "expected a number here, not {0}"
        ),
        r"attribute name must be string, not '(\w+)'": "attr() takes a name as text, not {0}",
        r"cannot unpack non-iterable (\w+) object": (
            "expected pairs such as (name, value), not {0}"
        ),
        r"argument of type '(\w+)' is not iterable": (
            "expected text or a list to look in, not {0}"
        ),
        r"unhashable type: '(\w+)'": "expected a name here, not {0}",
    }.items()
]


def _arithmetic(exc: ArithmeticError) -> str | None:
    """The template author's words for a sum Python could not work out: a division by
    zero, or a number too large (``ZeroDivisionError: float floor division by zero``)."""
    if isinstance(exc, ZeroDivisionError):
        if "negative power" in str(exc):  # 0 ** -1
            return "cannot raise 0 to a negative power with **"
        return "cannot divide by zero; test the number first, as in {% if n %}"
    if isinstance(exc, OverflowError):  # 10 ** 400 / 3, 10.0 ** 400
        return "a number grew too large to work with; is a power or a product running away?"
    return None


# Python's words for a value a function cannot take, said again where they are unclear.
_WRONG_VALUES = {
    "range() arg 3 must not be zero": "range() cannot count in steps of 0",
    # "abc".index("z"), [1].index(5) ("5 is not in list")
    "substring not found": "index() found nothing; test with 'in' first, as in {% if x in y %}",
}
_NOT_IN_LIST = re.compile(r".* is not in list", re.DOTALL)
_NOT_A_NUMBER = re.compile(r"could not convert string to float: (.*)", re.DOTALL)


def _wrong_value(exc: ValueError) -> str | None:
    """The template author's words for Python's ValueError ``exc``, where Python's
    name the argument by its place ("arg 3") or a value by its class; None for the rest."""
    message = str(exc)
    if found := _NOT_A_NUMBER.fullmatch(message):  # "abc" | filesizeformat
        return f"expected a number here, not the text {found.group(1)}"
    if _NOT_IN_LIST.fullmatch(message):
        return _WRONG_VALUES["substring not found"]
    return _WRONG_VALUES.get(message)


# A method a filter calls on its value, and the kind of value that has it.
_METHOD_OF = {"items": "a mapping", "splitlines": "text", "join": "text", "keys": "a mapping"}
_NO_ATTRIBUTE = re.compile(r"'(\w+)' object has no attribute '(\w+)'")


def _missing_method(exc: AttributeError) -> str | None:
    """The template author's words for a filter given a value without the method it
    calls (``"abc" | dictsort``: "'str' object has no attribute 'items'")."""
    found = _NO_ATTRIBUTE.fullmatch(str(exc))
    if found and found.group(2) in _METHOD_OF:
        return f"expected {_METHOD_OF[found.group(2)]} here, not {_kind(found.group(1))}"
    return None
