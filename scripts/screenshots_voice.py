"""Render recording in the Speech to text tab and voice mode in the Chat tab, light and dark.

Runs offscreen against the local stand-in gateway with throwaway user folders, like
``scripts/screenshots.py``. It needs a PulseAudio server with a null sink named ``nullsink``
(see HEADLESS.md): the sink's monitor becomes the microphone and espeak-ng speaks into it.

    python scripts/screenshots_voice.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import screenshots as shots
from PySide6.QtMultimedia import QMediaDevices
from PySide6.QtWidgets import QApplication

import qasync  # isort: skip

from app.services.context import Services
from app.storage.settings import Settings
from app.ui.app import create_application
from app.ui.main_window import MainWindow
from app.ui.theme import ThemeManager
from app.ui.transcription.tab import TranscriptionTab

from tests.fake_api import FakeApi  # isort: skip

MICROPHONE = "aiml_shots_microphone"
QUESTION = "What should a beginner beekeeper buy first?"
ANSWER = (
    "Start small: a **veil**, a smoker and a good book. Add a hive tool and gloves once "
    "you have watched an experienced keeper open a colony."
)


def _pactl(*args: str) -> str:
    done = subprocess.run(["pactl", *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _microphone_module() -> str:
    """Remap the null sink's monitor as the default input (Qt hides monitor sources)."""
    module = _pactl(
        "load-module",
        "module-remap-source",
        "master=nullsink.monitor",
        f"source_name={MICROPHONE}",
        "source_properties=device.description=Microphone",
    )
    _pactl("set-default-source", MICROPHONE)
    return module


def _speech(text: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix="aiml-voice-shots-")) / "speech.wav"
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(path), text], check=True)
    return path


def _play(path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(["paplay", "--device=nullsink", str(path)])


async def _shoot_recording(window: MainWindow, out: Path, speech: Path) -> None:
    """A first take transcribed in the queue, a second one being recorded."""
    tab = window.findChild(TranscriptionTab, "sttTab")
    window.tabs.setCurrentWidget(tab)
    control = tab.record_control
    control.toggle()
    _play(speech).wait()
    await shots._settle(2.5)
    control.toggle()
    await shots._until(lambda: [j.status for j in tab.queue.jobs()] == ["done"])
    control.toggle()
    for scheme in ("light", "dark"):
        window.set_theme(scheme)
        await shots._until(lambda: control.recorder.elapsed() > 2, timeout=15)
        _play(speech)
        await shots._until(lambda: control.meter.value() > 50, timeout=15)
        shots._save(window, out / f"stt-recording-{scheme}.png")
    control.recorder.cancel()


async def _shoot(out: Path) -> None:
    api = FakeApi()
    api.start()
    api.options.stt_statuses = []
    api.options.stt_text = QUESTION
    memory = shots._MemoryKeyring()
    memory.set_password("aiml-desktop", "api-key", "screenshot-key-0000")
    shots.keyring.set_keyring(memory)
    app = QApplication.instance()
    services = Services(Settings(), base_url=api.url)
    services.settings.max_retries = 0
    services.transcription.poll_interval = 0.05
    theme = ThemeManager(app, "light")
    theme.apply()
    window = MainWindow(services, theme=theme)
    window.resize(*shots.WINDOW_SIZE)
    window.show()
    window.start()
    module = _microphone_module()
    try:
        await shots._until(lambda: QMediaDevices.defaultAudioInput().id() == MICROPHONE.encode())
        await shots._until(lambda: window.model_combo("stt").model_ids())
        await _shoot_recording(window, out, _speech(QUESTION))
    finally:
        window.close()
        services.close()
        api.stop()
        _pactl("unload-module", module)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=shots.REPO / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = create_application()
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(_shoot(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
