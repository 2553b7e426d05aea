"""The Chat tab: conversations sidebar, transcript, input with attachments, settings panel."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QPalette,
    QShortcut,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserInputError
from app.services.chat_history import (
    Attachment,
    ChatHistory,
    Conversation,
    HistoryWriteError,
    Message,
)
from app.services.conversation import (
    ChatEvent,
    ChatSession,
    MessageAdded,
    MessageDone,
    MessagesRemoved,
    Notice,
    ReplyDelta,
    ReplyFailed,
    ToolCallFinished,
    ToolCallRequested,
)
from app.services.defaults import DEFAULT_MODELS
from app.services.grounding import document_budget
from app.services.markdown_render import MarkdownRenderer, is_safe_link
from app.services.message_documents import documents_of, images_of, sources_of
from app.services.tool_types import ApprovalDecision, Approver, ToolBox, ToolCall, ToolSpec
from app.ui.asyncutils import async_slot, start_task
from app.ui.chat.citation_popup import CitationPopup
from app.ui.chat.composer import (
    AttachmentStrip,
    ChatInput,
    ComposerFrame,
    image_attachment,
    is_image_name,
)
from app.ui.chat.conversation_files import ConversationFiles
from app.ui.chat.document_chips import DocumentTray
from app.ui.chat.knowledge_picker import KnowledgePicker
from app.ui.chat.settings_panel import FIELDS, ConversationSettingsPanel
from app.ui.chat.sidebar import ConversationSidebar
from app.ui.chat.transcript import MessageDelegate, TranscriptView
from app.ui.chat.transcript_model import TranscriptModel
from app.ui.events import after_first_paint, app_events, notify_paid_request
from app.ui.message_bar import MessageBar
from app.ui.style.controls import decorate
from app.ui.style.tokens import SPACE
from app.ui.tools.chat_binding import ConversationTools
from app.ui.widgets.drop_zone import DropZone
from app.ui.widgets.empty_hint import EmptyHint
from app.ui.widgets.model_combo import ModelCombo
from app.ui.widgets.unsaved_banner import UnsavedHistoryBanner
from app.ui.widgets.voice_input import VoiceInput, insert_words

if TYPE_CHECKING:
    import asyncio

    from app.services.context import Services

log = logging.getLogger(__name__)

FALLBACK_MODEL = DEFAULT_MODELS["chat"]
PAGE_SIZE = 120
ASK_HINT = (
    "Ask anything: type below and press Ctrl+Enter to send. "
    "Paste or drop images for a vision model, or PDF, Word and text files to ask about them."
)
ATTACH_FILTER = (
    "Documents and images (*.pdf *.docx *.txt *.md *.markdown *.csv *.tsv *.html *.htm "
    "*.json *.py *.js *.ts *.png *.jpg *.jpeg *.gif *.webp);;All files (*)"
)
FIRST_STEPS_HINT = (
    "Three steps to a first answer:\n"
    "1. Get an API key at aimlapi.com (or use any OpenAI-compatible server).\n"
    "2. Add it here: it is kept in your system keyring.\n"
    "3. Pick a model above, type a question and press Ctrl+Enter."
)
RENDER_INTERVAL_MS = 33
MAX_RENDER_INTERVAL_MS = 150


_start_up_objects_frozen = False


def _warm_up() -> str:
    """Import the Markdown and highlighting machinery and the API client before the first reply
    needs them; returns sample HTML for warming up the text layout."""
    from app.services.chat import prepare_for_replies  # it loads requests: not before the paint

    prepare_for_replies()
    return MarkdownRenderer().render(
        "# x\n\nSome *text*.\n\n```python\nprint(1)\n```\n\n| a |\n|---|\n| b |\n"
    )


def _freeze_start_up_objects() -> None:
    """Once per process, on the UI thread (a collection may free Qt objects): set everything
    made so far aside from garbage collection (``gc.freeze``). It lives as long as the app,
    and a full collection that walked it would hold a streaming reply up for tens of ms."""
    global _start_up_objects_frozen
    if not _start_up_objects_frozen:
        _start_up_objects_frozen = True
        gc.collect()
        gc.freeze()


class ChatTab(QWidget):
    """Chat with any model; history, search, export and import.

    Signals:
        send_to_images_requested(str): "Use as image prompt" on a message.
        pictures_to_images_requested(object): "Edit image in Images" or "Use image as
            reference" on a message with pictures (a ``ChatPictures``).
        read_aloud_requested(str): "Read aloud" on a message.
        reply_finished(int): a reply (message id) ended, whatever its status.
        conversation_opened(int): a conversation (id) is shown.
    """

    send_to_images_requested = Signal(str)
    pictures_to_images_requested = Signal(object)
    read_aloud_requested = Signal(str)
    reply_finished = Signal(int)
    conversation_opened = Signal(int)

    def __init__(self, services: Services, message_bar: MessageBar, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.message_bar = message_bar
        self.model_kind = "chat"
        self.setObjectName("chatTab")
        self.setAccessibleName("Chat")
        self.session = ChatSession(services, self._on_session_event)
        self._reply_task: asyncio.Task[Any] | None = None
        self._render_pending = False
        self._editing: Message | None = None
        self._paging = False
        self.renderer = MarkdownRenderer(self._scheme())

        self._build()
        self._connect()
        self.files = ConversationFiles(self)
        self.apply_settings()
        self._closed = False
        self._start_timer = QTimer(self)
        self._start_timer.setSingleShot(True)
        self._start_timer.timeout.connect(self._on_start_timer)
        after_first_paint(self._start_timer.start)

    # -- building -----------------------------------------------------------------------

    def _build(self) -> None:
        self.model_combo = ModelCombo("chat", self)
        self.model_combo.setObjectName("chatModel")
        self.model_combo.setAccessibleName("Model")
        self.completion_mode = QCheckBox("Completion mode", self)
        self.completion_mode.setObjectName("chatCompletionMode")
        self.completion_mode.setToolTip(
            "Send the input as a plain prompt to /v1/completions instead of chatting"
        )
        self.tools_toggle = QCheckBox("Tools", self)
        self.tools_toggle.setObjectName("chatToolsToggle")
        self.tools_toggle.setToolTip(
            "Let the model call the tools that are on for this conversation"
        )
        self.tools_toggle.hide()
        self.settings_toggle = QToolButton(self)
        self.settings_toggle.setObjectName("chatSettingsToggle")
        self.settings_toggle.setText("Settings")
        self.settings_toggle.setCheckable(True)
        self.settings_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        decorate(self.settings_toggle, "parameters", flat=True)
        self.totals = QLabel(self)
        self.totals.setObjectName("chatTotals")
        self.totals.setProperty("role", "hint")

        self.sidebar = ConversationSidebar(self)
        self.settings_panel = ConversationSettingsPanel(self)
        self.settings_panel.hide()

        self.transcript_model = TranscriptModel(self)
        self.transcript = TranscriptView(self)
        self.delegate = MessageDelegate(self.transcript, self.renderer)
        self.transcript.setItemDelegate(self.delegate)
        self.transcript.setModel(self.transcript_model)
        self.transcript_hint = EmptyHint(self.transcript, ASK_HINT, purpose="chat")
        self.setAcceptDrops(True)
        self.drop_zone = DropZone(
            self.transcript, "Drop PDF, Word, text or image files to attach them", purpose="attach"
        )

        self.edit_banner = QLabel(self)
        self.edit_banner.setObjectName("chatEditBanner")
        self.edit_banner.setText(
            "Editing a message: sending replaces it and every later message. Esc cancels."
        )
        self.edit_banner.setProperty("role", "hint")
        self.edit_banner.hide()
        self.unsaved_banner = UnsavedHistoryBanner("chatHistoryUnsaved", self)
        self.attachments = AttachmentStrip(self)
        self.documents = DocumentTray(self.services.runner, self.message_bar.show_notice, self)
        self.input = ChatInput(self)
        self.attach_button = QToolButton(self)
        self.attach_button.setObjectName("chatAttach")
        self.attach_button.setText("Attach…")
        self.attach_button.setToolTip(
            "Attach documents (PDF, Word, text, Markdown, CSV, HTML, code) or images; "
            "you can also paste or drop them"
        )
        self.attach_button.setAccessibleName("Attach files")
        decorate(self.attach_button, "attach", icon_only=True)
        self.send_button = QPushButton("Send", self)
        self.send_button.setObjectName("chatSend")
        self.send_button.setDefault(False)
        decorate(self.send_button, "send", primary=True)
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.setObjectName("chatStop")
        self.stop_button.setToolTip("Stop the reply (Esc)")
        self.stop_button.setEnabled(False)
        decorate(self.stop_button, "stop")
        self.voice_input = VoiceInput(
            self.services,
            self.message_bar,
            self,
            insert_text=lambda words: insert_words(self.input, words),
            ask=self.send_spoken,
        )
        self.conversation_tools = ConversationTools(
            self.session,
            self.services.tool_settings,
            self.approve_tool_call,
            on_problem=self.message_bar.show_notice,
            parent=self,
        )
        self.tools_toggle.show()
        self.knowledge_picker = KnowledgePicker(self.session, lambda: self.services.knowledge, self)
        self._lay_out()

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Model", self))
        top.addWidget(self.model_combo, 1)
        top.addWidget(self.completion_mode)
        top.addWidget(self.tools_toggle)
        top.addWidget(self.conversation_tools.button)
        top.addWidget(self.knowledge_picker)
        top.addWidget(self.settings_toggle)

        composer = ComposerFrame(self.input, self)
        tools = QHBoxLayout()
        tools.setContentsMargins(SPACE["s"], 0, SPACE["s"], SPACE["s"])
        tools.addWidget(self.attach_button)
        tools.addWidget(self.voice_input)
        tools.addStretch(1)
        tools.addWidget(self.stop_button)
        tools.addWidget(self.send_button)
        entry = QVBoxLayout(composer)
        entry.setContentsMargins(0, 0, 0, 0)
        entry.setSpacing(0)
        entry.addWidget(self.input)
        entry.addLayout(tools)

        centre = QWidget(self)
        column = QVBoxLayout(centre)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.unsaved_banner)
        column.addWidget(self.transcript, 1)
        column.addWidget(self.totals)
        column.addWidget(self.edit_banner)
        column.addWidget(self.attachments)
        column.addWidget(self.documents)
        column.addWidget(composer)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("chatSplitter")
        splitter.addWidget(self.sidebar)
        splitter.addWidget(centre)
        splitter.addWidget(self.settings_panel)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 700, 240])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter)

    def _connect(self) -> None:
        self.send_button.clicked.connect(self.send)
        self.stop_button.clicked.connect(self.stop)
        self.input.send_requested.connect(self.send)
        self.input.images_received.connect(self.attachments.add)
        self.input.documents_received.connect(self.read_documents)
        self.input.image_refused.connect(self.message_bar.show_notice)
        self.attach_button.clicked.connect(self.pick_files)
        self.settings_toggle.toggled.connect(self.settings_panel.setVisible)
        self.settings_panel.changed.connect(self._on_settings_panel_changed)
        self.settings_panel.save_defaults_requested.connect(self._on_save_defaults)
        self.model_combo.model_changed.connect(self._on_model_combo_changed)
        self.completion_mode.toggled.connect(self._on_completion_mode_toggled)
        self.tools_toggle.clicked.connect(self._on_tools_toggle_clicked)

        self.sidebar.new_requested.connect(self.new_conversation)
        self.sidebar.conversation_chosen.connect(self.open_conversation)
        self.sidebar.hit_chosen.connect(self._on_sidebar_hit_chosen)
        self.sidebar.search_changed.connect(self.search)
        self.sidebar.rename_requested.connect(self.rename_conversation)
        self.sidebar.delete_requested.connect(self.delete_conversation)
        self.sidebar.pin_requested.connect(self.pin_conversation)
        self.sidebar.export_requested.connect(lambda fmt: self.files.export_current(fmt))
        self.sidebar.import_requested.connect(lambda: self.files.import_with_dialog())

        self.delegate.action_requested.connect(self._on_delegate_action_requested)
        self.delegate.link_activated.connect(self._on_delegate_link_activated)
        self.delegate.citation_activated.connect(self.show_citation)
        self.delegate.code_copy_requested.connect(self._on_delegate_code_copy_requested)
        self.transcript.customContextMenuRequested.connect(self._on_transcript_context_menu)
        self.transcript.earlier_needed.connect(self.load_earlier)
        self.transcript.later_needed.connect(self.load_later)

        self._render_timer = QTimer(self)
        self._render_timer.setInterval(RENDER_INTERVAL_MS)
        self._render_timer.timeout.connect(self._on_render_timer_timeout)

        new_shortcut = QShortcut(QKeySequence("Ctrl+N"), self)
        new_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new_shortcut.activated.connect(self.new_conversation)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self._on_escape)
        app_events().settings_changed.connect(self.apply_settings)

    # -- state --------------------------------------------------------------------------

    @property
    def history(self) -> ChatHistory:
        return self.services.chat_history

    @property
    def conversation(self) -> Conversation | None:
        """The open conversation (None: a new one, stored once the first message is sent)."""
        return self.session.conversation

    @property
    def alive(self) -> bool:
        """False once the tab was shut down or its widgets deleted."""
        return not self._closed and shiboken6.isValid(self) and shiboken6.isValid(self.sidebar)

    @property
    def streaming(self) -> bool:
        return self._reply_task is not None and not self._reply_task.done()

    def set_busy(self, busy: bool) -> None:
        """Tasks of this tab run side by side with typing; nothing is locked while they run."""

    def _set_replying(self, replying: bool) -> None:
        self.send_button.setEnabled(not replying)
        self.stop_button.setEnabled(replying)
        self.transcript_model.busy = replying
        self.transcript_model.touch_all()
        self.delegate.defer_idle = replying
        if replying:
            self._render_timer.start(RENDER_INTERVAL_MS)
        else:
            self._render_timer.stop()

    def apply_settings(self) -> None:
        self.input.send_with_enter = bool(self.services.settings.send_with_enter)
        self.input.update_placeholder()

    def _chat_defaults(self) -> dict[str, Any]:
        defaults = self.services.settings.extra.get("chat")
        return dict(defaults) if isinstance(defaults, dict) else {}

    def current_model(self) -> str:
        return self.model_combo.current_model_id() or self.services.default_model(
            "chat", FALLBACK_MODEL
        )

    # -- theme --------------------------------------------------------------------------

    def _scheme(self) -> str:
        return (
            "dark" if self.palette().color(QPalette.ColorRole.Window).lightness() < 128 else "light"
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_scheme()
        super().changeEvent(event)

    def _apply_scheme(self) -> None:
        scheme = self._scheme()
        layouts = self.delegate.layouts
        layouts.text_colour = self.palette().color(QPalette.ColorRole.Text).name()
        layouts.muted_colour = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        if scheme != self.renderer.scheme or layouts.font != self.font():
            self.renderer.scheme = scheme
        layouts.font = self.font()
        layouts.clear()
        self.transcript_model.touch_all()

    # -- start-up -----------------------------------------------------------------------

    def _on_start_timer(self) -> None:
        self._apply_scheme()
        self.start()

    @async_slot
    async def start(self) -> None:
        """Open the history, mark replies a crash left unfinished, show the newest chat."""
        import asyncio

        def load() -> list[Conversation]:
            history = self.history  # opening the database is work for the worker too
            interrupted = history.mark_interrupted()
            if interrupted:
                log.info("%d unfinished replies from an earlier run marked stopped", interrupted)
            return history.conversations()

        conversations = await self.services.runner.run(load)
        if not self.alive:
            return
        self.unsaved_banner.show_problem(self.services.history_problem, "Conversations")
        warming_up = asyncio.wrap_future(self.services.runner.executor.submit(_warm_up))
        self.sidebar.set_conversations(conversations, None)
        if conversations and self.conversation is None and not self.transcript_model.rowCount():
            await self._open(conversations[0].id, None)
        elif not conversations:
            self._show_settings(self._chat_defaults())
        sample = await warming_up
        if self.alive:
            _freeze_start_up_objects()
            self.delegate.warm_up(sample)

    def refresh_conversations(self, *, leave_search: bool = False) -> None:
        current = self.conversation.id if self.conversation else None
        if leave_search or not self.sidebar.showing_hits:
            self.sidebar.set_conversations(self.history.conversations(), current)

    # -- conversations ------------------------------------------------------------------

    def new_conversation(self) -> None:
        """Start an empty conversation (stored once the first message is sent)."""
        self.session.new()
        self._cancel_edit()
        self.transcript_model.reset([], has_earlier=False, has_later=False)
        self._show_settings(self._chat_defaults())
        self.completion_mode.setChecked(False)
        self.sidebar.select(None)
        self._update_totals()
        self._show_tools_switch()
        self.knowledge_picker.show_choice()
        self.input.setFocus()

    def start_conversation_with(self, text: str) -> None:
        """A new conversation with ``text`` in the input, ready to send or extend."""
        self.new_conversation()
        self.input.setPlainText(text)
        cursor = self.input.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.input.setTextCursor(cursor)
        self.input.setFocus()

    def _show_settings(self, values: dict[str, Any]) -> None:
        self.settings_panel.load(values)

    def _new_conversation_settings(self) -> dict[str, Any]:
        """What a conversation started by the next message is created with."""
        mode = "completion" if self.completion_mode.isChecked() else "chat"
        return {"model": self.current_model(), "mode": mode, **self.settings_panel.values()}

    @async_slot
    async def open_conversation(self, conversation_id: int) -> None:
        await self._open(conversation_id, None)

    async def _open(self, conversation_id: int, around_message_id: int | None) -> None:
        if (
            self.conversation
            and self.conversation.id == conversation_id
            and around_message_id is None
        ):
            return
        page = await self.services.runner.run(
            self.history.open_page, conversation_id, PAGE_SIZE, around_message_id
        )
        if not self.alive:
            return
        conversation, target_row = page.conversation, page.target_row
        self._cancel_edit()
        self.session.open(conversation)
        self.transcript_model.reset(
            page.messages, has_earlier=page.has_earlier, has_later=page.has_later
        )
        self._show_conversation_settings(conversation)
        if target_row is None:
            self.transcript.follow_bottom()
        else:
            self.transcript.scroll_to_row(target_row)
            self.transcript.setCurrentIndex(self.transcript_model.index(target_row))
        self.sidebar.select(conversation.id)
        self._update_totals()
        self._show_tools_switch()
        self.knowledge_picker.show_choice()
        self.conversation_opened.emit(conversation.id)

    def _show_conversation_settings(self, conversation: Conversation) -> None:
        self._show_settings({name: getattr(conversation, name) for name in FIELDS})
        if conversation.model:
            self.model_combo.set_current_model_id(conversation.model)
        self.completion_mode.blockSignals(True)
        self.completion_mode.setChecked(conversation.mode == "completion")
        self.completion_mode.blockSignals(False)

    @async_slot
    async def load_earlier(self) -> None:
        conversation = self.conversation
        model = self.transcript_model
        if self._paging or conversation is None or not model.rowCount() or not model.has_earlier:
            return
        self._paging = True
        try:
            first = model.message(0).position
            page = await self.services.runner.run(
                self.history.messages_before, conversation.id, first, PAGE_SIZE
            )
            if self.conversation is conversation:
                top = self.transcript.top_row()
                added = model.prepend(page, has_earlier=len(page) == PAGE_SIZE)
                if top is not None:
                    self.transcript.keep_row_at(top[0] + added, top[1])
        finally:
            self._paging = False

    @async_slot
    async def load_later(self) -> None:
        conversation = self.conversation
        model = self.transcript_model
        if self._paging or conversation is None or not model.rowCount() or not model.has_later:
            return
        self._paging = True
        try:
            after = model.message(model.rowCount() - 1).position + 1
            page = await self.services.runner.run(
                self.history.messages_after, conversation.id, after, PAGE_SIZE
            )
            if self.conversation is conversation:
                model.extend(page, has_later=len(page) == PAGE_SIZE)
        finally:
            self._paging = False

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        try:
            self.history.rename(conversation_id, title)
        except HistoryWriteError as exc:
            self.message_bar.show_error(str(exc))
            return
        if self.conversation and self.conversation.id == conversation_id:
            self.conversation.title = title
        self.refresh_conversations()

    def show_first_steps(self, add_key: Callable[[], None] | None) -> None:
        """While there is no API key, the empty chat lists the steps to a first answer and
        offers ``add_key``; None goes back to the everyday hint."""
        if add_key is None:
            self.transcript_hint.setText(ASK_HINT)
            self.transcript_hint.set_action(None)
        else:
            self.transcript_hint.setText(FIRST_STEPS_HINT)
            self.transcript_hint.set_action(("Add API key…", add_key), primary=True)

    def pin_conversation(self, conversation_id: int, pinned: bool) -> None:
        """Keep a conversation at the top of the list (or let it go back among the others)."""
        conversation = self.conversation
        if conversation is not None and conversation.id == conversation_id:
            settings = dict(conversation.settings or {})
        else:
            settings = dict(self.history.conversation(conversation_id).settings or {})
        if pinned:
            settings["pinned"] = True
        else:
            settings.pop("pinned", None)
        try:
            self.history.update_settings(conversation_id, settings=settings)
        except HistoryWriteError as exc:
            self.message_bar.show_error(str(exc))
            return
        if conversation is not None and conversation.id == conversation_id:
            conversation.settings = settings
        self.refresh_conversations(leave_search=True)

    def delete_conversation(self, conversation_id: int) -> None:
        """Delete a conversation; the message bar offers Undo."""
        if self.streaming and self.conversation and self.conversation.id == conversation_id:
            self.stop()
        try:
            snapshot = self.history.delete_conversation(conversation_id)
        except HistoryWriteError as exc:
            self.message_bar.show_error(str(exc))
            return
        if self.conversation and self.conversation.id == conversation_id:
            self.new_conversation()
        self.refresh_conversations()
        title = snapshot["conversation"].get("title") or "New conversation"
        self.message_bar.show_notice(
            f"Deleted the conversation “{title}”.",
            action_text="Undo",
            action=lambda: self._undo_delete(snapshot),
        )

    def _undo_delete(self, snapshot: dict[str, Any]) -> None:
        try:
            restored = self.history.restore(snapshot)
        except HistoryWriteError as exc:
            self.message_bar.show_error(str(exc))
            return
        self.refresh_conversations()
        self.open_conversation(restored.id)

    @async_slot
    async def search(self, text: str) -> None:
        if not text:
            self.refresh_conversations(leave_search=True)
            return
        hits = await self.services.runner.run(self.history.search, text)
        if self.alive and self.sidebar.search.text().strip() == text:
            self.sidebar.set_hits(hits)

    def _on_sidebar_hit_chosen(self, conversation_id: int, message_id: int) -> None:
        self._open_hit(conversation_id, message_id)

    @async_slot
    async def _open_hit(self, conversation_id: int, message_id: int) -> None:
        await self._open(conversation_id, message_id)

    # -- settings of the conversation ---------------------------------------------------

    def _on_settings_panel_changed(self, values: dict[str, Any]) -> None:
        self._update_conversation_settings(**values)

    def _update_conversation_settings(self, **values: Any) -> None:
        try:
            self.session.update_settings(**values)
        except HistoryWriteError as exc:
            self.message_bar.show_error(str(exc))

    def _on_save_defaults(self, values: dict[str, Any]) -> None:
        self.services.settings.extra["chat"] = values
        try:
            self.services.save_settings()
        except OSError as exc:
            self.message_bar.show_error(exc)
            return
        self.message_bar.show_info("New conversations will start with these settings.")

    def _on_model_combo_changed(self, model_id: str) -> None:
        if model_id:
            self._update_conversation_settings(model=model_id)
        self._show_tools_switch()
        self._show_document_budget()

    def _show_document_budget(self) -> None:
        """Chips say "too big … will use retrieval" against the chosen model's context."""
        self.documents.set_budget(document_budget(self.services, self.current_model()))

    # -- tools ----------------------------------------------------------------------------

    def set_toolbox(self, toolbox: ToolBox | None, approver: Approver | None = None) -> None:
        """The tools conversations in this tab may call (None: none). Each call is approved
        by ``approver``, by default the approval dialog (``approve_tool_call``), which an
        approver that remembers "Always allow" can wrap."""
        self.session.set_tools(toolbox, approver or self.approve_tool_call)
        self.tools_toggle.setVisible(toolbox is not None)
        self._show_tools_switch()

    async def approve_tool_call(self, call: ToolCall, spec: ToolSpec | None) -> ApprovalDecision:
        from app.ui.chat.tool_approval import ask_tool_approval

        note = self.services.tool_settings.restart_note(spec)
        return await ask_tool_approval(self, call, spec, note)

    def _show_tools_switch(self) -> None:
        self.conversation_tools.refresh()
        self.tools_toggle.blockSignals(True)
        self.tools_toggle.setChecked(self.session.tools_on(self.current_model()))
        self.tools_toggle.blockSignals(False)

    def _on_tools_toggle_clicked(self, checked: bool) -> None:
        try:
            self.session.switch_tools(checked)
        except HistoryWriteError as exc:
            self.message_bar.show_error(str(exc))

    def _on_completion_mode_toggled(self, checked: bool) -> None:
        self._update_conversation_settings(mode="completion" if checked else "chat")

    # -- sending ------------------------------------------------------------------------

    @async_slot
    async def send(self) -> None:
        """Send the input (and attached images and documents) and stream the reply."""
        if self.streaming:
            return
        if self.documents.reading:
            self.message_bar.show_notice("A file is still being read; send once it is attached.")
            return
        text = self.input.toPlainText().strip()
        attachments = self.attachments.attachments
        documents = self.documents.documents
        if not text and not attachments and not documents:
            self.message_bar.show_notice("Type a message to send.")
            return
        if self.completion_mode.isChecked() and not text:
            self.message_bar.show_notice("Type a prompt to complete.")
            return
        if self._commit_user_message(text, attachments, documents) is None:
            return
        self.input.clear()
        self.attachments.clear()
        self.documents.clear()
        await self._run_reply(self.session.reply(self.current_model()))

    async def send_spoken(self, text: str) -> str | None:
        """Send spoken ``text`` as a message and wait for the reply (voice mode).

        What was typed and attached stays in the input. Returns the reply's text, or None
        when no complete reply came (stopped, failed, or another reply is running).
        """
        if self.streaming:
            return None
        self._cancel_edit()
        if self._commit_user_message(text, []) is None:
            return None
        reply = await self._run_reply(self.session.reply(self.current_model()))
        return reply.content if reply is not None and reply.status == "complete" else None

    def _commit_user_message(
        self, text: str, attachments: list[Attachment], documents: list[Any] | None = None
    ) -> Message | None:
        """Store the message before anything is sent; the input keeps the text when storing
        fails."""
        try:
            user = self.session.add_user_message(
                text,
                attachments,
                documents=documents or (),
                replacing=self._editing,
                **self._new_conversation_settings(),
            )
        except HistoryWriteError as exc:
            log.warning("message not stored: %s", exc)
            self.message_bar.show_error(f"{exc} It is still in the input.")
            return None
        self._cancel_edit()
        self.refresh_conversations()
        return user

    async def _run_reply(self, work: Any) -> Any:
        import asyncio

        self._reply_task = asyncio.current_task()
        self._set_replying(True)
        try:
            return await work
        except HistoryWriteError as exc:
            self.message_bar.show_error(str(exc))
            return None
        finally:
            self._reply_task = None
            self._set_replying(False)
            self._update_totals()

    # -- what the session reports -------------------------------------------------------

    def _on_session_event(self, event: ChatEvent) -> None:
        if isinstance(event, ReplyDelta):
            self._render_pending = True
        elif isinstance(event, MessageAdded):
            self._show_added(event.message)
        elif isinstance(event, MessageDone):
            self._show_done(event)
        elif isinstance(event, ReplyFailed):
            message_id = event.message_id
            self.message_bar.show_error(
                event.error, retry=lambda: self.retry(message_id), action_text="Retry"
            )
        elif isinstance(event, MessagesRemoved):
            self._show_removed(event)
        elif isinstance(event, ToolCallRequested):
            self._show_tool_call_running(event)
        elif isinstance(event, ToolCallFinished):
            self.transcript_model.update_message(event.message_id, meta=event.meta)
        elif isinstance(event, Notice):
            self.message_bar.show_notice(event.text)

    def _show_added(self, message: Message) -> None:
        if (
            message.role == "assistant"
            and message.status == "complete"
            and message.meta.get("mode") == "completion"
        ):
            self.delegate.flags_for(message.id).details_open = True
        self.transcript_model.append(message)
        self.delegate.fades.start(message.id)
        self.transcript.follow_bottom()

    def _show_done(self, event: MessageDone) -> None:
        if event.changes:
            self.transcript_model.update_message(event.message_id, **event.changes)
        self.reply_finished.emit(event.message_id)
        if event.status == "complete":
            notify_paid_request()
            if event.empty_sentence is not None:
                message_id = event.message_id
                self.message_bar.show_notice(
                    event.empty_sentence,
                    action_text="Retry",
                    action=lambda: self.retry(message_id),
                )

    def _show_tool_call_running(self, event: ToolCallRequested) -> None:
        message = self._message(event.message_id)
        if message is None:
            return
        calls = [c for c in message.meta.get("tool_calls") or [] if not c.get("running")]
        running = {"id": event.call.id, "name": event.call.name, "running": True}
        running["arguments"] = event.call.arguments_json
        meta = {**message.meta, "tool_calls": [*calls, running]}
        self.transcript_model.update_message(event.message_id, meta=meta)

    def _show_removed(self, event: MessagesRemoved) -> None:
        self.transcript_model.remove_from(event.message_id, and_later=event.and_later)
        if event.and_later:
            self.transcript_model.has_later = False
        else:
            self.delegate.layouts.forget(event.message_id)
            self.delegate.flags.pop(event.message_id, None)

    def _on_render_timer_timeout(self) -> None:
        """Show what arrived of the reply; the slower frames are, the fewer of them."""
        spent_ms = self.delegate.take_work_seconds() * 1000
        partial = self.session.partial
        if partial is None or not self._render_pending:
            return
        self._render_pending = False
        model = self.transcript_model
        model.update_message(
            partial.message_id, content=partial.content, reasoning=partial.reasoning or None
        )
        row = model.row_of(partial.message_id)
        if row is not None:
            # Lay the row out now, so that the view's own layout pass and the painting that
            # follow (in later turns of the event loop) find it done.
            self.delegate.layout_for(model.index(row))
        interval = min(MAX_RENDER_INTERVAL_MS, max(RENDER_INTERVAL_MS, int(spent_ms * 4)))
        self._render_timer.setInterval(interval)

    def stop(self) -> None:
        """Stop the reply; what arrived so far stays, marked as stopped."""
        task = self._reply_task
        if task is not None and not task.done():
            task.cancel()

    def _on_escape(self) -> None:
        if self.voice_input.active:
            self.voice_input.stop()
        elif self.streaming:
            self.stop()
        else:
            self._cancel_edit()

    # -- message actions ----------------------------------------------------------------

    def _message(self, message_id: int) -> Message | None:
        row = self.transcript_model.row_of(message_id)
        return None if row is None else self.transcript_model.message(row)

    def _on_delegate_action_requested(self, action: str, message_id: int) -> None:
        self.run_action(action, message_id)

    def run_action(self, action: str, message_id: int) -> None:
        """Do ``action`` ("copy", "edit", "regenerate", "retry", "delete", "details",
        "image_prompt", "read_aloud") on a message of the transcript."""
        message = self._message(message_id)
        if message is None:
            return
        handlers = {
            "copy": lambda: self._copy_text(message.content, "Message copied."),
            "edit": lambda: self.edit_message(message),
            "regenerate": lambda: self.retry(message.id),
            "retry": lambda: self.retry(message.id),
            "delete": lambda: self.delete_message(message),
            "details": lambda: self.delegate.toggle(message.id, "details"),
            "image_prompt": lambda: self.send_to_images_requested.emit(message.content),
            "read_aloud": lambda: self.read_aloud_requested.emit(message.content),
            "image_edit": lambda: self._pictures_to_images(message, edit=True),
            "image_reference": lambda: self._pictures_to_images(message, edit=False),
        }
        if action.startswith("tool_"):
            self.delegate.toggle(message.id, action)
            return
        handler = handlers.get(action)
        if handler is not None:
            handler()

    def _copy_text(self, text: str, note: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.message_bar.show_info(note)

    def edit_message(self, message: Message) -> None:
        """Put a sent message back in the input; sending replaces it and the later messages."""
        if self.streaming or message.role != "user":
            return
        self._editing = message
        self.input.setPlainText(message.content)
        self.attachments.clear()
        self.documents.clear()
        images = images_of(message)
        if images:
            self.attachments.add([Attachment(a.mime, a.data, a.name) for a in images])
        for document in documents_of(message):
            self.documents.add(document)
        self.edit_banner.show()
        self.input.setFocus()

    def _cancel_edit(self) -> None:
        if self._editing is not None:
            self._editing = None
            self.edit_banner.hide()

    def delete_message(self, message: Message) -> None:
        if message.status == "streaming" and self.streaming:
            return
        try:
            self.session.delete_message(message)
        except HistoryWriteError as exc:
            self.message_bar.show_error(str(exc))
            return
        self._update_totals()

    @async_slot
    async def retry(self, message_id: int) -> None:
        """Replace the reply ``message_id`` (the last one) by a new one."""
        conversation = self.conversation
        message = self._message(message_id)
        if self.streaming or conversation is None or message is None:
            return
        if self.transcript_model.last_reply_id() != message_id:
            self.message_bar.show_notice("Only the last reply can be generated again.")
            return
        if message.status == "streaming":
            return
        await self._run_reply(self.session.regenerate(message, self.current_model()))

    def _on_delegate_link_activated(self, href: str) -> None:
        if is_safe_link(href):
            QDesktopServices.openUrl(QUrl(href))

    def show_citation(self, message_id: int, number: int, at: QPoint | None = None) -> None:
        """Show the passage behind citation ``number`` of reply ``message_id`` at ``at`` (a
        global position; where the pointer is when none is given)."""
        from PySide6.QtGui import QCursor

        message = self._message(message_id)
        source = sources_of(message.meta).get(number) if message is not None else None
        if source is None:
            return
        self.citation_popup = CitationPopup(source, self)
        self.citation_popup.show_at(QCursor.pos() if at is None else at)

    def _on_delegate_code_copy_requested(self, code: str) -> None:
        self._copy_text(code, "Code copied.")

    def _on_transcript_context_menu(self, point: QPoint) -> None:
        index = self.transcript.indexAt(point)
        if not index.isValid():
            return
        where = self.transcript.viewport().mapToGlobal(point)
        menu = self.message_menu(index.row(), where)
        menu.popup(where)

    def message_menu(self, row: int, where: QPoint | None = None) -> QMenu:
        """The context menu of the message in ``row`` (opened at the global ``where``); a
        reply with sources lists them, each opening its passage."""
        from app.services.chat_images import pictures_of

        message = self.transcript_model.message(row)
        is_last_reply = self.transcript_model.last_reply_id() == message.id
        entries = [("copy", "Copy", True)]
        entries.append(("edit", "Edit and resend", message.role == "user" and not self.streaming))
        regenerate = message.role == "assistant" and is_last_reply and not self.streaming
        entries.append(("regenerate", "Regenerate", regenerate))
        entries.append(("details", "Show details", message.role == "assistant"))
        entries.append(("delete", "Delete", not (self.streaming and message.status == "streaming")))
        entries.append(("image_prompt", "Use as image prompt", bool(message.content)))
        entries.append(("read_aloud", "Read aloud", bool(message.content)))
        if pictures_of(message):
            entries.append(("image_edit", "Edit image in Images", True))
            entries.append(("image_reference", "Use image as reference", True))
        menu = QMenu(self.transcript)
        menu.setObjectName("chatMessageMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for name, label, enabled in entries:
            if name == "image_prompt":
                menu.addSeparator()
            action = menu.addAction(label)
            action.setObjectName(f"chatAction_{name}")
            action.setEnabled(enabled)
            action.triggered.connect(
                lambda _checked=False, n=name, m=message.id: self.run_action(n, m)
            )
        self._add_sources_menu(menu, message, where)
        return menu

    def _add_sources_menu(self, menu: QMenu, message: Message, where: QPoint | None) -> None:
        sources = sources_of(message.meta)
        if not sources:
            return
        menu.addSeparator()
        listed = menu.addMenu("Sources")
        listed.setObjectName("chatSourcesMenu")
        for number, source in sorted(sources.items()):
            action = listed.addAction(f"[{number}] {source.label}")
            action.setObjectName(f"chatSource_{number}")
            action.triggered.connect(
                lambda _checked=False, n=number, m=message.id: self.show_citation(m, n, where)
            )

    def _pictures_to_images(self, message: Message, *, edit: bool) -> None:
        from app.services.chat_images import ChatPictures, pictures_of

        pictures = pictures_of(message)
        if pictures:
            self.pictures_to_images_requested.emit(ChatPictures(pictures, edit=edit))

    # -- attachments --------------------------------------------------------------------

    @async_slot
    async def pick_files(self) -> None:
        from app.ui.asyncutils import ask_open_file_names

        paths = await ask_open_file_names(self, "Attach files", "", ATTACH_FILTER)
        if paths:
            await self.attach_files(paths)

    @async_slot
    async def read_documents(self, paths: list[str]) -> None:
        """Read pasted or dropped documents into chips (off the UI thread, with Cancel)."""
        self._show_document_budget()
        await self.documents.read(paths)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.drop_zone.drag_entered(event)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drop_zone.hide()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        """Files dropped anywhere on the tab are attached (documents as chips)."""
        paths = self.drop_zone.dropped_files(event)
        if paths:
            start_task(self.attach_files(paths))

    async def attach_files(self, paths: list[str]) -> None:
        """Attach image files and documents; a refused file is explained in the message bar
        (the text typed stays as it is)."""
        from pathlib import Path

        documents = [path for path in paths if not is_image_name(Path(path).name)]
        if documents:
            self._show_document_budget()
            await self.documents.read(documents)
        found: list[Attachment] = []
        for path in paths:
            name = Path(path).name
            if not is_image_name(name):
                continue
            try:
                data = await self.services.runner.run(Path(path).read_bytes)
                found.append(image_attachment(name, data))
            except OSError as exc:
                self.message_bar.show_error(exc)
            except UserInputError as exc:
                self.message_bar.show_notice(str(exc))
        if found:
            self.attachments.add(found)

    # -- totals -------------------------------------------------------------------------

    def _update_totals(self) -> None:
        if self.conversation is None:
            self.totals.setText("")
            return
        totals = self.history.totals(self.conversation.id)
        cost = f"${totals.cost_usd:.6f}" if totals.cost_usd else "—"
        replies = f"{totals.replies} {'reply' if totals.replies == 1 else 'replies'}"
        self.totals.setText(f"This conversation: {totals.tokens:,} tokens · {cost} · {replies}")

    # -- closing ------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop a running reply, keeping what arrived (written at once)."""
        self._closed = True
        self._start_timer.stop()
        self.renderer.math.close()
        self.voice_input.shutdown()
        self.session.close()
        self.stop()
