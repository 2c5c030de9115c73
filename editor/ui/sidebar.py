"""The library sidebar: the site's posts, by title."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from editor.services.post_lister import PostRow

PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class Sidebar(QListView):
    """Lists posts; activating one asks to open it.

    Signals:
        open_requested(str): the user chose the post at this path.
    """

    open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self._model = QStandardItemModel(self)
        self._rows: list[PostRow] = []
        self.setModel(self._model)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setUniformItemSizes(True)
        self.activated.connect(self._activated)
        self.clicked.connect(self._activated)

    def clear(self) -> None:
        self._model.clear()
        self._rows.clear()

    def rows(self) -> list[PostRow]:
        """Every row shown, as read from the posts."""
        return list(self._rows)

    def add_rows(self, rows: list[PostRow]) -> None:
        """Append rows (one model update per batch)."""
        self._rows.extend(rows)
        items = []
        for row in rows:
            label = row.title + (self.tr(" (draft)") if row.draft else "")
            item = QStandardItem(label)
            item.setData(str(row.path), PATH_ROLE)
            item.setToolTip(str(row.path))
            items.append(item)
        if items:
            self._model.invisibleRootItem().appendRows(items)

    def paths(self) -> list[Path]:
        return [Path(self._model.item(i).data(PATH_ROLE)) for i in range(self._model.rowCount())]

    def select_path(self, path: Path) -> None:
        """Select the row of ``path`` without opening it again."""
        for i in range(self._model.rowCount()):
            item = self._model.item(i)
            if Path(item.data(PATH_ROLE)) == path:
                self.setCurrentIndex(item.index())
                return

    def _activated(self, index: QModelIndex) -> None:
        path = index.data(PATH_ROLE)
        if path:
            self.open_requested.emit(path)
