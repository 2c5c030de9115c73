"""The folder watcher: real files under tmp_path, real watchdog observers.

Each test ends with a "sentinel" change where it must prove that something
was *not* reported: batches come in order, so once the sentinel's batch has
arrived every earlier event has been decided.
"""

from __future__ import annotations

import errno
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from editor.core.atomic import write_atomic
from editor.services import folder_watcher
from editor.services.folder_watcher import FolderChanges, FolderWatcher, network_fs_type

WAIT = 5_000
POLL_WAIT = 10_000


class Batches:
    """Every ``changes`` batch a watcher emitted, in order."""

    def __init__(self, watcher: FolderWatcher) -> None:
        self.items: list[FolderChanges] = []
        watcher.changes.connect(self.items.append)

    def changed(self) -> list[str]:
        return [path for batch in self.items for path in batch.changed]

    def removed(self) -> list[str]:
        return [path for batch in self.items for path in batch.removed]

    def folders(self) -> list[str]:
        return [path for batch in self.items for path in batch.folders]

    def everything(self) -> set[str]:
        return set(self.changed()) | set(self.removed()) | set(self.folders())


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    return root


@pytest.fixture
def watcher(qapp) -> Iterator[FolderWatcher]:
    w = FolderWatcher()
    yield w
    w.stop()


def start(qtbot, watcher: FolderWatcher, root: Path, timeout: int = WAIT) -> None:
    with qtbot.wait_signal(watcher.started, timeout=timeout):
        watcher.start(root)


def sentinel(qtbot, batches: Batches, root: Path, timeout: int = WAIT) -> Path:
    """Make one real change and wait until it is reported."""
    path = root / "_posts" / f"sentinel-{len(batches.items)}.md"
    path.write_bytes(b"---\ntitle: sentinel\n---\n")
    qtbot.wait_until(lambda: str(path) in batches.changed(), timeout=timeout)
    return path


def test_a_new_post_is_reported(qtbot, watcher: FolderWatcher, site: Path) -> None:
    batches = Batches(watcher)
    start(qtbot, watcher, site)
    assert watcher.mode == "native"
    post = site / "_posts" / "2024-05-01-新闻.md"
    post.write_text("---\ntitle: 新闻\n---\n正文\n", encoding="utf-8")
    qtbot.wait_until(lambda: str(post) in batches.changed(), timeout=WAIT)
    assert batches.removed() == []


def test_a_modified_post_is_reported_once(qtbot, watcher: FolderWatcher, site: Path) -> None:
    post = site / "_posts" / "post.md"
    post.write_bytes(b"old\n")
    watcher.remember(post, b"old\n")
    batches = Batches(watcher)
    start(qtbot, watcher, site)
    post.write_bytes(b"new\n")
    qtbot.wait_until(lambda: str(post) in batches.changed(), timeout=WAIT)
    post.write_bytes(b"new\n")  # the same bytes again: already reported
    sentinel(qtbot, batches, site)
    assert batches.changed().count(str(post)) == 1


def test_a_deleted_post_is_reported_removed(qtbot, watcher: FolderWatcher, site: Path) -> None:
    post = site / "_posts" / "草稿.md"
    post.write_bytes(b"text\n")
    batches = Batches(watcher)
    start(qtbot, watcher, site)
    post.unlink()
    qtbot.wait_until(lambda: str(post) in batches.removed(), timeout=WAIT)
    assert str(post) not in batches.changed()


def test_a_rename_with_the_same_content_is_a_move(
    qtbot, watcher: FolderWatcher, site: Path
) -> None:
    old = site / "_posts" / "old.md"
    new = site / "_posts" / "2024-05-01-新名字.md"
    old.write_bytes(b"---\ntitle: t\n---\nbody\n")
    watcher.remember(old, b"---\ntitle: t\n---\nbody\n")
    batches = Batches(watcher)
    start(qtbot, watcher, site)
    with qtbot.wait_signal(watcher.moved, timeout=WAIT) as blocker:
        old.rename(new)
    assert blocker.args == [str(old), str(new)]
    qtbot.wait_until(lambda: str(old) in batches.removed(), timeout=WAIT)
    assert str(new) in batches.changed()


