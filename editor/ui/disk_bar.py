"""The bar above the editor that says what happened to the open post's file
on disk, with what can be done about it. Never a modal dialog: the user can
go on typing and decide later."""

from __future__ import annotations

import difflib

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from editor.services.document import CHANGED, DELETED


class DiskBar(QFrame):
    """Shows the open post's disk state (hidden while the file is in step).

    Signals:
        compare(), reload(), keep_mine(): for a file changed on disk while
            there are unsaved edits.
        save(), save_as(), close_post(): for a file deleted on disk.
    """

    compare = Signal()
    reload = Signal()
    keep_mine = Signal()
    save = Signal()
    save_as = Signal()
    close_post = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("disk_bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.ToolTipBase)
        self.setForegroundRole(QPalette.ColorRole.ToolTipText)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.message, 1)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, signal in (
            ("compare", self.tr("Compare"), self.compare),
            ("reload", self.tr("Reload"), self.reload),
            ("keep_mine", self.tr("Keep Mine"), self.keep_mine),
            ("save", self.tr("Save"), self.save),
            ("save_as", self.tr("Save As…"), self.save_as),
            ("close_post", self.tr("Close"), self.close_post),
        ):
            button = QPushButton(text, self)
            button.setObjectName(key)
            button.clicked.connect(signal)
            layout.addWidget(button)
            self.buttons[key] = button
        self.buttons["reload"].setToolTip(
            self.tr("Take the version on disk; your edits stay in undo")
        )
        self.buttons["keep_mine"].setToolTip(
            self.tr("Keep your version; the next save replaces the one on disk")
        )
        self.hide()

    def show_state(self, state: str) -> None:
        """Show the bar for ``state`` (a services.document disk state)."""
        changed, deleted = state == CHANGED, state == DELETED
        if changed:
            self.message.setText(
                self.tr(
                    "This post was changed on disk by another program, and you have unsaved "
                    "edits. Saving will not overwrite the other version until you choose."
                )
            )
        elif deleted:
            self.message.setText(self.tr("This post was deleted on disk. Your text is still here."))
        for key in ("compare", "reload", "keep_mine"):
            self.buttons[key].setVisible(changed)
        for key in ("save", "save_as", "close_post"):
            self.buttons[key].setVisible(deleted)
        self.setVisible(changed or deleted)


class CompareDialog(QDialog):
    """The version on disk next to the one in Galley, differences marked
    (non-modal: the user can keep editing while looking)."""

    def __init__(
        self, on_disk: str, in_galley: str, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Compare “{0}”").format(name))
        self.view = QTextBrowser(self)
        self.view.setObjectName("comparison")
        table = difflib.HtmlDiff(tabsize=4).make_table(
            on_disk.splitlines(),
            in_galley.splitlines(),
            self.tr("On disk"),
            self.tr("In Galley (unsaved)"),
            context=True,
            numlines=3,
        )
        # Let the view wrap long lines itself (CJK text is twice as wide as
        # difflib's column count assumes), in two columns of equal width.
        table = table.replace('<td nowrap="nowrap">', '<td width="45%">').replace(
            '<table class="diff"', '<table class="diff" width="100%"'
        )
        self.view.setHtml(
            "<style>td { font-family: monospace; } .diff_add { background: #d7f5dd; }"
            " .diff_chg { background: #fff1b8; } .diff_sub { background: #ffd7d5; }"
            " .diff_add, .diff_chg, .diff_sub { color: #1f2328; }</style>" + table
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        self.resize(1000, 650)
