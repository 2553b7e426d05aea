"""A conversation the command line saved opens in the window, and continues there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.ui.chat.tab import ChatTab
from tests.ui.chat.conftest import chat_bodies, messages, type_and_send, wait_reply
from tests.ui.conftest import use_server

REPO_ROOT = Path(__file__).resolve().parents[3]


def run_cli(*argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    return subprocess.run(
        [sys.executable, "-m", "app", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )


def test_a_cli_conversation_opens_in_the_window(qtbot, open_window, fake_api, monkeypatch):
    monkeypatch.setenv("AIML_API_KEY", "test-key")
    use_server(fake_api.url)
    fake_api.options.chat_reply = "Paris is the capital of France."
    done = run_cli(
        "--base-url", fake_api.url, "chat", "Capital of France?", "--new-title", "Geography"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Paris is the capital of France.\n"

    window = open_window()
    tab = window.findChild(ChatTab, "chatTab")
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: len(messages(tab)) == 2, timeout=5000)
    titles = [tab.sidebar.list.item(i).text() for i in range(tab.sidebar.list.count())]
    assert titles == ["Geography"]
    assert [(m.role, m.content) for m in messages(tab)] == [
        ("user", "Capital of France?"),
        ("assistant", "Paris is the capital of France."),
    ]

    fake_api.options.chat_reply = "About two million people."
    type_and_send(qtbot, tab, "How many live there?")
    wait_reply(qtbot, tab, 4)
    sent = [m["content"] for m in chat_bodies(fake_api)[-1]["messages"]]
    assert sent == [
        "Capital of France?",
        "Paris is the capital of France.",
        "How many live there?",
    ]


def test_a_cli_chat_with_an_attached_pdf_opens_in_the_window_with_it(
    qtbot, open_window, fake_api, monkeypatch, tmp_path
):
    from tests.documents_factory import write_pdf

    monkeypatch.setenv("AIML_API_KEY", "test-key")
    use_server(fake_api.url)
    pdf = write_pdf(tmp_path / "report.pdf", ["Intro.", "Harvest: 40 tonnes."])
    fake_api.options.chat_reply = "It was 40 tonnes [2]."
    done = run_cli(
        "--base-url", fake_api.url, "chat", "How big was the harvest?", "--attach", str(pdf)
    )
    assert done.returncode == 0, done.stderr
    pdf.unlink()

    window = open_window()
    tab = window.findChild(ChatTab, "chatTab")
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: len(messages(tab)) == 2, timeout=5000)
    question = tab.delegate.layout_for(tab.transcript_model.index(0))
    [line] = [p.text for p in question.pieces if p.kind == "document"]
    assert line.startswith("▤ report.pdf · 2 pages · ") and line.endswith(" tokens")
    answer = messages(tab)[1]
    assert answer.meta["sources"][1]["label"] == "report.pdf, page 2"

    fake_api.options.chat_reply = "About 40,000 kg."
    type_and_send(qtbot, tab, "In kilograms?")
    wait_reply(qtbot, tab, 4)
    sent = chat_bodies(fake_api)[-1]["messages"]
    assert "[page 2]\nHarvest: 40 tonnes." in sent[0]["content"]  # the stored copy went again
