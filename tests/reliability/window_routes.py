"""How each route of the fault matrix is driven in the real main window.

A route starts a request the way a person does (type, click), says when it has ended, reads
the sentence the person was shown, checks that what they typed or chose is still there, and
makes the next request, which must work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QPushButton

from app.storage.chat_store import ChatStore
from tests.fake_api import FakeApi
from tests.reliability.matrix import ToolBoxWithHook, allow_every_call, picture, tone
from tests.ui.chat.conftest import type_and_send

WAIT_MS = 20000


class WindowRoute:
    """One route in the window. ``path`` is where faults go (see ``CliRoute`` for the rest)."""

    name = ""
    path = ""
    before = 0
    per_attempt = 1
    fallback_on_404 = False
    media: tuple[str, ...] = ()

    def __init__(self, window: Any, qtbot: Any, api: FakeApi, folder: Path) -> None:
        self.window = window
        self.qtbot = qtbot
        self.api = api
        self.folder = folder

    def attempts_of(self, fault_name: str) -> int:
        return self.per_attempt * (2 if self.fallback_on_404 and fault_name == "404" else 1)

    def prepare(self) -> None:
        """Before each cell: clear what the last one showed."""
        self.window.message_bar.clear()

    def start(self, prompt: str) -> None:
        raise NotImplementedError

    def finished(self) -> bool:
        raise NotImplementedError

    def sentence(self) -> str:
        raise NotImplementedError

    def kept(self, prompt: str) -> str | None:
        """Why the person's input is not all still there, or None."""
        return None

    def busy(self) -> bool:
        return False

    def state(self) -> str:
        """What the route shows now, for a failure's message."""
        return ""

    def succeeded(self) -> bool:
        raise NotImplementedError

    def wait(self, done: Any) -> None:
        self.qtbot.waitUntil(done, timeout=WAIT_MS)


# -- Chat ------------------------------------------------------------------------------------


class ChatStream(WindowRoute):
    name = "chat stream"
    path = "/v1/chat/completions"
    added = 2  # the person's message and the reply

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        from app.ui.chat.tab import ChatTab

        self.tab = self.window.findChild(ChatTab, "chatTab")
        self.window.tabs.setCurrentWidget(self.tab)
        self.wait(lambda: bool(self.tab.model_combo.model_ids()))
        self.tab.model_combo.set_current_model_id("openai/gpt-4o")
        self.count = 0

    def messages(self) -> list[Any]:
        return self.tab.transcript_model.messages()

    def prepare(self) -> None:
        self.tab.message_bar.clear()
        self.count = len(self.messages())

    def start(self, prompt: str) -> None:
        type_and_send(self.qtbot, self.tab, prompt)

    def finished(self) -> bool:
        messages = self.messages()
        return (
            len(messages) == self.count + self.added
            and messages[-1].status != "streaming"
            and not self.tab.streaming
        )

    def sentence(self) -> str:
        bar = self.tab.message_bar
        assert bar.isVisible() and bar.level == "error", (bar.level, bar.text)
        assert self.messages()[-1].status == "error", self.messages()[-1].status
        return bar.text

    def kept(self, prompt: str) -> str | None:
        user = self.messages()[-self.added]
        if (user.role, user.content) != ("user", prompt):
            return f"the message shows {user.content!r}"
        stored = ChatStore(self.tab.services.history).messages(self.tab.conversation.id)
        if prompt not in [m.content for m in stored if m.role == "user"]:
            return "the typed message was not saved"
        return None

    def busy(self) -> bool:
        return bool(self.tab.streaming)

    def succeeded(self) -> bool:
        messages = self.messages()
        return (
            len(messages) == self.count + self.added
            and messages[-1].status == "complete"
            and not self.tab.streaming
        )

    def recover(self, prompt: str) -> None:
        self.count = len(self.messages())
        type_and_send(self.qtbot, self.tab, prompt)


