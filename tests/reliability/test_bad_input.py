"""Bad input, as a person (or a hostile server) gives it: each case gets one clear sentence, or
is handled correctly, and loses nothing.

The cases, by number (each test names the numbers it covers):

Prompts
  1. an empty prompt                          2. a prompt of spaces, tabs and newlines
  3. a 5 MB prompt, sent and kept whole        4. control characters in a prompt, kept as typed
  5. emoji, kept                               6. right-to-left text, kept
  7. a NUL byte and zero-width characters      8. ``--temperature nan`` / ``inf``
  9. ``--temperature 5``, ``--top-p 2``        10. ``--max-tokens 0``
 11. an unknown ``--conversation`` id         12. an empty image prompt and empty speech text
Audio files for speech to text
 13. a file that is not audio                 14. a zero-byte file
 15. a truncated MP3                          16. a 2 GB sparse file, refused without reading it
 17. a file with no read permission           18. a path that vanishes after it was queued
 19. a folder instead of a file               20. a URL with a non-http scheme (file:, ftp:)
Images and audio from the server
 21. a 30,000 × 30,000-pixel image response, refused without decoding it
 22. an image response that is not an image   23. an expired image URL
 24. an expired speech audio URL
 25. server-supplied file names with ``../``, never used as a path
Replies shown as Markdown
 26. ``<script>``, remote ``<img>``, ``javascript:``, ``file:`` and ``data:`` links stay inert
Base URLs
 27. a base URL with a path                   28. a base URL ending in ``/v1`` (no ``/v1/v1``)
 29. a non-http scheme (ftp:, file:, javascript:)   30. no scheme at all, or spaces only
Documents
 31. an encrypted PDF                         32. a scanned PDF (no text layer)
 33. a zip-bomb DOCX                          34. a file that is no document at all
Tools
 35. a tool result of 50 MB, capped           36. a tool name the model invents
 37. an MCP server printing garbage to stdout 38. an MCP command that does not exist
 39. tool arguments that are not a JSON object
Backups and the app's own files
 40. a backup zip with ``../`` member names   41. a corrupt backup zip
 42. a corrupt settings.json: defaults, the file kept aside
 43. a corrupt tools.json                     44. a corrupt assistants file
 45. ``--mcp`` with ``--no-history``: the tools run, nothing is stored
"""

from __future__ import annotations

import base64
import json
import os
import resource
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from app.services.context import Services
from app.storage.chat_store import ChatStore
from app.storage.history import HistoryDatabase
from app.storage.paths import config_dir, data_dir, history_db_path
from tests.cli.conftest import TEST_KEY, CliResult
from tests.documents_factory import write_pdf
from tests.fake_api import FakeApi, Fault, Reply
from tests.mcp_server import command_line

Cli = Callable[..., CliResult]
CHAT = "/v1/chat/completions"


def _stored_prompts() -> list[str]:
    db = HistoryDatabase(history_db_path())
    try:
        store = ChatStore(db)
        return [
            m.content
            for c in store.conversations()
            for m in store.messages(c.id)
            if m.role == "user"
        ]
    finally:
        db.close()


# -- prompts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("prompt", ["", " \t\n  "], ids=["1-empty", "2-whitespace"])
def test_empty_prompts_are_refused_before_any_request(
    gateway: FakeApi, cli: Cli, prompt: str
) -> None:
    sentence = cli("chat", prompt).assert_one_error(code=2)
    assert "empty" in sentence.lower() or "nothing" in sentence.lower(), sentence
    assert gateway.requests == []


@pytest.mark.parametrize(
    "prompt",
    [
        "x" * (5 * 1024 * 1024),
        "bell \x07 escape \x1b[2J tab\tform\x0cfeed",
        "emoji 👋🏽 👩‍👩‍👧 ✅",
        "שלום עולם ومرحبا بالعالم",
        "nul \x00 and zero\u200bwidth\u200d joiner \ufeff",
    ],
    ids=["3-5mb", "4-controls", "5-emoji", "6-rtl", "7-nul-zero-width"],
)
def test_unusual_prompts_are_sent_and_kept_exactly(gateway: FakeApi, cli: Cli, prompt: str) -> None:
    result = cli("chat", "--no-stream", "--raw", prompt)
    assert result.code == 0, result.err[:500]
    sent = gateway.requests[-1].json["messages"][-1]["content"]
    assert sent == prompt
    assert _stored_prompts() == [prompt]


