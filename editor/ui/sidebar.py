"""The library sidebar: every post of the site in columns (title, date,
status, categories), sortable, groupable, filtered as you type, with a
search of the posts' text that runs off the UI thread."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from editor.services.text_search import TextSearch
from editor.ui.library_model import (
    CATEGORIES,
    DATE,
    GROUPINGS,
    PATH_ROLE,
    STATUS,
    TITLE,
    LibraryModel,
)

__all__ = ["PATH_ROLE", "Sidebar"]


class Sidebar(QWidget):
    """The site's posts; activating one asks to open it.

    Signals:
        open_requested(str): the user chose the post at this path.
    """

    open_requested = Signal(str)

    #: Pause in typing before the filter applies (ms).
    FILTER_DELAY_MS = 150
    #: Rows found by a scan are shown in batches at most this often (ms):
    #: each batch is merged into the sorted rows and shown with one reset.
    BATCH_DELAY_MS = 100
    #: A batch at least this large is exempted from garbage collection.
    FREEZE_ROWS = 500

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.library = LibraryModel(self)
        self.search = TextSearch(self)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("library_filter")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setPlaceholderText(self.tr("Filter by title, tag, category"))
        self.text_toggle = QCheckBox(self.tr("Text"), self)
        self.text_toggle.setToolTip(self.tr("Also search the text of every post"))
        self.group_combo = QComboBox(self)
        self.group_combo.setToolTip(self.tr("Group the posts"))
        for key, label in zip(
            GROUPINGS,
            (
                self.tr("No groups"),
                self.tr("By folder"),
                self.tr("By status"),
                self.tr("By year"),
                self.tr("By category"),
            ),
            strict=True,
        ):
            self.group_combo.addItem(label, key)

        # A table, not a tree: it asks the model only for the rows on screen
        # (see LibraryModel), so 100,000 posts cost what 50 do.
        self.view = QTableView(self)
        self.view.setObjectName("library_view")
        self.view.setModel(self.library)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(DATE, Qt.SortOrder.DescendingOrder)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        # Fixed widths: sizing to contents would measure 100,000 rows.
        metrics = self.fontMetrics()
        header.resizeSection(DATE, metrics.horizontalAdvance("2026-03-12") + 20)
        header.resizeSection(STATUS, metrics.horizontalAdvance("published") + 12)
        header.resizeSection(CATEGORIES, 70)

        self.count_label = QLabel(self)
        self.count_label.setObjectName("library_count")

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.text_toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.group_combo)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)

        self._pending: list[Any] = []
        self._batch_timer = QTimer(self, singleShot=True, interval=self.BATCH_DELAY_MS)
        self._batch_timer.timeout.connect(self.flush)
        # Kept across model resets: the open post, and the row at the top.
        self._selected: str | None = None
        self._top: str | None = None
        self._filter_timer = QTimer(self, singleShot=True, interval=self.FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(self._filter_timer.start)
        self.text_toggle.toggled.connect(lambda _on: self._apply_filter())
        self.group_combo.currentIndexChanged.connect(self._group_changed)
        self.search.finished.connect(self._text_found)
        self.view.activated.connect(self._activated)
        self.view.clicked.connect(self._activated)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.library.modelAboutToBeReset.connect(self._remember_place)
        self.library.modelReset.connect(self._restore_place)
        self.library.modelReset.connect(self._update_count)
        self.library.rowsInserted.connect(self._update_count)
        self.library.rowsRemoved.connect(self._update_count)
        self._update_count()

    # -- rows ------------------------------------------------------------------------

    def model(self) -> LibraryModel:
        return self.library

    def clear(self) -> None:
        self.search.cancel()
        self._batch_timer.stop()
        self._pending.clear()
        self._selected = self._top = None
        self.library.clear()

    def rows(self) -> list[Any]:
        """Every row of the library (LibraryRow), shown or filtered out."""
        self.flush()
        return self.library.all_rows()

    def set_rows(self, rows: Iterable[Any]) -> None:
        self.library.set_rows(rows)

    def add_rows(self, rows: Iterable[Any]) -> None:
        """Add rows found by a scan; they show within BATCH_DELAY_MS, many
        batches as one update (``flush`` shows them at once)."""
        self._pending.extend(rows)
        if not self._batch_timer.isActive():
            self._batch_timer.start()

    def flush(self) -> None:
        """Show the rows added and not shown yet."""
        self._batch_timer.stop()
        if self._pending:
            rows, self._pending = self._pending, []
            self.library.apply(rows)
            self._restore_selection()
            if len(rows) >= self.FREEZE_ROWS:
                # Rows live as long as the site is open: keep the cyclic
                # garbage collector from walking them again and again (its
                # full passes grew to 100 ms with 100,000 rows, a visible
                # stall). They hold no cycles; dropping them frees them.
                gc.freeze()

    def apply_changes(self, upserts: Iterable[Any], removed: Iterable[str]) -> None:
        """Rows read again and paths gone, as one update."""
        self.flush()
        self.library.apply(upserts, removed)
        self._restore_selection()

    def paths(self) -> list[Path]:
        """The posts shown, in the order shown."""
        model = self.library
        return [
            Path(path)
            for row in range(model.rowCount())
            if (path := model.index(row, 0).data(PATH_ROLE))
        ]

    def select_path(self, path: Path) -> None:
        """Select the row of ``path`` without opening it again (also once it
        shows up, if it is not listed yet)."""
        self._selected = str(path)
        index = self.library.index_of(str(path))
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)

    def _remember_place(self) -> None:
        top = self.view.indexAt(QPoint(2, 2))
        self._top = top.data(PATH_ROLE) if top.isValid() else None

    def _restore_selection(self) -> None:
        """Select the open post if it is shown and not selected."""
        if self._selected is None or self.view.currentIndex().data(PATH_ROLE) == self._selected:
            return
        index = self.library.index_of(self._selected)
        if index.isValid():
            self.view.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _restore_place(self) -> None:
        """After a reset (a batch of rows, a new sort or filter) the same
        post stays selected and the same row at the top."""
        self._restore_selection()
        if self._top is not None:
            index = self.library.index_of(self._top)
            if index.isValid():
                self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)

    def shutdown(self) -> None:
        self.search.shutdown()

    # -- filter, groups ---------------------------------------------------------------

    def _apply_filter(self) -> None:
        self._filter_timer.stop()
        text = self.filter_edit.text().strip()
        self.library.set_filter(text)
        if text and self.text_toggle.isChecked():
            self.count_label.setText(self.tr("Searching the text of the posts…"))
            self.search.search((row.path for row in self.library.all_rows()), text)
        else:
            self.search.cancel()
        self._reselect()

    def _text_found(self, text: str, paths: frozenset[str]) -> None:
        if text != self.filter_edit.text().strip() or not self.text_toggle.isChecked():
            return  # the filter moved on
        self.library.set_filter(text, paths)
        self._reselect()
        self.count_label.setText(
            self.tr("{0} posts contain “{1}”; {2} shown").format(
                len(paths), text, self.library.shown_count()
            )
        )

    def _group_changed(self) -> None:
        grouping = str(self.group_combo.currentData())
        self.library.set_grouping(grouping)
        self._reselect()

    def _reselect(self) -> None:
        if self._selected is not None:
            index = self.library.index_of(self._selected)
            if index.isValid():
                self.view.scrollTo(index)

    def _update_count(self) -> None:
        total = self.library.total_count()
        shown = self.library.shown_count()
        self.count_label.setText(
            self.tr("{0} posts").format(total)
            if shown == total
            else self.tr("{0} of {1} posts").format(shown, total)
        )

    # -- actions ------------------------------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        path = index.data(PATH_ROLE)
        if path:
            self.open_requested.emit(path)

    def _context_menu(self, position: QPoint) -> None:
        index = self.view.indexAt(position)
        path = index.data(PATH_ROLE) if index.isValid() else None
        if not path:
            return
        menu = QMenu(self)
        menu.addAction(self.tr("Open"), lambda: self.open_requested.emit(path))
        menu.addAction(
            self.tr("Show in File Manager"),
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent))),
        )
        menu.addAction(self.tr("Copy Path"), lambda: QGuiApplication.clipboard().setText(str(path)))
        menu.exec(self.view.viewport().mapToGlobal(position))
        menu.deleteLater()
