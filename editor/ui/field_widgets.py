"""Editors for single front-matter fields: a date with its UTC offset,
categories and tags as tokens with completion, multi-line text, an image
path with a thumbnail.

Each one reports a finished edit with ``committed``; the form turns it into
a one-field change through the lossless layer.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from PySide6.QtCore import (
    QDateTime,
    QModelIndex,
    QSize,
    QStringListModel,
    Qt,
    QTimer,
    QTimeZone,
    Signal,
)
from PySide6.QtGui import QFocusEvent, QImage, QImageReader, QPalette, QPixmap
from PySide6.QtWidgets import (
    QCompleter,
    QDateTimeEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QWidget,
)

from editor.core import fields, site_files


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


#: Image types offered by the file dialog (what browsers show in a post).
_IMAGE_PATTERNS = "*.png *.jpg *.jpeg *.gif *.webp *.svg *.avif"
#: Side of the thumbnail box, in device-independent pixels.
THUMBNAIL_SIZE = 64
#: Files above this are not decoded for a thumbnail: even scaled decoding of
#: such a photo (or a huge PNG, which cannot be decoded scaled) would stall
#: the window.
MAX_THUMBNAIL_BYTES = 30 * 1024 * 1024
# "https://…", "//cdn…" (protocol-relative) and other schemes; one letter
# followed by a colon is a Windows drive, not a scheme.
_URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]+:|//)")
_REMOTE = re.compile(r"^(?:https?:|//)", re.IGNORECASE)


class ImageField(QWidget):
    """An image path as written in the front matter (``/assets/img/a.png``,
    ``assets/a.png`` or a URL), a button to choose a file in the site, and a
    thumbnail of the file it names.

    The thumbnail is read only from inside the site folder (symlinks
    resolved, as the preview's site scheme does) and never from the network.

    Signals:
        committed(str): the new path, as it should be written.
        refused(str): a chosen file cannot be used; the message says why.
    """

    committed = Signal(str)
    refused = Signal(str)

    def __init__(
        self,
        text: str,
        site_root: Path | None = None,
        baseurl: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._original = text
        self._site_root = site_root
        self._baseurl = baseurl

        self.thumbnail = QLabel(self)
        self.thumbnail.setObjectName("thumbnail")
        self.thumbnail.setFrameShape(QFrame.Shape.StyledPanel)
        side = THUMBNAIL_SIZE + 2 * self.thumbnail.frameWidth()
        self.thumbnail.setFixedSize(side, side)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setWordWrap(True)
        self.thumbnail.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        small = self.thumbnail.font()
        small.setPointSizeF(small.pointSizeF() * 0.85)
        self.thumbnail.setFont(small)

        self.edit = QLineEdit(text, self)
        self.choose_button = QToolButton(self)
        self.choose_button.setText(self.tr("Choose…"))

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Path and button on the first line, level with the form's label.
        top = Qt.AlignmentFlag.AlignTop
        layout.addWidget(self.thumbnail)
        layout.addWidget(self.edit, 1, top)
        layout.addWidget(self.choose_button, 0, top)

        # Typing updates the thumbnail after a pause, not on every key: each
        # update reads the file.
        self._thumbnail_timer = QTimer(self, singleShot=True, interval=300)
        self._thumbnail_timer.timeout.connect(self.update_thumbnail)
        self.edit.textChanged.connect(self._thumbnail_timer.start)
        self.edit.editingFinished.connect(self._finished)
        self.choose_button.clicked.connect(self.choose)
        self.set_site(site_root, baseurl)

    # -- public -------------------------------------------------------------

    def set_site(self, root: Path | None, baseurl: str = "") -> None:
        """Resolve paths against ``root``, taking ``baseurl`` off their front
        (None: no site, so no thumbnail and nothing to choose from)."""
        self._site_root = root
        self._baseurl = baseurl
        self.choose_button.setEnabled(root is not None)
        self.choose_button.setToolTip(
            self.tr("Choose an image in the site folder")
            if root is not None
            else self.tr("Open a site folder to choose an image from it")
        )
        self.update_thumbnail()

    def choose(self) -> None:
        """Ask for an image file and take it if it lies inside the site."""
        if self._site_root is None:
            return
        current = self._resolve(self.edit.text())
        start = current.parent if current is not None else self._site_root
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose an image"),
            str(start),
            self.tr("Images ({0})").format(_IMAGE_PATTERNS),
        )
        if not chosen:
            return
        site_path = self._site_path_of(Path(chosen))
        if site_path is None:
            self.refused.emit(
                self.tr(
                    "{0} is outside the site folder {1}. Jekyll publishes only "
                    "files inside the site, so the post could not show it: copy "
                    "it into the site (for example into assets/) and choose it there."
                ).format(chosen, self._site_root)
            )
            return
        self.edit.setText(site_path)
        self._finished()

    def update_thumbnail(self) -> None:
        """Show the image the path names, or say why there is none."""
        self._thumbnail_timer.stop()
        text = self.edit.text().strip()
        self.thumbnail.clear()
        self.thumbnail.setToolTip("")
        if not text:
            return
        if _URL.match(text):
            remote = _REMOTE.match(text) is not None
            self._show_status(
                self.tr("remote") if remote else self.tr("not a file"),
                self.tr(
                    "Remote images are not fetched: Galley does not use the network on its own."
                )
                if remote
                else self.tr("Only files in the site folder are shown."),
            )
            return
        if self._site_root is None:
            self._show_status("", self.tr("Open a site folder to see this image."))
            return
        path = self._resolve(text)
        if path is None:
            self._show_status(
                self.tr("not found"),
                self.tr("No file at {0} inside the site folder {1}.").format(text, self._site_root),
            )
            return
        try:
            size = path.stat().st_size
        except OSError as exc:
            self._show_status(self.tr("not found"), str(exc))
            return
        if size > MAX_THUMBNAIL_BYTES:
            self._show_status(
                self.tr("too large"),
                self.tr("{0} is {1:.0f} MB; no thumbnail for files over {2} MB.").format(
                    path, size / 1024 / 1024, MAX_THUMBNAIL_BYTES // 1024 // 1024
                ),
            )
            return
        ratio = self.devicePixelRatioF()
        image = _read_scaled(path, round(THUMBNAIL_SIZE * ratio))
        if image is None:
            self._show_status(
                self.tr("unreadable"), self.tr("{0} is not an image Galley can read.").format(path)
            )
            return
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self.thumbnail.setPixmap(pixmap)
        self.thumbnail.setToolTip(str(path))

    # -- private --------------------------------------------------------------

    def _finished(self) -> None:
        text = self.edit.text()
        self.update_thumbnail()
        if text != self._original:
            self._original = text
            self.committed.emit(text)

    def _show_status(self, text: str, tip: str) -> None:
        self.thumbnail.setText(text)
        self.thumbnail.setToolTip(tip)

    def _resolve(self, text: str) -> Path | None:
        if self._site_root is None or _URL.match(text.strip()):
            return None
        # A relative path in front matter is read from the site root too:
        # that is where Jekyll's templates (relative_url) take it from.
        site_path = "/" + text.strip().lstrip("/")
        return site_files.resolve(self._site_root, site_path, self._baseurl)

    def _site_path_of(self, file: Path) -> str | None:
        """``/`` + ``file``'s path from the site root, or None when it is
        not a file the site would publish from inside its folder."""
        assert self._site_root is not None
        # Both sides with symlinks resolved: a site opened through a symlink
        # still matches, a link inside the site to a file outside it does not,
        # and a file reached through a linked folder gets its real path (which
        # Jekyll's safe mode, as on GitHub Pages, publishes; the link it skips).
        root = os.path.realpath(self._site_root)
        try:
            relative = Path(os.path.realpath(file)).relative_to(root)
        except ValueError:
            return None
        site_path = "/" + relative.as_posix()
        if not relative.parts or site_files.resolve(self._site_root, site_path) is None:
            return None
        return site_path


def _read_scaled(path: Path, box: int) -> QImage | None:
    """The image at ``path`` fitted into ``box`` pixels square (never
    enlarged), or None if it cannot be read.

    Asks the reader for the scaled size up front, so formats that can decode
    scaled (JPEG) never hold a 20-megapixel photo in memory.
    """
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > box or size.height() > box):
        fitted = size.scaled(box, box, Qt.AspectRatioMode.KeepAspectRatio)
        # A very long strip would round its short side to 0.
        reader.setScaledSize(QSize(max(1, fitted.width()), max(1, fitted.height())))
    image = reader.read()
    if image.isNull():
        return None
    if image.width() > box or image.height() > box:
        # Size unknown before reading, or the reader ignored the scaled size.
        image = image.scaled(
            box, box, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    return image
