"""Start-up fixes for the frozen app, run before its own code.

* Windowed builds start with no console: print() and logging get somewhere harmless to write.
* On Linux the bootloader points LD_LIBRARY_PATH at the bundle so that this process finds its
  libraries; programs the app starts (xdg-open, a browser, the system's ffmpeg) must not load
  the bundle's copies, so child processes get the environment the person started us with. The
  bundled ffmpeg/ffprobe are static and need no library path.
"""

from __future__ import annotations

import os
import sys

for _name in ("stdout", "stderr"):
    if getattr(sys, _name) is None:
        setattr(sys, _name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115

if sys.platform.startswith("linux") and getattr(sys, "frozen", False):
    _original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if _original is None:
        os.environ.pop("LD_LIBRARY_PATH", None)
    else:
        os.environ["LD_LIBRARY_PATH"] = _original
