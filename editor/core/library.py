"""The library index: one small row per post, read from front matter only.

:class:`LibraryIndex` walks a site's posts, drafts, collection documents
(Jekyll) or ``content/`` (Hugo) and gives a :class:`LibraryRow` for each:
title, date, categories, tags, and whether the site will publish it
("normal") or why not ("draft", "unpublished", "future", "invalid", with a
one-line ``problem``). Rows come in batches so a window can show the first
ones at once, and a :class:`~editor.core.library_cache.LibraryCache` keeps
them between sessions: a file whose size and modification time are
unchanged is not opened again.

Reading is built for speed and for hostile input
(:mod:`editor.core.front_matter_reader`): :func:`read_front_matter` reads
only the start of a file (up to the closing delimiter), decodes it with
:mod:`editor.core.textcodec`'s rules and parses it with PyYAML's
libyaml loader, ``tomllib`` or ``json``. It never raises: binary files,
alias bombs, absurd nesting, YAML that does not parse and front matter that
is never closed all give an "invalid" row with the reason. Anything the
fast path cannot settle goes through :func:`editor.core.split.split`, the
same code that opens a post in the editor, so the two agree on what counts
as front matter.

Statuses follow Jekyll 4.3 (``reader.rb``, ``publisher.rb``,
``document.rb``) and, for Hugo sites, Hugo's ``draft``/``buildFuture``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from editor.core import fields
from editor.core.front_matter_reader import FrontMatter, read_front_matter
from editor.core.library_cache import CachedRow, LibraryCache
from editor.core.site import POST_SUFFIXES, SKIP_DIRS, Site, open_site

__all__ = [
    "STATUSES",
    "FrontMatter",
    "LibraryCache",  # re-exported: an index is made with its cache
    "LibraryIndex",
    "LibraryRow",
    "Status",
    "open_index",
    "read_front_matter",
    "site_timezone",
]

Status = Literal["normal", "draft", "unpublished", "future", "invalid"]
STATUSES: tuple[Status, ...] = ("normal", "draft", "unpublished", "future", "invalid")
# Also turns a status read back from the cache into the one shared string.
_STATUS_OF: dict[str, Status] = {status: status for status in STATUSES}

# Bumped when the way a row is derived from a file changes, so cached rows
# made by the old rules are read again.
_RULES_VERSION = 1

_MAX_TITLE = 500

# Jekyll's DATE_FILENAME_MATCHER, on the file name's stem.
_DATED_STEM = re.compile(r"(\d{2,4})-(\d{1,2})-(\d{1,2})-")


# --------------------------------------------------------------------------
# Rows


@dataclass(frozen=True, slots=True)
class LibraryRow:
    """One post as the library lists it.

    ``date`` is ISO 8601 text (with the offset when the front matter gave
    one; a plain day as ``YYYY-MM-DD``). ``problem`` says, in one line, why
    the site will not publish the post; it is None for "normal" rows.
    ``collection`` is "posts", "drafts", a Jekyll collection's name, or
    "content" (Hugo).
    """

    path: str
    rel: str
    title: str
    date: str | None
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    status: Status
    problem: str | None
    size: int
    mtime_ns: int
    collection: str

    def as_dict(self) -> dict[str, Any]:
        """The row as JSON-friendly values (tuples as lists)."""
        return {
            "path": self.path,
            "rel": self.rel,
            "title": self.title,
            "date": self.date,
            "categories": list(self.categories),
            "tags": list(self.tags),
            "status": self.status,
            "problem": self.problem,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "collection": self.collection,
        }


# --------------------------------------------------------------------------
# The fast reader


def _scalar(value: object) -> bool:
    return isinstance(value, (str, int, float, dt.date))


def _terms(value: object, split_string: bool) -> list[str]:
    """Categories or tags: a list, or (Jekyll) a space-separated string.
    Nested values are skipped: turning them into text could be huge."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        value = [item for item in value if _scalar(item)]
    elif not _scalar(value):
        return []
    items = [value] if isinstance(value, str) and not split_string else fields.list_of(value)[0]
    return [item.strip() for item in items if item.strip()]


def _date_value(value: object) -> dt.datetime | dt.date | None:
    try:
        parsed = fields.date_of(value)
    except (ValueError, OverflowError):
        return None
    return parsed.value if parsed is not None else None


