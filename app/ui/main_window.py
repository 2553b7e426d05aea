"""The main window: four tabs, menus, shortcuts, the message bar and the status bar."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from app import APP_NAME, __version__
from app.api.errors import describe
from app.storage.settings import Settings, save_settings
from app.ui.asyncutils import cancel_all_tasks, start_task
from app.ui.backup_actions import BackupActions
from app.ui.connection import ServerConnection
from app.ui.events import app_events
from app.ui.message_bar import MessageBar
from app.ui.style import motion
from app.ui.style.icons import icon
from app.ui.tab_pages import TabPages, UnavailableTab
from app.ui.theme import THEME_LABELS, THEME_MODES, ThemeManager, app_icon
from app.ui.widgets.status_panel import StatusPanel

if TYPE_CHECKING:
    from app.services.context import Services
    from app.ui.chat.tab import ChatTab

    TabFactory = Callable[[Services, MessageBar, QWidget | None], QWidget]

log = logging.getLogger(__name__)

WINDOW_TITLE = APP_NAME
MINIMUM_SIZE = (900, 600)
DEFAULT_SIZE = (1180, 780)
BALANCE_REFRESH_DELAY_MS = 1500


def _server_fields(settings: Settings) -> tuple[object, ...]:
    return (settings.provider, settings.base_url, settings.dialect, settings.proxy)


# kind, title, and the module and class of the page (imported when the page is first built).
TAB_SPECS: tuple[tuple[str, str, str], ...] = (
    ("chat", "Chat", "app.ui.chat.tab:ChatTab"),
    ("image", "Images", "app.ui.images.tab:ImagesTab"),
    ("stt", "Speech to text", "app.ui.transcription.tab:TranscriptionTab"),
    ("tts", "Text to speech", "app.ui.speech.tab:SpeechTab"),
)


def tab_class(kind: str) -> TabFactory:
    """The page class of tab ``kind``, importing its module."""
    target = next(spec[2] for spec in TAB_SPECS if spec[0] == kind)
    module_name, _, class_name = target.partition(":")
    page_class: TabFactory = getattr(importlib.import_module(module_name), class_name)
    return page_class


# The icon of each tab, by tab kind.
TAB_ICONS = {"chat": "chat", "image": "images", "stt": "speech-to-text", "tts": "text-to-speech"}


CROSS_TAB_FLOWS: tuple[tuple[str, str, str, str], ...] = (
    ("chat", "send_to_images_requested", "image", "set_prompt"),
    ("chat", "pictures_to_images_requested", "image", "take_chat_pictures"),
    ("chat", "read_aloud_requested", "tts", "read_aloud"),
    ("stt", "send_to_chat_requested", "chat", "start_conversation_with"),
)


def _reason(exc: BaseException) -> str:
    """One sentence for a failure to build a tab."""
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"a folder or file it needs cannot be used{where}: {exc.strerror or exc}."
    return f"{describe(exc).rstrip('.')}."


class MainWindow(QMainWindow):
    """The application window.

    Args:
        services: the run's services; the window reads only the settings until ``start()``.
        theme: applies the theme chosen in the View menu and in Settings.

        lazy_tabs: build only the current tab now; the others when first shown or, once the
            window has been painted, in idle time (``build_remaining_tabs``).

    Signals:
        closed(): the window has closed and its tasks were cancelled.
        first_painted(): the window has been painted for the first time (emitted just after).
    """

    closed = Signal()
    first_painted = Signal()

    def __init__(
        self,
        services: Services,
        *,
        theme: ThemeManager | None = None,
        lazy_tabs: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        motion.set_reduced(services.settings.reduce_motion)
        self.theme = theme
        self.setObjectName("mainWindow")
        self.setAccessibleName(APP_NAME)
        self.setWindowTitle(WINDOW_TITLE)
        self.setWindowIcon(app_icon())
        self.setMinimumSize(*MINIMUM_SIZE)
        self.resize(*DEFAULT_SIZE)

        self.message_bar = MessageBar(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("tabs")
        self.tabs.setAccessibleName("Tabs")
        self.tabs.setDocumentMode(False)
        self.tab_pages = TabPages(self.tabs, [spec[0] for spec in TAB_SPECS], self._make_page)
        for kind, title, _target in TAB_SPECS:
            self.tabs.addTab(self.tab_pages.placeholder(kind), icon(TAB_ICONS[kind]), title)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 8, 10, 6)
        layout.setSpacing(8)
        layout.addWidget(self.message_bar)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.status = StatusPanel(self.statusBar())
        self.status.balance_button.clicked.connect(self._on_balance_button_clicked)
        self.connection = ServerConnection(
            self, keys=services.keys, account=services.account, models=services.models
        )
        self.connection.key_changed.connect(self._on_connection_key_changed)

        self._settings_saver = QTimer(self)
        self._settings_saver.setSingleShot(True)
        self._settings_saver.setInterval(400)
        self._settings_saver.timeout.connect(self.save_settings)
        self._balance_timer = QTimer(self)
        self._balance_timer.setSingleShot(True)
        self._balance_timer.setInterval(BALANCE_REFRESH_DELAY_MS)
        self._balance_timer.timeout.connect(self.refresh_balance)
        app_events().paid_request_finished.connect(self._on_app_events_paid_request_finished)

        self._build_menus()
        self._restore_window_state()
        self.settings_dialog: QWidget | None = None
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.update_provider()
        self._painted = False
        self.installEventFilter(self)
        if lazy_tabs:
            self.tab_pages.build(self.tab_pages.kind_at(self.tabs.currentIndex()))
        else:
            self.tab_pages.build_all()

    def _make_page(self, kind: str) -> QWidget:
        """Build the page of tab ``kind`` and wire it to the window (called once per tab).
        A page that cannot be built (its data folder cannot be written, say) is replaced by
        one saying why; the other tabs go on working."""
        try:
            page = tab_class(kind)(self.services, self.message_bar, self.tabs)
        except Exception as exc:
            log.exception("the %s tab could not be built", kind)
            title = next(spec[1] for spec in TAB_SPECS if spec[0] == kind)
            return UnavailableTab(kind, title, _reason(exc), self.tabs)
        self._bind_model_combo(kind, page)
        self._connect_cross_tab_flows(kind, page)
        return page

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self and event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            self.removeEventFilter(self)
            QTimer.singleShot(0, self, self.first_painted.emit)
        return super().eventFilter(watched, event)

    @property
    def painted(self) -> bool:
        """True once the window has been painted on screen."""
        return self._painted

    def build_remaining_tabs(self) -> None:
        """Build the tabs not built yet, one per turn of the event loop (idle time)."""
        kind = self.tab_pages.next_unbuilt()
        if kind is None:
            return
        self.tab_pages.build(kind)
        QTimer.singleShot(0, self, self.build_remaining_tabs)

    # -- building ------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Callable[[], Any],
        shortcut: str | QKeySequence | None = None,
        name: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if name:
            action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(
            self._action("&Settings…", self.open_settings, "Ctrl+,", "actionSettings")
        )
        file_menu.addAction(self._action("API &key…", self.open_key_dialog, None, "actionApiKey"))
        file_menu.addSeparator()
        self.backup_actions = BackupActions(self, lambda: self.services.backups)
        file_menu.addAction(
            self._action("&Back up everything…", self.backup_actions.back_up, None, "actionBackUp")
        )
        file_menu.addAction(
            self._action(
                "&Restore from backup…", self.backup_actions.restore, None, "actionRestore"
            )
        )
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, "Ctrl+Q", "actionQuit"))

        view_menu = bar.addMenu("&View")
        for index, (_kind, title, _cls) in enumerate(TAB_SPECS):
            view_menu.addAction(
                self._action(
                    title,
                    functools.partial(self.tabs.setCurrentIndex, index),
                    f"Ctrl+{index + 1}",
                    f"actionTab{index + 1}",
                )
            )
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu("&Theme")
        self._theme_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        group.setExclusive(True)
        for mode in THEME_MODES:
            action = self._action(THEME_LABELS[mode], functools.partial(self.set_theme, mode), None)
            action.setObjectName(f"actionTheme{mode.capitalize()}")
            action.setCheckable(True)
            group.addAction(action)
            theme_menu.addAction(action)
            self._theme_actions[mode] = action
        self._theme_actions.get(
            self.services.settings.theme, self._theme_actions["system"]
        ).setChecked(True)
        view_menu.addSeparator()
        view_menu.addAction(
            self._action("Refresh &models", self.reload_models, None, "actionReloadModels")
        )
        view_menu.addAction(
            self._action("Refresh &balance", self.refresh_balance, None, "actionRefreshBalance")
        )
        assistants = self._action(
            "&Assistants…", self.open_assistants, "Ctrl+Shift+A", "actionAssistants"
        )
        view_menu.addAction(assistants)
        compare = self._action(
            "&Compare models…", self.open_compare, "Ctrl+Shift+M", "actionCompare"
        )
        view_menu.addAction(compare)
        usage = self._action("&Usage…", self.open_usage, "Ctrl+Shift+U", "actionUsage")
        usage.setIcon(icon("usage"))
        view_menu.addAction(usage)
        view_menu.addAction(
            self._action(
                "&Knowledge bases…", self.open_knowledge, "Ctrl+Shift+K", "actionKnowledge"
            )
        )

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(
            self._action("Open &data folder", self.open_data_folder, None, "actionOpenData")
        )
        help_menu.addAction(self._action("Open &log", self.open_log, None, "actionOpenLog"))
        help_menu.addSeparator()
        help_menu.addAction(
            self._action(f"&About {APP_NAME}", self.show_about, None, "actionAbout")
        )

    # -- window state --------------------------------------------------------------------

    def _restore_window_state(self) -> None:
        settings = self.services.settings
        if settings.window_geometry:
            data = QByteArray.fromBase64(settings.window_geometry.encode("ascii"))
            if not self.restoreGeometry(data):
                log.info("saved window geometry not usable; using the default size")
        if 0 <= settings.last_tab < self.tabs.count():
            self.tabs.setCurrentIndex(settings.last_tab)

    def _remember_window_state(self) -> None:
        settings = self.services.settings
        settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        settings.last_tab = self.tabs.currentIndex()

    def save_settings(self) -> bool:
        """Write the settings file; a failure is shown in the message bar."""
        self._settings_saver.stop()
        try:
            save_settings(self.services.settings)
        except OSError as exc:
            log.warning("settings not saved: %s", exc)
            self.message_bar.show_error(exc)
            return False
        return True

    def schedule_settings_save(self) -> None:
        self._settings_saver.start()

    # -- model combos --------------------------------------------------------------------

    def model_combo(self, kind: str) -> Any:
        """The model picker of the tab for ``kind`` ("chat", "image", "stt", "tts"), or None;
        None too while that tab is not built (it gets the model list when it is)."""
        return getattr(self.tab_pages.built(kind), "model_combo", None)

    def _bind_model_combo(self, kind: str, page: QWidget) -> None:
        combo = getattr(page, "model_combo", None)
        if combo is None:
            return
        self.connection.fill_new_combo(kind, combo)
        settings = self.services.settings
        chosen = settings.last_models.get(kind) or settings.default_models.get(kind, "")
        if chosen:
            combo.set_current_model_id(chosen)
        combo.model_changed.connect(lambda model_id, k=kind: self._on_model_chosen(k, model_id))

    def _on_model_chosen(self, kind: str, model_id: str) -> None:
        self.services.settings.last_models[kind] = model_id
        self.schedule_settings_save()

    def _connect_cross_tab_flows(self, kind: str, page: QWidget) -> None:
        """Each signal of ``page`` that hands work to another tab goes to that tab's method
        (the tab is built if it was not, then shown)."""
        for source, signal_name, target, method_name in CROSS_TAB_FLOWS:
            signal = getattr(page, signal_name, None) if source == kind else None
            if signal is not None:
                signal.connect(lambda text, t=target, m=method_name: self._hand_over(t, m, text))

    def _hand_over(self, target: str, method_name: str, text: str) -> None:
        page = self.tab_pages[target]
        method = getattr(page, method_name, None)
        if callable(method):
            method(text)
            self.tabs.setCurrentWidget(page)

    # -- background work -----------------------------------------------------------------

    def start(self) -> None:
        """Begin the work that needs the keyring and the network; call once the window shows."""
        self.connection.start()

    def reload_models(self) -> None:
        self.connection.load_models()

    def refresh_balance(self) -> None:
        self._balance_timer.stop()
        self.connection.refresh_balance()

    def _on_connection_key_changed(self, source: str) -> None:
        chat = self.tab_pages.get("chat")  # builds it (after the first paint) if need be
        if chat is not None and hasattr(chat, "show_first_steps"):
            chat.show_first_steps(self.open_key_dialog if source == "none" else None)

    def update_provider(self) -> None:
        self.status.set_provider(self.services.provider, self.services.base_url)
        # As client_config() has it, without loading the HTTP client before the first paint.
        dialect = self.services.dialect_override or self.services.settings.dialect
        log.info(
            "server %s (%s, %s routes)", self.services.base_url, self.services.provider, dialect
        )

    # -- dialogs and menu actions --------------------------------------------------------

    def open_settings(self) -> None:
        """Open the Settings dialog window-modally; OK applies and saves its values."""
        from app.storage.paths import cache_dir, config_dir, data_dir, log_dir
        from app.ui.dialogs.settings import SettingsDialog

        models = {}
        for kind in self.tab_pages:
            combo = getattr(self.tab_pages[kind], "model_combo", None)
            if combo is not None:
                models[kind] = combo.models()
        folders = {
            "Data (history, images, audio)": data_dir(),
            "Logs": log_dir(),
            "Settings": config_dir(),
            "Cache": cache_dir(),
        }
        dialog = SettingsDialog(
            self.services,
            key_source=self.connection.key_source,
            keyring_notice=self.connection.keyring_notice,
            models=models,
            folders=folders,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.connection.key_changed.connect(dialog.set_key_source)
        dialog.remove_key_requested.connect(self.remove_key)
        dialog.accepted.connect(
            lambda: self.apply_settings(dialog.edited_settings(), new_key=dialog.new_key())
        )
        dialog.open()
        self.settings_dialog = dialog

    def apply_settings(self, new: Settings, *, new_key: str = "") -> None:
        """Adopt ``new`` settings: save them, re-theme, and reconnect when the server changed."""
        settings = self.services.settings
        server_changed = _server_fields(settings) != _server_fields(new)
        for item in dataclasses.fields(Settings):
            setattr(settings, item.name, getattr(new, item.name))
        if server_changed:  # the server picked here wins over the command line's
            self.services.base_url_override = None
            self.services.dialect_override = None
        self.save_settings()
        self.set_theme(settings.theme)
        motion.set_reduced(settings.reduce_motion)
        self.update_provider()
        for kind, model_id in settings.default_models.items():
            combo = self.model_combo(kind)
            if combo is not None and not settings.last_models.get(kind):
                combo.set_current_model_id(model_id)
        if new_key:
            start_task(self.connection.save_key(new_key), owner=self, name="save key")
        elif server_changed:
            self.refresh_balance()
        if server_changed:
            self.reload_models()
        app_events().settings_changed.emit()

    def remove_key(self) -> None:
        start_task(self.connection.remove_key(), owner=self, name="remove key")

    def open_key_dialog(self) -> None:
        start_task(self.connection.ask_for_key(first_run=False), owner=self, name="key dialog")

    def set_theme(self, mode: str) -> None:
        self.services.settings.theme = mode
        if self.theme is not None:
            self.theme.apply(mode)
        action = self._theme_actions.get(mode)
        if action is not None and not action.isChecked():
            action.setChecked(True)
        self.schedule_settings_save()

    def open_data_folder(self) -> None:
        from app.storage.paths import data_dir

        self._open_local(data_dir())

    def open_log(self) -> None:
        from app.storage.logging_setup import LOG_FILE_NAME
        from app.storage.paths import log_dir

        path = log_dir() / LOG_FILE_NAME
        self._open_local(path if path.exists() else log_dir())

    def _open_local(self, path: Any) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.message_bar.show_notice(f"Could not open {path}: no application is set up for it.")

    def show_about(self) -> None:
        box = QMessageBox(self)
        box.setObjectName("aboutDialog")
        box.setWindowTitle(f"About {APP_NAME}")
        box.setIconPixmap(app_icon().pixmap(64, 64))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>Chat, images, speech to text and text to speech through the "
            "<a href='https://aimlapi.com'>AI/ML API</a> or any OpenAI-compatible server.</p>"
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- slots ---------------------------------------------------------------------------

    def _on_tabs_current_changed(self, index: int) -> None:
        if self.tab_pages.swapping:
            return
        self.services.settings.last_tab = index
        page = self.tab_pages.build(self.tab_pages.kind_at(index))
        self.say_if_unsupported(page)

    def say_if_unsupported(self, page: object) -> None:
        """A tab the server was found not to serve (Settings → Test connection) says so."""
        kind = next((k for k in self.tab_pages if self.tab_pages.built(k) is page), None)
        missing = self.services.routes.missing(kind) if kind else None
        if missing is not None:
            self.message_bar.show_notice(
                missing.sentence, action_text="Settings…", action=self.open_settings
            )

    def _on_balance_button_clicked(self) -> None:
        self.refresh_balance()
        self.open_usage()

    def open_assistants(self) -> QWidget:
        """Show the assistants library (one per main window)."""
        from app.ui.assistants.library import AssistantLibraryWindow

        library = self.findChild(AssistantLibraryWindow, "assistantsLibrary")
        if library is None:
            combo = self.model_combo("chat")
            library = AssistantLibraryWindow(
                self.services,
                chat_models=lambda: combo.model_ids() if combo is not None else [],
                default_model=lambda: self.chat_tab().current_model(),
                parent=self,
            )
            library.conversation_started.connect(self.show_conversation)
        library.show()
        library.raise_()
        library.activateWindow()
        library.reload()
        return library

    def chat_tab(self) -> ChatTab:
        from app.ui.chat.tab import ChatTab

        chat = self.tab_pages["chat"]
        assert isinstance(chat, ChatTab)
        return chat

    def open_compare(self) -> QWidget:
        """Show Compare models (chat), one column per model."""
        from app.ui.chat.compare_window import CompareWindow

        window = self.findChild(CompareWindow, "chatCompare")
        if window is None:
            combo = self.model_combo("chat")
            models = combo.model_ids() if combo is not None else []
            current = self.chat_tab().current_model()
            others = [m for m in models if m != current]
            window = CompareWindow(
                self.services, models, default_models=[current, *others[:1]], parent=self
            )
            window.conversation_chosen.connect(self.show_conversation)
        window.show()
        window.raise_()
        window.activateWindow()
        window.input.setFocus()
        return window

    def show_conversation(self, conversation_id: int) -> None:
        """Bring the Chat tab forward with the conversation ``conversation_id`` open."""
        chat = self.chat_tab()
        chat.refresh_conversations()
        chat.open_conversation(conversation_id)
        self.tabs.setCurrentWidget(chat)
        self.raise_()
        self.activateWindow()
        chat.input.setFocus()

    def open_usage(self) -> QWidget:
        """Show the Usage window (one per main window) with fresh figures."""
        from app.ui.usage.window import UsageWindow

        window = self.findChild(UsageWindow, "usageWindow")
        if window is None:
            window = UsageWindow(self.services, self)
        window.show()
        window.raise_()
        window.activateWindow()
        window.refresh()
        return window

    def open_knowledge(self) -> QWidget:
        """Show the Knowledge window (one per main window)."""
        from app.ui.knowledge.window import KnowledgeWindow

        window = self.findChild(KnowledgeWindow, "knowledgeWindow")
        if window is None:
            window = KnowledgeWindow(self.services, self)
        window.show()
        window.raise_()
        window.activateWindow()
        window.refresh()
        return window

    def _on_app_events_paid_request_finished(self) -> None:
        self.message_bar.clear_error()  # a request just worked: an older error is stale
        self._balance_timer.start()

    # -- closing -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember_window_state()
        self.save_settings()
        for page in self.tab_pages.built_pages():
            shutdown = getattr(page, "shutdown", None)
            if callable(shutdown):
                try:
                    shutdown()
                except Exception:
                    log.exception("a tab failed to stop")
        self._balance_timer.stop()
        self.connection.stop()
        cancelled = cancel_all_tasks()
        log.info("window closed; %d task(s) cancelled", cancelled)
        with contextlib.suppress(RuntimeError, TypeError):
            app_events().paid_request_finished.disconnect(self._on_app_events_paid_request_finished)
        event.accept()
        self.closed.emit()
        super().closeEvent(event)
