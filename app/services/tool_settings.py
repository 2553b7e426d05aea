"""The flows behind Settings → Tools: load and save the tool config, start a server to see it.

The config file and the keyring are read and written on the worker pool; servers run on the
MCP host's thread. Nothing here imports Qt.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from app.errors import UserInputError
from app.services.mcp_import import ImportResult, parse_mcp_servers
from app.services.mcp_status import ServerState, ServerStatus
from app.services.tool_types import (
    DEFAULT_CALL_TIMEOUT,
    ApprovalDecision,
    Approver,
    ToolCall,
    ToolOutcome,
    ToolSpec,
)
from app.storage.tool_config import (
    McpServerConfig,
    ToolConfig,
    ToolConfigStore,
    approval_key,
)

if TYPE_CHECKING:
    from app.services.mcp_servers import McpHost
    from app.services.mcp_toolbox import McpToolBox
    from app.services.runner import Runner


class ToolHost(Protocol):
    """What the tool settings use of the app's services: the worker pool and the MCP host."""

    runner: Runner

    @property
    def mcp_host(self) -> McpHost: ...


class ToolSettings:
    """Keeps the tool config and the servers' processes in step.

    Args:
        services: the app's services (only the worker pool and the MCP host are used).
        store: where the config is kept; the default file and keyring when None.
    """

    def __init__(self, services: ToolHost, store: ToolConfigStore | None = None) -> None:
        self._services = services
        self._runner = services.runner
        self.store = store or ToolConfigStore()
        self.config = ToolConfig()
        self.loaded = False

    @property
    def host(self) -> McpHost:
        """The MCP host (made, with its module, when a server is first needed)."""
        return self._services.mcp_host

    async def load(self) -> ToolConfig:
        self.config = await self._runner.run(self.store.load)
        self.loaded = True
        return self.config

    async def save(self, config: ToolConfig) -> ToolConfig:
        """Writes ``config``; servers that were removed, changed or switched off are stopped."""
        before = {s.id: s for s in self.config.servers}
        await self._runner.run(self.store.save, config)
        after = {s.id: s for s in config.servers}
        for server_id, server in before.items():
            if after.get(server_id) != server:
                await self.host.stop(server_id)
        self.config = config
        self.loaded = True
        return config

    async def check(self, server: str | McpServerConfig) -> ServerStatus:
        """Starts (or restarts) one server (a saved one's id, or settings not yet saved) so
        its state and tools can be shown."""
        config = self.config.server(server) if isinstance(server, str) else server
        if config is None:
            return ServerStatus()
        return await self.host.restart(config)

    def status(self, server_id: str) -> ServerStatus:
        return self.host.status(server_id)

    def restart_note(self, spec: ToolSpec | None) -> str | None:
        """For a tool of a saved server that has failed: a sentence saying that allowing the
        call starts the server again (None when its server is not failed)."""
        if spec is None:
            return None
        server = next((s for s in self.config.servers if s.name == spec.source), None)
        if server is None:
            return None
        status = self.host.status(server.id)
        if status.state is not ServerState.FAILED:
            return None
        said = f" What happened: {status.reason}" if status.reason else ""
        return f"The server “{server.name}” has failed; allowing this call starts it again.{said}"

    # -- what a conversation needs ---------------------------------------------------------

    def always_allowed(self, spec: ToolSpec) -> bool:
        """True when the person chose "Always allow" for this tool of this source."""
        return approval_key(spec.source, spec.title or spec.name) in self.config.always_allowed

    async def allow_always(self, spec: ToolSpec) -> ToolConfig:
        """Remembers "Always allow" for this tool of this source."""
        key = approval_key(spec.source, spec.title or spec.name)
        allowed = self.config.always_allowed | {key}
        return await self.save(replace(self.config, always_allowed=allowed))

    def toolbox_for(
        self, choice: ToolChoice, extra_servers: Iterable[McpServerConfig] = ()
    ) -> McpToolBox:
        """The toolbox of a conversation that made ``choice``."""
        return self.toolbox(
            servers=[s.id for s in choice.servers_used(self.config)],
            extra_servers=extra_servers,
            builtins=choice.builtins_used(self.config),
            hidden_tools=choice.hidden,
        )

    def toolbox(
        self,
        *,
        servers: Iterable[str] | None = None,
        extra_servers: Iterable[McpServerConfig] = (),
        builtins: Iterable[str] | None = None,
        hidden_tools: Iterable[str] = (),
    ) -> McpToolBox:
        """A toolbox over the loaded config; see ``McpToolBox`` for the choices."""
        from app.services.mcp_toolbox import McpToolBox

        return McpToolBox(
            self.host,
            self.config,
            runner=self._runner,
            servers=servers,
            extra_servers=extra_servers,
            builtins=builtins,
            hidden_tools=hidden_tools,
        )


