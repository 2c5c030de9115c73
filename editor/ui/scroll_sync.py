"""Keeps the body editor and the preview scrolled to the same place.

Both sides speak in file lines: the preview's blocks carry the line their
source starts on, the editor's lines are offset by where the body starts.
A scroll caused by the other side is not sent back, so they never chase
each other.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QPlainTextEdit

from editor.ui.preview import PreviewView


class ScrollSync(QObject):
    """Connects an editor and a preview; ``body_line`` is the file line of
    the editor's first line."""

    def __init__(
        self, editor: QPlainTextEdit, preview: PreviewView, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._editor = editor
        self._preview = preview
        self.body_line = 1
        self._applying = False
        # Coalesce a burst of scroll steps into one message to the page.
        self._timer = QTimer(self, singleShot=True, interval=16)
        self._timer.timeout.connect(self._send_editor_position)
        editor.verticalScrollBar().valueChanged.connect(self._editor_scrolled)
        if getattr(preview, "bridge", None) is not None:
            preview.bridge.scrolled.connect(self.scroll_editor_to)

    def editor_top_line(self) -> int:
        """The file line at the top of the editor."""
        return self.body_line + self._editor.firstVisibleBlock().blockNumber()

    def _editor_scrolled(self, _value: int) -> None:
        if not self._applying:
            self._timer.start()

    def _send_editor_position(self) -> None:
        self._preview.scroll_to_line(self.editor_top_line())

    def scroll_editor_to(self, line: float) -> None:
        """Bring file line ``line`` to the top of the editor (from the preview)."""
        target = max(0, int(line) - self.body_line)
        bar = self._editor.verticalScrollBar()
        self._applying = True
        try:
            # The bar counts wrapped lines, not blocks: step towards the block.
            for _ in range(8):
                current = self._editor.firstVisibleBlock().blockNumber()
                if current == target:
                    break
                before = bar.value()
                bar.setValue(before + (target - current))
                if bar.value() == before:
                    break
        finally:
            self._applying = False
