"""A server without a balance route is asked once per run, not after every paid request."""

from __future__ import annotations

from typing import Any

from app.ui.asyncutils import running_tasks
from tests.fake_api import FakeApi
from tests.ui.chat.conftest import type_and_send, wait_reply
from tests.ui.conftest import use_server


def billing_requests(fake_api: FakeApi) -> list[str]:
    return [r.path for r in fake_api.requests if "billing" in r.path]


def test_balance_routes_are_asked_once_per_server(
    qtbot: Any, open_window: Any, fake_api: FakeApi, monkeypatch: Any
) -> None:
    monkeypatch.setenv("AIML_API_KEY", "balance-key-0123456789")
    fake_api.options.has_balance = False
    use_server(fake_api.url)
    window = open_window()
    qtbot.waitUntil(lambda: len(billing_requests(fake_api)) == 2, timeout=5000)
    qtbot.waitUntil(lambda: "n/a" in window.status.balance_button.text(), timeout=5000)
    assert billing_requests(fake_api) == ["/v2/billing", "/v1/billing/balance"]

    tab = window.tab_pages["chat"]
    qtbot.waitUntil(lambda: bool(tab.model_combo.model_ids()), timeout=5000)
    type_and_send(qtbot, tab, "a paid request")
    wait_reply(qtbot, tab, 2)
    window.refresh_balance()
    window.refresh_balance()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=5000)
    assert len(billing_requests(fake_api)) == 2
    assert window.status.balance_button.text() == "Balance: n/a"
    assert window.status.connection_state == "online"


def test_a_server_with_a_balance_is_asked_each_time(
    qtbot: Any, open_window: Any, fake_api: FakeApi, monkeypatch: Any
) -> None:
    monkeypatch.setenv("AIML_API_KEY", "balance-key-0123456789")
    use_server(fake_api.url)
    window = open_window()
    qtbot.waitUntil(lambda: "12.50" in window.status.balance_button.text(), timeout=5000)
    window.refresh_balance()
    qtbot.waitUntil(lambda: len(billing_requests(fake_api)) == 2, timeout=5000)