class ToolDraft:
    """Changes to the tool config made in Settings → Tools, kept until ``save`` (OK) or
    ``discard`` (Cancel). ``config`` is the config as it would be saved.

    "Always allow" choices the person makes in a chat meanwhile are kept: a save removes only
    the choices forgotten here.
    """

    def __init__(self, tool_settings: ToolSettings) -> None:
        self._tool_settings = tool_settings
        self.config = tool_settings.config
        self._forgotten: set[str] = set()
        self._forget_all = False

    @property
    def changed(self) -> bool:
        return self.config != self._tool_settings.config

    def put_server(self, server: McpServerConfig) -> None:
        self.config = self.config.with_server(server)

    def remove_server(self, server_id: str) -> None:
        self.config = self.config.without_server(server_id)

    def set_enabled(self, server_id: str, enabled: bool) -> None:
        server = self.config.server(server_id)
        if server is not None and server.enabled != enabled:
            self.config = self.config.with_server(replace(server, enabled=enabled))

    def set_builtin(self, name: str, on: bool) -> None:
        self.config = replace(self.config, builtins={**self.config.builtins, name: on})

    def set_fetch_local(self, on: bool) -> None:
        self.config = replace(self.config, fetch_local=on)

    def forget_allowed(self, keys: set[str] | None = None) -> None:
        """Forgets the "always allow" choices named (all of them when None)."""
        if keys is None:
            self._forget_all = True
            self.config = replace(self.config, always_allowed=frozenset())
        else:
            self._forgotten |= keys
            self.config = replace(self.config, always_allowed=self.config.always_allowed - keys)

    def import_servers(self, text: str) -> ImportResult:
        """Adds the servers of an ``mcpServers`` JSON text; raises ImportProblem for bad text."""
        result = parse_mcp_servers(text, self.config)
        for server in result.servers:
            self.config = self.config.with_server(server)
        return result

    async def save(self) -> ToolConfig:
        """Saves the changes (servers that changed are stopped); returns the saved config."""
        saved = self._tool_settings.config
        allowed = frozenset() if self._forget_all else saved.always_allowed - self._forgotten
        config = replace(self.config, always_allowed=allowed)
        if config != saved:
            await self._tool_settings.save(config)
        self.config = self._tool_settings.config
        self._forgotten, self._forget_all = set(), False
        return self.config

    async def discard(self) -> None:
        """Drops the changes; a server started here with settings that are not saved stops."""
        saved = {s.id: s for s in self._tool_settings.config.servers}
        for server in self.config.servers:
            if saved.get(server.id) != server:
                await self._tool_settings.host.stop(server.id)
        self.config = self._tool_settings.config
        self._forgotten, self._forget_all = set(), False


_LAUNCHERS = ("npx", "uvx", "uv", "python", "node", "deno", "bunx", "pipx", "docker", "py")