@pytest.mark.parametrize(
    "options",
    [
        ["--temperature", "nan"],
        ["--temperature", "inf"],
        ["--temperature", "5"],
        ["--top-p", "2"],
        ["--max-tokens", "0"],
    ],
    ids=["8-nan", "8-inf", "9-temperature", "9-top-p", "10-max-tokens"],
)
def test_out_of_range_options_are_refused_before_any_request(
    gateway: FakeApi, cli: Cli, options: list[str]
) -> None:
    sentence = cli("chat", "Hi", *options).assert_one_error(code=2)
    assert options[0].lstrip("-").replace("-", " ") in sentence.lower(), sentence
    assert gateway.requests == []


def test_an_unknown_conversation_is_one_sentence(gateway: FakeApi, cli: Cli) -> None:  # 11
    sentence = cli("chat", "Hi", "--conversation", "999999").assert_one_error(code=2)
    assert "999999" in sentence
    assert gateway.requests == []


@pytest.mark.parametrize(
    "argv",
    [["image", "  "], ["tts", ""], ["complete", "\n"]],
    ids=["12-image", "12-tts", "12-complete"],
)
def test_empty_image_and_speech_texts_are_refused(
    gateway: FakeApi, cli: Cli, argv: list[str], tmp_path: Path
) -> None:
    os.chdir(tmp_path)
    cli(*argv).assert_one_error(code=2)
    assert gateway.requests == []
    assert list(tmp_path.iterdir()) == []


# -- audio files -----------------------------------------------------------------------------


def _mp3(tmp_path: Path, speech_wav: Path) -> Path:
    path = tmp_path / "speech.mp3"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(speech_wav), str(path)], check=True, timeout=60
    )
    return path


@pytest.mark.parametrize("case", ["13-not-audio", "14-zero-bytes", "19-folder"])
def test_files_that_are_no_audio_are_refused_before_upload(
    gateway: FakeApi, cli: Cli, tmp_path: Path, case: str
) -> None:
    path = tmp_path / "recording.mp3"
    if case == "13-not-audio":
        path.write_text("these are meeting notes, not a recording\n" * 50)
    elif case == "14-zero-bytes":
        path.write_bytes(b"")
    else:
        path.mkdir()
    sentence = cli("stt", str(path)).assert_one_error()
    assert "recording.mp3" in sentence, sentence
    assert gateway.requests == []


def test_a_truncated_mp3_is_sent_or_refused_with_a_sentence(
    gateway: FakeApi, cli: Cli, tmp_path: Path, speech_wav: Path
) -> None:  # 15
    whole = _mp3(tmp_path, speech_wav)
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 3])
    result = cli("stt", str(cut))
    if result.code == 0:
        assert "quick brown fox" in result.out
    else:
        assert "cut.mp3" in result.assert_one_error()


def test_a_2_gb_sparse_file_is_refused_without_being_read(
    gateway: FakeApi, cli_process: Cli, tmp_path: Path
) -> None:  # 16
    sparse = tmp_path / "huge.wav"
    with sparse.open("wb") as handle:
        handle.truncate(2 * 1024**3)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = cli_process("stt", str(sparse))
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert "huge.wav" in result.assert_one_error()
    assert max(peak_kb, before) < 400 * 1024, f"a child used {peak_kb / 1024:.0f} MB"
    assert gateway.requests == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file whatever its permission")
