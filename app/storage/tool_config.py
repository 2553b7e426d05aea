"""The tools a person set up: MCP servers, built-in tools that are on, calls always allowed.

The list lives in ``tools.json`` in the config folder, written atomically. What may be secret
never goes into that file: the values of a server's environment variables and HTTP headers
(API tokens live there in the configs people copy from other clients) are kept in the keyring,
one entry per server. When no keyring works they are kept for this session only and
``ToolConfigStore.notice`` says so.

Keyring calls can block: load and save off the UI thread.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from app import APP_ID
from app.storage.atomic import set_aside, write_json_atomic
from app.storage.ids import random_id
from app.storage.logging_setup import register_secret
from app.storage.paths import config_dir

log = logging.getLogger(__name__)

STDIO = "stdio"
HTTP = "http"
TRANSPORTS = (STDIO, HTTP)
SECRET_USERNAME_PREFIX = "mcp-server:"


def tools_config_path() -> Path:
    return config_dir() / "tools.json"


@dataclass(frozen=True)
class McpServerConfig:
    """One MCP server as the person set it up.

    Attributes:
        id: a stable id that names the server's keyring entry.
        name: the name shown and used to tell its tools apart.
        transport: ``"stdio"`` (a command run as a child process) or ``"http"`` (streamable HTTP).
        command, args, env, cwd: how to start a stdio server.
        url, headers: where a streamable-HTTP server is and the headers sent with each request.
        enabled: whether its tools are offered to conversations.
    """

    name: str
    transport: str = STDIO
    command: str = ""
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    cwd: str = ""
    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    enabled: bool = True
    id: str = field(default_factory=random_id)

    def problem(self) -> str | None:
        """A sentence saying what is missing, or None when the server can be started."""
        if not self.name.strip():
            return "The server needs a name."
        if self.transport not in TRANSPORTS:
            return f"“{self.transport}” is not a transport this app knows (stdio or http)."
        if self.transport == STDIO and not self.command.strip():
            return f"The server “{self.name}” needs a command to run."
        if self.transport == HTTP and not self.url.startswith(("http://", "https://")):
            return f"The server “{self.name}” needs an http:// or https:// address."
        return None

    def public_dict(self) -> dict[str, Any]:
        """What goes into tools.json: everything but the values of env and headers."""
        return {
            "id": self.id,
            "name": self.name,
            "transport": self.transport,
            "command": self.command,
            "args": list(self.args),
            "env_names": sorted(self.env),
            "cwd": self.cwd,
            "url": self.url,
            "header_names": sorted(self.headers),
            "enabled": self.enabled,
        }

    def secrets(self) -> dict[str, dict[str, str]]:
        return {"env": dict(self.env), "headers": dict(self.headers)}


@dataclass(frozen=True)
class ToolConfig:
    """Everything in tools.json, with the secrets filled back in.

    Attributes:
        servers: the MCP servers in the order the person sees them.
        builtins: built-in tool name → on; a tool not named is off.
        always_allowed: ``"source/tool"`` keys of calls that run without asking.
        fetch_local: the fetch tool may read addresses on this computer and local networks.
    """

    servers: tuple[McpServerConfig, ...] = ()
    builtins: dict[str, bool] = field(default_factory=dict)
    always_allowed: frozenset[str] = frozenset()
    fetch_local: bool = False

    def server(self, server_id: str) -> McpServerConfig | None:
        return next((s for s in self.servers if s.id == server_id), None)

    def with_server(self, server: McpServerConfig) -> ToolConfig:
        """This config with ``server`` replacing the one with its id, or added at the end."""
        servers = list(self.servers)
        for index, existing in enumerate(servers):
            if existing.id == server.id:
                servers[index] = server
                break
        else:
            servers.append(server)
        return replace(self, servers=tuple(servers))

    def without_server(self, server_id: str) -> ToolConfig:
        return replace(self, servers=tuple(s for s in self.servers if s.id != server_id))

    def unique_name(self, wanted: str, *, server_id: str = "") -> str:
        """``wanted``, or ``wanted 2``, ``wanted 3`` … when another server has that name."""
        taken = {s.name.casefold() for s in self.servers if s.id != server_id}
        name, number = wanted.strip() or "server", 2
        candidate = name
        while candidate.casefold() in taken:
            candidate = f"{name} {number}"
            number += 1
        return candidate


def approval_key(source: str, tool: str) -> str:
    """The key under which "always allow" remembers one tool of one source."""
    return f"{source}/{tool}"


def _str_dict(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if v is not None}


def _server_from(data: dict[str, Any], secrets: dict[str, Any]) -> McpServerConfig | None:
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        return None
    env = _str_dict(secrets.get("env"))
    headers = _str_dict(secrets.get("headers"))
    args = data.get("args")
    transport = data.get("transport")
    return McpServerConfig(
        id=str(data.get("id") or random_id()),
        name=data["name"],
        transport=transport if isinstance(transport, str) and transport in TRANSPORTS else STDIO,
        command=str(data.get("command") or ""),
        args=tuple(str(a) for a in args) if isinstance(args, list) else (),
        env={k: env.get(k, "") for k in data.get("env_names", []) if isinstance(k, str)} | env,
        cwd=str(data.get("cwd") or ""),
        url=str(data.get("url") or ""),
        headers={k: headers.get(k, "") for k in data.get("header_names", []) if isinstance(k, str)}
        | headers,
        enabled=bool(data.get("enabled", True)),
    )


class ToolConfigStore:
    """Reads and writes the tool config: the JSON file plus one keyring entry per server."""

    def __init__(self, path: Path | None = None, *, service: str = APP_ID) -> None:
        self._path = path
        self._service = service
        self._session_secrets: dict[str, dict[str, dict[str, str]]] = {}
        self._failure: str | None = None
        self._set_aside_as: Path | None = None

    @property
    def path(self) -> Path:
        return self._path or tools_config_path()

    def _set_aside(self, why: str) -> ToolConfig:
        """An empty config for a file that cannot be used; the file is moved aside first, so
        the next save (a new server, an "always allow") does not overwrite its servers."""
        kept = set_aside(self.path)
        log.warning("The tool config %s could not be used: %s; kept as %s", self.path, why, kept)
        if kept is not None:
            self._set_aside_as = kept
        return ToolConfig()

    def notice(self) -> str | None:
        """A sentence when tools.json could not be used (and was set aside) or server secrets
        could not be put in the keyring, else None."""
        if self._set_aside_as is not None:
            return (
                f"The tool settings file could not be read, so it was kept as "
                f"{self._set_aside_as.name} beside it and the tools start empty."
            )
        if self._failure is None:
            return None
        return (
            f"The system keyring could not be used ({self._failure}), so the environment "
            "values and headers of your MCP servers are kept for this session only."
        )

    def load(self) -> ToolConfig:
        """The saved config; an empty one when there is none or it cannot be read."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return ToolConfig()
        except OSError as exc:
            log.warning("The tool config %s could not be read: %s", self.path, exc)
            return ToolConfig()
        except ValueError as exc:
            return self._set_aside(f"it is not valid JSON ({exc})")
        if not isinstance(data, dict):
            return self._set_aside("it does not hold a JSON object")
        servers = []
        for entry in data.get("servers", []):
            server_id = str(entry.get("id", "")) if isinstance(entry, dict) else ""
            server = _server_from(entry, self._read_secrets(server_id) if server_id else {})
            if server is not None:
                servers.append(server)
        builtins = data.get("builtins")
        allowed = data.get("always_allowed")
        return ToolConfig(
            servers=tuple(servers),
            builtins={str(k): bool(v) for k, v in builtins.items()}
            if isinstance(builtins, dict)
            else {},
            always_allowed=frozenset(str(k) for k in allowed)
            if isinstance(allowed, list)
            else frozenset(),
            fetch_local=data.get("fetch_local") is True,
        )

    def save(self, config: ToolConfig) -> Path:
        """Writes the file and the servers' secrets; removes secrets of servers that are gone."""
        previous = {s.id for s in self.load().servers} if self.path.exists() else set()
        for server in config.servers:
            self._write_secrets(server)
        for gone in previous - {s.id for s in config.servers}:
            self._delete_secrets(gone)
        return write_json_atomic(
            self.path,
            {
                "servers": [s.public_dict() for s in config.servers],
                "builtins": dict(sorted(config.builtins.items())),
                "always_allowed": sorted(config.always_allowed),
                "fetch_local": config.fetch_local,
            },
        )

    # -- keyring ---------------------------------------------------------------------------

    def _username(self, server_id: str) -> str:
        return SECRET_USERNAME_PREFIX + server_id

    def _read_secrets(self, server_id: str) -> dict[str, Any]:
        if server_id in self._session_secrets:
            return self._session_secrets[server_id]
        import keyring.errors  # loaded on use: importing keyring is slow, start-up needs none

        try:
            text = keyring.get_password(self._service, self._username(server_id))
        except keyring.errors.KeyringError as exc:
            self._failure = str(exc) or type(exc).__name__
            return {}
        if not text:
            return {}
        try:
            secrets = json.loads(text)
        except ValueError:
            return {}
        for group in ("env", "headers"):
            for value in _str_dict(secrets.get(group)).values():
                if len(value) >= 8:
                    register_secret(value)
        return secrets if isinstance(secrets, dict) else {}

    def _write_secrets(self, server: McpServerConfig) -> None:
        import keyring.errors

        secrets = server.secrets()
        username = self._username(server.id)
        try:
            if secrets["env"] or secrets["headers"]:
                keyring.set_password(self._service, username, json.dumps(secrets))
            else:
                self._delete_keyring_entry(username)
        except keyring.errors.KeyringError as exc:
            self._failure = str(exc) or type(exc).__name__
            self._session_secrets[server.id] = secrets
            return
        self._session_secrets.pop(server.id, None)

    def _delete_secrets(self, server_id: str) -> None:
        import keyring.errors

        self._session_secrets.pop(server_id, None)
        try:
            self._delete_keyring_entry(self._username(server_id))
        except keyring.errors.KeyringError as exc:
            self._failure = str(exc) or type(exc).__name__

    def _delete_keyring_entry(self, username: str) -> None:
        import keyring.errors

        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(self._service, username)
