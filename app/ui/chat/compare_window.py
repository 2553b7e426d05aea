"""Compare in Chat: one prompt to 2–4 models, one ``ChatSession`` (and conversation) per column.

Follow-ups either keep every column's own thread, or restart every other column from the
chosen answer. "Continue with this" opens the chosen column's conversation in the Chat tab;
the other columns' conversations stay in the history as its alternatives.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.services.compare import MAX_COLUMNS, MIN_COLUMNS, prepare_for_columns
from app.ui.asyncutils import start_task
from app.ui.chat.compare_column import FLUSH_MS, CompareColumn
from app.ui.events import notify_paid_request
from app.ui.message_bar import MessageBar
from app.ui.style.controls import decorate
from app.ui.style.tokens import SPACE

if TYPE_CHECKING:
    from app.services.context import Services

log = logging.getLogger(__name__)

COMPARE_KEY = "compare"  # in Conversation.settings: {"group", "column", "chosen", …}
KEEP_THREADS, FROM_CHOSEN = "threads", "chosen"


class CompareWindow(QWidget):
    """Signals:
    conversation_chosen(int): "Continue with this" on a column (its conversation id).
    """

    conversation_chosen = Signal(int)

    def __init__(
        self,
        services: Services,
        models: list[str],
        *,
        default_models: list[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.services = services
        self.models = models
        self.setObjectName("chatCompare")
        self.setWindowTitle("Compare models")
        self.setAccessibleName("Compare models")
        self.resize(1200, 760)
        self.message_bar = MessageBar(self)
        self.columns: list[CompareColumn] = []
        self.sessions: list[Any] = []
        self.tasks: list[asyncio.Task[Any] | None] = []
        self.group = ""
        self.sent_prompt = ""  # given back to the box when every column fails
        self.chosen: int | None = None
        self._copy_upto = 0
        self._frame = QTimer(self)  # every column's new text, shown together
        self._frame.setInterval(FLUSH_MS)
        self._frame.timeout.connect(self._show_new_text)

        self.columns_row = QHBoxLayout()
        self.columns_row.setSpacing(SPACE["m"])
        self.add_button = QPushButton("Add a model", self)
        self.add_button.setObjectName("compareAddColumn")
        decorate(self.add_button, "add", flat=True)
        self.remove_button = QPushButton("Remove the last", self)
        self.remove_button.setObjectName("compareRemoveColumn")
        decorate(self.remove_button, "delete", flat=True)
        self.add_button.clicked.connect(lambda: self.add_column())
        self.remove_button.clicked.connect(self.remove_column)

        self.input = QPlainTextEdit(self)
        self.input.setObjectName("compareInput")
        self.input.setAccessibleName("Prompt for every model")
        self.input.setPlaceholderText("One prompt for every column (Ctrl+Enter sends)")
        self.input.setMaximumHeight(96)
        self.keep_threads = QRadioButton("Follow-ups: each column keeps its own thread", self)
        self.keep_threads.setObjectName("compareKeepThreads")
        self.from_chosen = QRadioButton("Follow-ups: restart every column from the chosen answer")
        self.from_chosen.setObjectName("compareRestartFromChosen")
        self.keep_threads.setChecked(True)
        modes = QButtonGroup(self)
        modes.addButton(self.keep_threads)
        modes.addButton(self.from_chosen)
        self.send_button = QPushButton("Send to all", self)
        self.send_button.setObjectName("compareSend")
        decorate(self.send_button, "send", primary=True)
        self.send_button.clicked.connect(self.send)
        self.stop_button = QPushButton("Stop all", self)
        self.stop_button.setObjectName("compareStopAll")
        decorate(self.stop_button, "stop")
        self.stop_button.clicked.connect(self.stop_all)

        tools = QHBoxLayout()
        tools.addWidget(self.add_button)
        tools.addWidget(self.remove_button)
        tools.addStretch(1)
        bottom = QHBoxLayout()
        choices = QVBoxLayout()
        choices.addWidget(self.keep_threads)
        choices.addWidget(self.from_chosen)
        bottom.addLayout(choices, 1)
        bottom.addWidget(self.stop_button)
        bottom.addWidget(self.send_button)
        root = QVBoxLayout(self)
        root.setContentsMargins(SPACE["xl"], SPACE["l"], SPACE["xl"], SPACE["l"])
        root.setSpacing(SPACE["m"])
        root.addWidget(self.message_bar)
        root.addLayout(tools)
        root.addLayout(self.columns_row, 1)
        root.addWidget(self.input)
        root.addLayout(bottom)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.send)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.stop_all)
        for model in (default_models or models[:2]) or ["", ""]:
            self.add_column(model)
        while len(self.columns) < MIN_COLUMNS:
            self.add_column()
        self._update_buttons()
        services.runner.executor.submit(prepare_for_columns)  # while the person types

    # -- columns -----------------------------------------------------------------------------

    def add_column(self, model: str = "") -> CompareColumn | None:
        if len(self.columns) >= MAX_COLUMNS or self.busy:
            return None
        column = CompareColumn(len(self.columns) + 1, self.models, self)
        if model:
            column.model.setCurrentText(model)
        index = len(self.columns)
        column.stop_requested.connect(lambda: self.stop(index))
        column.chosen.connect(lambda: self.choose(index))
        self.columns.append(column)
        self.sessions.append(None)
        self.tasks.append(None)
        self.columns_row.addWidget(column, 1)
        self._update_buttons()
        return column

    def remove_column(self) -> None:
        if len(self.columns) <= MIN_COLUMNS or self.busy:
            return
        column = self.columns.pop()
        self.sessions.pop()
        self.tasks.pop()
        self.columns_row.removeWidget(column)
        column.deleteLater()
        self._update_buttons()

    @property
    def busy(self) -> bool:
        return any(task is not None and not task.done() for task in self.tasks)

    def _update_buttons(self) -> None:
        busy = self.busy
        self.add_button.setEnabled(not busy and len(self.columns) < MAX_COLUMNS)
        self.remove_button.setEnabled(not busy and len(self.columns) > MIN_COLUMNS)
        self.send_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)
        self.from_chosen.setEnabled(self.chosen is not None)
        for column in self.columns:
            column.model.setEnabled(not busy and self.sessions[column.number - 1] is None)

    # -- sending -----------------------------------------------------------------------------

    def send(self) -> list[asyncio.Task[Any]]:
        prompt = self.input.toPlainText()
        if not prompt.strip() or self.busy:
            return []
        empty = [c.number for c in self.columns if not c.model_id()]
        if empty:
            self.message_bar.show_error(f"Pick a model for column {empty[0]}.")
            return []
        self.message_bar.clear()
        restart = self.from_chosen.isChecked() and self.chosen is not None
        self._copy_upto = 0
        if restart and self.chosen is not None:  # the chosen thread as it is before this send
            chosen = self.sessions[self.chosen]
            self._copy_upto = len(chosen.history.store.messages(chosen.conversation_id))
        if not self.group:
            self.group = uuid.uuid4().hex[:12]
        started = []
        for index in range(len(self.columns)):
            task = start_task(
                self._run_column(index, prompt, restart=restart and index != self.chosen),
                owner=self,
                name=f"compare column {index + 1}",
            )
            self.tasks[index] = task
            task.add_done_callback(lambda _t: self._on_task_done())
            started.append(task)
        self.sent_prompt = prompt
        self.input.clear()
        self._update_buttons()
        self._frame.start()
        return started

    def _show_new_text(self) -> None:
        for column in self.columns:
            column.flush()

    def _on_task_done(self) -> None:
        try:
            self._update_buttons()
        except RuntimeError:  # the window is gone
            return
        if not self.busy:
            self._frame.stop()
            self._give_back_the_prompt()
            notify_paid_request()

    def _give_back_the_prompt(self) -> None:
        """When every column failed, the prompt goes back in the box, so nothing typed is lost
        and sending again is one key press."""
        failed = all(column.status == "error" for column in self.columns)
        if failed and self.sent_prompt and not self.input.toPlainText():
            self.input.setPlainText(self.sent_prompt)

    def _new_session(self, column: CompareColumn) -> Any:
        from app.services.conversation import ChatSession

        return ChatSession(self.services, on_event=lambda event: self._on_event(column, event))

    def _compare_settings(self, index: int) -> dict[str, Any]:
        return {COMPARE_KEY: {"group": self.group, "column": index + 1}}

    def _start_conversation(self, index: int, prompt: str, copy_from: Any = None) -> Any:
        """A new session and conversation for column ``index`` (optionally a copy of the
        chosen column's thread)."""
        from app.services.chat import auto_title

        column = self.columns[index]
        session = self._new_session(column)
        title = f"{auto_title(prompt)} · {column.model_id()}"
        conversation = session.start_conversation(title, model=column.model_id(), **column.params())
        session.update_settings(settings=self._compare_settings(index))
        if copy_from is not None:
            store = session.history.store
            for message in store.messages(copy_from)[: self._copy_upto]:
                if message.role in ("user", "assistant") and message.status != "error":
                    store.add_message(conversation.id, message.role, message.content)
        self.sessions[index] = session
        return session

    async def _run_column(self, index: int, prompt: str, *, restart: bool) -> None:
        column = self.columns[index]
        session = self.sessions[index]
        keep = session is not None
        if restart and self.chosen is not None:
            chosen = self.sessions[self.chosen]
            session = await self.services.runner.run(
                self._start_conversation, index, prompt, chosen.conversation_id
            )
            column.answer.setPlainText(self.columns[self.chosen].text())
            keep = True
        elif session is None:
            session = await self.services.runner.run(self._start_conversation, index, prompt)
        column.begin(prompt, keep=keep)
        try:
            await session.send(prompt)
        except asyncio.CancelledError:
            session.stop()
            raise
        finally:
            if column.status == "streaming":  # ended without a final event (cancelled early)
                column.finish("stopped")

    def _on_event(self, column: CompareColumn, event: Any) -> None:
        from app.services.conversation import MessageDone, ReplyDelta, ReplyFailed

        if isinstance(event, ReplyDelta):
            column.add(event.content)
        elif isinstance(event, ReplyFailed):
            if column.status == "streaming":
                column.error_text = event.sentence  # shown when the reply ends
            else:  # the reply's end came first: show it now, and keep none for the next reply
                column.show_error(event.sentence)
        elif isinstance(event, MessageDone):
            column.finish(event.status, event.changes, error=column.error_text)
            column.error_text = ""

    # -- stopping and choosing ---------------------------------------------------------------

    def stop(self, index: int) -> None:
        session = self.sessions[index] if index < len(self.sessions) else None
        if session is not None:
            session.stop()
        task = self.tasks[index] if index < len(self.tasks) else None
        if task is not None and not task.done():
            task.cancel()

    def stop_all(self) -> None:
        for index in range(len(self.columns)):
            self.stop(index)

    def choose(self, index: int) -> None:
        """Continue from column ``index``: its conversation opens in the Chat tab; the other
        columns' conversations stay as its alternatives."""
        session = self.sessions[index]
        if session is None or session.conversation_id is None:
            return
        self.chosen = index
        alternatives = [
            s.conversation_id for i, s in enumerate(self.sessions) if s is not None and i != index
        ]
        for i, other in enumerate(self.sessions):
            if other is None:
                continue
            settings = dict(other.conversation.settings)
            entry = {**settings.get(COMPARE_KEY, {}), "chosen": index + 1}
            if i == index:
                entry["alternatives"] = alternatives
            settings[COMPARE_KEY] = entry
            other.update_settings(settings=settings)
        for number, column in enumerate(self.columns):
            column.setProperty("chosen", number == index)
            column.choose_button.setText("Chosen" if number == index else "Continue with this")
        self._update_buttons()
        self.conversation_chosen.emit(session.conversation_id)
