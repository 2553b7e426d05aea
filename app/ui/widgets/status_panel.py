"""Status bar contents: provider, connection state and account balance."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtWidgets import QLabel, QStatusBar, QToolButton

from app.services.account import balance_text

if TYPE_CHECKING:
    from app.api.types import Balance

PROVIDER_NAMES = {"aimlapi": "AIML API", "openai": "OpenAI", "custom": "Custom"}

CONNECTION_TEXTS = {
    "checking": ("● Connecting…", "Asking the server"),
    "online": ("● Connected", "The server answered"),
    "offline": ("● Offline", "The server could not be reached"),
    "no_key": ("● No API key", "Add a key in File → API key…"),
    "key_refused": ("● Key refused", "The server refused the API key"),
}
_CONNECTION_COLOURS = {
    "checking": "#9aa0a6",
    "online": "#2e9d5b",
    "offline": "#d08a00",
    "no_key": "#d08a00",
    "key_refused": "#d93a2b",
}


def provider_text(provider: str, base_url: str) -> str:
    host = urlsplit(base_url).netloc or base_url
    name = PROVIDER_NAMES.get(provider, provider)
    return f"{name} · {host}" if host else name


class StatusPanel:
    """Puts the provider, connection and balance widgets into a status bar.

    ``balance_button.clicked`` is how the person asks for a fresh balance.
    """

    def __init__(self, status_bar: QStatusBar) -> None:
        self.provider_label = QLabel(status_bar)
        self.provider_label.setObjectName("statusProvider")
        self.provider_label.setAccessibleName("Provider")
        self.connection_label = QLabel(status_bar)
        self.connection_label.setObjectName("statusConnection")
        self.connection_label.setAccessibleName("Connection")
        self.balance_button = QToolButton(status_bar)
        self.balance_button.setObjectName("statusBalance")
        self.balance_button.setAccessibleName("Account balance")
        self.balance_button.setAutoRaise(True)
        self.balance_button.setToolTip("Click to refresh the balance")
        status_bar.addWidget(self.provider_label)
        status_bar.addPermanentWidget(self.connection_label)
        status_bar.addPermanentWidget(self.balance_button)
        self.connection_state = ""
        self.set_connection("checking")
        self.set_balance_text("Balance: …")

    def set_provider(self, provider: str, base_url: str) -> None:
        self.provider_label.setText(provider_text(provider, base_url))
        self.provider_label.setToolTip(base_url)

    def set_connection(self, state: str, detail: str = "") -> None:
        text, tip = CONNECTION_TEXTS.get(state, (state, ""))
        colour = _CONNECTION_COLOURS.get(state, "#9aa0a6")
        dot, _, words = text.partition(" ")
        self.connection_label.setText(f"<span style='color:{colour}'>{dot}</span> {words}")
        self.connection_label.setToolTip(detail or tip)
        self.connection_label.setAccessibleDescription(words)
        self.connection_state = state

    def set_balance(self, balance: Balance) -> None:
        self.set_balance_text(balance_text(balance))

    def set_balance_text(self, text: str, tip: str = "Click to refresh the balance") -> None:
        self.balance_button.setText(text)
        self.balance_button.setToolTip(tip)
        self.balance_button.setAccessibleDescription(text)
