"""Imports point one way: ui → services → api | storage | media. Only app/ui touches Qt."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
QT_FREE = ("api", "services", "storage", "media")
QT_MODULES = ("PySide6", "qasync", "shiboken6", "PyQt5", "PyQt6")

# package -> app packages it must never import
FORBIDDEN = {
    "api": ("app.services", "app.storage", "app.media", "app.ui", "app.cli"),
    "storage": ("app.services", "app.ui", "app.cli"),
    "media": ("app.services", "app.ui", "app.cli"),
    "services": ("app.ui", "app.cli"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(path: Path) -> str:
    name = module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def imported_modules(path: Path, package: str | None = None) -> Iterator[tuple[int, str]]:
    """Every module a file imports, wherever the import sits, with relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = package or package_of(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base)
                target = f"{prefix}.{node.module}" if node.module else prefix
            else:
                target = node.module or ""
            yield node.lineno, target
            for alias in node.names:
                yield node.lineno, f"{target}.{alias.name}"
        elif isinstance(node, ast.Call) and _is_dynamic_import(node):
            yield node.lineno, node.args[0].value  # type: ignore[attr-defined]


def _is_dynamic_import(node: ast.Call) -> bool:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return (
        name in ("import_module", "__import__")
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def files_of(package: str) -> list[Path]:
    return sorted((APP / package).rglob("*.py"))


def within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("package", QT_FREE)
def test_no_qt_outside_the_ui(package: str) -> None:
    offending = [
        f"{path.relative_to(APP.parent)}:{line} imports {name}"
        for path in files_of(package)
        for line, name in imported_modules(path)
        if within(name, QT_MODULES)
    ]
    assert not offending, "\n".join(offending)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_one_way(package: str) -> None:
    offending = [
        f"{path.relative_to(APP.parent)}:{line} imports {name}"
        for path in files_of(package)
        for line, name in imported_modules(path)
        if within(name, FORBIDDEN[package])
    ]
    assert not offending, "\n".join(offending)


def test_the_walk_sees_every_kind_of_import(tmp_path: Path) -> None:
    sample = tmp_path / "probe.py"
    sample.write_text(
        "import PySide6.QtCore\n"
        "from qasync import asyncSlot\n"
        "from ..ui import app\n"
        "def later():\n"
        "    import importlib\n"
        "    importlib.import_module('PySide6.QtWidgets')\n",
        encoding="utf-8",
    )
    names = {name for _, name in imported_modules(sample, "app.storage")}
    assert {"PySide6.QtCore", "qasync", "app.ui", "PySide6.QtWidgets"} <= names
    assert within("app.ui.app", FORBIDDEN["storage"])
    assert files_of("api"), "app/api has Python files to check"
