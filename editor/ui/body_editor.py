"""The body editor: plain-text editing of the post's Markdown."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QFont,
    QFontDatabase,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextCursor,
    QTextFormat,
    QTextOption,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from editor.ui.markdown_highlighter import MarkdownHighlighter

_PARAGRAPH_SEPARATOR = "\u2029"
#: Lines longer than this (minified HTML, base64 images) make wrapped
#: layout slow: a 300,000-character line took 4.3 s to load wrapped, 0.09 s
#: unwrapped. Posts with one are shown unwrapped.
LONG_LINE = 10_000
#: Space, in pixels, left of the numbers and between them and the text.
_GUTTER_LEFT_PAD = 6
_GUTTER_RIGHT_PAD = 10


class _LineNumberGutter(QWidget):
    """The strip left of the text that shows line numbers; the editor
    sizes it and does the painting."""

    def __init__(self, editor: BodyEditor) -> None:
        super().__init__(editor)
        self._editor = editor
        self.setObjectName("line_number_gutter")
        self.setAccessibleName(self.tr("Line numbers"))

    def sizeHint(self) -> QSize:
        return QSize(self._editor.line_number_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._editor.paint_line_numbers(event)


class BodyEditor(QPlainTextEdit):
    """Edits the body text. No key handling of its own, so input methods
    (pinyin and others) compose undisturbed.

    Line numbers are off until ``set_line_numbers(True)``; they are drawn
    in ``line_number_gutter``, a child widget kept over the viewport margin.

    Signals:
        notice(str): something the user should know about this text.
    """

    notice = Signal(str)

    #: The window's Undo and Redo (one history for the post), shown in the
    #: context menu instead of the text's own.
    history_actions: tuple[QAction, QAction] | None = None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("body_editor")
        # Made first: setFont below already asks for the gutter's width.
        self.line_number_gutter = _LineNumberGutter(self)
        self.line_number_gutter.setVisible(False)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
        font.setPointSizeF(max(font.pointSizeF(), 11.0))
        font.setStyleHint(QFont.StyleHint.SansSerif)
        self.setFont(font)
        self.setTabChangesFocus(False)
        self.highlighter = MarkdownHighlighter(self.document(), self)
        self.cursorPositionChanged.connect(self._highlight_current_line)
        self._current_block = 0
        self.blockCountChanged.connect(self._update_gutter_width)
        self.updateRequest.connect(self._update_gutter)
        self.cursorPositionChanged.connect(self._repaint_current_line_number)

    def set_line_numbers(self, on: bool) -> None:
        """Show line numbers left of the text, or hide them."""
        self.line_number_gutter.setVisible(on)
        self._update_gutter_width()
        if on:
            self._place_gutter()

    def line_numbers_shown(self) -> bool:
        """Whether line numbers are on."""
        return not self.line_number_gutter.isHidden()

    def line_number_width(self) -> int:
        """The gutter's width in pixels for the current line count and font."""
        digits = max(2, len(str(self.blockCount())))
        return (
            _GUTTER_LEFT_PAD
            + digits * self.fontMetrics().horizontalAdvance("9")
            + _GUTTER_RIGHT_PAD
        )

    def paint_line_numbers(self, event: QPaintEvent) -> None:
        """Paint the numbers of the blocks that ``event`` reaches, and no others:
        a 20,000-line post must not cost 20,000 steps per paint."""
        gutter = self.line_number_gutter
        palette = self.palette()
        painter = QPainter(gutter)
        painter.fillRect(event.rect(), palette.color(QPalette.ColorRole.Base))
        painter.setFont(self.font())
        metrics = self.fontMetrics()
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        normal = palette.color(QPalette.ColorRole.Text)
        right = gutter.width() - _GUTTER_RIGHT_PAD
        current = self.textCursor().blockNumber()
        offset = self.contentOffset()
        block = self.firstVisibleBlock()
        while block.isValid():
            top = self.blockBoundingGeometry(block).translated(offset).top()
            if top > event.rect().bottom():
                break
            if block.isVisible():
                # With soft wrap a block spans several visual lines; the
                # number goes on the first, at that line's baseline so it
                # lines up with text in other fonts (code spans).
                layout = block.layout()
                line = layout.lineAt(0) if layout.lineCount() else None
                baseline = top + (
                    line.y() + line.ascent() if line is not None else metrics.ascent()
                )
                number = str(block.blockNumber() + 1)
                painter.setPen(normal if block.blockNumber() == current else muted)
                x = right - metrics.horizontalAdvance(number)
                painter.drawText(round(x), round(baseline), number)
            block = block.next()
        painter.end()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._update_gutter_width()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_gutter()

    def _place_gutter(self) -> None:
        rect = self.contentsRect()
        self.line_number_gutter.setGeometry(
            QRect(rect.left(), rect.top(), self.line_number_width(), rect.height())
        )

    def _update_gutter_width(self) -> None:
        width = self.line_number_width() if self.line_numbers_shown() else 0
        if self.viewportMargins().left() != width:
            self.setViewportMargins(width, 0, 0, 0)
            if width:
                self._place_gutter()

    def _update_gutter(self, rect: QRect, dy: int) -> None:
        if not self.line_numbers_shown():
            return
        gutter = self.line_number_gutter
        if dy:
            gutter.scroll(0, dy)
        else:
            gutter.update(0, rect.y(), gutter.width(), rect.height())

    def _repaint_current_line_number(self) -> None:
        # The current line's number is drawn in the text colour; repaint only when the
        # cursor moves to another block, not on every keystroke.
        block = self.textCursor().blockNumber()
        if block != self._current_block:
            self._current_block = block
            if self.line_numbers_shown():
                self.line_number_gutter.update()

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

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu(event.pos())
        if self.history_actions is not None:
            for action in menu.actions():
                name = action.objectName()
                if name in ("edit-undo", "edit-redo"):
                    menu.insertAction(action, self.history_actions[name == "edit-redo"])
                    menu.removeAction(action)
        menu.exec(event.globalPos())
        menu.deleteLater()

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
