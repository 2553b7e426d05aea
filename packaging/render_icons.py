"""Render the app icon (resources/icons/aiml-desktop.svg) to every raster form the installers use.

Writes:

* ``resources/linux/icons/hicolor/<N>x<N>/apps/aiml-desktop.png`` for the freedesktop sizes;
* ``packaging/windows/aiml-desktop.ico`` (PNG-compressed entries, 16–256 px);
* ``packaging/macos/aiml-desktop.icns`` (PNG entries, 16–1024 px).

Run from anywhere: ``python packaging/render_icons.py``. Needs PySide6 (QtSvg) only.
``--iconset DIR`` instead writes an Apple .iconset folder for ``iconutil -c icns DIR``.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SVG_PATH = REPO_ROOT / "resources" / "icons" / "aiml-desktop.svg"
HICOLOR_DIR = REPO_ROOT / "resources" / "linux" / "icons" / "hicolor"
ICO_PATH = REPO_ROOT / "packaging" / "windows" / "aiml-desktop.ico"
ICNS_PATH = REPO_ROOT / "packaging" / "macos" / "aiml-desktop.icns"
ICON_NAME = "aiml-desktop"

LINUX_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# Apple's PNG-carrying icon types, by pixel size.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
)


def render_png(svg_path: Path, size: int) -> bytes:
    """The SVG drawn into a transparent size×size square, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg_path))
    if not renderer.isValid():
        raise ValueError(f"{svg_path} is not a valid SVG file")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding one PNG per size (the layout Windows Vista and later read)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries = b""
    for size in sizes:
        edge = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(pngs[size]), offset)
        offset += len(pngs[size])
    return header + entries + b"".join(pngs[size] for size in sizes)


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns holding one PNG per icon type."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_iconset(folder: Path) -> None:
    """Apple's iconset layout: icon_<N>x<N>.png and icon_<N>x<N>@2x.png for N in 16..512."""
    folder.mkdir(parents=True, exist_ok=True)
    for size in (16, 32, 128, 256, 512):
        (folder / f"icon_{size}x{size}.png").write_bytes(render_png(SVG_PATH, size))
        (folder / f"icon_{size}x{size}@2x.png").write_bytes(render_png(SVG_PATH, size * 2))


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    if len(sys.argv) == 3 and sys.argv[1] == "--iconset":
        write_iconset(Path(sys.argv[2]))
        return 0
    sizes = sorted({*LINUX_SIZES, *ICO_SIZES, *(size for _, size in ICNS_TYPES)})
    pngs = {size: render_png(SVG_PATH, size) for size in sizes}
    for size in LINUX_SIZES:
        target = HICOLOR_DIR / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pngs[size])
    ICO_PATH.parent.mkdir(parents=True, exist_ok=True)
    ICO_PATH.write_bytes(ico_bytes({size: pngs[size] for size in ICO_SIZES}))
    ICNS_PATH.parent.mkdir(parents=True, exist_ok=True)
    ICNS_PATH.write_bytes(icns_bytes(pngs))
    print(f"wrote {len(LINUX_SIZES)} PNGs under {HICOLOR_DIR}, {ICO_PATH.name}, {ICNS_PATH.name}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
