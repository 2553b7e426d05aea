"""Killed with SIGKILL at a random moment, the app loses nothing it had finished.

A child process (``tests/reliability/crash_child.py``, the real main window in
``crash_window.py``, or the real ``python -m app chat``) writes to real user folders: chat
replies streaming through the chat session and through the Chat tab, tool rounds,
images being kept, a knowledge base indexing, the transcription queue, and the settings, the
MCP server list and the assistant library being saved. The kill comes at a random moment
after the child says it is ready. After every round:

- ``PRAGMA integrity_check`` is ``ok`` for the history and the knowledge base;
- every piece the child reported as stored is there, whole;
- every file the app writes parses (never a truncated file);
- the next round's child opens the same folders and carries on.

``bench/crash_soak.py`` runs the same rounds 200 times.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.storage.assistants import AssistantLibrary
from app.storage.chat_store import ChatStore, Message
from app.storage.history import HistoryDatabase
from app.storage.image_store import ImageStore
from app.storage.knowledge_store import KnowledgeStore
from app.storage.paths import config_dir, data_dir, history_db_path
from app.storage.settings import load_settings
from app.storage.tool_config import ToolConfigStore
from app.storage.transcription_store import TranscriptionStore
from tests.fake_api import FakeApi

REPO = Path(__file__).resolve().parents[2]
KEY = "sk-crash-rounds-5f4e3d2c1b0a"
ROUNDS = 3  # per scenario (the window: 2), 23 in CI; bench/crash_soak.py sets more
SEED = "22"
# (scenario, the longest wait after "ready" before the kill, in seconds)
SCENARIOS = {
    "chat": 0.8,
    "tools": 0.8,
    "images": 0.6,
    "kb": 0.6,
    "stt": 0.8,
    "files": 0.3,
}


@dataclass
class Round:
    lines: list[str] = field(default_factory=list)
    stderr: str = ""

    def done(self, kind: str) -> list[list[str]]:
        return [line.split()[2:] for line in self.lines if line.startswith(f"done {kind} ")]


def child_env() -> dict[str, str]:
    env = dict(os.environ, AIML_API_KEY=KEY, PYTHONPATH=str(REPO))
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    return env


def _read_lines(stream: object, into: list[str], ready: threading.Event) -> None:
    for line in stream:  # type: ignore[attr-defined]
        if not line.endswith("\n"):
            break  # cut by the kill: not a finished report
        into.append(line.rstrip("\n"))
        if line == "ready\n":
            ready.set()
    ready.set()


def kill_at_random(argv: list[str], longest: float, rng: random.Random) -> Round:
    """Run ``argv``; SIGKILL it at a random moment within ``longest`` s of its "ready"."""
    process = subprocess.Popen(
        argv,
        cwd=REPO,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    result = Round()
    ready = threading.Event()
    reader = threading.Thread(
        target=_read_lines, args=(process.stdout, result.lines, ready), daemon=True
    )
    reader.start()
    if not ready.wait(60) or "ready" not in result.lines:
        process.kill()
        _out, err = process.communicate(timeout=10)
        raise AssertionError(f"the child did not start: {result.lines} {err}")
    time.sleep(rng.uniform(0.0, longest))
    assert process.poll() is None, process.communicate()[1]  # still working when killed
    process.send_signal(signal.SIGKILL)
    _out, result.stderr = process.communicate(timeout=10)
    reader.join(5)
    assert process.returncode == -signal.SIGKILL
    return result


def child(scenario: str, base_url: str, extra: Path | None = None) -> list[str]:
    argv = [sys.executable, "-m", "tests.reliability.crash_child", scenario, base_url]
    return argv + ([str(extra)] if extra is not None else [])


def assert_sound(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def no_truncated_files(folder: Path) -> None:
    """Every JSON file the app wrote parses; nothing half-written is left under a real name."""
    for path in folder.rglob("*.json"):
        if not path.name.startswith("."):
            json.loads(path.read_text(encoding="utf-8"))


def assert_whole_picture(path: Path) -> None:
    data = path.read_bytes()
    if path.suffix == ".png":
        assert data.startswith(b"\x89PNG") and data.endswith(b"IEND\xaeB`\x82"), path
    else:
        assert data.startswith(b"\xff\xd8") and data.endswith(b"\xff\xd9"), path


@pytest.fixture
def gateway(fake_api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeApi]:
    fake_api.options.require_key = KEY
    monkeypatch.setenv("AIML_API_KEY", KEY)
    yield fake_api


def _finished_replies_are_whole(store: ChatStore, finished: dict[int, int]) -> list[Message]:
    """Each reply a writer reported finished (id: length) is stored complete and whole."""
    messages = [store.message(message_id) for message_id in finished]
    for message, length in zip(messages, finished.values(), strict=True):
        assert (message.status, len(message.content)) == ("complete", length)
    return messages


@pytest.mark.parametrize("scenario", ["chat", "tools"])
def test_chat_and_tool_rounds_survive_a_kill(gateway: FakeApi, scenario: str) -> None:
    gateway.options.chat_reply = " ".join(f"token{i}" for i in range(60))
    gateway.options.stream_delay = 0.003
    if scenario == "tools":
        gateway.options.tool_calls = [{"name": "get_weather", "arguments": {"city": "Paris"}}]
    rng = random.Random(f"{SEED}-{scenario}")
    finished: dict[int, int] = {}
    for _ in range(ROUNDS):
        result = kill_at_random(child(scenario, gateway.url), SCENARIOS[scenario], rng)
        finished |= {int(i): int(n) for i, n in result.done("message")}
        assert_sound(history_db_path())
        db = HistoryDatabase(history_db_path())
        store = ChatStore(db)
        for message in _finished_replies_are_whole(store, finished):
            if scenario == "tools":  # the turn before the answer holds the finished call
                thread = store.messages(message.conversation_id)
                caller = thread[[m.id for m in thread].index(message.id) - 1]
                [call] = caller.meta["tool_calls"]
                assert (call["name"], call["result"]) == ("get_weather", "18 °C, sunny")
        db.close()
    assert finished, "no reply finished in any round: the kills came too early to test much"
    db = HistoryDatabase(history_db_path())
    store = ChatStore(db)
    assert len(store.conversations()) == ROUNDS
    store.mark_interrupted()  # as the Chat tab does when it opens
    for conversation in store.conversations():
        stored = store.messages(conversation.id)
        assert stored[0].role == "user"
        assert {m.status for m in stored} <= {"complete", "stopped"}
        for message in stored:  # a call is stored with its result, or not at all
            assert all(call["result"] for call in message.meta.get("tool_calls", []))
    db.close()


def test_the_window_killed_mid_reply_keeps_the_history(gateway: FakeApi) -> None:
    """The real main window (offscreen), its Chat tab sending one question after another."""
    from tests.ui.conftest import use_server

    use_server(gateway.url)
    gateway.options.chat_reply = " ".join(f"token{i}" for i in range(60))
    gateway.options.stream_delay = 0.003
    rng = random.Random(f"{SEED}-window")
    argv = [sys.executable, "-m", "tests.reliability.crash_window"]
    finished: dict[int, int] = {}
    for _ in range(max(ROUNDS - 1, 1)):  # a window starts slowly: one round fewer
        result = kill_at_random(argv, SCENARIOS["chat"], rng)
        finished |= {int(i): int(n) for i, n in result.done("message")}
        assert_sound(history_db_path())
    db = HistoryDatabase(history_db_path())
    store = ChatStore(db)
    _finished_replies_are_whole(store, finished)
    store.mark_interrupted()  # what the next window does when it opens
    for conversation in store.conversations():
        assert {m.status for m in store.messages(conversation.id)} <= {"complete", "stopped"}
    db.close()


def test_the_cli_chat_killed_mid_stream_keeps_the_history(gateway: FakeApi) -> None:
    """The command line writes history too: a finished exchange survives the next run's kill."""
    reply = " ".join(f"word{i}" for i in range(200))
    gateway.options.chat_reply = reply
    rng = random.Random(f"{SEED}-cli")
    cli = [sys.executable, "-m", "app", "--base-url", gateway.url]
    first = subprocess.run(
        [*cli, "chat", "first question", "--new-title", "kept"],
        cwd=REPO,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert first.returncode == 0, first.stderr
    [kept] = json.loads(
        subprocess.run(
            [*cli, "conversations", "--json"],
            cwd=REPO,
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
    )
    gateway.options.stream_delay = 0.004
    for _ in range(ROUNDS):
        # the reply's first words on stdout are the "ready" line here
        argv = [*cli, "chat", "--conversation", str(kept["id"]), "another question"]
        process = subprocess.Popen(
            argv, cwd=REPO, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert process.stdout is not None
        assert process.stdout.read(5) == b"word0"[:5]
        time.sleep(rng.uniform(0.0, 0.6))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=10)
        assert_sound(history_db_path())
    db = HistoryDatabase(history_db_path())
    store = ChatStore(db)
    stored = store.messages(kept["id"])
    assert [(m.role, m.status) for m in stored[:2]] == [
        ("user", "complete"),
        ("assistant", "complete"),
    ]
    assert stored[1].content == reply
    assert [m.role for m in stored[2:]].count("user") == ROUNDS
    for message in stored[2:]:
        if message.role == "assistant":
            assert reply.startswith(message.content)
    db.close()
    after = subprocess.run(
        [*cli, "chat", "--conversation", str(kept["id"]), "still there?", "--no-stream"],
        cwd=REPO,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (after.returncode, after.stdout) == (0, reply + "\n"), after.stderr


def test_images_being_kept_survive_a_kill(gateway: FakeApi) -> None:
    rng = random.Random(f"{SEED}-images")
    finished: dict[int, str] = {}
    for _ in range(ROUNDS):
        result = kill_at_random(child("images", gateway.url), SCENARIOS["images"], rng)
        finished |= {int(i): path for i, path in result.done("image")}
        assert_sound(history_db_path())
    assert finished
    db = HistoryDatabase(history_db_path())
    store = ImageStore(db)
    for image_id, path in finished.items():
        record = store.get(image_id)
        assert record is not None and record.path == path
        assert_whole_picture(Path(path))
    for picture in Path(data_dir(), "images").rglob("*"):
        if picture.suffix in (".png", ".jpg") and not picture.name.startswith("."):
            assert_whole_picture(picture)
    no_truncated_files(data_dir())
    db.close()


def test_a_knowledge_base_indexing_survives_a_kill(gateway: FakeApi, tmp_path: Path) -> None:
    rng = random.Random(f"{SEED}-kb")
    finished: dict[str, int] = {}
    for _ in range(ROUNDS):
        result = kill_at_random(child("kb", gateway.url, tmp_path), SCENARIOS["kb"], rng)
        finished |= {name: int(chunks) for name, chunks in result.done("document")}
        assert_sound(data_dir() / "knowledge.sqlite3")
    assert finished
    store = KnowledgeStore()
    base = store.get("crash")
    documents = {d.name: d for d in store.documents(base)}
    for name in finished:
        assert name in documents
    assert store.search(base, "crash round keeps")
    store.close()


def test_the_transcription_queue_survives_a_kill(gateway: FakeApi, speech_wav: Path) -> None:
    gateway.options.stt_statuses = ["queued"]
    rng = random.Random(f"{SEED}-stt")
    finished: set[int] = set()
    for _ in range(ROUNDS):
        result = kill_at_random(child("stt", gateway.url, speech_wav), SCENARIOS["stt"], rng)
        finished |= {int(i) for [i] in result.done("transcription")}
        assert_sound(history_db_path())
    assert finished
    db = HistoryDatabase(history_db_path())
    store = TranscriptionStore(db)
    records = {r.id: r for r in store.all()}
    for row_id in finished:
        assert records[row_id].status == "done"
        assert "quick brown fox" in (records[row_id].text or "")
    store.mark_interrupted()
    assert all(r.finished for r in store.all())
    db.close()


def test_settings_tools_and_assistants_files_are_never_truncated(gateway: FakeApi) -> None:
    rng = random.Random(f"{SEED}-files")
    for _ in range(ROUNDS):
        result = kill_at_random(child("files", gateway.url), SCENARIOS["files"], rng)
        no_truncated_files(config_dir())
        no_truncated_files(data_dir())
        settings_done = [int(n) for [n] in result.done("settings")]
        if settings_done:
            assert load_settings().read_timeout >= settings_done[-1]
        tools_done = result.done("tools")
        if tools_done:
            assert len(ToolConfigStore().load().servers) in {
                int(tools_done[-1][1]),
                1 + (int(tools_done[-1][0]) + 1) % 20,
            }
        assistants_done = [int(n) for [n] in result.done("assistant")]
        if assistants_done:
            names = {a.name for a in AssistantLibrary().all()}
            assert f"Helper {assistants_done[-1]}" in names
    assert result.lines[-1].startswith("done"), result.lines
