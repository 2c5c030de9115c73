"""Field edits in YAML front matter: each one rewrites only the lines of the
field it changes, in the style the author wrote it."""

from __future__ import annotations

import datetime as dt

import pytest

from editor.core import fields
from editor.core.errors import FrontMatterError
from editor.core.post import Post
from editor.core.yaml_fm import Raw


def post_of(text: str) -> Post:
    return Post.from_bytes(text.encode())


def edited(text: str, key: str, value: object) -> str:
    post = post_of(text)
    post.set(key, value)
    return post.to_bytes().decode()


# -- dates -----------------------------------------------------------------------

CST = dt.timezone(dt.timedelta(hours=8))


def test_jekyll_date_is_an_aware_datetime_spelled_as_written() -> None:
    post = post_of("---\ndate: 2022-02-09 11:01:42 +0800\n---\n")

    date = fields.date_of(post.data["date"])

    assert date is not None
    assert date.value == dt.datetime(2022, 2, 9, 11, 1, 42, tzinfo=CST)
    assert isinstance(date.value, dt.datetime)
    assert date.value.utcoffset() == dt.timedelta(hours=8)
    assert date.spell() == "2022-02-09 11:01:42 +0800"


@pytest.mark.parametrize(
    ("spelled", "moment"),
    [
        ("2022-02-09 11:01:42 +0800", dt.datetime(2022, 2, 9, 11, 1, 42, tzinfo=CST)),
        ("2022-02-09T11:01:42+08:00", dt.datetime(2022, 2, 9, 11, 1, 42, tzinfo=CST)),
        ("2022-02-09T03:01:42Z", dt.datetime(2022, 2, 9, 3, 1, 42, tzinfo=dt.UTC)),
        ("2022-02-09 03:01:42Z", dt.datetime(2022, 2, 9, 3, 1, 42, tzinfo=dt.UTC)),
        ("2022-02-09 11:01:42+08", dt.datetime(2022, 2, 9, 11, 1, 42, tzinfo=CST)),
        ("2022-02-09T11:01:42", dt.datetime(2022, 2, 9, 11, 1, 42)),
        ("2022-02-09 11:01:42", dt.datetime(2022, 2, 9, 11, 1, 42)),
        ("2022-02-09 11:01", dt.datetime(2022, 2, 9, 11, 1)),
        ("2022-02-09", dt.date(2022, 2, 9)),
    ],
)
def test_date_spellings_survive_a_change_of_moment(spelled: str, moment: dt.date) -> None:
    text = f"---\ntitle: T\ndate: {spelled}  # when\nlayout: post\n---\nBody\n"
    post = post_of(text)

    date = fields.date_of(post.data["date"])

    assert date is not None
    assert date.value == moment
    assert date.spell() == spelled
    later = fields.DateValue(date.value + dt.timedelta(days=1), date.spelling)
    post.set("date", Raw(later.spell()))
    expected_spelling = spelled.replace("2022-02-09", "2022-02-10")
    assert post.to_bytes().decode() == text.replace(spelled, expected_spelling)


@pytest.mark.parametrize(
    "text",
    [
        "+++\ndate = 2022-02-09T11:01:42+08:00\n+++\n",
        "+++\ndate = 2022-02-09 11:01:42Z\n+++\n",
        "+++\ndate = 2022-02-09\n+++\n",
    ],
)
def test_toml_dates_keep_their_spelling(text: str) -> None:
    post = post_of(text)
    assert post.format == "toml"

    date = fields.date_of(post.data["date"])

    assert date is not None
    assert date.spell() == text.split("date = ")[1].split("\n")[0]


def test_quoted_date_string_is_read_too() -> None:
    post = post_of('---\ndate: "2022-02-09 11:01:42 +0800"\n---\n')

    date = fields.date_of(post.data["date"])

    assert date is not None
    assert date.value == dt.datetime(2022, 2, 9, 11, 1, 42, tzinfo=CST)


@pytest.mark.parametrize(
    "text", ["not a date", "2022-13-01", "2022-02-30", "2022-02-09 25:00", "2022-02-09 11:00 +2400"]
)
def test_non_dates_are_not_dates(text: str) -> None:
    assert fields.parse_date(text) is None


def test_new_dates_use_jekylls_spelling() -> None:
    moment = dt.datetime(2024, 5, 1, 8, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))

    assert fields.spell_date(moment) == "2024-05-01 08:00:00 -0500"
    assert fields.spell_date(dt.date(2024, 5, 1)) == "2024-05-01"


# -- categories and tags ----------------------------------------------------------------


def test_categories_written_as_a_string_stay_a_string() -> None:
    text = "---\ntitle: 新闻\ncategories: zhongguofunvwang\ntags: 中国妇女网新闻\n---\nBody\n"
    post = post_of(text)

    items, style = fields.list_of(post.data["categories"])
    assert (items, style) == (["zhongguofunvwang"], "string")
    post.set("categories", fields.list_value([*items, "news"], style))

    assert post.to_bytes().decode() == text.replace(
        "categories: zhongguofunvwang", "categories: zhongguofunvwang news"
    )


