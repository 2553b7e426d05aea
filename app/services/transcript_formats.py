"""Transcript export formats: plain text, SubRip (SRT), WebVTT and JSON.

Subtitle formats show the transcript as cues of readable size: a segment longer than
``MAX_CUE_SECONDS`` or ``MAX_CUE_CHARS`` is cut at word boundaries, using the word timings when
the transcript has them and spreading the time over the characters when it has not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from app.api.audio_types import Segment, Transcript, Word
from app.errors import UserInputError

MAX_CUE_SECONDS = 7.0
MAX_CUE_CHARS = 84
FORMATS = ("txt", "srt", "vtt", "json")
_TIME_SLACK = 0.05


def speaker_label(speaker: str | None) -> str | None:
    """``"0"`` → ``"Speaker 0"``; a named speaker stays as it is."""
    if speaker is None or speaker == "":
        return None
    return f"Speaker {speaker}" if str(speaker).isdigit() else str(speaker)


def _multi_speaker(transcript: Transcript) -> bool:
    return len(transcript.speakers) > 1


def _fits(text: str, start: float, end: float) -> bool:
    return len(text) <= MAX_CUE_CHARS and end - start <= MAX_CUE_SECONDS


def group_words(words: Sequence[Word], speaker: str | None = None) -> list[Segment]:
    """Greedily join words into cues that stay within the size limits.

    A new cue also starts where the speaker changes.
    """
    cues: list[Segment] = []
    current: list[Word] = []

    def flush() -> None:
        if current:
            text = " ".join(w.text for w in current)
            who = current[0].speaker if current[0].speaker is not None else speaker
            start, end = current[0].start, current[-1].end
            cues.append(Segment(text=text, start=start, end=end, speaker=who))
            current.clear()

    for word in words:
        if current:
            joined = " ".join(w.text for w in current) + " " + word.text
            same_speaker = word.speaker == current[0].speaker
            if not same_speaker or not _fits(joined, current[0].start, word.end):
                flush()
        current.append(word)
    flush()
    return cues


def _spread_words(segment: Segment) -> list[Word]:
    """Words of a segment without timings, with the time shared out by character count."""
    tokens = segment.text.split()
    total = sum(len(t) + 1 for t in tokens) or 1
    span = max(segment.end - segment.start, 0.0)
    words: list[Word] = []
    position = segment.start
    for token in tokens:
        length = span * (len(token) + 1) / total
        words.append(Word(text=token, start=position, end=position + length))
        position += length
    return words


def _words_within(words: Sequence[Word], segment: Segment) -> list[Word]:
    low, high = segment.start - _TIME_SLACK, segment.end + _TIME_SLACK
    return [w for w in words if w.start >= low and w.end <= high]


def _split_segment(segment: Segment, words: Sequence[Word]) -> list[Segment]:
    if _fits(segment.text, segment.start, segment.end):
        return [segment]
    inside = _words_within(words, segment) or _spread_words(segment)
    inside = [Word(w.text, w.start, w.end, speaker=segment.speaker) for w in inside]
    return group_words(inside, segment.speaker) or [segment]


def _whole_text_segment(transcript: Transcript) -> Segment:
    duration = transcript.duration or 0.0
    return Segment(text=transcript.text.strip(), start=0.0, end=duration)


def cues(transcript: Transcript) -> list[Segment]:
    """The transcript as subtitle-sized cues, in time order, empty texts left out."""
    if transcript.segments:
        found: list[Segment] = []
        for segment in transcript.segments:
            found.extend(_split_segment(segment, transcript.words))
    elif transcript.words:
        found = group_words(transcript.words)
    elif transcript.text.strip():
        found = _split_segment(_whole_text_segment(transcript), ())
    else:
        found = []
    return [c for c in found if c.text.strip()]


def _clock(seconds: float, separator: str) -> str:
    millis = max(round(seconds * 1000), 0)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def srt_time(seconds: float) -> str:
    """``1.5`` → ``"00:00:01,500"``."""
    return _clock(seconds, ",")


def vtt_time(seconds: float) -> str:
    """``1.5`` → ``"00:00:01.500"``."""
    return _clock(seconds, ".")


def _cue_text(cue: Segment, label_speakers: bool) -> str:
    text = " ".join(cue.text.split())
    label = speaker_label(cue.speaker) if label_speakers else None
    return f"{label}: {text}" if label else text


def to_srt(transcript: Transcript) -> str:
    """SubRip: index, ``start --> end`` with comma milliseconds, text, blank line."""
    label = _multi_speaker(transcript)
    blocks = [
        f"{index}\n{srt_time(cue.start)} --> {srt_time(cue.end)}\n{_cue_text(cue, label)}\n"
        for index, cue in enumerate(cues(transcript), start=1)
    ]
    return "\n".join(blocks)


def to_vtt(transcript: Transcript) -> str:
    """WebVTT: ``WEBVTT`` header, then ``start --> end`` with dot milliseconds and the text."""
    label = _multi_speaker(transcript)
    blocks = ["WEBVTT\n"]
    blocks.extend(
        f"{vtt_time(cue.start)} --> {vtt_time(cue.end)}\n{_cue_text(cue, label)}\n"
        for cue in cues(transcript)
    )
    return "\n".join(blocks)


def _speaker_paragraphs(segments: Iterable[Segment]) -> list[str]:
    paragraphs: list[tuple[str | None, list[str]]] = []
    for segment in segments:
        text = segment.text.strip()
        if not text:
            continue
        if paragraphs and paragraphs[-1][0] == segment.speaker:
            paragraphs[-1][1].append(text)
        else:
            paragraphs.append((segment.speaker, [text]))
    return [f"{speaker_label(who) or 'Unknown'}: {' '.join(parts)}" for who, parts in paragraphs]


def to_txt(transcript: Transcript) -> str:
    """Plain text; with more than one speaker, one paragraph per change of speaker."""
    if _multi_speaker(transcript):
        body = "\n\n".join(_speaker_paragraphs(transcript.segments))
    else:
        body = transcript.text.strip() or " ".join(s.text.strip() for s in transcript.segments)
    return body.strip() + "\n" if body.strip() else ""


def _optional(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v is not None}


def to_dict(transcript: Transcript) -> dict[str, Any]:
    """The transcript as plain JSON-ready data, segments and words with times in seconds."""
    return _optional(
        {
            "text": transcript.text,
            "language": transcript.language,
            "duration": transcript.duration,
            "segments": [
                _optional({"start": s.start, "end": s.end, "text": s.text, "speaker": s.speaker})
                for s in transcript.segments
            ],
            "words": [
                _optional(
                    {
                        "text": w.text,
                        "start": w.start,
                        "end": w.end,
                        "speaker": w.speaker,
                        "confidence": w.confidence,
                    }
                )
                for w in transcript.words
            ],
        }
    )


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _text_of(value: Any) -> str | None:
    return None if value is None else str(value)


def _items(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [item for item in data.get(name) or () if isinstance(item, dict)]


def _timed(item: dict[str, Any]) -> dict[str, Any]:
    """The text, times and speaker of a saved segment or word."""
    return {
        "text": str(item.get("text", "")),
        "start": _number(item.get("start")) or 0.0,
        "end": _number(item.get("end")) or 0.0,
        "speaker": _text_of(item.get("speaker")),
    }


def from_dict(data: dict[str, Any]) -> Transcript:
    """Rebuild a transcript from ``to_dict`` output (also the saved JSON export).

    Raises:
        UserInputError: ``data`` is not a transcript.
    """
    if not isinstance(data, dict) or not isinstance(data.get("text", ""), str):
        raise UserInputError("This is not a saved transcript.")
    segments = tuple(Segment(**_timed(item)) for item in _items(data, "segments"))
    words = tuple(
        Word(**_timed(item), confidence=_number(item.get("confidence")))
        for item in _items(data, "words")
    )
    return Transcript(
        text=str(data.get("text", "")),
        segments=segments,
        words=words,
        language=_text_of(data.get("language")),
        duration=_number(data.get("duration")),
    )


def to_json(transcript: Transcript) -> str:
    return json.dumps(to_dict(transcript), indent=2, ensure_ascii=False) + "\n"


_WRITERS = {"txt": to_txt, "srt": to_srt, "vtt": to_vtt, "json": to_json}


def render(transcript: Transcript, fmt: str) -> str:
    """Render in one of ``FORMATS``.

    Raises:
        UserInputError: the format is not one of ``FORMATS``.
    """
    writer = _WRITERS.get(fmt.lower().lstrip("."))
    if writer is None:
        raise UserInputError(f"Unknown transcript format {fmt!r}; use one of {', '.join(FORMATS)}.")
    return writer(transcript)
