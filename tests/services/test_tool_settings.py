"""The flows behind Settings → Tools without the page: remembered approvals, server changes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from app.services.context import Services
from app.services.mcp_status import ServerState
from app.services.tool_settings import RememberingApprover, ToolDraft, ToolSettings
from app.services.tool_types import ApprovalDecision, ToolCall, ToolSpec
from app.storage.settings import Settings
from app.storage.tool_config import ToolConfigStore
from tests.mcp_server import process_alive, server_config

ECHO = ToolSpec("testtools__echo", "Echoes.", {}, source="testtools", title="echo")
CALL = ToolCall("c1", "testtools__echo", '{"text": "x"}', {"text": "x"})


@pytest.fixture
def services() -> Iterator[Services]:
    built = Services(Settings())
    yield built
    built.close()


class Asker:
    def __init__(self, *answers: ApprovalDecision) -> None:
        self.answers = list(answers)
        self.asked = 0

    async def __call__(self, call: ToolCall, spec: ToolSpec | None) -> ApprovalDecision:
        self.asked += 1
        return self.answers.pop(0)


def test_always_allow_is_remembered_for_the_next_run(services: Services) -> None:
    tool_settings = ToolSettings(services)
    asker = Asker(ApprovalDecision.ALLOW_ONCE, ApprovalDecision.ALWAYS_ALLOW)
    approver = RememberingApprover(asker, tool_settings)

    async def go() -> list[ApprovalDecision]:
        await tool_settings.load()
        return [await approver(CALL, ECHO) for _ in range(3)]

    assert asyncio.run(go()) == [
        ApprovalDecision.ALLOW_ONCE,
        ApprovalDecision.ALWAYS_ALLOW,
        ApprovalDecision.ALWAYS_ALLOW,
    ]
    assert asker.asked == 2
    assert ToolConfigStore().load().always_allowed == {"testtools/echo"}

    again = ToolSettings(services)
    asyncio.run(again.load())
    assert again.always_allowed(ECHO)


def test_allowing_everything_for_one_run_remembers_nothing(services: Services) -> None:
    tool_settings = ToolSettings(services)
    approver = RememberingApprover(
        Asker(ApprovalDecision.ALWAYS_ALLOW), tool_settings, remember=False
    )
    asyncio.run(tool_settings.load())
    assert asyncio.run(approver(CALL, ECHO)) is ApprovalDecision.ALWAYS_ALLOW
    assert ToolConfigStore().load().always_allowed == frozenset()


def test_switching_a_server_off_or_editing_it_stops_it(services: Services) -> None:
    server = server_config("testtools")
    tool_settings = ToolSettings(services)

    async def go() -> int:
        await tool_settings.load()
        draft = ToolDraft(tool_settings)
        draft.put_server(server)
        await draft.save()
        await tool_settings.check(server.id)
        box = tool_settings.toolbox()
        pid = int((await box.call(ToolCall("c", "pid", "{}", {}))).content)
        draft.set_enabled(server.id, False)
        await draft.save()
        return pid

    pid = asyncio.run(go())
    assert not process_alive(pid)
    assert tool_settings.status(server.id).state is ServerState.STOPPED


def test_a_chosen_toolbox_follows_the_choice_and_a_newly_saved_config(
    services: Services,
) -> None:
    from app.services.tool_settings import ChosenToolBox, ToolChoice
    from app.storage.tool_config import ToolConfig

    tool_settings = services.tool_settings
    choice = [ToolChoice()]
    problems: list[str] = []
    box = ChosenToolBox(tool_settings, lambda: choice[0], on_problem=problems.append)

    async def go() -> list[list[str]]:
        names = [[s.name for s in await box.list_tools()]]
        await tool_settings.save(
            ToolConfig(
                servers=(server_config("broken", "--fail-at-start"),),
                builtins={"current_date_time": True},
            )
        )
        names.append([s.name for s in await box.list_tools()])
        choice[0] = ToolChoice(builtins=())
        names.append([s.name for s in await box.list_tools()])
        return names

    assert asyncio.run(go()) == [[], ["current_date_time"], []]
    assert len(problems) == 1 and "“broken” closed the connection" in problems[0]


def test_a_draft_changes_nothing_until_it_is_saved_and_keeps_choices_made_meanwhile(
    services: Services,
) -> None:
    from app.storage.tool_config import ToolConfig, approval_key

    tool_settings = ToolSettings(services)
    kept, forgotten = approval_key("builtin", "current_date_time"), approval_key("files", "read")
    ToolConfigStore().save(ToolConfig(always_allowed=frozenset({kept, forgotten})))

    async def go() -> None:
        await tool_settings.load()
        draft = ToolDraft(tool_settings)
        draft.put_server(server_config("one"))
        draft.set_builtin("fetch_web_page", True)
        draft.forget_allowed({forgotten})
        assert draft.changed
        assert ToolConfigStore().load().servers == ()
        # "Always allow" answered in a chat while the page is open
        await tool_settings.allow_always(ECHO)
        saved = await draft.save()
        assert [s.name for s in saved.servers] == ["one"]
        assert saved.builtins == {"fetch_web_page": True}
        assert saved.always_allowed == {kept, approval_key(ECHO.source, ECHO.title)}
        assert not draft.changed

        draft.remove_server(saved.servers[0].id)
        await draft.discard()
        assert [s.name for s in tool_settings.config.servers] == ["one"]
        assert draft.config == tool_settings.config

    asyncio.run(go())
    assert [s.name for s in ToolConfigStore().load().servers] == ["one"]
