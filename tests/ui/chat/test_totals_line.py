"""The line under the transcript counts the conversation's replies in plain English."""

from __future__ import annotations

from typing import Any

from tests.ui.chat.conftest import type_and_send, wait_reply


def test_the_totals_line_says_one_reply_then_two_replies(qtbot: Any, chat_tab: Any) -> None:
    type_and_send(qtbot, chat_tab, "Hello")
    wait_reply(qtbot, chat_tab, 2)
    assert chat_tab.totals.text().endswith("· 1 reply")
    type_and_send(qtbot, chat_tab, "And again")
    wait_reply(qtbot, chat_tab, 4)
    assert chat_tab.totals.text().endswith("· 2 replies")
