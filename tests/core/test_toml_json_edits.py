"""Hugo's TOML (``+++``) and JSON front matter: read, and edited minimally."""

from __future__ import annotations

import pytest

from editor.core.errors import FrontMatterError
from editor.core.post import Post

TOML = (
    "+++\n"
    'title = "Old title"  # shown in lists\n'
    "date = 2022-02-09T11:01:42+08:00\n"
    "draft = false\n"
    "tags = ['a', \"b\"]\n"
    "\n"
    "[params]\n"
    '  author = "某人"\n'
    "+++\n"
    "Body with +++ inside.\n"
)

JSON = (
    "{\n"
    '  "title": "Old title",\n'
    '  "date": "2022-02-09T11:01:42+08:00",\n'
    '  "tags": ["a", "b"],\n'
    '  "params": {"author": "某人"}\n'
    "}\n"
    "Body.\n"
)


def post_of(text: str) -> Post:
    return Post.from_bytes(text.encode())


# -- TOML ----------------------------------------------------------------------------


def test_toml_is_read() -> None:
    post = post_of(TOML)

    assert post.format == "toml"
    assert post.problem is None
    assert post.fields() == {
        "title": "Old title",
        "date": "2022-02-09T11:01:42+08:00",
        "draft": False,
        "tags": ["a", "b"],
        "params": {"author": "某人"},
    }
    assert post.body == "Body with +++ inside.\n"
    assert post.to_bytes() == TOML.encode()


def test_toml_set_changes_only_that_line_and_keeps_the_comment() -> None:
    post = post_of(TOML)

    post.set("title", "新的标题 – edited")

    assert post.to_bytes().decode() == TOML.replace('"Old title"  #', '"新的标题 – edited"  #')


def test_toml_literal_string_stays_literal() -> None:
    text = "+++\ntitle = 'Old'\n+++\n"
    post = post_of(text)

    post.set("title", "New – 新")

    assert post.to_bytes().decode() == "+++\ntitle = 'New – 新'\n+++\n"


def test_toml_literal_that_cannot_hold_the_text_becomes_basic() -> None:
    post = post_of("+++\ntitle = 'Old'\n+++\n")

    post.set("title", "it's")

    assert post.to_bytes().decode() == '+++\ntitle = "it\'s"\n+++\n'


def test_toml_list_and_bool() -> None:
    post = post_of(TOML)

    post.set("tags", ["x", "中文"])
    post.set("draft", True)

    assert post.get("tags") == ["x", "中文"]
    assert post.get("draft") is True
    text = post.to_bytes().decode()
    assert "draft = true\n" in text
    assert text.count("\n") == TOML.count("\n")


def test_toml_new_key_goes_above_the_first_table() -> None:
    post = post_of(TOML)

    post.set("slug", "new-slug")

    assert post.get("slug") == "new-slug"
    assert post.fields()["params"] == {"author": "某人"}
    text = post.to_bytes().decode()
    assert text.index('slug = "new-slug"') < text.index("[params]")


def test_toml_new_key_without_tables_is_one_line_at_the_end() -> None:
    text = '+++\ntitle = "T"\n+++\nBody\n'
    post = post_of(text)

    post.set("weight", 3)

    assert post.to_bytes().decode() == '+++\ntitle = "T"\nweight = 3\n+++\nBody\n'


def test_toml_remove_deletes_only_that_line() -> None:
    post = post_of(TOML)

    post.unset("draft")

    assert post.to_bytes().decode() == TOML.replace("draft = false\n", "")


def test_invalid_toml_is_raw_with_position() -> None:
    text = '+++\ntitle = "T"\ndate = \n+++\nBody\n'
    post = post_of(text)

    assert post.format == "toml"
    assert post.problem is not None
    assert post.problem.line == 3
    assert post.problem.column is not None
    assert post.to_bytes() == text.encode()
    with pytest.raises(FrontMatterError):
        post.set("title", "x")


# -- JSON ----------------------------------------------------------------------------


def test_json_is_read() -> None:
    post = post_of(JSON)

    assert post.format == "json"
    assert post.fields()["params"] == {"author": "某人"}
    assert post.body == "Body.\n"
    assert post.to_bytes() == JSON.encode()


def test_json_set_rewrites_only_the_value() -> None:
    post = post_of(JSON)

    post.set("title", "新的标题 – edited")

    assert post.to_bytes().decode() == JSON.replace('"Old title"', '"新的标题 – edited"')


def test_json_add_appends_a_member_with_the_same_indent() -> None:
    post = post_of(JSON)

    post.set("draft", True)

    assert post.to_bytes().decode() == JSON.replace(
        '{"author": "某人"}\n}', '{"author": "某人"},\n  "draft": true\n}'
    )


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("title", JSON.replace('  "title": "Old title",\n', "")),
        ("tags", JSON.replace('  "tags": ["a", "b"],\n', "")),
        ("params", JSON.replace(',\n  "params": {"author": "某人"}', "")),
    ],
)
def test_json_remove(key: str, expected: str) -> None:
    post = post_of(JSON)

    post.unset(key)

    assert post.to_bytes().decode() == expected
    assert key not in post.fields()


def test_json_one_line_object() -> None:
    post = post_of('{"title": "T"}\nBody\n')

    post.set("tags", ["a"])
    assert post.to_bytes() == b'{"title": "T", "tags": ["a"]}\nBody\n'
    post.unset("title")
    assert post.to_bytes() == b'{"tags": ["a"]}\nBody\n'
    post.unset("tags")
    assert post.to_bytes() == b"{}\nBody\n"


def test_invalid_json_front_matter_is_raw_with_position() -> None:
    text = '{\n  "title": "T",\n  "tags": [a]\n}\nBody\n'
    post = post_of(text)

    assert post.format == "json"
    assert post.problem is not None
    assert (post.problem.line, post.problem.column) == (3, 12)
    assert post.to_bytes() == text.encode()


def test_duplicate_json_keys_are_a_problem() -> None:
    post = post_of('{"title": "a", "title": "b"}\nBody\n')

    assert post.problem is not None
    assert "duplicate" in post.problem.message
    assert post.data is None
