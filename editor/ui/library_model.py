"""The library as a Qt model: the site's posts, filtered, sorted and grouped
by the model itself.

A sort-filter proxy would call Python once per row and column for every
filter keystroke and every sort, which is seconds for an archive of 100,000
posts. Here each row has a sort key, a plain string (the column's value,
then the path), and the visible rows are lists of those keys kept sorted
(ascending; a descending view reads them backwards): sorting strings needs
no Python call per row, a batch of new rows is merged in a few
milliseconds, and a change from the folder watcher is placed with a binary
search and announced as one row inserted or removed.

Rows are ``core.library.LibraryRow``-like objects: ``path``, ``rel``,
``title``, ``date`` (ISO text or None), ``categories``, ``tags``,
``status`` and ``problem``.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
#: The row object itself (a LibraryRow), for tests and scripts.
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

TITLE, DATE, STATUS, CATEGORIES = range(4)
GROUPINGS = ("none", "folder", "status", "year", "category")
_STATUS_ORDER = {"normal": 0, "draft": 1, "unpublished": 2, "future": 3, "invalid": 4}
_STATUS_COLORS = {
    "draft": "#8250df",
    "unpublished": "#9a6700",
    "future": "#0969da",
    "invalid": "#d1242f",
}
_Index = QModelIndex | QPersistentModelIndex
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_HEADER_FLAGS = Qt.ItemFlag.ItemIsEnabled


def _tr(text: str) -> str:
    return QCoreApplication.translate("LibraryModel", text)


def status_label(status: str) -> str:
    """The status as the sidebar says it."""
    labels = {
        "normal": _tr("published"),
        "draft": _tr("draft"),
        "unpublished": _tr("unpublished"),
        "future": _tr("future"),
        "invalid": _tr("invalid"),
    }
    return labels.get(status, status)


def _sort_key(column: int) -> Callable[[Any], str]:
    """Ascending order for ``column`` as one string: the column's value, a
    NUL, the path (which breaks ties, so every row has one place)."""
    if column == DATE:
        return lambda row: f"{row.date or ''}\0{row.path}"
    if column == STATUS:
        return lambda row: f"{_STATUS_ORDER.get(row.status, 9)}\0{row.path}"
    if column == CATEGORIES:
        return lambda row: f"{', '.join(row.categories).casefold()}\0{row.path}"
    return lambda row: f"{row.title.casefold()}\0{row.path}"


def _haystack(row: Any) -> str:
    """What the filter searches: title, tags and categories, casefolded."""
    return "\n".join((row.title, *row.tags, *row.categories)).casefold()


def _group_key(grouping: str, row: Any) -> str:
    if grouping == "folder":
        return str(PurePosixPath(row.rel).parent)
    if grouping == "status":
        return row.status
    if grouping == "year":
        return (row.date or "")[:4]
    if grouping == "category":
        return row.categories[0] if row.categories else ""
    return ""


@dataclass
class _Group:
    key: str
    #: Sort keys of the group's shown rows, ascending.
    keys: list[str] = field(default_factory=list)


class LibraryModel(QAbstractItemModel):
    """Posts in columns title, date, status, categories; optionally grouped.

    The model is a flat list even when grouped: each group is a header row
    followed by its posts. A table view then asks only for the rows on
    screen; a tree view lays out every row after every change, calling
    Python a few times per row (0.7 s for 100,000 posts, and much more
    while the library's thread holds the interpreter)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: dict[str, Any] = {}  # path -> row
        self._by_key: dict[str, Any] = {}  # sort key -> row
        self._key_of: dict[str, str] = {}  # path -> sort key
        self._hay: dict[str, str] = {}  # sort key -> what the filter searches (when asked)
        self._sorted: list[str] = []  # every sort key, ascending
        self._groups: list[_Group] = []
        # The view row of each group's first row (its header when grouped).
        self._starts: list[int] = []
        self._grouping = "none"
        self._column = DATE
        self._descending = True
        self._needle = ""
        self._text_matches: frozenset[str] | None = None
        self._key = _sort_key(self._column)
        self._icons: dict[str, QIcon] = {}
        self._count = 0
        self._rebuild()

    # -- what is shown ------------------------------------------------------------

    @property
    def grouping(self) -> str:
        return self._grouping

    def set_grouping(self, grouping: str) -> None:
        if grouping in GROUPINGS and grouping != self._grouping:
            self._reset(lambda: setattr(self, "_grouping", grouping))

    def set_filter(self, text: str, text_matches: Iterable[str] | None = None) -> None:
        """Show rows whose title, tags or categories contain ``text``; with
        ``text_matches`` (paths whose body contains it), those rows too."""

        def change() -> None:
            self._needle = text.strip().casefold()
            self._text_matches = frozenset(text_matches) if text_matches is not None else None

        self._reset(change)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        descending = order == Qt.SortOrder.DescendingOrder
        if (column, descending) == (self._column, self._descending):
            return

        def change() -> None:
            if column != self._column:
                self._column = column
                self._key = _sort_key(column)
                self._index_rows(self._rows.values())
            self._descending = descending

        self._reset(change)

    def sort_order(self) -> tuple[int, Qt.SortOrder]:
        order = Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder
        return self._column, order

    def all_rows(self) -> list[Any]:
        """Every row of the library (shown or filtered out)."""
        return list(self._rows.values())

    def total_count(self) -> int:
        return len(self._rows)

    def shown_count(self) -> int:
        return sum(len(group.keys) for group in self._groups)

    def row_for(self, path: str) -> Any | None:
        return self._rows.get(path)

    # -- changes --------------------------------------------------------------------

    def set_rows(self, rows: Iterable[Any]) -> None:
        """Replace every row (one reset)."""
        rows = list(rows)

        def change() -> None:
            self._rows = {row.path: row for row in rows}
            self._index_rows(self._rows.values())

        self._reset(change)

    def clear(self) -> None:
        self.set_rows(())

    #: A change of more rows than this is shown with one reset rather than
    #: row by row (a git checkout of 1,000 posts is one repaint).
    BULK = 200

    def apply(self, upserts: Iterable[Any] = (), removed: Iterable[str] = ()) -> None:
        """Add or replace ``upserts`` and drop the rows at ``removed`` paths,
        each row going to its sorted place; a large change is one reset."""
        upserts = list(upserts)
        removed = [path for path in removed if path in self._rows]
        if len(upserts) + len(removed) > self.BULK:
            self._apply_bulk(upserts, removed)
            return
        for path in removed:
            self._take(self._rows.pop(path))
            self._forget_key(path)
        for row in upserts:
            old = self._rows.get(row.path)
            if old is not None:
                self._take(old)
                self._forget_key(row.path)
            self._rows[row.path] = row
            key = self._remember_key(row)
            bisect.insort(self._sorted, key)
            self._put(row, key)

    def _apply_bulk(self, upserts: list[Any], removed: list[str]) -> None:
        self._reset(lambda: self._merge(upserts, removed))

    def _merge(self, upserts: list[Any], removed: list[str]) -> None:
        gone = {self._key_of[path] for path in removed}
        for path in removed:
            del self._rows[path]
            self._forget_key(path)
        for row in upserts:
            if row.path in self._rows:
                gone.add(self._key_of[row.path])
                self._forget_key(row.path)
        if gone:
            self._sorted = [key for key in self._sorted if key not in gone]
        fresh = []
        for row in upserts:
            self._rows[row.path] = row
            fresh.append(self._remember_key(row))
        # Two ascending runs: the sort merges them in one pass over strings.
        fresh.sort()
        self._sorted.extend(fresh)
        self._sorted.sort()

    # -- indexes ------------------------------------------------------------------

    def index_of(self, path: str, column: int = 0) -> QModelIndex:
        """The index of the post at ``path`` (invalid when not shown)."""
        key = self._key_of.get(path)
        if key is None:
            return QModelIndex()
        found = self._find(self._rows[path], key)
        if found is None:
            return QModelIndex()
        g, position = found
        return self.createIndex(self._view_row(g, position), column, 0)

    def is_group(self, index: _Index) -> bool:
        """Whether ``index`` is a group's header row."""
        return index.isValid() and self._locate(index.row())[1] < 0

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or column < 0 or column >= 4 or row < 0 or row >= self._count:
            return QModelIndex()
        return self.createIndex(row, column, 0)

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        return QModelIndex()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 4

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (_tr("Title"), _tr("Date"), _tr("Status"), _tr("Categories"))[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return _NO_FLAGS
        return _HEADER_FLAGS if self.is_group(index) else _ROW_FLAGS

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        g, offset = self._locate(index.row())
        group = self._groups[g]
        if offset < 0:
            return self._group_data(group, index.column(), role)
        row = self._by_key[group.keys[self._list_position(group, offset)]]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == TITLE:
                return row.title
            if column == DATE:
                return (row.date or "")[:10]
            if column == STATUS:
                return status_label(row.status)
            return ", ".join(row.categories)
        if role == PATH_ROLE:
            return row.path
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [row.title, row.rel]
            if row.date:
                lines.append(row.date.replace("T", " "))
            if row.problem:
                lines.append(row.problem)
            return "\n".join(lines)
        if role == Qt.ItemDataRole.DecorationRole and column == TITLE:
            return self._icon(row.status)
        if role == Qt.ItemDataRole.ForegroundRole and row.status != "normal":
            return QBrush(QColor(_STATUS_COLORS.get(row.status, "#808080")))
        if role == Qt.ItemDataRole.FontRole and row.status in ("draft", "unpublished"):
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def _group_data(self, group: _Group, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and column == TITLE:
            return f"{self._group_label(group.key)} ({len(group.keys)})"
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(128, 128, 128, 40))
        return None

    def _group_label(self, key: str) -> str:
        if self._grouping == "status":
            return status_label(key)
        if not key or key == ".":
            return {"year": _tr("No date"), "category": _tr("No category")}.get(
                self._grouping, _tr("Top folder")
            )
        return key

    def _icon(self, status: str) -> QIcon | None:
        if status == "normal":
            return None
        icon = self._icons.get(status)
        if icon is None:
            pixmap = QPixmap(12, 12)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setBrush(QColor(_STATUS_COLORS.get(status, "#808080")))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(1, 1, 10, 10)
            painter.end()
            icon = self._icons[status] = QIcon(pixmap)
        return icon

    # -- internals -----------------------------------------------------------------

    def _index_rows(self, rows: Iterable[Any]) -> None:
        """Sort keys and filter text for every row (a new column or rows)."""
        self._by_key, self._key_of = {}, {}
        self._hay = {}  # keys changed with the column
        for row in rows:
            self._remember_key(row)
        self._sorted = sorted(self._by_key)

    def _remember_key(self, row: Any) -> str:
        key = self._key(row)
        self._by_key[key] = row
        self._key_of[row.path] = key
        return key

    def _forget_key(self, path: str) -> None:
        key = self._key_of.pop(path)
        del self._by_key[key]
        self._hay.pop(key, None)
        position = bisect.bisect_left(self._sorted, key)
        if position < len(self._sorted) and self._sorted[position] == key:
            del self._sorted[position]

    def _haystack_of(self, key: str) -> str:
        """What the filter searches in the row of ``key`` (made when first
        needed: a scan of 100,000 rows need not make them)."""
        hay = self._hay.get(key)
        if hay is None:
            hay = self._hay[key] = _haystack(self._by_key[key])
        return hay

    def _shown(self, row: Any, key: str) -> bool:
        if not self._needle:
            return True
        if self._needle in self._haystack_of(key):
            return True
        return self._text_matches is not None and row.path in self._text_matches

    def _reset(self, change: Callable[[], None] | None = None) -> None:
        """Apply ``change`` to the rows and show the result, all between the
        reset's begin and end (a view may read rows until the begin)."""
        self.beginResetModel()
        if change is not None:
            change()
        self._rebuild()
        self.endResetModel()

    def _layout(self) -> None:
        """Where each group starts, and how many rows there are."""
        header = self._grouping != "none"
        starts, row = [], 0
        for group in self._groups:
            starts.append(row)
            row += len(group.keys) + header
        self._starts, self._count = starts, row

    def _locate(self, view_row: int) -> tuple[int, int]:
        """(group, row within it in view order; -1: the group's header)."""
        g = bisect.bisect_right(self._starts, view_row) - 1
        offset = view_row - self._starts[g]
        return (g, offset - 1) if self._grouping != "none" else (g, offset)

    def _rebuild(self) -> None:
        needle, matches = self._needle, self._text_matches
        if not needle:
            shown = list(self._sorted)
        else:
            hay = self._haystack_of
            if matches is None:
                shown = [key for key in self._sorted if needle in hay(key)]
            else:
                by_key = self._by_key
                shown = [
                    key for key in self._sorted if needle in hay(key) or by_key[key].path in matches
                ]
        if self._grouping == "none":
            self._groups = [_Group("", shown)]
            self._layout()
            return
        grouping, by_key = self._grouping, self._by_key
        by_group: dict[str, _Group] = {}
        for key in shown:
            group_key = _group_key(grouping, by_key[key])
            group = by_group.get(group_key)
            if group is None:
                group = by_group[group_key] = _Group(group_key)
            group.keys.append(key)
        self._groups = sorted(by_group.values(), key=self._group_order)
        self._layout()

    def _group_order(self, group: _Group) -> tuple[int, str]:
        if self._grouping == "status":
            return (_STATUS_ORDER.get(group.key, 9), group.key)
        if self._grouping == "year":  # newest first, undated last
            return (0 if group.key else 1, "".join(chr(0x10FFFF - ord(c)) for c in group.key))
        return (0 if group.key not in ("", ".") else 1, group.key.casefold())

    def _view_row(self, g: int, position: int) -> int:
        """The model row of the ``position``-th key (ascending) of group ``g``."""
        keys = self._groups[g].keys
        within = len(keys) - 1 - position if self._descending else position
        return self._starts[g] + (self._grouping != "none") + within

    def _list_position(self, group: _Group, view_row: int) -> int:
        return len(group.keys) - 1 - view_row if self._descending else view_row

    def _find(self, row: Any, key: str) -> tuple[int, int] | None:
        """(group, position in its ascending keys) of a shown row."""
        if not self._shown(row, key):
            return None
        group_key = _group_key(self._grouping, row)
        for g, group in enumerate(self._groups):
            if group.key == group_key:
                position = bisect.bisect_left(group.keys, key)
                if position < len(group.keys) and group.keys[position] == key:
                    return g, position
                return None
        return None

    def _take(self, row: Any) -> None:
        found = self._find(row, self._key_of[row.path])
        if found is None:
            return
        g, position = found
        group = self._groups[g]
        view_row = self._view_row(g, position)
        if len(group.keys) == 1 and self._grouping != "none":
            # The group's last post: its header goes with it.
            self.beginRemoveRows(QModelIndex(), view_row - 1, view_row)
            del self._groups[g]
            self._layout()
            self.endRemoveRows()
            return
        self.beginRemoveRows(QModelIndex(), view_row, view_row)
        del group.keys[position]
        self._layout()
        self.endRemoveRows()

    def _put(self, row: Any, key: str) -> None:
        if not self._shown(row, key):
            return
        group_key = _group_key(self._grouping, row)
        g = next((i for i, group in enumerate(self._groups) if group.key == group_key), None)
        if g is None:
            # A new group: its header and its first post come in together.
            new = _Group(group_key, [key])
            g = bisect.bisect_left(
                [self._group_order(group) for group in self._groups], self._group_order(new)
            )
            first = self._starts[g] if g < len(self._starts) else self._count
            self.beginInsertRows(QModelIndex(), first, first + 1)
            self._groups.insert(g, new)
            self._layout()
            self.endInsertRows()
            return
        group = self._groups[g]
        position = bisect.bisect_left(group.keys, key)
        within = len(group.keys) - position if self._descending else position
        view_row = self._starts[g] + (self._grouping != "none") + within
        self.beginInsertRows(QModelIndex(), view_row, view_row)
        group.keys.insert(position, key)
        self._layout()
        self.endInsertRows()