def test_a_rename_of_other_content_is_no_move(qtbot, watcher: FolderWatcher, site: Path) -> None:
    old = site / "_posts" / "old.md"
    new = site / "_posts" / "new.md"
    old.write_bytes(b"on disk\n")
    watcher.remember(old, b"what Galley last saw\n")
    moves: list[tuple[str, str]] = []
    watcher.moved.connect(lambda a, b: moves.append((a, b)))
    batches = Batches(watcher)
    start(qtbot, watcher, site)
    old.rename(new)
    qtbot.wait_until(lambda: str(new) in batches.changed(), timeout=WAIT)
    sentinel(qtbot, batches, site)
    assert str(old) in batches.removed()
    assert moves == []


def test_an_atomic_save_by_another_program_is_one_change_of_the_post(
    qtbot, watcher: FolderWatcher, site: Path
) -> None:
    post = site / "_posts" / "post.md"
    post.write_bytes(b"mine\n")
    watcher.remember(post, b"mine\n")
    batches = Batches(watcher)
    start(qtbot, watcher, site)
    # A name no ignore pattern knows: dropped because it came and went.
    temp = site / "_posts" / "post.md.new-4711"
    temp.write_bytes(b"theirs\n")
    os.replace(temp, post)
    qtbot.wait_until(lambda: str(post) in batches.changed(), timeout=WAIT)
    sentinel(qtbot, batches, site)
    assert batches.changed().count(str(post)) == 1
    assert str(temp) not in batches.everything()
    assert str(post) not in batches.removed()


def test_galleys_own_atomic_save_is_not_reported(qtbot, watcher: FolderWatcher, site: Path) -> None:
    post = site / "_posts" / "2024-05-01-新闻.md"
    post.write_bytes(b"v1\n")
    batches = Batches(watcher)
    start(qtbot, watcher, site)
    data = "---\ntitle: 新闻\n---\nv2\n".encode()
    watcher.remember(post, data)  # before writing, as the Document does
    write_atomic(post, data)
    sentinel(qtbot, batches, site)
    assert str(post) not in batches.everything()
    assert all(not Path(p).name.endswith(".galley-tmp") for p in batches.everything())


def test_a_vim_style_save_is_a_change_of_the_post(
    qtbot, watcher: FolderWatcher, site: Path
) -> None:
    post = site / "_posts" / "post.md"
    backup = site / "_posts" / "post.md~"
    post.write_bytes(b"before\n")
    watcher.remember(post, b"before\n")
    batches = Batches(watcher)
    start(qtbot, watcher, site)
    post.rename(backup)
    post.write_bytes(b"after\n")
    backup.unlink()
    qtbot.wait_until(lambda: str(post) in batches.changed(), timeout=WAIT)
    sentinel(qtbot, batches, site)
    assert str(backup) not in batches.everything()
    assert post.read_bytes() == b"after\n"


def test_writing_and_touching_known_content_is_not_a_change(
    qtbot, watcher: FolderWatcher, site: Path
) -> None:
    post = site / "_posts" / "post.md"
    post.write_bytes(b"same\n")
    watcher.remember(post, b"same\n")
    batches = Batches(watcher)
    start(qtbot, watcher, site)
    post.write_bytes(b"same\n")
    os.utime(post)
    sentinel(qtbot, batches, site)
    assert str(post) not in batches.everything()
    # Alive, and the post's real change after the no-op is reported.
    post.write_bytes(b"different\n")
    qtbot.wait_until(lambda: str(post) in batches.changed(), timeout=WAIT)
    assert batches.changed().count(str(post)) == 1


def test_forget_makes_the_next_content_a_change(qtbot, watcher: FolderWatcher, site: Path) -> None:
    post = site / "_posts" / "post.md"
    post.write_bytes(b"same\n")
    watcher.remember(post, b"same\n")
    watcher.forget(post)
    batches = Batches(watcher)
    start(qtbot, watcher, site)
    post.write_bytes(b"same\n")
    qtbot.wait_until(lambda: str(post) in batches.changed(), timeout=WAIT)


def test_reading_files_is_not_reported(qtbot, watcher: FolderWatcher, site: Path) -> None:
    posts = [site / "_posts" / f"{i}-文章.md" for i in range(50)]
    for post in posts:
        post.write_bytes(b"---\ntitle: x\n---\n")
    batches = Batches(watcher)
    start(qtbot, watcher, site)
    for post in posts:
        with post.open("rb") as handle:
            handle.read()
        post.read_bytes()
    sentinel_path = sentinel(qtbot, batches, site)
    assert batches.everything() == {str(sentinel_path)}


