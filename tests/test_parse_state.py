"""markdown-it's first core rule (line ends and NUL characters) done only where a
text needs it, with the same text out."""

from __future__ import annotations

import random

from briefgen import parse
from briefgen.parse import _parser


def test_a_document_s_line_ends_and_nul_characters_are_markdown_it_s() -> None:
    """parse._normalize, markdown-it's first core rule done only where needed."""
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_core.normalize import normalize

    md = _parser()
    chosen = random.Random(11)
    pieces = ["a", "\r", "\n", "\r\n", "\0", " ", "\u2028", "\r\r\n"]
    texts = ["", "\r", "\0", "plain\n"]
    texts += [
        "".join(chosen.choice(pieces) for _ in range(chosen.randint(0, 10))) for _ in range(2000)
    ]
    for text in texts:
        ours, theirs = StateCore(text, md, {}), StateCore(text, md, {})
        parse._normalize(ours)
        normalize(theirs)
        assert ours.src == theirs.src, text
