"""The Qt Multimedia classes that need a media backend plugin (Qt's FFmpeg backend).

``QAudioSink``, ``QAudioSource``, ``QMediaDevices`` and ``QSoundEffect`` work without one. While
the app's code uses none of the classes below, the bundle does not ship the plugin
(``packaging/pyinstaller/aiml-desktop.spec``) and a run from source does not load it
(``app.ui.qt_plugin_folders``).
"""

from __future__ import annotations

import re
from pathlib import Path

MEDIA_BACKEND_CLASSES = re.compile(
    r"\b(QMediaPlayer|QVideoWidget|QVideoSink|QMediaRecorder|QMediaCaptureSession|QCamera"
    r"|QImageCapture|QScreenCapture|QWindowCapture|QAudioBufferInput|QVideoFrameInput)\b"
)
THIS_FILE = Path(__file__).resolve()
APP_CODE = THIS_FILE.parents[1]


def code_uses_media_backend(root: Path = APP_CODE) -> bool:
    """True when a Python file under ``root`` (but this one) names a class that needs the
    backend."""
    return any(
        MEDIA_BACKEND_CLASSES.search(path.read_text(encoding="utf-8", errors="replace"))
        for path in root.rglob("*.py")
        if path.resolve() != THIS_FILE
    )
