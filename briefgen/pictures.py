"""Read a local picture (PNG or JPEG) for a brief, refusing anything else.

A picture comes only from a file under one of the template folders: never from the
network, never through a link that leads elsewhere, never larger than
:data:`MAX_PICTURE_BYTES` or :data:`MAX_PICTURE_PIXELS`, and always decodable, so
neither renderer meets a file it cannot draw.
"""

from __future__ import annotations

import errno
import io
import re
import stat
import warnings
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from briefgen.errors import display_path
from briefgen.inputs import clip_name
from briefgen.model import Picture

MAX_PICTURE_BYTES = 5_000_000
MAX_PICTURE_PIXELS = 25_000_000
FORMATS = {"PNG": "png", "JPEG": "jpeg"}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")


class PictureRefused(ValueError):
    """Why a picture cannot be used, worded for the template's author."""


def picture_path(source: str, base: Path, folders: Sequence[Path]) -> Path:
    """The file ``source`` (as written after ``](``) names, relative to ``base`` (the
    folder of the template that wrote it), checked to lie inside one of ``folders``
    with every link followed."""
    name = unquote(source)
    shown = clip_name(source)  # a link's address may be 2,000 characters
    if _SCHEME.match(name):
        raise PictureRefused(
            f"image '{shown}': briefgen never fetches pictures from the network; "
            "save the file next to the template and give its name"
        )
    if not name.strip():
        raise PictureRefused("image: give the picture's file name, as in ![what it shows](map.png)")
    if PurePosixPath(name).is_absolute() or Path(name).is_absolute():
        raise PictureRefused(
            f"image '{shown}': give the file's path relative to the template, not from the root"
        )
    candidate = base / name
    try:
        real = candidate.resolve()
    except RuntimeError:  # Python 3.11's word for a loop of links
        raise PictureRefused(f"image '{shown}' is a link that leads round in a loop") from None
    roots = [folder.resolve() for folder in folders]
    if not any(real.is_relative_to(root) for root in roots):
        raise PictureRefused(
            f"image '{shown}' leads outside the template folders; "
            "pictures are read only from inside them"
        )
    try:
        is_file = stat.S_ISREG(real.stat().st_mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a loop, as Python 3.13 resolves one
            raise PictureRefused(f"image '{shown}' is a link that leads round in a loop") from None
        is_file = False  # not there, or a name longer than the file system allows
    if not is_file:
        raise PictureRefused(
            f"image '{shown}' not found (looked for {display_path(base)}/{clip_name(name)})"
        )
    return real


# Pillow's modes for a grey of more than 8 bits a pixel (a 16-bit greyscale PNG, as
# scanners and scientific software save them).
_WIDE_GREY = frozenset({"I;16", "I;16B", "I;16L", "I;16N", "I"})


def eight_bit(image: PILImage.Image, data: bytes) -> tuple[PILImage.Image, bytes]:
    """A 16-bit greyscale picture as 8-bit grey (and its PNG bytes): reportlab clips
    its values at 255, so it printed white in the PDF while Word showed it. Any other
    picture as it is."""
    if image.mode not in _WIDE_GREY:
        return image, data
    # 0 to 65535, as a PNG of 16 bits holds them (Pillow reads some as mode "I").
    grey = image.convert("I").point(lambda value: value * (255 / 65535)).convert("L")
    # Without a 16-bit transparency key, which no 8-bit grey could match.
    grey.info = {key: value for key, value in image.info.items() if key != "transparency"}
    out = io.BytesIO()
    grey.save(out, "PNG", icc_profile=image.info.get("icc_profile"))
    return grey, out.getvalue()


# A progressive JPEG is decoded once per scan: a few make a photo (libjpeg writes 10),
# thousands in a small file take minutes to decode.
MAX_JPEG_SCANS = 50


def slow_jpeg(data: bytes, kind: str) -> str | None:
    """Why a JPEG of more than :data:`MAX_JPEG_SCANS` scans is refused before it is
    decoded (the end of a message naming the picture), or None. Each scan starts
    with an SOS marker (FF DA), which the coded data never holds (a coded FF is
    followed by 00); an Exif thumbnail's scans count too."""
    if kind == "jpeg" and (scans := data.count(b"\xff\xda")) > MAX_JPEG_SCANS:
        return (
            f"is a JPEG of {scans:,} scans; at most {MAX_JPEG_SCANS} (it would take "
            "minutes to decode): save it again as a plain JPEG"
        )
    return None


def keyed_alpha(image: PILImage.Image, data: bytes, kind: str) -> tuple[PILImage.Image, bytes]:
    """A PNG made transparent by one colour (a tRNS key on a grey, RGB or 1-bit
    picture) with an alpha channel instead: reportlab ignores such a key, so the PDF
    printed that colour (a box round a logo on the masthead) where Word and
    LibreOffice show what lies behind. Of 16 bits a channel Pillow keeps 8, and cannot
    tell the key's pixels: that picture is printed opaque in both. Any other as it is."""
    if kind != "png" or image.mode not in ("1", "L", "RGB") or "transparency" not in image.info:
        return image, data
    if data[24:25] == b"\x10":  # the bit depth in the PNG's header (IHDR)
        keyed = image.copy()
    else:
        keyed = image.convert("RGBA" if image.mode == "RGB" else "LA")
    keyed.info = {key: value for key, value in image.info.items() if key != "transparency"}
    out = io.BytesIO()
    keyed.save(out, "PNG", icc_profile=image.info.get("icc_profile"))
    return keyed, out.getvalue()


def as_printed(image: PILImage.Image, data: bytes, kind: str) -> tuple[bytes, int, int]:
    """The bytes and pixel size both renderers print of the decoded picture ``image``
    read from ``data``: :func:`keyed_alpha`, :func:`eight_bit`, then :func:`upright`."""
    image, data = keyed_alpha(image, data, kind)
    image, data = eight_bit(image, data)
    return upright(image, data, kind)


# The EXIF tag that says how a photo was held: 1 upright, 2 to 8 a turn or a mirror.
_ORIENTATION = 0x0112


def upright(image: PILImage.Image, data: bytes, kind: str) -> tuple[bytes, int, int]:
    """A picture's bytes and pixel size as it is meant to be seen: a photo stored on
    its side with an EXIF orientation, as phones save them, turned upright and saved
    again (neither reportlab, Word nor LibreOffice turns it); any other as it is."""
    if image.getexif().get(_ORIENTATION, 1) not in range(2, 9):
        width, height = image.size
        return data, width, height
    from PIL import ImageOps  # here: ~0.7 ms to import, for photos held on their side

    turned = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    profile = image.info.get("icc_profile")
    if kind == "jpeg":
        turned.save(out, "JPEG", quality=95, icc_profile=profile)
    else:
        turned.save(out, "PNG", icc_profile=profile)
    width, height = turned.size
    return out.getvalue(), width, height


def read_picture(path: Path, alt: str, shown_as: str) -> Picture:
    """The PNG or JPEG at ``path`` as a :class:`Picture`; ``shown_as`` names it in
    messages."""
    size = path.stat().st_size
    if size > MAX_PICTURE_BYTES:
        raise PictureRefused(
            f"image '{shown_as}' is {size:,} bytes; at most {MAX_PICTURE_BYTES:,} "
            "(a one-page brief needs far less: save it smaller)"
        )
    data = path.read_bytes()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data)) as image:
                kind = FORMATS.get(image.format or "")
                if kind is None:
                    raise PictureRefused(
                        f"image '{shown_as}' is {image.format or 'not a picture'}; "
                        "give a PNG or JPEG file"
                    )
                width, height = image.size
                if width * height > MAX_PICTURE_PIXELS:
                    raise PictureRefused(
                        f"image '{shown_as}' is {width:,} x {height:,} pixels; at most "
                        f"{MAX_PICTURE_PIXELS:,} pixels in all"
                    )
                if slow := slow_jpeg(data, kind):
                    raise PictureRefused(f"image '{shown_as}' {slow}")
                image.load()  # decode it all now: a broken file stops here, not in a renderer
                data, width, height = as_printed(image, data, kind)
    except PictureRefused:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise PictureRefused(
            f"image '{shown_as}' has more than {MAX_PICTURE_PIXELS:,} pixels; save it smaller"
        ) from None
    except UnidentifiedImageError:
        raise PictureRefused(
            f"image '{shown_as}' is not a picture; give a PNG or JPEG file"
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise PictureRefused(
            f"image '{shown_as}' is damaged: it cannot be decoded; save it again as PNG or JPEG"
        ) from None
    return Picture(data=data, format=kind, width_px=width, height_px=height, alt=alt)
