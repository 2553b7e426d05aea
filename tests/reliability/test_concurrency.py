"""Concurrency: requests in all four tabs at once, a four-column compare and a tool round with
the real test MCP server, while the window is resized and its tabs switched.

Each tab gets its own answer (no cross-talk), nothing stays busy, and closing the window ends
every child process it started (the MCP server, any ffmpeg).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton

from app.storage.tool_config import ToolConfig
from app.ui.asyncutils import running_tasks, start_task
from app.ui.chat.compare_window import CompareWindow
from tests.fake_api import FakeApi
from tests.mcp_server import process_alive, server_config
from tests.reliability.matrix import tone
from tests.ui.chat.conftest import type_and_send
from tests.ui.conftest import use_server

COMPARED = ("gpt-4o", "deepseek-chat", "o1", "claude-3-5-sonnet")
SIZES = ((1280, 800), (900, 620), (1500, 950), (1100, 700))


def child_processes() -> dict[int, str]:
    """The live (not zombie) children of this process: pid → command name."""
    found: dict[int, str] = {}
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :]
        fields = rest.split()
        if fields[0] != "Z" and int(fields[1]) == me:
            found[int(entry.name)] = name
    return found


def test_four_tabs_a_compare_and_a_tool_round_at_once(
    qtbot: Any,
    open_window: Callable[..., Any],
    fake_api: FakeApi,
    monkeypatch: Any,
    tmp_path: Path,
) -> None:
    before_children = set(child_processes())
    monkeypatch.setenv("AIML_API_KEY", "sk-concurrency-0123456789")
    use_server(fake_api.url)
    fake_api.options.stream_delay = 0.02  # every stream lasts long enough to overlap the others
    fake_api.options.stt_statuses = ["queued", "generating"]
    fake_api.options.tts_seconds_per_char = 0.01
    fake_api.options.tool_calls = [{"name": "add", "arguments": {"a": 2, "b": 40}}]
    pids = tmp_path / "mcp.pids"
    window = open_window()
    window.resize(*SIZES[0])
    services = window.services
    services.transcription.poll_interval = 0.05

    from app.ui.chat.tab import ChatTab
    from app.ui.images.tab import ImagesTab
    from app.ui.speech.tab import SpeechTab
    from app.ui.transcription.tab import TranscriptionTab

    chat = window.findChild(ChatTab, "chatTab")
    images = window.findChild(ImagesTab, "imageTab")
    stt = window.findChild(TranscriptionTab, "sttTab")
    tts = window.findChild(SpeechTab, "ttsTab")
    for tab in (chat, images, stt, tts):
        window.tabs.setCurrentWidget(tab)
        qtbot.waitUntil(lambda tab=tab: bool(tab.model_combo.model_ids()), timeout=10000)
    window.tabs.setCurrentWidget(chat)
    chat.model_combo.set_current_model_id("openai/gpt-4o")

    calc = server_config("calc", "--pid-file", str(pids))
    saved = start_task(
        services.tool_settings.save(
            ToolConfig(servers=(calc,), always_allowed=frozenset({"calc/add"}))
        )
    )
    qtbot.waitUntil(saved.done, timeout=5000)
    toggle = chat.findChild(object, "chatToolsToggle")
    if not toggle.isChecked():
        toggle.click()

    window.findChild(QAction, "actionCompare").trigger()
    compare = window.findChild(CompareWindow, "chatCompare")
    while len(compare.columns) < len(COMPARED):
        compare.findChild(object, "compareAddColumn").click()
    for column, model in zip(compare.columns, COMPARED, strict=True):
        column.model.setCurrentText(model)

    # -- everything starts at once ----------------------------------------------------------
    type_and_send(qtbot, chat, "chat: what is 2 + 40?")
    compare.input.setPlainText("compare: name a river")
    compare.findChild(QPushButton, "compareSend").click()
    images.model_combo.set_current_model_id("flux/schnell")
    images.prompt.setPlainText("images: a fox in the snow")
    card = images.generate()
    stt.add_files([tone(tmp_path)])
    tts.text_edit.setPlainText("tts: good evening to everyone here")
    tts.findChild(QPushButton, "ttsSpeak").click()

    def all_done() -> bool:
        jobs = stt.queue.jobs()
        said = chat.transcript_model.messages()
        return (
            not chat.streaming
            and bool(said)
            and said[-1].status == "complete"
            and not compare.busy
            and card is not None
            and card.state != "running"
            and bool(jobs)
            and jobs[-1].status in ("done", "failed")
            and not tts.is_speaking()
        )

    tabs = window.tabs
    step = 0
    while not all_done() and step < 400:
        step += 1
        window.resize(*SIZES[step % len(SIZES)])
        tabs.setCurrentIndex(step % tabs.count())
        qtbot.wait(40)
    qtbot.waitUntil(all_done, timeout=30000)
    assert step > 3, "the requests ended before the window was resized and switched"

    # -- each tab got its own answer ----------------------------------------------------------
    replies = [m for m in chat.transcript_model.messages() if m.role == "assistant"]
    assert replies[-1].content.startswith("From the tools: add said 42"), replies[-1].content
    assert [m.content for m in chat.transcript_model.messages() if m.role == "user"] == [
        "chat: what is 2 + 40?"
    ]
    assert [c.text() for c in compare.columns] == ["Echo: compare: name a river"] * 4
    assert [c.status for c in compare.columns] == ["complete"] * 4
    compared = [
        r.json for r in fake_api.requests_to("/v1/chat/completions") if "tools" not in r.json
    ]
    assert sorted(b["model"] for b in compared) == sorted(COMPARED)
    assert all(b["messages"][-1]["content"] == "compare: name a river" for b in compared)
    assert card.state == "done"
    [image_request] = fake_api.requests_to("/v1/images/generations")
    assert image_request.json["prompt"] == "images: a fox in the snow"
    job = stt.queue.jobs()[-1]
    assert job.status == "done" and Path(job.record.source) == tone(tmp_path)
    assert tts.history_list.count() == 1
    [spoken] = fake_api.requests_to("/v1/tts")
    assert spoken.json["text"] == "tts: good evening to everyone here"
    assert tts.current_record is not None and tts.current_record.text.startswith("tts: good")

    # -- nothing stays busy --------------------------------------------------------------------
    assert images.running_generations() == 0
    assert chat.message_bar.level != "error", chat.message_bar.text
    assert tts.message_bar.level != "error", tts.message_bar.text
    [mcp_pid] = [int(line) for line in pids.read_text().split()]
    assert process_alive(mcp_pid)

    # -- closing ends every child process ----------------------------------------------------
    compare.close()
    window.close()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=10000)
    services.close()
    qtbot.waitUntil(lambda: not process_alive(mcp_pid), timeout=10000)
    left = {pid: name for pid, name in child_processes().items() if pid not in before_children}
    assert not left, f"child processes left running: {left}"