class ToolRound(ChatStream):
    name = "tool round"
    before = 1
    added = 3  # the person's message, the turn that called the tool, and the answer

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.toolbox = ToolBoxWithHook()
        self.tab.set_toolbox(self.toolbox, allow_every_call)
        toggle = self.tab.findChild(object, "chatToolsToggle")
        if not toggle.isChecked():
            toggle.click()
        self.api.options.tool_calls = [{"name": "get_weather", "arguments": {"city": "Paris"}}]

    def succeeded(self) -> bool:
        return super().succeeded() and "18 °C" in self.messages()[-1].content


class Compare(WindowRoute):
    name = "compare"
    path = "/v1/chat/completions"
    per_attempt = 2

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.api.options.tool_calls = []
        self.window.findChild(QAction, "actionCompare").trigger()
        from app.ui.chat.compare_window import CompareWindow

        self.compare = self.window.findChild(CompareWindow, "chatCompare")
        for column, model in zip(self.compare.columns, ("gpt-4o", "deepseek-chat"), strict=False):
            column.model.setCurrentText(model)

    def _done(self) -> bool:
        return not self.compare.busy and all(c.status != "streaming" for c in self.compare.columns)

    def start(self, prompt: str) -> None:
        send = self.compare.findChild(QPushButton, "compareSend")
        self.wait(send.isEnabled)  # as a person would, once the last send has ended
        self.compare.input.setPlainText(prompt)
        send.click()

    def finished(self) -> bool:
        return self._done()

    def sentence(self) -> str:
        self.qtbot.wait(30)  # the window's own task-done callbacks run after the tasks end
        texts = []
        for number, column in enumerate(self.compare.columns, start=1):
            assert column.status == "error", self.state()
            label = self.compare.findChild(QLabel, f"compareError{number}")
            assert label.isVisible()
            texts.append(label.text())
        assert len(set(texts)) == 1, texts
        return texts[0]

    def kept(self, prompt: str) -> str | None:
        shown = self.compare.input.toPlainText()
        return None if shown == prompt else f"the compare box holds {shown!r}"

    def busy(self) -> bool:
        return bool(self.compare.busy)

    def state(self) -> str:
        columns = [f"{c.status}: {c.error_text or c.text()[:40]}" for c in self.compare.columns]
        sent = [(r.json or {}).get("model") for r in self.api.requests_to(self.path)]
        return f"{'; '.join(columns)}; sent to {sent}"

    def recover(self, prompt: str) -> None:
        self.start(prompt)

    def succeeded(self) -> bool:
        return self._done() and all(c.status == "complete" for c in self.compare.columns)


# -- Images ----------------------------------------------------------------------------------


class Image(WindowRoute):
    name = "image"
    path = "/v1/images/generations"
    media = (".png", ".jpg", ".jpeg", ".webp")
    model = "flux/schnell"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        from app.ui.images.tab import ImagesTab

        self.tab = self.window.findChild(ImagesTab, "imageTab")
        self.window.tabs.setCurrentWidget(self.tab)
        self.wait(lambda: bool(self.tab.model_combo.model_ids()))
        self.tab.model_combo.set_current_model_id(self.model)
        self.card: Any = None
        self.gallery = 0

    def prepare(self) -> None:
        self.tab.message_bar.clear()
        self.gallery = self.tab.gallery_model.total()

    def start(self, prompt: str) -> None:
        self.tab.prompt.setPlainText(prompt)
        self.card = self.tab.generate()
        assert self.card is not None, self.tab.message_bar.text

    def finished(self) -> bool:
        return self.card.state != "running"

    def sentence(self) -> str:
        assert self.card.state == "failed", self.card.state
        return self.card.status.text()

    def kept(self, prompt: str) -> str | None:
        if self.tab.prompt.toPlainText() != prompt:
            return f"the prompt box holds {self.tab.prompt.toPlainText()!r}"
        if self.tab.gallery_model.total() != self.gallery:
            return "the gallery changed"
        return None

    def busy(self) -> bool:
        return self.tab.running_generations() > 0

    def recover(self, prompt: str) -> None:
        self.start(prompt)

    def succeeded(self) -> bool:
        return self.card.state == "done" and self.tab.gallery_model.total() == self.gallery + 1


