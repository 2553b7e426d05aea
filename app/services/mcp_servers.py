"""MCP servers, run on a thread of their own: start lazily, list tools, call, stop.

``McpHost`` owns one background thread with its own asyncio loop; every connection to a server
(a child process over stdio, or a streamable-HTTP endpoint) lives there, so no server work ever
runs on the caller's loop (the Qt UI thread in the window). The caller awaits ``McpHost``'s
coroutines from any loop. A server starts when its tools are first asked for, never before.

A server that dies is marked failed with a sentence and the last lines it wrote to stderr; the
next call starts it again. ``McpHost.close`` stops every server (stdin closed, then SIGTERM,
then SIGKILL, the SDK's shutdown order) and ends the thread, so no child outlives the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import tempfile
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from app import APP_NAME, __version__
from app.services.mcp_status import McpTool, ServerFailed, ServerState, ServerStatus
from app.storage.tool_config import HTTP, McpServerConfig

if TYPE_CHECKING:
    import mcp_types
    from mcp import Client

# The mcp SDK takes a second or more to import, so it is imported when a server first starts,
# never when the window or the command line starts.

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_START_TIMEOUT = 30.0
STDERR_TAIL_LINES = 8
_LIST_PAGE_CAP = 20
_CLOSE_TIMEOUT = 10.0


@dataclass(frozen=True)
class CallResult:
    text: str
    is_error: bool = False


class StderrLog:
    """A file the child writes its stderr to; its last lines are read back by name."""

    def __init__(self) -> None:
        fd, name = tempfile.mkstemp(prefix="aiml-mcp-", suffix=".log")
        self.path = Path(name)
        self.handle = os.fdopen(fd, "w", encoding="utf-8", errors="replace")

    def tail(self, lines: int = STDERR_TAIL_LINES) -> tuple[str, ...]:
        try:
            with self.path.open("rb") as reader:
                reader.seek(0, os.SEEK_END)
                reader.seek(max(0, reader.tell() - 16_384))
                text = reader.read().decode("utf-8", errors="replace")
        except OSError:
            return ()
        kept: deque[str] = deque(maxlen=lines)
        for line in text.splitlines():
            if line.strip():
                kept.append(line.rstrip()[:500])
        return tuple(kept)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.handle.close()
        with contextlib.suppress(OSError):
            self.path.unlink()


def _leaf(exc: BaseException) -> BaseException:
    """The first exception inside nested exception groups."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def _start_failure(config: McpServerConfig, exc: BaseException) -> str:
    import mcp_types
    from mcp.shared.exceptions import MCPError

    exc = _leaf(exc)
    name = config.name
    if isinstance(exc, FileNotFoundError):
        return (
            f"The server “{name}” could not be started: "
            f"the command “{config.command}” was not found."
        )
    if isinstance(exc, PermissionError):
        return f"The server “{name}” could not be started: “{config.command}” may not be run."
    if isinstance(exc, MCPError) and exc.code == mcp_types.CONNECTION_CLOSED:
        return f"The server “{name}” closed the connection before it was ready."
    if isinstance(exc, TimeoutError):
        return f"The server “{name}” did not get ready in time."
    if config.transport == HTTP:
        detail = str(exc) or type(exc).__name__
        return f"The server “{name}” at {config.url} could not be reached ({detail})."
    return f"The server “{name}” could not be started ({exc or type(exc).__name__})."


def result_text(result: mcp_types.CallToolResult) -> str:
    """A tool result as text for the model: text parts as they are, other parts named."""
    import mcp_types

    parts: list[str] = []
    for item in result.content:
        if isinstance(item, mcp_types.TextContent):
            parts.append(item.text)
        elif isinstance(item, mcp_types.ImageContent):
            parts.append(f"[an image ({item.mime_type}) the app cannot pass on]")
        elif isinstance(item, mcp_types.AudioContent):
            parts.append(f"[audio ({item.mime_type}) the app cannot pass on]")
        elif isinstance(item, mcp_types.EmbeddedResource):
            resource = item.resource
            text = getattr(resource, "text", None)
            parts.append(text if isinstance(text, str) else f"[resource {resource.uri}]")
        elif isinstance(item, mcp_types.ResourceLink):
            parts.append(f"[resource link {item.uri}]")
    if not parts and result.structured_content is not None:
        parts.append(json.dumps(result.structured_content, ensure_ascii=False))
    return "\n".join(parts)


