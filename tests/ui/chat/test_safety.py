"""Markdown from a model is inert, and a killed writer never corrupts the history."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtGui import QTextDocument

from app.storage.chat_store import ChatStore
from app.storage.history import HistoryDatabase
from tests.ui.chat.conftest import type_and_send, wait_reply

REPO = Path(__file__).resolve().parents[3]


def _anchors(doc: QTextDocument) -> list[str]:
    found = []
    block = doc.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fmt = iterator.fragment().charFormat()
            if fmt.isAnchor():
                found.append(fmt.anchorHref())
            iterator += 1
        block = block.next()
    return found


def test_hostile_markdown_renders_inert_and_fetches_nothing(qtbot, chat_tab, fake_api):
    base = fake_api.url
    fake_api.options.chat_reply = (
        f"<script>fetch('{base}/files/steal')</script>\n\n"
        f'<img src="{base}/files/pixel.png">\n\n'
        f"![tracker]({base}/files/tracker.png)\n\n"
        "[click me](javascript:alert(1)) and <a href='javascript:alert(2)'>this</a>\n\n"
        f"[a page]({base}/files/page)"
    )
    type_and_send(qtbot, chat_tab, "be hostile")
    wait_reply(qtbot, chat_tab, 2)
    chat_tab.transcript.viewport().repaint()
    qtbot.wait(300)

    layout = chat_tab.delegate.layout_for(chat_tab.transcript_model.index(1))
    docs = [p.doc for p in layout.pieces if p.kind == "body"]
    html = "".join(doc.toHtml() for doc in docs)
    text = "".join(doc.toPlainText() for doc in docs)
    assert "<img" not in html and not any("javascript:" in a for d in docs for a in _anchors(d))
    assert "<script>fetch(" in text and "<img src=" in text
    assert "[image: tracker]" in text
    assert sorted({a for d in docs for a in _anchors(d)}) == sorted(
        {f"{base}/files/tracker.png", f"{base}/files/page"}
    )
    paths = {r.path for r in fake_api.requests}
    assert not any(path.startswith("/files") for path in paths), paths


def _run_writer(db_path: Path, base_url: str, kill_after: float) -> str:
    env = dict(os.environ, AIML_API_KEY="test-key", PYTHONPATH=str(REPO))
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.chat.crash_writer", str(db_path), base_url],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()  # start-up takes what it takes on a busy machine
    assert first.strip() == "ready", first + (process.stderr.read() if process.stderr else "")
    time.sleep(kill_after)
    process.send_signal(signal.SIGKILL)
    out, _err = process.communicate(timeout=10)
    return first + out


def test_a_writer_killed_mid_stream_leaves_a_sound_database(fake_api, tmp_path):
    reply = " ".join(f"token{i}" for i in range(150))
    fake_api.options.chat_reply = reply
    fake_api.options.stream_delay = 0.002
    db_path = tmp_path / "history.sqlite3"
    rng = random.Random(4)
    for kill_after in (rng.uniform(0.9, 1.6), rng.uniform(0.9, 1.6), rng.uniform(0.9, 1.6)):
        _run_writer(db_path, fake_api.url, kill_after)
        with sqlite3.connect(db_path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    db = HistoryDatabase(db_path)
    store = ChatStore(db)
    conversations = store.conversations()
    assert len(conversations) == 3
    for conversation in conversations:
        stored = store.messages(conversation.id)
        users = [m for m in stored if m.role == "user"]
        replies = [m for m in stored if m.role == "assistant"]
        assert users, "the first user message is committed at once"
        assert [m.role for m in stored[::2]] == ["user"] * len(users)
        assert len(users) - 1 <= len(replies) <= len(users)
        for message in replies[:-1]:
            assert (message.status, message.content) == ("complete", reply)
        if replies:
            assert replies[-1].status in ("complete", "streaming")
            assert reply.startswith(replies[-1].content)
    interrupted = store.mark_interrupted()
    assert interrupted <= 3
    assert store.search("token149")
    db.close()