def _config_value(config: Mapping[str, Any], key: str) -> Any:
    """A config value by case-insensitive key (Hugo's keys are)."""
    if key in config:
        return config[key]
    lowered = key.lower()
    return next((v for k, v in config.items() if str(k).lower() == lowered), None)


def site_timezone(name: object) -> dt.tzinfo:
    """The site's time zone (an IANA name), else this machine's, which is
    what Jekyll uses when none is configured."""
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    local = dt.datetime.now().astimezone().tzinfo
    return local if local is not None else dt.UTC


def _categories_from_path(relative_path: str, special_dir: str) -> list[str]:
    """Folders above ``_posts``/``_drafts`` are categories (``news/_posts/x.md``
    is in ``news``), as Jekyll's ``Document#categories_from_path`` (kept in
    step with ``render.context``, which the index does not import: it pulls
    in the Liquid environment)."""
    if relative_path.startswith(special_dir):
        return []
    head = relative_path.split(special_dir, 1)[0]
    basename = relative_path.rsplit("/", 1)[-1]
    return [p for p in head.split("/") if p and p != special_dir and p != basename]


def _moment(date: str, zone: dt.tzinfo) -> dt.datetime | None:
    """The instant an ISO date of a row stands for, in the site's zone
    when it has no offset (a plain day: its midnight)."""
    try:
        if "T" not in date:
            day = dt.date.fromisoformat(date)
            return dt.datetime(day.year, day.month, day.day, tzinfo=zone)
        moment = dt.datetime.fromisoformat(date)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _spelled(date: str) -> str:
    """A row's date for people: ``2030-01-01 09:00 +0800``."""
    try:
        if "T" not in date:
            return date
        return dt.datetime.fromisoformat(date).strftime("%Y-%m-%d %H:%M %z").strip()
    except ValueError:
        return date


#: "Now", and the ISO day before which every date is past.
_Now = tuple[dt.datetime, str]


