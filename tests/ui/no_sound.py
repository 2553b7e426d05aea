"""Running a script in a child process that finds no sound server (PulseAudio refused, no
autospawn), as on a machine without audio."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_without_sound_server(script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    client_config = tmp_path / "client.conf"
    client_config.write_text("autospawn = no\n")
    env = {
        **os.environ,
        "XDG_RUNTIME_DIR": str(runtime),
        "PULSE_SERVER": f"unix:{runtime}/no-sound-server",
        "PULSE_CLIENTCONFIG": str(client_config),
        "QT_QPA_PLATFORM": "offscreen",
    }
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
