"""briefgen's smartquotes makes the quotes markdown-it's own rule makes, in one pass."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefgen.smartquotes import smartquotes


def _parser(ours: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"typographer": True}).enable("smartquotes")
    if ours:
        md.core.ruler.at("smartquotes", smartquotes)
    return md


MARKDOWN_IT, OURS = _parser(False), _parser(True)

# Quotes of both kinds among what decides how each reads: letters, digits (an inch),
# spaces, punctuation, typographic quotes, line breaks (soft and hard), and the
# emphasis, code, links and quotes that part a paragraph into tokens and levels.
_PIECES = st.sampled_from(
    [
        *['"', "'", '"', "'", "a", "b", "1", " ", "  \n", "\n", "-", ".", "(", ")"],
        *["\u201c", "*", "**", "_", "`", "[", "](x)", "> ", "\u00a0", "\u2019", "\\"],
    ]
)


def _quoted(md: MarkdownIt, text: str) -> list[tuple[str, str]]:
    return [
        (child.type, child.content)
        for token in md.parse(text)
        if token.type == "inline"
        for child in token.children or list[Token]()
    ]


@given(st.lists(_PIECES, max_size=40).map("".join))
@example('"a "b" c" \'d\' e\'s 5"" 1"" "x\n"y"')
@example('*"a* b" "**c "d**" \'e*\' f*\'')
@example('"a `b"` c" [d"](x) "e')
@example("'a \"b 'c\" d' e\" f'")
def test_quotes_are_made_as_markdown_it_makes_them(text: str) -> None:
    assert _quoted(OURS, text) == _quoted(MARKDOWN_IT, text)


def test_a_quote_pairs_with_the_nearest_open_one_of_its_kind() -> None:
    """Open quotes of the other kind between a pair are passed over, and dropped."""
    (paragraph,) = (t for t in OURS.parse("\"a 'b 'c d\" e' f") if t.type == "inline")
    assert [child.content for child in paragraph.children or ()] == [
        "\u201ca 'b 'c d\u201d e\u2019 f"
    ]
