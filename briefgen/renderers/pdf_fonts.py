"""TrueType fonts for the PDF whose embedded subsets each carry their own tag.

A PDF names an embedded font subset ``TAG+PostScriptName``, the tag six capital
letters that tell subsets apart (PDF 32000-1, 9.6.4). reportlab tags every font's
subsets ``AAAAAA``, ``AAAAAB``, ... by their index alone, so the regular and the bold
face both embed an ``AAAAAA+`` subset, which pre-press checkers flag as a clash.

:class:`TaggedTTFont` is reportlab's ``TTFont`` whose subsets are tagged from a hash
of the face's PostScript name and the subset's index: distinct across the faces of a
document, and the same in every build, so the PDF stays reproducible. reportlab
offers no setting for the tag; it takes it from the module function ``SUBSETN(n)``
while a font adds its objects to the document, so that function is wrapped, once,
to ask which font is adding them (any other font keeps reportlab's tags).

A face's subsets are also made and compressed once per process, with their
character maps, not once per document: every copy of a batch embeds the same
subsets (the ASCII characters keep their own codes, and a brief's few others come
in the same order), and a subset's bytes depend only on the face and its list of
characters. And text of printable ASCII alone, most of a brief's, is encoded
without reportlab's loop over its characters: those keep their own codes in the
first subset.

Drawing text changes a document's state of its fonts: ``splitString`` gives each
new character the next code of a subset, ``getSubsetInternalName`` names a font's
resource (F1, F2, ...) on its first use. :func:`recording_font_calls` records these
calls and what they gave while a paragraph is drawn, and :func:`replay_font_calls`
makes them again in another document, so that the renderer can reuse the
paragraph's operators there when every call gives the same (a text whose
characters all have their codes there already is not split again: it would give
the same and change nothing).

A face's objects in the file (each subset's font dictionary, font descriptor,
character map and font program) are formatted once per process too, for what they
hold and the numbers of the objects they refer to (:func:`kept_format`): every
copy of a batch writes the same ones.
"""

from __future__ import annotations

import hashlib
import re
import string
import weakref
import zlib
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from typing import Any

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, ttfonts
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

TAG_LENGTH = 6

# The PostScript name of the face whose subsets are being added, while it is.
_adding: ContextVar[bytes | None] = ContextVar("briefgen_subset_face", default=None)


