"""Cutting a body into source blocks with their file lines."""

from __future__ import annotations

from editor.core.render.blocks import split_blocks


def texts(body: str) -> list[tuple[int, str, str]]:
    return [(b.line, b.kind, b.text) for b in split_blocks(body, 10)]


def test_blank_lines_separate_blocks_and_lines_count_from_the_file() -> None:
    assert texts("a\nb\n\n\nc\n") == [(10, "normal", "a\nb"), (14, "normal", "c")]


def test_fences_liquid_blocks_and_html_keep_their_blank_lines() -> None:
    body = (
        "```\ncode\n\nmore\n```\n\n"
        "{% highlight ruby %}\nx\n\ny\n{% endhighlight %}\n\n"
        "{% if a %}\none\n\ntwo\n{% endif %}\n\n"
        "<div>\n\ninside\n\n</div>\n\n<!--\n\ncomment\n\n-->\n\nend"
    )
    blocks = texts(body)
    assert [text.split("\n")[0] for _, _, text in blocks] == [
        "```", "{% highlight ruby %}", "{% if a %}", "<div>", "<!--", "end",
    ]  # fmt: skip
    assert blocks[1] == (16, "normal", "{% highlight ruby %}\nx\n\ny\n{% endhighlight %}")


def test_raw_hides_liquid_tags() -> None:
    assert len(texts("{% raw %}\n{% if %}\n\n{% endraw %}\n\nafter")) == 2


def test_loose_lists_and_continuations_are_one_block() -> None:
    body = "- one\n\n- two\n\n  more of two\n\n      code in two\n\nafter"
    assert [kind for _, kind, _ in texts(body)] == ["normal", "normal"]
    assert texts(body)[1] == (18, "normal", "after")


def test_definitions_and_footnotes_are_their_own_kinds() -> None:
    body = "text[^1]\n\n[^1]: note\n    continued\n\n[x]: https://x.test\n*[HTML]: markup"
    assert [kind for _, kind, _ in texts(body)] == ["normal", "footnote", "definitions"]


def test_ideographic_spaces_do_not_make_a_blank_line() -> None:
    # kramdown and Python-Markdown only take spaces and tabs as blank.
    assert len(texts("第一段\n\u3000\u3000\n第二段")) == 1
