"""Bad input: every file opens (or is refused with a clear reason), the
problem is reported with its line and column where there is one, nothing in
the file is lost or executed, and the answer comes back at once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from editor.core import split as split_mod
from editor.core import yaml_fm
from editor.core.errors import FrontMatterError, UnreadableFileError
from editor.core.post import Post

pytestmark = pytest.mark.usefixtures("hang_guard")

WritePost = Callable[..., Path]


def open_keeping_bytes(path: Path) -> Post:
    """Open ``path``, and check that saving it unchanged writes the same bytes."""
    original = path.read_bytes()
    post = Post.load(path)
    assert post.to_bytes() == original
    assert not post.modified
    post.save()
    assert path.read_bytes() == original
    return post


def assert_raw_mode(post: Post, line: int | None, column: int | None) -> None:
    """The front matter is kept as raw text, with the problem's position,
    and field edits are refused rather than guessed."""
    assert post.problem is not None
    assert (post.problem.line, post.problem.column) == (line, column)
    assert post.data is None
    assert post.fields() == {}
    with pytest.raises(FrontMatterError) as caught:
        post.set("title", "x")
    assert caught.value.path == post.path
    assert (caught.value.line, caught.value.column) == (line, column)


# -- YAML that does not parse -------------------------------------------------


def test_invalid_yaml_reports_line_and_column(write_post: WritePost) -> None:
    path = write_post(b"---\ntitle: Hello\ntags: [a, b\nlayout: post\n---\nBody.\n")

    post = open_keeping_bytes(path)

    assert post.format == "yaml"
    # The parser notices the unclosed list at the colon of "layout:".
    assert_raw_mode(post, 4, 7)
    assert post.front_matter == "title: Hello\ntags: [a, b\nlayout: post\n"
    assert post.body == "Body.\n"


def test_mapping_value_where_none_is_allowed(write_post: WritePost) -> None:
    post = open_keeping_bytes(write_post(b"---\ntitle: a: b\n---\nBody.\n"))

    assert "mapping values" in post.problem.message
    assert_raw_mode(post, 2, 9)


def test_tab_indentation_is_named(write_post: WritePost) -> None:
    path = write_post(b"---\ntitle: a\ntags:\n\t- x\n\t- y\n---\nBody.\n")

    post = open_keeping_bytes(path)

    assert "tab" in post.problem.message
    assert_raw_mode(post, 4, 1)


def test_duplicate_keys_point_at_the_second(write_post: WritePost) -> None:
    path = write_post("---\ntitle: 一\nlayout: post\ntitle: 二\n---\nBody.\n".encode())

    post = open_keeping_bytes(path)

    assert 'duplicate key "title"' in post.problem.message
    assert_raw_mode(post, 4, 1)


def test_front_matter_that_is_a_list(write_post: WritePost) -> None:
    post = open_keeping_bytes(write_post(b"---\n- a\n- b\n---\nBody.\n"))

    assert post.format == "yaml"
    assert "list" in post.problem.message
    assert_raw_mode(post, 2, 1)


def test_front_matter_that_is_a_scalar(write_post: WritePost) -> None:
    post = open_keeping_bytes(write_post(b"---\n!!str just a string\n---\nBody.\n"))

    assert post.format == "yaml"
    assert "single value" in post.problem.message
    assert_raw_mode(post, 2, 1)


def test_unclosed_front_matter(write_post: WritePost) -> None:
    data = "---\ntitle: 标题\ndate: 2022-02-09\n\nThe body, never separated.\n".encode()
    path = write_post(data)

    post = open_keeping_bytes(path)

    assert "never closed" in post.problem.message
    assert post.format is None
    assert post.body == data.decode()
    # Adding a field must not put a second front-matter block above the
    # author's unclosed one.
    assert_raw_mode(post, 1, 1)
    assert post.to_bytes() == data


def test_control_character_in_front_matter(write_post: WritePost) -> None:
    post = open_keeping_bytes(write_post(b"---\ntitle: a\ndesc: page\x0cbreak\n---\nBody.\n"))

    assert "U+000C" in post.problem.message
    assert_raw_mode(post, 3, 11)


# -- YAML that parses, but not the way Jekyll reads it --------------------------


def test_yaml11_traps_are_warnings_and_the_text_is_untouched(write_post: WritePost) -> None:
    data = b"---\ntitle: Trap\ncountry: NO\ntime: 10:00\nzip: 0123\nok: 'NO'\n---\nBody.\n"
    path = write_post(data)

    post = open_keeping_bytes(path)

    assert post.problem is None
    found = {(w.line, w.column): w.message for w in post.warnings()}
    assert set(found) == {(3, 10), (4, 7), (5, 6)}
    assert "boolean false" in found[(3, 10)]
    assert "base-60" in found[(4, 7)]
    assert "octal" in found[(5, 6)]
    post.set("title", "Changed")
    assert post.to_bytes() == data.replace(b"title: Trap", b"title: Changed")


# -- input meant to do harm ------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/apply:subprocess.call [['touch', '{marker}']]",
        "!!python/object/new:os.system ['touch {marker}']",
        "!!python/name:os.system",
    ],
)
def test_python_tags_are_never_executed(write_post: WritePost, tmp_path: Path, value: str) -> None:
    marker = tmp_path / "pwned"
    data = f"---\ntitle: Hi\nevil: {value.format(marker=marker)}\n---\nBody.\n".encode()
    path = write_post(data)

    post = open_keeping_bytes(path)
    post.fields()
    post.warnings()
    post.get("evil")
    post.set("title", "Edited")
    post.save()

    assert not marker.exists()
    assert path.read_bytes() == data.replace(b"title: Hi", b"title: Edited")


def _billion_laughs() -> bytes:
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*lol{level - 1}"] * 9)
        lines.append(f"lol{level}: &lol{level} [{refs}]")
    return ("---\ntitle: Laughs\n" + "\n".join(lines) + "\n---\nBody.\n").encode()


def test_alias_bomb_is_refused(write_post: WritePost) -> None:
    post = open_keeping_bytes(write_post(_billion_laughs()))

    assert "alias" in post.problem.message
    assert post.data is None
    assert post.body == "Body.\n"


def test_ten_thousand_levels_of_nesting(write_post: WritePost) -> None:
    deep = b"[" * 10_000 + b"]" * 10_000
    post = open_keeping_bytes(write_post(b"---\ntitle: Deep\nx: " + deep + b"\n---\nBody.\n"))

    assert "nested" in post.problem.message
    assert post.problem.line == 3
    assert post.problem.column is not None
    assert post.body == "Body.\n"


def test_deep_nesting_is_parsed_once_however_many_delimiters_follow(
    write_post: WritePost, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every later "---" is another place the front matter could end; each
    # would re-parse the same ten thousand brackets.
    calls: list[int] = []
    real_load = yaml_fm.load

    def counting_load(text: str) -> object:
        calls.append(len(text))
        return real_load(text)

    monkeypatch.setattr(yaml_fm, "load", counting_load)
    data = b"---\nx: " + b"[" * 10_000 + b"\n" + b"---\ntext\n" * 30

    post = open_keeping_bytes(write_post(data))

    assert "nested" in post.problem.message
    assert len(calls) == 1


def test_one_megabyte_of_front_matter(write_post: WritePost) -> None:
    lines = b"".join(
        b"key%d: value %d, padded to a realistic length\n" % (i, i) for i in range(25_000)
    )
    assert len(lines) > 1024 * 1024
    post = open_keeping_bytes(write_post(b"---\n" + lines + b"---\nBody.\n"))

    assert "larger than" in post.problem.message
    assert post.data is None
    assert post.body == "Body.\n"


# -- files that are not text -------------------------------------------------------

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.mark.parametrize(
    "data",
    [PNG, b"---\ntitle: a\x00b\n---\nbo\x00dy\x00 and more text\n"],
    ids=["png", "nul-ridden"],
)
def test_binary_files_are_refused_with_a_reason(write_post: WritePost, data: bytes) -> None:
    path = write_post(data, "image.md")

    with pytest.raises(UnreadableFileError) as caught:
        Post.load(path)

    assert caught.value.path == path
    assert "binary" in caught.value.message or "NUL" in caught.value.message
    assert str(path) in str(caught.value)
    assert path.read_bytes() == data


# -- legacy encodings --------------------------------------------------------------


def test_short_gbk_text_is_guessed_as_gb18030(write_post: WritePost) -> None:
    post = open_keeping_bytes(write_post("你好".encode("gbk")))

    assert post.encoding.codec == "gb18030"
    assert post.encoding.guessed
    assert "guessed" in post.encoding.label
    assert post.body == "你好"


def test_gbk_post_with_a_chinese_title(write_post: WritePost) -> None:
    data = "---\ntitle: 中文标题\n---\n你好，世界。\n".encode("gbk")
    post = open_keeping_bytes(write_post(data))

    assert post.encoding.label == "GB18030 (guessed)"
    assert post.get("title") == "中文标题"


def test_big5_text_is_guessed_as_big5(write_post: WritePost) -> None:
    data = "---\ntitle: 繁體中文標題\n---\n這是一篇文章。\n".encode("big5")
    post = open_keeping_bytes(write_post(data))

    assert post.encoding.label == "Big5 (guessed)"
    assert post.get("title") == "繁體中文標題"
    assert post.body == "這是一篇文章。\n"


# -- things that look like delimiters -------------------------------------------------


def test_horizontal_rule_followed_by_prose_is_all_body(write_post: WritePost) -> None:
    text = "---\n\nSome thoughts after a rule, no front matter here.\n\n---\n\nMore prose.\n"
    post = open_keeping_bytes(write_post(text.encode()))

    assert post.format is None
    assert post.problem is None
    assert post.front_matter == ""
    assert post.body == text
    assert post.fields() == {}


def test_indented_dashes_inside_a_quoted_multiline_value(write_post: WritePost) -> None:
    data = b'---\ntitle: "first line\n  ---\n  second line"\nlayout: post\n---\nBody.\n'
    post = open_keeping_bytes(write_post(data))

    assert post.problem is None
    assert post.get("title") == "first line --- second line"
    assert post.get("layout") == "post"
    assert post.body == "Body.\n"


def test_dashes_at_column_zero_inside_a_quoted_value(write_post: WritePost) -> None:
    # YAML forbids a document marker inside a quoted scalar; the text must
    # still be kept whole and the problem located.
    data = b'---\ntitle: "first line\n---\n  second line"\n---\nBody.\n'
    post = open_keeping_bytes(write_post(data))

    assert post.problem is not None
    assert post.problem.line == 3
    assert post.problem.column == 1
    assert post.front_matter + "---\n" + post.body == data.decode()[4:]


def test_split_never_raises_on_odd_openings() -> None:
    for text in ["---", "---\n", "+++", "{", "{\n", "{]", "---\n---", "+++\n+++", "{}\n"]:
        result = split_mod.split(text)
        assert result.text == text
