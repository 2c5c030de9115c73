"""Watches a site folder and reports, in batches, which files really changed.

watchdog delivers raw events on its own thread. They are collected into a
set of pending paths (generated folders and editors' temporary files left
out, see ``editor.core.ignore``) and a worker thread decides them once the
events have been quiet for a moment (``QUIET``), or every ``CAP`` seconds
during a continuous stream, so a burst of a thousand files becomes a few
batches, not a thousand signals.

Each path is decided by its content, never by timing: a file whose bytes
hash to what Galley last read, wrote or reported for it did not change. This
is how Galley's own saves and no-op touches are told apart from another
program's edits. Files over ``HASH_LIMIT`` that are not posts are compared
by size and modification time instead.

Only changes are subscribed to. watchdog 7 also reports opens and closes on
Linux, reads included (a scan of 10,000 posts produced 20,000 events).
``FileClosedEvent`` (closed after writing) is left out as well: the content
decision after the last modification already sees the final bytes, the
event exists on Linux only, and it would add one event to every write. A
slow writer that pauses for longer than ``QUIET`` can have a half-written
file reported; the next modification is reported again with the final
content, so nothing is missed.

The native observer is started on the worker thread (it adds a watch per
folder; a polling observer takes a first snapshot, which on a network share
can take seconds) so ``start()`` never blocks the window. Polling is used
when the native observer cannot start (Linux's inotify limits), when the
folder is on a network file system (Linux; elsewhere the native observer is
tried), or when asked for.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
    FileSystemMovedEvent,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver, PollingObserverVFS

from editor.core.ignore import IGNORED_DIRS, is_ignored
from editor.core.site import POST_SUFFIXES

NATIVE = "native"
POLLING = "polling"
OFF = "off"

#: Seconds without a new event before pending paths are decided.
QUIET = 0.075
#: Longest wait during a continuous stream of events, so a burst still
#: produces updates.
CAP = 0.25
#: Seconds between two snapshots in polling mode.
POLL_INTERVAL = 2.0
#: Files above this size that are not posts are compared by size and mtime.
HASH_LIMIT = 50 * 1024 * 1024
#: How often a file that exists but cannot be read (Windows: another program
#: holds it open) is tried again before it is reported as changed anyway.
READ_RETRIES = 5

EVENT_FILTER: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]

#: File system types (from /proc/mounts) that do not report changes made by
#: other machines; ``fuse.`` prefixes are removed before comparing.
NETWORK_FS_TYPES = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "sshfs", "9p", "davfs", "afpfs", "ncpfs"}
)

# The native observer class; a module attribute so a test can make it fail
# the way inotify does when its limits are reached.
_native_observer: Callable[[], BaseObserver] = Observer
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FolderChanges:
    """One batch of changes on disk, as absolute paths.

    changed: files created or whose content changed.
    removed: files that are gone.
    folders: folders created, deleted or moved: rescan them (everything
        below a folder that no longer exists is gone).
    """

    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.changed or self.removed or self.folders)


@dataclass(slots=True)
class _Pending:
    path: str
    # The first event of this round created the path: if it is gone again
    # and was never known, it was a temporary file and is not reported.
    born: bool = False
    folder: bool = False
    attempts: int = 0


# What the worker saw on disk for a pending path.
_GONE, _FOLDER, _HASHED, _STATTED, _UNREADABLE = range(5)


@dataclass(frozen=True, slots=True)
class _Look:
    kind: int
    digest: bytes = b""
    signature: tuple[int, int] = (0, 0)


class FolderWatcher(QObject):
    """Watches one site folder at a time.

    Call ``remember(path, data)`` with the bytes of every post Galley reads,
    and with the bytes it is about to write *before* writing them, so the
    save is recognised as Galley's own however late its events arrive.

    Signals:
        started(str): the watch is live, in mode "native" or "polling".
            Changes made before this are not reported: rescan then.
        changes(object): a ``FolderChanges`` batch.
        moved(str, str): a file was renamed or moved (old, new path) with
            its content unchanged; emitted before the batch that reports
            the old path removed and the new one changed.
        mode_changed(str): why the folder is watched the way it is, for
            the status bar: a message when polling or not watching at all,
            "" when a later watch is native again.
    """

    started = Signal(str)
    changes = Signal(object)
    moved = Signal(str, str)
    mode_changed = Signal(str)

    def __init__(self, force_polling: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._force_polling = force_polling
        self._lock = threading.Lock()
        self._condition = threading.Condition(self._lock)
        # Everything below is shared with watchdog's and the worker's
        # threads: read and written under self._lock only.
        self._generation = 0
        self._root = ""
        self._mode = OFF
        self._message = ""
        self._pending: dict[str, _Pending] = {}
        self._moves: list[tuple[str, str]] = []
        self._first_event = 0.0
        self._last_event = 0.0
        self._known: dict[str, bytes] = {}
        self._signatures: dict[str, tuple[int, int]] = {}
        self._worker: threading.Thread | None = None
        self._overflow_spy: _OverflowSpy | None = None

    @property
    def mode(self) -> str:
        """How the folder is watched: "native" or "polling" (while the watch
        starts, the mode being tried), "off" when not watching."""
        with self._lock:
            return self._mode

    # -- called from the UI thread -------------------------------------------

    def start(self, root: Path) -> None:
        """Watch ``root`` and everything below it, instead of any earlier folder.

        Raises FileNotFoundError or NotADirectoryError when ``root`` is not
        a folder. Returns at once; ``started`` says when the watch is live.
        """
        self.stop()
        path = os.path.abspath(os.fspath(root))
        if not os.path.isdir(path):
            if os.path.exists(path):
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), path)
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
        reason = ""
        if self._force_polling:
            reason = _polling_message(
                QCoreApplication.translate("FolderWatcher", "polling was asked for")
            )
        elif _native_observer is PollingObserver:
            reason = _polling_message(
                QCoreApplication.translate(
                    "FolderWatcher", "this system does not report changes to folders"
                )
            )
        else:
            fs_type = network_fs_type(path)
            if fs_type:
                reason = _polling_message(
                    QCoreApplication.translate(
                        "FolderWatcher",
                        "the folder is on a network file system ({0}), which does not report changes made by other computers",
                    ).format(fs_type)
                )
        with self._condition:
            self._generation += 1
            generation = self._generation
            self._root = path
            self._mode = POLLING if reason else NATIVE
            self._pending.clear()
            self._moves.clear()
        # watchdog's inotify thread re-adds the watch of a folder created
        # inside a new folder (mkdir -p) and warns that it did; harmless,
        # but with warnings turned into errors it kills the thread and the
        # watcher goes deaf. Adding the same filter again does not grow the
        # list.
        warnings.filterwarnings(
            "ignore",
            message=r"Callback with id .* already exists for watch",
            category=RuntimeWarning,
            module=r"watchdog\.",
        )
        self._overflow_spy = _OverflowSpy(self._on_events_lost)
        logging.getLogger("watchdog.observers.inotify").addHandler(self._overflow_spy)
        self._worker = threading.Thread(
            target=self._run,
            args=(generation, path, reason),
            name="galley-folder-watcher",
            daemon=True,
        )
        self._worker.start()

    def stop(self) -> None:
        """Stop watching and wait for the watcher's threads. Safe to call
        again, and from a slot. After it returns no new batch is made (one
        already queued to the UI thread may still arrive)."""
        with self._condition:
            self._generation += 1
            self._mode = OFF
            self._pending.clear()
            self._moves.clear()
            self._condition.notify_all()
            worker, self._worker = self._worker, None
        if self._overflow_spy is not None:
            logging.getLogger("watchdog.observers.inotify").removeHandler(self._overflow_spy)
            self._overflow_spy = None
        if worker is not None and worker is not threading.current_thread():
            # The worker never waits for the UI thread, so this cannot
            # deadlock; only a first snapshot of a slow network share can
            # take this long, and the thread then stops its observer itself.
            worker.join(timeout=10)

    def remember(self, path: Path | str, data: bytes) -> None:
        """Record that ``path`` holds ``data`` (read or written by Galley):
        that content on disk is not a change."""
        key = _key(path)
        value = _digest(data)
        with self._lock:
            self._known[key] = value
            self._signatures.pop(key, None)

    def forget(self, path: Path | str) -> None:
        """Drop what is known about ``path``: its next content is a change."""
        key = _key(path)
        with self._lock:
            self._known.pop(key, None)
            self._signatures.pop(key, None)

    def check(self, paths: Iterable[str]) -> None:
        """Decide ``paths`` as if events had arrived for them (after a
        rescan that compared only sizes and times). Only while watching."""
        with self._condition:
            for path in paths:
                self._add(os.path.abspath(path))
            self._condition.notify_all()

    # -- watchdog's thread ---------------------------------------------------

    def _on_event(self, event: FileSystemEvent, generation: int) -> None:
        src = os.fsdecode(event.src_path)
        dest = os.fsdecode(event.dest_path) if event.dest_path else ""
        with self._condition:
            if generation != self._generation:
                return
            if event.is_directory:
                for path in (src, dest):
                    if path and not self._ignored(path):
                        self._add(path, folder=True)
            elif isinstance(event, FileSystemMovedEvent):
                # An atomic save by another program is a temporary file
                # renamed over the post: the post's content is decided like
                # any other change, the vanished temporary file is dropped.
                keep_src = bool(src) and not self._ignored(src)
                keep_dest = bool(dest) and not self._ignored(dest)
                if keep_src:
                    self._add(src)
                if keep_dest:
                    self._add(dest, born=True)
                if keep_src and keep_dest:
                    self._moves.append((src, dest))
            elif not self._ignored(src):
                self._add(src, born=isinstance(event, FileCreatedEvent))
            self._condition.notify_all()

    def _on_events_lost(self) -> None:
        # inotify's queue overflowed: ask the consumer to rescan everything.
        with self._condition:
            if self._root:
                self._add(self._root, folder=True)
                self._condition.notify_all()

    def _ignored(self, path: str) -> bool:
        root = self._root
        if path == root:
            return False
        if path.startswith(root) and path[len(root) : len(root) + 1] in ("/", os.sep):
            return is_ignored(path[len(root) + 1 :])
        return is_ignored(os.path.basename(path))

    def _add(self, path: str, *, born: bool = False, folder: bool = False) -> None:
        # Caller holds the lock.
        now = time.monotonic()
        key = _key(path)
        entry = self._pending.get(key)
        if entry is None:
            if not self._pending:
                self._first_event = now
            self._pending[key] = _Pending(path, born=born, folder=folder)
        else:
            entry.folder = entry.folder or folder
        self._last_event = now

    # -- the worker thread ---------------------------------------------------

    def _run(self, generation: int, root: str, reason: str) -> None:
        observer: BaseObserver | None = None
        try:
            observer, mode, reason = self._start_observer(generation, root, reason)
        except OSError as exc:
            message = QCoreApplication.translate(
                "FolderWatcher", "Not watching the folder for changes: {0}."
            ).format(exc.strerror or str(exc))
            with self._lock:
                if generation != self._generation:
                    return
                self._mode = OFF
            self._announce(message)
            return
        try:
            with self._lock:
                if generation != self._generation:
                    return
                self._mode = mode
            self._announce(reason)
            self.started.emit(mode)
            while True:
                with self._condition:
                    round_ = self._wait_for_round(generation)
                if round_ is None:
                    return
                self._decide_and_report(generation, *round_)
        finally:
            _halt(observer)

    def _start_observer(
        self, generation: int, root: str, reason: str
    ) -> tuple[BaseObserver, str, str]:
        handler = _Handler(self, generation)
        if not reason:
            observer: BaseObserver | None = None
            try:
                observer = _native_observer()
                observer.schedule(handler, root, recursive=True, event_filter=EVENT_FILTER)
                observer.start()
                return observer, NATIVE, ""
            except OSError as exc:
                _halt(observer)
                _log.info("native folder watching failed, polling instead: %s", exc)
                reason = _polling_message(_limit_reason(exc))
        observer = PollingObserverVFS(os.stat, _scandir_unignored, polling_interval=POLL_INTERVAL)
        observer.schedule(handler, root, recursive=True, event_filter=EVENT_FILTER)
        observer.start()
        return observer, POLLING, reason

    def _announce(self, message: str) -> None:
        with self._lock:
            if message == self._message:
                return
            self._message = message
        self.mode_changed.emit(message)

    def _wait_for_round(
        self, generation: int
    ) -> tuple[dict[str, _Pending], list[tuple[str, str]]] | None:
        # Caller holds the lock (via the condition).
        while True:
            if generation != self._generation:
                return None
            if not self._pending:
                self._condition.wait()
                continue
            deadline = min(self._last_event + QUIET, self._first_event + CAP)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._condition.wait(remaining)
        pending, moves = self._pending, self._moves
        self._pending, self._moves = {}, []
        return pending, moves

    def _decide_and_report(
        self, generation: int, pending: dict[str, _Pending], moves: list[tuple[str, str]]
    ) -> None:
        # Disk first, without the lock: hashing can take a while.
        looks = {key: _look(entry) for key, entry in pending.items()}
        changed: list[str] = []
        removed: list[str] = []
        folders: list[str] = []
        renamed: list[tuple[str, str]] = []
        with self._condition:
            if generation != self._generation:
                return
            for src, dest in moves:
                before = _look_known(self._known, self._signatures, _key(src))
                after = looks.get(_key(dest))
                gone = looks.get(_key(src))
                if (
                    before is not None
                    and after is not None
                    and gone is not None
                    and gone.kind == _GONE
                    and after.kind == before.kind
                    and (after.digest, after.signature) == (before.digest, before.signature)
                ):
                    renamed.append((src, dest))
            retry: list[_Pending] = []
            for key, entry in pending.items():
                look = looks[key]
                if entry.folder or look.kind == _FOLDER:
                    folders.append(entry.path)
                elif look.kind == _GONE:
                    known = key in self._known or key in self._signatures
                    if known or not entry.born:
                        removed.append(entry.path)
                    self._known.pop(key, None)
                    self._signatures.pop(key, None)
                elif look.kind == _HASHED:
                    self._signatures.pop(key, None)
                    if self._known.get(key) != look.digest:
                        self._known[key] = look.digest
                        changed.append(entry.path)
                elif look.kind == _STATTED:
                    self._known.pop(key, None)
                    if self._signatures.get(key) != look.signature:
                        self._signatures[key] = look.signature
                        changed.append(entry.path)
                elif entry.attempts < READ_RETRIES:
                    entry.attempts += 1
                    retry.append(entry)
                else:
                    # Unreadable for good: report it, and report the next
                    # readable content too.
                    self._known.pop(key, None)
                    self._signatures.pop(key, None)
                    changed.append(entry.path)
            for entry in retry:
                key = _key(entry.path)
                if key not in self._pending:
                    self._add(entry.path, born=entry.born)
                    self._pending[key].attempts = entry.attempts
        for old, new in renamed:
            self.moved.emit(old, new)
        batch = FolderChanges(tuple(changed), tuple(removed), tuple(folders))
        if batch:
            self.changes.emit(batch)


class _Handler(FileSystemEventHandler):
    """Hands watchdog's events to the watcher that scheduled it."""

    def __init__(self, watcher: FolderWatcher, generation: int) -> None:
        self._watcher = watcher
        self._generation = generation

    def on_any_event(self, event: FileSystemEvent) -> None:
        self._watcher._on_event(event, self._generation)


