"""Where the app's bundled files (icons, themes, desktop files) are, however it was installed.

Three layouts are known:

* a PyInstaller bundle: ``sys._MEIPASS/app/resources``;
* an installed wheel: the ``app.resources`` package next to this module;
* a source checkout: the top-level ``resources/`` folder beside ``app/``.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _candidates() -> list[Path]:
    found: list[Path] = []
    bundle_root = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle_root:
        found.append(Path(bundle_root) / "app" / "resources")
    found.append(_PACKAGE_DIR / "resources")
    found.append(_PACKAGE_DIR.parent / "resources")
    return found


@cache
def resources_dir() -> Path:
    """The folder holding ``icons/``, ``themes/`` and ``linux/``.

    Raises:
        FileNotFoundError: when no layout has the folder (a broken install).
    """
    candidates = _candidates()
    for candidate in candidates:
        if (candidate / "icons").is_dir():
            return candidate
    tried = ", ".join(str(path) for path in candidates)
    raise FileNotFoundError(f"AIML Desktop's resources folder is missing (looked in {tried}).")


def resource_path(*parts: str) -> Path:
    """Path of one bundled file, e.g. ``resource_path("icons", "aiml-desktop.svg")``."""
    return resources_dir().joinpath(*parts)


def is_frozen() -> bool:
    """True when running from a PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False))