@lru_cache(maxsize=256)
def subset_tag(face_name: str | bytes, index: int) -> str:
    """The six-capital-letter tag of subset ``index`` of the face ``face_name``
    (worked out once per process: every copy of a batch names the same subsets)."""
    name = face_name.decode("latin-1") if isinstance(face_name, bytes) else face_name
    digest = hashlib.sha256(f"{name}\0{index}".encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    letters = []
    for _ in range(TAG_LENGTH):
        number, digit = divmod(number, 26)
        letters.append(string.ascii_uppercase[digit])
    return "".join(letters)


def _tagging(original: Callable[..., bytes]) -> Callable[..., bytes]:
    def subset_name(n: int, *args: Any) -> bytes:
        face = _adding.get()
        if face is None:
            return original(n, *args)
        return subset_tag(face, n).encode("ascii")

    subset_name.briefgen_tagging = True  # type: ignore[attr-defined]
    return subset_name


if not getattr(ttfonts.SUBSETN, "briefgen_tagging", False):  # once, also on reload
    ttfonts.SUBSETN = _tagging(ttfonts.SUBSETN)


# Subsets kept: a few per face for the faces (four) and fallback faces a process uses.
_SUBSETS_KEPT = 64


# reportlab's makeToUnicodeCMap(name, subset), which writes a subset's character map.
_MAKE_CMAP: Callable[[str, list[int]], str] = getattr(
    ttfonts.makeToUnicodeCMap, "briefgen_original", ttfonts.makeToUnicodeCMap
)


@lru_cache(maxsize=_SUBSETS_KEPT)
def _to_unicode_cmap(name: str, subset: tuple[int, ...]) -> str:
    """A subset's character map, written once per process: every copy of a batch
    embeds the same subsets."""
    return _MAKE_CMAP(name, list(subset))


def _kept_to_unicode_cmap(name: str, subset: list[int]) -> str:
    return _to_unicode_cmap(name, tuple(subset))


_kept_to_unicode_cmap.briefgen_original = _MAKE_CMAP  # type: ignore[attr-defined]
ttfonts.makeToUnicodeCMap = _kept_to_unicode_cmap


@lru_cache(maxsize=_SUBSETS_KEPT)
def _subset(face: TTFontFile, characters: tuple[int, ...]) -> bytes:
    """The font program of ``face``'s subset of ``characters``, in their order."""
    made: bytes = TTFontFile.makeSubset(face, list(characters))
    return made


@lru_cache(maxsize=_SUBSETS_KEPT)
def _deflated(data: bytes) -> bytes:
    return zlib.compress(data)


class _KeptFlate(pdfdoc.PDFStreamFilterZCompress):  # type: ignore[misc]
    """reportlab's Flate filter, remembering the font programs it compressed."""

    def encode(self, text: bytes | str) -> bytes:
        return _deflated(text.encode("utf8") if isinstance(text, str) else text)


_KEPT_FLATE = _KeptFlate()


@lru_cache(maxsize=_SUBSETS_KEPT)
def _formatted_widths(widths: tuple[float, ...], indent: bytes, multiline: bool) -> bytes:
    del multiline  # a key only: reportlab reads the setting while it formats
    array = pdfdoc.PDFArray(widths)
    formatted: bytes = pdfdoc.PDFArray.format(array, pdfdoc.DummyDoc(), indent)
    return formatted


class _KeptWidths(pdfdoc.PDFArray):  # type: ignore[misc]
    """A subset's array of glyph widths, formatted once per process."""

    def format(self, document: Any, IND: bytes = b"\n ") -> bytes:
        del document  # numbers format the same in every document
        return _formatted_widths(tuple(self.sequence), IND, bool(rl_config.pdfMultiLine))


# Text of printable ASCII characters alone, each its own code in the first subset.
_PRINTABLE_ASCII = re.compile("[\x20-\x7e]+")


def _make_subset(face: TTFontFile, subset: list[int]) -> bytes:
    return _subset(face, tuple(subset))


@dataclass(frozen=True)
class FontCall:
    """A call that read or changed a document's state of a font while a drawing was
    recorded: ``splitString(text)`` (which gives characters their codes in the
    subsets) or ``getSubsetInternalName(subset)`` (which names the font's resource),
    and what it gave."""

    font: TaggedTTFont
    method: str
    argument: str | bytes | int
    result: Any

    @cached_property
    def codes(self) -> dict[int, int] | None:
        """For ``splitString``: the code each character of the text got, which the
        state of a document giving them all the same codes already holds (a
        character the font lacks got none, and never matches). None for another
        call."""
        text = self.argument
        if self.method != "splitString" or isinstance(text, int):
            return None
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        codes = [subset << 8 | byte for subset, chunk in self.result for byte in chunk]
        # reportlab gives a no-break space the space's code.
        characters = [32 if code == 0xA0 else code for code in map(ord, text)]
        if len(codes) != len(characters):
            return None
        return dict(zip(characters, codes, strict=True))


# The calls of the drawing being recorded, in order (None: none is).
_recorded: ContextVar[list[FontCall] | None] = ContextVar("briefgen_font_calls", default=None)


@contextmanager
def recording_font_calls() -> Iterator[list[FontCall]]:
    """Record, in the list given, the font calls made inside the block."""
    calls: list[FontCall] = []
    token = _recorded.set(calls)
    try:
        yield calls
    finally:
        _recorded.reset(token)


def replay_font_calls(calls: Sequence[FontCall], document: Any) -> bool:
    """Make ``calls`` again, in order, in ``document``; whether each gave what it gave
    when recorded (the same codes and resource names). It stops at the first that
    does not: the calls made until then are the ones drawing makes first anyway.

    A ``splitString`` whose characters all have, in the document, the codes they
    had is not made: it would give what it gave and change nothing (it gives a
    character a code only when it has none). That is most of them after a page's
    first paragraphs, and reportlab's loop over the characters of a text with any
    beyond ASCII was a tenth of drawing a copy."""
    recording = _recorded.get() is not None
    for call in calls:
        codes = call.codes
        if codes is not None and not recording:
            state = call.font._state(document)
            if state is not None and codes.items() <= state.assignments.items():
                continue
        if getattr(call.font, call.method)(call.argument, document) != call.result:
            return False
    return True


class _Widths(dict[int, int]):
    """A face's glyph widths by character, the face's default width for a character
    it lacks: ``widths[code]`` is reportlab's ``getCharWidth(code)``."""

    def __init__(self, widths: dict[int, int], default: int) -> None:
        super().__init__(widths)
        self.default = default

    def __missing__(self, code: int) -> int:
        return self.default


class TaggedTTFont(TTFont):  # type: ignore[misc]  # reportlab ships no type hints
    """A reportlab ``TTFont`` whose embedded subsets have distinct, stable tags, each
    made and compressed once per process."""

    # The document whose state was last looked up, and the state.
    _last_state: tuple[weakref.ref[Any], Any] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        face = self.face
        face.makeSubset = partial(_make_subset, face)
        if type(face.charWidths) is dict:
            # Each subset's widths are read a character at a time through the face's
            # getCharWidth (some 380 calls a copy): a dict's own look-up instead.
            face.charWidths = _Widths(face.charWidths, face.defaultWidth)
            face.getCharWidth = face.charWidths.__getitem__

    def splitString(self, text: str | bytes, doc: Any, encoding: str = "utf-8") -> Any:
        """reportlab's chunks of ``text`` per subset: ``(0, the ASCII bytes)`` at once
        when every character is printable ASCII and has its own code in this
        document's first subset (reportlab's "ASCII readable" subsets)."""
        chunks = self._split(text, doc, encoding)
        calls = _recorded.get()
        if calls is not None:
            calls.append(FontCall(self, "splitString", text, chunks))
        return chunks

    def _split(self, text: str | bytes, doc: Any, encoding: str) -> Any:
        state = self._state(doc)
        if state is not None and isinstance(text, str) and _PRINTABLE_ASCII.fullmatch(text):
            own = getattr(state, "briefgen_ascii_own", None)
            if own is None:
                own = all(state.assignments.get(code) == code for code in range(0x20, 0x7F))
                state.briefgen_ascii_own = own
            if own:
                return [(0, text.encode("ascii"))]
        return super().splitString(text, doc, encoding)

    def getSubsetInternalName(self, subset: int, doc: Any) -> str:
        """reportlab's name of the resource for ``subset`` in ``doc`` (``/F2+0``),
        the font named on its first use. Once named, the name is made here: reportlab
        looks the document's state up in a weak dictionary each call, some sixty
        times a copy (every paragraph replayed names its fonts again)."""
        state = self._state(doc)
        named = state is not None and state.internalName is not None
        if named and 0 <= subset < len(state.subsets):
            name = f"/{state.internalName}+{subset}"
        else:
            name = super().getSubsetInternalName(subset, doc)
        calls = _recorded.get()
        if calls is not None:
            calls.append(FontCall(self, "getSubsetInternalName", subset, name))
        return name

    def _state(self, doc: Any) -> Any:
        """reportlab's state of this font in ``doc`` (None: not used yet), the last
        one found kept at hand (a weak dictionary's look-up costs more than the rest
        of an ASCII string's encoding)."""
        last = self._last_state
        if last is not None and last[0]() is doc:
            return last[1]
        state = self.state.get(doc)
        if state is not None:
            self._last_state = (weakref.ref(doc), state)
        return state

    def addObjects(self, doc: Any) -> None:
        self._last_state = None  # reportlab drops the document's state here
        face_name: bytes = self.face.name + self.face.subfontNameX
        state = self.state.get(doc)  # which reportlab drops while it adds them
        token = _adding.set(face_name)
        try:
            super().addObjects(doc)
        finally:
            _adding.reset(token)
        # Each subset's objects just added, found from its font dictionary: the font
        # program and character map compressed by the filter that remembers, the
        # widths formatted once, all four objects formatted once.
        fonts = doc.idToObject["BasicFonts"].dict
        for index in range(len(state.subsets) if state is not None else 0):
            font = fonts.get(f"{state.internalName}+{index}")
            if type(font) is not pdfdoc.PDFTrueTypeFont:
                continue
            font.__class__ = _KeptFont
            if type(font.Widths) is pdfdoc.PDFArray:
                font.Widths.__class__ = _KeptWidths
            descriptor = _referred(doc, font.FontDescriptor)
            if type(descriptor) is pdfdoc.PDFDictionary:
                descriptor.__class__ = _KeptDictionary
                _keep_stream(_referred(doc, descriptor.dict.get("FontFile2")))
            _keep_stream(_referred(doc, font.ToUnicode))


def _referred(doc: Any, reference: Any) -> Any:
    """The object ``reference`` refers to in ``doc`` (None: not a reference)."""
    if type(reference) is not pdfdoc.PDFObjectReference:
        return None
    return doc.idToObject.get(reference.name)


def _keep_stream(stream: Any) -> None:
    """A font program or character map compressed by the filter that remembers, and
    formatted once."""
    if type(stream) is not pdfdoc.PDFStream:
        return
    if stream.filters == [pdfdoc.PDFZCompress]:
        stream.filters = [_KEPT_FLATE]
    stream.__class__ = _KeptStream


# Formatted objects kept: each face's few subsets' four objects, for the object
# numbers they are given in the documents of a batch's audiences.
_FORMATTED_KEPT = 128
_formatted: dict[Hashable, bytes] = {}
_NUMBERS = (int, float)


def _fingerprint(value: Any, document: Any) -> Hashable | None:
    """What ``value``'s formatting in ``document`` depends on, as a key; None when it
    holds anything else than numbers, names, strings, arrays of those, dictionaries
    and references to objects already numbered (whose numbers are in the key)."""
    kind = type(value)
    if kind in _NUMBERS or kind is str:
        return (kind, value)
    if kind is pdfdoc.PDFObjectReference:
        number = document.idToObjectNumberAndVersion.get(value.name)
        return None if number is None else ("R", number)
    if kind is pdfdoc.PDFArray or kind is _KeptWidths:
        items = value.sequence
        if set(map(type, items)) <= set(_NUMBERS):
            return (pdfdoc.PDFArray, value.multiline, tuple(items))
        keys = [_fingerprint(item, document) for item in items]
        return None if None in keys else (pdfdoc.PDFArray, value.multiline, tuple(keys))
    if (kind is pdfdoc.PDFDictionary or kind is _KeptDictionary) and type(value.dict) is dict:
        pairs = []  # formatted in the order of their names
        for name, item in value.dict.items():
            key = _fingerprint(item, document)
            if key is None or type(name) is not str:
                return None
            pairs.append((name, key))
        return (pdfdoc.PDFDictionary, value.multiline, tuple(sorted(pairs)))
    return None


def kept_format(kind: type, key: Hashable | None, format: Callable[[], bytes]) -> bytes:
    """``format()``, or what it gave for ``key`` before (None: not kept), while
    reportlab's setting for the file's layout is as it was. An encrypted document's
    objects are given no key: encryption is per object number."""
    if key is None:
        return format()
    full = (kind, key, rl_config.pdfMultiLine)
    data = _formatted.get(full)
    if data is None:
        data = _formatted[full] = format()
        while len(_formatted) > _FORMATTED_KEPT:
            del _formatted[next(iter(_formatted))]
    return data


def unencrypted(document: Any) -> bool:
    """Whether ``document`` is written unencrypted (its objects may be kept)."""
    return type(document.encrypt) is pdfdoc.NoEncryption


class _KeptDictionary(pdfdoc.PDFDictionary):  # type: ignore[misc]
    """A font descriptor, formatted once per process for what it holds."""

    def format(self, document: Any, IND: bytes = b"\n ") -> bytes:
        key = _fingerprint(self, document) if unencrypted(document) else None
        formatted = partial(pdfdoc.PDFDictionary.format, self, document, IND)
        return kept_format(_KeptDictionary, key and (key, IND), formatted)


class _KeptFont(pdfdoc.PDFTrueTypeFont):  # type: ignore[misc]
    """A subset's font dictionary, formatted once per process for what it holds."""

    def format(self, document: Any) -> bytes:
        key: tuple[Hashable, ...] | None = None
        if unencrypted(document):
            key = ()
            for name in (*self.name_attributes, *self.local_attributes):
                value = getattr(self, name, _ABSENT)
                found = None if value is _ABSENT else _fingerprint(value, document)
                if found is None and value is not _ABSENT:
                    key = None
                    break
                key += (name, found)
        formatted = partial(pdfdoc.PDFTrueTypeFont.format, self, document)
        return kept_format(_KeptFont, key, formatted)


class _KeptStream(pdfdoc.PDFStream):  # type: ignore[misc]
    """A subset's font program or character map, formatted once per process for its
    content (made once already: :func:`_subset`, :func:`_to_unicode_cmap`), its
    dictionary and its filters."""

    def format(self, document: Any) -> bytes:
        key: Hashable | None = None
        content, filters = self.content, self.filters
        if unencrypted(document) and type(content) in (bytes, str) and filters is not None:
            dictionary = _fingerprint(self.dictionary, document)
            if dictionary is not None:
                key = (content, dictionary, tuple(filters))
        formatted = partial(pdfdoc.PDFStream.format, self, document)
        return kept_format(_KeptStream, key, formatted)


_ABSENT = object()
