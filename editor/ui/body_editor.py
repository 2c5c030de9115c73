"""The body editor: plain-text editing of the post's Markdown."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QTextCursor, QTextFormat, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from editor.ui.markdown_highlighter import MarkdownHighlighter

_PARAGRAPH_SEPARATOR = "\u2029"
#: Lines longer than this (minified HTML, base64 images) make wrapped
#: layout slow: a 300,000-character line took 4.3 s to load wrapped, 0.09 s
#: unwrapped. Posts with one are shown unwrapped.
LONG_LINE = 10_000


class BodyEditor(QPlainTextEdit):
    """Edits the body text. No key handling of its own, so input methods
    (pinyin and others) compose undisturbed.

    Signals:
        notice(str): something the user should know about this text.
    """

    notice = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("body_editor")
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
        font.setPointSizeF(max(font.pointSizeF(), 11.0))
        font.setStyleHint(QFont.StyleHint.SansSerif)
        self.setFont(font)
        self.setTabChangesFocus(False)
        self.highlighter = MarkdownHighlighter(self.document(), self)
        self.cursorPositionChanged.connect(self._highlight_current_line)

    def text(self) -> str:
        """The exact text, with ``\\n`` newlines.

        ``toPlainText()`` would turn non-breaking spaces into spaces;
        ``toRawText()`` keeps them and marks blocks with U+2029.
        """
        return self.document().toRawText().replace(_PARAGRAPH_SEPARATOR, "\n")

    def set_text(self, text: str) -> None:
        """Show ``text`` as a fresh, unmodified buffer (undo history cleared).
        A text with very long lines is shown unwrapped, with a notice."""
        longest = max((len(line) for line in text.split("\n")), default=0)
        wrap = longest <= LONG_LINE
        self.setLineWrapMode(
            QPlainTextEdit.LineWrapMode.WidgetWidth if wrap else QPlainTextEdit.LineWrapMode.NoWrap
        )
        self.setPlainText(text)
        self.document().setModified(False)
        if not wrap:
            self.notice.emit(
                self.tr(
                    "This post has a line of {0:,} characters; wrapping is off so typing stays fast."
                ).format(longest)
            )

    def go_to_line(self, line: int) -> None:
        """Put the cursor at the start of body line ``line`` (1-based)."""
        block = self.document().findBlockByNumber(max(0, line - 1))
        if block.isValid():
            cursor = QTextCursor(block)
            self.setTextCursor(cursor)
            self.centerCursor()

    def _highlight_current_line(self) -> None:
        selection = QTextEdit.ExtraSelection()
        color = self.palette().highlight().color()
        color.setAlpha(28)
        selection.format.setBackground(QColor(color))
        selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        selection.cursor = self.textCursor()
        selection.cursor.clearSelection()
        self.setExtraSelections([selection])
