"""View ▸ Knowledge bases…: create one, add real documents with progress, search, remove."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QLineEdit, QWidget

from app.ui.knowledge.window import KnowledgeWindow
from tests.documents_factory import write_docx, write_pdf
from tests.ui.conftest import use_server


@pytest.fixture
def knowledge(open_window: Any, fake_api: Any, monkeypatch: pytest.MonkeyPatch) -> KnowledgeWindow:
    monkeypatch.setenv("AIML_API_KEY", "kb-window-key")
    use_server(fake_api.url)
    window = open_window()
    window.findChild(QAction, "actionKnowledge").trigger()
    found = window.findChild(KnowledgeWindow, "knowledgeWindow")
    assert found is not None and found.isVisible()
    return found


def _visible_dialog(parent: QWidget) -> QFileDialog | None:
    dialogs = [d for d in parent.findChildren(QFileDialog) if d.isVisible()]
    return dialogs[-1] if dialogs else None


def _pick(qtbot: Any, parent: QWidget, folder: Path, names: list[str]) -> None:
    qtbot.waitUntil(lambda: _visible_dialog(parent) is not None, timeout=3000)
    dialog = _visible_dialog(parent)
    assert dialog is not None
    dialog.setDirectory(str(folder))
    typed = " ".join(f'"{name}"' for name in names) if len(names) > 1 else names[0]
    dialog.findChild(QLineEdit, "fileNameEdit").setText(typed)
    dialog.accept()


def test_a_knowledge_base_is_created_filled_searched_and_emptied(
    qtbot: Any, knowledge: KnowledgeWindow, tmp_path: Path
) -> None:
    write_pdf(tmp_path / "report.pdf", ["Introduction.", "The apple harvest was 40 tonnes."])
    write_docx(tmp_path / "plan.docx", ["Plan", "Plant cherry trees next spring."])
    write_pdf(tmp_path / "locked.pdf", ["secret"], password="pw")
    name = knowledge.findChild(QLineEdit, "knowledgeName")
    qtbot.keyClicks(name, "Orchard")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert knowledge.current_base() == "Orchard"
    assert knowledge.status.text() == "No documents yet: add files or a folder."

    qtbot.mouseClick(knowledge.add_files_button, Qt.MouseButton.LeftButton)
    _pick(qtbot, knowledge, tmp_path, ["report.pdf", "plan.docx", "locked.pdf"])
    qtbot.waitUntil(lambda: knowledge.documents.rowCount() == 2, timeout=8000)

    rows = {
        knowledge.documents.item(r, 0).text(): knowledge.documents.item(r, 1).text()
        for r in range(knowledge.documents.rowCount())
    }
    assert rows == {"plan.docx": "", "report.pdf": "2"}
    assert not knowledge.progress.isVisible() and not knowledge.cancel_button.isVisible()
    assert knowledge.status.text().startswith("Indexed 2 documents")
    assert "The file locked.pdf is protected by a password" in knowledge.status.text()
    assert "2 documents" in knowledge.bases.currentItem().text()

    query = knowledge.findChild(QLineEdit, "knowledgeQuery")
    qtbot.keyClicks(query, "apple harvest")
    qtbot.keyClick(query, Qt.Key.Key_Return)
    assert knowledge.results.item(0).text().startswith("[1] report.pdf, page 2\nThe apple harvest")

    knowledge.documents.selectRow(0)
    qtbot.mouseClick(knowledge.remove_button, Qt.MouseButton.LeftButton)
    assert knowledge.documents.rowCount() == 1
    assert knowledge.status.text() == "Removed 1 document."


def test_a_duplicate_name_is_one_sentence_in_the_window(
    qtbot: Any, knowledge: KnowledgeWindow
) -> None:
    knowledge.services.knowledge.create("Orchard")
    knowledge.refresh()
    name = knowledge.findChild(QLineEdit, "knowledgeName")
    qtbot.keyClicks(name, "orchard")
    qtbot.mouseClick(knowledge.create_button, Qt.MouseButton.LeftButton)

    assert knowledge.status.text() == 'A knowledge base named "orchard" already exists.'
    assert name.text() == "orchard"  # kept, to correct
