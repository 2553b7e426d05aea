"""The message bar draws its mark as an icon, and an error goes away after a later success."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QToolButton

from app.ui.message_bar import MessageBar
from tests.fake_api import FakeApi, Fault
from tests.ui.chat.conftest import type_and_send, wait_reply
from tests.ui.conftest import use_server


def test_the_mark_is_an_icon_not_a_glyph(qtbot: Any) -> None:
    bar = MessageBar()
    qtbot.addWidget(bar)
    for level in ("error", "notice", "info"):
        bar.show_message(level, "Something happened.")
        mark = bar.findChild(QLabel, "messageIcon")
        assert mark.text() == ""
        pixmap = mark.pixmap()
        assert not pixmap.isNull() and pixmap.width() >= 18
        image = pixmap.toImage()
        assert any(image.pixelColor(x, y).alpha() > 0 for x in range(18) for y in range(18))
        assert mark.accessibleName()
    close = bar.findChild(QToolButton, "messageClose")
    assert close.text() == "" and not close.icon().isNull()


def test_an_error_hides_after_a_later_success(
    qtbot: Any, open_window: Any, fake_api: FakeApi, monkeypatch: Any
) -> None:
    monkeypatch.setenv("AIML_API_KEY", "bar-key-0123456789")
    use_server(fake_api.url)
    window = open_window()
    tab = window.tab_pages["chat"]
    qtbot.waitUntil(lambda: bool(tab.model_combo.model_ids()), timeout=5000)
    fake_api.script("/v1/chat/completions", Fault.error(500))
    type_and_send(qtbot, tab, "first try")
    wait_reply(qtbot, tab, 2)
    bar = window.message_bar
    assert bar.isVisible() and bar.level == "error"
    type_and_send(qtbot, tab, "second try")
    wait_reply(qtbot, tab, 4)
    qtbot.waitUntil(lambda: not bar.isVisible(), timeout=3000)


def test_a_notice_stays_after_a_success(qtbot: Any) -> None:
    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.show_notice("No API key yet.")
    bar.clear_error()
    assert bar.isVisible() and bar.level == "notice"
