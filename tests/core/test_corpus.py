"""Corpus tests: every post of the real sites in ``../shared/corpus`` opens
and saves byte for byte, and a title edit touches only the title's lines.

The corpus is read only; anything saved goes to a copy under ``tmp_path``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from postcheck import CORPUS, corpus_posts, raw_lines, replaced_lines, value_lines

from editor.core.post import Post

if not CORPUS.is_dir():
    pytest.skip(f"corpus not found at {CORPUS}", allow_module_level=True)

NEW_TITLE = "新的标题 – edited"
POSTS = corpus_posts()


def _id(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


def test_corpus_has_posts() -> None:
    # Guards the parametrised tests below against silently running on nothing.
    assert len(POSTS) > 100
    assert any(p.name == "2022-02-09-lianli-jinguo.md" for p in POSTS)


@pytest.mark.parametrize("path", POSTS, ids=_id)
def test_noop_load_and_save_is_byte_identical(path: Path, tmp_path: Path) -> None:
    original = path.read_bytes()
    copy = tmp_path / path.name
    shutil.copyfile(path, copy)

    post = Post.load(copy)
    assert post.to_bytes() == original
    post.save()

    assert copy.read_bytes() == original


@pytest.mark.parametrize("path", POSTS, ids=_id)
def test_setting_title_changes_only_title_lines(path: Path, tmp_path: Path) -> None:
    copy = tmp_path / path.name
    shutil.copyfile(path, copy)
    post = Post.load(copy)
    if post.format not in ("yaml", "toml") or post.problem is not None:
        pytest.skip("no parseable YAML/TOML front matter")
    before_text = post.text()
    before_fields = post.fields()
    had_title = "title" in before_fields
    # Line 0 is the opening delimiter, then the front matter, then the closing one.
    assert post.body_line == post.front_matter.count("\n") + 3
    closing = post.front_matter.count("\n") + 1

    post.set("title", NEW_TITLE)
    post.save()

    after_bytes = copy.read_bytes()
    reread = Post.load(copy)
    if had_title and post.format == "yaml":
        title = value_lines(Post.from_bytes(path.read_bytes()).front_matter, "title")
        start, end = title.start + 1, title.stop + 1
    elif had_title:  # TOML: the one line ``title = ...``
        lines = raw_lines(before_text)
        start = next(i for i, line in enumerate(lines) if line.startswith("title"))
        end = start + 1
    else:
        start = end = closing
    put = replaced_lines(before_text, reread.text(), start, end)
    assert len(put) == 1
    assert put[0].startswith("title")
    after_fields = reread.fields()
    assert after_fields.pop("title") == NEW_TITLE
    before_fields.pop("title", None)
    assert after_fields == before_fields
    assert reread.body == Post.from_bytes(path.read_bytes()).body
    assert after_bytes != path.read_bytes()