def test_ignored_folders_and_temporary_files_are_never_reported(
    qtbot, watcher: FolderWatcher, site: Path
) -> None:
    batches = Batches(watcher)
    start(qtbot, watcher, site)
    for folder in ("_site/2024", ".git/objects", "node_modules/pkg", ".jekyll-cache"):
        (site / folder).mkdir(parents=True)
        (site / folder / "file.html").write_bytes(b"x")
    for name in ("post.md~", ".post.md.swp", "4913", ".#post.md", "Thumbs.db", "a.tmp"):
        (site / "_posts" / name).write_bytes(b"x")
    (site / "_site" / "2024" / "file.html").write_bytes(b"y")
    sentinel_path = sentinel(qtbot, batches, site)
    assert batches.everything() == {str(sentinel_path)}


def test_new_and_deleted_folders_are_reported_for_a_rescan(
    qtbot, watcher: FolderWatcher, site: Path
) -> None:
    batches = Batches(watcher)
    start(qtbot, watcher, site)
    drafts = site / "_drafts"
    drafts.mkdir()
    qtbot.wait_until(lambda: str(drafts) in batches.folders(), timeout=WAIT)
    count = len(batches.items)
    drafts.rmdir()
    qtbot.wait_until(
        lambda: any(str(drafts) in b.folders for b in batches.items[count:]), timeout=WAIT
    )


def test_folders_made_with_parents_keep_the_watcher_listening(
    qtbot, watcher: FolderWatcher, site: Path
) -> None:
    # watchdog warns when it re-adds the watch of such a folder; with
    # warnings as errors (as here) that used to kill its inotify thread.
    batches = Batches(watcher)
    start(qtbot, watcher, site)
    deep = site / "content" / "posts" / "2024" / "五月"
    deep.mkdir(parents=True)
    post = deep / "index.md"
    post.write_bytes(b"---\ntitle: deep\n---\n")
    qtbot.wait_until(lambda: str(post) in batches.changed(), timeout=WAIT)
    sentinel(qtbot, batches, site)


def test_a_burst_of_files_arrives_in_a_few_batches(
    qtbot, watcher: FolderWatcher, site: Path
) -> None:
    batches = Batches(watcher)
    start(qtbot, watcher, site)
    posts = [site / "_posts" / f"2024-01-01-post-{i:03}.md" for i in range(300)]
    for i, post in enumerate(posts):
        post.write_bytes(f"---\ntitle: {i}\n---\n".encode())
    wanted = {str(p) for p in posts}
    qtbot.wait_until(lambda: wanted <= set(batches.changed()), timeout=WAIT * 2)
    assert len(batches.items) <= 10, [len(b.changed) for b in batches.items]
    assert len(batches.changed()) == 300  # each post once


def test_check_decides_paths_by_content(qtbot, watcher: FolderWatcher, site: Path) -> None:
    same = site / "_posts" / "same.md"
    other = site / "_posts" / "other.md"
    same.write_bytes(b"a\n")
    other.write_bytes(b"b\n")
    watcher.remember(same, b"a\n")
    watcher.remember(other, b"not what is on disk\n")
    start(qtbot, watcher, site)
    with qtbot.wait_signal(watcher.changes, timeout=WAIT) as blocker:
        watcher.check([str(same), str(other), str(site / "_posts" / "gone.md")])
    assert blocker.args[0] == FolderChanges(
        changed=(str(other),), removed=(str(site / "_posts" / "gone.md"),)
    )


