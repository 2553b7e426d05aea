"""The fault matrix through the command line: every route meets every gateway fault.

Each cell runs ``main([...])`` in this process against the stand-in, then checks the line the
person reads (one sentence, no traceback, no JSON), the requests the stand-in counted (retried
as the policy says), the files left behind (no temp file, no partial image or audio, no
message row still streaming) and that the same command then works. The table of cells is
printed at the end of the run (``tests/reliability/conftest.py``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.cli import build_parser
from tests.cli.conftest import TEST_KEY, CliResult
from tests.fake_api import FakeApi
from tests.reliability.matrix import (
    BY_NAME,
    FAULT_NAMES,
    MAX_RETRIES,
    RESULTS,
    SHORT_TIMEOUT,
    FaultCase,
    Refusal,
    ToolBoxWithHook,
    clear_sentence_problem,
    expected_requests,
    files_under,
    half_written,
    injected,
    picture,
    tone,
)

Cli = Callable[..., CliResult]
CHAT = "/v1/chat/completions"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".json")
AUDIO_SUFFIXES = (".wav", ".mp3", ".ogg", ".flac", ".opus", ".aac", ".txt", ".srt", ".vtt")


@dataclass(frozen=True)
class Route:
    """How one route is driven from the command line.

    ``argv`` builds the command from the cell's folder; ``path`` is where the fault goes;
    ``before`` normal answers come first (the tool call of a tool round); ``per_attempt``
    requests make one attempt (a compare of two models sends two); ``sentence`` reads what the
    person was told from the result; ``media`` are the suffixes a failure must not leave;
    ``fallback_on_404``: a 404 makes the app try the older route once (speech to text's
    ``/v1/stt``).
    """

    argv: Callable[[Path], list[str]]
    path: str
    before: int = 0
    per_attempt: int = 1
    media: tuple[str, ...] = ()
    fallback_on_404: bool = False
    sentence: Callable[[CliResult], str] = field(default=lambda r: r.assert_one_error())

    def attempts_of(self, fault: FaultCase) -> int:
        """Requests that make one attempt when ``fault`` happens."""
        return self.per_attempt * (2 if self.fallback_on_404 and fault.name == "404" else 1)


def _edit_argv(folder: Path) -> list[str]:
    source = str(picture(folder))
    model = "openai/gpt-image-1"
    return ["image", "a cat", "--model", model, "--image", source, "-o", str(folder / "out")]


def _error_line(result: CliResult) -> str:
    """The one ``aiml-desktop: error:`` line (tool calls and results may come before it)."""
    assert result.code != 0, result.out
    assert "Traceback" not in result.err
    errors = [x for x in result.err_lines if x.startswith("aiml-desktop: error: ")]
    assert len(errors) == 1, result.err
    others = [x for x in result.err_lines if not x.startswith("aiml-desktop: tool ")]
    assert others == errors, result.err
    return errors[0].removeprefix("aiml-desktop: error: ")


def _compare_sentence(result: CliResult) -> str:
    """Each column's ``error:`` line, then the closing one: all must be the same kind."""
    out = result.out.splitlines()
    columns = [line.removeprefix("error: ") for line in out if line.startswith("error: ")]
    assert len(columns) == 2, result.out
    assert columns[0] == columns[1], columns
    result.assert_one_error()
    return columns[0]


def _gateway_sentence(result: CliResult) -> str:
    """``usage --gateway`` keeps the local table and says why the gateway's part is missing."""
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    [line] = [x for x in result.out.splitlines() if x.startswith("Gateway transactions:")]
    prefix = "Gateway transactions: not available ("
    assert line.startswith(prefix) and line.endswith(")"), line
    return line.removeprefix(prefix)[:-1]


ROUTES: dict[str, Route] = {
    "chat stream": Route(lambda d: ["chat", "Tell me a story"], CHAT),
    "chat": Route(lambda d: ["chat", "Tell me a story", "--no-stream"], CHAT),
    "compare": Route(
        lambda d: ["compare", "Which is best?", "--models", "openai/gpt-4o,gpt-4o-mini"],
        CHAT,
        per_attempt=2,
        sentence=_compare_sentence,
    ),
    "tool round": Route(
        lambda d: ["chat", "Weather in Paris?", "--approve-tools", "--tools"],
        CHAT,
        before=1,
        sentence=_error_line,
    ),
    "image": Route(
        lambda d: ["image", "a red fox", "-o", str(d / "out")],
        "/v1/images/generations",
        media=IMAGE_SUFFIXES,
    ),
    "image edit": Route(
        _edit_argv,
        "/v1/images/edits",
        media=IMAGE_SUFFIXES,
    ),
    "stt": Route(
        lambda d: ["stt", str(tone(d)), "-o", str(d / "out" / "voice.txt")],
        "/v1/stt",
        media=AUDIO_SUFFIXES,
        fallback_on_404=True,
    ),
    "tts": Route(
        lambda d: ["tts", "Hello there", "-o", str(d / "out" / "hello.wav")],
        "/v1/tts",
        media=AUDIO_SUFFIXES,
    ),
    "models": Route(lambda d: ["models"], "/v1/models"),
    "transactions": Route(
        lambda d: ["usage", "--gateway"], "/v2/billing/transactions", sentence=_gateway_sentence
    ),
}


