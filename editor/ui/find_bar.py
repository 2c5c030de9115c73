"""Find and replace in the body editor: a bar under the editor, not a dialog.

Ctrl+F opens it for finding, Ctrl+H with the replace row; options for regular
expressions, case and whole words. Escape closes it.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)


class FindBar(QWidget):
    """Finds and replaces text in one editor."""

    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("find_bar")
        self._editor = editor
        self.find_edit = QLineEdit(self)
        self.find_edit.setPlaceholderText(self.tr("Find"))
        self.replace_edit = QLineEdit(self)
        self.replace_edit.setPlaceholderText(self.tr("Replace with"))
        self.regex = QCheckBox(self.tr("Regular expression"), self)
        self.case = QCheckBox(self.tr("Match case"), self)
        self.word = QCheckBox(self.tr("Whole words"), self)
        self.status = QLabel(self)
        next_button = QPushButton(self.tr("Next"), self)
        previous_button = QPushButton(self.tr("Previous"), self)
        self._replace_button = QPushButton(self.tr("Replace"), self)
        self._replace_all_button = QPushButton(self.tr("Replace all"), self)

        layout = QGridLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.find_edit, 0, 0)
        layout.addWidget(previous_button, 0, 1)
        layout.addWidget(next_button, 0, 2)
        layout.addWidget(self.regex, 0, 3)
        layout.addWidget(self.case, 0, 4)
        layout.addWidget(self.word, 0, 5)
        layout.addWidget(self.replace_edit, 1, 0)
        layout.addWidget(self._replace_button, 1, 1)
        layout.addWidget(self._replace_all_button, 1, 2)
        layout.addWidget(self.status, 1, 3, 1, 3)

        next_button.clicked.connect(lambda: self.find(backward=False))
        previous_button.clicked.connect(lambda: self.find(backward=True))
        self.find_edit.returnPressed.connect(lambda: self.find(backward=False))
        self._replace_button.clicked.connect(self.replace)
        self._replace_all_button.clicked.connect(self.replace_all)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close_bar)
        self.hide()

    def open_bar(self, replace: bool) -> None:
        """Show the bar (with the replace row when ``replace``), seeded with
        the editor's selection."""
        for widget in (self.replace_edit, self._replace_button, self._replace_all_button):
            widget.setVisible(replace)
        selected = self._editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.find_edit.setText(selected)
        self.show()
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self._editor.setFocus()

    def _flags(self, backward: bool) -> QTextDocument.FindFlag:
        flags = QTextDocument.FindFlag(0)
        if backward:
            flags |= QTextDocument.FindFlag.FindBackward
        if self.case.isChecked():
            flags |= QTextDocument.FindFlag.FindCaseSensitively
        if self.word.isChecked():
            flags |= QTextDocument.FindFlag.FindWholeWords
        return flags

    def _pattern(self) -> str | QRegularExpression:
        text = self.find_edit.text()
        if not self.regex.isChecked():
            return text
        options = QRegularExpression.PatternOption.NoPatternOption
        if not self.case.isChecked():
            options |= QRegularExpression.PatternOption.CaseInsensitiveOption
        pattern = rf"\b(?:{text})\b" if self.word.isChecked() else text
        return QRegularExpression(pattern, options)

    def _search(self, cursor: QTextCursor, backward: bool) -> QTextCursor:
        pattern = self._pattern()
        document = self._editor.document()
        if isinstance(pattern, QRegularExpression):
            # Case and whole words are in the expression itself.
            flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
            return document.find(pattern, cursor, flags)
        return document.find(pattern, cursor, self._flags(backward))

    def find(self, backward: bool = False) -> bool:
        """Select the next (or previous) match, wrapping around; False if none."""
        if not self.find_edit.text():
            return False
        if isinstance(pattern := self._pattern(), QRegularExpression) and not pattern.isValid():
            self.status.setText(self.tr("Invalid expression: {0}").format(pattern.errorString()))
            return False
        found = self._search(self._editor.textCursor(), backward)
        if found.isNull():
            start = QTextCursor(self._editor.document())
            if backward:
                start.movePosition(QTextCursor.MoveOperation.End)
            found = self._search(start, backward)
        if found.isNull():
            self.status.setText(self.tr("Not found"))
            return False
        self.status.clear()
        self._editor.setTextCursor(found)
        return True

    def replace(self) -> None:
        """Replace the selected match and go to the next one."""
        cursor = self._editor.textCursor()
        if cursor.hasSelection() and self._matches(cursor):
            cursor.insertText(self._replacement(cursor.selectedText()))
        self.find()

    def replace_all(self) -> int:
        """Replace every match in one undo step; return how many."""
        count = 0
        cursor = QTextCursor(self._editor.document())
        cursor.beginEditBlock()
        try:
            found = self._search(cursor, False)
            while not found.isNull() and found.hasSelection():
                found.insertText(self._replacement(found.selectedText()))
                count += 1
                found = self._search(found, False)
        finally:
            cursor.endEditBlock()
        self.status.setText(self.tr("{0} replaced").format(count))
        return count

    def _matches(self, cursor: QTextCursor) -> bool:
        probe = QTextCursor(cursor)
        probe.setPosition(cursor.selectionStart())
        found = self._search(probe, False)
        return (
            found.selectionStart() == cursor.selectionStart()
            and found.selectionEnd() == cursor.selectionEnd()
        )

    def _replacement(self, matched: str) -> str:
        pattern = self._pattern()
        if isinstance(pattern, QRegularExpression):
            # Backreferences (\1) in the replacement, as Python spells them.
            flags = 0 if self.case.isChecked() else re.IGNORECASE
            try:
                return re.sub(
                    pattern.pattern(), self.replace_edit.text(), matched, count=1, flags=flags
                )
            except re.error:
                return self.replace_edit.text()
        return self.replace_edit.text()
