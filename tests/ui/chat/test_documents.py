"""Documents and knowledge bases in the Chat tab: chips, reading with Cancel, send text or
file, stored with the message, citations with their passage; real PDF and Word files."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QFrame, QLabel, QPushButton, QToolButton

from app.ui.chat.tab import ChatTab
from tests.documents_factory import write_docx, write_pdf
from tests.fake_api import FakeApi
from tests.ui.chat.conftest import chat_bodies, click, messages, wait_reply

BUDGET = "The travel budget for 2025 is 40,000 euros, approved in March."


def paste_files(qtbot: Any, tab: ChatTab, *paths: Path) -> None:
    """Put files on the clipboard as a file manager does and press Ctrl+V in chatInput."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    QGuiApplication.clipboard().setMimeData(data)
    tab.input.setFocus()
    qtbot.keyClick(tab.input, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def chips(tab: ChatTab) -> list[QFrame]:
    return [c for c in tab.findChildren(QFrame, "chatDocumentChip") if c.isVisible()]


def chip_texts(tab: ChatTab) -> list[str]:
    return [c.findChild(QLabel, "chatDocumentLabel").text() for c in chips(tab)]


def wait_chips(qtbot: Any, tab: ChatTab, count: int) -> None:
    qtbot.waitUntil(lambda: len(chips(tab)) == count and not tab.documents.reading, timeout=8000)


def citation_point(tab: ChatTab, row: int, mark: str) -> QPoint:
    """Where the citation ``mark`` ("[2]") of the reply in ``row`` is, in the viewport."""
    tab.transcript.scroll_to_row(row)
    index = tab.transcript_model.index(row)
    for piece in tab.delegate.layout_for(index).pieces:
        if piece.doc is None:
            continue
        cursor = piece.doc.find(mark)
        if cursor.isNull():
            continue
        block = cursor.block()
        position = cursor.selectionStart() - block.position() + 1
        line = block.layout().lineForTextPosition(position)
        x = line.cursorToX(position)
        x = x[0] if isinstance(x, tuple) else x
        box = piece.doc.documentLayout().blockBoundingRect(block)
        y = box.top() + line.y() + line.height() / 2
        return tab.delegate.row_origin(index) + piece.rect.topLeft() + QPoint(int(x), int(y))
    raise AssertionError(f"no {mark} in row {row}")


def attach_report(qtbot: Any, tab: ChatTab, tmp_path: Path) -> None:
    """Type a question and paste a two-page PDF whose page 2 holds BUDGET."""
    pdf = write_pdf(tmp_path / "report.pdf", ["Introduction to the year.", BUDGET])
    tab.input.setPlainText("What is the travel budget?")
    paste_files(qtbot, tab, pdf)
    wait_chips(qtbot, tab, 1)


def test_a_pasted_pdf_becomes_a_chip_and_the_reply_cites_its_page(
    qtbot: Any, chat_tab: ChatTab, fake_api: FakeApi, tmp_path: Path
) -> None:
    attach_report(qtbot, chat_tab, tmp_path)
    [text] = chip_texts(chat_tab)
    assert text.startswith("report.pdf · 2 pages · ") and "KB" in text and "tokens" in text
    assert chat_tab.input.toPlainText() == "What is the travel budget?"

    fake_api.options.chat_reply = "The budget is 40,000 euros [2]."
    click(qtbot, chat_tab, "chatSend")
    reply = wait_reply(qtbot, chat_tab, 2)

    assert not chips(chat_tab)
    sent = chat_bodies(fake_api)[-1]["messages"][-1]["content"]
    assert f"[2] report.pdf, page 2:\n{BUDGET}" in sent
    assert reply.meta["sources"][1]["label"] == "report.pdf, page 2"
    question = chat_tab.delegate.layout_for(chat_tab.transcript_model.index(0))
    [line] = [p.text for p in question.pieces if p.kind == "document"]
    assert "report.pdf · 2 pages" in line

    point = citation_point(chat_tab, 1, "[2]")
    tip = chat_tab.delegate.citation_tip_at(point)
    assert tip.startswith("[2] report.pdf, page 2\n\nThe travel budget for 2025")
    qtbot.mouseClick(chat_tab.transcript.viewport(), Qt.MouseButton.LeftButton, pos=point)
    popup = chat_tab.findChild(QFrame, "chatCitationPopup")
    qtbot.waitUntil(lambda: popup is not None and popup.isVisible(), timeout=3000)
    assert popup.findChild(QLabel, "chatCitationText").text() == BUDGET
    popup.close()


def test_a_locked_pdf_is_one_sentence_and_the_input_is_kept(
    qtbot: Any, chat_tab: ChatTab, fake_api: FakeApi, tmp_path: Path
) -> None:
    locked = write_pdf(tmp_path / "locked.pdf", ["secret"], password="pw")
    scan = write_pdf(tmp_path / "scan.pdf", [""])
    chat_tab.input.setPlainText("Keep this text")
    paste_files(qtbot, chat_tab, locked)
    qtbot.waitUntil(lambda: "password" in chat_tab.message_bar.text, timeout=8000)
    assert chat_tab.message_bar.text.startswith("The file locked.pdf is protected by a password")
    paste_files(qtbot, chat_tab, scan)
    qtbot.waitUntil(lambda: "scan" in chat_tab.message_bar.text, timeout=8000)

    assert not chips(chat_tab)
    assert chat_tab.input.toPlainText() == "Keep this text"
    assert not chat_bodies(fake_api)


def test_chips_are_removed_with_the_keyboard_or_their_button(
    qtbot: Any, chat_tab: ChatTab, tmp_path: Path
) -> None:
    word = write_docx(tmp_path / "plan.docx", ["Plan", "Two engineers join in May."])
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\nBees matter.", encoding="utf-8")
    paste_files(qtbot, chat_tab, word, notes)
    wait_chips(qtbot, chat_tab, 2)
    assert [t.split(" · ")[0] for t in chip_texts(chat_tab)] == ["plan.docx", "notes.md"]
    assert not chat_tab.findChild(QComboBox, "chatDocumentSend").isVisible()  # no PDF

    first = chips(chat_tab)[0]
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: len(chips(chat_tab)) == 1)
    assert chip_texts(chat_tab)[0].startswith("notes.md")
    assert chips(chat_tab)[0].hasFocus()
    remove = chips(chat_tab)[0].findChild(QToolButton, "chatDocumentRemove")
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not chips(chat_tab) and not chat_tab.documents.isVisible())


