"""What the stand-in gateway answers when no script says otherwise."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FakeOptions:
    """Behaviour switches of :class:`tests.fake_api.FakeApi`; change them at any time in a test.

    Attributes:
        chat_reply: Fixed assistant text; empty means ``"Echo: <last user text>"``.
        reasoning: Reasoning text sent before the reply (``reasoning_content``); empty = none.
        stream_delay: Seconds between two stream events.
        include_done: End event streams with ``data: [DONE]``.
        stream_error_after: When set, a stream sends this many content events, then an
            ``{"error": {...}}`` event (an upstream failure mid-reply) and ends.
        usage_chunk: Send the final usage chunk (``choices: []`` + ``usage`` + ``meta.usage``).
        success_status: Status of successful POST answers (the gateway uses 200 or 201).
        error_status_code_as_string: Write ``statusCode`` as a string in error bodies.
        image_shape: ``data_url`` | ``data_b64`` | ``images`` | ``both`` | ``legacy`` |
            ``data_uri``; ``None`` picks by model family and ``response_format`` like the docs.
        image_format: ``png`` | ``jpeg``; ``None`` = body ``output_format``, else JPEG for
            fal-backed models (FLUX, SD3, Recraft, Imagen 4) and fal shapes, PNG otherwise.
        image_max_side: Longest side in pixels of generated images (kept small for speed).
        image_expired: Image/audio URLs handed out answer 404.
        upload_limit_bytes: Image requests (edits, or generations carrying ``image_url(s)``)
            with a larger body are answered 413, as a gateway in front of the model does.
        mask_refusing_models: Models whose ``/v1/images/edits`` answers 400 when a ``mask``
            comes with the images.
        stt_shape: ``deepgram`` | ``assemblyai`` | ``openai`` | ``mai``; ``None`` = by model.
        stt_statuses: Status words answered by polls before the job completes.
        stt_envelope: ``result`` (``generation_id`` + ``result``) or ``output``
            (``id`` + ``output``).
        stt_error: When set, the job ends with status ``error`` and this message.
        stt_text: Transcript text; words are spread evenly over the audio duration.
        stt_duration: Seconds of audio assumed when the upload is not a readable WAV.
        tts_mode: ``bytes`` | ``json_url`` | ``json_string`` | ``json_base64`` |
            ``json_data_uri``; ``None`` = by model family like the docs.
        tts_url_suffix: Suffix of audio URLs (``.mp3`` still serves WAV bytes).
        tts_seconds_per_char: Length of synthesised audio per input character.
        tts_max_seconds: Cap on synthesised audio length.
        models: Model list items; ``None`` = the default catalog.
        models_shape: ``data`` (``{object, data}``) | ``bare`` (array) | ``models`` (``{models}``).
        balance: ``current_balance`` of ``/v2/billing`` (USD).
        has_balance: False makes ``/v2/billing`` answer 404, as on a server without a balance.
        require_key: When set, every route but the model list needs ``Bearer <require_key>``.
        tool_calls: Calls the model makes when the request offers ``tools``, each
            ``{"name": ..., "arguments": {...}}`` (or ``"arguments_text"`` sent as it is, for
            malformed JSON); streamed in several pieces per call, all in one turn that ends
            with ``finish_reason: "tool_calls"``. Empty = the model never calls a tool.
        tool_call_rounds: How many turns in a row (after the person's last message) the model
            calls the tools before it answers in text using the results it was sent.
        tool_choice_ignored: The model calls tools even when the request says
            ``tool_choice: "none"`` (as some models do), so only the client can end the loop.
    """

    chat_reply: str = ""
    reasoning: str = ""
    stream_delay: float = 0.0
    include_done: bool = True
    stream_error_after: int | None = None
    usage_chunk: bool = True
    success_status: int = 200
    error_status_code_as_string: bool = False
    image_shape: str | None = None
    image_format: str | None = None
    image_max_side: int = 64
    image_expired: bool = False
    upload_limit_bytes: int = 20 * 1024 * 1024
    mask_refusing_models: tuple[str, ...] = ("openai/gpt-image-1-mini",)
    stt_shape: str | None = None
    stt_statuses: list[str] = field(default_factory=lambda: ["queued", "generating"])
    stt_envelope: str = "result"
    stt_error: str | None = None
    stt_text: str = (
        "The quick brown fox jumps over the lazy dog. "
        "A second voice answers that the dog was not lazy at all."
    )
    stt_duration: float = 8.0
    tts_mode: str | None = None
    tts_url_suffix: str = ".wav"
    tts_seconds_per_char: float = 0.06
    tts_max_seconds: float = 6.0
    models: list[dict[str, Any]] | None = None
    models_shape: str = "data"
    balance: float = 12.5
    has_balance: bool = True
    require_key: str | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    tool_call_rounds: int = 1
    tool_choice_ignored: bool = False
