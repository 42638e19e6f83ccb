"""The structural PBF check that runs before any parser sees a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from codriver.errors import DataError, InputError
from codriver.regions._pbf import check_pbf
from osm_extracts import write_extract


def test_a_complete_extract_passes(tmp_path: Path) -> None:
    assert check_pbf(write_extract(tmp_path / "ok.osm.pbf")) >= 2


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        check_pbf(tmp_path / "absent.osm.pbf")


def test_a_directory_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a file"):
        check_pbf(tmp_path)


@pytest.mark.parametrize("content", [b"", b"<?xml version='1.0'?><osm></osm>", b"\x00\x00\x00\x05hello"])
def test_not_pbf(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.osm.pbf"
    path.write_bytes(content)
    with pytest.raises(DataError, match=r"not an OSM PBF file|holds no OSM data|truncated"):
        check_pbf(path)


@pytest.mark.parametrize("keep", [0.3, 0.9])
def test_truncated_file(tmp_path: Path, keep: float) -> None:
    whole = write_extract(tmp_path / "whole.osm.pbf").read_bytes()
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(whole[: int(len(whole) * keep)])
    with pytest.raises(DataError, match="truncated"):
        check_pbf(cut)