def test_reading_a_long_pdf_shows_progress_and_cancel_drops_it(
    qtbot: Any, chat_tab: ChatTab, tmp_path: Path
) -> None:
    pdf = write_pdf(tmp_path / "long.pdf", [f"Page {n} of a long report." for n in range(800)])
    paste_files(qtbot, chat_tab, pdf)
    cancel = chat_tab.findChild(QPushButton, "chatDocumentCancel")
    qtbot.waitUntil(lambda: cancel.isVisible(), timeout=5000)
    status = chat_tab.findChild(QLabel, "chatDocumentStatus")
    assert status.text().startswith("Reading long.pdf…")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not chat_tab.documents.reading, timeout=8000)

    assert not chips(chat_tab) and not cancel.isVisible()


def test_send_file_sends_the_pdf_itself_and_it_is_there_when_reopened(
    qtbot: Any, chat_tab: ChatTab, fake_api: FakeApi, tmp_path: Path
) -> None:
    pdf = write_pdf(tmp_path / "report.pdf", [BUDGET])
    paste_files(qtbot, chat_tab, pdf)
    wait_chips(qtbot, chat_tab, 1)
    choice = chat_tab.findChild(QComboBox, "chatDocumentSend")
    assert choice.isVisible()
    choice.setCurrentIndex(choice.findData("file"))
    assert "sent as the file" in chip_texts(chat_tab)[0]
    chat_tab.input.setPlainText("Summarise")
    click(qtbot, chat_tab, "chatSend")
    wait_reply(qtbot, chat_tab, 2)

    parts = chat_bodies(fake_api)[-1]["messages"][-1]["content"]
    assert parts[0] == {"type": "text", "text": "Summarise"} and parts[1]["type"] == "file"
    data = parts[1]["file"]["file_data"].removeprefix("data:application/pdf;base64,")
    assert base64.b64decode(data) == pdf.read_bytes()

    conversation = chat_tab.conversation.id
    pdf.unlink()
    chat_tab.new_conversation()
    chat_tab.open_conversation(conversation)
    qtbot.waitUntil(lambda: len(messages(chat_tab)) == 2, timeout=5000)
    assert messages(chat_tab)[0].attachments[0].name == "report.pdf"
    chat_tab.edit_message(messages(chat_tab)[0])
    wait_chips(qtbot, chat_tab, 1)
    assert "sent as the file" in chip_texts(chat_tab)[0]


