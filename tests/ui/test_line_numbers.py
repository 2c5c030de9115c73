"""Line numbers in the body editor: off by default, a gutter that takes its
room from the viewport, numbers painted for the visible blocks only."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPalette, QTextBlock

from editor.ui.body_editor import BodyEditor


def _shown_editor(qtbot, text: str) -> BodyEditor:
    editor = BodyEditor()
    qtbot.addWidget(editor)
    editor.set_text(text)
    editor.resize(600, 300)
    editor.show()
    qtbot.wait_exposed(editor)
    return editor


def _inked_rows(image: QImage, background: int) -> list[int]:
    """The rows of ``image`` with some pixel other than ``background`` (RGB)."""
    return [
        y
        for y in range(image.height())
        if any(image.pixel(x, y) & 0xFFFFFF != background for x in range(image.width()))
    ]


def _background(editor: BodyEditor) -> int:
    return editor.palette().color(QPalette.ColorRole.Base).rgb() & 0xFFFFFF


def test_line_numbers_are_off_by_default_and_take_a_margin_when_on(qtbot) -> None:
    text = "第一行 first\nsecond 第二行\nthird"
    editor = _shown_editor(qtbot, text)
    gutter = editor.line_number_gutter
    assert not editor.line_numbers_shown()
    assert not gutter.isVisible()
    assert editor.viewportMargins().left() == 0

    editor.set_line_numbers(True)
    assert editor.line_numbers_shown()
    assert gutter.isVisible()
    assert editor.viewportMargins().left() == gutter.width() > 0
    # The gutter sits exactly where the viewport's margin left room.
    assert gutter.geometry().right() < editor.viewport().geometry().left()
    assert gutter.height() == editor.contentsRect().height()

    editor.set_line_numbers(False)
    assert not editor.line_numbers_shown()
    assert not gutter.isVisible()
    assert editor.viewportMargins().left() == 0
    assert editor.text() == text
    assert not editor.document().isModified()


def test_the_gutter_widens_with_the_number_of_digits(qtbot) -> None:
    editor = _shown_editor(qtbot, "\n".join(f"line {i}" for i in range(1, 10)))
    editor.set_line_numbers(True)
    narrow = editor.viewportMargins().left()
    editor.set_text("\n".join(f"line {i}" for i in range(1, 10_001)))
    wide = editor.viewportMargins().left()
    assert editor.blockCount() == 10_000
    assert wide > narrow
    assert editor.line_number_gutter.width() == wide
    # Back to few lines, back to the narrow gutter.
    editor.set_text("one\ntwo")
    assert editor.viewportMargins().left() == narrow


def test_numbers_are_painted_and_the_current_one_stands_out(qtbot) -> None:
    editor = _shown_editor(qtbot, "alpha 甲\nbeta 乙\ngamma 丙")
    editor.set_line_numbers(True)
    background = _background(editor)
    image = editor.line_number_gutter.grab().toImage()
    assert _inked_rows(image, background), "the gutter is blank"

    # The cursor is on line 1: its number is drawn in the text colour, the
    # others muted, so line 1's darkest pixel is darker than line 2's.
    def darkest(block_number: int) -> int:
        block = editor.document().findBlockByNumber(block_number)
        rect = editor.blockBoundingGeometry(block).translated(editor.contentOffset())
        return min(
            image.pixelColor(x, y).lightness()
            for y in range(int(rect.top()), int(rect.bottom()))
            for x in range(image.width())
        )

    assert darkest(0) < darkest(1)


def test_a_wrapped_line_gets_one_number(qtbot) -> None:
    long_line = "港口岸电 shore power for ships at berth. " * 20
    editor = _shown_editor(qtbot, long_line + "\nshort")
    editor.set_line_numbers(True)
    first = editor.document().firstBlock()
    assert first.layout().lineCount() > 3  # really wrapped
    image = editor.line_number_gutter.grab().toImage()
    rows = _inked_rows(image, _background(editor))
    # Inked rows form one run per number drawn: "1" and "2", not one per visual line.
    runs = 1 + sum(1 for above, below in pairwise(rows) if below != above + 1)
    assert runs == 2


def test_painting_visits_only_the_visible_blocks(qtbot, monkeypatch) -> None:
    editor = _shown_editor(qtbot, "\n".join(f"第 {i} 行 line" for i in range(1, 20_001)))
    editor.set_line_numbers(True)
    editor.go_to_line(10_000)
    visited: list[int] = []
    geometry = editor.blockBoundingGeometry

    def counting_geometry(block: QTextBlock) -> QRectF:
        visited.append(block.blockNumber())
        return geometry(block)

    monkeypatch.setattr(editor, "blockBoundingGeometry", counting_geometry)
    image = editor.line_number_gutter.grab().toImage()
    assert _inked_rows(image, _background(editor))
    assert 0 < len(visited) < 100
    assert 9_950 < min(visited) <= 10_000 <= max(visited) < 10_050
