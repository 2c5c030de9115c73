"""The body editor: highlighting that does not block, long lines, find and
replace, go to line."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from editor.ui.body_editor import LONG_LINE, BodyEditor
from editor.ui.find_bar import FindBar


def test_a_fence_typed_at_the_top_does_not_rehighlight_everything_at_once(qtbot) -> None:
    editor = BodyEditor()
    qtbot.addWidget(editor)
    editor.set_text("\n".join(f"第 {i} 行 *text*" for i in range(20_000)))
    highlighter = editor.highlighter
    cursor = QTextCursor(editor.document())
    cursor.insertText("```\n")
    highlighter._scan_fences()  # what the pause after typing triggers
    # The opened fence now covers every line, but only one slice has been
    # re-highlighted synchronously; the rest follows between events.
    assert len(highlighter._fenced) == 20_001
    assert 0 < len(highlighter._pending) <= 20_001 - highlighter.SLICE
    qtbot.wait_until(lambda: not highlighter._pending, timeout=20_000)


def test_very_long_lines_switch_wrapping_off_with_a_notice(qtbot) -> None:
    editor = BodyEditor()
    qtbot.addWidget(editor)
    with qtbot.wait_signal(editor.notice) as notice:
        editor.set_text("short\n" + "x" * (LONG_LINE + 1) + "\n")
    assert editor.lineWrapMode() == QPlainTextEdit.LineWrapMode.NoWrap
    assert f"{LONG_LINE + 1:,}" in notice.args[0]
    editor.set_text("short again")
    assert editor.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth


def test_find_and_replace(qtbot) -> None:
    editor = BodyEditor()
    qtbot.addWidget(editor)
    editor.set_text("港口 harbour Harbour\nharbours 港口岸电")
    bar = FindBar(editor)
    qtbot.addWidget(bar)
    bar.open_bar(replace=True)
    bar.find_edit.setText("港口")
    assert bar.find() and editor.textCursor().selectedText() == "港口"
    bar.case.setChecked(True)
    bar.word.setChecked(True)
    bar.find_edit.setText("harbour")
    bar.replace_edit.setText("port")
    assert bar.replace_all() == 1
    assert editor.text() == "港口 port Harbour\nharbours 港口岸电"
    bar.case.setChecked(False)
    bar.word.setChecked(False)
    bar.regex.setChecked(True)
    bar.find_edit.setText(r"(Harb)our(s?)")
    bar.replace_edit.setText(r"\1or\2")
    assert bar.replace_all() == 2
    assert editor.text() == "港口 port Harbor\nharbors 港口岸电"
    editor.document().undo()  # one undo step for the whole replacement
    assert editor.text() == "港口 port Harbour\nharbours 港口岸电"
    bar.find_edit.setText("(")
    assert not bar.find() and "Invalid" in bar.status.text()


def test_go_to_line(qtbot) -> None:
    editor = BodyEditor()
    qtbot.addWidget(editor)
    editor.set_text("\n".join(f"line {i}" for i in range(1, 101)))
    editor.go_to_line(42)
    assert editor.textCursor().blockNumber() == 41


def test_input_method_composition_and_its_candidate_window(qtbot) -> None:
    """A pinyin composition shows in place without entering the text; the
    committed characters do; the candidate window's anchor (the cursor
    rectangle the editor reports) follows the cursor."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QInputMethodEvent, QTextCursor
    from PySide6.QtWidgets import QApplication

    editor = BodyEditor()
    qtbot.addWidget(editor)
    editor.resize(500, 300)
    editor.show()
    editor.set_text("第一行\n第二行")
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    editor.setTextCursor(cursor)
    query = Qt.InputMethodQuery.ImCursorRectangle
    start = editor.inputMethodQuery(query)

    attribute = QInputMethodEvent.Attribute(QInputMethodEvent.AttributeType.Cursor, 4, 1, 0)
    QApplication.sendEvent(editor, QInputMethodEvent("gang", [attribute]))
    assert editor.text() == "第一行\n第二行"  # the composition is not text yet
    assert not editor.document().isModified()
    composing = editor.inputMethodQuery(query)
    assert composing.x() > start.x() and composing.y() == start.y()

    commit = QInputMethodEvent()
    commit.setCommitString("港")
    QApplication.sendEvent(editor, commit)
    assert editor.text() == "第一行港\n第二行"
    cursor.movePosition(QTextCursor.MoveOperation.Down)
    editor.setTextCursor(cursor)
    assert editor.inputMethodQuery(query).y() > start.y()
