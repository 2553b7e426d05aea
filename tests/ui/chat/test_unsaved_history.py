"""A data folder that cannot be written: the Chat tab still chats, keeping the conversation
in memory, and says plainly that it is not saved and why."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from app.ui.chat.tab import ChatTab
from tests.ui.chat.conftest import chat_tab as _chat_tab  # noqa: F401
from tests.ui.chat.conftest import type_and_send, wait_reply


def _block_data_folder(monkeypatch: Any, tmp_path: Path) -> Path:
    in_the_way = tmp_path / "not-a-folder"
    in_the_way.write_text("a file where the data folder should be", encoding="utf-8")
    monkeypatch.setenv("XDG_DATA_HOME", str(in_the_way / "data"))
    return in_the_way


def test_chat_works_without_saving_and_says_why(
    qtbot: Any, monkeypatch: Any, tmp_path: Path, request: Any
) -> None:
    in_the_way = _block_data_folder(monkeypatch, tmp_path)
    tab: ChatTab = request.getfixturevalue("chat_tab")
    banner = tab.findChild(type(tab.unsaved_banner), "chatHistoryUnsaved")
    qtbot.waitUntil(lambda: banner.isVisible(), timeout=5000)
    assert banner.text().startswith("Conversations are not saved. The data folder ")
    assert str(in_the_way) in banner.text() and "until the app closes" in banner.text()

    type_and_send(qtbot, tab, "Hello there")
    reply = wait_reply(qtbot, tab, 2)
    assert reply.role == "assistant" and reply.status == "complete" and reply.content
    # the conversation is listed for this session, from the history kept in memory
    qtbot.waitUntil(lambda: len(tab.sidebar.conversation_ids()) == 1, timeout=3000)
    assert not os.path.isdir(in_the_way), "nothing was written where the folder should be"


def test_with_a_working_data_folder_there_is_no_banner(qtbot: Any, request: Any) -> None:
    tab: ChatTab = request.getfixturevalue("chat_tab")
    qtbot.wait(200)
    assert tab.unsaved_banner.isHidden()
