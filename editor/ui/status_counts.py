"""The status bar's counts: 字数 (CJK characters), Latin words, reading
time, and the same for the selection."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from editor.core.wordcount import Counts, count


class StatusCounts(QLabel):
    """Shows the body's counts (from the render worker, which counts off the
    UI thread) and, while there is a selection, the selection's."""

    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("status_counts")
        self._editor = editor
        self._body = Counts(0, 0)
        self._selection: Counts | None = None
        # A big selection takes a moment to count: wait until it settles.
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self._count_selection)
        editor.selectionChanged.connect(self._timer.start)
        self._show()

    def set_body_counts(self, cjk: int, words: int) -> None:
        self._body = Counts(cjk, words)
        self._show()

    def _count_selection(self) -> None:
        selected = self._editor.textCursor().selectedText().replace("\u2029", "\n")
        self._selection = count(selected) if selected else None
        self._show()

    def _show(self) -> None:
        body = self._body
        text = self.tr("{0} characters · {1} words · {2} min read").format(
            f"{body.cjk:,}", f"{body.words:,}", body.minutes
        )
        if self._selection is not None:
            text = (
                self.tr("Selected: {0} characters · {1} words").format(
                    f"{self._selection.cjk:,}", f"{self._selection.words:,}"
                )
                + "   |   "
                + text
            )
        self.setText(text)
