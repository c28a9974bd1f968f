"""The reading level of a brief's body text (Flesch–Kincaid grade)."""

from __future__ import annotations

import re

from briefgen.model import BulletList, Callout, Document, Paragraph, Quote, plain_text

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(\[]?[A-Z0-9])")
_TOKEN = re.compile(r"\w+(?:[-'’.,]\w+)*|[^\w\s]")


def body_text(document: Document) -> list[str]:
    """The body's sentences: paragraphs, list items, callout labels and quotes."""
    chunks: list[str] = []
    for block in document.blocks:
        if isinstance(block, Paragraph | Quote):
            chunks.append(plain_text(block.inlines))
        elif isinstance(block, BulletList):
            chunks.extend(plain_text(item) for item in block.items)
        elif isinstance(block, Callout):
            chunks.append(f"{block.figure} {plain_text(block.label)}")
    sentences: list[str] = []
    for chunk in chunks:
        sentences.extend(s for s in _SENTENCE_END.split(chunk.strip()) if s)
    return sentences


def body_grade(document: Document) -> float:
    """Flesch–Kincaid grade of the body text (0 when there is none)."""
    import readability

    sentences = body_text(document)
    if not sentences:
        return 0.0
    # Lower case: the package's syllable counter knows only lower-case vowels, so
    # "Animals" at a sentence's start would count two syllables, not three.
    tokenized = "\n".join(" ".join(_TOKEN.findall(s)) for s in sentences).lower()
    measures = readability.getmeasures(tokenized, lang="en")
    return float(measures["readability grades"]["Kincaid"])
