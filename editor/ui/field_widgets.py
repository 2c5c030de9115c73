"""Editors for single front-matter fields: a date with its UTC offset,
categories and tags as tokens with completion, multi-line text.

Each one reports a finished edit with ``committed``; the form turns it into
a one-field change through the lossless layer.
"""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QDateTime, QModelIndex, QStringListModel, Qt, QTimeZone, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QCompleter,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from editor.core import fields


class TokenCompleter(QCompleter):
    """Completes the token being typed (after the last separator), not the
    whole line."""

    def __init__(self, words: list[str], separator: str, parent: QWidget | None = None) -> None:
        super().__init__(QStringListModel(sorted(set(words))), parent)
        self.separator = separator
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)

    def splitPath(self, path: str) -> list[str]:
        return [path.split(self.separator.strip() or " ")[-1].strip()]

    def pathFromIndex(self, index: QModelIndex) -> str:
        widget = self.widget()
        text = widget.text() if isinstance(widget, QLineEdit) else ""
        marker = self.separator.strip() or " "
        head = text.rsplit(marker, 1)[0] + self.separator if marker in text else ""
        return head + str(index.data())


class DateTimeField(QWidget):
    """A date and time in its own UTC offset, shown next to it; edits keep
    the offset and the way the date was written.

    Signals:
        committed(str): the new date, spelled like the old one.
    """

    committed = Signal(str)

    def __init__(self, value: fields.DateValue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = value
        moment = value.value
        aware = isinstance(moment, dt.datetime) and moment.utcoffset() is not None
        offset = moment.utcoffset() if isinstance(moment, dt.datetime) else None
        seconds = int(offset.total_seconds()) if offset is not None else 0
        self._zone = QTimeZone(seconds) if aware else None
        self.edit = QDateTimeEdit(self)
        self.edit.setCalendarPopup(True)
        if isinstance(moment, dt.datetime):
            self.edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
            shown = QDateTime(
                moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second
            )
        else:
            self.edit.setDisplayFormat("yyyy-MM-dd")
            shown = QDateTime(moment.year, moment.month, moment.day, 0, 0, 0)
        self.edit.setDateTime(shown)
        written = re.search(r"(?:Z|[+-]\d\d(?::?\d\d)?)$", value.spell()) if aware else None
        zone = QLabel(written.group() if written else "", self)
        zone.setObjectName("offset")
        zone.setToolTip(self.tr("UTC offset, kept as written"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(zone)
        self.edit.editingFinished.connect(self._finished)

    def spelled(self) -> str:
        """The edited date, written the way the original was."""
        shown = self.edit.dateTime()
        date, time = shown.date(), shown.time()
        old = self._value.value
        if not isinstance(old, dt.datetime):
            return fields.spell_date(
                dt.date(date.year(), date.month(), date.day()), self._value.spelling
            )
        moment = dt.datetime(
            date.year(), date.month(), date.day(), time.hour(), time.minute(), time.second(),
            old.microsecond, old.tzinfo,
        )  # fmt: skip
        return fields.spell_date(moment, self._value.spelling)

    def _finished(self) -> None:
        if self.spelled() != self._value.spell():
            self.committed.emit(self.spelled())


class TextField(QPlainTextEdit):
    """Multi-line text (excerpt, description), committed when focus leaves.

    Signals:
        committed(str): the new text.
    """

    committed = Signal(str)

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlainText(text)
        self._original = text
        self.setTabChangesFocus(True)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        text = self.toPlainText()
        if text != self._original:
            self._original = text
            self.committed.emit(text)
