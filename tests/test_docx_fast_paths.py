"""The DOCX renderer's short cuts write what the long way writes: a run's text set at
once (not python-docx's character loop), and the big styles part deflated once per
content (not once per brief) but zipped byte for byte as zipfile zips it."""

from __future__ import annotations

import io
import time
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from briefgen.renderers import docx as docx_renderer
from briefgen.renderers.docx_blocks import _add_run


@pytest.mark.parametrize(
    "text", ["plain", " leading space", "trailing space ", "a\ttab", "two\nlines", "cr\r", ""]
)
def test_add_run_writes_what_add_run_writes(text: str) -> None:
    ours, theirs = docx.Document().add_paragraph(), docx.Document().add_paragraph()
    _add_run(ours, text)
    theirs.add_run(text)
    assert ours._p.xml == theirs._p.xml
    if text.strip() != text and "\t" not in text and "\n" not in text and "\r" not in text:
        assert ours._p.find(f"{qn('w:r')}/{qn('w:t')}").get(qn("xml:space")) == "preserve"


def _reference(members: dict[str, bytes], epoch: int) -> bytes:
    """The zip _repack wrote before big members were deflated once."""
    date_time = time.gmtime(epoch)[:6]
    members = {**members, "docProps/app.xml": docx_renderer._APP_XML}
    first = "[Content_Types].xml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in [first, *sorted(n for n in members if n != first)]:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, members[name], compresslevel=6)
    return out.getvalue()


def test_repack_with_a_big_member_deflated_once_is_zipfiles_bytes() -> None:
    big = b"".join(b'<w:style w:styleId="S%d"/>' % i for i in range(8000))
    assert len(big) >= docx_renderer._DEFLATE_ONCE
    members = {"[Content_Types].xml": b"<Types/>", "word/styles.xml": big, "a.xml": b"<a/>"}
    epoch = 1_700_000_000
    expected = _reference(members, epoch)
    docx_renderer._deflate.cache_clear()
    assert docx_renderer._repack(members, epoch) == expected
    assert docx_renderer._deflate.cache_info().misses == 1
    # The second brief reuses the deflated bytes, and its zip is the same.
    assert docx_renderer._repack(members, epoch) == expected
    assert docx_renderer._deflate.cache_info().hits == 1
    other = {**members, "word/styles.xml": big.replace(b"S1", b"T1")}
    assert docx_renderer._repack(other, epoch) == _reference(other, epoch)
    with zipfile.ZipFile(io.BytesIO(docx_renderer._repack(other, epoch))) as archive:
        assert archive.testzip() is None
        assert archive.read("word/styles.xml") == other["word/styles.xml"]
