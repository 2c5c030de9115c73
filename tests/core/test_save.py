"""Saving: atomic replace, conflicts with changes on disk, permissions,
symbolic links, failures that leave the original intact, and characters the
file's encoding cannot hold."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from editor.core import atomic
from editor.core.errors import ConflictError, EncodingError, SaveError
from editor.core.post import Post

WritePost = Callable[..., Path]
# Windows has no permission bits beyond read-only, and symbolic links need
# a privilege there.
posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file semantics")

POST = "---\ntitle: 原来的标题\nlayout: post\n---\n正文第一段。\n".encode()


def leftovers(folder: Path) -> list[Path]:
    """Temporary files a save left behind (they are hidden: ``.name.*``)."""
    return sorted(folder.glob(f"*{atomic.TEMP_SUFFIX}"))


# -- encodings that cannot hold a character ------------------------------------


def test_big5_post_refuses_a_simplified_character(write_post: WritePost) -> None:
    data = "---\ntitle: 繁體標題\n---\n這是一篇文章。\n".encode("big5")
    path = write_post(data)
    post = Post.load(path)
    assert post.encoding.codec == "big5"

    post.set("title", "简体标题")

    with pytest.raises(EncodingError) as caught:
        post.to_bytes()
    # "简" is the first character Big5 lacks: line 2, after "title: ".
    assert (caught.value.line, caught.value.column) == (2, 8)
    assert "U+7B80" in caught.value.message
    assert caught.value.path == path
    with pytest.raises(EncodingError):
        post.save()
    assert path.read_bytes() == data
    assert leftovers(path.parent) == []


def test_big5_line_numbers_count_cr_only_newlines(write_post: WritePost) -> None:
    data = "---\rtitle: 標題\r---\r第一行\r第二行\r".encode("big5")
    post = Post.load(write_post(data))

    post.set_body("第一行\n第二行 🎉\n")

    with pytest.raises(EncodingError) as caught:
        post.to_bytes()
    assert (caught.value.line, caught.value.column) == (5, 5)


def test_gb18030_post_refuses_what_no_encoding_can_hold(write_post: WritePost) -> None:
    # GB18030 maps all of Unicode; only a lone surrogate (from a broken
    # paste) cannot be stored.
    data = "---\ntitle: 标题\n---\n正文。\n".encode("gb18030")
    path = write_post(data)
    post = Post.load(path)
    assert post.encoding.codec == "gb18030"

    post.set_body("正文。\n坏字符\udc80在这里\n")

    with pytest.raises(EncodingError) as caught:
        post.save()
    assert (caught.value.line, caught.value.column) == (5, 4)
    assert path.read_bytes() == data
    assert leftovers(path.parent) == []


def test_gb18030_post_keeps_its_encoding_when_saved(write_post: WritePost) -> None:
    data = "---\ntitle: 标题\n---\n正文。\n".encode("gb18030")
    path = write_post(data)
    post = Post.load(path)

    post.set("title", "新标题 🎉")
    post.save()

    assert path.read_bytes() == "---\ntitle: 新标题 🎉\n---\n正文。\n".encode("gb18030")


# -- conflicts -----------------------------------------------------------------------


def test_external_change_after_load_is_a_conflict(write_post: WritePost) -> None:
    path = write_post(POST)
    post = Post.load(path)
    theirs = POST.replace("正文".encode(), "别人改的正文".encode())
    path.write_bytes(theirs)

    post.set("title", "我的标题")
    with pytest.raises(ConflictError) as caught:
        post.save()

    assert caught.value.path == path
    assert path.read_bytes() == theirs
    assert post.modified
    assert leftovers(path.parent) == []


def test_force_overwrites_a_conflict(write_post: WritePost) -> None:
    path = write_post(POST)
    post = Post.load(path)
    path.write_bytes(b"changed elsewhere\n")
    post.set("title", "我的标题")

    post.save(force=True)

    assert path.read_bytes() == POST.replace("原来的标题".encode(), "我的标题".encode())
    assert not post.modified


def test_touched_but_identical_file_is_not_a_conflict(write_post: WritePost) -> None:
    path = write_post(POST)
    post = Post.load(path)
    path.write_bytes(POST)  # rewritten with the same bytes by another program
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert path.stat().st_mtime_ns != post.signature.mtime_ns

    post.set("layout", "note")
    post.save()

    assert b"layout: note" in path.read_bytes()


def test_deleted_file_is_a_conflict_and_force_recreates_it(write_post: WritePost) -> None:
    path = write_post(POST)
    post = Post.load(path)
    path.unlink()

    with pytest.raises(ConflictError, match="deleted"):
        post.save()
    assert not path.exists()

    post.save(force=True)
    assert path.read_bytes() == POST


def test_own_saves_do_not_conflict_with_each_other(write_post: WritePost) -> None:
    path = write_post(POST)
    post = Post.load(path)

    post.set("title", "一")
    post.save()
    post.set("title", "二")
    post.save()

    assert "title: 二".encode() in path.read_bytes()
    path.write_bytes(b"external\n")
    post.set("title", "三")
    with pytest.raises(ConflictError):
        post.save()


# -- what the saved file is ----------------------------------------------------------------


@posix_only
def test_permission_bits_are_kept(write_post: WritePost) -> None:
    path = write_post(POST)
    path.chmod(0o640)
    post = Post.load(path)

    post.set("title", "新")
    post.save()

    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert leftovers(path.parent) == []


def test_save_replaces_the_file_rather_than_rewriting_it_in_place(
    write_post: WritePost,
) -> None:
    path = write_post(POST)
    other_name = path.with_name("hardlink.md")
    os.link(path, other_name)
    post = Post.load(path)

    post.set("title", "新")
    post.save()

    # A new inode took the name: the old content is still reachable through
    # the other link, so at no moment was the file half written.
    assert other_name.read_bytes() == POST
    assert "title: 新".encode() in path.read_bytes()


@posix_only
def test_new_file_gets_default_permissions(tmp_path: Path) -> None:
    post = Post.from_bytes(POST)
    target = tmp_path / "new.md"

    post.save(target)

    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert target.read_bytes() == POST
    assert post.path == target


def test_save_as_leaves_the_original_alone(write_post: WritePost, tmp_path: Path) -> None:
    path = write_post(POST)
    post = Post.load(path)
    post.set("title", "副本")
    copy = tmp_path / "copy.md"

    post.save(copy)

    assert path.read_bytes() == POST
    assert "副本".encode() in copy.read_bytes()


@posix_only
def test_symlink_is_written_through(tmp_path: Path) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    target = real_dir / "post.md"
    target.write_bytes(POST)
    link = tmp_path / "link.md"
    link.symlink_to(Path("real") / "post.md")

    post = Post.load(link)
    post.set("title", "经由链接")
    post.save()

    assert link.is_symlink()
    assert os.readlink(link) == str(Path("real") / "post.md")
    assert "经由链接".encode() in target.read_bytes()
    assert leftovers(tmp_path) == [] and leftovers(real_dir) == []


@posix_only
def test_symlink_loop_is_refused(tmp_path: Path) -> None:
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.symlink_to(b)
    b.symlink_to(a)
    post = Post.from_bytes(POST)

    with pytest.raises(SaveError, match="loop"):
        post.save(a)
    with pytest.raises(SaveError, match="loop"):
        atomic.write_atomic(b, POST)

    assert a.is_symlink() and b.is_symlink()
    assert leftovers(tmp_path) == []


# -- failures -------------------------------------------------------------------------------


def test_failed_replace_leaves_original_and_no_temp_file(
    write_post: WritePost, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_post(POST)
    post = Post.load(path)
    post.set("title", "不会保存")

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(SaveError) as caught:
        post.save()
    monkeypatch.undo()

    assert "permission denied" in caught.value.message
    assert "not changed" in caught.value.message
    assert caught.value.path == path
    assert path.read_bytes() == POST
    assert leftovers(path.parent) == []
    assert post.modified  # the edit is still in the buffer
    post.save()  # and a later save works, without a false conflict
    assert "不会保存".encode() in path.read_bytes()


def test_full_disk_leaves_original_and_no_temp_file(
    write_post: WritePost, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_post(POST)
    post = Post.load(path)
    post.set("title", "磁盘满了")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(SaveError, match="disk is full"):
        post.save()
    monkeypatch.undo()

    assert path.read_bytes() == POST
    assert leftovers(path.parent) == []


def test_missing_folder_is_a_save_error(tmp_path: Path) -> None:
    post = Post.from_bytes(POST)

    with pytest.raises(SaveError):
        post.save(tmp_path / "no-such-folder" / "post.md")
