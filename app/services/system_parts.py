"""System libraries the app can run without, and the package that provides each.

When a part fails to load (Qt Multimedia without the PulseAudio client library, say) the
window still opens; these sentences tell the person which package to install.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SystemPackage:
    """One library's package on Debian/Ubuntu, Fedora and Arch."""

    debian: str
    fedora: str
    arch: str

    def sentence(self) -> str:
        return f"{self.debian} on Debian or Ubuntu, {self.fedora} on Fedora, {self.arch} on Arch"


# By the library's soname, as the loader names it when it is missing.
LIBRARY_PACKAGES: dict[str, SystemPackage] = {
    "libpulse.so.0": SystemPackage("libpulse0", "pulseaudio-libs", "libpulse"),
    "libpulse-simple.so.0": SystemPackage("libpulse0", "pulseaudio-libs", "libpulse"),
    "libxkbcommon.so.0": SystemPackage("libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    "libEGL.so.1": SystemPackage("libegl1", "libglvnd-egl", "libglvnd"),
    "libGL.so.1": SystemPackage("libgl1", "libglvnd-glx", "libglvnd"),
    "libfontconfig.so.1": SystemPackage("libfontconfig1", "fontconfig", "fontconfig"),
    "libdbus-1.so.3": SystemPackage("libdbus-1-3", "dbus-libs", "dbus"),
    "libglib-2.0.so.0": SystemPackage("libglib2.0-0", "glib2", "glib2"),
    "libgssapi_krb5.so.2": SystemPackage("libgssapi-krb5-2", "krb5-libs", "krb5"),
}

_MISSING = re.compile(r"(lib[\w.+-]+\.so(?:\.\d+)*): cannot open shared object file")

SOUND_PART = "Qt Multimedia (sound playback and recording)"


def missing_library(error: str) -> str | None:
    """The soname an import error says could not be loaded, if it names one."""
    found = _MISSING.search(error)
    return found.group(1) if found else None


def install_hint(error: str) -> str:
    """What to install for a part that failed with ``error``: "" when no library is named."""
    library = missing_library(error)
    if library is None:
        return ""
    package = LIBRARY_PACKAGES.get(library)
    if package is None:
        return f"install the package that provides {library}"
    return f"install {package.sentence()} (it provides {library})"


def sound_unavailable(error: str) -> str:
    """The one sentence shown on every sound control when Qt Multimedia cannot be loaded."""
    hint = install_hint(error)
    if hint:
        return f"Sound is off: Qt Multimedia needs a system library; {hint}."
    return f"Sound is off: Qt Multimedia could not be loaded ({error.rstrip('.')})."


# ffmpeg (with ffprobe) decodes every audio format but WAV for pydub.
FFMPEG_PACKAGE = SystemPackage("ffmpeg", "ffmpeg-free", "ffmpeg")


def audio_decoder_missing() -> str:
    """ "" when ffmpeg and ffprobe are found, else the one sentence shown on the controls that
    play compressed audio (a WAV clip still plays)."""
    from app.media.audio import find_ffmpeg

    if find_ffmpeg() is not None:
        return ""
    return (
        "Playing MP3, Ogg and other compressed audio needs ffmpeg, which was not found; "
        f"install {FFMPEG_PACKAGE.sentence()}."
    )
