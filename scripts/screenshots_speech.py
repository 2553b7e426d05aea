"""Render the Text to speech tab mid-playback with a filled history, light and dark.

Offscreen against the stand-in gateway with throwaway folders (see screenshots.py). Playback
needs an audio output (a PulseAudio null sink does); without one the player shows its notice:

    python scripts/screenshots_speech.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import keyring
import qasync
import screenshots as shots
from PySide6.QtWidgets import QApplication

from app.services.context import Services
from app.storage.settings import Settings
from app.ui.app import create_application
from app.ui.main_window import MainWindow
from app.ui.speech.tab import SpeechTab
from app.ui.theme import ThemeManager
from app.ui.widgets.audio_player import PLAYING
from tests.fake_api import FakeApi

SAMPLES = (
    ("#g1_aura-2-thalia-en", "thalia", "Welcome back! Your meeting with the design team starts "
     "in ten minutes, in the small room on the third floor."),
    ("openai/tts-1", "nova", "The train to Amsterdam leaves from platform seven."),
    ("#g1_aura-asteria-en", "orion", "Chapter one. It was a bright cold day in April."),
)  # fmt: skip
TEXT = (
    "Good evening. Here is the weather for tomorrow: a cloudy start, with sunny spells "
    "spreading from the west by midday. Highs of eighteen degrees, and a light breeze.\n\n"
    "Take an umbrella in the morning; you can leave it at home after lunch."
)


async def _speak(tab: SpeechTab, model: str, voice: str, text: str) -> None:
    tab.model_combo.set_current_model_id(model)
    tab.model_combo.model_changed.emit(model)
    tab.voice_combo.select_voice(voice)
    tab.text_edit.setPlainText(text)
    count = tab.history_list.count()
    tab.speak()
    await shots._until(lambda: tab.history_list.count() == count + 1)


async def _shoot(out: Path) -> None:
    api = FakeApi()
    api.start()
    api.options.tts_seconds_per_char = 0.05
    api.options.tts_max_seconds = 12.0
    memory = shots._MemoryKeyring()
    memory.set_password("aiml-desktop", "api-key", "screenshot-key-0000")
    keyring.set_keyring(memory)
    services = Services(Settings(), base_url=api.url)
    theme = ThemeManager(QApplication.instance(), "light")
    theme.apply()
    window = MainWindow(services, theme=theme)
    window.resize(*shots.WINDOW_SIZE)
    window.show()
    window.start()
    try:
        tab = window.findChild(SpeechTab, "ttsTab")
        window.tabs.setCurrentWidget(tab)
        await shots._until(lambda: tab.model_combo.model_ids())
        for model, voice, text in SAMPLES:
            await _speak(tab, model, voice, text)
        await _speak(tab, "#g1_aura-2-thalia-en", "helena", TEXT)
        tab.player.set_volume(65)
        for scheme in ("light", "dark"):
            window.set_theme(scheme)
            tab.player.play_from(4.0)
            await shots._until(lambda: tab.player.state() == PLAYING)
            await shots._until(lambda: tab.player.position() > 4.5)
            await shots._settle(0.5)
            shots._save(window, out / f"tts-playing-{scheme}.png")
            tab.player.pause()
    finally:
        window.close()
        services.close()
        api.stop()


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