class _OverflowSpy(logging.Handler):
    """watchdog only logs a warning when the kernel's inotify queue
    overflows and events are lost; this turns that warning into a rescan."""

    def __init__(self, on_lost: Callable[[], None]) -> None:
        super().__init__(logging.WARNING)
        self._on_lost = on_lost

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in str(record.msg).lower():
            self._on_lost()


def network_fs_type(path: str, mounts: str | None = None) -> str:
    """The network file system type ``path`` is on ("nfs4", "cifs", ...) or ""
    for a local one. Linux only (reads /proc/mounts unless ``mounts`` is
    given); elsewhere always ""."""
    if mounts is None:
        if not sys.platform.startswith("linux"):
            return ""
        try:
            with open("/proc/mounts", encoding="utf-8", errors="surrogateescape") as handle:
                mounts = handle.read()
        except OSError:
            return ""
    path = os.path.realpath(path)
    best, best_type = "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = _unescape_mount(fields[1])
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, best_type = point, fields[2]
    name = best_type.removeprefix("fuse.")
    return best_type if name in NETWORK_FS_TYPES else ""


def _unescape_mount(field: str) -> str:
    # /proc/mounts writes space, tab, newline and backslash as octal escapes.
    for escape, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(escape, char)
    return field


def _polling_message(reason: str) -> str:
    return QCoreApplication.translate(
        "FolderWatcher", "Watching the folder by polling every {0:g} s: {1}."
    ).format(POLL_INTERVAL, reason)


