"""Compare in Chat against the stand-in: columns stream side by side, each with its figures;
Stop one; a failing model only fails its column; continue with one answer; follow-ups."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from app.ui.chat.compare_window import COMPARE_KEY, CompareWindow
from tests.fake_api import Fault
from tests.ui.conftest import use_server

KEY = "compare-key-0123456789"
MODELS = ("gpt-4o", "deepseek-chat", "o1", "claude-3-5-sonnet")


@pytest.fixture
def keyed(monkeypatch, fake_api):
    monkeypatch.setenv("AIML_API_KEY", KEY)
    use_server(fake_api.url)


def _compare(qtbot, window, count: int) -> CompareWindow:
    window.findChild(QAction, "actionCompare").trigger()
    compare = window.findChild(CompareWindow, "chatCompare")
    while len(compare.columns) < count:
        compare.findChild(object, "compareAddColumn").click()
    for column, model in zip(compare.columns, MODELS, strict=False):
        column.model.setCurrentText(model)
    return compare


def _chat_requests(fake_api):
    return [r.json for r in fake_api.requests if r.path == "/v1/chat/completions"]


def _done(compare: CompareWindow) -> bool:
    return not compare.busy and all(c.status != "streaming" for c in compare.columns)


def test_four_models_stream_side_by_side_with_their_figures(qtbot, open_window, keyed, fake_api):
    window = open_window()
    compare = _compare(qtbot, window, 4)
    compare.columns[1].temperature.setValue(0.4)
    compare.input.setPlainText("Name a river")
    compare.findChild(object, "compareSend").click()
    qtbot.waitUntil(lambda: _done(compare), timeout=10000)
    sent = _chat_requests(fake_api)
    assert sorted(body["model"] for body in sent) == sorted(MODELS)
    assert next(b for b in sent if b["model"] == "deepseek-chat")["temperature"] == 0.4
    assert all("temperature" not in b for b in sent if b["model"] != "deepseek-chat")
    for number, column in enumerate(compare.columns, start=1):
        assert column.text() == "Echo: Name a river"
        shown = compare.findChild(QLabel, f"compareStats{number}").text()
        # A narrow column wraps the figures only at the dots between them, never inside one.
        assert all(" " not in figure for figure in shown.split(" · ")), shown
        stats = shown.replace("\u00a0", " ")
        assert "first token" in stats and "tokens/s" in stats and "tokens" in stats
        assert "$0.0" in stats, stats
        session = compare.sessions[number - 1]
        assert session.conversation.settings[COMPARE_KEY]["column"] == number
    groups = {s.conversation.settings[COMPARE_KEY]["group"] for s in compare.sessions}
    assert len(groups) == 1 and len({s.conversation_id for s in compare.sessions}) == 4


def test_a_failing_model_fails_only_its_column(qtbot, open_window, keyed, fake_api):
    window = open_window()
    compare = _compare(qtbot, window, 2)
    fake_api.script("/v1/chat/completions", Fault.error(400))
    compare.input.setPlainText("Hello")
    compare.send()
    qtbot.waitUntil(lambda: _done(compare), timeout=10000)
    statuses = sorted(c.status for c in compare.columns)
    assert statuses == ["complete", "error"]
    failed = next(c for c in compare.columns if c.status == "error")
    ok = next(c for c in compare.columns if c.status == "complete")
    assert failed.error.isVisibleTo(compare) and failed.error.text()
    assert not ok.error.isVisibleTo(compare) and ok.text() == "Echo: Hello"


def test_stop_one_column_keeps_the_others_running(qtbot, open_window, keyed, fake_api):
    fake_api.options.chat_reply = " ".join(["word"] * 300)
    fake_api.options.stream_delay = 0.01
    window = open_window()
    compare = _compare(qtbot, window, 2)
    compare.input.setPlainText("Talk")
    compare.send()
    qtbot.waitUntil(lambda: bool(compare.columns[0].text()), timeout=5000)
    compare.findChild(object, "compareStop1").click()
    qtbot.waitUntil(lambda: compare.columns[0].status == "stopped", timeout=5000)
    assert compare.columns[1].status == "streaming"
    compare.stop_all()
    qtbot.waitUntil(lambda: _done(compare), timeout=5000)
    assert compare.columns[1].status == "stopped"


def test_continue_with_one_answer_and_follow_ups(qtbot, open_window, keyed, fake_api):
    window = open_window()
    compare = _compare(qtbot, window, 2)
    compare.input.setPlainText("First question")
    compare.send()
    qtbot.waitUntil(lambda: _done(compare), timeout=10000)

    # Follow-up keeping each thread: each conversation gets its own history.
    compare.input.setPlainText("Second question")
    compare.send()
    qtbot.waitUntil(lambda: _done(compare), timeout=10000)
    follow = _chat_requests(fake_api)[-2:]
    assert all(len(b["messages"]) == 3 for b in follow)
    assert "Second question" in compare.columns[0].text()

    compare.findChild(object, "compareChoose2").click()
    chat = window.tab_pages["chat"]
    chosen = compare.sessions[1].conversation_id
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is chat, timeout=3000)
    first = compare.sessions[0].conversation
    assert first.settings[COMPARE_KEY]["chosen"] == 2
    assert compare.sessions[1].conversation.settings[COMPARE_KEY]["alternatives"] == [first.id]

    # Restart from the chosen answer: column 1 starts a new thread copied from column 2.
    compare.from_chosen.setChecked(True)
    compare.input.setPlainText("Third question")
    compare.send()
    qtbot.waitUntil(lambda: _done(compare), timeout=10000)
    assert compare.sessions[1].conversation_id == chosen
    assert compare.sessions[0].conversation_id not in (first.id, chosen)
    bodies = {b["model"]: b for b in _chat_requests(fake_api)[-2:]}
    copied = [m["content"] for m in bodies[MODELS[0]]["messages"]]
    theirs = [m["content"] for m in bodies[MODELS[1]]["messages"]]
    assert copied == theirs  # both continue the chosen column's thread
