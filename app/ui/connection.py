"""What the window does with the server in the background: the key at start, the model lists
and the account balance, reflected in the status bar and the message bar."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.api.kinds import ModelKind
from app.errors import (
    ApiConnectionError,
    ApiError,
    AuthenticationError,
    NotFoundError,
    describe,
)
from app.services.account import NO_BALANCE
from app.ui.asyncutils import await_dialog, start_task
from app.ui.events import app_events

if TYPE_CHECKING:
    import asyncio

    from app.api.types import Balance
    from app.services.account import AccountService
    from app.services.api_key import KeyChange, KeyService
    from app.services.models import ModelService
    from app.ui.message_bar import MessageBar
    from app.ui.widgets.status_panel import StatusPanel

log = logging.getLogger(__name__)

NO_LIST_PLACEHOLDER = "No model list: the server could not be reached. Type a model id."
KIND_WORDS = {"chat": "chat", "image": "image", "stt": "speech-to-text", "tts": "text-to-speech"}


def _when(timestamp: float | None) -> str:
    if not timestamp:
        return "earlier"
    return "on " + datetime.fromtimestamp(timestamp).strftime("%d %b %Y at %H:%M")


class ConnectionWindow(Protocol):
    """What ``ServerConnection`` needs of the window it serves (``MainWindow`` is one)."""

    @property
    def message_bar(self) -> MessageBar: ...

    @property
    def status(self) -> StatusPanel: ...

    @property
    def tab_pages(self) -> Mapping[str, QWidget]: ...

    def model_combo(self, kind: str) -> Any: ...

    def open_key_dialog(self) -> None: ...


class ServerConnection(QObject):
    """Start-up sequence, model lists and balance for one window.

    Args:
        window: where it shows what it learns.
        keys: the key's flows (read, save, remove).
        account: the balance.
        models: the model lists.

    Signals:
        key_changed(str): where the key comes from now ("env", "keyring", "session", "none").
        balance_changed(object): a fresh ``Balance``.
        models_ready(): the model pickers were filled (from the server or the cache).
    """

    key_changed = Signal(str)
    balance_changed = Signal(object)
    models_ready = Signal()

    def __init__(
        self,
        window: ConnectionWindow,
        *,
        keys: KeyService,
        account: AccountService,
        models: ModelService,
    ) -> None:
        assert isinstance(window, QWidget), "the window is a widget: dialogs open on it"
        super().__init__(window)
        self._widget: QWidget = window
        self._window: ConnectionWindow = window
        self._keys = keys
        self._account = account
        self._model_lists = models
        self.key_source = "none"
        self.keyring_notice: str | None = None
        self.balance: Balance | None = None
        self._tasks: dict[str, asyncio.Task[Any]] = {}
        self._models: Any = None  # the last model list shown, for tabs built after it came

    # -- task bookkeeping ----------------------------------------------------------------

    def _start(self, name: str, coro: Any) -> asyncio.Task[Any] | None:
        running = self._tasks.get(name)
        if running is not None and not running.done():
            coro.close()
            return running
        task = start_task(coro, owner=self._widget, name=name)
        self._tasks[name] = task
        return task

    def start(self) -> asyncio.Task[Any] | None:
        return self._start("start-up", self._start_up())

    def load_models(self) -> asyncio.Task[Any] | None:
        return self._start("models", self._load_models())

    def refresh_balance(self) -> asyncio.Task[Any] | None:
        return self._start("balance", self._refresh_balance())

    def stop(self) -> None:
        for task in self._tasks.values():
            task.cancel()

    # -- start-up ------------------------------------------------------------------------

    async def _start_up(self) -> None:
        self.load_models()
        key = await self._read_key()
        if key:
            self.refresh_balance()
        else:
            await self.ask_for_key(first_run=True)

    async def _read_key(self) -> str | None:
        state = await self._keys.state(with_key=True)
        self.keyring_notice = state.notice
        self._set_key_source(state.source)
        return state.key

    def _set_key_source(self, source: str) -> None:
        self.key_source = source
        status = self._window.status
        if source == "none":
            status.set_connection("no_key")
            status.set_balance_text("Balance: —", "Add an API key to see the balance")
        self.key_changed.emit(source)

    # -- the key -------------------------------------------------------------------------

    async def ask_for_key(self, *, first_run: bool) -> bool:
        """Show the API key dialog; True when a key was saved."""
        from app.ui.dialogs.api_key import ApiKeyDialog

        state = await self._keys.state()
        dialog = ApiKeyDialog(
            self._keys,
            key_source=state.source,
            keyring_notice=state.notice,
            first_run=first_run,
            parent=self._widget,
        )
        try:
            accepted = await await_dialog(dialog) == 1
            change = dialog.change
        finally:
            dialog.deleteLater()
        if not accepted:
            if first_run and self.key_source == "none":
                self._window.message_bar.show_notice(
                    "No API key yet: requests will be refused until you add one.",
                    action_text="Add key",
                    action=self._window.open_key_dialog,
                )
            return False
        if change is not None:
            self._show_change(change)
        self.refresh_balance()
        return True

    def _show_change(self, change: KeyChange) -> None:
        self.keyring_notice = change.state.notice
        self._set_key_source(change.state.source)
        bar = self._window.message_bar
        for tone, sentence in change.messages:
            if tone == "info":
                bar.show_info(sentence)
            else:
                bar.show_notice(sentence)

    async def save_key(self, key: str) -> None:
        """Store ``key`` (keyring, else this session) and refresh what depends on it."""
        self._show_change(await self._keys.save(key))
        self.refresh_balance()

    async def remove_key(self) -> None:
        """Forget the stored key (the environment's key, if any, stays in use for this run)."""
        asking = self._tasks.get("balance")
        if asking is not None and not asking.done():
            asking.cancel()  # its answer, for the key being removed, would show it as working
        self._show_change(await self._keys.remove())

    # -- balance -------------------------------------------------------------------------

    async def _refresh_balance(self) -> None:
        status = self._window.status
        if not await self._read_key():
            return
        status.set_balance_text("Balance: …", "Asking the server")
        try:
            balance = await self._account.balance()
        except AuthenticationError as exc:
            status.set_connection("key_refused", describe(exc))
            status.set_balance_text("Balance: —", describe(exc))
            self._window.message_bar.show_error(
                exc, retry=self._window.open_key_dialog, action_text="Change key…"
            )
            return
        except NotFoundError:
            status.set_connection("online")
            status.set_balance_text("Balance: n/a", NO_BALANCE)
            return
        except ApiConnectionError as exc:
            status.set_connection("offline", describe(exc))
            status.set_balance_text("Balance: —", describe(exc))
            return
        except ApiError as exc:  # any other answer: say why, never stay on "Balance: …"
            status.set_connection("online")
            status.set_balance_text("Balance: —", describe(exc))
            return
        self.balance = balance
        status.set_connection("online")
        status.set_balance(balance)
        self.balance_changed.emit(balance)

    # -- model lists ---------------------------------------------------------------------

    def _combos(self) -> dict[str, Any]:
        combos = {kind: self._window.model_combo(kind) for kind in self._window.tab_pages}
        return {kind: combo for kind, combo in combos.items() if combo is not None}

    async def _load_models(self) -> None:
        combos = self._combos()
        for combo in combos.values():
            if not combo.model_ids():
                combo.set_placeholder("Loading models…")
        result = await self._model_lists.refresh()
        bar = self._window.message_bar
        if isinstance(result.failure, ApiConnectionError):
            self._window.status.set_connection("offline", result.error or "")
        if result.error and not result.models:
            for combo in combos.values():
                combo.set_placeholder(NO_LIST_PLACEHOLDER)
            bar.show_notice(
                f"The model list could not be loaded. {result.error}",
                action_text="Retry",
                action=self.load_models,
            )
            return
        self._models = result
        for kind, combo in self._combos().items():
            self._fill_combo(kind, combo, result.of_kind(ModelKind(kind)))
            app_events().models_loaded.emit(kind)
        if result.error:
            bar.show_notice(
                f"The model list could not be updated ({result.error.rstrip('.')}). "
                f"Showing the list saved {_when(result.fetched_at)}.",
                action_text="Retry",
                action=self.load_models,
            )
        self.models_ready.emit()

    def fill_new_combo(self, kind: str, combo: Any) -> None:
        """Give the model picker of a tab built after the model list came its models."""
        if self._models is not None:
            self._fill_combo(kind, combo, self._models.of_kind(ModelKind(kind)))

    def _fill_combo(self, kind: str, combo: Any, models: list[Any]) -> None:
        combo.set_models(models)
        if not models:
            combo.set_placeholder(
                f"No {KIND_WORDS.get(kind, kind)} models on this server. Type a model id."
            )
            return
        combo.set_placeholder("Pick or type a model")
        if not combo.current_model_id():
            combo.set_current_model_id(models[0].id)
