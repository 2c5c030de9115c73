"""The body editor: plain-text editing of the post's Markdown."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QWidget

_PARAGRAPH_SEPARATOR = "\u2029"


class BodyEditor(QPlainTextEdit):
    """Edits the body text. No key handling of its own, so input methods
    (pinyin and others) compose undisturbed."""

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

    def text(self) -> str:
        """The exact text, with ``\\n`` newlines.

        ``toPlainText()`` would turn non-breaking spaces into spaces;
        ``toRawText()`` keeps them and marks blocks with U+2029.
        """
        return self.document().toRawText().replace(_PARAGRAPH_SEPARATOR, "\n")

    def set_text(self, text: str) -> None:
        """Show ``text`` as a fresh, unmodified buffer (undo history cleared)."""
        self.setPlainText(text)
        self.document().setModified(False)
