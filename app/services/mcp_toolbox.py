"""The toolbox of one conversation: the built-in tools that are on and the enabled MCP servers.

Names sent to the model are unique: a tool keeps its own name unless another source has one
like it, then it is prefixed with its server's name (``server__tool``). Servers start on the
first ``list_tools`` or ``call``, on the ``McpHost`` thread. ``call`` never raises for a tool's
failure: a crash, a timeout, an unknown name or a huge result becomes a ``ToolOutcome`` with a
sentence the model and the person can read.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from app.services.builtin_tools import BUILTIN_TOOLS, BuiltinTool, BuiltinToolError
from app.services.mcp_servers import McpHost
from app.services.mcp_status import McpTool, ServerFailed
from app.services.runner import Runner
from app.services.tool_types import (
    DEFAULT_CALL_TIMEOUT,
    DEFAULT_RESULT_LIMIT,
    MAX_NAME,
    ToolCall,
    ToolOutcome,
    ToolSpec,
    tool_name,
    truncate_result,
)
from app.storage.tool_config import McpServerConfig, ToolConfig, approval_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Route:
    spec: ToolSpec
    builtin: BuiltinTool | None = None
    server: McpServerConfig | None = None
    tool: str = ""


def _with_stderr(sentence: str, tail: Iterable[str]) -> str:
    lines = list(tail)
    if not lines:
        return sentence
    return sentence + " Its last lines on stderr:\n" + "\n".join(lines)


class McpToolBox:
    """Implements ``ToolBox`` over built-in tools and MCP servers.

    Args:
        host: where the servers run.
        config: the person's tool config: servers, built-ins that are on.
        runner: the worker pool the built-in tools use for blocking work.
        servers: ids of the servers this conversation uses; every enabled one when None.
        extra_servers: servers for this run only (the command line's ``--mcp``), always on.
        builtins: names of the built-in tools this conversation uses; the config's when None.
        hidden_tools: tools this conversation switched off: names as sent to the model, or
            ``source/tool`` keys (``approval_key``).
        result_limit: results longer than this are cut.
    """

    def __init__(
        self,
        host: McpHost,
        config: ToolConfig,
        *,
        runner: Runner,
        servers: Iterable[str] | None = None,
        extra_servers: Iterable[McpServerConfig] = (),
        builtins: Iterable[str] | None = None,
        hidden_tools: Iterable[str] = (),
        result_limit: int = DEFAULT_RESULT_LIMIT,
    ) -> None:
        self._host = host
        self._runner = runner
        self._config = config
        chosen = set(servers) if servers is not None else None
        self._servers = [
            s for s in config.servers if s.enabled and (chosen is None or s.id in chosen)
        ] + list(extra_servers)
        wanted = (
            set(builtins)
            if builtins is not None
            else {n for n, on in config.builtins.items() if on}
        )
        self._builtins = [tool for tool in BUILTIN_TOOLS if tool.spec.name in wanted]
        self._hidden = set(hidden_tools)
        self._result_limit = result_limit
        self._routes: dict[str, _Route] = {}
        self._listed = False
        self.problems: list[str] = []

    @property
    def servers(self) -> list[McpServerConfig]:
        return list(self._servers)

    async def list_tools(self) -> list[ToolSpec]:
        """Every tool that is on; starts the servers that are needed (in parallel)."""
        results = await asyncio.gather(
            *(self._host.tools(server) for server in self._servers), return_exceptions=True
        )
        problems: list[str] = []
        listed: list[tuple[McpServerConfig, tuple[McpTool, ...]]] = []
        for server, result in zip(self._servers, results, strict=True):
            if isinstance(result, ServerFailed):
                problems.append(_with_stderr(str(result), result.stderr_tail))
            elif isinstance(result, BaseException):
                if isinstance(result, asyncio.CancelledError):
                    raise result
                problems.append(f"The server “{server.name}” could not list its tools ({result}).")
            else:
                listed.append((server, result))
        self.problems = problems
        self._routes = self._name_routes(listed)
        self._listed = True
        return [route.spec for route in self._routes.values() if not self._is_hidden(route)]

    def _name_routes(
        self, listed: list[tuple[McpServerConfig, tuple[McpTool, ...]]]
    ) -> dict[str, _Route]:
        routes: dict[str, _Route] = {
            tool.spec.name: _Route(tool.spec, builtin=tool) for tool in self._builtins
        }
        counts: dict[str, int] = {}
        for _server, tools in listed:
            for tool in tools:
                counts[tool_name(tool.name)] = counts.get(tool_name(tool.name), 0) + 1
        for server, tools in listed:
            for tool in tools:
                plain = tool_name(tool.name)
                name = plain
                if counts[plain] > 1 or plain in routes:
                    name = tool_name(f"{tool_name(server.name)}__{plain}")
                base, number = name, 2
                while name in routes:
                    name = f"{base[: MAX_NAME - 4]}_{number}"
                    number += 1
                spec = ToolSpec(
                    name=name,
                    description=tool.description,
                    parameters=tool.parameters,
                    source=server.name,
                    title=tool.name,
                )
                routes[name] = _Route(spec, server=server, tool=tool.name)
        return routes

    def _is_hidden(self, route: _Route) -> bool:
        key = approval_key(route.spec.source, route.tool or route.spec.name)
        return route.spec.name in self._hidden or key in self._hidden

    def spec(self, name: str) -> ToolSpec | None:
        """The spec of a tool listed by the last ``list_tools``, or None."""
        route = self._routes.get(name)
        return route.spec if route is not None else None

    async def call(self, call: ToolCall, *, timeout: float = DEFAULT_CALL_TIMEOUT) -> ToolOutcome:
        """Runs one call; every failure becomes an outcome with a sentence."""
        if not self._listed:
            await self.list_tools()
        started = time.monotonic()
        route = self._routes.get(call.name)
        if route is None or self._is_hidden(route):
            shown = (n for n, r in self._routes.items() if not self._is_hidden(r))
            names = ", ".join(shown) or "none"
            return ToolOutcome(
                f"There is no tool named “{call.name}”. The tools you can call are: {names}.",
                is_error=True,
            )
        if call.arguments is None:
            return ToolOutcome(
                f"The arguments for “{call.name}” were not a JSON object, so the tool did not run.",
                is_error=True,
            )
        text, is_error = await self._run(route, call, timeout)
        content, truncated = truncate_result(text, self._result_limit)
        return ToolOutcome(
            content, is_error=is_error, truncated=truncated, seconds=time.monotonic() - started
        )

    async def _run(self, route: _Route, call: ToolCall, timeout: float) -> tuple[str, bool]:
        arguments = call.arguments or {}
        title = route.spec.title or route.spec.name
        try:
            if route.builtin is not None:
                return await asyncio.wait_for(
                    route.builtin.run(arguments, self._runner, self._config), timeout
                ), False
            assert route.server is not None
            result = await self._host.call(route.server, route.tool, arguments, timeout)
            return result.text, result.is_error
        except BuiltinToolError as exc:
            return str(exc), True
        except TimeoutError:
            return f"The tool “{title}” did not answer within {timeout:g} seconds.", True
        except ServerFailed as exc:
            return _with_stderr(
                str(exc), exc.stderr_tail
            ) + "\nIt will be started again on the next call.", True
        except Exception as exc:
            log.exception("The tool %s failed", call.name)
            return f"The tool “{title}” failed ({exc or type(exc).__name__}).", True
