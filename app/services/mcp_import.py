"""Reading the ``mcpServers`` JSON that Claude Desktop, Cherry Studio and others use.

Claude Desktop: ``{"mcpServers": {"name": {"command": …, "args": […], "env": {…}}}}``, and for
remote servers ``{"url": …, "headers": {…}}`` with an optional ``"type"``. Cherry Studio adds
``"name"``, ``"type": "stdio" | "streamableHttp" | "sse"``, ``"baseUrl"`` and ``"isActive"``.
VS Code calls the mapping ``"servers"``. A bare mapping of names to servers is read too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from app.storage.tool_config import HTTP, STDIO, McpServerConfig, ToolConfig

_HTTP_TYPES = {"http", "streamablehttp", "streamable-http", "streamable_http"}
_STDIO_TYPES = {"stdio", ""}


class ImportProblem(ValueError):
    """The text is not a server config this app can read; the message says why."""


@dataclass
class ImportResult:
    servers: list[McpServerConfig] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _entries(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ImportProblem("The text is not a JSON object of MCP servers.")
    for key in ("mcpServers", "servers"):
        servers = data.get(key)
        if isinstance(servers, dict):
            return servers
    looks_like_servers = all(
        isinstance(v, dict) and ("command" in v or "url" in v or "baseUrl" in v)
        for v in data.values()
    )
    if data and looks_like_servers:
        return data
    raise ImportProblem("No “mcpServers” list was found in the text.")


def _strings(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _server(key: str, entry: dict[str, Any]) -> McpServerConfig | str:
    name = str(entry.get("name") or key).strip() or key
    kind = str(entry.get("type") or entry.get("transport") or "").replace(" ", "").lower()
    url = str(entry.get("url") or entry.get("baseUrl") or entry.get("serverUrl") or "")
    enabled = entry.get("isActive", not entry.get("disabled", False)) is not False
    if kind == "sse":
        return (
            f"“{name}” was skipped: it uses the older SSE transport, which this app does not speak."
        )
    if kind in _HTTP_TYPES or (kind == "" and url and not entry.get("command")):
        if not url.startswith(("http://", "https://")):
            return f"“{name}” was skipped: it has no http:// or https:// address."
        return McpServerConfig(
            name=name,
            transport=HTTP,
            url=url,
            headers=_strings(entry.get("headers")),
            enabled=enabled,
        )
    if kind not in _STDIO_TYPES:
        return f"“{name}” was skipped: its type “{entry.get('type')}” is not one this app knows."
    command = entry.get("command")
    if not isinstance(command, str) or not command.strip():
        return f"“{name}” was skipped: it has no command."
    args = entry.get("args", [])
    return McpServerConfig(
        name=name,
        transport=STDIO,
        command=command,
        args=tuple(str(a) for a in args) if isinstance(args, list) else (),
        env=_strings(entry.get("env")),
        cwd=str(entry.get("cwd") or ""),
        enabled=enabled,
    )


def parse_mcp_servers(text: str, existing: ToolConfig | None = None) -> ImportResult:
    """The servers in ``text``, renamed where a server of ``existing`` has the name.

    Raises:
        ImportProblem: the text is not JSON or holds no server mapping.
    """
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ImportProblem(f"The text is not valid JSON ({exc.args[0]}).") from None
    result = ImportResult()
    config = existing or ToolConfig()
    for key, entry in _entries(data).items():
        if not isinstance(entry, dict):
            result.skipped.append(f"“{key}” was skipped: it is not a server description.")
            continue
        server = _server(str(key), entry)
        if isinstance(server, str):
            result.skipped.append(server)
            continue
        server = replace(server, name=config.unique_name(server.name))
        config = config.with_server(server)
        result.servers.append(server)
    return result
