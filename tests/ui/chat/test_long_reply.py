"""A long reply that arrives faster than it can be laid out: shown in steps, then whole."""

from __future__ import annotations

from app.ui.chat.reveal import RevealPacer
from tests.ui.chat.conftest import messages, type_and_send, wait_reply

PARAGRAPH = "Streams, buffers and tokens arrive faster than a frame can lay them out. " * 6


def long_reply(paragraphs: int) -> str:
    parts = [f"## Part {n}\n\n{PARAGRAPH}" for n in range(paragraphs)]
    parts.insert(paragraphs // 2, "```python\nprint('middle')\n```")
    return "\n\n".join(parts) + "\n\nThe very end."


def shown_text(tab, row: int) -> str:
    layout = tab.delegate.layout_for(tab.transcript_model.index(row))
    return "".join(p.doc.toPlainText() for p in layout.pieces if p.kind == "body")


def test_a_long_fast_reply_ends_laid_out_in_full(qtbot, chat_tab, fake_api):
    reply = long_reply(120)
    fake_api.options.chat_reply = reply
    chat_tab._pacer.chars_per_frame = chat_tab._pacer.min_chars  # many steps, as on a slow machine
    partly_shown: list[bool] = []
    chat_tab.transcript_model.dataChanged.connect(
        lambda *_: partly_shown.append(bool(chat_tab.delegate.shown_chars))
    )
    type_and_send(qtbot, chat_tab, "a long answer please")
    stored = wait_reply(qtbot, chat_tab, 2, timeout=15000)
    assert stored.content == reply and stored.status == "complete"

    qtbot.waitUntil(lambda: not chat_tab.delegate.shown_chars, timeout=10000)
    assert any(partly_shown)  # it was shown in steps
    text = shown_text(chat_tab, 1)
    assert text.rstrip().endswith("The very end.")
    assert text.count("Part ") == 120
    layout = chat_tab.delegate.layout_for(chat_tab.transcript_model.index(1))
    assert layout.code == ["print('middle')\n"]
    assert messages(chat_tab)[1].content == reply


def test_steps_end_at_line_breaks_and_follow_the_measured_speed():
    pacer = RevealPacer(frame_seconds=0.01, chars_per_frame=1000, min_chars=100)
    text = ("word " * 30 + "\n") * 100
    limit = pacer.next_limit(0, text)
    assert limit is not None and limit <= 1000 and text[limit - 1] == "\n"
    assert pacer.next_limit(len(text) - 500, text) is None  # the rest fits: show everything

    pacer.learn(1000, 0.05)  # five times slower than a frame allows
    assert pacer.chars_per_frame < 1000
    slow = pacer.chars_per_frame
    for _ in range(6):
        pacer.learn(pacer.chars_per_frame, 0.001)  # much faster
    assert pacer.chars_per_frame > slow
