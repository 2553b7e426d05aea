"""What this installation found on this machine: FFmpeg, the keyring, Qt Multimedia and a sound
server, folders.

``diagnose()`` gathers it without Qt and without the network; ``report_lines()`` turns it into
the lines ``aiml-desktop doctor`` prints. The API key itself is never part of it: only where a
key comes from.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import __version__
from app.services.defaults import key_source_phrase

if TYPE_CHECKING:
    from app.storage.secrets import KeyStore

TOOL_TIMEOUT_S = 10.0
SOCKET_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class ToolCheck:
    """One of ffmpeg/ffprobe: where it was found and whether it runs.

    Attributes:
        origin: "bundled" (inside this installation), "PATH", or None when not found.
        version: the version ``-version`` prints, or None when it did not run.
        bundled_copy: the installation's own copy when one on PATH is used instead.
    """

    name: str
    path: str | None
    origin: str | None
    version: str | None = None
    problem: str | None = None
    bundled_copy: str | None = None


@dataclass(frozen=True)
class KeyringCheck:
    backend: str
    usable: bool
    key_source: str
    notice: str | None = None


@dataclass(frozen=True)
class AudioCheck:
    """A sound server for playback: available is None where it cannot be checked here."""

    available: bool | None
    detail: str


@dataclass(frozen=True)
class LibraryCheck:
    """Whether Qt Multimedia loads (None where it cannot be checked); ``detail`` says what to
    install when it does not."""

    available: bool | None
    detail: str


@dataclass(frozen=True)
class Diagnosis:
    version: str
    python: str
    platform: str
    frozen: bool
    install_dir: str
    tools: tuple[ToolCheck, ...]
    keyring: KeyringCheck
    audio: AudioCheck
    folders: dict[str, str] = field(default_factory=dict)
    sound_library: LibraryCheck | None = None

    def tool(self, name: str) -> ToolCheck:
        return next(check for check in self.tools if check.name == name)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- FFmpeg ------------------------------------------------------------------------------------


def install_dir() -> Path:
    """The folder the running program lives in: the bundle's, or the source tree's."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parents[2]


