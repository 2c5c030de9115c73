"""The open site's library, kept in step with the disk.

One worker thread does all the library's reading, in order: the scan when
a site opens, the posts the folder watcher reports, and stat-only rescans
(when the window comes back to the front, and every few minutes, because
watchdog does not say when it dropped events). Results reach the UI thread
as Qt signals, in batches.

The scan itself (rows from the cache while size and modification time
match, front matter read for the rest) runs in a separate process that
sends batches back: tens of thousands of files' worth of Python in a thread
would keep the window's interpreter busy and make the sidebar stutter.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal

from editor.core.ignore import is_ignored
from editor.core.library import LibraryCache, LibraryIndex, LibraryRow, scan_process_main
from editor.core.site import Site
from editor.services.folder_watcher import FolderChanges, FolderWatcher

_Task = Callable[[], None]


class Library(QObject):
    """Rows of the open site's posts.

    Signals:
        rows_found(list): a batch of LibraryRow from the scan.
        scan_progress(int): rows found so far.
        listed(): every post the cache knows is in rows_found (a reopened
            site is listed at once; the scan then checks every file and
            sends what changed).
        values_found(list, list): every category and every tag the posts
            use, sorted (sent just before scan_finished).
        scan_finished(bool): the scan ended (False: it was cancelled).
        changed(list, list): rows read again (new or changed posts) and the
            paths of posts that are gone, as one update.
        moved(str, str): a post was renamed or moved, its content unchanged.
        notice(str): something to tell the user (the folder is polled...).
    """

    rows_found = Signal(list)
    scan_progress = Signal(int)
    listed = Signal()
    values_found = Signal(list, list)
    scan_finished = Signal(bool)
    changed = Signal(list, list)
    moved = Signal(str, str)
    notice = Signal(str)

    def __init__(
        self,
        cache_folder: Path | None = None,
        force_polling: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._cache_folder = cache_folder
        self.watcher = FolderWatcher(force_polling=force_polling, parent=self)
        self.watcher.changes.connect(self._on_changes)
        self.watcher.moved.connect(self.moved)
        self.watcher.mode_changed.connect(self.notice)
        self.watcher.started.connect(lambda _root: self.rescan())
        self._tasks: queue.Queue[_Task | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="galley-library", daemon=True)
        self._thread.start()
        self._site: Site | None = None
        self._index: LibraryIndex | None = None
        # Touched by the worker thread only: what the rows were read from.
        self._known: dict[str, tuple[int, int]] = {}
        self._scan_cancelled = threading.Event()
        self.scanning = False

    # -- public (UI thread) ------------------------------------------------------------

    def open(self, site: Site) -> None:
        """Index ``site`` in the background and watch its folder."""
        self.cancel_scan()
        self._site = site
        cache = (
            LibraryCache.for_site(site.root, self._cache_folder)
            if self._cache_folder is not None
            else LibraryCache.for_site(site.root)
        )
        index = LibraryIndex(site, cache)
        self._index = index
        cancelled = threading.Event()
        self._scan_cancelled = cancelled
        self.scanning = True
        self._tasks.put(lambda: self._scan(index, cancelled))
        try:
            self.watcher.start(site.root)
        except OSError as exc:
            self.notice.emit(str(exc))

    def cancel_scan(self) -> None:
        """Stop the scan under way (rows found so far stay)."""
        self._scan_cancelled.set()

    def rescan(self) -> None:
        """Compare every post's size and time with the rows (no reading
        unless they differ): catches what the watcher missed."""
        index = self._index
        if index is not None:
            self._tasks.put(lambda: self._rescan(index))

    def remember(self, path: Path | str, data: bytes) -> None:
        """Galley read or is writing these bytes: not a change to report."""
        self.watcher.remember(path, data)

    def shutdown(self) -> None:
        self.cancel_scan()
        self.watcher.stop()
        self._tasks.put(None)
        self._thread.join(timeout=10)

    # -- worker thread ------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            task = self._tasks.get()
            if task is None:
                return
            try:
                task()
            except Exception as exc:  # never let the library's thread die
                self.notice.emit(
                    QCoreApplication.translate(
                        "Library", "The library could not be read: {0}: {1}"
                    ).format(type(exc).__name__, exc)
                )

    def _scan(self, index: LibraryIndex, cancelled: threading.Event) -> None:
        if index is not self._index:
            return
        self._known = {}
        found = 0
        categories: set[str] = set()
        tags: set[str] = set()
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        cache_path = str(index.cache.path) if index.cache is not None else None
        process = context.Process(
            target=scan_process_main,
            args=(theirs, str(index.site.root), cache_path),
            name="galley-library-scan",
            daemon=True,
        )
        process.start()
        theirs.close()
        complete = False
        asked_to_stop = False
        try:
            while True:
                if cancelled.is_set() and not asked_to_stop:
                    ours.send("stop")
                    asked_to_stop = True
                if not ours.poll(0.05):
                    if not process.is_alive() and not ours.poll():
                        break  # ended without a word: keep what came
                    continue
                kind, payload = ours.recv()
                if kind == "listed":
                    self.listed.emit()
                    continue
                if kind == "done":
                    gone = [path for path in payload if self._known.pop(path, None) is not None]
                    if gone:
                        self.changed.emit([], gone)
                    complete = not asked_to_stop
                    break
                for row in payload:
                    self._known[row.path] = (row.size, row.mtime_ns)
                    categories.update(row.categories)
                    tags.update(row.tags)
                found += len(payload)
                self.rows_found.emit(payload)
                self.scan_progress.emit(found)
        except (EOFError, OSError):
            pass  # the process died; what it sent stays
        finally:
            ours.close()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
        self.scanning = False
        self.values_found.emit(sorted(categories), sorted(tags))
        self.scan_finished.emit(complete)

    def _rescan(self, index: LibraryIndex) -> None:
        if index is not self._index:
            return
        seen: dict[str, tuple[int, int]] = {}
        for path in index.site.posts():
            try:
                stat = os.stat(path)
            except OSError:
                continue
            seen[str(path)] = (stat.st_size, stat.st_mtime_ns)
        differ = [path for path, sig in seen.items() if self._known.get(path) != sig]
        gone = [path for path in self._known if path not in seen]
        self._read(index, differ, gone)

    def _on_changes(self, changes: FolderChanges) -> None:
        index = self._index
        if index is None:
            return
        if changes.folders:
            self.rescan()
        paths = [p for p in changes.changed if self._relevant(index, p)]
        removed = [p for p in changes.removed if self._relevant(index, p)]
        if paths or removed:
            self._tasks.put(lambda: self._read(index, paths, removed))

    @staticmethod
    def _relevant(index: LibraryIndex, path: str) -> bool:
        try:
            rel = Path(path).relative_to(index.site.root).as_posix()
        except ValueError:
            return False
        return not is_ignored(rel)

    def _read(self, index: LibraryIndex, paths: Iterable[str], removed: Iterable[str]) -> None:
        if index is not self._index:
            return
        upserts: list[LibraryRow] = []
        gone = [path for path in removed if path in self._known]
        for path in paths:
            row = index.read(path)
            if row is None:
                if path in self._known:
                    gone.append(path)
                continue
            upserts.append(row)
        for path in gone:
            self._known.pop(path, None)
        for row in upserts:
            self._known[row.path] = (row.size, row.mtime_ns)
        if upserts or gone:
            self.changed.emit(upserts, gone)
