"""MCP servers through the toolbox, against the real test server run as a subprocess."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services.mcp_servers import McpHost
from app.services.mcp_status import ServerState
from app.services.mcp_toolbox import McpToolBox
from app.services.runner import Runner
from app.services.tool_types import ToolCall
from app.storage.tool_config import HTTP, McpServerConfig, ToolConfig
from tests.mcp_server import http_server, process_alive, server_config


def call(tool: str, **arguments: object) -> ToolCall:
    return ToolCall(id=f"call-{tool}", name=tool, arguments_json="{}", arguments=dict(arguments))


@pytest.fixture(scope="module")
def runner() -> Iterator[Runner]:
    pool = Runner(max_workers=2)
    yield pool
    pool.shutdown()


@pytest.fixture(scope="module")
def shared_host() -> Iterator[McpHost]:
    """One host with one running test server, shared by the tests that only list and call."""
    host = McpHost()
    yield host
    host.close()


@pytest.fixture(scope="module")
def shared_server() -> McpServerConfig:
    return server_config("testtools", "--prefix", "echo: ")


@pytest.fixture
def host() -> Iterator[McpHost]:
    host = McpHost(start_timeout=10)
    yield host
    host.close()


def toolbox(
    host: McpHost, runner: Runner, *servers: McpServerConfig, **options: object
) -> McpToolBox:
    return McpToolBox(host, ToolConfig(servers=servers), runner=runner, **options)  # type: ignore[arg-type]


def test_a_server_is_not_started_before_its_tools_are_asked_for(
    host: McpHost, runner: Runner
) -> None:
    toolbox(host, runner, server_config())
    assert host.thread is None
    assert host.status(server_config().id).state is ServerState.STOPPED


def test_tools_are_listed_with_their_descriptions_and_run(
    shared_host: McpHost, shared_server: McpServerConfig, runner: Runner
) -> None:
    box = toolbox(shared_host, runner, shared_server)

    async def go() -> tuple[list[str], str, str]:
        specs = await box.list_tools()
        added = await box.call(call("add", a=2, b=40))
        echoed = await box.call(call("echo", text="hello"))
        return [f"{s.name}: {s.description}" for s in specs], added.content, echoed.content

    described, added, echoed = asyncio.run(go())
    assert "add: Adds two whole numbers." in described
    assert "echo: Returns the text it was given." in described
    assert added == "42"
    assert echoed == "echo: hello"
    status = shared_host.status(shared_server.id)
    assert status.state is ServerState.READY
    assert status.summary() == f"Ready with {len(described)} tools"
    assert shared_host.thread is not None and shared_host.thread is not threading.current_thread()


def test_garbage_on_stdout_does_not_break_the_server(
    shared_host: McpHost, shared_server: McpServerConfig, runner: Runner
) -> None:
    box = toolbox(shared_host, runner, shared_server)
    outcome = asyncio.run(box.call(call("garbage")))
    assert outcome.content == "answered after garbage"
    assert not outcome.is_error


def test_a_huge_result_is_cut_and_says_so(
    shared_host: McpHost, shared_server: McpServerConfig, runner: Runner
) -> None:
    box = toolbox(shared_host, runner, shared_server, result_limit=1000)
    outcome = asyncio.run(box.call(call("big", size=50_000)))
    assert outcome.truncated
    assert outcome.content.startswith("x" * 1000)
    assert "result truncated: 50,000 characters" in outcome.content


def test_bad_arguments_and_unknown_names_are_told_to_the_model(
    shared_host: McpHost, shared_server: McpServerConfig, runner: Runner
) -> None:
    box = toolbox(shared_host, runner, shared_server)

    async def go() -> tuple[str, bool, str]:
        missing = await box.call(call("echo"))
        unknown = await box.call(call("no_such_tool"))
        return missing.content, missing.is_error, unknown.content

    missing, missing_is_error, unknown = asyncio.run(go())
    assert missing_is_error and "text" in missing and "Field required" in missing
    assert unknown.startswith("There is no tool named “no_such_tool”. The tools you can call are:")
    assert "echo" in unknown


def test_two_servers_with_the_same_tools_get_prefixed_names(
    shared_host: McpHost, shared_server: McpServerConfig, runner: Runner
) -> None:
    other = server_config("other tools", "--prefix", "other: ")
    box = toolbox(shared_host, runner, shared_server, other)

    async def go() -> tuple[set[str], str, str]:
        names = {s.name for s in await box.list_tools()}
        first = await box.call(call("testtools__echo", text="a"))
        second = await box.call(call("other_tools__echo", text="b"))
        await shared_host.stop(other.id)
        return names, first.content, second.content

    names, first, second = asyncio.run(go())
    assert {"testtools__echo", "other_tools__echo", "testtools__add"} <= names
    assert "echo" not in names
    assert (first, second) == ("echo: a", "other: b")


def test_a_call_that_never_answers_times_out_and_the_server_keeps_working(
    shared_host: McpHost, shared_server: McpServerConfig, runner: Runner
) -> None:
    box = toolbox(shared_host, runner, shared_server)

    async def go() -> tuple[str, bool, float, str]:
        await box.list_tools()
        started = time.monotonic()
        stuck = await box.call(call("sleep_forever"), timeout=0.3)
        took = time.monotonic() - started
        after = await box.call(call("add", a=1, b=1))
        return stuck.content, stuck.is_error, took, after.content

    content, is_error, took, after = asyncio.run(go())
    assert is_error
    assert content == "The tool “sleep_forever” of “testtools” did not answer within 0.3 seconds."
    assert took < 5
    assert after == "2"


def test_a_crashing_server_is_marked_failed_with_its_stderr_and_restarts_on_the_next_call(
    host: McpHost, runner: Runner
) -> None:
    server = server_config("crashy")
    box = toolbox(host, runner, server)

    async def go() -> tuple[str, int, str, int]:
        first_pid = int((await box.call(call("pid"))).content)
        crashed = await box.call(call("crash"))
        second_pid = int((await box.call(call("pid"))).content)
        return (
            crashed.content,
            first_pid,
            (await box.call(call("add", a=3, b=4))).content,
            second_pid,
        )

    statuses = []
    host.add_listener(lambda server_id, status: statuses.append(status))
    crashed, first_pid, after, second_pid = asyncio.run(go())
    assert crashed.startswith("The server “crashy” stopped while running “crash”.")
    assert "about to crash: the test asked for it" in crashed
    assert crashed.endswith("It will be started again on the next call.")
    failed = [s for s in statuses if s.state is ServerState.FAILED]
    assert failed and "about to crash: the test asked for it" in failed[0].stderr_tail
    assert failed[0].summary().startswith("Failed: The server “crashy” stopped")
    assert after == "7"
    assert second_pid != first_pid
    assert not process_alive(first_pid)
    assert host.status(server.id).state is ServerState.READY


def test_a_server_that_fails_at_start_shows_why(host: McpHost, runner: Runner) -> None:
    server = server_config("broken", "--fail-at-start")
    box = toolbox(host, runner, server)
    specs = asyncio.run(box.list_tools())
    assert specs == []
    [problem] = box.problems
    assert problem.startswith("The server “broken” closed the connection before it was ready.")
    assert "error: the configuration file is missing" in problem
    status = host.status(server.id)
    assert status.state is ServerState.FAILED
    assert status.stderr_tail[-1] == "error: the configuration file is missing"


def test_a_missing_command_is_one_sentence(host: McpHost, runner: Runner) -> None:
    server = McpServerConfig(name="ghost", command="/nonexistent/mcp-server-binary")
    box = toolbox(host, runner, server)
    asyncio.run(box.list_tools())
    assert box.problems == [
        "The server “ghost” could not be started: the command "
        "“/nonexistent/mcp-server-binary” was not found."
    ]


def test_closing_the_host_leaves_no_server_process(runner: Runner) -> None:
    host = McpHost()
    box = toolbox(host, runner, server_config("one"), server_config("two", "--prefix", "2"))

    async def go() -> list[int]:
        await box.list_tools()
        return [int((await box.call(call(name))).content) for name in ("one__pid", "two__pid")]

    pids = asyncio.run(go())
    assert all(process_alive(pid) for pid in pids)
    host.close()
    assert not any(process_alive(pid) for pid in pids)
    assert host.thread is not None and not host.thread.is_alive()


def test_environment_and_working_folder_reach_the_server(
    host: McpHost, runner: Runner, tmp_path: Path
) -> None:
    server = server_config("envy", env={"TEST_TOKEN": "sesame"}, cwd=str(tmp_path))
    box = toolbox(host, runner, server)
    outcome = asyncio.run(box.call(call("environment", name="TEST_TOKEN")))
    assert outcome.content == f"sesame in {tmp_path}"


def test_closing_the_services_stops_their_servers(runner: Runner) -> None:
    from app.services.context import Services
    from app.storage.settings import Settings

    services = Services(Settings())
    box = toolbox(services.mcp_host, runner, server_config())
    pid = int(asyncio.run(box.call(call("pid"))).content)
    assert process_alive(pid)
    services.close()
    assert not process_alive(pid)


def test_a_conversation_can_switch_off_one_tool_of_a_server(
    shared_host: McpHost, shared_server: McpServerConfig, runner: Runner
) -> None:
    box = toolbox(shared_host, runner, shared_server, hidden_tools=["testtools/echo"])

    async def go() -> tuple[set[str], str]:
        names = {s.name for s in await box.list_tools()}
        refused = await box.call(call("echo", text="x"))
        return names, refused.content

    names, refused = asyncio.run(go())
    assert "add" in names and "echo" not in names
    assert refused.startswith("There is no tool named “echo”.")


@pytest.fixture(scope="module")
def http_server_url() -> Iterator[str]:
    """The test server serving streamable HTTP on a free loopback port."""
    with http_server() as url:
        yield url


def test_a_streamable_http_server_gets_its_headers(
    host: McpHost, runner: Runner, http_server_url: str
) -> None:
    server = McpServerConfig(
        name="remote", transport=HTTP, url=http_server_url, headers={"X-Api-Key": "k-123456"}
    )
    box = toolbox(host, runner, server)

    async def go() -> tuple[str, str]:
        added = await box.call(call("add", a=20, b=22))
        header = await box.call(call("header", name="X-Api-Key"))
        return added.content, header.content

    assert asyncio.run(go()) == ("42", "k-123456")
    assert host.status(server.id).state is ServerState.READY


def test_an_http_server_that_is_not_there_is_one_sentence(host: McpHost, runner: Runner) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/mcp"
    box = toolbox(host, runner, McpServerConfig(name="gone", transport=HTTP, url=url))
    asyncio.run(box.list_tools())
    [problem] = box.problems
    assert problem.startswith(f"The server “gone” at {url} could not be reached (")


def test_the_mcp_sdk_is_not_imported_until_a_server_starts() -> None:
    code = (
        "import sys, app.services.context, app.services.tool_settings, app.cli; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'mcp', 'mcp_types', 'pydantic'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