def test_a_file_without_read_permission_is_one_sentence(
    gateway: FakeApi, cli: Cli, tmp_path: Path, speech_wav: Path
) -> None:  # 17
    locked = tmp_path / "locked.wav"
    locked.write_bytes(speech_wav.read_bytes())
    locked.chmod(0)
    try:
        sentence = cli("stt", str(locked)).assert_one_error()
    finally:
        locked.chmod(0o600)
    assert "locked.wav" in sentence and "permission" in sentence.lower()
    assert gateway.requests == []


def test_a_file_that_vanishes_after_it_was_queued_fails_its_row_only(
    fake_api: FakeApi, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, speech_wav: Path
) -> None:  # 18
    import asyncio

    from app.services.stt_queue import SttQueue
    from app.storage.settings import Settings

    monkeypatch.setenv("AIML_API_KEY", TEST_KEY)
    fake_api.options.stt_statuses = ["queued"]
    first, second = tmp_path / "first.wav", tmp_path / "second.wav"
    first.write_bytes(speech_wav.read_bytes())
    second.write_bytes(speech_wav.read_bytes())
    fake_api.script("/v1/stt/create", Fault.delay(0.5))
    services = Services(Settings(base_url=fake_api.url, max_retries=0, stt_parallel=1))
    services.transcription.poll_interval = 0.02
    try:
        queue = SttQueue(services)
        queue.load()

        async def go() -> None:
            added, refused = await queue.add_files([first, second], "#g1_nova-2-general", {})
            assert len(added) == 2 and refused == []
            second.unlink()  # gone before its turn
            while not all(job.record.finished for job in queue.jobs()):
                await asyncio.sleep(0.02)

        asyncio.run(asyncio.wait_for(go(), 30))
        done, gone = queue.jobs()
        assert done.status in ("done", "failed")
        assert gone.status == "failed"
        assert "second.wav" in (gone.record.error or "") and "\n" not in (gone.record.error or "")
    finally:
        services.close()


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/a.mp3"], ids=["20-file", "20-ftp"]
)
def test_a_url_with_another_scheme_is_refused(gateway: FakeApi, cli: Cli, url: str) -> None:
    result = cli("stt", url)
    result.assert_one_error()
    assert gateway.requests == []


