"""Which paths in a site folder changes are not reported for."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from editor.core.atomic import TEMP_SUFFIX
from editor.core.ignore import IGNORED_DIRS, is_ignored, is_temporary_name
from editor.core.site import SKIP_DIRS

FOLDERS = [
    "_site",
    ".git",
    ".hg",
    ".svn",
    ".jekyll-cache",
    ".sass-cache",
    "node_modules",
    "vendor",
    ".bundle",
    "__pycache__",
    "public",
    "resources",
]

TEMPORARY = [
    "post.md~",  # vim, gedit, nano backups
    ".#post.md",  # Emacs lock
    "#post.md#",  # Emacs auto-save
    "post.md.swp",
    "post.md.swo",
    "post.md.swx",
    ".post.md.swp",  # vim swap, and its siblings down to .swa
    ".post.md.swn",
    ".post.md.swa",
    "4913",  # vim's probe for a writable folder
    ".goutputstream-X1Y2Z3",  # GIO / gedit
    "~$文章.docx",  # Microsoft Office owner file
    ".~lock.文章.odt#",  # LibreOffice
    "post.tmp",
    "POST.TMP",
    "~RF1a2b3c.TMP",  # Word
    ".DS_Store",
    "Thumbs.db",
    "thumbs.db",
    "draft.md.crdownload",
    "draft.md.part",
    ".syncthing.post.md.tmp",
    ".syncthing.post.md",
]

POSTS = [
    "_posts/2024-05-01-hello.md",
    "_posts/2024-05-01-新闻发布会.md",
    "_drafts/草稿.markdown",
    "content/posts/文章/index.md",
    "news/_posts/2023-01-01-a~b.md",
    "about.html",
    "_posts/2024-05-01-part.md",
    "_posts/#1-story.md",
    "_posts/tmp.md",
    "_posts/.well-known.md",
    "assets/img/照片.png",
    "",
    ".",
]


@pytest.mark.parametrize("folder", FOLDERS)
def test_everything_below_a_generated_or_tool_folder_is_ignored(folder: str) -> None:
    assert is_ignored(f"{folder}/index.html")
    assert is_ignored(f"sub/{folder}/deep/file.md")
    assert is_ignored(folder)  # the folder itself


def test_skip_dirs_are_all_ignored() -> None:
    assert SKIP_DIRS <= IGNORED_DIRS


@pytest.mark.parametrize("name", TEMPORARY)
def test_temporary_lock_and_swap_files_are_ignored(name: str) -> None:
    assert is_temporary_name(name)
    assert is_ignored(f"_posts/{name}")
    assert is_ignored(name)


@pytest.mark.parametrize("rel", POSTS)
def test_posts_and_site_files_are_not_ignored(rel: str) -> None:
    assert not is_ignored(rel)
    assert not is_ignored(rel.replace("/", "\\"))


def test_windows_separators() -> None:
    assert is_ignored("_site\\2024\\index.html")
    assert is_ignored("_posts\\post.md~")
    assert not is_ignored("_posts\\2024-05-01-新闻.md")


def test_folder_names_only_match_whole_parts() -> None:
    assert not is_ignored("_site_notes/post.md")
    assert not is_ignored("my-vendor/post.md")
    assert not is_ignored("_posts/node_modules.md")


def test_galleys_own_temporary_files_are_ignored(tmp_path: Path) -> None:
    # Named exactly as editor.core.atomic.write_atomic names them.
    for name in ("post.md", "2024-05-01-新闻.md", "x" * 200 + ".md"):
        prefix = "." + name[:80] + "."
        fd, tmp_name = tempfile.mkstemp(prefix=prefix, suffix=TEMP_SUFFIX, dir=tmp_path)
        os.close(fd)
        Path(tmp_name).unlink()
        assert is_ignored(f"_posts/{Path(tmp_name).name}"), tmp_name


def test_only_galleys_exact_temporary_names_match() -> None:
    assert is_ignored(".post.md.abc_12xy" + TEMP_SUFFIX)
    # Not how write_atomic names them: no leading dot, or no random part.
    assert not is_ignored("post.md.abc_12xy" + TEMP_SUFFIX)
    assert not is_ignored(".post.md" + TEMP_SUFFIX)
