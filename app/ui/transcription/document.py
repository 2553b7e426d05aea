"""How a transcript reads in the editor, and how an edited one becomes a transcript again.

The editor shows one paragraph per cue (``transcript_formats.cues``): its start time, the
speaker when there is more than one, and the text. After an edit each paragraph comes back as
(cue index or None, text); a paragraph whose time was deleted joins the one before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from app.api.audio_types import Segment, Transcript, Word
from app.services.transcript_formats import cues, speaker_label


def clock(seconds: float) -> str:
    """``75.3`` → ``"01:15"``; ``3725`` → ``"1:02:05"``."""
    whole = max(int(seconds), 0)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def shown_segments(transcript: Transcript) -> list[Segment]:
    """The paragraphs the editor shows, in time order."""
    return cues(transcript)


def several_speakers(shown: Sequence[Segment]) -> bool:
    return len({s.speaker for s in shown if s.speaker is not None}) > 1


def label_for(segment: Segment, shown: Sequence[Segment]) -> str | None:
    """The speaker name shown in front of a paragraph, when there are several speakers."""
    return speaker_label(segment.speaker) if several_speakers(shown) else None


def rebuild(
    original: Transcript,
    shown: Sequence[Segment],
    paragraphs: Sequence[tuple[int | None, str]],
) -> Transcript:
    """The transcript after a person edited its paragraphs.

    Times and speakers come from the shown cue each paragraph still starts with; word timings
    are kept only for paragraphs whose text did not change.
    """
    merged: list[tuple[int, list[str]]] = []
    for index, text in paragraphs:
        if index is not None and 0 <= index < len(shown):
            merged.append((index, [text.strip()]))
        elif merged:
            merged[-1][1].append(text.strip())
        elif text.strip():
            merged.append((0, [text.strip()]) if shown else (-1, [text.strip()]))
    segments: list[Segment] = []
    kept_words: list[Word] = []
    for index, parts in merged:
        text = " ".join(p for p in parts if p)
        if index < 0:
            segments.append(Segment(text=text, start=0.0, end=original.duration or 0.0))
            continue
        cue = shown[index]
        segments.append(replace(cue, text=text))
        if " ".join(text.split()) == " ".join(cue.text.split()):
            kept_words.extend(
                w for w in original.words if cue.start - 0.01 <= w.start and w.end <= cue.end + 0.01
            )
    return replace(
        original,
        text=" ".join(s.text for s in segments if s.text),
        segments=tuple(segments),
        words=tuple(kept_words),
    )
