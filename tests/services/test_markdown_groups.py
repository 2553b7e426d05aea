"""Long Markdown split into groups: text kept exactly, long code blocks cut into chunks that
render as one block, and a growing text grouped as the whole text would be."""

from __future__ import annotations

import pytest

from app.services.markdown_groups import GROUP_CHARS, GrowingText, split_groups
from app.services.markdown_render import MarkdownRenderer

CODE = "".join(f"def f{n}(x):\n    return x + {n}  # line {n}\n" for n in range(300))
PROSE = "\n\n".join(f"Paragraph {n} " + "word " * 60 for n in range(40))
LONG_CODE_REPLY = f"Here:\n\n```python\n{CODE}```\n\nAfter the code.\n\n{PROSE}"


@pytest.mark.parametrize("text", [PROSE, LONG_CODE_REPLY, f"```\n{CODE}", "", "one line"])
def test_groups_join_to_the_text(text: str) -> None:
    groups = split_groups(text)
    assert "".join(g.source for g in groups) == text
    plain = [g.fence is None and g.open_fence is None for g in groups]
    for number in range(len(groups) - 1):
        if plain[number] and plain[number + 1]:  # (a group before a cut code block may be short)
            assert len(groups[number].source) >= GROUP_CHARS


def test_a_long_code_block_is_cut_into_chunks_that_continue_it() -> None:
    groups = split_groups(LONG_CODE_REPLY)
    cut = [n for n, g in enumerate(groups) if g.cut_fence_at is not None]
    assert len(cut) == 1
    first = groups[cut[0]]
    assert first.source.startswith("```python\n") and first.open_fence == ("```", "python")
    chunks = [first]
    for group in groups[cut[0] + 1 :]:
        chunks.append(group)
        if group.open_fence is None:
            break
    assert len(chunks) > 3
    assert all(g.fence == ("```", "python") for g in chunks[1:])
    assert chunks[-1].source.startswith(chunks[-1].source.split("```")[0])
    assert "```\n" in chunks[-1].source  # the closing line ends the last chunk's code
    code = "".join(g.source for g in chunks)
    assert CODE in code


def test_chunks_render_as_one_code_block_and_copy_gives_all_of_it() -> None:
    renderer = MarkdownRenderer()
    groups = split_groups(LONG_CODE_REPLY)
    rendered = [renderer.render_group(g.source, g.fence, g.open_fence is not None) for g in groups]
    html = "".join(r.html for r in rendered)
    assert html.count(">Copy</a>") == 1  # one bar, on the first chunk
    assert "After the code." in html and "f299" in html and "```" not in html
    first = next(n for n, g in enumerate(groups) if g.cut_fence_at is not None)
    start = sum(len(g.source) for g in groups[:first])
    assert renderer.fenced_code(LONG_CODE_REPLY, start) == CODE


@pytest.mark.parametrize("step", [13, 97, 1499])
def test_a_growing_text_is_grouped_as_the_whole_text_is(step: int) -> None:
    growing = GrowingText()
    for end in range(0, len(LONG_CODE_REPLY) + step, step):
        text = LONG_CODE_REPLY[:end]
        assert growing.groups(text) == split_groups(text), end