def command_line_server(text: str) -> McpServerConfig:
    """A stdio server for this run from one command line, e.g. ``"npx -y server-x /tmp"``.

    Raises:
        UserInputError: the text is empty or has an unclosed quote (the message says which).
    """
    try:
        words = shlex.split(text)
    except ValueError:
        raise UserInputError(f"The server command “{text}” has an unclosed quote.") from None
    if not words:
        raise UserInputError("The server command is empty.")
    launcher = Path(words[0]).name.lower()
    rest = words[1:] if launcher.startswith(_LAUNCHERS) else []
    named = next((w for w in rest if not w.startswith("-") and w != "run"), words[0])
    name = Path(named).stem or Path(words[0]).name
    return McpServerConfig(name=name, command=words[0], args=tuple(words[1:]))


@dataclass(frozen=True)
class ToolChoice:
    """Which tools one conversation uses, kept in its settings under ``TOOL_CHOICE_KEY``.

    Attributes:
        servers: ids of the servers it uses; None: every enabled server.
        builtins: names of the built-in tools it uses; None: those switched on in Settings.
        hidden: ``source/tool`` keys (``approval_key``) of tools it switched off.
        named: names of servers and built-in tools (an assistant's list), to be turned into
            ``servers`` and ``builtins`` by ``resolved`` once the config is known; None: the
            choice is given by ``servers`` and ``builtins``.
    """

    servers: tuple[str, ...] | None = None
    builtins: tuple[str, ...] | None = None
    hidden: tuple[str, ...] = ()
    named: tuple[str, ...] | None = None

    @classmethod
    def by_names(cls, names: Iterable[str]) -> ToolChoice:
        """The choice of an assistant that lists its tools by name."""
        return cls(named=tuple(names))

    def resolved(self, config: ToolConfig) -> tuple[ToolChoice, list[str]]:
        """This choice with ``named`` turned into server ids and built-in tool names, and
        the names that are neither (matched without regard to case: a server's name or id,
        a built-in tool's name or label)."""
        if self.named is None:
            return self, []
        from app.services.builtin_tools import BUILTIN_TOOLS

        builtins = {t.spec.name.lower(): t.spec.name for t in BUILTIN_TOOLS}
        builtins.update({t.label.lower(): t.spec.name for t in BUILTIN_TOOLS})
        servers = {s.name.lower(): s.id for s in config.servers}
        servers.update({s.id.lower(): s.id for s in config.servers})
        chosen_servers: list[str] = []
        chosen_builtins: list[str] = []
        unknown: list[str] = []
        for name in self.named:
            key = name.strip().lower()
            if key in builtins:
                chosen_builtins.append(builtins[key])
            elif key in servers:
                chosen_servers.append(servers[key])
            elif key:
                unknown.append(name.strip())
        choice = ToolChoice(
            tuple(dict.fromkeys(chosen_servers)), tuple(dict.fromkeys(chosen_builtins)), self.hidden
        )
        return choice, unknown

    def to_settings(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.named is not None:
            data["named"] = list(self.named)
        if self.servers is not None:
            data["servers"] = list(self.servers)
        if self.builtins is not None:
            data["builtins"] = list(self.builtins)
        if self.hidden:
            data["hidden"] = list(self.hidden)
        return data

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> ToolChoice:
        data = (settings or {}).get(TOOL_CHOICE_KEY)
        if not isinstance(data, dict):
            return cls()

        def names(key: str) -> tuple[str, ...] | None:
            value = data.get(key)
            return tuple(str(v) for v in value) if isinstance(value, list) else None

        return cls(names("servers"), names("builtins"), names("hidden") or (), names("named"))

    def servers_used(self, config: ToolConfig) -> list[McpServerConfig]:
        if self.named is not None:
            return self.resolved(config)[0].servers_used(config)
        return [
            s
            for s in config.servers
            if s.enabled and (self.servers is None or s.id in self.servers)
        ]

    def builtins_used(self, config: ToolConfig) -> set[str]:
        if self.named is not None:
            return self.resolved(config)[0].builtins_used(config)
        if self.builtins is not None:
            return set(self.builtins)
        return {name for name, on in config.builtins.items() if on}


TOOL_CHOICE_KEY = "tool_sources"


def unknown_tools_sentence(names: Iterable[str]) -> str:
    """Says that an assistant names tools that are neither built in nor a saved server."""
    listed = [f"“{name}”" for name in names]
    if len(listed) == 1:
        return (
            f"The assistant's tool {listed[0]} is neither a built-in tool nor a server in "
            "Settings → Tools, so this conversation goes without it."
        )
    return (
        f"The assistant's tools {', '.join(listed)} are neither built-in tools nor servers in "
        "Settings → Tools, so this conversation goes without them."
    )


class RememberingApprover:
    """An approver that skips the question for tools the person always allows, and remembers
    a new "Always allow" in the tool config so the next conversation (and the next run) does
    not ask either.

    Args:
        ask: the approver that asks the person (the window's dialog, the terminal).
        tool_settings: where "always allow" choices are kept; its config must be loaded.
        remember: False to honour saved choices without adding new ones (``--approve-tools``).
    """

    def __init__(
        self, ask: Approver, tool_settings: ToolSettings, *, remember: bool = True
    ) -> None:
        self._ask = ask
        self._tool_settings = tool_settings
        self._remember = remember

    async def __call__(self, call: ToolCall, spec: ToolSpec | None) -> ApprovalDecision:
        if spec is not None and self._tool_settings.always_allowed(spec):
            return ApprovalDecision.ALWAYS_ALLOW
        decision = await self._ask(call, spec)
        if decision is ApprovalDecision.ALWAYS_ALLOW and spec is not None and self._remember:
            await self._tool_settings.allow_always(spec)
        return decision


class ChosenToolBox:
    """A ``ToolBox`` whose tools follow a choice read afresh at each ``list_tools``: the open
    conversation's, so one chat session serves every conversation. The tool config is loaded
    on first use; a new config (saved in Settings → Tools) is picked up at the next listing.

    Args:
        tool_settings: the saved tools and the MCP host.
        choice: returns the choice in force now.
        extra_servers: servers for this run only (``--mcp``).
        on_problem: called with each sentence about a server that could not be used.
    """

    def __init__(
        self,
        tool_settings: ToolSettings,
        choice: Callable[[], ToolChoice] = ToolChoice,
        *,
        extra_servers: Iterable[McpServerConfig] = (),
        on_problem: Callable[[str], None] | None = None,
    ) -> None:
        self._tool_settings = tool_settings
        self._choice = choice
        self._extra = tuple(extra_servers)
        self._on_problem = on_problem
        self._box: McpToolBox | None = None
        self._built_for: tuple[ToolConfig, ToolChoice] | None = None
        self._told: set[str] = set()

    def _tell(self, problem: str) -> None:
        if problem not in self._told and self._on_problem is not None:
            self._told.add(problem)
            self._on_problem(problem)

    async def _current(self) -> McpToolBox:
        if not self._tool_settings.loaded:
            await self._tool_settings.load()
        config = self._tool_settings.config
        choice, unknown = self._choice().resolved(config)
        if unknown:
            self._tell(unknown_tools_sentence(unknown))
        built = self._built_for
        if self._box is None or built is None or built[0] is not config or built[1] != choice:
            self._box = self._tool_settings.toolbox_for(choice, self._extra)
            self._built_for = (config, choice)
        return self._box

    async def list_tools(self) -> list[ToolSpec]:
        box = await self._current()
        specs = await box.list_tools()
        for problem in box.problems:
            self._tell(problem)
        return specs

    async def call(self, call: ToolCall, *, timeout: float = DEFAULT_CALL_TIMEOUT) -> ToolOutcome:
        box = self._box or await self._current()
        return await box.call(call, timeout=timeout)

    def spec(self, name: str) -> ToolSpec | None:
        return self._box.spec(name) if self._box is not None else None
