"""The tool config file: servers, built-ins, always-allowed calls; secrets in the keyring."""

from __future__ import annotations

import json

from app.storage.tool_config import (
    HTTP,
    McpServerConfig,
    ToolConfig,
    ToolConfigStore,
    approval_key,
    tools_config_path,
)
from tests.conftest import MemoryKeyring


def test_env_values_and_headers_go_to_the_keyring_not_the_file(
    memory_keyring: MemoryKeyring,
) -> None:
    server = McpServerConfig(
        name="github", command="npx", args=("-y", "server-github"), env={"GITHUB_TOKEN": "ghp_x1"}
    )
    remote = McpServerConfig(
        name="remote",
        transport=HTTP,
        url="https://mcp.example/mcp",
        headers={"Authorization": "Bearer s3cret-token"},
    )
    store = ToolConfigStore()
    config = ToolConfig(
        servers=(server, remote),
        builtins={"current_date_time": True},
        always_allowed=frozenset({approval_key("github", "search")}),
    )
    store.save(config)

    text = tools_config_path().read_text(encoding="utf-8")
    assert "ghp_x1" not in text and "s3cret-token" not in text
    saved = json.loads(text)
    assert saved["servers"][0]["env_names"] == ["GITHUB_TOKEN"]
    assert saved["servers"][1]["header_names"] == ["Authorization"]
    assert any("ghp_x1" in value for value in memory_keyring.passwords.values())

    assert ToolConfigStore().load() == config


def test_removing_a_server_removes_its_secrets(memory_keyring: MemoryKeyring) -> None:
    server = McpServerConfig(name="one", command="run-me", env={"KEY": "value-1234"})
    store = ToolConfigStore()
    store.save(ToolConfig(servers=(server,)))
    assert memory_keyring.passwords
    store.save(ToolConfig().with_server(server).without_server(server.id))
    assert memory_keyring.passwords == {}
    assert ToolConfigStore().load().servers == ()


def test_an_unreadable_file_gives_an_empty_config() -> None:
    tools_config_path().write_text("{not json", encoding="utf-8")
    assert ToolConfigStore().load() == ToolConfig()


def test_names_are_kept_unique_and_problems_are_sentences() -> None:
    config = ToolConfig(servers=(McpServerConfig(name="files", command="x"),))
    assert config.unique_name("files") == "files 2"
    assert config.unique_name("Files") == "Files 2"
    assert config.unique_name("web") == "web"
    assert McpServerConfig(name="a").problem() == "The server “a” needs a command to run."
    assert (
        McpServerConfig(name="b", transport=HTTP, url="ftp://x").problem()
        == "The server “b” needs an http:// or https:// address."
    )