def test_big_files_are_compared_by_size_and_time(
    qtbot, watcher: FolderWatcher, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(folder_watcher, "HASH_LIMIT", 10)
    big = site / "assets" / "video.bin"
    big.parent.mkdir()
    big.write_bytes(b"0123456789abcdef")
    batches = Batches(watcher)
    start(qtbot, watcher, site)
    watcher.check([str(big)])
    qtbot.wait_until(lambda: str(big) in batches.changed(), timeout=WAIT)
    big.write_bytes(b"0123456789abcdefgh")
    qtbot.wait_until(lambda: batches.changed().count(str(big)) == 2, timeout=WAIT)
    # Posts are hashed at any size.
    post = site / "_posts" / "long.md"
    post.write_bytes(b"a long post\n")
    watcher.remember(post, b"a long post\n")
    os.utime(post, ns=(1, 1))
    watcher.check([str(post)])
    sentinel(qtbot, batches, site)
    assert str(post) not in batches.everything()


def test_polling_mode_reports_changes(qtbot, site: Path, qapp) -> None:
    watcher = FolderWatcher(force_polling=True)
    try:
        batches = Batches(watcher)
        messages: list[str] = []
        watcher.mode_changed.connect(messages.append)
        start(qtbot, watcher, site)
        assert watcher.mode == "polling"
        assert len(messages) == 1 and "polling every 2 s" in messages[0]
        post = site / "_posts" / "2024-05-01-新闻.md"
        post.write_bytes(b"new\n")
        qtbot.wait_until(lambda: str(post) in batches.changed(), timeout=POLL_WAIT)
        post.unlink()
        qtbot.wait_until(lambda: str(post) in batches.removed(), timeout=POLL_WAIT)
    finally:
        watcher.stop()
    assert watcher.mode == "off"


def test_the_watch_limit_falls_back_to_polling_and_says_why(
    qtbot, watcher: FolderWatcher, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def inotify_at_its_limit() -> folder_watcher.BaseObserver:
        raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr(folder_watcher, "_native_observer", inotify_at_its_limit)
    with qtbot.wait_signal(watcher.mode_changed, timeout=WAIT) as blocker:
        watcher.start(site)
    assert "limit on watched folders" in blocker.args[0]
    qtbot.wait_until(lambda: watcher.mode == "polling", timeout=WAIT)


def test_returning_to_native_clears_the_message(
    qtbot, watcher: FolderWatcher, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing() -> folder_watcher.BaseObserver:
        raise OSError(errno.EMFILE, "inotify instance limit reached")

    native = folder_watcher._native_observer
    monkeypatch.setattr(folder_watcher, "_native_observer", failing)
    with qtbot.wait_signal(watcher.mode_changed, timeout=WAIT) as first:
        watcher.start(site)
    assert "limit" in first.args[0]
    monkeypatch.setattr(folder_watcher, "_native_observer", native)
    with qtbot.wait_signal(watcher.mode_changed, timeout=WAIT) as second:
        watcher.start(site)
    assert second.args == [""]


def test_lost_events_ask_for_a_rescan_of_the_whole_folder(
    qtbot, watcher: FolderWatcher, site: Path
) -> None:
    start(qtbot, watcher, site)
    with qtbot.wait_signal(watcher.changes, timeout=WAIT) as blocker:
        logging.getLogger("watchdog.observers.inotify").warning(
            "Inotify queue overflowed; reconciling recursive watches below %r", str(site)
        )
    assert blocker.args[0] == FolderChanges(folders=(str(site),))


def test_stop_is_safe_twice_and_from_a_slot(qtbot, watcher: FolderWatcher, site: Path) -> None:
    start(qtbot, watcher, site)
    stopped: list[str] = []

    def stop_now(_changes: FolderChanges) -> None:
        watcher.stop()
        stopped.append(watcher.mode)

    watcher.changes.connect(stop_now)
    (site / "_posts" / "a.md").write_bytes(b"a")
    qtbot.wait_until(lambda: stopped == ["off"], timeout=WAIT)
    watcher.stop()
    assert watcher.mode == "off"


def test_start_refuses_a_missing_folder(watcher: FolderWatcher, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        watcher.start(tmp_path / "nowhere")
    assert watcher.mode == "off"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX mount points")
def test_network_file_systems_are_recognised_from_the_mount_table() -> None:
    mounts = "\n".join(
        [
            "/dev/sda1 / ext4 rw,relatime 0 0",
            "nas:/export /mnt/nas nfs4 rw 0 0",
            "/dev/sdb1 /mnt/nas/local ext4 rw 0 0",
            "//server/share /mnt/my\\040share cifs rw 0 0",
            "me@host:/srv /home/me/remote fuse.sshfs rw 0 0",
            "tmpfs /tmp tmpfs rw 0 0",
        ]
    )
    assert network_fs_type("/mnt/nas/site", mounts) == "nfs4"
    assert network_fs_type("/mnt/nas", mounts) == "nfs4"
    assert network_fs_type("/mnt/nas/local/site", mounts) == ""  # longest mount wins
    assert network_fs_type("/mnt/nasty/site", mounts) == ""
    assert network_fs_type("/mnt/my share/blog", mounts) == "cifs"
    assert network_fs_type("/home/me/remote/blog", mounts) == "fuse.sshfs"
    assert network_fs_type("/tmp/blog", mounts) == ""
