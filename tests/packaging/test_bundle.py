"""The PyInstaller bundle: starts on a bare first run, stays small, installs for one user."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from app import __version__
from tests.packaging.conftest import REPO_ROOT

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(600)]

SIZE_BUDGET_BYTES = 150 * 1024 * 1024
RunProgram = Callable[..., subprocess.CompletedProcess[str]]


def folder_size(folder: Path) -> int:
    return sum(path.lstat().st_size for path in folder.rglob("*") if not path.is_dir())


def test_bundle_starts_with_no_keyring_no_sound_and_no_display(
    bundle_dir: Path, run_program: RunProgram, first_start_home: Path
) -> None:
    result = run_program(bundle_dir / "aiml-desktop", "--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test ok" in result.stdout
    assert "Traceback" not in result.stderr
    log_file = first_start_home / ".local" / "state" / "aiml-desktop" / "log" / "aiml-desktop.log"
    assert log_file.is_file() and log_file.stat().st_size > 0


def test_bundle_prints_the_version(bundle_dir: Path, run_program: RunProgram) -> None:
    result = run_program(bundle_dir / "aiml-desktop", "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["aiml-desktop", __version__]


def test_bundle_fits_the_size_budget(bundle_dir: Path) -> None:
    size = folder_size(bundle_dir)
    assert size <= SIZE_BUDGET_BYTES, f"bundle is {size / 2**20:.1f} MiB"


def test_bundle_has_the_qt_plugins_the_app_needs_and_not_the_rest(bundle_dir: Path) -> None:
    plugins = bundle_dir / "_internal" / "PySide6" / "Qt" / "plugins"
    present = {path.relative_to(plugins).as_posix() for path in plugins.rglob("*.so")}
    for needed in (
        "platforms/libqxcb.so",
        "platforms/libqoffscreen.so",
        "platforms/libqwayland.so",
        "iconengines/libqsvgicon.so",
        "imageformats/libqsvg.so",
        "imageformats/libqjpeg.so",
        "imageformats/libqwebp.so",
        "tls/libqopensslbackend.so",
    ):
        assert needed in present
    internal = bundle_dir / "_internal"
    files = [path.name for path in internal.rglob("*")]
    for unwanted in (
        "WebEngine",
        "Quick3D",
        "Qt6Charts",
        "Qt6Pdf",
        "DataVisualization",
        "libgtk-3",
        "qtbase_de.qm",
        "libqeglfs",
    ):
        assert not [name for name in files if unwanted in name], unwanted
    assert not (internal / "PySide6" / "Qt" / "qml").exists()
    assert not (internal / "PySide6" / "Qt" / "translations").exists()
    assert not [path for path in internal.rglob("*") if path.is_symlink() and not path.exists()]


def test_bundle_carries_the_resources_where_the_app_looks(bundle_dir: Path) -> None:
    resources = bundle_dir / "_internal" / "app" / "resources"
    assert (resources / "icons" / "aiml-desktop.svg").is_file()
    assert (resources / "linux" / "aiml-desktop.desktop").is_file()
    assert list((resources / "themes").iterdir())


def test_install_script_installs_for_one_user_and_uninstall_removes_it(
    bundle_dir: Path, tmp_path: Path, first_start_home: Path, run_program: RunProgram
) -> None:
    release = tmp_path / "release"
    shutil.copytree(bundle_dir, release / "aiml-desktop", symlinks=True)
    for script in ("install.sh", "uninstall.sh"):
        shutil.copy2(REPO_ROOT / "packaging" / "linux" / script, release / script)

    installed = run_program("sh", release / "install.sh")
    assert installed.returncode == 0, installed.stderr
    share = first_start_home / ".local" / "share"
    program = first_start_home / ".local" / "opt" / "aiml-desktop" / "aiml-desktop"
    desktop_file = share / "applications" / "aiml-desktop.desktop"
    assert os.access(program, os.X_OK)
    assert f'Exec="{program}"' in desktop_file.read_text(encoding="utf-8")
    hicolor = share / "icons" / "hicolor"
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert (hicolor / f"{size}x{size}" / "apps" / "aiml-desktop.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "aiml-desktop.svg").is_file()
    assert (share / "metainfo" / "io.aimlapi.AimlDesktop.metainfo.xml").is_file()
    if shutil.which("desktop-file-validate"):
        validated = run_program("desktop-file-validate", desktop_file)
        assert validated.returncode == 0, validated.stdout
    started = run_program(first_start_home / ".local" / "bin" / "aiml-desktop", "--self-test")
    assert "self-test ok" in started.stdout, started.stderr

    removed = run_program("sh", program.parent / "uninstall.sh")
    assert removed.returncode == 0, removed.stderr
    assert not program.parent.exists()
    assert not desktop_file.exists()
    assert not (first_start_home / ".local" / "bin" / "aiml-desktop").exists()
    assert not list((share / "icons").rglob("aiml-desktop.*"))
    assert (first_start_home / ".config" / "aiml-desktop").is_dir(), "settings must survive"
