"""Asking the person before a tool call runs: the tool, where it comes from, its arguments,
and Allow once / Always allow this tool / Deny (closing the dialog denies)."""

from __future__ import annotations

import json

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.tool_types import ApprovalDecision, ToolCall, ToolSpec
from app.ui.asyncutils import await_dialog

ALLOW_ONCE, ALWAYS_ALLOW = 1, 2  # dialog result codes (0 = rejected: deny)


def _pretty(text: str) -> str:
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, indent=2)
    except ValueError:
        return text


class ToolApprovalDialog(QDialog):
    """One call to approve; ``decision()`` after it finished."""

    def __init__(
        self,
        call: ToolCall,
        spec: ToolSpec | None,
        parent: QWidget | None = None,
        *,
        note: str | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("toolApprovalDialog")
        self.setWindowTitle("Allow this tool call?")
        title = (spec.title or spec.name) if spec is not None else call.name
        source = spec.source if spec is not None else "unknown"
        where = "built in" if source == "builtin" else f"from the server “{source}”"
        heading = QLabel(f"The model wants to run <b>{title}</b> ({where}).", self)
        heading.setObjectName("toolApprovalTool")
        description = QLabel(spec.description if spec is not None else "", self)
        description.setObjectName("toolApprovalDescription")
        description.setWordWrap(True)
        description.setProperty("role", "hint")
        description.setVisible(bool(description.text()))
        self.note = QLabel(note or "", self)
        self.note.setObjectName("toolApprovalRestart")
        self.note.setWordWrap(True)
        self.note.setProperty("role", "warning")
        self.note.setVisible(bool(note))
        self.arguments = QPlainTextEdit(_pretty(call.arguments_json) or "{}", self)
        self.arguments.setObjectName("toolApprovalArguments")
        self.arguments.setReadOnly(True)
        self.arguments.setAccessibleName("Arguments of the call")
        self.arguments.setMinimumHeight(90)

        self.allow_once = QPushButton("Allow once", self)
        self.allow_once.setObjectName("toolApprovalAllowOnce")
        self.allow_once.setProperty("variant", "primary")
        self.always = QPushButton("Always allow this tool", self)
        self.always.setObjectName("toolApprovalAlwaysAllow")
        self.deny = QPushButton("Deny", self)
        self.deny.setObjectName("toolApprovalDeny")
        self.allow_once.clicked.connect(lambda: self.done(ALLOW_ONCE))
        self.always.clicked.connect(lambda: self.done(ALWAYS_ALLOW))
        self.deny.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addWidget(self.deny)
        buttons.addStretch(1)
        buttons.addWidget(self.always)
        buttons.addWidget(self.allow_once)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(description)
        layout.addWidget(self.note)
        layout.addWidget(QLabel("Arguments:", self))
        layout.addWidget(self.arguments, 1)
        layout.addLayout(buttons)
        self.resize(460, 300)
        self.allow_once.setDefault(True)
        self.allow_once.setFocus()


async def ask_tool_approval(
    parent: QWidget, call: ToolCall, spec: ToolSpec | None, note: str | None = None
) -> ApprovalDecision:
    """Show the dialog and wait for the person's answer (window-modal, no nested loop);
    ``note`` is shown above the arguments (a failed server that the call restarts)."""
    dialog = ToolApprovalDialog(call, spec, parent, note=note)
    try:
        result = await await_dialog(dialog)
    finally:
        dialog.deleteLater()
    if result == ALWAYS_ALLOW:
        return ApprovalDecision.ALWAYS_ALLOW
    if result == ALLOW_ONCE:
        return ApprovalDecision.ALLOW_ONCE
    return ApprovalDecision.DENY
