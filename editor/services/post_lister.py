"""Lists a site's posts with their titles, off the UI thread.

A stop-gap for the sidebar until the persistent library index arrives: it
reads each post's front matter in a worker thread and delivers rows in
batches, so a large site never freezes the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from editor.core import fields
from editor.core.errors import GalleyError
from editor.core.post import Post
from editor.core.site import Site

_BATCH = 200


@dataclass(frozen=True, slots=True)
class PostRow:
    """One sidebar row."""

    path: Path
    title: str
    draft: bool
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


def read_row(site: Site, path: Path) -> PostRow:
    """The row for ``path``: its title (its file name when it has none), and
    its categories and tags (for completion in the form)."""
    title = ""
    categories: list[str] = []
    tags: list[str] = []
    try:
        values = Post.load(path).fields()
        value = values.get("title")
        title = str(value).strip() if value is not None else ""
        for key, into in (
            ("categories", categories),
            ("category", categories),
            ("tags", tags),
            ("tag", tags),
        ):
            into.extend(fields.list_of(values.get(key))[0])
    except GalleyError:
        pass
    return PostRow(path, title or path.stem, site.is_draft(path), tuple(categories), tuple(tags))


class _Signals(QObject):
    rows = Signal(object, list)
    finished = Signal(object)


class _ScanJob(QRunnable):
    def __init__(self, site: Site, token: object) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = _Signals()
        self.cancelled = False
        self._site = site
        self._token = token

    def run(self) -> None:
        batch: list[PostRow] = []
        for path in self._site.posts():
            if self.cancelled:
                return
            batch.append(read_row(self._site, path))
            if len(batch) >= _BATCH:
                self.signals.rows.emit(self._token, batch)
                batch = []
        self.signals.rows.emit(self._token, batch)
        self.signals.finished.emit(self._token)


class PostLister(QObject):
    """Scans a site in the background.

    Signals:
        rows_found(list): a batch of PostRow for the current site.
        finished(): the scan of the current site is complete.
    """

    rows_found = Signal(list)
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._job: _ScanJob | None = None

    def scan(self, site: Site) -> None:
        """Start listing ``site`` (a scan already running is cancelled)."""
        self.cancel()
        token = object()
        job = _ScanJob(site, token)
        job.signals.rows.connect(self._on_rows)
        job.signals.finished.connect(self._on_finished)
        self._job = job
        self._pool.start(job)

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancelled = True
            self._job = None

    def shutdown(self) -> None:
        self.cancel()
        self._pool.waitForDone(5000)

    def _on_rows(self, token: object, rows: list[PostRow]) -> None:
        if self._job is not None and token is self._job._token and rows:
            self.rows_found.emit(rows)

    def _on_finished(self, token: object) -> None:
        if self._job is not None and token is self._job._token:
            self.finished.emit()
