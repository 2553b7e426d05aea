"""Screenshots of every tab of one window filled the way a person fills it, light and dark.

Chat: three conversations, the open one with reasoning, a code block and a table. Images: a
gallery of landscapes and two fresh generations. Speech to text: a queue with done, failed
and running rows and a diarised transcript. Text to speech: a history of voices and a clip
halfway through playing.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from screenshots_common import SCHEMES, Session, save, settle, until
from screenshots_pictures import PROMPTS, keep_landscapes, paint_gateway_images

from app.ui.chat.tab import ChatTab
from app.ui.images.tab import ImagesTab
from app.ui.main_window import MainWindow
from app.ui.speech.tab import SpeechTab
from app.ui.transcription.tab import TranscriptionTab
from app.ui.widgets.audio_player import PLAYING
from tests.fake_api import Fault

TAB_FILES = {"chat": "chat", "image": "images", "stt": "speech-to-text", "tts": "text-to-speech"}
FOCUSED = {"chat": "input", "image": "prompt", "stt": "table", "tts": "text_edit"}

# -- chat ---------------------------------------------------------------------------------------

EARLIER_CHATS = (
    ("Plan three days in Lisbon in May", "Day 1: Alfama and the castle at sunset. Day 2: "
     "Belém — the tower, the monastery, and pastéis de nata. Day 3: a train to Sintra."),
    ("What is the difference between TCP and UDP?", "TCP gives you an ordered, reliable "
     "byte stream with retransmission; UDP sends independent datagrams with no guarantees, "
     "which suits games, voice and video."),
)  # fmt: skip
REASONING = (
    "The person wants a small, correct function. A generator keeps memory flat, and a "
    "running total shows progress without a second pass."
)
REPLY = """Here is a generator that yields each line with a running character count:

```python
def lines_with_totals(path):
    total = 0
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            total += len(line)
            yield line.rstrip("\\n"), total
```

- It reads **one line at a time**, so large files are fine.
- `total` counts characters, not bytes.

