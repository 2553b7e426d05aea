"""The fault matrix through the window: one main window per route family meets every fault.

Each cell does what a person does (type and send, generate, add a file, speak, refresh), then
checks the sentence shown (one, no traceback, no JSON), what they typed or chose (still there),
the requests counted at the stand-in (retried as the policy says), the files left behind (no
temp file, no partial image or audio, no message row still streaming), that nothing still
looks busy, and that the next request works. Cells are added to the table printed at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fake_api import FakeApi
from tests.reliability import window_routes as routes
from tests.reliability.matrix import (
    FAULTS,
    MAX_RETRIES,
    RESULTS,
    SHORT_TIMEOUT,
    FaultCase,
    Refusal,
    clear_sentence_problem,
    expected_requests,
    files_under,
    half_written,
    injected,
)
from tests.ui.conftest import use_server

FAMILIES: dict[str, tuple[type[routes.WindowRoute], ...]] = {
    "chat": (routes.ChatStream, routes.ToolRound, routes.Compare),
    "images": (routes.Image, routes.ImageEdit),
    "stt": (routes.Transcribe,),
    "tts": (routes.Speak,),
    "account": (routes.ModelList, routes.Balance, routes.Transactions),
}


def run_cell(
    route: routes.WindowRoute, fault: FaultCase, number: int, roots: tuple[Path, ...]
) -> None:
    api, qtbot, settings = route.api, route.qtbot, route.window.services.settings
    prompt = f"{route.name} question {number}"
    route.prepare()
    before_files = files_under(*roots)
    api.clear_requests()
    attempts = route.attempts_of(fault.name)

    def refuse_while_the_tool_runs(refusal: Refusal) -> None:
        route.toolbox.while_running = refusal.close  # type: ignore[attr-defined]

    settings.read_timeout = SHORT_TIMEOUT if fault.timeout else 20.0
    try:
        with injected(
            api,
            fault,
            route.path,
            before=route.before,
            per_attempt=attempts,
            refuse_later=refuse_while_the_tool_runs,
        ):
            route.start(prompt)
            route.wait(route.finished)
    finally:
        settings.read_timeout = 20.0

    sentence = route.sentence()
    problem = clear_sentence_problem(sentence)
    assert problem is None, problem
    kept = route.kept(prompt)
    assert kept is None, kept
    sent = [r for r in api.requests if r.path.startswith(route.path)]
    wanted = expected_requests(fault, before=route.before, per_attempt=attempts)
    assert len(sent) == wanted, f"{len(sent)} requests to {route.path}, the policy says {wanted}"
    problems = half_written(before_files, files_under(*roots), media=route.media)
    assert not problems, problems
    assert not route.busy(), "still busy after the failure"

    route.prepare()
    api.clear_requests()
    route.recover(f"{route.name} again {number}")
    try:
        qtbot.waitUntil(route.succeeded, timeout=routes.WAIT_MS)
    except Exception as exc:  # pytest-qt's own TimeoutError
        raise AssertionError(f"the next request did not work: {route.state()}") from exc


@pytest.mark.parametrize("family", list(FAMILIES))
def test_window_family(
    qtbot: Any,
    open_window: Callable[..., Any],
    fake_api: FakeApi,
    quick_policy: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    isolated_user_dirs: dict[str, Path],
    family: str,
) -> None:
    monkeypatch.setenv("AIML_API_KEY", "sk-window-matrix-0123456789")
    use_server(fake_api.url, max_retries=MAX_RETRIES)
    window = open_window()
    window.services.settings.max_retries = MAX_RETRIES
    roots = (tmp_path, *isolated_user_dirs.values())
    failures: list[str] = []
    for route_class in FAMILIES[family]:
        route = route_class(window, qtbot, fake_api, tmp_path)
        for number, fault in enumerate(FAULTS):
            try:
                run_cell(route, fault, number, roots)
            except Exception as exc:
                detail = (str(exc).splitlines() or [type(exc).__name__])[0][:160]
                RESULTS.record("window", route.name, fault.name, False, detail)
                failures.append(f"{route.name} {fault.name}: {detail}")
                fake_api.scripts.clear()
                qtbot.wait(200)
            else:
                RESULTS.record("window", route.name, fault.name, True)
    assert not failures, "\n".join(failures)
