"""reportlab's ``pdfdocEnc``, ``PDFName`` and ``PDFDictionary.format``, replaced by
briefgen.renderers.pdf_encoding's: the first skips reportlab's codec for the ASCII
text it maps to its own bytes, the second keeps each name written, the third each
name with its space and writes text and numbers directly. The same bytes, or the
same refusal, for every text, name and dictionary."""

from __future__ import annotations

import subprocess
import sys
from collections import OrderedDict

import pytest
from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

import briefgen.renderers.pdf  # noqa: F401  (installs the encoder, as a build does)
from briefgen.renderers.pdf_encoding import dictionary_format, pdf_name, pdfdoc_enc

ORIGINAL = pdfdoc_enc.briefgen_original  # type: ignore[attr-defined]


def _said(encode: object, text: str | bytes) -> bytes | type[Exception]:
    assert callable(encode)
    try:
        result = encode(text)
    except UnicodeError as exc:
        return type(exc)
    assert isinstance(result, bytes)
    return result


def test_reportlab_formats_with_briefgen_s_once_the_renderer_is_loaded() -> None:
    assert pdfdoc.pdfdocEnc is pdfdoc_enc
    assert ORIGINAL is not pdfdoc_enc
    # In a process that loads the renderer alone, as a build does.
    code = "import briefgen.renderers.pdf; from reportlab.pdfbase import pdfdoc;"
    code += " print(pdfdoc.pdfdocEnc.__module__)"
    said = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert said.stdout.strip() == "briefgen.renderers.pdf_encoding"


@pytest.mark.parametrize("code", range(0x100))
def test_each_character_alone_and_in_text_is_encoded_as_reportlab_encodes_it(code: int) -> None:
    character = chr(code)
    for text in (character, f"12 0 R{character}/Name", f"<< /K {character}\n >>"):
        assert _said(pdfdoc_enc, text) == _said(ORIGINAL, text)


@pytest.mark.parametrize(
    "text",
    ["", "12 0 obj\n", "/Type /StructElem", "caf\u00e9", "\u2019", "\u20ac5", "\x18", b"\x80raw"],
)
def test_text_and_bytes_are_encoded_as_reportlab_encodes_them(text: str | bytes) -> None:
    assert _said(pdfdoc_enc, text) == _said(ORIGINAL, text)


def test_the_control_characters_the_codec_refuses_are_still_refused() -> None:
    for code in range(0x18, 0x20):
        with pytest.raises(UnicodeEncodeError):
            pdfdoc_enc(f"a{chr(code)}b")


NAME_ORIGINAL = pdf_name.briefgen_original  # type: ignore[attr-defined]


def test_reportlab_writes_names_with_briefgen_s() -> None:
    assert pdfdoc.PDFName is pdf_name
    assert NAME_ORIGINAL is not pdf_name


@pytest.mark.parametrize(
    "data", ["Type", "StructTreeRoot", "F1+0", "A B", "a#b", "(x)", "caf\u00e9", "", "\x7f"]
)
def test_a_name_is_written_as_reportlab_writes_it_the_first_time_and_after(data: str) -> None:
    assert pdf_name(data) == NAME_ORIGINAL(data)
    assert pdf_name(data) == NAME_ORIGINAL(data)
    assert pdf_name(data, "A", "z") == NAME_ORIGINAL(data, "A", "z")


DICTIONARY_ORIGINAL = dictionary_format.briefgen_original  # type: ignore[attr-defined]


def values() -> dict[str, object]:
    """One value of each kind (made in the test, through briefgen's encoder, not while
    the tests are collected)."""
    return {
        "Type": "/Page",
        "Count": 3,
        "Width": 612.5,
        "Flag": True,
        "Name": pdfdoc.PDFName("F1+0"),
        "Text": pdfdoc.PDFString("caf\u00e9 (1)"),
        "Raw": b"<00ff>",
        "Box": pdfdoc.PDFArray([0, 0, 612, 792.25]),
        "Inner": pdfdoc.PDFDictionary({"S": "/URI", "N": 1}),
        "A B": "/odd#name",
    }


def test_reportlab_formats_dictionaries_with_briefgen_s() -> None:
    assert pdfdoc.PDFDictionary.format is dictionary_format
    assert DICTIONARY_ORIGINAL is not dictionary_format


@pytest.mark.parametrize("multiline", [True, False, "forced"])
@pytest.mark.parametrize("count", [0, 1, 6, 7, 10])
def test_a_dictionary_is_written_as_reportlab_writes_it(
    multiline: bool | str, count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any number of entries (a line break after every sixth when on one line), of
    every kind of value, on one line or several, twice (the names kept)."""
    items = dict(list(values().items())[:count])
    for setting in (0, 1):
        monkeypatch.setattr(rl_config, "pdfMultiLine", setting)
        dictionary = pdfdoc.PDFDictionary(items)
        dictionary.multiline = multiline
        for indent in (b"\n ", b"\n"):
            expected = DICTIONARY_ORIGINAL(dictionary, pdfdoc.DummyDoc(), indent)
            assert dictionary_format(dictionary, pdfdoc.DummyDoc(), indent) == expected
            assert dictionary_format(dictionary, pdfdoc.DummyDoc(), indent) == expected


def test_an_ordered_dictionary_keeps_its_order_as_reportlab_does() -> None:
    dictionary = pdfdoc.PDFDictionary()
    dictionary.dict = OrderedDict([("Z", 1), ("A", 2)])
    written = dictionary_format(dictionary, pdfdoc.DummyDoc())
    assert written == DICTIONARY_ORIGINAL(dictionary, pdfdoc.DummyDoc())
    assert written.index(b"/Z") < written.index(b"/A")