@contextlib.asynccontextmanager
async def _watched(transport: Any, closed: asyncio.Event) -> AsyncIterator[Any]:
    """The transport's streams, with ``closed`` set once the server's side ends."""
    import anyio

    async with transport as (read, write):
        send, receive = anyio.create_memory_object_stream[Any](0)

        async def pump() -> None:
            try:
                async with send:
                    async for item in read:
                        await send.send(item)
            except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                pass
            finally:
                closed.set()

        async with anyio.create_task_group() as group:
            group.start_soon(pump)
            try:
                yield receive, write
            finally:
                group.cancel_scope.cancel()


class ServerConnection:
    """One server's connection; every method runs on the host's loop."""

    def __init__(
        self,
        config: McpServerConfig,
        notify: Callable[[str, ServerStatus], None],
        start_timeout: float,
    ) -> None:
        self.config = config
        self.status = ServerStatus()
        self._notify = notify
        self._start_timeout = start_timeout
        self._client: Client | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready: asyncio.Future[None] | None = None
        self._stop = asyncio.Event()
        self._stderr: StderrLog | None = None
        self._stopping = False

    def _set(self, status: ServerStatus) -> None:
        self.status = status
        self._notify(self.config.id, status)

    def _fail(self, sentence: str) -> None:
        tail = self._stderr.tail() if self._stderr else self.status.stderr_tail
        log.warning("%s %s", sentence, " | ".join(tail))
        self._set(ServerStatus(ServerState.FAILED, self.status.tools, sentence, tail))

    async def ensure_started(self) -> Client:
        """The connected client, starting the server (again) when it is not running.

        Raises:
            ServerFailed: it could not be started; the status says why.
        """
        if self._client is not None and self.status.state is ServerState.READY:
            return self._client
        if self._ready is None or self._ready.done():
            await self._finish_task()
            loop = asyncio.get_running_loop()
            self._ready = loop.create_future()
            self._stop = asyncio.Event()
            self._set(ServerStatus(ServerState.STARTING, self.status.tools))
            self._task = loop.create_task(self._serve(self._ready))
        try:
            await asyncio.wait_for(asyncio.shield(self._ready), self._start_timeout)
        except TimeoutError:
            self._fail(
                f"The server “{self.config.name}” did not get ready within "
                f"{self._start_timeout:g} seconds."
            )
            await self._finish_task(cancel=True)
        if self._client is None or self.status.state is not ServerState.READY:
            raise ServerFailed(self.status.reason, self.status.stderr_tail)
        return self._client

    def _transport(self) -> Any:
        from mcp.client.stdio import StdioServerParameters, stdio_client
        from mcp.client.streamable_http import streamable_http_client
        from mcp.shared._httpx_utils import create_mcp_http_client

        config = self.config
        if config.transport == HTTP:
            return streamable_http_client(
                config.url, http_client=create_mcp_http_client(headers=config.headers or None)
            )
        self._stderr = StderrLog()
        params = StdioServerParameters(
            command=config.command,
            args=list(config.args),
            env=config.env or None,
            cwd=config.cwd or None,
            encoding_error_handler="replace",
        )
        return stdio_client(params, errlog=self._stderr.handle)

    async def _serve(self, ready: asyncio.Future[None]) -> None:
        import mcp_types
        from mcp import Client

        closed = asyncio.Event()
        try:
            async with Client(
                _watched(self._transport(), closed),
                client_info=mcp_types.Implementation(name=APP_NAME, version=__version__),
            ) as client:
                tools = await _list_all_tools(client)
                self._client = client
                self._set(ServerStatus(ServerState.READY, tools))
                ready.set_result(None)
                await _first_of(self._stop.wait(), closed.wait())
                self._client = None
                if not self._stop.is_set():
                    self._fail(f"The server “{self.config.name}” stopped unexpectedly.")
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            if not self._stopping and self.status.state is not ServerState.FAILED:
                self._fail(_start_failure(self.config, exc))
        finally:
            self._client = None
            if not ready.done():
                ready.set_result(None)
            if self._stderr is not None:
                self._stderr.close()
                self._stderr = None

    async def call(self, name: str, arguments: dict[str, Any], timeout: float) -> CallResult:
        """Runs one tool; a failure of the server itself raises ServerFailed."""
        import mcp_types
        from mcp.shared.exceptions import MCPError

        client = await self.ensure_started()
        try:
            result = await asyncio.wait_for(
                client.call_tool(name, arguments, read_timeout_seconds=timeout), timeout + 5
            )
        except (TimeoutError, MCPError) as exc:
            if isinstance(exc, TimeoutError) or exc.code == mcp_types.REQUEST_TIMEOUT:
                return CallResult(
                    f"The tool “{name}” of “{self.config.name}” did not answer within "
                    f"{timeout:g} seconds.",
                    is_error=True,
                )
            if exc.code == mcp_types.CONNECTION_CLOSED:
                await asyncio.sleep(0.05)  # let the stderr of a dying server reach its file
                self._fail(f"The server “{self.config.name}” stopped while running “{name}”.")
                await self._finish_task()
                raise ServerFailed(self.status.reason, self.status.stderr_tail) from None
            return CallResult(
                f"The server “{self.config.name}” refused “{name}”: {exc.message}", is_error=True
            )
        return CallResult(result_text(result), is_error=bool(result.is_error))

    async def stop(self) -> None:
        self._stopping = True
        try:
            await self._finish_task()
        finally:
            self._stopping = False
        if self.status.state is not ServerState.FAILED:
            self._set(ServerStatus(ServerState.STOPPED, self.status.tools))

    async def _finish_task(self, *, cancel: bool = False) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        self._stop.set()
        if cancel:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


