"""Audio container detection from the first bytes of a file (never from a name or URL)."""

from __future__ import annotations

AUDIO_MIME_TYPES: dict[str, str] = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "flac": "audio/flac",
    "aac": "audio/aac",
    "webm": "audio/webm",
    "mp4": "audio/mp4",
}


def _is_mpeg_audio_frame(head: bytes) -> bool:
    # 11 sync bits, then version != reserved (01) and layer != reserved (00)
    if len(head) < 2 or head[0] != 0xFF or (head[1] & 0xE0) != 0xE0:
        return False
    version = (head[1] >> 3) & 0x03
    layer = (head[1] >> 1) & 0x03
    return version != 0x01 and layer != 0x00


def _is_adts_frame(head: bytes) -> bool:
    # 12 sync bits, layer 00: AAC in an ADTS stream
    return len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xF6) == 0xF0


def sniff_audio_format(data: bytes) -> str:
    """``"wav" "mp3" "ogg" "flac" "aac" "webm" "mp4"`` or ``"unknown"``."""
    head = bytes(data[:16])
    if head[:4] in (b"RIFF", b"RIFX") and head[8:12] == b"WAVE":
        return "wav"
    if head[:3] == b"ID3" or _is_mpeg_audio_frame(head):
        return "mp3"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:4] == b"ADIF" or _is_adts_frame(head):
        return "aac"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[4:8] == b"ftyp":
        return "mp4"
    return "unknown"
