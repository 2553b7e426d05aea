"""Speech to text (create + poll, legacy sync, OpenAI dialect) and text to speech."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from app.api.audio_format import sniff_audio_format
from app.api.audio_types import SpeechAudio, Transcript
from app.api.errors import (
    ApiTimeoutError,
    CancelledByUser,
    InvalidInputError,
    JobFailedError,
    ResponseFormatError,
)
from app.api.multipart import MultipartFileBody
from app.api.stt_parsing import JobState, generation_id_of, job_state, parse_transcript
from app.api.transport import Transport, decode_json, quote_path_segment
from app.api.tts_parsing import locate_audio
from app.api.values import parse_cost

log = logging.getLogger(__name__)

STT_CREATE_PATH = "/v1/stt/create"
STT_POLL_PATH = "/v1/stt/"
STT_SYNC_PATH = "/v1/stt"
OPENAI_TRANSCRIBE_PATH = "/v1/audio/transcriptions"
TTS_PATH = "/v1/tts"
OPENAI_DEFAULT_VOICE = "alloy"
OPENAI_SPEECH_PATH = "/v1/audio/speech"
DEFAULT_MAX_AUDIO_BYTES = 200 * 1024 * 1024

ProgressCallback = Callable[[str, float | None], None]


def upload_field_for(model: str) -> str:
    """``file`` for OpenAI transcribe models, ``audio`` for every other STT family."""
    lowered = model.lower()
    return "file" if lowered.startswith("openai/") and "transcribe" in lowered else "audio"


def _check_source(file: Path | None, url: str | None) -> None:
    if (file is None) == (url is None):
        raise InvalidInputError("Give either an audio file or a URL, not both or neither.")
    if file is not None and not Path(file).is_file():
        raise InvalidInputError(f"The audio file does not exist: {file}.")


def _is_json_reply(response: requests.Response) -> bool:
    content_type = response.headers.get("content-type", "").lower()
    if "json" in content_type:
        return True
    if content_type.startswith("audio/") or "octet-stream" in content_type:
        return False
    return response.content[:1] in (b"{", b"[")


class AudioApi:
    """``/v1/stt*`` and ``/v1/tts`` (``/v1/audio/*`` in the openai dialect)."""

    def __init__(
        self,
        transport: Transport,
        *,
        dialect: str = "aimlapi",
        sleep: Callable[[float], None] = time.sleep,
        max_audio_bytes: int = DEFAULT_MAX_AUDIO_BYTES,
    ) -> None:
        self._transport = transport
        self._dialect = dialect
        self._sleep = sleep
        self.max_audio_bytes = max_audio_bytes

    # ----- speech to text -------------------------------------------------------------------

    def transcribe(
        self,
        *,
        model: str,
        file: Path | None = None,
        url: str | None = None,
        options: dict[str, Any] | None = None,
        cancel: threading.Event | None = None,
        on_progress: ProgressCallback | None = None,
        poll_interval: float = 3.0,
        poll_timeout: float = 900.0,
    ) -> Transcript:
        """Upload (or point at) audio and wait for its transcript."""
        _check_source(file, url)
        if self._dialect == "openai":
            return self._transcribe_openai(model, file, url, options, cancel, on_progress)
        body = self._post_source(STT_CREATE_PATH, model, file, url, options, cancel, on_progress)
        state = job_state(body)
        if state.succeeded and state.payload is not None:
            return parse_transcript(state.payload)
        generation_id = generation_id_of(body)
        return self._wait(generation_id, cancel, on_progress, poll_interval, poll_timeout)

    def create_transcription(
        self,
        *,
        model: str,
        file: Path | None = None,
        url: str | None = None,
        options: dict[str, Any] | None = None,
        cancel: threading.Event | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> str:
        """Submit a job (``POST /v1/stt/create``) and return its generation id."""
        _check_source(file, url)
        body = self._post_source(STT_CREATE_PATH, model, file, url, options, cancel, on_progress)
        return generation_id_of(body)

    def poll_transcription(self, generation_id: str) -> tuple[str, Transcript | None]:
        """One poll: the status word and, once finished, the transcript."""
        state = self._poll(generation_id)
        if state.failed:
            raise JobFailedError(_failure_sentence(state))
        if state.succeeded:
            if state.payload is None:
                raise ResponseFormatError("The transcription finished without a result.")
            return state.status, parse_transcript(state.payload)
        return state.status, None

    def transcribe_sync(
        self,
        *,
        model: str,
        file: Path | None = None,
        url: str | None = None,
        options: dict[str, Any] | None = None,
        cancel: threading.Event | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> Transcript:
        """Legacy ``POST /v1/stt``: the transcript in the answer (Deepgram body, unwrapped)."""
        _check_source(file, url)
        body = self._post_source(STT_SYNC_PATH, model, file, url, options, cancel, on_progress)
        state = job_state(body)
        if isinstance(body, dict) and ("result" in body or "output" in body):
            if state.failed:
                raise JobFailedError(_failure_sentence(state))
            return parse_transcript(state.payload)
        return parse_transcript(body)

    def _post_source(
        self,
        path: str,
        model: str,
        file: Path | None,
        url: str | None,
        options: dict[str, Any] | None,
        cancel: threading.Event | None,
        on_progress: ProgressCallback | None,
    ) -> Any:
        fields: dict[str, Any] = {**(options or {}), "model": model}
        if url is not None:
            _report(on_progress, "uploading", None)
            data, _ = self._transport.send_json("POST", path, json={**fields, "url": url})
            return data
        assert file is not None  # the callers give a file or a URL
        return self._upload(path, fields, upload_field_for(model), Path(file), cancel, on_progress)

    def _upload(
        self,
        path: str,
        fields: dict[str, Any],
        file_field: str,
        file: Path,
        cancel: threading.Event | None,
        on_progress: ProgressCallback | None,
    ) -> Any:
        def progress(fraction: float) -> None:
            _report(on_progress, "uploading", fraction)

        bodies: list[MultipartFileBody] = []

        def fresh_body() -> dict[str, Any]:
            body = MultipartFileBody(
                fields, file_field=file_field, path=file, on_progress=progress, cancel=cancel
            )
            bodies.append(body)
            return {"data": body, "headers": {"Content-Type": body.content_type}}

        try:
            data, _ = self._transport.send_json("POST", path, per_attempt=fresh_body)
        finally:
            for body in bodies:
                body.close()
        _raise_if_cancelled(cancel)
        return data

    def _poll(self, generation_id: str) -> JobState:
        data, _ = self._transport.send_json(
            "GET", STT_POLL_PATH + quote_path_segment(generation_id).replace("/", "%2F")
        )
        return job_state(data)

    def _wait(
        self,
        generation_id: str,
        cancel: threading.Event | None,
        on_progress: ProgressCallback | None,
        poll_interval: float,
        poll_timeout: float,
    ) -> Transcript:
        deadline = time.monotonic() + poll_timeout
        while True:
            _raise_if_cancelled(cancel)
            status, transcript = self.poll_transcription(generation_id)
            if transcript is not None:
                return transcript
            _report(on_progress, JobState(status).stage, None)
            if time.monotonic() >= deadline:
                raise ApiTimeoutError(
                    f"The transcription did not finish within {poll_timeout / 60:.0f} minutes."
                )
            self._pause(poll_interval, cancel)

    def _pause(self, seconds: float, cancel: threading.Event | None) -> None:
        if cancel is None:
            self._sleep(seconds)
        elif cancel.wait(seconds):
            raise CancelledByUser()

    def _transcribe_openai(
        self,
        model: str,
        file: Path | None,
        url: str | None,
        options: dict[str, Any] | None,
        cancel: threading.Event | None,
        on_progress: ProgressCallback | None,
    ) -> Transcript:
        if file is None:
            raise InvalidInputError("This provider transcribes files only, not URLs.")
        lowered = model.lower()
        plain_json = "gpt-4o" in lowered and "transcribe" in lowered
        fields: dict[str, Any] = {
            "response_format": "json" if plain_json else "verbose_json",
            **(options or {}),
            "model": model,
        }
        if not plain_json and "timestamp_granularities" not in fields:
            fields["timestamp_granularities[]"] = "segment"
        data = self._upload(OPENAI_TRANSCRIBE_PATH, fields, "file", Path(file), cancel, on_progress)
        return parse_transcript(data)

    # ----- text to speech -------------------------------------------------------------------

    def speech(self, body: dict[str, Any]) -> SpeechAudio:
        """Synthesise ``body`` (model + text or script + family parameters)."""
        path, payload = self._speech_request(body)
        response = self._transport.send("POST", path, json=payload, headers={"Accept": "*/*"})
        if _is_json_reply(response):
            data = decode_json(response)
            location = locate_audio(data)
            cost = parse_cost(data, response.headers)
            if location.data is not None:
                audio, source_url = location.data, None
            else:
                source_url = location.url
                audio, _ = self._transport.download(
                    source_url or "", max_bytes=self.max_audio_bytes, what="audio"
                )
        else:
            audio, source_url = _audio_body(response), None
            cost = parse_cost(None, response.headers)
        if not audio:
            raise ResponseFormatError("The server sent empty audio.")
        return SpeechAudio(
            data=audio, format=sniff_audio_format(audio), source_url=source_url, cost=cost
        )

    def _speech_request(self, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        if self._dialect != "openai":
            return TTS_PATH, dict(body)
        payload = dict(body)
        if "input" not in payload:
            payload["input"] = payload.pop("text", payload.pop("script", ""))
        if not payload.get("voice"):  # the OpenAI route requires one
            payload["voice"] = OPENAI_DEFAULT_VOICE
        return OPENAI_SPEECH_PATH, payload


def _audio_body(response: requests.Response) -> bytes:
    """The bytes of an audio reply; a text reply (a web page, a message) is refused."""
    content_type = response.headers.get("content-type", "").lower()
    if content_type.startswith("text/"):
        response.close()
        raise ResponseFormatError(f"The server sent text instead of audio ({content_type}).")
    return response.content


def _report(on_progress: ProgressCallback | None, stage: str, fraction: float | None) -> None:
    if on_progress is not None:
        on_progress(stage, fraction)


def _raise_if_cancelled(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise CancelledByUser()


def _failure_sentence(state: JobState) -> str:
    detail = f": {state.error}" if state.error else ""
    return f"The transcription failed ({state.status}){detail}."
