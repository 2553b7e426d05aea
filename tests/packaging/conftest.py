"""Builds shared by the packaging tests: a copy of the sources, the wheel, the PyInstaller bundle.

Each build runs once per test session, in temporary folders, from a copy of the sources (so the
checkout gets no build/ or egg-info folders and other work in the tree is not disturbed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import missing_real, require_tool

REPO_ROOT = Path(__file__).resolve().parents[2]
SOURCE_ITEMS = (
    "app",
    "resources",
    "packaging",
    "pyproject.toml",
    "setup.py",
    "main.py",
    "README.md",
)
BUILD_TIMEOUT_S = 420


def require_module(name: str) -> None:
    """Skips (or fails under AIML_TEST_REAL_SERVICES=1) when a build tool is not importable."""
    found = subprocess.run(
        [sys.executable, "-c", f"import {name}"], capture_output=True, check=False
    )
    if found.returncode != 0:
        missing_real(f"the {name} module is not installed (pip install -e '.[test]')")


def first_start_env(home: Path) -> dict[str, str]:
    """Environment of a first start: offscreen, no keyring, no sound server, empty user dirs."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("XDG_", "AIML_", "PYTHON", "QT_", "PULSE"))
    }
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        PULSE_SERVER="unix:/nonexistent/pulse/native",
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_RUNTIME_DIR=str(runtime),
    )
    return env


def run_checked(command: list[str], *, cwd: Path, timeout: float = BUILD_TIMEOUT_S) -> None:
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        pytest.fail(f"{' '.join(command)} failed:\n{output}")


@pytest.fixture(scope="session")
def source_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("source")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "build", "dist")
    for name in SOURCE_ITEMS:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="session")
def wheel_file(source_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_module("build")
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)]
    run_checked([*command, str(source_copy)], cwd=source_copy)
    (wheel,) = out.glob("aiml_desktop-*.whl")
    return wheel


@pytest.fixture(scope="session")
def bundle_dir(source_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one-folder bundle, built without ffmpeg (the size budget is for the app itself)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the bundle tests run on Linux")
    require_module("PyInstaller")
    for tool in ("readelf", "icupkg", "genccode", "gcc"):  # the spec's smaller ICU data library
        require_tool(tool)
    work = tmp_path_factory.mktemp("pyinstaller")
    spec = source_copy / "packaging" / "pyinstaller" / "aiml-desktop.spec"
    run_checked(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(spec),
            "--noconfirm",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            "--",
            "--no-ffmpeg",
        ],
        cwd=source_copy,
    )
    return work / "dist" / "aiml-desktop"


@pytest.fixture
def first_start_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    return home


@pytest.fixture
def run_program(first_start_home: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run a program the way a person's first start would (see first_start_env)."""

    def run(*command: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(part) for part in command],
            env=first_start_env(first_start_home),
            cwd=first_start_home,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    return run
