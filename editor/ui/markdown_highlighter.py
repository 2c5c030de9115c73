"""Markdown highlighting for the body editor that never blocks typing.

A plain ``QSyntaxHighlighter`` keeps "inside a code fence" as block state;
typing a fence marker near the top of a 1 MB post then re-highlights every
block below it at once (about 100 ms measured). Here every block's state is
the same constant, so Qt never cascades; which lines are inside fences is
worked out from the text after a short pause, and blocks are re-highlighted
from the ones on screen outwards, a slice at a time, between keystrokes.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.M)


def _format(
    color: str, bold: bool = False, italic: bool = False, mono: bool = False
) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(color))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    if italic:
        fmt.setFontItalic(True)
    if mono:
        fmt.setFontFamilies(
            ["JetBrains Mono", "Noto Sans Mono CJK SC", "Menlo", "Consolas", "monospace"]
        )
    return fmt


class MarkdownHighlighter(QSyntaxHighlighter):
    """Headings, emphasis, links and images, inline and fenced code, HTML
    tags and Liquid tags."""

    SLICE = 400  # blocks re-highlighted per step of the background pass

    def __init__(self, document: QTextDocument, editor: QPlainTextEdit | None = None) -> None:
        super().__init__(document)
        self._editor = editor
        self._fenced: set[int] = set()  # block numbers inside (or on) fences
        self._rules = [
            (re.compile(r"^ {0,3}#{1,6}[ \t].*$"), _format("#0b5cad", bold=True)),
            (re.compile(r"^ {0,3}(?:[*+-]|\d{1,9}[.)])[ \t]"), _format("#8250df", bold=True)),
            (re.compile(r"^ {0,3}>.*$"), _format("#57606a", italic=True)),
            (re.compile(r"(\*\*|__)(?=\S).+?(?<=\S)\1"), _format("#1f2328", bold=True)),
            (
                re.compile(r"(?<![*\w])(\*|_)(?=\S)[^*_]+?(?<=\S)\1(?![*\w])"),
                _format("#1f2328", italic=True),
            ),
            (re.compile(r"!?\[[^\]]*\]\([^)]*\)|!?\[[^\]]*\]\[[^\]]*\]"), _format("#0969da")),
            (re.compile(r"</?[A-Za-z][^>]*>"), _format("#116329")),
            (re.compile(r"\{%.*?%\}|\{\{.*?\}\}"), _format("#953800", bold=True)),
            (re.compile(r"`[^`\n]+`"), _format("#cf222e", mono=True)),
        ]
        self._code = _format("#24292f", mono=True)
        self._code.setBackground(QColor("#f6f8fa"))
        self._pending: list[int] = []
        self._scan_timer = QTimer(self, singleShot=True, interval=120)
        self._scan_timer.timeout.connect(self._scan_fences)
        self._slice_timer = QTimer(self, interval=0)
        self._slice_timer.timeout.connect(self._rehighlight_slice)
        document.contentsChange.connect(lambda *_args: self._scan_timer.start())
        self._scan_fences()

    def highlightBlock(self, text: str) -> None:
        # One constant state: Qt never re-highlights the following blocks
        # on its own (see the module docstring).
        self.setCurrentBlockState(0)
        if self.currentBlock().blockNumber() in self._fenced:
            self.setFormat(0, len(text), self._code)
            return
        for pattern, fmt in self._rules:
            for match in pattern.finditer(text):
                self.setFormat(match.start(), match.end() - match.start(), fmt)

    def _scan_fences(self) -> None:
        """Find fenced lines in the whole text; re-highlight what changed."""
        document = self.document()
        if document is None:
            return
        text = document.toRawText().replace("\u2029", "\n")
        fenced: set[int] = set()
        opening: tuple[int, str] | None = None
        line = position = 0
        for match in _FENCE.finditer(text):
            line += text.count("\n", position, match.start())
            position = match.start()
            marker = match.group(1)
            if opening is None:
                opening = (line, marker)
            elif marker[0] == opening[1][0] and len(marker) >= len(opening[1]):
                fenced.update(range(opening[0], line + 1))
                opening = None
        if opening is not None:
            fenced.update(range(opening[0], text.count("\n") + 1))
        changed = fenced ^ self._fenced
        self._fenced = fenced
        if not changed:
            return
        # Visible blocks first, the rest a slice at a time.
        first = self._first_visible()
        ordered = sorted(changed, key=lambda n: (n < first, abs(n - first)))
        self._pending = ordered
        self._rehighlight_slice()

    def _first_visible(self) -> int:
        return self._editor.firstVisibleBlock().blockNumber() if self._editor is not None else 0

    def _rehighlight_slice(self) -> None:
        document = self.document()
        if document is None or not self._pending:
            self._slice_timer.stop()
            return
        batch, self._pending = self._pending[: self.SLICE], self._pending[self.SLICE :]
        for number in batch:
            block = document.findBlockByNumber(number)
            if block.isValid():
                self.rehighlightBlock(block)
        if self._pending:
            self._slice_timer.start()
        else:
            self._slice_timer.stop()
