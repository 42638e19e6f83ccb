"""The import contracts: the private-import check (``.ci/check_private_imports.py``) and the tree.

The layers are import-linter's job (``lint-imports``, configured in ``pyproject.toml``);
this file tests the small AST check that import-linter cannot express, then runs it over
the three source roots.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_private_imports", ROOT / ".ci" / "check_private_imports.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


check = _checker()


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "src"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _found(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str]]:
    return [(b.importer, b.target) for b in check.find_breaches([_tree(tmp_path, files)])]


def test_another_packages_private_module_is_a_breach(tmp_path: Path) -> None:
    files = {
        "codriver/store/_trips.py": "x = 1\n",
        "codriver/api/routes/plan.py": "from codriver.store._trips import x\n",
    }
    assert _found(tmp_path, files) == [("codriver.api.routes.plan", "codriver.store._trips")]


def test_every_import_form_is_seen(tmp_path: Path) -> None:
    files = {
        "codriver/api/a.py": "import codriver.store._trips as t\n",
        "codriver/api/b.py": "from codriver.store import _trips\n",
        "codriver/api/c.py": "from codriver.tools.vehicle import _helper\n",
        "codriver/api/d.py": "def f():\n    from codriver.store._errors import E  # noqa\n",
        "codriver/api/e.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from codriver.llm._x import Y\n",
    }
    assert sorted(_found(tmp_path, files)) == [
        ("codriver.api.a", "codriver.store._trips"),
        ("codriver.api.b", "codriver.store._trips"),
        ("codriver.api.c", "codriver.tools.vehicle._helper"),
        ("codriver.api.d", "codriver.store._errors"),
        ("codriver.api.e", "codriver.llm._x"),
    ]


def test_a_package_and_its_subpackages_use_its_privates(tmp_path: Path) -> None:
    files = {
        "codriver/store/__init__.py": "from codriver.store._trips import x\n",
        "codriver/store/_ledger.py": "from ._trips import x\nfrom codriver.store._errors import E\n",
        "codriver/tools/routing/_osrm.py": "from codriver.tools._http import request_json\n",
        "codriver/api/routes/plan.py": "from codriver.api._deps import SessionDep\nfrom ..._x import y\n",
        "codriver/api/a.py": "from codriver.store import Trip\nimport json._private\n",
    }
    assert _found(tmp_path, files) == []


def test_a_relative_import_out_of_the_package_is_a_breach(tmp_path: Path) -> None:
    files = {"codriver/api/routes/plan.py": "from ...store._trips import x\n"}
    assert _found(tmp_path, files) == [("codriver.api.routes.plan", "codriver.store._trips")]


def test_main_prints_each_breach_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _tree(tmp_path, {"codriver/cli/_x.py": "from codriver.api._security import hash_password\n"})
    assert check.main([str(root)]) == 1
    out = capsys.readouterr()
    assert "codriver.cli._x -> codriver.api._security (private to codriver.api)" in out.out
    assert "1 import(s)" in out.err
    assert check.main([str(_tree(tmp_path / "clean", {"codriver/cli/_y.py": "import os\n"}))]) == 0
    assert check.main([]) == 2


def test_the_source_tree_keeps_the_contract() -> None:
    breaches = check.find_breaches([ROOT / "platform", ROOT / "tools", ROOT / "simulators"])
    assert [str(b) for b in breaches] == []
