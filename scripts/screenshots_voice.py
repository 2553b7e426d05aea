"""Render recording in the Speech to text tab and voice mode in the Chat tab, light and dark.

Runs offscreen against the local stand-in gateway with throwaway user folders, like
``scripts/screenshots.py``. It needs a PulseAudio server with a null sink named ``nullsink``
(see HEADLESS.md): the sink's monitor becomes the microphone and espeak-ng speaks into it.

    python scripts/screenshots_voice.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_SCRATCH = tempfile.mkdtemp(prefix="aiml-voice-shots-")
from app.storage.paths import user_dirs_under  # noqa: E402

os.environ.update({variable: str(folder) for variable, folder in user_dirs_under(_SCRATCH).items()})
os.environ.pop("AIML_API_KEY", None)
os.environ.pop("AIML_API_BASE_URL", None)

import keyring  # noqa: E402
import keyring.backend  # noqa: E402
from PySide6.QtMultimedia import QMediaDevices  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.services.context import Services  # noqa: E402
from app.services.voice_chat import LISTENING, SPEAKING  # noqa: E402
from app.storage.settings import Settings  # noqa: E402
from app.ui.chat.tab import ChatTab  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402
from app.ui.theme import ThemeManager  # noqa: E402
from app.ui.transcription.tab import TranscriptionTab  # noqa: E402
from tests.fake_api import FakeApi  # noqa: E402

sys.path.insert(0, str(REPO / "scripts"))
from screenshots_common import (  # noqa: E402
    SCREENSHOT_KEY,
    WINDOW_SIZE,
    MemoryKeyring,
    run_offscreen,
)
from screenshots_common import save as _save  # noqa: E402
from screenshots_common import settle as _settle  # noqa: E402
from screenshots_common import until as _until  # noqa: E402

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
    await _settle(2.5)
    control.toggle()
    await _until(lambda: [j.status for j in tab.queue.jobs()] == ["done"])
    control.toggle()
    for scheme in ("light", "dark"):
        window.set_theme(scheme)
        await _until(lambda: control.recorder.elapsed() > 2, timeout=15)
        _play(speech)
        await _until(lambda: control.meter.value() > 50, timeout=15)
        _save(window, out / f"stt-recording-{scheme}.png")
    control.recorder.cancel()


async def _shoot_voice_mode(window: MainWindow, api: FakeApi, out: Path, speech: Path) -> None:
    """One spoken question answered and read aloud; voice mode listening for the next."""
    tab = window.findChild(ChatTab, "chatTab")
    window.tabs.setCurrentWidget(tab)
    api.options.chat_reply = ANSWER
    voice = tab.voice_input
    window.set_theme("light")
    voice.start()
    await _until(lambda: voice.state() == LISTENING, timeout=15)
    _play(speech)
    await _until(lambda: voice.state() == SPEAKING, timeout=30)
    await _until(lambda: voice.state() == LISTENING, timeout=30)
    _play(speech)
    await _until(lambda: voice.level_meter.value() > 50, timeout=15)
    for scheme in ("light", "dark"):
        window.set_theme(scheme)
        await _settle(0.2)
        _save(window, out / f"chat-voice-mode-{scheme}.png")
    voice.stop()


async def _shoot(out: Path) -> None:
    api = FakeApi()
    api.start()
    api.options.stt_statuses = []
    api.options.stt_text = QUESTION
    api.options.tts_seconds_per_char = 0.01
    memory = MemoryKeyring()
    memory.passwords[("aiml-desktop", "api-key")] = SCREENSHOT_KEY
    keyring.set_keyring(memory)
    app = QApplication.instance()
    services = Services(Settings(), base_url=api.url)
    services.settings.max_retries = 0
    services.transcription.poll_interval = 0.05
    theme = ThemeManager(app, "light")
    theme.apply()
    window = MainWindow(services, theme=theme)
    window.resize(*WINDOW_SIZE)
    window.show()
    window.start()
    module = _microphone_module()
    try:
        await _until(lambda: QMediaDevices.defaultAudioInput().id() == MICROPHONE.encode())
        await _until(lambda: window.model_combo("stt").model_ids())
        speech = _speech(QUESTION)
        await _shoot_recording(window, out, speech)
        await _shoot_voice_mode(window, api, out, speech)
    finally:
        window.close()
        services.close()
        api.stop()
        _pactl("unload-module", module)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    run_offscreen(lambda: _shoot(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
