"""``assistants list|export|import`` and ``chat --assistant``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from app.services.starter_assistants import STARTERS
from tests.cli.conftest import CliResult
from tests.fake_api import FakeApi

Cli = Callable[..., CliResult]


def test_list_shows_the_starters(cli: Cli) -> None:
    result = cli("assistants", "list")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert len(lines) == len(STARTERS) >= 8
    assert lines[0].startswith("🌐 Translator\tdefault model\t")
    names = {a["name"] for a in json.loads(cli("assistants", "list", "--json").out)}
    assert {"Translator", "Code reviewer", "Summariser", "Proof-reader"} <= names


def test_chat_with_an_assistant_sends_its_prompt_and_parameters(gateway: FakeApi, cli: Cli) -> None:
    result = cli("chat", "Bonjour tout le monde", "--assistant", "translator")
    assert result.code == 0, result.err
    sent = gateway.requests[-1].json
    assert sent["messages"][0]["role"] == "system"
    assert sent["messages"][0]["content"].startswith("You are a professional translator.")
    assert sent["messages"][1] == {"role": "user", "content": "Bonjour tout le monde"}
    assert sent["temperature"] == 0.2
    override = cli("chat", "Hi", "--assistant", "Translator", "--temperature", "0.9")
    assert override.code == 0 and gateway.requests[-1].json["temperature"] == 0.9


def test_an_unknown_assistant_is_one_sentence_naming_the_others(gateway: FakeApi, cli: Cli) -> None:
    sentence = cli("chat", "Hi", "--assistant", "Nobody").assert_one_error(code=2)
    assert sentence.startswith("There is no assistant called 'Nobody'. Assistants: Translator,")
    assert not gateway.requests_to("/v1/chat/completions")


def test_export_one_file_or_many_and_import_them_back(cli: Cli, tmp_path: Path) -> None:
    bundle = tmp_path / "mine.json"
    result = cli(
        "assistants", "export", str(bundle), "--name", "Translator", "--name", "SQL helper"
    )
    assert result.code == 0, result.err
    document = json.loads(bundle.read_text())
    assert document["format"] == "aiml-desktop-assistants"
    assert [a["name"] for a in document["assistants"]] == ["Translator", "SQL helper"]
    folder = tmp_path / "each"
    each = cli("assistants", "export", str(folder), "--each")
    assert len(each.out.splitlines()) == len(STARTERS)
    assert (folder / "code-reviewer.json").exists()

    imported = cli("assistants", "import", str(bundle), str(folder / "summariser.json"))
    assert imported.code == 0, imported.err
    assert imported.out.splitlines() == [
        "imported 🌐 Translator (2)",
        "imported 🗄️ SQL helper (2)",
        "imported 📝 Summariser (2)",
    ]
    assert len(cli("assistants", "list").out.splitlines()) == len(STARTERS) + 3


def test_importing_a_broken_file_adds_nothing(cli: Cli, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"assistants": [{"name": "ok"}, {"icon": "no name"}]}')
    sentence = cli("assistants", "import", str(broken)).assert_one_error(code=1)
    assert "has no name" in sentence
    assert len(cli("assistants", "list").out.splitlines()) == len(STARTERS)