def test_a_string_of_categories_becomes_a_list_when_an_item_has_a_space() -> None:
    text = "---\ncategories: news\nlayout: post\n---\n"
    post = post_of(text)
    items, style = fields.list_of(post.data["categories"])

    value = fields.list_value([*items, "world news"], style)
    post.set("categories", value)

    assert value == ["news", "world news"]
    assert post.to_bytes().decode() == "---\ncategories: [news, world news]\nlayout: post\n---\n"
    assert post.get("categories") == ["news", "world news"]


def test_flow_list_stays_flow_and_keeps_its_comment() -> None:
    text = "---\ntags: [a, b]  # keep\ntitle: T\n---\n"

    assert edited(text, "tags", ["a", "b", "中文"]) == (
        "---\ntags: [a, b, 中文]  # keep\ntitle: T\n---\n"
    )


def test_hash_inside_a_quoted_flow_item_is_not_taken_for_a_comment() -> None:
    text = "---\ntags: [a, 'x #y']  # keep\ntitle: T\n---\n"

    result = edited(text, "tags", ["z"])

    assert result.startswith("---\ntags: [z]")
    assert result.endswith("\ntitle: T\n---\n")
    assert post_of(result).get("tags") == ["z"]


def test_scalar_replaced_by_a_list_keeps_its_comment() -> None:
    text = "---\ncategories: news # 分类\n---\n"

    assert edited(text, "categories", ["news", "world news"]) == (
        "---\ncategories: [news, world news] # 分类\n---\n"
    )


def test_block_list_keeps_its_indentation() -> None:
    text = "---\ntags:\n    - a\n    - b\ntitle: T\n---\n"

    assert edited(text, "tags", ["a", "b", "c"]) == (
        "---\ntags:\n    - a\n    - b\n    - c\ntitle: T\n---\n"
    )


def test_block_list_at_column_zero() -> None:
    text = "---\ntags:\n- a\n- b\n# after the list\ntitle: T\n---\n"

    assert edited(text, "tags", ["x"]) == "---\ntags:\n- x\n# after the list\ntitle: T\n---\n"


def test_list_items_that_need_quotes_get_them() -> None:
    text = "---\ntags: [a]\n---\n"

    post = post_of(edited(text, "tags", ["a, b", "yes", "#x", "1.5"]))

    assert post.get("tags") == ["a, b", "yes", "#x", "1.5"]


# -- quoting, comments, keys ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "new_line"),
    [
        ('title: "Old"', 'title: "New – 新"'),
        ("title: 'Old'", "title: 'New – 新'"),
        ("title: Old", "title: New – 新"),
        ("title:   Old   # spaced comment", "title:   New – 新   # spaced comment"),
        ('title: "Old" # trailing', 'title: "New – 新" # trailing'),
        ("title: 'Old'  # 注释", "title: 'New – 新'  # 注释"),
        ('"title": Old', '"title": New – 新'),
        ("title : Old", "title : New – 新"),
        ("title:", "title: New – 新"),
        # A trailing NBSP belongs to a plain value; it must not be left behind.
        ("title: Old\u00a0", "title: New – 新"),
    ],
)
def test_quoting_style_and_trailing_comment_are_kept(line: str, new_line: str) -> None:
    text = f"---\nlayout: post\n{line}\ndate: 2022-02-09\n---\nBody\n"

    assert edited(text, "title", "New – 新") == text.replace(line, new_line)


@pytest.mark.parametrize(
    ("value", "spelled"),
    [
        ("a: b", '"a: b"'),
        ("#hash", '"#hash"'),
        ("yes", '"yes"'),
        ("123", '"123"'),
        ("", '""'),
        ("line\nbreak", '"line\\nbreak"'),
        ("it's", "it's"),
        ("  padded", '"  padded"'),
    ],
)
def test_plain_values_that_would_change_meaning_are_quoted(value: str, spelled: str) -> None:
    text = "---\ntitle: Old\n---\n"

    result = edited(text, "title", value)

    assert result == f"---\ntitle: {spelled}\n---\n"
    assert post_of(result).get("title") == value


def test_characters_yaml_cannot_hold_raw_are_escaped() -> None:
    # DEL and C1 controls come with bad pastes; LINE SEPARATOR and NEL are
    # line breaks to Jekyll's YAML 1.1 reader.
    value = "a\x7fb\x85c\u2028d"

    result = edited("---\ntitle: Old\n---\n", "title", value)

    assert result == '---\ntitle: "a\\u007fb\\u0085c\\u2028d"\n---\n'
    assert post_of(result).get("title") == value


def test_single_quotes_are_doubled_inside_single_quoted_values() -> None:
    text = "---\ntitle: 'Old'\n---\n"

    result = edited(text, "title", "it's")

    assert result == "---\ntitle: 'it''s'\n---\n"
    assert post_of(result).get("title") == "it's"