class ImageEdit(Image):
    name = "image edit"
    path = "/v1/images/edits"
    model = "openai/gpt-image-1"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.tab.references.add_files([str(picture(self.folder))])
        self.wait(lambda: self.tab.references.pending() == 0)
        self.references = len(self.tab.references.inputs().references)

    def kept(self, prompt: str) -> str | None:
        if len(self.tab.references.inputs().references) != self.references:
            return "the reference picture was dropped"
        return super().kept(prompt)


# -- Speech to text --------------------------------------------------------------------------


class Transcribe(WindowRoute):
    name = "stt"
    path = "/v1/stt"
    fallback_on_404 = True
    media = (".txt", ".srt", ".vtt", ".json")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        from app.ui.transcription.tab import TranscriptionTab

        self.tab = self.window.findChild(TranscriptionTab, "sttTab")
        self.window.services.transcription.poll_interval = 0.02
        self.window.tabs.setCurrentWidget(self.tab)
        self.wait(lambda: bool(self.tab.model_combo.model_ids()))
        self.api.options.stt_statuses = []
        self.jobs = 0

    def prepare(self) -> None:
        self.tab.message_bar.clear()
        self.jobs = len(self.tab.queue.jobs())

    def _last(self) -> Any:
        return self.tab.queue.jobs()[-1]

    def start(self, prompt: str) -> None:
        self.tab.add_files([tone(self.folder)])

    def finished(self) -> bool:
        jobs = self.tab.queue.jobs()
        return len(jobs) == self.jobs + 1 and jobs[-1].status in ("failed", "done", "interrupted")

    def sentence(self) -> str:
        job = self._last()
        assert job.status == "failed", job.status
        return job.record.error or ""

    def kept(self, prompt: str) -> str | None:
        job = self._last()
        if Path(job.record.source) != tone(self.folder):
            return f"the row names {job.record.source!r}"
        return None

    def busy(self) -> bool:
        return any(
            job.status in ("uploading", "transcribing", "queued") for job in self.tab.queue.jobs()
        )

    def state(self) -> str:
        selected = self.tab.selected_job_ids()
        return f"rows {[(j.id, j.status) for j in self.tab.queue.jobs()]}, selected {selected}"

    def recover(self, prompt: str) -> None:
        jobs = self.tab.queue.jobs()
        self.jobs = len(jobs) - 1
        self.tab.table.clearSelection()
        self.tab.table.selectRow(len(jobs) - 1)
        self.wait(lambda: self.tab.selected_job_ids() == [jobs[-1].id])
        self.tab.findChild(QPushButton, "sttRetry").click()

    def succeeded(self) -> bool:
        return self._last().status == "done"


# -- Text to speech --------------------------------------------------------------------------


class Speak(WindowRoute):
    name = "tts"
    path = "/v1/tts"
    media = (".wav", ".mp3", ".ogg", ".flac", ".opus", ".aac")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        from app.ui.speech.tab import SpeechTab

        self.tab = self.window.findChild(SpeechTab, "ttsTab")
        self.window.tabs.setCurrentWidget(self.tab)
        self.wait(lambda: bool(self.tab.model_combo.model_ids()))
        self.api.options.tts_seconds_per_char = 0.01
        self.api.options.tts_max_seconds = 0.5
        self.history = 0

    def prepare(self) -> None:
        self.tab.message_bar.clear()
        self.history = self.tab.history_list.count()

    def start(self, prompt: str) -> None:
        self.tab.text_edit.setPlainText(prompt)
        self.qtbot.mouseClick(
            self.tab.findChild(QPushButton, "ttsSpeak"), Qt.MouseButton.LeftButton
        )

    def finished(self) -> bool:
        return not self.tab.is_speaking() and (
            self.tab.message_bar.level == "error" or self.tab.history_list.count() > self.history
        )

    def sentence(self) -> str:
        bar = self.tab.message_bar
        assert bar.level == "error", (bar.level, bar.text)
        return bar.text

    def kept(self, prompt: str) -> str | None:
        if self.tab.text_edit.toPlainText() != prompt:
            return f"the text box holds {self.tab.text_edit.toPlainText()!r}"
        if self.tab.history_list.count() != self.history:
            return "a history entry was added"
        return None

    def busy(self) -> bool:
        return self.tab.is_speaking()

    def recover(self, prompt: str) -> None:
        self.start(prompt)

    def succeeded(self) -> bool:
        return not self.tab.is_speaking() and self.tab.history_list.count() == self.history + 1


