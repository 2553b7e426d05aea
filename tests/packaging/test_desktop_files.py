"""Linux desktop integration files and the rendered icons, checked with the real tools."""

from __future__ import annotations

import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app import __version__
from tests.packaging.conftest import REPO_ROOT, require_tool

pytestmark = pytest.mark.packaging

LINUX_DIR = REPO_ROOT / "resources" / "linux"
DESKTOP_FILE = LINUX_DIR / "aiml-desktop.desktop"
METAINFO_FILE = LINUX_DIR / "io.aimlapi.AimlDesktop.metainfo.xml"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def desktop_entry() -> dict[str, str]:
    lines = DESKTOP_FILE.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_desktop_entry_validates() -> None:
    tool = require_tool("desktop-file-validate")
    result = subprocess.run([tool, str(DESKTOP_FILE)], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_metainfo_validates() -> None:
    tool = require_tool("appstreamcli")
    result = subprocess.run(
        [tool, "validate", "--no-net", str(METAINFO_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_metainfo_names_this_release_and_the_desktop_entry() -> None:
    root = ET.parse(METAINFO_FILE).getroot()
    versions = [release.get("version") for release in root.iter("release")]
    assert versions[0] == __version__
    assert root.findtext("launchable") == DESKTOP_FILE.name
    assert root.find("content_rating") is not None
    assert root.findtext("icon") == desktop_entry()["Icon"]


def test_metainfo_screenshots_are_in_the_repository() -> None:
    root = ET.parse(METAINFO_FILE).getroot()
    shots = [image.text or "" for image in root.iter("image")]
    assert len(shots) >= 4
    for shot in shots:
        relative = shot.split("/main/", 1)[1]
        assert relative.startswith("docs/screenshots/"), shot
        assert png_size((REPO_ROOT / relative).read_bytes())[0] >= 800, shot


def test_desktop_entry_starts_the_installed_command() -> None:
    entry = desktop_entry()
    assert entry["Exec"].split()[0] == "aiml-desktop"
    assert entry["Icon"] == "aiml-desktop"
    assert entry["Terminal"] == "false"


@pytest.mark.parametrize("size", ICON_SIZES)
def test_icon_png_has_its_nominal_size(size: int) -> None:
    path = LINUX_DIR / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "aiml-desktop.png"
    assert png_size(path.read_bytes()) == (size, size)


def test_windows_icon_holds_every_size_up_to_256() -> None:
    data = (REPO_ROOT / "packaging" / "windows" / "aiml-desktop.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for index in range(count):
        width, _h, _c, _r, _p, _b, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index : 22 + 16 * index]
        )
        image = data[offset : offset + length]
        assert png_size(image)[0] == (width or 256)
        sizes.add(width or 256)
    assert sizes >= {16, 32, 48, 256}


def test_macos_icon_holds_retina_sizes() -> None:
    data = (REPO_ROOT / "packaging" / "macos" / "aiml-desktop.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    found, offset = {}, 8
    while offset < len(data):
        kind = data[offset : offset + 4]
        (length,) = struct.unpack(">I", data[offset + 4 : offset + 8])
        found[kind] = png_size(data[offset + 8 : offset + length])[0]
        offset += length
    assert found[b"ic10"] == 1024 and found[b"ic07"] == 128


def test_icons_render_from_the_svg(tmp_path: Path) -> None:
    """The committed PNGs are what render_icons.py makes from the SVG today."""
    pytest.importorskip("PySide6.QtSvg")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, 'packaging'); import render_icons as r, os;"
            "os.environ['QT_QPA_PLATFORM']='offscreen';"
            "from PySide6.QtGui import QGuiApplication; app = QGuiApplication([]);"
            f"open({str(tmp_path / 'i.png')!r}, 'wb').write(r.render_png(r.SVG_PATH, 64))",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    committed = LINUX_DIR / "icons" / "hicolor" / "64x64" / "apps" / "aiml-desktop.png"
    assert (tmp_path / "i.png").read_bytes() == committed.read_bytes()