def test_indented_comment_below_a_value_is_kept() -> None:
    text = "---\ntitle: Old\n  # the editor's note on the title\nlayout: post\n---\n"

    assert edited(text, "title", "New") == text.replace("title: Old", "title: New")


def test_multiline_value_becomes_one_line() -> None:
    text = "---\ntitle: >\n  folded\n  title\n\n# section\nlayout: post\n---\n"

    assert edited(text, "title", "New") == "---\ntitle: New\n\n# section\nlayout: post\n---\n"


def test_lines_of_a_block_scalar_that_look_like_comments_are_replaced_with_it() -> None:
    text = "---\nexcerpt: |\n  text\n  # a Markdown heading\nlayout: post\n---\n"

    assert edited(text, "excerpt", "short") == "---\nexcerpt: short\nlayout: post\n---\n"


def test_booleans_numbers_and_null() -> None:
    text = "---\ndraft: false\nweight: 1\nimage: x.png\n---\n"
    post = post_of(text)

    post.set("draft", True)
    post.set("weight", 10)
    post.set("image", None)

    assert post.to_bytes().decode() == "---\ndraft: true\nweight: 10\nimage:\n---\n"
    assert post.fields() == {"draft": True, "weight": 10, "image": None}


def test_raw_yaml_value_is_written_as_spelled() -> None:
    text = "---\ntitle: T\n---\n"

    assert edited(text, "tags", Raw("[a, 'b c']")) == "---\ntitle: T\ntags: [a, 'b c']\n---\n"


# -- adding and removing -------------------------------------------------------------------------------


def test_adding_a_field_appends_one_line_at_the_end() -> None:
    text = "---\ntitle: T\n# trailing comment\n\n---\nBody\n"

    assert (
        edited(text, "标签", "新闻")
        == "---\ntitle: T\n# trailing comment\n\n标签: 新闻\n---\nBody\n"
    )


def test_adding_to_empty_front_matter() -> None:
    assert edited("---\n---\nBody\n", "title", "T") == "---\ntitle: T\n---\nBody\n"


def test_adding_front_matter_to_a_post_without_it() -> None:
    assert edited("Just a body.\n", "title", "T") == "---\ntitle: T\n---\nJust a body.\n"


def test_removing_a_field_deletes_only_its_lines() -> None:
    text = (
        "---\ntitle: T\n\n# tags below\ntags:\n  - a\n  - b\n\n# layout below\nlayout: post\n---\n"
    )
    post = post_of(text)

    post.unset("tags")

    assert post.to_bytes().decode() == (
        "---\ntitle: T\n\n# tags below\n\n# layout below\nlayout: post\n---\n"
    )


def test_removing_the_last_field_and_an_absent_one() -> None:
    post = post_of("---\ntitle: T\nlayout: post\n---\nBody\n")

    post.unset("layout")
    post.unset("not-there")

    assert post.to_bytes() == b"---\ntitle: T\n---\nBody\n"


def test_indented_front_matter_is_edited_in_place() -> None:
    text = "---\n  title: T\n  layout: post\n---\n"

    assert edited(text, "title", "New") == "---\n  title: New\n  layout: post\n---\n"


def test_merged_keys_are_not_edited_in_the_base() -> None:
    text = "---\nbase: &b\n  title: From base\n<<: *b\n---\n"

    result = edited(text, "title", "Own")

    assert result == "---\nbase: &b\n  title: From base\n<<: *b\ntitle: Own\n---\n"
    assert post_of(result).get("title") == "Own"


def test_edit_that_would_break_the_front_matter_is_refused_and_undone() -> None:
    # Replacing the anchored value leaves the alias below it dangling.
    text = "---\ntitle: &t Shared\nog_title: *t\n---\nBody\n"
    post = post_of(text)

    with pytest.raises(FrontMatterError, match="invalid"):
        post.set("title", "New")

    assert post.to_bytes().decode() == text
    assert post.problem is None
    assert post.get("title") == "Shared"
    assert not post.modified


def test_body_edit_keeps_front_matter_bytes() -> None:
    text = "---\r\ntitle: T\r\n---\r\nOld body\r\n"
    post = post_of(text)

    post.set_body("New body\nsecond line\n")

    assert post.to_bytes() == b"---\r\ntitle: T\r\n---\r\nNew body\r\nsecond line\r\n"


def test_front_matter_text_edit_is_parsed_again() -> None:
    post = post_of("---\ntitle: T\n---\nBody\n")

    post.set_front_matter_text("title: [broken\n")
    assert post.problem is not None
    assert post.problem.line == 3  # in the file, after the opening ---
    post.set_front_matter_text("title: Fixed\n")

    assert post.problem is None
    assert post.to_bytes() == b"---\ntitle: Fixed\n---\nBody\n"
