"""The sidebar and the open post stay in step with the disk (issue 5): real
files changed the ways other programs change them, waiting on what the
window shows (no fixed sleeps)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from editor.services.document import CHANGED, DELETED, IN_STEP
from editor.ui.library_model import PATH_ROLE
from editor.ui.main_window import MainWindow

pytestmark = pytest.mark.webengine

WAIT = 15_000


@pytest.fixture
def window(qtbot, new_window, site: Path) -> MainWindow:
    win = new_window()
    with qtbot.wait_signal(win.library.scan_finished, timeout=WAIT):
        win.open_site(site)
    qtbot.wait_until(lambda: win.library.watcher.mode != "off", timeout=WAIT)
    return win


def titles(window: MainWindow) -> dict[str, str]:
    return {row.path: row.title for row in window.sidebar.rows()}


def post_text(title: str, body: str = "正文。") -> str:
    return f"---\ntitle: {title}\ndate: 2024-05-01 10:00:00 +0800\n---\n{body}\n"


def test_posts_created_changed_deleted_and_renamed_show_up(
    qtbot, window: MainWindow, site: Path
) -> None:
    path = site / "_posts" / "2024-05-01-new.md"
    path.write_text(post_text("新稿件"), encoding="utf-8")
    qtbot.wait_until(lambda: titles(window).get(str(path)) == "新稿件", timeout=WAIT)

    path.write_text(post_text("改了标题"), encoding="utf-8")
    qtbot.wait_until(lambda: titles(window).get(str(path)) == "改了标题", timeout=WAIT)

    renamed = path.with_name("2024-05-01-renamed.md")
    path.rename(renamed)
    qtbot.wait_until(
        lambda: str(path) not in titles(window) and str(renamed) in titles(window), timeout=WAIT
    )

    renamed.unlink()
    qtbot.wait_until(lambda: str(renamed) not in titles(window), timeout=WAIT)


def test_atomic_and_vim_style_saves_by_other_programs(
    qtbot, window: MainWindow, site: Path
) -> None:
    path = site / "_posts" / "2024-05-02-saves.md"
    path.write_text(post_text("原来"), encoding="utf-8")
    qtbot.wait_until(lambda: titles(window).get(str(path)) == "原来", timeout=WAIT)

    # Another editor's atomic save: a temporary file renamed over the post.
    temporary = path.with_name(".2024-05-02-saves.md.tmp-4711")
    temporary.write_text(post_text("原子保存"), encoding="utf-8")
    os.replace(temporary, path)
    qtbot.wait_until(lambda: titles(window).get(str(path)) == "原子保存", timeout=WAIT)

    # vim: the post renamed to a backup, a new file written, the backup deleted.
    backup = path.with_name(path.name + "~")
    path.rename(backup)
    path.write_text(post_text("vim 保存"), encoding="utf-8")
    backup.unlink()
    qtbot.wait_until(lambda: titles(window).get(str(path)) == "vim 保存", timeout=WAIT)
    assert not any(p.endswith("~") or ".tmp-" in p for p in titles(window))


def test_the_open_post_is_selected_once_the_scan_lists_it(qtbot, new_window, site: Path) -> None:
    win = new_window("other.ini")
    post = site / "_posts" / "2026-03-12-rental-subsidy-online.md"
    with qtbot.wait_signal(win.library.scan_finished, timeout=WAIT):
        assert win.open_path(post)  # the post opens before the scan lists it
    assert win.sidebar.view.currentIndex().data(PATH_ROLE) == str(post)


def test_a_burst_is_one_update(qtbot, window: MainWindow, site: Path) -> None:
    resets: list[int] = []
    window.sidebar.library.modelReset.connect(lambda: resets.append(1))
    before = len(titles(window))
    for i in range(300):
        (site / "_posts" / f"2024-06-01-burst-{i:03d}.md").write_text(
            post_text(f"批量 {i}"), encoding="utf-8"
        )
    qtbot.wait_until(lambda: len(titles(window)) == before + 300, timeout=WAIT)
    assert len(resets) <= 3  # a few batches at most, each one reset


def test_galleys_own_save_is_not_an_external_change(qtbot, window: MainWindow, site: Path) -> None:
    post = site / "_posts" / "2026-03-12-rental-subsidy-online.md"
    with qtbot.wait_signal(window.preview_updated, timeout=WAIT):
        assert window.open_post(post)
    batches: list[object] = []
    window.library.watcher.changes.connect(batches.append)
    window.editor.insertPlainText("补充。")
    assert window.save()
    # A real change elsewhere proves the watcher is alive and has caught up.
    other = site / "_posts" / "2024-07-01-other.md"
    other.write_text(post_text("别的"), encoding="utf-8")
    qtbot.wait_until(lambda: titles(window).get(str(other)) == "别的", timeout=WAIT)
    reported = {p for batch in batches for p in batch.changed}  # type: ignore[attr-defined]
    assert str(post) not in reported
    assert window.document is not None and window.document.disk_state == IN_STEP
    assert window.disk_bar.isHidden()


def test_the_open_post_follows_its_file(qtbot, window: MainWindow, site: Path) -> None:
    post = site / "_posts" / "2024-08-01-open.md"
    post.write_text(post_text("打开的", "第一段。"), encoding="utf-8")
    qtbot.wait_until(lambda: str(post) in titles(window), timeout=WAIT)
    with qtbot.wait_signal(window.preview_updated, timeout=WAIT):
        assert window.open_post(post)
    assert window.sidebar.view.currentIndex().data(PATH_ROLE) == str(post)

    # Changed on disk with nothing unsaved: reloaded in place.
    post.write_text(post_text("打开的", "别人改的第一段。"), encoding="utf-8")
    qtbot.wait_until(lambda: "别人改的" in window.editor.text(), timeout=WAIT)
    assert not window.is_modified()

    # Renamed with the same content: followed.
    moved = post.with_name("2024-08-01-moved.md")
    post.rename(moved)
    qtbot.wait_until(
        lambda: window.document is not None and window.document.path == moved, timeout=WAIT
    )

    # Replaced under unsaved edits: the bar, nothing lost, nothing overwritten.
    window.editor.insertPlainText("我的。")
    temporary = moved.with_name(".moved.tmp")
    temporary.write_text(post_text("打开的", "第三个版本。"), encoding="utf-8")
    os.replace(temporary, moved)
    qtbot.wait_until(
        lambda: window.document is not None and window.document.disk_state == CHANGED,
        timeout=WAIT,
    )
    assert window.disk_bar.isVisible() and "我的。" in window.editor.text()
    assert "第三个版本" in moved.read_text(encoding="utf-8")

    # Deleted: the text stays, the bar says so.
    moved.unlink()
    qtbot.wait_until(
        lambda: window.document is not None and window.document.disk_state == DELETED,
        timeout=WAIT,
    )
    assert "我的。" in window.editor.text()


def test_a_reopened_site_is_listed_from_the_cache_then_checked(
    qtbot, new_window, site: Path
) -> None:
    first = new_window("reopen.ini")
    with qtbot.wait_signal(first.library.scan_finished, timeout=WAIT):
        first.open_site(site)
    changed = site / "_posts" / "2026-03-12-rental-subsidy-online.md"
    deleted = site / "_posts" / "2025-11-04-press-release-workflow.md"
    assert str(changed) in titles(first) and str(deleted) in titles(first)
    first.close()

    # While Galley was closed: one post changed, one deleted, one added.
    text = changed.read_text(encoding="utf-8").replace("title:", "title: 改过", 1)
    changed.write_text(text.replace("title: 改过 ", "title: 改过"), encoding="utf-8")
    deleted.unlink()
    added = site / "_posts" / "2024-09-01-added.md"
    added.write_text(post_text("新加的"), encoding="utf-8")

    second = new_window("reopen.ini")
    order: list[str] = []
    second.library.listed.connect(lambda: order.append("listed"))
    second.library.scan_finished.connect(lambda _complete: order.append("finished"))
    with qtbot.wait_signal(second.library.scan_finished, timeout=WAIT):
        second.open_site(site)
    qtbot.wait_until(lambda: str(deleted) not in titles(second), timeout=WAIT)
    assert order == ["listed", "finished"]
    assert titles(second)[str(changed)].startswith("改过")
    assert titles(second)[str(added)] == "新加的"