# -- images and audio from the server --------------------------------------------------------


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` × ``height`` (its pixels are never there)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    )


@pytest.mark.parametrize(
    "data",
    [_png_header(30_000, 30_000), b"<html>an error page, not an image</html>"],
    ids=["21-30000px", "22-not-an-image"],
)
def test_an_image_reply_that_cannot_be_kept_is_refused_and_nothing_is_saved(
    gateway: FakeApi, cli: Cli, tmp_path: Path, data: bytes
) -> None:
    gateway.script(
        "/v1/images/generations",
        Reply(json={"data": [{"b64_json": base64.b64encode(data).decode()}]}),
    )
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sentence = cli("image", "a very large red dot", "-o", str(tmp_path)).assert_one_error()
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert "image" in sentence.lower(), sentence
    assert grown_mb < 200, f"the peak memory grew by {grown_mb:.0f} MB"  # 30,000² RGBA is 3.4 GB
    assert list(tmp_path.iterdir()) == []
    assert (
        not list((data_dir() / "images").glob("*.png"))
        if (data_dir() / "images").exists()
        else True
    )


def test_an_expired_image_url_is_one_sentence(
    gateway: FakeApi, cli: Cli, tmp_path: Path
) -> None:  # 23
    gateway.options.image_shape = "images"  # fal: a URL to fetch
    gateway.options.image_expired = True
    sentence = cli("image", "a red dot", "-o", str(tmp_path)).assert_one_error()
    assert "expired" in sentence.lower() or "could not be downloaded" in sentence.lower(), sentence
    assert list(tmp_path.iterdir()) == []


def test_an_expired_speech_url_is_one_sentence(
    gateway: FakeApi, cli: Cli, tmp_path: Path
) -> None:  # 24
    gateway.options.tts_mode = "json_url"
    gateway.options.image_expired = True  # every /files link answers 404
    target = tmp_path / "speech.wav"
    sentence = cli("tts", "Hello there", "-o", str(target)).assert_one_error()
    assert "expired" in sentence.lower() or "could not be downloaded" in sentence.lower(), sentence
    assert list(tmp_path.iterdir()) == []


def test_server_file_names_with_dot_dot_are_never_used_as_paths(
    gateway: FakeApi, cli: Cli, tmp_path: Path
) -> None:  # 25
    from tests.fake_api.media import png_bytes

    picture = base64.b64encode(png_bytes(8, 8)).decode()
    gateway.script(
        "/v1/images/generations",
        Reply(json={
            "data": [{
                "b64_json": picture,
                "file_name": "../../../escaped.png",
                "revised_prompt": "../../../escaped",
            }],
        }),
    )  # fmt: skip
    out = tmp_path / "out"
    result = cli("image", "../../etc/passwd", "-o", str(out))
    assert result.code == 0, result.err
    saved = [p for p in out.rglob("*") if p.is_file()]
    assert saved and all(p.parent == out for p in saved), saved
    assert not any(p.name.startswith("escaped") for p in tmp_path.rglob("*"))
    assert not any(p.name.startswith("escaped") for p in data_dir().rglob("*"))


# -- Markdown replies ------------------------------------------------------------------------


def test_hostile_markdown_is_rendered_inert() -> None:  # 26
    from app.services.markdown_render import MarkdownRenderer

    html = MarkdownRenderer().render(
        '<script>alert(1)</script>\n\n<img src="https://tracker.example/p.png">\n\n'
        "![remote](https://tracker.example/q.png)\n\n"
        "[js](javascript:alert(1)) [file](file:///etc/passwd) [data](data:text/html,<b>x</b>)\n\n"
        '<a href="javascript:alert(2)">raw</a> <iframe src="https://evil.example"></iframe>'
    )
    lowered = html.lower()
    for dangerous in (
        "<script",
        "<img",
        "<iframe",
        'href="javascript:',
        'href="file:',
        'href="data:',
    ):
        assert dangerous not in lowered, (dangerous, html)
    assert "alert(1)" in html  # shown as text, not dropped


# -- base URLs -------------------------------------------------------------------------------


def test_a_base_url_with_a_path_keeps_the_path(gateway: FakeApi, cli: Cli) -> None:  # 27
    result = cli("--base-url", f"{gateway.url}/proxy", "chat", "Hi", "--no-history")
    assert gateway.requests[0].path == "/proxy/v1/chat/completions"
    if result.code != 0:
        result.assert_one_error()


def test_a_base_url_ending_in_v1_is_not_doubled(gateway: FakeApi, cli: Cli) -> None:  # 28
    for variant in (f"{gateway.url}/v1", f"{gateway.url}/v1/", f"{gateway.url}/"):
        result = cli("--base-url", variant, "chat", "Hi", "--no-history", "--no-stream")
        assert (result.code, result.out) == (0, "Echo: Hi\n"), result.err
    assert {r.path for r in gateway.requests} == {"/v1/chat/completions"}


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com", "file:///etc", "javascript:alert(1)", "localhost:8080", "   ", "http://"],
    ids=["29-ftp", "29-file", "29-javascript", "30-no-scheme", "30-spaces", "30-no-host"],
)
def test_a_base_url_that_is_not_http_is_refused(gateway: FakeApi, cli: Cli, url: str) -> None:
    sentence = cli("--base-url", url, "chat", "Hi").assert_one_error(code=2)
    assert "http" in sentence.lower(), sentence
    assert gateway.requests == []


# -- documents -------------------------------------------------------------------------------


def _zip_bomb_docx(path: Path) -> Path:
    """A .docx whose document part unpacks to 300 MB of one repeated byte (a few hundred KB)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"<w:t>a</w:t>" * 100_000
            for _ in range(300 * 1024 * 1024 // len(block)):
                member.write(block)
    return path


@pytest.mark.parametrize("case", ["31-encrypted", "32-scanned", "33-zip-bomb", "34-not-a-document"])
def test_documents_that_cannot_be_read_are_one_sentence_and_no_request(
    gateway: FakeApi, cli: Cli, tmp_path: Path, case: str
) -> None:
    if case == "31-encrypted":
        path = write_pdf(tmp_path / "secret.pdf", ["The plan for Tuesday."], password="s3cret")
        words = ("encrypted", "password")
    elif case == "32-scanned":
        path = write_pdf(tmp_path / "scan.pdf", ["", ""])
        words = ("no text", "scanned")
    elif case == "33-zip-bomb":
        path = _zip_bomb_docx(tmp_path / "bomb.docx")
        words = ("refused", "unpacks")
    else:
        path = tmp_path / "report.pdf"
        path.write_bytes(os.urandom(4096))
        words = ("could not be read", "damaged", "not a pdf")
    sentence = cli("chat", "Summarise it", "--attach", str(path)).assert_one_error()
    assert path.name in sentence and any(w in sentence.lower() for w in words), sentence
    assert gateway.requests == []


# -- tools -----------------------------------------------------------------------------------


def _tool_chat(
    gateway: FakeApi, cli_process: Cli, calls: list[dict[str, object]], *mcp: str
) -> CliResult:
    gateway.options.tool_calls = calls
    args = [part for command in mcp for part in ("--mcp", command)]
    return cli_process("chat", "Use the tools", *args, "--approve-tools")


def test_a_50_mb_tool_result_is_capped_before_it_is_sent_or_stored(
    gateway: FakeApi, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:  # 35 (a local tool: 50 MB through the MCP SDK's stdio pipe takes a minute here)
    from tests.tools import local_toolbox

    size = 50 * 1024 * 1024
    monkeypatch.setitem(local_toolbox.FUNCTIONS, "dump", lambda: "y" * size)
    monkeypatch.setitem(local_toolbox.SCHEMAS, "dump", {"type": "object", "properties": {}})
    box = local_toolbox.LocalToolBox(["dump"])
    monkeypatch.setattr("app.chat_cli.build_toolbox", lambda services, args: box)
    gateway.options.tool_calls = [{"name": "dump", "arguments": {}}]
    result = cli("chat", "Dump it", "--approve-tools", "--no-stream")
    assert result.code == 0, result.err[-2000:]
    answer = [r for r in gateway.requests if r.path.endswith("/chat/completions")][-1]
    [tool_message] = [m for m in answer.json["messages"] if m["role"] == "tool"]
    assert 1000 < len(tool_message["content"]) < 1024 * 1024
    assert len(answer.body) < 2 * 1024 * 1024
    assert "result truncated" in result.err
    assert history_db_path().stat().st_size < 4 * 1024 * 1024


def test_a_tool_name_the_model_invents_never_runs(gateway: FakeApi, cli_process: Cli) -> None:  # 36
    result = _tool_chat(
        gateway, cli_process, [{"name": "delete_everything", "arguments": {}}], command_line()
    )
    assert result.code == 0, result.err
    answer = [r for r in gateway.requests if r.path.endswith("/chat/completions")][-1]
    [tool_message] = [m for m in answer.json["messages"] if m["role"] == "tool"]
    assert (
        "delete_everything" in tool_message["content"]
        and "no tool" in tool_message["content"].lower()
    )


def test_an_mcp_server_printing_garbage_still_answers(
    gateway: FakeApi, cli_process: Cli
) -> None:  # 37
    result = _tool_chat(
        gateway, cli_process, [{"name": "garbage", "arguments": {}}], command_line()
    )
    assert result.code == 0, result.err
    assert result.out == "From the tools: garbage said answered after garbage.\n"


def test_an_mcp_command_that_does_not_exist_is_a_note(gateway: FakeApi, cli: Cli) -> None:  # 38
    result = cli("chat", "Hello", "--mcp", "/nonexistent/mcp-server --flag")
    assert result.code == 0, result.err
    assert result.out == "Echo: Hello\n"
    [note] = [line for line in result.err_lines if "note:" in line]
    assert "/nonexistent/mcp-server" in note and "Traceback" not in result.err


def test_tool_arguments_that_are_not_an_object_never_run(
    gateway: FakeApi, cli_process: Cli
) -> None:  # 39
    calls: list[dict[str, object]] = [{"name": "echo", "arguments_text": "[1, 2, 3]"}]
    result = _tool_chat(gateway, cli_process, calls, command_line("--prefix", "RAN-"))
    assert result.code == 0, result.err
    assert "RAN-" not in result.out + result.err


def test_tools_with_no_history_still_run_and_store_nothing(
    gateway: FakeApi, cli_process: Cli
) -> None:  # 45
    gateway.options.tool_calls = [{"name": "echo", "arguments": {"text": "hi"}}]
    result = cli_process(
        "chat", "Echo hi", "--mcp", command_line("--prefix", "RAN-"), "--approve-tools",
        "--no-history",
    )  # fmt: skip
    assert (result.code, result.out) == (0, "From the tools: echo said RAN-hi.\n"), result.err
    assert _stored_prompts() == []


# -- backups and the app's own files ---------------------------------------------------------


def _backup_with(path: Path, members: dict[str, bytes]) -> Path:
    import hashlib

    files = [
        {"path": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
        for n, d in members.items()
    ]
    manifest = {"format": "aiml-desktop.backup", "format_version": 1, "app": "AIML Desktop",
                "schema_version": 1, "files": files}  # fmt: skip
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("case", ["40-dot-dot", "41-corrupt"])
def test_a_bad_backup_is_refused_and_changes_nothing(
    gateway: FakeApi, cli: Cli, tmp_path: Path, case: str
) -> None:
    assert cli("chat", "keep me", "--no-stream").code == 0
    before = _stored_prompts()
    if case == "40-dot-dot":
        archive = _backup_with(tmp_path / "evil.zip", {"data/../../../escaped.txt": b"pwned"})
    else:
        archive = tmp_path / "broken.zip"
        archive.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    sentence = cli("restore", str(archive), "--yes").assert_one_error()
    assert archive.name in sentence, sentence
    assert _stored_prompts() == before
    near = {*data_dir().parents, *tmp_path.parents}  # wherever ../../../ could reach
    assert not [p for p in near if (p / "escaped.txt").exists()]


def test_a_corrupt_settings_file_gives_defaults_and_is_kept_aside(cli: Cli) -> None:  # 42
    from app.storage.settings import Settings, load_settings, save_settings

    path = config_dir() / "settings.json"
    broken = b'{"base_url": "https://my.proxy.example", "theme": "dark",,}'
    path.write_bytes(broken)
    assert load_settings() == Settings()
    save_settings(Settings(theme="light"))  # the next save, e.g. from the settings dialog
    [kept] = list(config_dir().glob("settings.json.unreadable-*"))
    assert kept.read_bytes() == broken


def test_a_corrupt_tools_file_is_kept_aside_and_said(gateway: FakeApi, cli: Cli) -> None:  # 43
    from app.storage.tool_config import ToolConfigStore

    path = config_dir() / "tools.json"
    broken = b'{"servers": [{"id": "s1", "name": "files", "command": "mcp-files"}'
    path.write_bytes(broken)
    store = ToolConfigStore()
    assert store.load().servers == ()
    assert "could not be read" in (store.notice() or "")
    store.save(store.load())  # e.g. an "always allow" saved during a chat
    [kept] = list(config_dir().glob("tools.json.unreadable-*"))
    assert kept.read_bytes() == broken


def test_a_corrupt_assistants_file_is_one_sentence(gateway: FakeApi, cli: Cli) -> None:  # 44
    from app.storage.assistants import library_path

    path = library_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"assistants": [{"name": "Editor"', encoding="utf-8")
    sentence = cli("assistants", "list").assert_one_error()
    assert "assistants" in sentence.lower(), sentence
    assert path.read_text(encoding="utf-8") == '{"assistants": [{"name": "Editor"'
