"""The wheel: built with `python -m build`, installed into a fresh venv, and the command works."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from app import __version__

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def installed_venv(wheel_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding only the wheel; dependencies come from this test run's
    site-packages through a .pth line (nothing is downloaded, no editable install leaks in:
    .pth files inside that folder are not read)."""
    root = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False).create(root)
    python = root / "bin" / "python"
    target_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(target_site, "test-run-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel_file),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return root


def test_wheel_holds_the_resources_as_package_data(wheel_file: Path) -> None:
    names = set(zipfile.ZipFile(wheel_file).namelist())
    assert "app/resources/icons/aiml-desktop.svg" in names
    assert "app/resources/linux/aiml-desktop.desktop" in names
    assert "app/resources/linux/icons/hicolor/256x256/apps/aiml-desktop.png" in names
    assert any(name.startswith("app/resources/icons/ui/") for name in names)
    assert "app/resources_path.py" in names
    assert not any("__pycache__" in name or name.startswith("tests/") for name in names)


def test_installed_command_prints_the_version(
    installed_venv: Path, run_program: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    result = run_program(installed_venv / "bin" / "aiml-desktop", "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["aiml-desktop", __version__]


def test_installed_command_opens_the_window(
    installed_venv: Path, run_program: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    result = run_program(installed_venv / "bin" / "aiml-desktop", "--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test ok" in result.stdout


def test_installed_app_finds_its_resources_inside_the_venv(
    installed_venv: Path, run_program: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    result = run_program(
        installed_venv / "bin" / "python",
        "-c",
        "from app.resources_path import resource_path; print(resource_path('icons'))",
    )
    assert result.returncode == 0, result.stderr
    icons = Path(result.stdout.strip())
    assert icons.is_relative_to(installed_venv)
    assert (icons / "aiml-desktop.svg").is_file()