def _limit_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return QCoreApplication.translate(
            "FolderWatcher", "the system's limit on watched folders is reached"
        )
    if exc.errno in (errno.EMFILE, errno.ENFILE):
        return QCoreApplication.translate(
            "FolderWatcher", "the system's limit on folder watchers is reached"
        )
    return QCoreApplication.translate(
        "FolderWatcher", "the system's change notifications could not start ({0})"
    ).format(exc.strerror or str(exc))


def _scandir_unignored(path: str | None) -> Iterator[os.DirEntry[str]]:
    # Polling re-reads the whole tree every POLL_INTERVAL: leave out the
    # folders whose changes are ignored anyway (node_modules, _site, .git).
    with os.scandir(path) as entries:
        for entry in entries:
            if entry.name in IGNORED_DIRS and entry.is_dir(follow_symlinks=False):
                continue
            yield entry


def _halt(observer: BaseObserver | None) -> None:
    if observer is None:
        return
    try:
        observer.stop()
        if observer.is_alive():
            observer.join(timeout=10)
    except (OSError, RuntimeError) as exc:
        _log.debug("stopping the folder observer: %s", exc)


def _key(path: Path | str) -> str:
    return os.path.normcase(os.path.abspath(os.fspath(path)))


def _new_hash() -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=16)


def _digest(data: bytes) -> bytes:
    hasher = _new_hash()
    hasher.update(data)
    return hasher.digest()


def _look(entry: _Pending) -> _Look:
    if entry.folder:
        return _Look(_FOLDER)
    try:
        st = os.stat(entry.path)
    except FileNotFoundError:
        return _Look(_GONE)
    except OSError:
        return _Look(_UNREADABLE)
    if stat.S_ISDIR(st.st_mode):
        return _Look(_FOLDER)
    signature = (st.st_size, st.st_mtime_ns)
    post_like = entry.path.lower().endswith(POST_SUFFIXES)
    if st.st_size > HASH_LIMIT and not post_like:
        return _Look(_STATTED, signature=signature)
    try:
        with open(entry.path, "rb") as handle:
            return _Look(_HASHED, hashlib.file_digest(handle, _new_hash).digest())
    except FileNotFoundError:
        return _Look(_GONE)
    except OSError:
        return _Look(_UNREADABLE)


def _look_known(
    known: dict[str, bytes], signatures: dict[str, tuple[int, int]], key: str
) -> _Look | None:
    if key in known:
        return _Look(_HASHED, known[key])
    if key in signatures:
        return _Look(_STATTED, signature=signatures[key])
    return None
