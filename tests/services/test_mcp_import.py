"""Reading the mcpServers JSON of Claude Desktop, Cherry Studio and VS Code."""

from __future__ import annotations

import json

import pytest

from app.errors import UserInputError
from app.services.mcp_import import ImportProblem, parse_mcp_servers
from app.services.tool_settings import command_line_server
from app.storage.tool_config import HTTP, STDIO, McpServerConfig, ToolConfig

CLAUDE_DESKTOP = {
    "mcpServers": {
        "filesystem": {
            "command": "npx",
            "args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/me/Desktop"],
        },
        "github": {
            "command": "docker",
            "args": ["run", "-i", "--rm", "ghcr.io/github/github-mcp-server"],
            "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_123"},
        },
        "remote": {"type": "http", "url": "https://mcp.example/mcp", "headers": {"X-Key": "k"}},
    }
}

CHERRY_STUDIO = {
    "mcpServers": {
        "Jd9Kq0": {
            "name": "fetch",
            "type": "stdio",
            "command": "uvx",
            "args": ["mcp-server-fetch"],
            "isActive": False,
        },
        "x1": {"name": "docs", "type": "streamableHttp", "baseUrl": "https://docs.example/mcp"},
        "x2": {"name": "old", "type": "sse", "baseUrl": "https://old.example/sse"},
    }
}


def test_claude_desktop_config() -> None:
    result = parse_mcp_servers(json.dumps(CLAUDE_DESKTOP))
    files, github, remote = result.servers
    assert (files.name, files.transport, files.command) == ("filesystem", STDIO, "npx")
    assert files.args == ("-y", "@modelcontextprotocol/server-filesystem", "/home/me/Desktop")
    assert github.env == {"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_123"}
    assert (remote.transport, remote.url, remote.headers) == (
        HTTP,
        "https://mcp.example/mcp",
        {"X-Key": "k"},
    )
    assert result.skipped == []


def test_cherry_studio_config_with_an_inactive_and_an_sse_server() -> None:
    result = parse_mcp_servers(json.dumps(CHERRY_STUDIO))
    fetch, docs = result.servers
    assert (fetch.name, fetch.enabled, fetch.command, fetch.args) == (
        "fetch",
        False,
        "uvx",
        ("mcp-server-fetch",),
    )
    assert (docs.name, docs.transport, docs.url) == ("docs", HTTP, "https://docs.example/mcp")
    assert result.skipped == [
        "“old” was skipped: it uses the older SSE transport, which this app does not speak."
    ]


def test_names_already_taken_get_a_number() -> None:
    existing = ToolConfig(servers=(McpServerConfig(name="filesystem", command="x"),))
    text = json.dumps({"servers": {"filesystem": {"command": "npx"}}})
    [server] = parse_mcp_servers(text, existing).servers
    assert server.name == "filesystem 2"


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("{oops", "The text is not valid JSON"),
        ("[1, 2]", "The text is not a JSON object of MCP servers."),
        ('{"theme": "dark"}', "No “mcpServers” list was found in the text."),
    ],
)
def test_text_that_is_not_a_config_is_one_sentence(text: str, sentence: str) -> None:
    with pytest.raises(ImportProblem, match=sentence[:20]):
        parse_mcp_servers(text)


@pytest.mark.parametrize(
    ("line", "name", "command", "args"),
    [
        (
            "npx -y @modelcontextprotocol/server-filesystem /tmp",
            "server-filesystem",
            "npx",
            ("-y", "@modelcontextprotocol/server-filesystem", "/tmp"),
        ),
        (
            "python3 'my tools/server.py' --prefix x",
            "server",
            "python3",
            ("my tools/server.py", "--prefix", "x"),
        ),
        (
            "/opt/bin/mcp-notes --db notes.db",
            "mcp-notes",
            "/opt/bin/mcp-notes",
            ("--db", "notes.db"),
        ),
    ],
)
def test_a_command_line_becomes_a_server_for_this_run(
    line: str, name: str, command: str, args: tuple[str, ...]
) -> None:
    server = command_line_server(line)
    assert (server.name, server.command, server.args) == (name, command, args)


def test_a_broken_command_line_is_one_sentence() -> None:
    with pytest.raises(
        UserInputError, match=r"The server command “python 'x” has an unclosed quote\."
    ):
        command_line_server("python 'x")
