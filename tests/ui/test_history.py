"""One undo history per post: form fields, the raw front matter and the
body undo and redo together, in the order they were made, with Ctrl+Z and
Ctrl+Shift+Z wherever the focus is."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from editor.ui.main_window import MainWindow

pytestmark = pytest.mark.webengine

ORIGINAL = "---\ntitle: 原标题\ntags: [a, b]\n---\n第一段。\n"


@pytest.fixture
def window(qtbot, new_window, site: Path) -> MainWindow:
    win = new_window()
    qtbot.wait_exposed(win)
    path = site / "_posts" / "2020-02-01-history.md"
    path.write_bytes(ORIGINAL.encode())
    assert win.open_path(path)
    return win


def press(qtbot, widget, sequence: QKeySequence.StandardKey) -> None:
    widget.setFocus()
    qtbot.wait_until(widget.hasFocus)
    key = QKeySequence(sequence)[0]
    QTest.keyClick(widget, key.key(), key.keyboardModifiers())


def text_of(window: MainWindow) -> str:
    assert window.document is not None
    window.document.set_body(window.editor.text())
    return window.document.post.source


def set_title(window: MainWindow, title: str) -> None:
    edit = window.form.field_widget("title")
    assert isinstance(edit, QLineEdit)
    edit.setText(title)
    edit.editingFinished.emit()


def test_form_and_body_edits_undo_in_the_order_they_were_made(qtbot, window: MainWindow) -> None:
    QTest.keyClicks(window.editor, "A")  # body
    set_title(window, "新标题")  # form
    cursor = window.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    window.editor.setTextCursor(cursor)
    window.editor.insertPlainText("\n第二段。")  # body again
    after = text_of(window)
    assert "title: 新标题" in after and after.endswith("第二段。\n") is False

    # Ctrl+Z in the body editor goes to the post's history, not the text's.
    press(qtbot, window.editor, QKeySequence.StandardKey.Undo)
    assert "第二段" not in text_of(window) and "title: 新标题" in text_of(window)
    press(qtbot, window.editor, QKeySequence.StandardKey.Undo)
    assert "title: 原标题" in text_of(window) and "A" in text_of(window)
    # The form shows the title again.
    edit = window.form.field_widget("title")
    assert isinstance(edit, QLineEdit) and edit.text() == "原标题"
    window.actions_by_id["undo"].trigger()
    assert text_of(window) == ORIGINAL
    assert not window.actions_by_id["undo"].isEnabled()
    assert not window.is_modified()

    # And forward again, in the same order.
    for _ in range(3):
        window.actions_by_id["redo"].trigger()
    assert text_of(window) == after
    assert not window.actions_by_id["redo"].isEnabled()


def test_a_new_edit_ends_redo_in_the_body_too(qtbot, window: MainWindow) -> None:
    QTest.keyClicks(window.editor, "A")
    window.actions_by_id["undo"].trigger()
    set_title(window, "另一个")
    assert not window.actions_by_id["redo"].isEnabled()
    assert not window.editor.document().isRedoAvailable()
    window.actions_by_id["undo"].trigger()
    assert text_of(window) == ORIGINAL


def test_raw_front_matter_edits_are_steps_of_the_same_history(qtbot, window: MainWindow) -> None:
    window.form._raw_toggle.setChecked(True)
    raw = window.form.findChild(QPlainTextEdit, "raw_front_matter")
    assert raw is not None
    raw.setFocus()
    cursor = raw.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    raw.setTextCursor(cursor)
    QTest.keyClicks(raw, "author: me")
    QTest.keyClick(raw, Qt.Key.Key_Return)
    # Ctrl+Z at once, before the raw text's pause: it is taken, then undone.
    press(qtbot, raw, QKeySequence.StandardKey.Undo)
    assert text_of(window) == ORIGINAL
    assert raw.toPlainText() == "title: 原标题\ntags: [a, b]\n"
    press(qtbot, raw, QKeySequence.StandardKey.Redo)
    assert "author: me\n---\n" in text_of(window)


def test_undoing_added_front_matter_leaves_none(qtbot, window: MainWindow, tmp_path) -> None:
    path = tmp_path / "site" / "_posts" / "2020-02-02-bare.md"
    path.write_bytes(b"Just a body.\n")
    assert window.open_path(path)
    set_title(window, "Title")
    assert text_of(window).startswith("---\ntitle: Title\n---\n")
    window.actions_by_id["undo"].trigger()
    assert text_of(window) == "Just a body.\n"
    assert not window.is_modified()


def test_the_editor_context_menu_offers_the_posts_history(qtbot, window: MainWindow) -> None:
    QTest.keyClicks(window.editor, "A")
    menu = window.editor.createStandardContextMenu()
    names = [a.objectName() for a in menu.actions()]
    assert "edit-undo" in names  # Qt's own, which the editor swaps for the window's
    assert window.editor.history_actions == (
        window.actions_by_id["undo"],
        window.actions_by_id["redo"],
    )
    assert window.actions_by_id["undo"].isEnabled()


def test_body_line_follows_front_matter_lines(qtbot, window: MainWindow) -> None:
    assert window.scroll_sync.body_line == 5
    assert window.document is not None
    window.document.set_field("author", "记者")
    assert window.scroll_sync.body_line == 6
    window.actions_by_id["undo"].trigger()
    assert window.scroll_sync.body_line == 5