def test_a_knowledge_base_turned_on_in_the_chat_answers_with_citations(
    qtbot: Any, chat_tab: ChatTab, fake_api: FakeApi, tmp_path: Path
) -> None:
    folder = tmp_path / "company"
    folder.mkdir()
    write_pdf(folder / "budget.pdf", ["Cover page.", BUDGET])
    knowledge = chat_tab.services.knowledge
    knowledge.create("Company")
    knowledge.add("Company", [folder])

    picker = chat_tab.findChild(QToolButton, "chatKnowledge")
    picker.menu_.aboutToShow.emit()
    [action] = [a for a in picker.menu_.actions() if a.objectName() == "chatKnowledgeBase:Company"]
    action.trigger()
    assert picker.text() == "Knowledge: Company" and picker.isChecked()

    fake_api.options.chat_reply = "It is 40,000 euros [1]."
    chat_tab.input.setPlainText("What is the travel budget?")
    click(qtbot, chat_tab, "chatSend")
    reply = wait_reply(qtbot, chat_tab, 2)

    system = chat_bodies(fake_api)[-1]["messages"][0]
    assert system["role"] == "system" and "[1] budget.pdf, page 2:" in system["content"]
    assert reply.meta["sources"][0]["label"] == "budget.pdf, page 2"
    assert chat_tab.delegate.citation_tip_at(citation_point(chat_tab, 1, "[1]")).startswith(
        "[1] budget.pdf, page 2"
    )
    conversation = chat_tab.conversation.id
    chat_tab.new_conversation()
    assert picker.text() == "Knowledge"
    chat_tab.open_conversation(conversation)
    qtbot.waitUntil(lambda: picker.text() == "Knowledge: Company", timeout=5000)


