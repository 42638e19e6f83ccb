"""No import reaches into another package's private module (run by `make lint`).

A name whose first segment after ``codriver`` starts with one underscore is private to the
package that holds it: ``codriver.store._trips`` belongs to ``codriver.store``, and
``from codriver.tools.vehicle import _helper`` to ``codriver.tools.vehicle``. Only that
package and its subpackages may import it; everyone else imports what the package
re-exports from its ``__init__``. So ``codriver.tools.routing._osrm`` may use
``codriver.tools._http`` (a shared helper of ``codriver.tools``), while
``codriver.scheduling`` may not use ``codriver.store._trips``.

import-linter has no contract for this rule (its ``protected`` contract needs each private
module listed with its importers), hence this small check. It reads every ``.py`` file
under the given source roots with ``ast``, imports inside functions and under
``TYPE_CHECKING`` included, and prints one ``path:line: importer -> target`` line per
breach. Exit status 1 when there is one.

    python .ci/check_private_imports.py platform tools simulators
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT_PACKAGE = "codriver"


@dataclass(frozen=True)
class Breach:
    """An import of ``target`` (private to ``owner``) by ``importer``, at ``path:line``."""

    path: Path
    line: int
    importer: str
    target: str
    owner: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} -> {self.target} (private to {self.owner})"


def module_name(path: Path, root: Path) -> str:
    """The dotted name of the module in ``path`` under the source root ``root``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def private_owner(target: str) -> str | None:
    """The package a private ``target`` belongs to, or None when ``target`` is public."""
    parts = target.split(".")
    for index, part in enumerate(parts[1:], start=1):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:index])
    return None


def may_import(importer: str, owner: str) -> bool:
    """Whether module ``importer`` lies inside package ``owner`` (its own privates)."""
    return importer == owner or importer.startswith(owner + ".")


def imported_names(tree: ast.AST, module: str, *, is_package: bool) -> Iterator[tuple[int, str]]:
    """Each (line, dotted target) the module imports; ``from a import b`` yields ``a.b``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".") if is_package else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield node.lineno, base
            for alias in node.names:
                if alias.name != "*":
                    yield node.lineno, f"{base}.{alias.name}"


def breaches_in(path: Path, root: Path) -> Iterator[Breach]:
    """The private imports of another package's modules or names in the file ``path``."""
    module = module_name(path, root)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    seen: set[tuple[int, str]] = set()
    for line, target in imported_names(tree, module, is_package=path.name == "__init__.py"):
        if not target.startswith(ROOT_PACKAGE + "."):
            continue
        owner = private_owner(target)
        if owner is None or may_import(module, owner) or (line, owner) in seen:
            continue
        seen.add((line, owner))
        yield Breach(path=path, line=line, importer=module, target=target, owner=owner)


def find_breaches(roots: Sequence[Path]) -> list[Breach]:
    """Every breach in the ``.py`` files under the source roots, in path order."""
    found: list[Breach] = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            found.extend(breaches_in(path, root))
    return found


def main(argv: Sequence[str]) -> int:
    """Check the source roots named in ``argv``; 0 when clean, 1 with breaches, 2 on bad use."""
    if not argv:
        sys.stderr.write("usage: check_private_imports.py SOURCE_ROOT...\n")
        return 2
    found = find_breaches([Path(arg) for arg in argv])
    for breach in found:
        sys.stdout.write(f"{breach}\n")
    if found:
        sys.stderr.write(f"{len(found)} import(s) reach into another package's private module\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
