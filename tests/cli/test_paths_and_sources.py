"""A place the output cannot go is said before any paid request, naming that place; a source
the server cannot fetch is said in a sentence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.errors import StorageError
from app.storage.atomic import check_writable, write_bytes_atomic
from tests.fake_api import FakeApi


def _paid_requests(api: FakeApi) -> list[str]:
    paid = ("/images/", "/tts", "/audio/", "/stt")
    return [r.path for r in api.requests if any(part in r.path for part in paid)]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (("tts", "hello", "-o", "/proc/nope.wav"), "/proc/nope.wav"),
        (("image", "a cat", "-o", "/proc"), "/proc"),
        (("image", "a cat", "-o", "{file}"), "{file}"),
        (("tts", "hello", "-o", "{folder}"), "{folder}"),
    ],
)
def test_a_bad_output_place_is_refused_before_the_request(
    gateway: FakeApi, cli: Any, tmp_path: Path, argv: tuple[str, ...], named: str
) -> None:
    a_file = tmp_path / "plain.txt"
    a_file.write_text("not a folder")
    places = {"{file}": str(a_file), "{folder}": str(tmp_path)}
    argv = tuple(places.get(arg, arg) for arg in argv)
    result = cli(*argv)
    sentence = result.assert_one_error(code=1)
    assert places.get(named, named) in sentence
    assert ".tmp" not in sentence and "aiml-write-check" not in sentence
    assert _paid_requests(gateway) == []  # nothing was paid for


def test_stt_checks_its_output_before_uploading(
    gateway: FakeApi, cli: Any, speech_wav: Path
) -> None:
    result = cli("stt", str(speech_wav), "-o", "/proc/transcript.txt")
    assert "/proc/transcript.txt" in result.assert_one_error(code=1)
    assert _paid_requests(gateway) == []


def test_a_good_place_is_left_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "new" / "speech.wav"
    assert check_writable(target) == target
    assert target.parent.is_dir() and list(target.parent.iterdir()) == []


def test_an_atomic_write_that_cannot_start_names_the_target(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as caught:
        write_bytes_atomic("/proc/nope.bin", b"x")
    assert "/proc/nope.bin" in caught.value.sentence
    assert ".tmp" not in caught.value.sentence


def test_a_recording_url_the_server_cannot_fetch_reads_as_a_sentence(
    gateway: FakeApi, cli: Any
) -> None:
    from tests.fake_api import Reply

    # the gateway passes the speech provider's error on inside its own message
    inner = (
        '{"err_code":"REMOTE_CONTENT_ERROR","err_msg":"The remote server hosting the media '
        'returned a client error: 404 Not Found.","request_id":"0b6e"}'
    )
    gateway.script(
        "/v1/stt/create",
        Reply(
            status=400,
            json={"message": f"400 {inner}", "path": "/v1/stt/create", "statusCode": 400},
        ),
    )
    sentence = cli("stt", "https://example.com/missing.mp3").assert_one_error(code=1)
    assert "could not be fetched" in sentence and "404 Not Found" in sentence
    assert "err_code" not in sentence and "{" not in sentence
