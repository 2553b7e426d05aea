"""Speech to text: ``/v1/stt/create`` + ``/v1/stt/{id}``, legacy ``/v1/stt``, and the OpenAI
dialect ``/v1/audio/transcriptions``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tests.fake_api.exchange import Exchange
from tests.fake_api.media import wav_duration
from tests.fake_api.records import Recorded
from tests.fake_api.transcripts import (
    Transcript,
    openai_result,
    result_in_shape,
    shape_for_model,
    subtitles,
    truthy,
)


@dataclass
class SttJob:
    generation_id: str
    model: str
    shape: str
    transcript: Transcript
    source_url: str | None
    params: dict[str, Any]
    statuses: list[str]
    error: str | None
    envelope: str
    polls: int = field(default=0)


@dataclass(frozen=True)
class SttInput:
    model: str
    params: dict[str, Any]
    url: str | None
    audio: bytes | None


def request_fields(request: Recorded) -> dict[str, Any]:
    if request.form or request.files:
        return dict(request.form)
    return dict(request.json) if isinstance(request.json, dict) else {}


def file_field_for(model: str) -> str:
    return "file" if model.startswith("openai/") and "transcribe" in model else "audio"


def read_input(ex: Exchange) -> SttInput | None:
    """The model, options and audio source of the request, or None after answering 400."""
    params = request_fields(ex.request)
    model = params.get("model")
    if not isinstance(model, str) or not model:
        ex.send_validation_error("model: Required")
        return None
    field_name = file_field_for(model)
    upload = ex.request.files.get(field_name)
    url = params.get("url")
    if bool(upload) == bool(url):
        which = "both" if upload and url else "neither"
        ex.send_validation_error(f"Provide exactly one of url or {field_name} ({which} given).")
        return None
    return SttInput(model, params, url if isinstance(url, str) else None, upload and upload[1])


def transcript_for(ex: Exchange, source: SttInput) -> Transcript:
    duration = wav_duration(source.audio) if source.audio else None
    diarize = truthy(source.params.get("diarize")) or truthy(source.params.get("speaker_labels"))
    return Transcript(ex.options.stt_text, duration or ex.options.stt_duration, diarize)


USD_PER_AUDIO_SECOND = 1e-4


def charge_seconds(ex: Exchange, model: str, transcript: Transcript) -> None:
    usd = round(transcript.duration * USD_PER_AUDIO_SECOND, 9)
    ex.state.charge(model, {"usd_spent": usd, "credits_used": round(usd * 2_000_000)})


def handle_create(ex: Exchange, _match: re.Match[str]) -> None:
    source = read_input(ex)
    if source is None:
        return
    options = ex.options
    job = SttJob(
        generation_id=ex.inference_id,
        model=source.model,
        shape=options.stt_shape or shape_for_model(source.model),
        transcript=transcript_for(ex, source),
        source_url=source.url,
        params=source.params,
        statuses=list(options.stt_statuses),
        error=options.stt_error,
        envelope=options.stt_envelope,
    )
    with ex.state.lock:
        ex.state.jobs[job.generation_id] = job
    if job.error is None:
        charge_seconds(ex, job.model, job.transcript)
    first = job.statuses[0] if job.statuses else "queued"
    ex.send_json({"generation_id": job.generation_id, "status": first})


def poll_answer(job: SttJob, poll: int) -> dict[str, Any]:
    id_key, payload_key = (
        ("id", "output") if job.envelope == "output" else ("generation_id", "result")
    )
    if poll < len(job.statuses):
        return {id_key: job.generation_id, "status": job.statuses[poll]}
    if job.error is not None:
        error = {"name": "TranscriptionError", "message": job.error}
        return {id_key: job.generation_id, "status": "error", payload_key: None, "error": error}
    result = result_in_shape(
        job.shape,
        job.transcript,
        model=job.model,
        source_url=job.source_url,
        options=job.params,
    )
    return {id_key: job.generation_id, "status": "completed", payload_key: result, "error": None}


def handle_poll(ex: Exchange, match: re.Match[str]) -> None:
    generation_id = match.group("generation_id")
    with ex.state.lock:
        job = ex.state.jobs.get(generation_id)
        if job is not None:
            poll = job.polls
            job.polls += 1
    if job is None:
        ex.send_error(404, f"Generation {generation_id} not found")
        return
    ex.inference_id = generation_id
    ex.send_json(poll_answer(job, poll), status=200)


def handle_legacy(ex: Exchange, _match: re.Match[str]) -> None:
    source = read_input(ex)
    if source is None:
        return
    transcript = transcript_for(ex, source)
    charge_seconds(ex, source.model, transcript)
    ex.send_json(
        result_in_shape(
            "deepgram", transcript, model=source.model, source_url=source.url, options=source.params
        )
    )


def handle_openai_transcription(ex: Exchange, _match: re.Match[str]) -> None:
    request = ex.request
    model = request.form.get("model")
    upload = request.files.get("file")
    if not model or upload is None:
        ex.send_validation_error("model and file: Required")
        return
    source = SttInput(model, dict(request.form), None, upload[1])
    transcript = transcript_for(ex, source)
    charge_seconds(ex, model, transcript)
    response_format = request.form.get("response_format", "json")
    if response_format in ("srt", "vtt"):
        ex.send(
            200,
            subtitles(transcript, response_format).encode(),
            content_type="text/plain; charset=utf-8",
        )
    elif response_format == "text":
        ex.send(200, (transcript.text + "\n").encode(), content_type="text/plain; charset=utf-8")
    elif response_format == "verbose_json":
        ex.send_json(verbose_json(transcript, request.form.get("language", "en")), status=200)
    else:
        ex.send_json(openai_result(transcript), status=200)


def verbose_json(transcript: Transcript, language: str) -> dict[str, Any]:
    segments = [
        {
            "id": index,
            "start": turn[0].start,
            "end": turn[-1].end,
            "text": " ".join(w.text for w in turn),
        }
        for index, turn in enumerate(transcript.turns())
    ]
    words = [{"word": w.text, "start": w.start, "end": w.end} for w in transcript.words]
    return {
        "task": "transcribe",
        "language": language,
        "duration": round(transcript.duration, 3),
        "text": transcript.text,
        "segments": segments,
        "words": words,
    }