# -- The account: model list, balance, transactions ------------------------------------------


class ModelList(WindowRoute):
    name = "models"
    path = "/v1/models"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.combo = self.window.model_combo("chat")
        self.wait(lambda: bool(self.combo.model_ids()))
        self.models = list(self.combo.model_ids())
        self.task: Any = None

    def start(self, prompt: str) -> None:
        self.task = self.window.connection.load_models()

    def finished(self) -> bool:
        return self.task is None or self.task.done()

    def sentence(self) -> str:
        bar = self.window.message_bar
        assert bar.isVisible() and bar.level in ("error", "notice"), (bar.level, bar.text)
        return bar.text

    def kept(self, prompt: str) -> str | None:
        if list(self.combo.model_ids()) != self.models:
            return "the model picker lost its list"
        return None

    def recover(self, prompt: str) -> None:
        self.window.message_bar.clear()
        self.start(prompt)

    def succeeded(self) -> bool:
        return self.finished() and not self.window.message_bar.isVisible()


class Balance(WindowRoute):
    name = "balance"
    path = "/v2/billing"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.button = self.window.status.balance_button
        self.wait(lambda: self.button.text().startswith("Balance: $"))
        self.task: Any = None

    def prepare(self) -> None:
        super().prepare()
        # a 404 is remembered for the run as "this server has no balance" (by design); each
        # cell starts as a fresh run would
        self.window.services.account._without_balance.clear()

    def start(self, prompt: str) -> None:
        self.task = self.window.connection.refresh_balance()

    def state(self) -> str:
        return f"{self.button.text()} ({self.button.toolTip()})"

    def finished(self) -> bool:
        return self.task is None or self.task.done()

    def sentence(self) -> str:
        assert self.button.text() in ("Balance: —", "Balance: n/a"), self.button.text()
        bar = self.window.message_bar
        if bar.isVisible() and bar.level == "error":
            return bar.text
        return self.button.toolTip()

    def busy(self) -> bool:
        return self.button.text() == "Balance: …"

    def recover(self, prompt: str) -> None:
        self.window.message_bar.clear()
        self.start(prompt)

    def succeeded(self) -> bool:
        return self.finished() and self.button.text().startswith("Balance: $")


class Transactions(WindowRoute):
    name = "transactions"
    path = "/v2/billing/transactions"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.qtbot.mouseClick(self.window.status.balance_button, Qt.MouseButton.LeftButton)
        from app.ui.usage.window import UsageWindow

        self.wait(lambda: self.window.findChild(UsageWindow, "usageWindow") is not None)
        self.usage = self.window.findChild(UsageWindow, "usageWindow")
        self.label = self.usage.findChild(QLabel, "usageGateway")
        self.wait(lambda: bool(self.label.text()) and not self.label.text().startswith("Asking"))

    def start(self, prompt: str) -> None:
        self.label.setText("")
        self.usage.findChild(QPushButton, "usageRefresh").click()

    def finished(self) -> bool:
        text = self.label.text()
        return bool(text) and not text.startswith("Asking")

    def sentence(self) -> str:
        prefix = "The gateway's transactions are not available: "
        text = self.label.text()
        assert text.startswith(prefix), text
        return text.removeprefix(prefix)

    def recover(self, prompt: str) -> None:
        self.start(prompt)

    def succeeded(self) -> bool:
        return self.finished() and "not available" not in self.label.text()
