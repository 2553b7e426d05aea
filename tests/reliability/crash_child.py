"""Writes to the real user folders in a loop until it is killed (for the crash rounds).

    python -m tests.reliability.crash_child SCENARIO BASE_URL [FILE]

The folders come from the XDG variables the parent sets. Each scenario does what the app does
when a person works, through the same services: ``chat`` streams replies through the chat
session the Chat tab and ``aiml-desktop chat`` share; ``tools`` runs tool rounds in it;
``images`` generates and keeps images; ``kb`` indexes documents into a knowledge base; ``stt``
runs the transcription queue on FILE; ``files`` saves the settings, the MCP server list and
the assistant library over and over.

After each piece of work is stored it prints ``done KIND ID [DETAIL]``: that piece must survive
any later kill. It prints ``ready`` after the first piece, once start-up and the first request
(which loads what the app loads lazily) are behind it: the parent times the kill from there, so
a busy machine's slow start does not decide where the kill lands.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
from pathlib import Path
from typing import Any

from app.services.context import Services
from app.storage.settings import Settings

REPLY = " ".join(f"token{i}" for i in range(60))


_started = False


def say(*words: object) -> None:
    print(*words, flush=True)


def stored(*words: object) -> None:
    """Reports a piece as stored (and, after the first, that the kill may come)."""
    global _started
    say("done", *words)
    if not _started:
        _started = True
        say("ready")


async def chat(services: Services, tools: bool) -> None:
    from app.services.conversation import ChatSession
    from app.services.tool_types import ApprovalDecision
    from tests.tools.local_toolbox import LocalToolBox

    async def allow(_call: Any, _spec: Any) -> ApprovalDecision:
        return ApprovalDecision.ALLOW_ONCE

    services.chat_history.mark_interrupted()  # what the Chat tab does when it opens
    session = ChatSession(services)
    if tools:
        session.set_tools(LocalToolBox(["get_weather"]), allow)
    session.start_conversation("crash round", model="gpt-4o")
    if tools:
        session.switch_tools(True)
    for number in itertools.count():
        reply = await session.send(f"question {number}", stream=True)
        assert reply is not None and reply.status == "complete", reply
        stored("message", reply.id, len(reply.content))


async def images(services: Services) -> None:
    for number in itertools.count():
        body = {"model": "flux/schnell", "prompt": f"a red dot {number}", "num_images": 2}
        kept = await services.images.generate_and_keep(body)
        for record in kept.records:
            stored("image", record.id, record.path)


async def knowledge(services: Services, folder: Path) -> None:
    kb = services.knowledge
    if not any(base.name == "crash" for base in kb.bases()):
        kb.create("crash")
    for number in itertools.count():
        document = folder / f"notes-{number:04d}-{id(folder) % 1000}.md"
        lines = [f"Paragraph {i} of note {number}: the crash round keeps it." for i in range(200)]
        document.write_text("\n\n".join(lines), encoding="utf-8")
        report = await services.runner.run(kb.add, "crash", [document])
        assert report.documents == 1, report.problems
        stored("document", document.name, report.chunks)


async def transcription(services: Services, audio: Path) -> None:
    from app.services.stt_queue import SttQueue

    services.transcription.poll_interval = 0.02
    queue = SttQueue(services)
    queue.load()  # rows a killed run left unfinished become "interrupted"
    while True:
        added, refused = await queue.add_files([audio], "#g1_nova-2-general", {})
        assert not refused, refused
        job = added[0]
        while job.status not in ("done", "failed", "cancelled"):
            await asyncio.sleep(0.01)
        assert job.status == "done", job.record.error
        stored("transcription", job.id)


async def files(services: Services) -> None:
    from dataclasses import replace

    import keyring  # noqa: F401  (the first tools save loads it; load it before "ready")

    from app.storage.assistants import Assistant, AssistantLibrary
    from app.storage.settings import save_settings
    from app.storage.tool_config import McpServerConfig, ToolConfig, ToolConfigStore

    tools = ToolConfigStore()
    library = AssistantLibrary()
    for number in itertools.count(1):
        settings = replace(services.settings, stt_parallel=1 + number % 4, read_timeout=number)
        save_settings(settings)
        stored("settings", number)
        servers = tuple(
            McpServerConfig(id=f"s{i}", name=f"server {i}", command="true", args=("x" * 500,))
            for i in range(1 + number % 20)
        )
        tools.save(ToolConfig(servers=servers))
        stored("tools", number, len(servers))
        library.save(
            Assistant(id=f"a{number % 30}", name=f"Helper {number}", system_prompt="p" * 2000)
        )
        stored("assistant", number)


async def main(scenario: str, base_url: str, extra: str | None) -> None:
    services = Services(Settings(base_url=base_url, max_retries=0, read_timeout=20))
    try:
        if scenario in ("chat", "tools"):
            await chat(services, tools=scenario == "tools")
        elif scenario == "images":
            await images(services)
        elif scenario == "kb":
            await knowledge(services, Path(str(extra)))
        elif scenario == "stt":
            await transcription(services, Path(str(extra)))
        elif scenario == "files":
            await files(services)
        else:
            raise SystemExit(f"unknown scenario {scenario}")
    finally:
        services.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None))