def _entry_name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _never() -> bool:
    return False


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class LibraryIndex:
    """The rows of one site's posts, read fast and cached.

    ``scan()`` lists the whole site in batches; ``read(path)`` refreshes one
    file when the watcher reports a change. ``clock`` gives "now" for the
    future-post check (tests pass a fixed one). Safe to call ``read`` from
    another thread than a running ``scan``; the cache has its own lock.
    """

    def __init__(
        self,
        site: Site,
        cache: LibraryCache | None = None,
        *,
        clock: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        self.site = site
        self.cache = cache
        self._clock = clock
        self._root = str(site.root)
        self._prefix = self._root.rstrip(os.sep) + os.sep
        config = site.config
        self._kind = site.kind
        if site.kind == "hugo":
            self._zone = site_timezone(_config_value(config, "timeZone"))
            self._allow_future = _config_value(config, "buildFuture") is True
        else:
            self._zone = site_timezone(config.get("timezone"))
            self._allow_future = config.get("future") is True
        collections = config.get("collections")
        self._labels = frozenset(
            str(name) for name in (collections if isinstance(collections, (dict, list)) else ())
        )
        self._collections_dir = str(config.get("collections_dir") or "").strip("/")
        self._folders: list[str] | None = None
        # One object per distinct categories/tags list (and per term), so a
        # hundred thousand rows in the same few categories share them.
        self._tuples: dict[str, tuple[str, ...]] = {}
        self._texts: dict[tuple[str, ...], str] = {}
        if cache is not None:
            cache.check(self._fingerprint())

    def _fingerprint(self) -> str:
        """What of the site's configuration cached rows depend on."""
        return json.dumps([_RULES_VERSION, self._kind, sorted(self._labels), self._collections_dir])

    # -- scanning ----------------------------------------------------------------

    def scan(
        self, cancelled: Callable[[], bool] = _never, batch_size: int = 500
    ) -> Iterator[list[LibraryRow]]:
        """Every post of the site, in batches of ``batch_size`` rows.

        Rows whose file has the cached size and mtime come from the cache;
        the others are read, and stored in the cache before their batch is
        yielded. A complete scan drops the cached rows of files that are
        gone. ``cancelled`` is asked before each file; when it says so the
        scan stops (what was read is kept in the cache).
        """
        now = self._now()
        cached = self.cache.load() if self.cache is not None else {}
        self._folders = None
        seen: set[str] = set()
        batch: list[LibraryRow] = []
        fresh: list[CachedRow] = []
        for path_str, file in self._post_files():
            if cancelled():
                self._store(fresh)
                return
            rel = self._rel(path_str)
            if rel is None:
                continue
            try:
                info = file.stat()
            except OSError:
                continue  # gone since it was listed
            entry = cached.get(rel)
            if entry is None or entry[1] != info.st_size or entry[2] != info.st_mtime_ns:
                entry, cacheable = self._describe(rel, read_front_matter(path_str))
                if cacheable:
                    fresh.append(entry)
            seen.add(rel)
            batch.append(self._row(entry, path_str, now))
            if len(batch) >= batch_size:
                self._store(fresh)
                fresh = []
                yield batch
                batch = []
        self._store(fresh)
        if batch:
            yield batch
        if self.cache is not None:
            gone = cached.keys() - seen
            if gone:
                self.cache.remove(gone)

    def cached_rows(self, batch_size: int = 500) -> Iterator[list[LibraryRow]]:
        """The rows the cache holds, as they were last seen, without looking
        at the files (a reopened site is listed at once; ``scan`` then
        checks every file)."""
        if self.cache is None:
            return
        now = self._now()
        batch: list[LibraryRow] = []
        for rel, entry in self.cache.load().items():
            batch.append(self._row(entry, self._prefix + rel.replace("/", os.sep), now))
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _post_files(self) -> Iterator[tuple[str, os.DirEntry[str]]]:
        """Every post file as ``Site.posts()`` lists them, in the same order,
        without its Path objects (a third of a warm scan) and with the
        directory entry, whose ``stat()`` costs nothing on Windows."""
        seen: set[str] = set()
        for folder in self.site.post_folders():
            pending = [os.fspath(folder)]
            while pending:
                top = pending.pop()
                try:
                    with os.scandir(top) as listing:
                        entries = sorted(listing, key=_entry_name)
                except OSError:
                    continue  # as os.walk: a folder that cannot be listed is skipped
                folders: list[str] = []
                for entry in entries:
                    name = entry.name
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    if is_dir:
                        # os.walk lists a link to a folder but does not enter it.
                        if name not in SKIP_DIRS and not name.startswith("."):
                            try:
                                if not entry.is_symlink():
                                    folders.append(entry.path)
                            except OSError:
                                pass
                    elif (
                        name.lower().endswith(POST_SUFFIXES)
                        and not name.startswith((".", "~"))
                        and entry.path not in seen
                    ):
                        seen.add(entry.path)
                        yield entry.path, entry
                pending.extend(reversed(folders))

    def _store(self, entries: list[CachedRow]) -> None:
        if entries and self.cache is not None:
            self.cache.store(entries)

    # -- one file ------------------------------------------------------------------

    def read(self, path: str | os.PathLike[str]) -> LibraryRow | None:
        """The row of one file, or None when it is not a post of this site
        or no longer exists (its cached row is then dropped)."""
        rel = self.rel_of(path)
        if rel is None:
            return None
        # Named as the scan names it, however the caller spelled it.
        path_str = self._prefix + (rel.replace("/", os.sep) if os.sep != "/" else rel)
        try:
            info = os.stat(path_str)
        except OSError:
            info = None
        if info is None or not stat.S_ISREG(info.st_mode):
            if self.cache is not None:
                self.cache.remove([rel])
            return None
        entry = self.cache.get(rel) if self.cache is not None else None
        if entry is None or entry[1] != info.st_size or entry[2] != info.st_mtime_ns:
            entry, cacheable = self._describe(rel, read_front_matter(path_str))
            if cacheable:
                self._store([entry])
        return self._row(entry, path_str, self._now())

    def rel_of(self, path: str | os.PathLike[str]) -> str | None:
        """The site-relative path of ``path`` when it is (or would be) one of
        the site's posts, else None."""
        path_str = os.path.abspath(os.fspath(path))
        rel = self._rel(path_str)
        if rel is None:
            real = os.path.realpath(path_str)
            rel = self._rel(real) if real != path_str else None
        if rel is None:
            return None
        name = rel.rsplit("/", 1)[-1]
        if not name.lower().endswith(POST_SUFFIXES) or name.startswith((".", "~")):
            return None
        if self._in_post_folder(rel):
            return rel
        if self._folders is not None and ("_posts" in rel or "_drafts" in rel):
            self._folders = None  # a post folder made since the last look
            if self._in_post_folder(rel):
                return rel
        return None

    def _in_post_folder(self, rel: str) -> bool:
        folders = self._folders  # a scan on another thread may reset it
        if folders is None:
            folders = self._folders = [
                rel_folder
                for folder in self.site.post_folders()
                if (rel_folder := self._rel(os.fspath(folder))) is not None
            ]
        for folder in folders:
            if folder and not rel.startswith(folder + "/"):
                continue
            inner = rel[len(folder) + 1 :] if folder else rel
            between = inner.split("/")[:-1]
            if not any(part in SKIP_DIRS or part.startswith(".") for part in between):
                return True
        return False

    def _rel(self, path_str: str) -> str | None:
        if path_str == self._root:
            return ""
        if not path_str.startswith(self._prefix):
            return None
        rel = path_str[len(self._prefix) :]
        return rel.replace(os.sep, "/") if os.sep != "/" else rel

    # -- rows ----------------------------------------------------------------------

    def _collection(self, parts: list[str]) -> str:
        if self._kind == "hugo":
            return "content"
        folders = parts[:-1]
        if "_drafts" in folders:
            return "drafts"
        if "_posts" in folders:
            return "posts"
        inner = self._inner(parts)
        first = inner[0] if len(inner) > 1 else ""
        if first.startswith("_") and first[1:] in self._labels:
            return first[1:]
        return "posts"

    def _inner(self, parts: list[str]) -> list[str]:
        """The path's parts below ``collections_dir``."""
        cd = self._collections_dir.split("/") if self._collections_dir else []
        return parts[len(cd) :] if cd and parts[: len(cd)] == cd else parts

    def _describe(self, rel: str, front: FrontMatter) -> tuple[CachedRow, bool]:
        """The cacheable row of a file (status without the clock's part),
        and whether it may be cached."""
        parts = rel.split("/")
        name = parts[-1]
        stem = name.rsplit(".", 1)[0] if "." in name[1:] else name
        hugo = self._kind == "hugo"
        collection = self._collection(parts)
        data = front.data

        dated = _DATED_STEM.match(stem)
        fallback = stem[dated.end() :] if dated is not None else stem
        if hugo and stem in ("index", "_index") and len(parts) > 1:
            fallback = parts[-2]
        title_value = data.get("title")
        title = " ".join(str(title_value).split()) if _scalar(title_value) else ""
        if isinstance(title_value, bool):
            title = "true" if title_value else "false"
        title = title[:_MAX_TITLE] or fallback or stem

        date_value = _date_value(data.get("date"))
        if hugo and date_value is None:
            date_value = _date_value(_config_value(data, "publishDate"))
        name_date_problem: str | None = None
        if date_value is None and dated is not None and not hugo:
            try:
                date_value = dt.date(*(int(g) for g in dated.groups()))
            except ValueError:
                name_date_problem = (
                    f"the date in the file name ({stem[: dated.end() - 1]}) is not a real "
                    "date; Jekyll stops the build"
                )
        date = date_value.isoformat() if date_value is not None else None

        categories: list[str] = []
        tags: list[str]
        if hugo:
            categories = _terms(data.get("categories"), False)
            tags = _terms(data.get("tags"), False)
        else:
            if collection in ("posts", "drafts"):
                inner = "/".join(self._inner(parts))
                categories = _categories_from_path(inner, f"_{collection}")
            categories += _terms(data.get("categories"), True)
            categories += _terms(data.get("category"), False)
            if data.get("tag") is not None:
                tags = _terms(data.get("tag"), False)
            else:
                tags = _terms(data.get("tags"), True)

        status: Status = "normal"
        problem: str | None = None
        published = data.get("published")
        draft = data.get("draft")
        if front.problem is not None:
            status, problem = "invalid", front.problem
        elif name_date_problem is not None and self._kind == "jekyll":
            status, problem = "invalid", name_date_problem
        elif self._kind == "jekyll" and collection == "posts" and dated is None:
            status = "invalid"
            problem = (
                "no date in the file name (YYYY-MM-DD-title.md); Jekyll skips such files in _posts"
            )
        elif collection == "drafts":
            status, problem = "draft", "in _drafts; Jekyll builds drafts only with --drafts"
        elif hugo and (draft is True or (isinstance(draft, str) and draft.lower() == "true")):
            status, problem = "draft", "draft: true; Hugo builds drafts only with --buildDrafts"
        elif published is False:
            status = "unpublished"
            problem = (
                "published: false; Hugo treats it as a draft"
                if hugo
                else "published: false; Jekyll skips it unless the site sets unpublished: true"
            )
        entry: CachedRow = (
            rel,
            front.size,
            front.mtime_ns,
            title,
            date,
            self._json(categories),
            self._json(tags),
            status,
            problem,
            collection,
        )
        return entry, front.cacheable

    def _now(self) -> _Now:
        now = self._clock()
        # Any date before this day is past in every time zone: no need to
        # parse it (most of an archive).
        return now, (now - dt.timedelta(days=2)).date().isoformat()

    def _row(self, entry: CachedRow, path_str: str, clock: _Now) -> LibraryRow:
        """The row for a cached or fresh entry, with the clock's part of the
        status decided now."""
        rel, size, mtime_ns, title, date, categories, tags, stored, problem, collection = entry
        status = _STATUS_OF.get(stored)
        if status is None:
            status, problem = "invalid", "the library cache holds a bad row"
        now, surely_past = clock
        if (
            status == "normal"
            and date is not None
            and not self._allow_future
            and date >= surely_past
        ):
            moment = _moment(date, self._zone)
            if moment is not None and moment > now:
                status = "future"
                builder = (
                    "Hugo skips future content unless buildFuture is set"
                    if self._kind == "hugo"
                    else "Jekyll skips future posts unless future: true"
                )
                problem = f"dated {_spelled(date)}, after now; {builder}"
        return LibraryRow(
            path_str,
            rel,
            title,
            date,
            self._tuple(categories),
            self._tuple(tags),
            status,
            problem,
            size,
            mtime_ns,
            sys.intern(collection),
        )

    def _json(self, items: list[str]) -> str:
        """Categories or tags as the cache stores them (JSON, without
        repeats), remembered with their shared tuple."""
        key = tuple(dict.fromkeys(items))
        text = self._texts.get(key)
        if text is None:
            text = json.dumps(list(key), ensure_ascii=False)
            self._texts[key] = text
            self._tuples[text] = tuple(sys.intern(item) for item in key)
        return text

    def _tuple(self, text: str) -> tuple[str, ...]:
        found = self._tuples.get(text)
        if found is None:
            try:
                items = json.loads(text)
            except ValueError:
                items = []
            if not isinstance(items, list):
                items = []
            found = tuple(sys.intern(str(item)) for item in items)
            self._tuples[text] = found
        return found


def open_index(root: Path, *, use_cache: bool = True) -> LibraryIndex:
    """The index of the site at ``root``, with its cache unless told not to."""
    site = open_site(root)
    cache = LibraryCache.for_site(site.root) if use_cache else None
    return LibraryIndex(site, cache)


def scan_process_main(
    connection: Connection, root: str, cache_path: str | None, batch_size: int = 500
) -> None:
    """The body of a scanning process for the site at ``root`` (with the
    cache file at ``cache_path``, if any). It sends ``("rows", batch)``
    messages: first every cached row as it was last seen, then
    ``("listed", None)``, then the rows that the check of every file found
    new or changed, and last ``("done", gone)`` with the paths of cached rows
    whose files are gone. Any message received means stop.

    A scan in its own process never holds the window's interpreter: in a
    thread, its Python work made each of the view's calls into Python wait,
    and a sidebar update took 50-70 ms instead of 8 ms."""
    site = open_site(Path(root))
    cache = LibraryCache(Path(cache_path)) if cache_path else None
    index = LibraryIndex(site, cache)
    checked = 0

    def cancelled() -> bool:
        nonlocal checked
        checked += 1
        return checked % 64 == 0 and connection.poll()

    try:
        listed: dict[str, tuple[int, int]] = {}
        for batch in index.cached_rows(batch_size):
            for row in batch:
                listed[row.path] = (row.size, row.mtime_ns)
            connection.send(("rows", batch))
            if connection.poll():
                return
        connection.send(("listed", None))
        seen: set[str] = set()
        for batch in index.scan(cancelled=cancelled, batch_size=batch_size):
            seen.update(row.path for row in batch)
            fresh = [row for row in batch if listed.get(row.path) != (row.size, row.mtime_ns)]
            if fresh:
                connection.send(("rows", fresh))
        if not connection.poll():
            connection.send(("done", [path for path in listed if path not in seen]))
    except (BrokenPipeError, EOFError, OSError):
        pass  # the window went away
    finally:
        if cache is not None:
            cache.close()