@pytest.fixture
def toolbox() -> ToolBoxWithHook:
    return ToolBoxWithHook()


@pytest.fixture
def matrix_cli(
    gateway: FakeApi,
    cli: Cli,
    write_settings: Callable[..., Path],
    quick_policy: None,
    monkeypatch: pytest.MonkeyPatch,
    toolbox: ToolBoxWithHook,
) -> Cli:
    write_settings(max_retries=MAX_RETRIES, read_timeout=20, connect_timeout=2)
    gateway.options.tool_calls = [{"name": "get_weather", "arguments": {"city": "Paris"}}]
    gateway.options.stt_statuses = []  # the job is done at the first status check
    box = toolbox
    parser = build_parser()
    monkeypatch.setattr("app.cli.build_parser", lambda: parser)  # built once: cells stay quick
    monkeypatch.setattr(
        "app.chat_cli.build_toolbox", lambda services, args: box if args.tools else None
    )
    return cli


def _stored_user_texts(data_dir: Path) -> list[str]:
    texts: list[str] = []
    for path in data_dir.rglob("*.sqlite3"):
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "messages" in tables:
                rows = db.execute("SELECT content FROM messages WHERE role = 'user'")
                texts += [r[0] for r in rows]
    return texts


def run_cell(
    gateway: FakeApi,
    cli: Cli,
    route: Route,
    fault: FaultCase,
    folder: Path,
    user_dirs: dict[str, Path],
    toolbox: ToolBoxWithHook,
) -> None:
    argv = route.argv(folder)
    if fault.timeout:
        argv = ["--timeout", str(SHORT_TIMEOUT), *argv]
    roots = (folder, *user_dirs.values())
    before_files = files_under(*roots)
    gateway.clear_requests()

    def stop_while_the_tool_runs(refusal: Refusal) -> None:
        toolbox.while_running = refusal.close

    with injected(
        gateway,
        fault,
        route.path,
        before=route.before,
        per_attempt=route.attempts_of(fault),
        refuse_later=stop_while_the_tool_runs,
    ):
        result = cli(*argv)

    sentence = route.sentence(result)
    problem = clear_sentence_problem(sentence)
    assert problem is None, problem
    assert TEST_KEY not in result.out + result.err

    sent = [r for r in gateway.requests if r.path.startswith(route.path)]
    wanted = expected_requests(fault, before=route.before, per_attempt=route.attempts_of(fault))
    assert len(sent) == wanted, f"{len(sent)} requests to {route.path}, the policy says {wanted}"

    problems = half_written(before_files, files_under(*roots), media=route.media)
    assert not problems, problems
    if "chat" in argv:
        prompt = argv[argv.index("chat") + 1]
        assert prompt in _stored_user_texts(user_dirs["data"]), "the prompt was not kept"

    gateway.clear_requests()
    again = cli(*route.argv(folder))
    assert again.code == 0, f"the next request failed: {again.err}"


@pytest.mark.parametrize("fault_name", FAULT_NAMES)
@pytest.mark.parametrize("route_name", list(ROUTES))
def test_cli_cell(
    gateway: FakeApi,
    matrix_cli: Cli,
    tmp_path: Path,
    isolated_user_dirs: dict[str, Path],
    toolbox: ToolBoxWithHook,
    route_name: str,
    fault_name: str,
) -> None:
    fault = BY_NAME[fault_name]
    route = ROUTES[route_name]
    try:
        run_cell(gateway, matrix_cli, route, fault, tmp_path, isolated_user_dirs, toolbox)
    except BaseException as exc:
        detail = (str(exc).splitlines() or [type(exc).__name__])[0][:160]
        RESULTS.record("command line", route_name, fault_name, False, detail)
        raise
    RESULTS.record("command line", route_name, fault_name, True)
