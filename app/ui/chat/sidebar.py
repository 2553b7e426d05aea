"""The conversations sidebar: search field, list of conversations (newest first) or search hits,
and buttons for a new conversation and for export/import."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.services.chat_history import Conversation, SearchHit
from app.ui.chat.assistant_filter import AssistantFilter
from app.ui.chat.sidebar_delegate import (
    CONVERSATION_ROLE,
    HEADING_ROLE,
    HIT_ROLE,
    PINNED_ROLE,
    SUBTITLE_ROLE,
    ConversationDelegate,
)
from app.ui.chat.sidebar_groups import grouped, is_pinned
from app.ui.style.controls import decorate
from app.ui.style.icons import icon
from app.ui.widgets.empty_hint import EmptyHint

SEARCH_DELAY_MS = 150


class ConversationSidebar(QWidget):
    """Signals:
    new_requested(): "New conversation" (Ctrl+N) was asked for.
    conversation_chosen(int): a conversation was picked.
    hit_chosen(int, int): a search hit (conversation id, message id) was picked.
    search_changed(str): the search text settled (empty: show the conversations again).
    rename_requested(int, str): a conversation was renamed in place.
    delete_requested(int): "Delete" on a conversation.
    pin_requested(int, bool): "Pin" (True) or "Unpin" (False) on a conversation.
    export_requested(str): "markdown" or "json" for the current conversation.
    import_requested(): "Import JSON…".
    """

    new_requested = Signal()
    conversation_chosen = Signal(int)
    hit_chosen = Signal(int, int)
    search_changed = Signal(str)
    rename_requested = Signal(int, str)
    delete_requested = Signal(int)
    pin_requested = Signal(int, bool)
    export_requested = Signal(str)
    import_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatSidebar")
        self.new_button = QPushButton("New chat", self)
        self.new_button.setObjectName("chatNewConversation")
        self.new_button.setToolTip("New conversation (Ctrl+N)")
        self.new_button.clicked.connect(self.new_requested)
        decorate(self.new_button, "add")
        self.more_button = QToolButton(self)
        self.more_button.setObjectName("chatConversationMenu")
        self.more_button.setText("Export or import")
        decorate(self.more_button, "more", icon_only=True)
        self.more_button.setToolTip("Export or import")
        self.more_button.setAccessibleName("Export or import")
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.more_button)
        self.export_markdown_action = self._menu_action(
            menu,
            "Export as Markdown…",
            "chatExportMarkdown",
            lambda: self.export_requested.emit("markdown"),
        )
        self.export_json_action = self._menu_action(
            menu, "Export as JSON…", "chatExportJson", lambda: self.export_requested.emit("json")
        )
        menu.addSeparator()
        self.import_action = self._menu_action(
            menu, "Import JSON…", "chatImportJson", self.import_requested.emit
        )
        self.more_button.setMenu(menu)

        self.search = QLineEdit(self)
        self.search.setObjectName("conversationSearch")
        self.search.setAccessibleName("Search all messages")
        self.search.setPlaceholderText("Search all messages")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())

        self.list = QListWidget(self)
        self.list.setObjectName("conversationList")
        self.list.setAccessibleName("Conversations")
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.setWordWrap(True)
        self.delegate = ConversationDelegate(self.list)
        self.list.setItemDelegate(self.delegate)
        self.list.itemClicked.connect(self._on_list_item_activated)
        self.list.itemActivated.connect(self._on_list_item_activated)
        self.list.itemChanged.connect(self._on_list_item_changed)
        self.list.customContextMenuRequested.connect(self._on_list_context_menu_requested)
        self.list_hint = EmptyHint(
            self.list, "No conversations yet. Each chat you start is kept here.", purpose="time"
        )

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.new_button, 1)
        buttons.addWidget(self.more_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.search)
        self.assistant_filter = AssistantFilter(self)
        self.assistant_filter.currentIndexChanged.connect(
            lambda _index: self.set_conversations(self._conversations, self._current)
        )
        layout.addWidget(self.assistant_filter)
        layout.addWidget(self.list, 1)
        self._filling = False
        self.showing_hits = False
        self._conversations: list[Conversation] = []
        self._current: int | None = None

    def _menu_action(self, menu: QMenu, text: str, name: str, slot: object) -> QAction:
        action = menu.addAction(text)
        action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        return action

    # -- contents -----------------------------------------------------------------------

    def set_conversations(self, conversations: Iterable[Conversation], current: int | None) -> None:
        self._conversations, self._current = list(conversations), current
        self.assistant_filter.offer(self._conversations)
        self._filling = True
        self.showing_hits = False
        self.list.clear()
        for entry in grouped(self.assistant_filter.shown(self._conversations)):
            conversation = entry.conversation
            item = QListWidgetItem(conversation.title or "New conversation")
            item.setData(CONVERSATION_ROLE, conversation.id)
            item.setData(HEADING_ROLE, entry.heading)
            item.setData(SUBTITLE_ROLE, entry.subtitle)
            item.setData(PINNED_ROLE, is_pinned(conversation))
            item.setToolTip(conversation.title)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.list.addItem(item)
            if conversation.id == current:
                item.setSelected(True)
                self.list.setCurrentItem(item)
        self._filling = False

    def set_hits(self, hits: Iterable[SearchHit]) -> None:
        self._filling = True
        self.showing_hits = True
        self.list.clear()
        found = False
        for hit in hits:
            found = True
            snippet = " ".join(hit.snippet.split())
            item = QListWidgetItem(f"{hit.title or 'New conversation'}\n{snippet}")
            item.setData(CONVERSATION_ROLE, hit.conversation_id)
            item.setData(HIT_ROLE, hit.message_id)
            self.list.addItem(item)
        if not found:
            item = QListWidgetItem("No message matches.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(item)
        self._filling = False

    def select(self, conversation_id: int | None) -> None:
        if self.showing_hits:
            return
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(CONVERSATION_ROLE) == conversation_id:
                self.list.setCurrentItem(item)
                return
        self.list.clearSelection()
        self.list.setCurrentRow(-1)

    def conversation_ids(self) -> list[int]:
        return [
            self.list.item(row).data(CONVERSATION_ROLE)
            for row in range(self.list.count())
            if self.list.item(row).data(CONVERSATION_ROLE) is not None
        ]

    # -- slots --------------------------------------------------------------------------

    def _on_search_timer_timeout(self) -> None:
        self.search_changed.emit(self.search.text().strip())

    def _on_list_item_activated(self, item: QListWidgetItem) -> None:
        conversation_id = item.data(CONVERSATION_ROLE)
        if conversation_id is None:
            return
        message_id = item.data(HIT_ROLE)
        if message_id is not None:
            self.hit_chosen.emit(int(conversation_id), int(message_id))
        else:
            self.conversation_chosen.emit(int(conversation_id))

    def _on_list_item_changed(self, item: QListWidgetItem) -> None:
        if self._filling or self.showing_hits:
            return
        conversation_id = item.data(CONVERSATION_ROLE)
        if conversation_id is not None and item.text().strip():
            self.rename_requested.emit(int(conversation_id), item.text().strip())

    def _on_list_context_menu_requested(self, point: QPoint) -> None:
        menu = self.conversation_menu(self.list.itemAt(point))
        if menu is not None:
            menu.popup(self.list.viewport().mapToGlobal(point))

    def conversation_menu(self, item: QListWidgetItem | None) -> QMenu | None:
        """The context menu of a conversation (Rename, Delete), or None."""
        if item is None or item.data(CONVERSATION_ROLE) is None or self.showing_hits:
            return None
        conversation_id = int(item.data(CONVERSATION_ROLE))
        menu = QMenu(self.list)
        menu.setObjectName("conversationMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        rename = menu.addAction("Rename")
        rename.setObjectName("conversationRename")
        rename.triggered.connect(lambda _checked=False: self.list.editItem(item))
        pinned = bool(item.data(PINNED_ROLE))
        pin = menu.addAction(icon("pin"), "Unpin" if pinned else "Pin")
        pin.setObjectName("conversationPin")
        pin.triggered.connect(
            lambda _checked=False: self.pin_requested.emit(conversation_id, not pinned)
        )
        delete = menu.addAction("Delete")
        delete.setObjectName("conversationDelete")
        delete.triggered.connect(lambda _checked=False: self.delete_requested.emit(conversation_id))
        return menu
