"""The open post when its file changes on disk (issue 5, section 4): reload
when nothing is unsaved, a bar otherwise, never a modal dialog, never a
silent overwrite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMessageBox

from editor.services.document import CHANGED, DELETED, IN_STEP
from editor.ui.main_window import MainWindow

pytestmark = pytest.mark.webengine

ORIGINAL = "---\ntitle: 原标题\n---\n第一段。\n\n第二段 😀 末尾。\n"


@pytest.fixture
def post(site: Path) -> Path:
    path = site / "_posts" / "2020-03-01-disk.md"
    path.write_bytes(ORIGINAL.encode())
    return path


@pytest.fixture
def window(new_window, post: Path) -> MainWindow:
    win = new_window()
    assert win.open_path(post)
    return win


def external_write(path: Path, text: str) -> None:
    """Another program saves: new bytes, and a different modification time."""
    path.write_bytes(text.encode())
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_a_change_with_nothing_unsaved_reloads_keeping_cursor_and_undo(
    window: MainWindow, post: Path
) -> None:
    cursor = window.editor.textCursor()
    cursor.setPosition(3)
    window.editor.setTextCursor(cursor)
    external_write(post, ORIGINAL.replace("第二段", "改过的第二段").replace("原标题", "新标题"))
    window.check_open_post()
    assert window.document is not None
    assert window.editor.text() == "第一段。\n\n改过的第二段 😀 末尾。\n"
    assert window.document.post.fields()["title"] == "新标题"
    assert window.editor.textCursor().position() == 3
    assert not window.is_modified() and window.disk_bar.isHidden()
    # The previous text is one undo away (body, then front matter).
    window.actions_by_id["undo"].trigger()
    window.actions_by_id["undo"].trigger()
    assert window.editor.text() == "第一段。\n\n第二段 😀 末尾。\n"
    assert window.document.post.fields()["title"] == "原标题"


def test_galleys_own_save_is_not_a_change(window: MainWindow, post: Path) -> None:
    window.editor.insertPlainText("新")
    assert window.save()
    saved = post.read_bytes()
    window.check_open_post()
    assert window.document is not None and window.document.disk_state == IN_STEP
    assert window.disk_bar.isHidden() and post.read_bytes() == saved


def test_a_change_under_unsaved_edits_waits_and_never_overwrites(
    qtbot, window: MainWindow, post: Path, monkeypatch
) -> None:
    errors: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: errors.append(text))
    cursor = window.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    window.editor.setTextCursor(cursor)
    window.editor.insertPlainText("我的修改")
    theirs = ORIGINAL.replace("第一段", "他们的第一段")
    external_write(post, theirs)
    window.check_open_post()
    assert window.document is not None and window.document.disk_state == CHANGED
    assert window.disk_bar.isVisible()
    assert window.disk_bar.buttons["compare"].isVisible()
    assert "我的修改" in window.editor.text()  # nothing lost
    # Saving now is refused: the other version stays on disk.
    assert not window.save()
    assert post.read_bytes() == theirs.encode() and errors
    # Compare shows both versions side by side.
    window.disk_bar.buttons["compare"].click()
    shown = window.compare_dialog.view.toPlainText()
    assert "他们的第一段" in shown and "我的修改" in shown
    window.compare_dialog.close()
    # Keep mine: the next save overwrites knowingly.
    window.disk_bar.buttons["keep_mine"].click()
    assert window.disk_bar.isHidden()
    assert window.save()
    assert "我的修改" in post.read_text(encoding="utf-8")


def test_reload_drops_unsaved_edits_but_keeps_them_in_undo(window: MainWindow, post: Path) -> None:
    window.editor.insertPlainText("我的修改")
    theirs = ORIGINAL.replace("第一段", "他们的第一段")
    external_write(post, theirs)
    window.check_open_post()
    window.disk_bar.buttons["reload"].click()
    assert window.document is not None and window.document.post.text() == theirs
    assert not window.is_modified() and window.disk_bar.isHidden()
    window.actions_by_id["undo"].trigger()
    assert "我的修改" in window.editor.text()


def test_a_deleted_file_keeps_the_text_and_can_be_saved_again(
    window: MainWindow, post: Path
) -> None:
    window.editor.insertPlainText("还在")
    post.unlink()
    window.check_open_post()
    assert window.document is not None and window.document.disk_state == DELETED
    assert window.disk_bar.buttons["save"].isVisible()
    assert "还在" in window.editor.text()
    window.disk_bar.buttons["save"].click()
    assert post.is_file() and "还在" in post.read_text(encoding="utf-8")
    assert window.disk_bar.isHidden()


def test_a_deleted_file_can_be_closed(window: MainWindow, post: Path) -> None:
    post.unlink()
    window.check_open_post()
    window.disk_bar.buttons["close_post"].click()
    assert window.document is None and window.editor.text() == ""


def test_a_moved_file_is_followed(window: MainWindow, post: Path) -> None:
    new = post.with_name("2020-03-01-renamed.md")
    post.rename(new)
    assert window.document is not None
    window.document.follow_move(new)
    window.editor.insertPlainText("继续")
    assert window.save()
    assert "继续" in new.read_text(encoding="utf-8") and not post.exists()
