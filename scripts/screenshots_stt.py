"""Render the Speech to text tab with a populated queue and an open transcript, light and dark.

Runs offscreen against the local stand-in gateway with throwaway user folders, like
``scripts/screenshots.py``; the recordings are spoken by espeak-ng:

    python scripts/screenshots_stt.py [--out docs/screenshots]
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
from PySide6.QtWidgets import QApplication

import qasync  # isort: skip

from app.services.context import Services
from app.storage.settings import Settings
from app.ui.app import create_application
from app.ui.main_window import MainWindow
from app.ui.theme import ThemeManager
from app.ui.transcription.tab import TranscriptionTab
from tests.fake_api import FakeApi, Fault

INTERVIEW = (
    "Welcome back to the show. Today we talk about keeping bees in the city. "
    "Thanks for having me. Most people are surprised how calm a healthy hive is. "
    "What should a beginner buy first? A veil, a smoker and a good book, in that order."
)


def _speak(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    subprocess.run(["espeak-ng", "-s", "160", "-w", str(path), text], check=True)
    return path


def _recordings() -> list[Path]:
    folder = Path(tempfile.mkdtemp(prefix="aiml-stt-shots-"))
    interview = _speak(folder, "bee-interview.wav", INTERVIEW)
    memo = _speak(folder, "voice-memo.wav", "Buy honey jars and call the supplier on Monday.")
    lecture = folder / "city-lecture.mp3"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(memo), "-c:a", "libmp3lame", str(lecture)],
        check=True,
    )
    return [interview, memo, lecture]


async def _populate(tab: TranscriptionTab, api: FakeApi, files: list[Path]) -> None:
    api.options.stt_text = INTERVIEW
    tab.options.diarize.setChecked(True)
    tab.add_files([files[0]])
    await shots._until(lambda: [j.status for j in tab.queue.jobs()] == ["done"])
    tab.options.diarize.setChecked(False)
    api.options.stt_text = "Buy honey jars and call the supplier on Monday."
    tab.add_files([files[1]])
    await shots._until(lambda: len(tab.queue.jobs()) == 2 and tab.queue.jobs()[1].status == "done")
    api.script("/v1/stt/create", Fault.error(500))
    tab.url_edit.setText("https://example.org/podcast/episode-12.mp3")
    tab.transcribe_button.click()
    await shots._until(
        lambda: len(tab.queue.jobs()) == 3 and tab.queue.jobs()[2].status == "failed"
    )
    api.options.stt_statuses = ["generating"] * 100000
    tab.add_files([files[2]])
    await shots._until(
        lambda: len(tab.queue.jobs()) == 4 and tab.queue.jobs()[3].status == "transcribing"
    )
    tab.table.selectRow(0)
    await shots._until(lambda: tab.view.transcript() is not None)
    tab.view.find_edit.setText("hive")


async def _shoot(out: Path) -> None:
    api = FakeApi()
    api.start()
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
    tab = window.findChild(TranscriptionTab, "sttTab")
    window.tabs.setCurrentWidget(tab)
    try:
        await shots._until(lambda: window.model_combo("stt").model_ids())
        await _populate(tab, api, _recordings())
        for scheme in ("light", "dark"):
            window.set_theme(scheme)
            await shots._settle(0.4)
            shots._save(window, out / f"stt-queue-and-transcript-{scheme}.png")
            shots._save(tab.view, out / f"stt-transcript-{scheme}.png")
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
