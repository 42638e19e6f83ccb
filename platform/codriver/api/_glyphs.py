"""Font glyphs for the basemap's labels, drawn here: no font server, no download.

MapLibre GL draws text from signed-distance-field glyphs fetched per 256-code-point range
(``{fontstack}/{start}-{end}.pbf``, the protobuf format of Mapbox's ``glyphs.proto``). We
draw them from DejaVu Sans, which ships inside matplotlib (a dependency) and covers Latin,
Greek, Cyrillic and more: each glyph is rendered four times larger with Pillow, its
distance field computed with scipy and sampled back at 24 px, with the same buffer (3 px),
radius (8 px) and cutoff (0.25) as Mapbox's own generators, so MapLibre reads them as it
reads any glyph set. A range the font does not cover is answered with no glyphs.
"""

from __future__ import annotations

import importlib.resources
import math
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["FONTS", "glyph_range"]

#: font stack name → DejaVu file inside matplotlib's data
FONTS = {"Codriver Sans": "DejaVuSans.ttf", "Codriver Sans Bold": "DejaVuSans-Bold.ttf"}
_SIZE = 24  # px: the size MapLibre expects glyphs at
_BUFFER = 3  # px of field around each glyph
_RADIUS = 8.0  # px the field spans
_CUTOFF = 0.25  # share of the field inside the outline
_SCALE = 4  # rendered this many times larger, for a precise field
# MapLibre places a glyph by its top above the baseline less this (as fontnik's glyphs do)
_TOP_SHIFT = 26
_lock = threading.Lock()


def _font_file(name: str) -> Path:
    return Path(str(importlib.resources.files("matplotlib") / "mpl-data" / "fonts" / "ttf" / name))


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return _varint(field << 3 | wire)


def _bytes_field(field: int, data: bytes) -> bytes:
    return _key(field, 2) + _varint(len(data)) + data


def _uint_field(field: int, value: int) -> bytes:
    return _key(field, 0) + _varint(value)


def _sint_field(field: int, value: int) -> bytes:
    return _key(field, 0) + _varint((value << 1) ^ (value >> 63))  # zigzag


@lru_cache(maxsize=4)
def _font(file: str) -> tuple[Any, set[int], int]:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # noqa: PLC0415  (only when glyphs are asked for)
    from PIL import ImageFont  # noqa: PLC0415

    path = _font_file(file)
    with TTFont(path, lazy=True) as tt:
        codes = set(tt.getBestCmap())
    font = ImageFont.truetype(str(path), _SIZE * _SCALE, layout_engine=ImageFont.Layout.BASIC)  # one glyph at a time
    ascent, _ = font.getmetrics()
    return font, codes, ascent


def _glyph(font: Any, ascent: int, code: int) -> bytes:
    """One ``glyph`` message: id, SDF bitmap, width, height, left, top, advance."""
    from PIL import Image, ImageDraw  # noqa: PLC0415
    from scipy.ndimage import distance_transform_edt  # noqa: PLC0415

    char = chr(code)
    advance = round(font.getlength(char) / _SCALE)
    x0, y0, x1, y1 = font.getbbox(char)
    if x1 <= x0 or y1 <= y0:  # a space: metrics only
        return _uint_field(1, code) + _uint_field(3, 0) + _uint_field(4, 0) + _sint_field(5, 0) + \
            _sint_field(6, 0) + _uint_field(7, advance)  # fmt: skip
    left, top = math.floor(x0 / _SCALE), math.floor(y0 / _SCALE)
    width, height = math.ceil(x1 / _SCALE) - left, math.ceil(y1 / _SCALE) - top
    cols, rows = width + 2 * _BUFFER, height + 2 * _BUFFER
    canvas = Image.new("L", (cols * _SCALE, rows * _SCALE), 0)
    ImageDraw.Draw(canvas).text(((_BUFFER - left) * _SCALE, (_BUFFER - top) * _SCALE), char, font=font, fill=255)
    inside = np.asarray(canvas) >= 128
    outside_d = distance_transform_edt(~inside) - 0.5
    inside_d = distance_transform_edt(inside) - 0.5
    signed = np.where(inside, -inside_d, outside_d) / _SCALE  # px at 24 px, positive outside
    centre = _SCALE // 2
    sampled = signed[centre::_SCALE, centre::_SCALE][:rows, :cols]
    field = np.clip(np.round(255 - 255 * (sampled / _RADIUS + _CUTOFF)), 0, 255).astype(np.uint8)
    bearing_y = round(ascent / _SCALE) - top
    return (
        _uint_field(1, code)
        + _bytes_field(2, field.tobytes())
        + _uint_field(3, width)
        + _uint_field(4, height)
        + _sint_field(5, left)
        + _sint_field(6, bearing_y - _TOP_SHIFT)
        + _uint_field(7, advance)
    )


@lru_cache(maxsize=64)
def glyph_range(stack: str, start: int) -> bytes:
    """The ``glyphs`` protobuf of code points ``start``..``start + 255`` of font stack ``stack``.

    ``stack`` is one of :data:`FONTS`; ``start`` a multiple of 256 below 65536.
    """
    if stack not in FONTS or start % 256 or not 0 <= start < 65536:
        msg = f"no glyphs for {stack!r} from {start}"
        raise ValueError(msg)
    with _lock:  # Pillow's font objects are not shared between threads
        font, codes, ascent = _font(FONTS[stack])
        glyphs = b"".join(
            _bytes_field(3, _glyph(font, ascent, code)) for code in range(start, start + 256) if code in codes
        )
    stack_msg = _bytes_field(1, stack.encode()) + _bytes_field(2, f"{start}-{start + 255}".encode()) + glyphs
    return _bytes_field(1, stack_msg)
