"""The package's layout holds: one subpackage per concern, small modules, imports that only run down the
layers, no private name imported across subpackages, and every public name still importable from cptkg."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "cptkg"

# Lower layers never import higher ones. Modules of one rank may import each other (documents and links
# are side by side; neither imports the other).
LAYERS = {
    "errors": 0,
    "namespaces": 0,
    "version": 0,
    "fileio": 1,
    "resources": 1,
    "sparql": 2,
    "graph": 3,
    "stores": 4,
    "query": 5,
    "validation": 5,
    "documents": 6,
    "links": 6,
    "importers": 6,
    "api": 7,
    "cli": 8,
    "__init__": 9,
    "__main__": 9,
}
SUBPACKAGES = {"graph", "sparql", "stores", "query", "validation", "documents", "links", "importers", "cli"}
MAX_LINES = 420


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def unit_of(path: Path) -> str:
    """The layer a module belongs to: its subpackage, or its own name at the top."""
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imported(path: Path) -> list[tuple[str, list[str], int]]:
    """(absolute module within cptkg, imported names, line) of every cptkg import in a module, at any depth."""
    relative = path.relative_to(PACKAGE)
    package = list(relative.parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            elif node.module and node.module.startswith("cptkg"):
                target = node.module.removeprefix("cptkg").lstrip(".")
            else:
                continue
            found.append((target, [alias.name for alias in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("cptkg."):
                    found.append((alias.name.removeprefix("cptkg."), [], node.lineno))
    return found


def test_the_tree_has_one_subpackage_per_concern():
    present = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert present == SUBPACKAGES
    top = {p.name for p in PACKAGE.iterdir() if p.is_file()}
    assert top == {
        "__init__.py",
        "__main__.py",
        "api.py",
        "errors.py",
        "namespaces.py",
        "resources.py",
        "fileio.py",
        "version.py",
        "py.typed",
    }
    for name in SUBPACKAGES:
        assert (PACKAGE / name / "__init__.py").is_file(), name


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_long(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_down_the_layers(path):
    mine = unit_of(path)
    for target, names, line in imported(path):
        if not target:  # `from . import x` at the top: the package itself
            continue
        theirs = target.split(".")[0]
        assert LAYERS[theirs] <= LAYERS[mine], f"{path.name}:{line} imports {target} ({theirs} is above {mine})"
        if theirs != mine and mine in SUBPACKAGES:
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            assert not private, f"{path.name}:{line} imports private {private} from {target}"


def test_the_public_names_stay_importable_from_cptkg():
    import cptkg
    import cptkg.query.running  # the subpackage cptkg.query must not replace the function cptkg.query

    for name in ("info", "query", "validate", "load", "endpoint", "upload", "store_engine", "build"):
        assert callable(getattr(cptkg, name)), name
    from cptkg import importers

    assert callable(importers.import_pfs)
    assert cptkg.query("family", code="44365")


def test_the_package_ships_its_type_information():
    assert (PACKAGE / "py.typed").is_file()
