"""The reading level of a brief's body text, by a formula made for its language.

English: the Flesch–Kincaid grade (the ``readability`` package), a U.S. school grade
the front matter's ``reading_level`` caps. Spanish: the Szigriszt-Pazos perspicuity
index (Szigriszt Pazos 1993), read on the INFLESZ scale (Barrio-Cantalejo et al.
2008), which was calibrated on Spanish health information for patients, the kind of
text the public brief is; the front matter's ``reading_ease`` is the lowest score
the body should reach. Fernández-Huerta was the other candidate: its published
formula carries a known error in its sentence term, and it has no scale validated
on health texts. The ``readability`` package knows only English, Dutch and German,
so the Spanish syllables are counted here by Spanish spelling's own rules (every
vowel group is one syllable, split where two strong vowels or an accented í/ú meet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefgen.model import BulletList, Callout, Document, Paragraph, Quote, plain_text

if TYPE_CHECKING:
    from briefgen.templating.search import AudienceInfo

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(\[]?[A-Z0-9])")
_TOKEN = re.compile(r"\w+(?:[-'’.,]\w+)*|[^\w\s]")
# Spanish: a sentence may end inside a closing quote and open with ¿, ¡ or an accented
# capital; an abbreviation in capitals ("EE. UU.", "D.C.") ends no sentence.
_SENTENCE_END_ES = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][”\"»)]))\s+(?=[¿¡\"“«(\[]?[A-ZÁÉÍÓÚÑÜ0-9])")
_ABBREVIATION = re.compile(r"(?:\b[A-ZÁÉÍÓÚÑ]{1,3}\.|\bDr\.|\bDra\.|\bSr\.|\bSra\.)$")
_WORD_ES = re.compile(r"[^\W\d_]+", re.UNICODE)
_STRONG = frozenset("aeoáéóíú")  # an accented i or u stands apart, as a strong vowel does
_WEAK = frozenset("iuü")

# INFLESZ's bands of the Szigriszt-Pazos score, from the hardest.
INFLESZ = (
    (40.0, "muy difícil"),
    (55.0, "algo difícil"),
    (65.0, "normal"),
    (80.0, "bastante fácil"),
)


def _chunks(document: Document) -> list[str]:
    """The body's texts: paragraphs, list items, callout labels and quotes, in boxes,
    cards and columns too; without their note numbers."""
    chunks: list[str] = []
    for block in document.walked:
        if isinstance(block, Paragraph | Quote):
            chunks.append(plain_text(block.inlines, citations=False))
        elif isinstance(block, BulletList):
            chunks.extend(plain_text(item, citations=False) for item in block.items)
        elif isinstance(block, Callout):
            chunks.append(f"{block.figure} {plain_text(block.label, citations=False)}")
    return chunks


def body_text(document: Document) -> list[str]:
    """The body's sentences: paragraphs, list items, callout labels and quotes."""
    sentences: list[str] = []
    for chunk in _chunks(document):
        sentences.extend(s for s in _SENTENCE_END.split(chunk.strip()) if s)
    return sentences


def spanish_sentences(document: Document) -> list[str]:
    """The body's sentences, split as Spanish is written."""
    sentences: list[str] = []
    for chunk in _chunks(document):
        for piece in _SENTENCE_END_ES.split(chunk.strip()):
            if sentences and _ABBREVIATION.search(sentences[-1]) and piece:
                sentences[-1] += f" {piece}"
            elif piece:
                sentences.append(piece)
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


def spanish_syllables(word: str) -> int:
    """Syllables of a Spanish word: one per vowel group, a group split where two
    strong vowels (a, e, o) or an accented í or ú meet a vowel (``país`` 2,
    ``ciudad`` 2, ``aéreo`` 4). A ``y`` ends a word as a vowel (``hoy``, ``muy``)."""
    letters = word.lower()
    count = 0
    previous = ""
    for index, char in enumerate(letters):
        if char == "y":
            vowel = index == len(letters) - 1
            kind = "weak" if vowel else ""
        else:
            kind = "strong" if char in _STRONG else "weak" if char in _WEAK else ""
        if not kind:
            previous = ""
            continue
        accented_weak = char in "íú" or letters[index - 1] in "íú"
        if not previous or (previous == "strong" and kind == "strong") or accented_weak:
            count += 1
        previous = kind
    return max(count, 1)


def szigriszt_pazos(sentences: list[str]) -> float:
    """The Szigriszt-Pazos perspicuity index of Spanish ``sentences``:
    206.835 − 62.3 × syllables per word − words per sentence (higher is easier;
    0 for no words). Words are runs of letters; figures are not counted."""
    words = [w for s in sentences for w in _WORD_ES.findall(s)]
    if not words:
        return 0.0
    syllables = sum(spanish_syllables(w) for w in words)
    return 206.835 - 62.3 * syllables / len(words) - len(words) / len(sentences)


def inflesz(score: float) -> str:
    """The INFLESZ band of a Szigriszt-Pazos score: ``normal``, ``bastante fácil``, …"""
    return next((band for limit, band in INFLESZ if score < limit), "muy fácil")


@dataclass(frozen=True)
class ReadingLevel:
    """A brief's reading level by its language's formula, against its target."""

    formula: str  # "Flesch–Kincaid" (a grade, lower is easier) or "Szigriszt-Pazos"
    score: float
    target: float

    @property
    def higher_is_easier(self) -> bool:
        return self.formula == "Szigriszt-Pazos"

    @property
    def on_target(self) -> bool:
        """Whether the body reads at the target or easier."""
        return self.score >= self.target if self.higher_is_easier else self.score <= self.target

    def describe(self) -> str:
        """``grade 4.9 (target 8 or lower)``; ``Szigriszt-Pazos 66.0, bastante fácil
        (target 55 or higher)``."""
        if self.higher_is_easier:
            return (
                f"Szigriszt-Pazos {self.score:.1f}, {inflesz(self.score)} "
                f"(target {self.target:g} or higher)"
            )
        return f"grade {self.score:.1f} (target {self.target:g} or lower)"


def reading_level(document: Document, audience: AudienceInfo) -> ReadingLevel | None:
    """The body's reading level by the formula for the audience's language, when its
    front matter sets a target (``reading_ease`` for Spanish, ``reading_level`` else)."""
    if audience.language.split("-", 1)[0].lower() == "es":
        if audience.reading_ease is None:
            return None
        score = szigriszt_pazos(spanish_sentences(document))
        return ReadingLevel("Szigriszt-Pazos", score, audience.reading_ease)
    if audience.reading_level is None:
        return None
    return ReadingLevel("Flesch–Kincaid", body_grade(document), audience.reading_level)