async def _first_of(*waits: Coroutine[Any, Any, Any]) -> None:
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


async def _list_all_tools(client: Client) -> tuple[McpTool, ...]:
    tools: list[McpTool] = []
    cursor: str | None = None
    for _ in range(_LIST_PAGE_CAP):
        page = await client.list_tools(cursor=cursor)
        tools.extend(
            McpTool(
                name=tool.name,
                description=tool.description or "",
                parameters=dict(tool.input_schema or {}),
                title=tool.title or "",
            )
            for tool in page.tools
        )
        cursor = page.next_cursor
        if cursor is None:
            break
    return tuple(tools)


@dataclass
class _Listeners:
    callbacks: list[Callable[[str, ServerStatus], None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, server_id: str, status: ServerStatus) -> None:
        with self.lock:
            callbacks = list(self.callbacks)
        for callback in callbacks:
            try:
                callback(server_id, status)
            except Exception:
                log.exception("A server status listener failed")


class McpHost:
    """Every MCP server of one app run, on one background thread.

    Status listeners are called on the host's thread: a Qt widget must hop to its own thread
    (a queued signal does that).
    """

    def __init__(self, *, start_timeout: float = DEFAULT_START_TIMEOUT) -> None:
        self._start_timeout = start_timeout
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._connections: dict[str, ServerConnection] = {}
        self._listeners = _Listeners()
        self._closed = False

    # -- the thread ------------------------------------------------------------------------

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._closed:
                raise ServerFailed("The app is closing, so no MCP server can be started.")
            if self._loop is None:
                loop = asyncio.new_event_loop()
                started = threading.Event()

                def run() -> None:
                    asyncio.set_event_loop(loop)
                    loop.call_soon(started.set)
                    loop.run_forever()

                self._thread = threading.Thread(target=run, name="mcp-servers", daemon=True)
                self._thread.start()
                started.wait()
                self._loop = loop
            return self._loop

    @property
    def thread(self) -> threading.Thread | None:
        """The host's thread, once a server has been needed."""
        return self._thread

    async def _on_host(self, coro: Coroutine[Any, Any, T]) -> T:
        future: Future[T] = asyncio.run_coroutine_threadsafe(coro, self._running_loop())
        return await asyncio.wrap_future(future)

    # -- listeners and status --------------------------------------------------------------

    def add_listener(self, callback: Callable[[str, ServerStatus], None]) -> None:
        with self._listeners.lock:
            self._listeners.callbacks.append(callback)

    def remove_listener(self, callback: Callable[[str, ServerStatus], None]) -> None:
        with self._listeners.lock, contextlib.suppress(ValueError):
            self._listeners.callbacks.remove(callback)

    def status(self, server_id: str) -> ServerStatus:
        connection = self._connections.get(server_id)
        return connection.status if connection is not None else ServerStatus()

    # -- work ------------------------------------------------------------------------------

    def _connection(self, config: McpServerConfig) -> ServerConnection:
        connection = self._connections.get(config.id)
        if connection is None or connection.config != config:
            if connection is not None:
                asyncio.get_running_loop().create_task(connection.stop())
            connection = ServerConnection(config, self._listeners, self._start_timeout)
            self._connections[config.id] = connection
        return connection

    async def tools(self, config: McpServerConfig, *, start: bool = True) -> tuple[McpTool, ...]:
        """The server's tools, starting it when ``start`` and it is stopped.

        A server that failed earlier is not started again here (the next ``call`` does that);
        its tools from before are returned.

        Raises:
            ServerFailed: it could not be started and never listed tools.
        """

        async def work() -> tuple[McpTool, ...]:
            connection = self._connection(config)
            state = connection.status.state
            if start and state in (ServerState.STOPPED, ServerState.STARTING):
                await connection.ensure_started()
            if connection.status.state is ServerState.FAILED and not connection.status.tools:
                raise ServerFailed(connection.status.reason, connection.status.stderr_tail)
            return connection.status.tools

        return await self._on_host(work())

    async def call(
        self, config: McpServerConfig, tool: str, arguments: dict[str, Any], timeout: float
    ) -> CallResult:
        """Runs one tool, starting (or restarting) its server when needed.

        Raises:
            ServerFailed: the server could not be started or died during the call.
        """

        async def work() -> CallResult:
            return await self._connection(config).call(tool, arguments, timeout)

        return await self._on_host(work())

    async def restart(self, config: McpServerConfig) -> ServerStatus:
        """Stops the server when it runs and starts it again; returns its new status."""

        async def work() -> ServerStatus:
            connection = self._connection(config)
            await connection.stop()
            with contextlib.suppress(ServerFailed):
                await connection.ensure_started()
            return connection.status

        return await self._on_host(work())

    async def stop(self, server_id: str) -> None:
        """Stops one server (when it runs) and forgets it."""
        if self._loop is None:
            return

        async def work() -> None:
            connection = self._connections.pop(server_id, None)
            if connection is not None:
                await connection.stop()

        await self._on_host(work())

    def close(self, timeout: float = _CLOSE_TIMEOUT) -> None:
        """Stops every server and ends the thread; safe to call more than once, from any thread."""
        with self._lock:
            self._closed = True
            loop, self._loop = self._loop, None
            thread = self._thread
        if loop is None or thread is None:
            return

        async def stop_all() -> None:
            connections = list(self._connections.values())
            self._connections.clear()
            await asyncio.gather(*(c.stop() for c in connections), return_exceptions=True)

        try:
            asyncio.run_coroutine_threadsafe(stop_all(), loop).result(timeout)
        except Exception:
            log.exception("The MCP servers did not all stop in time")
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        if not thread.is_alive():
            loop.close()
