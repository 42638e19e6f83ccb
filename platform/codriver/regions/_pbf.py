"""A structural check of OSM PBF files, before any parser sees them.

A PBF file is a sequence of blocks: a 4-byte big-endian length, a ``BlobHeader`` protobuf
message of that length, then ``datasize`` bytes of blob. The first block is ``OSMHeader``.
Walking the headers finds non-PBF files and truncated downloads in milliseconds.
"""

from __future__ import annotations

import struct
from pathlib import Path

from codriver.errors import DataError, InputError

__all__ = ["check_pbf"]

_MAX_HEADER = 64 * 1024
_MAX_BLOB = 32 * 1024 * 1024


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            msg = "varint runs past the end of the header"
            raise ValueError(msg)
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _blob_header(data: bytes) -> tuple[str, int]:
    """(type, datasize) of a serialized ``BlobHeader``."""
    kind, size, pos = "", -1, 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        field, wire = key >> 3, key & 7
        if wire == 2:
            length, pos = _varint(data, pos)
            if field == 1:
                kind = data[pos : pos + length].decode("ascii")
            pos += length
        elif wire == 0:
            value, pos = _varint(data, pos)
            if field == 3:
                size = value
        else:
            msg = f"unexpected wire type {wire}"
            raise ValueError(msg)
    if not kind or size < 0:
        msg = "header lacks type or datasize"
        raise ValueError(msg)
    return kind, size


def check_pbf(path: Path) -> int:
    """Check that ``path`` is a complete OSM PBF file; return its number of blocks.

    Raises :class:`InputError` when the file is missing and :class:`DataError` when it is
    not PBF or ends early.
    """
    if not path.exists():
        msg = f"no such file: {path}"
        raise InputError(msg, field="path")
    if not path.is_file():
        msg = f"not a file: {path}"
        raise InputError(msg, field="path")
    total = path.stat().st_size
    blocks = 0
    with path.open("rb") as stream:
        offset = 0
        while offset < total:
            prefix = stream.read(4)
            if len(prefix) < 4:
                msg = f"{path} is truncated: it ends inside a block header at byte {offset}"
                raise DataError(msg)
            (length,) = struct.unpack(">I", prefix)
            if length == 0 or length > _MAX_HEADER:
                msg = f"{path} is not an OSM PBF file (bad block header at byte {offset})"
                raise DataError(msg)
            header = stream.read(length)
            if len(header) < length:
                msg = f"{path} is truncated: it ends inside a block header at byte {offset}"
                raise DataError(msg)
            try:
                kind, size = _blob_header(header)
            except (ValueError, UnicodeDecodeError) as exc:
                msg = f"{path} is not an OSM PBF file (unreadable block header at byte {offset}: {exc})"
                raise DataError(msg) from exc
            if blocks == 0 and kind != "OSMHeader":
                msg = f"{path} is not an OSM PBF file (first block is {kind!r}, not 'OSMHeader')"
                raise DataError(msg)
            if size > _MAX_BLOB:
                msg = f"{path} is not an OSM PBF file (block of {size} bytes at byte {offset})"
                raise DataError(msg)
            offset += 4 + length + size
            if offset > total:
                msg = f"{path} is truncated: the block at byte {offset - size} needs {size} bytes, the file ends first"
                raise DataError(msg)
            stream.seek(offset)
            blocks += 1
    if blocks < 2:
        msg = f"{path} holds no OSM data (empty or header only)"
        raise DataError(msg)
    return blocks
