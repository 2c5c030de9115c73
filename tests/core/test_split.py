"""Where front matter ends and the body begins."""

from __future__ import annotations

import pytest

from editor.core.split import split


@pytest.mark.parametrize(
    ("text", "fmt", "front_matter", "closing", "body"),
    [
        ("---\ntitle: a\n---\nbody\n", "yaml", "title: a\n", "---\n", "body\n"),
        ("---  \ntitle: a\n---\t\nbody\n", "yaml", "title: a\n", "---\t\n", "body\n"),
        ("---\ntitle: a\n...\nbody\n", "yaml", "title: a\n", "...\n", "body\n"),
        ("---\ntitle: a\n---", "yaml", "title: a\n", "---", ""),
        ("---\n---\nbody\n", "yaml", "", "---\n", "body\n"),
        ("---\n# only a comment\n---\n", "yaml", "# only a comment\n", "---\n", ""),
        ('+++\ntitle = "a"\n+++\nbody\n', "toml", 'title = "a"\n', "+++\n", "body\n"),
        ('{\n  "title": "a"\n}\nbody\n', "json", '{\n  "title": "a"\n}', "\n", "body\n"),
        ('{"title": "a"}  \nbody\n', "json", '{"title": "a"}', "  \n", "body\n"),
    ],
)
def test_formats(text: str, fmt: str, front_matter: str, closing: str, body: str) -> None:
    result = split(text)

    assert result.problem is None
    assert (result.format, result.front_matter, result.closing, result.body) == (
        fmt,
        front_matter,
        closing,
        body,
    )
    assert result.text == text


def test_body_line_counts_the_delimiters() -> None:
    assert split("---\ntitle: a\nlayout: b\n---\nbody\n").body_line == 5
    assert split("no front matter\n").body_line == 1


def test_dashes_in_the_body_do_not_end_front_matter_early() -> None:
    text = "---\ntitle: a\n---\nIntro\n\n---\n\nAfter a rule.\n"

    result = split(text)

    assert result.front_matter == "title: a\n"
    assert result.body == "Intro\n\n---\n\nAfter a rule.\n"


def test_first_delimiter_ends_front_matter_when_it_parses() -> None:
    text = "---\ntitle: a\n...\nnot: [closed\n---\nbody\n"

    result = split(text)

    assert result.front_matter == "title: a\n"
    assert result.body == "not: [closed\n---\nbody\n"


def test_delimiter_inside_a_multiline_toml_string_is_skipped() -> None:
    text = '+++\nsummary = """\n+++\n"""\ntitle = "t"\n+++\nbody\n'

    result = split(text)

    assert result.problem is None
    assert result.front_matter == 'summary = """\n+++\n"""\ntitle = "t"\n'
    assert result.data["summary"] == "+++\n"
    assert result.body == "body\n"


@pytest.mark.parametrize(
    "text",
    [
        "---\nSome prose after a rule.\n",
        "---\n\n# A heading\n\nText.\n",
        "--- \n\n> A quote, then a rule\n---\n",
        "+++\nNot TOML at all.\n+++\n",
        "{{ liquid }} at the start\n",
        "----\ntitle: four dashes is a rule\n----\n",
    ],
)
def test_things_that_are_not_front_matter(text: str) -> None:
    result = split(text)

    assert result.format is None
    assert result.problem is None
    assert result.body == text
