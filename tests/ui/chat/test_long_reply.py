"""Long replies: only the text on screen is laid out at once, the rest in idle steps."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QGuiApplication

from app.ui.chat.row_layout import RowLayout
from tests.ui.chat.conftest import messages, type_and_send, wait_reply

PARAGRAPH = "Streams, buffers and tokens arrive faster than a frame can lay them out. " * 6


def long_reply(paragraphs: int) -> str:
    parts = [f"## Part {n}\n\n{PARAGRAPH}" for n in range(paragraphs)]
    parts.insert(paragraphs // 2, "```python\nprint('middle')\n```")
    return "\n\n".join(parts) + "\n\nThe very end."


def row_layout(tab, row: int) -> RowLayout:
    return tab.delegate.layout_for(tab.transcript_model.index(row))


def shown_text(tab, row: int) -> str:
    pieces = row_layout(tab, row).pieces
    return "".join(p.doc.toPlainText() for p in pieces if p.kind == "body")


def on_screen(tab, row: int) -> list[str]:
    """Kinds of the row's pieces that lie inside the viewport."""
    origin = tab.delegate.row_origin(tab.transcript_model.index(row))
    viewport = tab.transcript.viewport().rect()
    return [
        p.kind
        for p in row_layout(tab, row).pieces
        if QRect(p.rect).translated(origin).intersects(viewport)
    ]


def open_stored(qtbot, tab, text: str) -> None:
    conversation = tab.history.store.create_conversation("Long one")
    tab.history.store.add_message(conversation.id, "user", "a long answer please")
    tab.history.store.add_message(conversation.id, "assistant", text, model="openai/gpt-4o")
    tab.refresh_conversations()
    tab.open_conversation(conversation.id)
    qtbot.waitUntil(lambda: len(messages(tab)) == 2, timeout=5000)


def test_a_long_fast_reply_ends_laid_out_in_full(qtbot, chat_tab, fake_api):
    reply = long_reply(120)
    fake_api.options.chat_reply = reply
    type_and_send(qtbot, chat_tab, "a long answer please")
    stored = wait_reply(qtbot, chat_tab, 2, timeout=15000)
    assert stored.content == reply and stored.status == "complete"

    qtbot.waitUntil(lambda: not chat_tab.delegate.layouts.incomplete, timeout=10000)
    layout = row_layout(chat_tab, 1)
    assert layout.complete
    text = shown_text(chat_tab, 1)
    assert text.rstrip().endswith("The very end.")
    assert text.count("Part ") == 120
    code = [c for p in layout.pieces if p.kind == "body" for c in p.code]
    assert code == ["print('middle')\n"]
    assert messages(chat_tab)[1].content == reply


def test_a_long_message_shows_its_end_first_and_lays_out_the_rest_when_idle(qtbot, chat_tab):
    chat_tab.delegate.defer_idle = True  # hold the idle steps to look at the first layout
    open_stored(qtbot, chat_tab, long_reply(200))
    qtbot.waitUntil(lambda: "body" in on_screen(chat_tab, 1), timeout=5000)

    first = row_layout(chat_tab, 1)
    assert not first.complete  # most of the text waits
    kinds = on_screen(chat_tab, 1)
    assert "pending" not in kinds  # but the end, on screen, is laid out
    assert shown_text(chat_tab, 1).rstrip().endswith("The very end.")

    chat_tab.delegate.defer_idle = False
    qtbot.waitUntil(lambda: row_layout(chat_tab, 1).complete, timeout=10000)
    assert shown_text(chat_tab, 1).count("Part ") == 200
    assert not chat_tab.delegate.layouts.incomplete


def test_text_scrolled_onto_is_laid_out_before_it_is_painted(qtbot, chat_tab):
    chat_tab.delegate.defer_idle = True  # only what comes on screen may be laid out
    open_stored(qtbot, chat_tab, long_reply(200))
    qtbot.waitUntil(lambda: "body" in on_screen(chat_tab, 1), timeout=5000)
    bar = chat_tab.transcript.verticalScrollBar()
    for fraction in (0.5, 0.2, 0.0):
        bar.setValue(int(bar.maximum() * fraction))
        chat_tab.transcript.viewport().repaint()  # one frame, nothing else in between
        kinds = on_screen(chat_tab, 1)
        assert "body" in kinds and "pending" not in kinds, fraction
    assert not row_layout(chat_tab, 1).complete  # what is still off screen waits
    chat_tab.delegate.defer_idle = False
    qtbot.waitUntil(lambda: row_layout(chat_tab, 1).complete, timeout=10000)


