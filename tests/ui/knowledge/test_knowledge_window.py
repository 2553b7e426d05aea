"""View ▸ Knowledge bases…: create one, add real documents with progress, search, remove."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QFileDialog, QLineEdit, QWidget

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
    qtbot.waitUntil(lambda: _first_result(knowledge).startswith("[1] "))
    assert _first_result(knowledge).startswith("[1] report.pdf, page 2\nThe apple harvest")

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


def _first_result(knowledge: KnowledgeWindow) -> str:
    item = knowledge.results.item(0)
    return item.text() if item is not None else ""


def _orchard(knowledge: KnowledgeWindow, tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Orchard\n\nBees from two hives pollinate the apple blossom.", "utf-8")
    knowledge.services.knowledge.create("Orchard")
    knowledge.services.knowledge.add("Orchard", [notes])
    knowledge.refresh(select="Orchard")


def test_vector_search_is_switched_on_with_progress_and_searches_join_it(
    qtbot: Any, knowledge: KnowledgeWindow, fake_api: Any, tmp_path: Path
) -> None:
    _orchard(knowledge, tmp_path)
    vectors = knowledge.findChild(QCheckBox, "knowledgeVectors")
    model = knowledge.findChild(QLineEdit, "knowledgeEmbeddingModel")
    assert not vectors.isChecked() and model.placeholderText() == "text-embedding-3-small"

    qtbot.mouseClick(vectors, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: knowledge.status.text().startswith("Vector search is on"), timeout=8000)
    assert knowledge.status.text().startswith("Vector search is on with text-embedding-3-small")
    assert vectors.isChecked() and model.text() == "text-embedding-3-small" and model.isReadOnly()
    assert knowledge.bases.currentItem().text().endswith("· vector search")
    embedded = [r.json for r in fake_api.requests if r.path.endswith("/embeddings")]
    assert embedded and embedded[0]["model"] == "text-embedding-3-small"

    query = knowledge.findChild(QLineEdit, "knowledgeQuery")
    qtbot.keyClicks(query, "who pollinates the blossom")
    qtbot.keyClick(query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _first_result(knowledge).startswith("[1] notes.md"))
    asked = [r.json["input"] for r in fake_api.requests if r.path.endswith("/embeddings")]
    assert asked[-1] == ["who pollinates the blossom"]  # the question joined by its vector

    qtbot.mouseClick(vectors, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: knowledge.status.text().startswith("Vector search is off"))
    assert knowledge.services.knowledge.store.get("Orchard").embedding_model is None
    assert not model.isReadOnly()


def test_vector_search_the_provider_refuses_stays_off_with_one_sentence(
    qtbot: Any, knowledge: KnowledgeWindow, fake_api: Any, tmp_path: Path
) -> None:
    from tests.fake_api import Fault

    _orchard(knowledge, tmp_path)
    fake_api.script("/v1/embeddings", Fault.error(404, "Model not found"))
    vectors = knowledge.findChild(QCheckBox, "knowledgeVectors")
    knowledge.findChild(QLineEdit, "knowledgeEmbeddingModel").setText("no/such-model")
    qtbot.mouseClick(vectors, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: knowledge.status.text().startswith("Vector search stays off"))
    assert "\n" not in knowledge.status.text() and "Traceback" not in knowledge.status.text()
    assert not vectors.isChecked() and vectors.isEnabled()
    assert knowledge.services.knowledge.store.get("Orchard").embedding_model is None
    assert not knowledge.progress.isVisible() and not knowledge.cancel_button.isVisible()


def test_a_knowledge_base_is_deleted_after_asking(
    qtbot: Any, knowledge: KnowledgeWindow, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QMessageBox

    _orchard(knowledge, tmp_path)
    knowledge.services.knowledge.create("Garden")
    knowledge.refresh(select="Orchard")

    def asked() -> QMessageBox | None:
        boxes = [box for box in knowledge.findChildren(QMessageBox) if box.isVisible()]
        return boxes[-1] if boxes else None

    for answer, left in (
        (QMessageBox.StandardButton.No, ["Garden", "Orchard"]),
        (QMessageBox.StandardButton.Yes, ["Garden"]),
    ):
        qtbot.mouseClick(knowledge.delete_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: asked() is not None)
        box = asked()
        assert box is not None and '"Orchard"' in box.text()
        box.button(answer).click()
        qtbot.waitUntil(lambda: asked() is None)
        qtbot.waitUntil(
            lambda left=left: [b.name for b in knowledge.services.knowledge.bases()] == left
        )
    qtbot.waitUntil(lambda: knowledge.status.text() == 'Deleted the knowledge base "Orchard".')
    assert knowledge.current_base() == "Garden"
