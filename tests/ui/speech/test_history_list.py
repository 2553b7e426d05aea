"""The list of earlier speech wraps each row to its width: it never scrolls sideways, however
narrow the panel or long the text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget

from app.storage.speech_store import SpeechRecord
from app.ui.speech.history_list import SpeechHistoryList
from app.ui.style.tokens import SPACE
from app.ui.theme import ThemeManager

LONG = (
    "Welcome back! Your meeting with the design team starts in ten minutes in the large room "
    "on the third floor, and the slides are already on the shared drive."
)


def _record(number: int) -> SpeechRecord:
    return SpeechRecord(
        text=f"{number}. {LONG}",
        model="#g1_aura-2-thalia-en",
        voice="a-voice-with-a-rather-long-name-indeed",
        path=f"/tmp/speech-{number}.wav",
        format="wav",
        duration=12.0,
        created=1_796_600_000.0 + number,
        id=number,
    )


@pytest.fixture
def styled(qapp: QApplication) -> Iterator[None]:
    """The app's stylesheet (its row padding is what made the rows a little too wide)."""
    sheet, palette = qapp.styleSheet(), qapp.palette()
    ThemeManager(qapp, "dark").apply()
    try:
        yield
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setPalette(palette)


def test_rows_wrap_to_the_width_and_the_list_never_scrolls_sideways(
    qtbot: Any, styled: None
) -> None:
    history = SpeechHistoryList()
    qtbot.addWidget(history)
    history.resize(420, 540)
    history.show()
    qtbot.waitExposed(history)
    history.set_records([_record(n) for n in range(1, 6)])
    qtbot.wait(20)
    for width in (300, 200, 290, 250):
        history.resize(width, 540)
        history.visualItemRect(history.item(0))  # lays the rows out for the new width now
        qtbot.wait(10)  # and lets the scroll bars follow
        assert not history.horizontalScrollBar().isVisible(), width
        viewport = history.viewport().width()
        metrics = QFontMetrics(history.font())
        for row in range(history.count()):
            item = history.item(row)
            rect = history.visualItemRect(item)
            assert rect.left() >= 0 and rect.right() <= viewport, (width, row, rect)
            text_width = rect.width() - 2 * SPACE["m"]
            needed = metrics.boundingRect(
                QRect(0, 0, text_width, 10_000), Qt.TextFlag.TextWordWrap, item.text()
            ).height()
            assert rect.height() >= needed, f"row {row} at {width} px cuts its last line off"


def test_rows_set_while_the_list_is_on_a_hidden_tab_wrap_once_it_is_shown(
    qtbot: Any, styled: None
) -> None:
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(QWidget(), "Chat")
    history = SpeechHistoryList()
    tabs.addTab(history, "Text to speech")
    tabs.resize(280, 540)
    tabs.show()
    qtbot.waitExposed(tabs)
    history.set_records([_record(n) for n in range(1, 4)])
    qtbot.wait(20)
    tabs.setCurrentWidget(history)
    qtbot.wait(50)
    metrics = QFontMetrics(history.font())
    for row in range(history.count()):
        item = history.item(row)
        rect = history.visualItemRect(item)
        needed = metrics.boundingRect(
            QRect(0, 0, rect.width() - 2 * SPACE["m"], 10_000),
            Qt.TextFlag.TextWordWrap,
            item.text(),
        ).height()
        assert rect.right() <= history.viewport().width()
        assert rect.height() >= needed, f"row {row} cuts its last line off"