def test_a_message_taller_than_a_list_row_can_be_is_shown_to_its_end(qtbot, chat_tab):
    # Qt keeps list item heights in 16 bits: a message this long spans several rows.
    text = long_reply(420)
    open_stored(qtbot, chat_tab, text)
    model, view = chat_tab.transcript_model, chat_tab.transcript
    qtbot.waitUntil(lambda: model.rowCount() > 2, timeout=10000)
    layout = row_layout(chat_tab, 1)
    assert layout.height > 32_767
    parts = model.parts(model.message(1).id)
    assert model.rowCount() == 1 + parts
    assert all(view.visualRect(model.index(row)).height() <= 16_010 for row in range(1, 1 + parts))

    view.follow_bottom()
    qtbot.waitUntil(lambda: "body" in on_screen(chat_tab, 1), timeout=5000)
    rect = chat_tab.delegate.action_rect(model.index(1), "copy")
    assert rect is not None and view.viewport().rect().contains(rect.center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert QGuiApplication.clipboard().text() == text

    chat_tab.delete_message(model.message(1))
    assert model.rowCount() == 1 and [m.role for m in messages(chat_tab)] == ["user"]


def anchor_point(doc, href: str):  # type: ignore[no-untyped-def]
    """A point of ``doc`` where the link ``href`` is, or None."""
    size = doc.size()
    for y in range(0, int(size.height()), 3):
        for x in range(0, int(size.width()), 6):
            if doc.documentLayout().anchorAt(QPointF(x, y)) == href:
                return QPoint(x, y)
    return None


def test_copy_on_a_code_block_cut_into_chunks_copies_all_of_it(qtbot, chat_tab, fake_api):
    code = "".join(f"def f{n}(x):\n    return x + {n}\n" for n in range(400))
    fake_api.options.chat_reply = f"Here:\n\n```python\n{code}```\n\nThat is all."
    type_and_send(qtbot, chat_tab, "a long file please")
    wait_reply(qtbot, chat_tab, 2, timeout=15000)
    qtbot.waitUntil(lambda: row_layout(chat_tab, 1).complete, timeout=10000)
    pieces = row_layout(chat_tab, 1).pieces
    first = next(p for p in pieces if p.kind == "body" and p.cut_code_at is not None)
    assert len([p for p in pieces if p.kind == "body"]) > 3  # the block spans several groups

    index = chat_tab.transcript_model.index(1)
    view = chat_tab.transcript
    view.scroll_to_row(1)
    qtbot.waitUntil(lambda: "body" in on_screen(chat_tab, 1), timeout=5000)
    point = anchor_point(first.doc, "copy-code:0")
    assert point is not None
    target = chat_tab.delegate.row_origin(index) + first.rect.topLeft() + point
    assert view.viewport().rect().contains(target)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=target)
    assert QGuiApplication.clipboard().text() == code


def pending_pieces(tab, row: int) -> int:
    return sum(piece.kind == "pending" for piece in row_layout(tab, row).pieces)


def test_code_above_the_screen_is_laid_out_a_chunk_a_step_when_idle(qtbot, chat_tab):
    chat_tab.delegate.defer_idle = True  # the idle steps are taken by hand below
    lines = "".join(f"    total += step_{n}(items)  # keep going\n" for n in range(900))
    open_stored(qtbot, chat_tab, f"```python\ndef run(items):\n{lines}```\n\nThe very end.")
    qtbot.waitUntil(lambda: "body" in on_screen(chat_tab, 1), timeout=5000)
    layouts = chat_tab.delegate.layouts
    message_id = messages(chat_tab)[1].id
    assert pending_pieces(chat_tab, 1) > 3  # a long code block: its end is laid out first

    chat_tab.transcript.verticalScrollBar().setValue(0)  # the top on screen, the end off it
    qtbot.waitUntil(lambda: "pending" not in on_screen(chat_tab, 1), timeout=5000)
    waiting = pending_pieces(chat_tab, 1)
    while waiting > 2:
        layouts.complete_step(deadline=0.0)  # a step whose time is up still lays out a chunk
        layouts.drop_layout(message_id)
        assert pending_pieces(chat_tab, 1) == waiting - 1  # one chunk, not more
        waiting -= 1

    layouts.drop_layout(message_id)  # little is left, but the row is long: it still waits
    assert pending_pieces(chat_tab, 1) == 2
    chat_tab.delegate.defer_idle = False
    qtbot.waitUntil(lambda: row_layout(chat_tab, 1).complete, timeout=10000)
    assert shown_text(chat_tab, 1).count("keep going") == 900