| Input size | Memory |
|---|---|
| 1 MB | constant |
| 1 GB | constant |
"""


async def _ask(tab: ChatTab, session: Session, question: str, reply: str, reasoning: str) -> None:
    session.api.options.chat_reply = reply
    session.api.options.reasoning = reasoning
    tab.input.setPlainText(question)
    await tab.send()


async def fill_chat(window: MainWindow, session: Session) -> None:
    tab = window.findChild(ChatTab, "chatTab")
    for question, reply in EARLIER_CHATS:
        tab.new_conversation()
        await _ask(tab, session, question, reply, "")
    tab.new_conversation()
    await _ask(tab, session, "Write a Python generator that reads a file line by line.",
               REPLY, REASONING)  # fmt: skip
    last = tab.transcript_model.messages()[-1]
    tab.delegate.toggle(last.id, "reasoning")
    tab.input.setPlainText("Can you add type hints?")
    await settle()
    tab.transcript.scroll_to_row(len(tab.transcript_model.messages()) - 2)


# -- images -------------------------------------------------------------------------------------


def _thumbnails_shown(tab: ImagesTab) -> bool:
    model, view = tab.gallery_model, tab.gallery
    ids = [model.record(row).id for row in range(model.rowCount())]
    shown = [image_id for image_id in ids if view.is_visible_id(image_id)]
    return bool(shown) and all(model.thumbnail(image_id) is not None for image_id in shown)


async def fill_images(window: MainWindow, session: Session) -> None:
    paint_gateway_images()
    session.api.options.image_max_side = 512
    tab = window.findChild(ImagesTab, "imageTab")
    window.tabs.setCurrentWidget(tab)
    for model, prompt in (("flux/schnell", PROMPTS[3]), ("dall-e-3", PROMPTS[0])):
        tab.model_combo.set_current_model_id(model)
        tab.prompt.setPlainText(prompt)
        tab.generate()
    await until(lambda: not tab.running_generations())
    tab.model_combo.set_current_model_id("stable-diffusion-v35-large")
    tab.prompt.setPlainText("an old stone bridge over a river in autumn, golden light")
    tab.negative_prompt.setPlainText("blurry, text")
    tab.params.field("seed").widget.setText("4242")
    tab.params.field("image_size").set_value({"width": 1024, "height": 640})
    tab.gallery.setCurrentIndex(tab.gallery_model.index(2))
    await until(lambda: _thumbnails_shown(tab))


# -- speech to text -----------------------------------------------------------------------------

INTERVIEW = (
    "Welcome back to the show. Today we talk about keeping bees in the city. "
    "Thanks for having me. Most people are surprised how calm a healthy hive is. "
    "What should a beginner buy first? A veil, a smoker and a good book, in that order."
)
MEMO = "Buy honey jars and call the supplier on Monday."


def _speak_to_file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    subprocess.run(["espeak-ng", "-s", "160", "-w", str(path), text], check=True)
    return path


def _recordings() -> list[Path]:
    folder = Path(tempfile.mkdtemp(prefix="aiml-stt-shots-"))
    interview = _speak_to_file(folder, "bee-interview.wav", INTERVIEW)
    memo = _speak_to_file(folder, "voice-memo.wav", MEMO)
    lecture = folder / "city-lecture.mp3"
    command = ["ffmpeg", "-v", "error", "-y", "-i", str(memo), "-c:a", "libmp3lame", str(lecture)]
    subprocess.run(command, check=True)
    return [interview, memo, lecture]


def _statuses(tab: TranscriptionTab) -> list[str]:
    return [job.status for job in tab.queue.jobs()]


async def fill_transcription(window: MainWindow, session: Session) -> None:
    api = session.api
    tab = window.findChild(TranscriptionTab, "sttTab")
    files = _recordings()
    api.options.stt_text = INTERVIEW
    tab.options.diarize.setChecked(True)
    tab.add_files([files[0]])
    await until(lambda: _statuses(tab) == ["done"])
    tab.options.diarize.setChecked(False)
    api.options.stt_text = MEMO
    tab.add_files([files[1]])
    await until(lambda: _statuses(tab) == ["done", "done"])
    api.script("/v1/stt/create", Fault.error(500))
    tab.url_edit.setText("https://example.org/podcast/episode-12.mp3")
    tab.transcribe_button.click()
    await until(lambda: _statuses(tab)[2:] == ["failed"])
    tab.url_edit.clear()
    api.options.stt_statuses = ["generating"] * 100000
    tab.add_files([files[2]])
    await until(lambda: _statuses(tab)[3:] == ["transcribing"])
    tab.table.selectRow(0)
    await until(lambda: tab.view.transcript() is not None)
    tab.view.find_edit.setText("hive")


# -- text to speech -----------------------------------------------------------------------------

SAMPLES = (
    ("#g1_aura-2-thalia-en", "thalia", "Welcome back! Your meeting with the design team starts "
     "in ten minutes, in the small room on the third floor."),
    ("openai/tts-1", "nova", "The train to Amsterdam leaves from platform seven."),
    ("#g1_aura-asteria-en", "orion", "Chapter one. It was a bright cold day in April."),
)  # fmt: skip
WEATHER = (
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
    await until(lambda: tab.history_list.count() == count + 1)
    await until(lambda: not tab.is_speaking())


async def fill_speech(window: MainWindow, session: Session) -> None:
    session.api.options.tts_seconds_per_char = 0.05
    session.api.options.tts_max_seconds = 12.0
    tab = window.findChild(SpeechTab, "ttsTab")
    for model, voice, text in SAMPLES:
        await _speak(tab, model, voice, text)
    await _speak(tab, "#g1_aura-2-thalia-en", "helena", WEATHER)
    tab.player.pause()
    tab.player.set_volume(65)


async def _play_halfway(tab: SpeechTab) -> bool:
    """Play from 4 s; False when there is no audio output to play on."""
    tab.player.play_from(4.0)
    try:
        await until(lambda: tab.player.state() == PLAYING, timeout=5)
        await until(lambda: tab.player.position() > 4.5, timeout=5)
    except TimeoutError:
        print("text to speech: no audio output, the player is shown stopped")
        return False
    return True


# -- shooting -----------------------------------------------------------------------------------


async def _shoot_scheme(window: MainWindow, scheme: str, out: Path) -> None:
    window.set_theme(scheme)
    window.message_bar.hide()
    await settle(0.4)
    for kind, name in TAB_FILES.items():
        page = window.tab_pages[kind]
        window.tabs.setCurrentWidget(page)
        getattr(page, FOCUSED[kind]).setFocus()
        playing = kind == "tts" and await _play_halfway(page)
        await settle(0.5)
        save(window, out / f"main-{name}-{scheme}.png")
        if playing:
            page.player.pause()
    images = window.tab_pages["image"]
    viewer = images.open_viewer(2)
    viewer.resize(820, 620)
    await until(viewer.has_image)
    await settle(0.3)
    save(viewer, out / f"images-viewer-{scheme}.png")
    viewer.close()
    save(window.tab_pages["stt"].view, out / f"stt-transcript-{scheme}.png")


async def shoot(session: Session, out: Path) -> None:
    keep_landscapes(session, 22)
    window = await session.open()
    await fill_chat(window, session)
    await fill_images(window, session)
    await fill_transcription(window, session)
    await fill_speech(window, session)
    for scheme in SCHEMES:
        await _shoot_scheme(window, scheme, out)
