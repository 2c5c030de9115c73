"""The library index's persistent cache: one SQLite file per site.

A large archive opens fast because a post whose size and modification time
have not changed since the last scan is not read again: its row comes from
here. The file lives in the user's cache folder, named after a hash of the
site's real path, and holds nothing that cannot be rebuilt by reading the
posts again, so any trouble with it (corrupt, locked, read-only disk, an
older schema) costs a slow scan, never an error: the cache switches itself
off and the index reads every file.

Rows are kept as plain tuples (see :data:`CachedRow`) so this module knows
nothing of how a row is built; ``editor.core.library`` does.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

import platformdirs

from editor.core.resources import APP_NAME

#: Bumped whenever the table or the meaning of a column changes; a cache
#: written with another version is discarded.
SCHEMA_VERSION = 1

#: (rel, size, mtime_ns, title, date, categories JSON, tags JSON, status,
#: problem, collection). ``status`` is never "future": that depends on the
#: clock and is decided when a row is used.
CachedRow = tuple[str, int, int, str, str | None, str, str, str, str | None, str]

_COLUMNS = "rel, size, mtime_ns, title, date, categories, tags, status, problem, collection"
_CREATE = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rows (
    rel TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    title TEXT NOT NULL,
    date TEXT,
    categories TEXT NOT NULL,
    tags TEXT NOT NULL,
    status TEXT NOT NULL,
    problem TEXT,
    collection TEXT NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta VALUES ('schema', '{SCHEMA_VERSION}');
"""
# Long enough to wait out another Galley window's batch write, short enough
# that a stuck lock costs a scan no more than a moment before the cache is
# given up.
_BUSY_TIMEOUT_S = 2.0


def cache_dir() -> Path:
    """The user's Galley cache folder.

    ``GALLEY_CACHE_DIR`` overrides it; otherwise, when ``GALLEY_DATA_DIR``
    is set (tests, the bundle smoke test, ``dev.py``) it is ``cache`` inside
    that folder, so nothing reaches the real profile; otherwise the platform's
    own (``~/.cache/Galley``, ``~/Library/Caches/Galley``,
    ``%LOCALAPPDATA%\\Galley\\Cache``).
    """
    override = os.environ.get("GALLEY_CACHE_DIR")
    if override:
        return Path(override)
    data = os.environ.get("GALLEY_DATA_DIR")
    if data:
        return Path(data) / "cache"
    return Path(platformdirs.user_cache_dir(APP_NAME, False))


def cache_file(root: Path, folder: Path | None = None) -> Path:
    """Where the cache of the site at ``root`` is kept."""
    real = os.path.normcase(os.path.realpath(root))
    digest = hashlib.sha256(real.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return (folder if folder is not None else cache_dir()) / "library" / f"{digest}.sqlite3"


class LibraryCache:
    """Rows of one site's library keyed by site-relative path.

    Safe to share between threads (one connection behind a lock). After any
    SQLite error the cache is off (``usable`` is false) and every method
    does nothing, and ``problem`` says why; a file SQLite calls corrupt is
    deleted (and, when opening, made again) so the next scan starts afresh.
    """

    def __init__(self, path: Path, *, timeout: float = _BUSY_TIMEOUT_S) -> None:
        self.path = path
        self.problem: str | None = None
        self._timeout = timeout
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._open()

    @classmethod
    def for_site(cls, root: Path, folder: Path | None = None) -> LibraryCache:
        """The cache of the site at ``root`` (in ``folder``, default
        :func:`cache_dir`)."""
        return cls(cache_file(root, folder))

    @property
    def usable(self) -> bool:
        return self._conn is not None

    # -- opening ---------------------------------------------------------------

    def _open(self) -> None:
        for attempt in range(2):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._conn = self._connect()
                return
            except sqlite3.OperationalError as exc:
                # Locked, read-only, no such folder: the file may be fine.
                self._give_up(exc)
                return
            except sqlite3.DatabaseError as exc:
                self._give_up(exc)
                if attempt == 0 and self._delete():
                    self.problem = None
                    continue
                return
            except OSError as exc:
                self._give_up(exc)
                return

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False
        )
        try:
            # WAL lets another window read while this one writes; where the
            # file system cannot do it (some network drives) SQLite keeps
            # its rollback journal, which is fine too.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            version = self._schema_version(conn)
            if version is not None and version != SCHEMA_VERSION:
                conn.executescript("DROP TABLE IF EXISTS rows; DROP TABLE IF EXISTS meta;")
            conn.executescript(_CREATE)
        except BaseException:
            conn.close()
            raise
        return conn

    @staticmethod
    def _schema_version(conn: sqlite3.Connection) -> int | None:
        found = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()
        if found is None:
            return None
        row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        try:
            return int(row[0]) if row is not None else None
        except (TypeError, ValueError):
            return None

    def _give_up(self, exc: BaseException) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
        self._conn = None
        self.problem = f"{self.path.name}: {exc}"

    def _delete(self) -> bool:
        """Remove a corrupt cache file (and SQLite's side files)."""
        try:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        except OSError:
            return False
        return True

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._conn = None

    # -- use ---------------------------------------------------------------------

    def _failed(self, exc: sqlite3.Error) -> None:
        corrupt = isinstance(exc, sqlite3.DatabaseError) and not isinstance(
            exc, sqlite3.OperationalError
        )
        self._give_up(exc)
        if corrupt:
            self._delete()

    def check(self, fingerprint: str) -> None:
        """Discard every row unless they were made for ``fingerprint`` (what
        of the site's configuration the rows depend on)."""
        with self._lock:
            if self._conn is None:
                return
            try:
                row = self._conn.execute(
                    "SELECT value FROM meta WHERE key='fingerprint'"
                ).fetchone()
                if row is None or row[0] != fingerprint:
                    self._conn.execute("BEGIN IMMEDIATE")
                    self._conn.execute("DELETE FROM rows")
                    self._conn.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint,)
                    )
                    self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._failed(exc)

    def load(self) -> dict[str, CachedRow]:
        """Every cached row, by site-relative path ({} when the cache is off)."""
        with self._lock:
            if self._conn is None:
                return {}
            try:
                rows = self._conn.execute(f"SELECT {_COLUMNS} FROM rows").fetchall()
            except sqlite3.Error as exc:
                self._failed(exc)
                return {}
        return {row[0]: row for row in rows}

    def get(self, rel: str) -> CachedRow | None:
        """The cached row of one file, if any."""
        with self._lock:
            if self._conn is None:
                return None
            try:
                row: CachedRow | None = self._conn.execute(
                    f"SELECT {_COLUMNS} FROM rows WHERE rel = ?", (rel,)
                ).fetchone()
            except sqlite3.Error as exc:
                self._failed(exc)
                return None
        return row

    def store(self, rows: Iterable[CachedRow]) -> None:
        """Add or replace rows, in one transaction."""
        self._write("INSERT OR REPLACE INTO rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def remove(self, rels: Iterable[str]) -> None:
        """Drop the rows of these site-relative paths, in one transaction."""
        self._write("DELETE FROM rows WHERE rel = ?", ((rel,) for rel in rels))

    def _write(self, sql: str, params: Iterable[tuple[object, ...]]) -> None:
        with self._lock:
            if self._conn is None:
                return
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.executemany(sql, params)
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._failed(exc)
