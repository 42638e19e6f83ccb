"""Reading planning documents from files: a bad value is said in the words of its check."""

from __future__ import annotations

from pathlib import Path

import pytest

from codriver.errors import InputError
from codriver.planning import Location, read_model


def test_a_validators_message_is_said_without_pydantics_value_error_prefix(tmp_path: Path) -> None:
    path = tmp_path / "origin.json"
    path.write_text('{"lat": 60.17}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_model(path, Location, "origin")
    assert str(caught.value).endswith(": origin: give both lat and lon, or neither")
    assert "Value error" not in str(caught.value)
