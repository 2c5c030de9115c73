"""Incremental rendering gives exactly what a full render gives.

A pipeline that has rendered earlier versions of a text (block cache warm,
block splitting reused around the edit) must produce the same blocks, HTML
and diagnostics as a fresh pipeline rendering the final text once, after any
sequence of edits.
"""

from __future__ import annotations

import os

from hypothesis import example, given, settings
from hypothesis import strategies as st

from editor.core.render.blocks import Splitter, split_blocks
from editor.core.render.pipeline import Pipeline
from editor.core.render.types import Block, RenderResult

# Pieces that change how blocks are cut or rendered when typed anywhere.
PIECES = [
    "\n", "\n\n", "```\n", "~~~\n", "- item\n", "  - nested\n", "1. one\n", "    code\n",
    "{% if page.title %}", "{% endif %}", "{{ page.title }}", "{% raw %}", "{% endraw %}",
    "<div>", "</div>", "<!--", "-->", "[^a]", "[^a]: note\n", "[^b]: other\n", "[x]: /u\n",
    "[link][x]", "*[HTML]: markup\n", "HTML", "# Title\n", "## Title\n", "| a | b |\n|---|---|\n",
    "> quote\n", ": definition\n", "中文段落，", "word ", "**bold**", "\"quoted\" -- ", "…",
]  # fmt: skip

START = (
    "# 标题 Title\n\nFirst paragraph[^a] with [link][x].\n\n- one\n- two\n\n"
    "```python\nprint(1)\n```\n\n{% if page.title %}\n{{ page.title }}\n{% endif %}\n\n"
    "[^a]: A note.\n\n[x]: https://example.com\n\n中文段落。HTML 也在。\n\n*[HTML]: markup\n"
)

edits = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=1),
        st.sampled_from(["insert", "delete", "replace"]),
        st.sampled_from(PIECES),
        st.integers(min_value=1, max_value=12),
    ),
    min_size=1,
    max_size=12,
)


def apply(text: str, edit: tuple[float, str, str, int]) -> str:
    where, kind, piece, length = edit
    at = int(where * len(text))
    if kind == "insert":
        return text[:at] + piece + text[at:]
    if kind == "delete":
        return text[:at] + text[at + length :]
    return text[:at] + piece + text[at + length :]


@settings(max_examples=int(os.environ.get("GALLEY_EXAMPLES", "120")), deadline=None)
@given(edits)
# A note nobody cites any more, then cited again from another block.
@example([(0.125, "delete", "\n", 2), (0.0, "insert", "[^a]", 1)])
def test_incremental_render_equals_full_render(sequence: list[tuple[float, str, str, int]]) -> None:
    render_step_by_step(START, sequence, 5)


def render_step_by_step(
    text: str, sequence: list[tuple[float, str, str, int]], first_line: int
) -> None:
    """Apply the edits one by one to a warm pipeline; after every edit, not
    only the last, its render (often made from the previous one: a local
    edit) must equal a full render, and its change must be right."""
    page = {"title": "页面 Page"}
    warm = Pipeline(config={})
    previous = warm.render(text, page, first_line)
    for edit in sequence:
        text = apply(text, edit)
        incremental = warm.render(text, page, first_line)
        assert incremental == Pipeline(config={}).render(text, page, first_line)
        check_change(previous, incremental)
        previous = incremental


def check_change(previous: RenderResult, result: RenderResult) -> None:
    """A result's ``change`` turns the previous blocks into its own."""
    change = result.change
    if change is None:
        return
    assert change.base == previous.serial
    old = previous.blocks
    kept_tail = old[change.prefix + change.removed :]
    rebuilt = (
        old[: change.prefix]
        + result.blocks[change.prefix : change.prefix + change.inserted]
        + tuple(Block(b.id, b.html, b.line + change.shift) for b in kept_tail)
    )
    assert rebuilt == result.blocks


# Ordinary typing in a post of plain blocks: most edits stay inside one
# block, which the pipeline renders without visiting the others.
TYPING_START = "# 标题\n\n" + "\n\n".join(
    [
        "第一段落，有中文。", "Second paragraph with *emphasis* and [a link](/x).", "## Part\n",
        "- one\n- two", "Same.", "Same.", "```\ncode\n```", "> quote here", "## Part",
        "Last [ref][x].", "[x]: /y", "[^n]: note", "Uses[^n].", "{{ page.title }}",
    ]
) + "\n"  # fmt: skip
TYPING = ["a", "中", "文", " ", "\n", "\n\n", "#", "## ", "*", "`", "[", "]", "Same.", "-", "1. ",
          "<b>", "Part", "[^n]", "{{"]  # fmt: skip


@settings(max_examples=int(os.environ.get("GALLEY_EXAMPLES", "120")), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=1),
            st.sampled_from(["insert", "insert", "delete", "replace"]),
            st.sampled_from(TYPING),
            st.integers(min_value=1, max_value=3),
        ),
        min_size=1,
        max_size=15,
    )
)
def test_typing_renders_equal_full_renders(sequence: list[tuple[float, str, str, int]]) -> None:
    render_step_by_step(TYPING_START, sequence, 3)


def test_a_local_edit_says_which_blocks_changed() -> None:
    pipeline = Pipeline(config={})
    body = "\n\n".join(f"Paragraph {i} 段落。" for i in range(50)) + "\n\n[^a]: note\n"
    body = body.replace("Paragraph 40 ", "Paragraph 40[^a] ")
    first = pipeline.render(body, {}, 4)
    typed = pipeline.render(body.replace("Paragraph 10 ", "Paragraph 10 typed "), {}, 4)
    assert typed.change is not None
    assert (typed.change.prefix, typed.change.removed, typed.change.inserted) == (10, 1, 1)
    assert typed.change.shift == 0
    check_change(first, typed)
    # A new line moves every later block, the footnotes with them.
    entered = pipeline.render(body.replace("Paragraph 10 ", "Paragraph\n10 "), {}, 4)
    assert entered.change is not None and entered.change.shift == 1
    check_change(typed, entered)
    assert entered == Pipeline(config={}).render(
        body.replace("Paragraph 10 ", "Paragraph\n10 "), {}, 4
    )


@settings(max_examples=200, deadline=None)
@given(edits)
def test_incremental_split_equals_full_split(sequence: list[tuple[float, str, str, int]]) -> None:
    splitter = Splitter()
    text = START
    splitter.split(text, 3)
    for edit in sequence:
        text = apply(text, edit)
        assert splitter.split(text, 3) == split_blocks(text, 3)


def test_only_changed_blocks_are_rendered_again() -> None:
    pipeline = Pipeline(config={})
    body = "\n\n".join(f"Paragraph {i} 段落。" for i in range(200))
    first = pipeline.render(body)
    calls = 0
    convert = pipeline._convert

    def counting(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        return convert(*args, **kwargs)  # type: ignore[arg-type]

    pipeline._convert = counting  # type: ignore[method-assign]
    second = pipeline.render(body.replace("Paragraph 100 ", "Paragraph 100 edited "))
    assert calls == 1
    changed = [a.id for a, b in zip(first.blocks, second.blocks, strict=True) if a != b]
    assert len(changed) == 1
