"""Finds which post a link in the preview points to, off the UI thread.

Reading a site's URLs means reading every post's front matter (permalinks,
dates, categories), so it happens in a worker thread, once per site; later
links are answered from that.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from editor.core.render.context import SiteContext


class _Signals(QObject):
    done = Signal(object, str, str)  # context, url, path ("" when none)


class _Job(QRunnable):
    def __init__(self, root: Path, context: SiteContext | None, url_path: str) -> None:
        super().__init__()
        self.signals = _Signals()
        self._root, self._context, self._url = root, context, url_path

    def run(self) -> None:
        context = self._context or SiteContext.load(self._root)
        document = context.document_for_url(self._url)
        self.signals.done.emit(context, self._url, str(document.path) if document else "")


class LinkResolver(QObject):
    """Maps site URLs to post files.

    Signals:
        resolved(str, str): a URL path and the post file it names ("" if none).
    """

    resolved = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._root: Path | None = None
        self._context: SiteContext | None = None
        self._jobs: list[_Job] = []

    def set_site(self, root: Path | None) -> None:
        """Forget what was read about the previous site."""
        self._root, self._context = root, None

    def resolve(self, url_path: str) -> None:
        """Find the post at ``url_path``; answers with ``resolved``."""
        if self._root is None:
            self.resolved.emit(url_path, "")
            return
        job = _Job(self._root, self._context, url_path)
        job.setAutoDelete(False)
        job.signals.done.connect(self._done)
        self._jobs.append(job)  # kept alive until it reports
        self._pool.start(job)

    def shutdown(self) -> None:
        self._pool.waitForDone(5000)

    def _done(self, context: SiteContext, url_path: str, path: str) -> None:
        self._jobs = [job for job in self._jobs if job.signals is not self.sender()]
        if self._root is not None and context.root == self._root.resolve():
            self._context = context
        self.resolved.emit(url_path, path)
