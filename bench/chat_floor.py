"""The Chat tab's look without its logic, for ``startup_baseline.py --with-chat-widgets``.

The widgets the app's Chat tab shows, empty and laid out as it lays them out, the app's menus,
a status bar, SVG icons on the tabs and buttons, Fusion and the app's stylesheet text. Only
imported with that flag, so the plain baseline pays for none of it.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.style.sheet import stylesheet
from app.ui.style.tokens import LIGHT

ICONS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "resources",
                     "icons", "ui")  # fmt: skip
TAB_ICONS = ("chat-circle-text", "image", "waveform", "speaker-high")
MENUS = {
    "&File": ("&New chat", "API &key…", "&Settings…", "&Back up…", "&Restore…", "&Quit"),
    "&View": ("&Chat", "&Images", "Speech to &text", "Text to &speech", "&Light", "&Dark",
              "&Assistants…", "&Compare…", "&Usage…", "&Knowledge…"),
    "&Help": ("&Diagnostics…", "Open &log", "&About"),
}  # fmt: skip


def svg_icon(name: str) -> QIcon:
    return QIcon(os.path.join(ICONS, f"{name}.svg"))


def tool_button(parent: QWidget, text: str, icon: str) -> QToolButton:
    button = QToolButton(parent)
    button.setText(text)
    button.setIcon(svg_icon(icon))
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    return button


def sidebar(parent: QWidget) -> QWidget:
    """New chat, the search field and the (empty) conversation list."""
    side = QWidget(parent)
    column = QVBoxLayout(side)
    new_row = QHBoxLayout()
    new_row.addWidget(QPushButton(svg_icon("plus"), "New chat", side), 1)
    new_row.addWidget(tool_button(side, "", "dots-three"))
    column.addLayout(new_row)
    search = QLineEdit(side)
    search.setPlaceholderText("Search all messages")
    column.addWidget(search)
    column.addWidget(QListView(side), 1)
    return side


def top_bar(parent: QWidget) -> QHBoxLayout:
    """The model box, the two tick boxes and the three tool buttons."""
    top = QHBoxLayout()
    top.addWidget(QLabel("Model", parent))
    model = QComboBox(parent)
    model.setEditable(True)
    model.addItem("GPT-4o · openai/gpt-4o")
    top.addWidget(model, 1)
    top.addWidget(QCheckBox("Completion mode", parent))
    tools = QCheckBox("Tools", parent)
    tools.setChecked(True)
    top.addWidget(tools)
    for text, icon in (("Choose", "wrench"), ("Knowledge", "books"), ("Settings", "gear")):
        top.addWidget(tool_button(parent, text, icon))
    return top


def composer(parent: QWidget) -> QFrame:
    """The input with its row of buttons."""
    frame = QFrame(parent)
    entry = QVBoxLayout(frame)
    text = QPlainTextEdit(frame)
    text.setPlaceholderText("Message (Ctrl+Enter sends)")
    entry.addWidget(text)
    buttons = QHBoxLayout()
    for label, icon in (("", "paperclip"), ("Dictate", "microphone"), ("Voice mode", "waveform")):
        buttons.addWidget(tool_button(frame, label, icon))
    buttons.addStretch(1)
    stop = QPushButton(svg_icon("stop"), "Stop", frame)
    stop.setEnabled(False)
    buttons.addWidget(stop)
    buttons.addWidget(QPushButton(svg_icon("paper-plane-right"), "Send", frame))
    entry.addLayout(buttons)
    return frame


def centre(parent: QWidget) -> QWidget:
    """The top bar, the (empty) transcript with its hint and the composer."""
    middle = QWidget(parent)
    column = QVBoxLayout(middle)
    column.addLayout(top_bar(middle))
    transcript = QListView(middle)
    hint = QLabel("Ask anything: type below and press Ctrl+Enter to send.", transcript)
    hint.setWordWrap(True)
    hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
    hint.setGeometry(40, 120, 560, 80)
    column.addWidget(transcript, 1)
    column.addWidget(QLabel("", middle))
    column.addWidget(composer(middle))
    return middle


def build(window: QMainWindow, tabs: QTabWidget, page: QWidget) -> None:
    """Put the Chat tab's widgets on ``page``, and the menus, status bar, tab icons and the
    stylesheet around them."""
    QApplication.setStyle("Fusion")
    splitter = QSplitter(Qt.Orientation.Horizontal, page)
    splitter.addWidget(sidebar(splitter))
    splitter.addWidget(centre(splitter))
    splitter.setSizes([220, 700])
    QVBoxLayout(page).addWidget(splitter)
    for index, name in enumerate(TAB_ICONS):
        tabs.setTabIcon(index, svg_icon(name))
    for title, entries in MENUS.items():
        menu = window.menuBar().addMenu(title)
        for entry in entries:
            menu.addAction(entry)
    for words in ("Custom · 127.0.0.1", "Connected", "Balance: —"):
        window.statusBar().addPermanentWidget(QLabel(words))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setStyleSheet(stylesheet(LIGHT))
