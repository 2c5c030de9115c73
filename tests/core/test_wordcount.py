"""Word counts that understand Chinese."""

from __future__ import annotations

from editor.core.wordcount import CJK_PER_MINUTE, Counts, count


def test_chinese_is_counted_by_character_and_punctuation_is_not() -> None:
    assert count("春节期间，江苏省连云港市妇联启动“连里公益”。") == Counts(19, 0)


def test_latin_words_and_numbers() -> None:
    # Don't / count / well-known / things / twice / 3.5 / million / 2026
    assert count("Don't count well-known things twice: 3.5 million, 2026.") == Counts(0, 8)


def test_mixed_text() -> None:
    assert count("港口 harbour 岸电 shore power 2025 年") == Counts(5, 4)


def test_markup_liquid_and_addresses_are_not_counted() -> None:
    body = (
        '## 标题\n\n<p class="lead">正文 <strong>加粗</strong></p>\n\n'
        "[链接文字](https://example.com/very/long/path) ![图片说明](/assets/a.png)\n\n"
        '{% include note.html text="x" %} {{ page.title }} 脚注[^1]\n\n'
        "```python\ncode here\n```\n\n[^1]: 注释\n\n[ref]: https://example.com\n<!-- 编辑备注 -->\n"
    )
    # 标题 正文 加粗 链接文字 图片说明 脚注 注释 = 2+2+2+4+4+2+2; "code here" = 2 words
    assert count(body) == Counts(18, 2)


def test_reading_time() -> None:
    assert Counts(0, 0).minutes == 0
    assert Counts(1, 0).minutes == 1
    assert Counts(CJK_PER_MINUTE * 2, 0).minutes == 2
    assert Counts(CJK_PER_MINUTE, 200).minutes == 2


def test_rare_han_characters_count() -> None:
    assert count("𠀀𪚥") == Counts(2, 0)
