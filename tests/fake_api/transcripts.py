"""Transcription results in the four documented shapes (Deepgram, AssemblyAI, OpenAI, MAI)."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from typing import Any

from tests.fake_api.gateway import timestamp

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
SPEAKER_LETTERS = "ABCDEFGH"


def truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return bool(value)


def shape_for_model(model: str) -> str:
    if model.startswith("aai/"):
        return "assemblyai"
    if model.startswith("microsoft/mai"):
        return "mai"
    if "transcribe" in model:
        return "openai"
    return "deepgram"


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float
    speaker: int

    @property
    def bare(self) -> str:
        return re.sub(r"[^\w'-]", "", self.text).lower()


@dataclass(frozen=True)
class Transcript:
    """Words of ``text`` spread evenly over ``duration``; sentences alternate speakers."""

    text: str
    duration: float
    diarize: bool
    confidence: float = 0.98

    @property
    def words(self) -> list[Word]:
        sentences = [s for s in SENTENCE_END.split(self.text.strip()) if s]
        tokens = [(word, index % 2) for index, s in enumerate(sentences) for word in s.split()]
        slot = self.duration / max(len(tokens), 1)
        return [
            Word(word, round(i * slot + 0.05 * slot, 3), round(i * slot + 0.85 * slot, 3), speaker)
            for i, (word, speaker) in enumerate(tokens)
        ]

    def turns(self) -> list[list[Word]]:
        """Consecutive words of the same speaker."""
        turns: list[list[Word]] = []
        for word in self.words:
            if turns and turns[-1][0].speaker == word.speaker:
                turns[-1].append(word)
            else:
                turns.append([word])
        return turns


def deepgram_word(word: Word, diarize: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "word": word.bare,
        "start": word.start,
        "end": word.end,
        "confidence": 0.98,
        "punctuated_word": word.text,
    }
    if diarize:
        item |= {"speaker": word.speaker, "speaker_confidence": 0.9}
    return item


def deepgram_paragraphs(transcript: Transcript) -> dict[str, Any]:
    paragraphs = []
    lines = []
    for turn in transcript.turns():
        text = " ".join(w.text for w in turn)
        lines.append(f"Speaker {turn[0].speaker}: {text}" if transcript.diarize else text)
        paragraph = {
            "sentences": [{"text": text, "start": turn[0].start, "end": turn[-1].end}],
            "num_words": len(turn),
            "start": turn[0].start,
            "end": turn[-1].end,
        }
        if transcript.diarize:
            paragraph["speaker"] = turn[0].speaker
        paragraphs.append(paragraph)
    return {"transcript": "\n" + "\n\n".join(lines) + "\n", "paragraphs": paragraphs}


def deepgram_utterances(transcript: Transcript) -> list[dict[str, Any]]:
    return [
        {
            "start": turn[0].start,
            "end": turn[-1].end,
            "confidence": transcript.confidence,
            "channel": 0,
            "transcript": " ".join(w.text for w in turn),
            "words": [deepgram_word(w, True) for w in turn],
            "speaker": turn[0].speaker,
            "id": str(uuid.uuid4()),
        }
        for turn in transcript.turns()
    ]


def deepgram_result(transcript: Transcript, model: str, options: dict[str, Any]) -> dict[str, Any]:
    model_name = model.removeprefix("#g1_")
    alternative: dict[str, Any] = {
        "transcript": transcript.text,
        "confidence": transcript.confidence,
        "words": [deepgram_word(w, transcript.diarize) for w in transcript.words],
    }
    if transcript.diarize or truthy(options.get("paragraphs")):
        alternative["paragraphs"] = deepgram_paragraphs(transcript)
    model_uuid = str(uuid.uuid5(uuid.NAMESPACE_URL, model_name))
    results: dict[str, Any] = {"channels": [{"alternatives": [alternative]}]}
    if truthy(options.get("utterances")):
        results["utterances"] = deepgram_utterances(transcript)
    return {
        "metadata": {
            "request_id": str(uuid.uuid4()),
            "created": timestamp(),
            "duration": round(transcript.duration, 3),
            "channels": 1,
            "models": [model_uuid],
            "model_info": {
                model_uuid: {"name": model_name, "version": "2024-01-09.29447", "arch": "nova-2"}
            },
            "transaction_key": "deprecated",
            "sha256": hashlib.sha256(transcript.text.encode()).hexdigest(),
        },
        "results": results,
    }


def assemblyai_result(
    transcript: Transcript, source_url: str | None, options: dict[str, Any]
) -> dict[str, Any]:
    def speaker(word: Word) -> str | None:
        return SPEAKER_LETTERS[word.speaker] if transcript.diarize else None

    words = [
        {
            "text": w.text,
            "start": round(w.start * 1000),
            "end": round(w.end * 1000),
            "confidence": 0.98,
            "speaker": speaker(w),
        }
        for w in transcript.words
    ]
    utterances = None
    if transcript.diarize:
        utterances = [
            {
                "speaker": speaker(turn[0]),
                "text": " ".join(w.text for w in turn),
                "start": round(turn[0].start * 1000),
                "end": round(turn[-1].end * 1000),
                "confidence": transcript.confidence,
            }
            for turn in transcript.turns()
        ]
    return {
        "id": str(uuid.uuid4()),
        "status": "completed",
        "language_code": options.get("language_code", "en_us"),
        "audio_url": source_url or "https://cdn.aimlapi.com/uploads/audio",
        "text": transcript.text,
        "words": words,
        "utterances": utterances,
        "confidence": transcript.confidence,
        "audio_duration": round(transcript.duration),
        "punctuate": True,
        "format_text": True,
        "speaker_labels": transcript.diarize,
    }


def openai_result(transcript: Transcript) -> dict[str, Any]:
    audio_tokens = max(round(transcript.duration * 10), 1)
    output_tokens = len(transcript.text.split())
    return {
        "text": transcript.text,
        "usage": {
            "type": "tokens",
            "total_tokens": audio_tokens + output_tokens,
            "input_tokens": audio_tokens,
            "input_token_details": {"text_tokens": 0, "audio_tokens": audio_tokens},
            "output_tokens": output_tokens,
        },
    }


def mai_result(transcript: Transcript) -> dict[str, Any]:
    seconds = max(round(transcript.duration), 1)
    return {
        "text": transcript.text,
        "usage": {"seconds": seconds, "cost": round(seconds * 1e-4, 6)},
    }


def result_in_shape(
    shape: str,
    transcript: Transcript,
    *,
    model: str,
    source_url: str | None,
    options: dict[str, Any],
) -> dict[str, Any]:
    if shape == "assemblyai":
        return assemblyai_result(transcript, source_url, options)
    if shape == "openai":
        return openai_result(transcript)
    if shape == "mai":
        return mai_result(transcript)
    return deepgram_result(transcript, model, options)


def timestamp_text(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}{separator}{rest % 1000:03d}"


def subtitles(transcript: Transcript, kind: str) -> str:
    """The transcript as SRT or WebVTT, one cue per speaker turn."""
    separator = "," if kind == "srt" else "."
    cues = []
    for number, turn in enumerate(transcript.turns(), start=1):
        span = (
            f"{timestamp_text(turn[0].start, separator)} --> "
            f"{timestamp_text(turn[-1].end, separator)}"
        )
        text = " ".join(w.text for w in turn)
        cues.append(f"{number}\n{span}\n{text}\n" if kind == "srt" else f"{span}\n{text}\n")
    body = "\n".join(cues)
    return body if kind == "srt" else "WEBVTT\n\n" + body