def test_files_dropped_on_the_transcript_are_attached(
    qtbot: Any, chat_tab: ChatTab, tmp_path: Path
) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    pdf = write_pdf(tmp_path / "report.pdf", [BUDGET])
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(pdf))])
    centre = chat_tab.rect().center()
    action = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(
        centre, action, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(chat_tab, enter)
    assert enter.isAccepted() and chat_tab.drop_zone.isVisible()
    drop = QDropEvent(
        QPointF(centre), action, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(chat_tab, drop)
    wait_chips(qtbot, chat_tab, 1)

    assert not chat_tab.drop_zone.isVisible()
    assert chip_texts(chat_tab)[0].startswith("report.pdf · 1 page · ")


def test_a_chip_says_when_the_document_is_too_big_for_the_chosen_model(
    qtbot: Any, chat_tab: ChatTab, tmp_path: Path
) -> None:
    notes = tmp_path / "log.md"
    notes.write_text("\n\n".join(f"Entry {n}: nothing changed." for n in range(5000)))
    chat_tab.model_combo.set_current_model_id("deepseek/deepseek-r1")  # a 64,000-token context
    paste_files(qtbot, chat_tab, notes)
    wait_chips(qtbot, chat_tab, 1)
    assert chip_texts(chat_tab)[0].endswith("too big for the model's context: will use retrieval")

    combo = chat_tab.findChild(QComboBox, "chatModel")
    index = next(i for i in range(combo.count()) if combo.itemText(i).endswith("openai/gpt-4o"))
    combo.setCurrentIndex(index)  # picked from the list: a 128,000-token context
    combo.activated.emit(index)
    qtbot.waitUntil(lambda: "retrieval" not in chip_texts(chat_tab)[0])


def test_many_chips_wrap_onto_more_lines_inside_the_window(
    qtbot: Any, chat_tab: ChatTab, tmp_path: Path
) -> None:
    window = chat_tab.window()
    window.resize(900, 700)
    narrowest = window.minimumSizeHint().width()
    paths = []
    for number in range(9):
        path = tmp_path / f"meeting-notes-{number:02d}-long-file-name.md"
        path.write_text(f"# Notes {number}\n\nBees matter.", encoding="utf-8")
        paths.append(path)
    paste_files(qtbot, chat_tab, *paths)
    wait_chips(qtbot, chat_tab, 9)
    qtbot.waitUntil(lambda: chat_tab.documents.height() > chips(chat_tab)[0].height() * 2)

    tray = chat_tab.documents
    lines = {chip.mapTo(tray, QPoint(0, 0)).y() for chip in chips(chat_tab)}
    assert len(lines) >= 3  # wrapped, in reading order
    for chip in chips(chat_tab):
        corner = chip.mapTo(tray, QPoint(chip.width(), chip.height()))
        assert tray.rect().contains(corner - QPoint(1, 1)), chip.accessibleName()
        assert chip.visibleRegion().boundingRect().size() == chip.size()  # nothing cut off
    assert window.minimumSizeHint().width() <= narrowest + 1  # the window did not widen
    assert chat_tab.input.isVisible() and chat_tab.input.height() > 30


def test_a_replys_sources_open_from_the_keyboard(
    qtbot: Any, chat_tab: ChatTab, fake_api: FakeApi, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QMenu

    attach_report(qtbot, chat_tab, tmp_path)
    fake_api.options.chat_reply = "The budget is 40,000 euros [2]."
    click(qtbot, chat_tab, "chatSend")
    wait_reply(qtbot, chat_tab, 2)

    view = chat_tab.transcript
    view.setFocus()
    view.setCurrentIndex(chat_tab.transcript_model.index(0))
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 1
    qtbot.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = chat_tab.transcript.findChild(QMenu, "chatMessageMenu")
    qtbot.waitUntil(lambda: menu is not None and menu.isVisible(), timeout=3000)
    sources = menu.findChild(QMenu, "chatSourcesMenu")
    [entry] = [a for a in sources.actions() if a.objectName() == "chatSource_2"]
    assert entry.text() == "[2] report.pdf, page 2"
    row_top = view.viewport().mapToGlobal(view.visualRect(view.currentIndex()).topLeft())
    assert abs(menu.pos().y() - row_top.y()) < view.visualRect(view.currentIndex()).height()
    menu.close()
    entry.trigger()
    popup = chat_tab.findChild(QFrame, "chatCitationPopup")
    qtbot.waitUntil(lambda: popup is not None and popup.isVisible(), timeout=3000)
    assert popup.findChild(QLabel, "chatCitationText").text() == BUDGET
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: chat_tab.findChild(QFrame, "chatCitationPopup") is None, timeout=3000)

    question_menu = chat_tab.message_menu(0)
    assert question_menu.findChild(QMenu, "chatSourcesMenu") is None  # only replies cite
