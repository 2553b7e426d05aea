"""Imports point one way: ui → services → api | storage | media. Only app/ui touches Qt.

Every rule of the layering, checked on every import statement in the package, wherever it
sits (module level, inside a function, under ``TYPE_CHECKING``, or through ``import_module``):

- ``app/api`` imports nothing of ours except ``app.errors``;
- ``app/storage`` and ``app/media`` import no ``app.api`` and no ``app.services``;
- ``app/services`` imports no ``app.ui``;
- nothing outside ``app/ui`` imports PySide6 or qasync;
- no layer below the command line imports ``app.cli``;
- the command line reaches into ``app/ui`` only to open the window (``app.ui.app``);
- no modules import each other, not even round a loop or only for types.

Any layer may read the app's name and version from the root package ``app`` itself
(``app/__init__.py``), which is why that file must import nothing at all.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
QT_MODULES = ("PySide6", "qasync", "shiboken6", "PyQt5", "PyQt6")
ROOT = "app"  # the package root: name and version, no imports

# package -> the only modules of ours it may import (besides itself and the root)
ONLY_OURS = {
    "api": ("app.errors",),
    "errors": (),
}

# package -> modules of ours it must never import
FORBIDDEN = {
    "storage": ("app.api", "app.services", "app.ui", "app.cli"),
    "media": ("app.api", "app.services", "app.ui", "app.cli"),
    "services": ("app.ui", "app.cli"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(path: Path) -> str:
    name = module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def is_our_module(name: str) -> bool:
    """True when ``name`` is a module or package of the app (not a name inside one)."""
    if name != ROOT and not name.startswith(ROOT + "."):
        return False
    relative = Path(*name.split("."))
    return (APP.parent / relative).with_suffix(".py").is_file() or (
        APP.parent / relative / "__init__.py"
    ).is_file()


def imported_modules(path: Path, package: str | None = None) -> Iterator[tuple[int, str]]:
    """Every module a file imports, wherever the import sits, with relative ones resolved.

    For ``from x import y`` both ``x`` and, when ``y`` is itself a module of ours, ``x.y``.
    """
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
                candidate = f"{target}.{alias.name}"
                if not within(target, (ROOT,)) or is_our_module(candidate):
                    yield node.lineno, candidate
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
    single = APP / f"{package}.py"
    if single.is_file():
        return [single]
    return sorted((APP / package).rglob("*.py"))


def files_outside_the_ui() -> list[Path]:
    ui = APP / "ui"
    return sorted(path for path in APP.rglob("*.py") if ui not in path.parents)


def within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _where(path: Path, line: int, name: str) -> str:
    return f"{path.relative_to(APP.parent)}:{line} imports {name}"


def test_nothing_outside_the_ui_imports_qt() -> None:
    files = files_outside_the_ui()
    assert APP / "cli.py" in files and APP / "api" / "client.py" in files
    offending = [
        _where(path, line, name)
        for path in files
        for line, name in imported_modules(path)
        if within(name, QT_MODULES)
    ]
    assert not offending, "\n".join(offending)


def test_the_command_line_reaches_the_window_only_to_open_it() -> None:
    command_line = sorted({APP / "cli.py", APP / "chat_cli.py", *APP.glob("cli_*.py")})
    offending = [
        _where(path, line, name)
        for path in command_line
        for line, name in imported_modules(path)
        if within(name, ("app.ui",)) and name not in ("app.ui", "app.ui.app")
    ]
    assert not offending, "\n".join(offending)


@pytest.mark.parametrize("package", sorted(ONLY_OURS))
def test_the_lowest_layers_import_only_what_they_may(package: str) -> None:
    allowed = (f"app.{package}", *ONLY_OURS[package])
    offending = [
        _where(path, line, name)
        for path in files_of(package)
        for line, name in imported_modules(path)
        if is_our_module(name) and name != ROOT and not within(name, allowed)
    ]
    assert not offending, "\n".join(offending)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_one_way(package: str) -> None:
    offending = [
        _where(path, line, name)
        for path in files_of(package)
        for line, name in imported_modules(path)
        if within(name, FORBIDDEN[package])
    ]
    assert not offending, "\n".join(offending)


def test_the_root_package_imports_nothing() -> None:
    names = [name for _, name in imported_modules(APP / "__init__.py")]
    assert not [name for name in names if not within(name, ("__future__",))]


def test_the_walk_sees_every_kind_of_import(tmp_path: Path) -> None:
    sample = tmp_path / "probe.py"
    sample.write_text(
        "import PySide6.QtCore\n"
        "from qasync import asyncSlot\n"
        "from ..ui import app\n"
        "from app.api import client\n"
        "from app.api.errors import ApiError\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from app.services.context import Services\n"
        "def later():\n"
        "    import importlib\n"
        "    importlib.import_module('PySide6.QtWidgets')\n"
        "    from app.storage import settings\n",
        encoding="utf-8",
    )
    names = {name for _, name in imported_modules(sample, "app.storage")}
    assert {
        "PySide6.QtCore",
        "qasync",
        "app.ui",
        "app.ui.app",
        "app.api.client",
        "app.services.context",
        "PySide6.QtWidgets",
        "app.storage.settings",
    } <= names
    assert "app.api.errors.ApiError" not in names  # a name inside a module is not a module
    assert within("app.ui.app", FORBIDDEN["storage"])
    assert within("app.api.client", FORBIDDEN["media"])
    assert not within("app.errors", FORBIDDEN["storage"])
    assert files_of("api"), "app/api has Python files to check"


def import_graph() -> dict[str, set[str]]:
    """Module → the modules of ours it imports (every kind of import, as above)."""
    graph: dict[str, set[str]] = {}
    for path in sorted(APP.rglob("*.py")):
        name = module_name(path)
        graph[name] = {
            target
            for _, target in imported_modules(path)
            if is_our_module(target) and target not in (ROOT, name)
        }
    return graph


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or round a loop (Tarjan)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in order:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], order[target])
        if low[node] == order[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for node in sorted(graph):
        if node not in order:
            visit(node)
    return circles


def test_no_modules_import_each_other() -> None:
    """A circle (even one only for types) means a module knows the one that builds or holds it;
    hand it the narrow collaborator instead (a Protocol, the one store or client it needs)."""
    circles = import_circles(import_graph())
    assert not circles, "\n".join(" ↔ ".join(group) for group in circles)


def test_the_circle_finder_finds_a_loop() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_circles(graph) == [["a", "b", "c"]]
    assert import_circles({"a": {"b"}, "b": set()}) == []