def _is_inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _first_version_line(path: str) -> tuple[str | None, str | None]:
    try:
        result = subprocess.run(
            [path, "-version"], capture_output=True, text=True, timeout=TOOL_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"does not run: {exc}"
    words = result.stdout.split(maxsplit=3)
    if result.returncode != 0 or len(words) < 3 or words[1] != "version":
        return None, f"-version exited with {result.returncode}"
    return words[2], None


def _bundled_copy(name: str) -> str | None:
    if not getattr(sys, "frozen", False):
        return None
    candidate = install_dir() / "ffmpeg" / (f"{name}.exe" if sys.platform == "win32" else name)
    return str(candidate) if candidate.is_file() else None


def check_tools() -> tuple[ToolCheck, ...]:
    """ffmpeg and ffprobe as the app's audio code finds them (app.media.audio.find_ffmpeg)."""
    from app.media.audio import find_ffmpeg

    found = find_ffmpeg()
    checks = []
    for index, name in enumerate(("ffmpeg", "ffprobe")):
        if found is None:
            checks.append(ToolCheck(name, None, None, problem="not found"))
            continue
        path = found[index]
        bundled = getattr(sys, "frozen", False) and _is_inside(Path(path), install_dir())
        version, problem = _first_version_line(path)
        copy = None if bundled else _bundled_copy(name)
        origin = "bundled" if bundled else "PATH"
        checks.append(ToolCheck(name, path, origin, version, problem, copy))
    return tuple(checks)


# -- keyring -----------------------------------------------------------------------------------


def _backend_name(backend: object) -> str:
    inner = getattr(backend, "backends", None)
    if inner is not None:
        names = [_backend_name(item) for item in inner]
        return " + ".join(names) if names else "none"
    name = getattr(backend, "name", None)
    return str(name) if name else type(backend).__name__


def check_keyring(keystore: KeyStore | None = None) -> KeyringCheck:
    """The keyring backend, whether reading from it works, and where the key comes from."""
    import keyring

    from app.storage.secrets import KeyStore

    store = keystore if keystore is not None else KeyStore()
    source = store.source  # reads the keyring once, so a failure shows below
    return KeyringCheck(
        backend=_backend_name(keyring.get_keyring()),
        usable=store.keyring_usable(),
        key_source=source,
        notice=store.notice(),
    )


# -- sound -------------------------------------------------------------------------------------


def _sound_server_candidates(environ: Mapping[str, str]) -> list[tuple[str, str]]:
    """(label, unix socket path) pairs to try, in the order PulseAudio/PipeWire clients do."""
    server = environ.get("PULSE_SERVER", "").strip()
    if server:
        return [
            ("PulseAudio", entry.removeprefix("unix:"))
            for entry in server.split()
            if entry.startswith(("unix:", "/"))
        ]
    runtime = environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    return [
        ("PulseAudio", str(Path(runtime) / "pulse" / "native")),
        ("PipeWire", str(Path(runtime) / "pipewire-0")),
    ]


def _answers(socket_path: str) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(SOCKET_TIMEOUT_S)
        try:
            client.connect(socket_path)
        except OSError:
            return False
    return True


def check_audio_output(environ: Mapping[str, str] | None = None) -> AudioCheck:
    """Whether a sound server answers (Linux); elsewhere the system output is assumed."""
    if not sys.platform.startswith("linux"):
        return AudioCheck(None, "the system's audio output (not checked from the command line)")
    env = os.environ if environ is None else environ
    server = env.get("PULSE_SERVER", "").strip()
    candidates = _sound_server_candidates(env)
    if server and not candidates:
        return AudioCheck(None, f"PULSE_SERVER={server} (a network server, not checked)")
    for label, path in candidates:
        if _answers(path):
            return AudioCheck(True, f"{label} at {path}")
    tried = ", ".join(path for _label, path in candidates)
    return AudioCheck(False, f"no sound server answers at {tried}; sound cannot be played")


def check_sound_library() -> LibraryCheck:
    """Whether ``PySide6.QtMultimedia`` imports, tried in a child process (Qt stays out of
    this one); a bundle checks the PulseAudio client library it needs instead."""
    from app.services.system_parts import install_hint, sound_unavailable

    if getattr(sys, "frozen", False):
        if not sys.platform.startswith("linux"):
            return LibraryCheck(None, "part of this bundle")
        import ctypes

        try:
            ctypes.CDLL("libpulse.so.0")
        except OSError as exc:
            return LibraryCheck(False, sound_unavailable(str(exc)))
        return LibraryCheck(True, "libpulse.so.0 found")
    try:
        done = subprocess.run(
            [sys.executable, "-c", "import PySide6.QtMultimedia"],
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT_S * 3,
            env={**os.environ, "QT_LOGGING_RULES": "*=false"},
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return LibraryCheck(None, f"not checked ({exc})")
    if done.returncode == 0:
        return LibraryCheck(True, "Qt Multimedia loads")
    lines = [line for line in done.stderr.splitlines() if "Error" in line]
    error = lines[-1] if lines else done.stderr.strip()[-300:]
    if not install_hint(error):
        error = error.partition(": ")[2] or error
    return LibraryCheck(False, sound_unavailable(error))


# -- everything --------------------------------------------------------------------------------


def user_folders() -> dict[str, str]:
    from app.storage import paths

    return {
        "config": str(paths.config_dir()),
        "data": str(paths.data_dir()),
        "cache": str(paths.cache_dir()),
        "log": str(paths.log_dir()),
    }


def diagnose(*, keystore: KeyStore | None = None) -> Diagnosis:
    return Diagnosis(
        version=__version__,
        python=sys.version.split()[0],
        platform=sys.platform,
        frozen=bool(getattr(sys, "frozen", False)),
        install_dir=str(install_dir()),
        tools=check_tools(),
        keyring=check_keyring(keystore),
        audio=check_audio_output(),
        folders=user_folders(),
        sound_library=check_sound_library(),
    )


def _tool_line(check: ToolCheck) -> str:
    if check.path is None:
        return f"{check.name}: not found"
    line = f"{check.name}: {check.path} ({check.origin}"
    line += f", version {check.version})" if check.version else ")"
    if check.problem:
        line += f" - {check.problem}"
    if check.bundled_copy:
        line += f"; bundled copy at {check.bundled_copy} is not used"
    return line


def _sound_library_lines(check: LibraryCheck | None) -> list[str]:
    if check is None:
        return []
    state = {True: "available", False: "not available", None: "unknown"}[check.available]
    return [f"sound library: {state} - {check.detail}"]


def report_lines(diagnosis: Diagnosis) -> list[str]:
    """``name: value`` lines for people; the key is never among them."""
    keyring_state = "usable" if diagnosis.keyring.usable else "not usable"
    sound = {True: "available", False: "not available", None: "unknown"}[diagnosis.audio.available]
    kind = "bundle" if diagnosis.frozen else "Python"
    lines = [
        f"version: {diagnosis.version} (Python {diagnosis.python}, {diagnosis.platform})",
        f"installation: {diagnosis.install_dir} ({kind})",
        *(_tool_line(check) for check in diagnosis.tools),
        f"keyring: {diagnosis.keyring.backend} ({keyring_state})",
        f"api key: {key_source_phrase(diagnosis.keyring.key_source)}",
        f"audio output: {sound} - {diagnosis.audio.detail}",
        *_sound_library_lines(diagnosis.sound_library),
        *(f"{name} folder: {path}" for name, path in diagnosis.folders.items()),
    ]
    if diagnosis.keyring.notice:
        lines.append(f"note: {diagnosis.keyring.notice}")
    if diagnosis.tools[0].path is None:
        from app.media.audio import install_instruction

        lines.append(f"note: {install_instruction()}")
    return lines
