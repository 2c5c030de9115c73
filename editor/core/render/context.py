"""Everything Liquid needs to know about a site, read without Qt.

:class:`SiteContext` reads ``_config.yml`` and the front matter of every
post, draft and collection document once, and answers what Jekyll 4.3
would put in ``site`` and ``page``: URLs from permalink styles and
templates, front-matter ``defaults`` by scope, dates in the site's time
zone, titles and slugs from file names, categories from folders, and the
``_data`` files (read lazily, on first use). Documents are summarised in
:class:`PostSummary` rows so the library and the checks can share them.

Jekyll's own reading of the same things is in ``document.rb``,
``frontmatter_defaults.rb``, ``url.rb`` and ``drops/*.rb``; the comments
below say where Galley follows it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from editor.core import fields as fm_fields
from editor.core import textcodec
from editor.core.errors import EncodingError, UnreadableFileError
from editor.core.render import liquid_permalink as permalinks
from editor.core.render.liquid_text import JekyllTime, as_jekyll_time, titleize_slug
from editor.core.site import Site, open_site
from editor.core.split import split

# Document.rb's matchers for dated and undated file names.
DATE_FILENAME = re.compile(r"^(?:.+/)*?(\d{2,4}-\d{1,2}-\d{1,2})-([^/]*)(\.[^.]+)$")
DATELESS_FILENAME = re.compile(r"^(?:.+/)*(.*)(\.[^.]+)$")
_POST_NAME = re.compile(r"^(.+/)*(\d+-\d+-\d+)-(.*)$")
# Psych's (YAML 1.1) timestamp with a time of day.
_PSYCH_TIME = re.compile(
    r"-?\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d\d:\d\d(?:\.\d*)?"
    r"(?:\s*(?:Z|[-+]\d{1,2}:?(?:\d\d)?))?"
)

# The parts of Jekyll's Configuration::DEFAULTS a template can see.
JEKYLL_DEFAULTS: dict[str, Any] = {
    "collections_dir": "",
    "plugins_dir": "_plugins",
    "layouts_dir": "_layouts",
    "data_dir": "_data",
    "includes_dir": "_includes",
    "collections": {},
    "safe": False,
    "include": [".htaccess"],
    "exclude": [],
    "keep_files": [".git", ".svn"],
    "encoding": "utf-8",
    "markdown_ext": "markdown,mkdown,mkdn,mkd,md",
    "strict_front_matter": False,
    "show_drafts": None,
    "limit_posts": 0,
    "future": False,
    "unpublished": False,
    "whitelist": [],
    "plugins": [],
    "markdown": "kramdown",
    "highlighter": "rouge",
    "lsi": False,
    "excerpt_separator": "\n\n",
    "incremental": False,
    "detach": False,
    "port": "4000",
    "host": "127.0.0.1",
    "baseurl": None,
    "show_dir_listing": False,
    "permalink": "date",
    "paginate_path": "/page:num",
    "timezone": None,
    "quiet": False,
    "verbose": False,
    "defaults": [],
    "liquid": {"error_mode": "warn", "strict_filters": False, "strict_variables": False},
    "kramdown": {
        "auto_ids": True,
        "toc_levels": [1, 2, 3, 4, 5, 6],
        "entity_output": "as_char",
        "smart_quotes": "lsquo,rsquo,ldquo,rdquo",
        "input": "GFM",
        "hard_wrap": False,
        "guess_lang": True,
        "footnote_nr": 1,
        "show_warnings": False,
    },
}

# Data files bigger than this are not read: a preview is no place to parse
# a database dump, and YAML parsing is slow.
MAX_DATA_BYTES = 4 * 1024 * 1024
_DATA_SUFFIXES = (".yml", ".yaml", ".json", ".csv", ".tsv")

Kind = Literal["document", "page"]


@dataclass(frozen=True, slots=True)
class PostSummary:
    """One post, draft or collection document as the site index knows it.

    ``date`` is aware, in the site's time zone. ``data`` is what Liquid
    sees as the document (front matter over defaults, plus ``url``,
    ``id``, ``path`` and the rest); treat it as read-only.
    """

    path: Path
    relative_path: str
    url: str
    title: str
    date: dt.datetime
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    slug: str
    id: str
    collection: str
    draft: bool
    published: bool = True
    data: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class _Where:
    """Where a file sits in the site, in Jekyll's terms."""

    kind: Kind
    collection: str | None  # "posts" for posts and drafts
    relative_path: str  # Jekyll's relative_path (documents: to collections_dir)
    site_path: str  # relative to the site root
    draft: bool


class DocumentDrop(Mapping[str, Any]):
    """A document in ``site.posts`` and friends, as Jekyll's DocumentDrop:
    its variables, plus ``next``/``previous`` found when asked (they are not
    listed by iteration, so walking a drop never loops)."""

    __slots__ = ("_site", "_summary")

    def __init__(self, site: SiteContext, summary: PostSummary) -> None:
        self._site = site
        self._summary = summary

    @property
    def summary(self) -> PostSummary:
        """The document's index row."""
        return self._summary

    @property
    def url(self) -> str:
        """The document's URL (what ``relative_url`` uses for a drop)."""
        return self._summary.url

    def __getitem__(self, key: str) -> Any:
        if key == "next":
            return self._site.neighbour(self._summary, 1)
        if key == "previous":
            return self._site.neighbour(self._summary, -1)
        return self._summary.data[key]

    def __contains__(self, key: object) -> bool:
        return key in ("next", "previous") or key in self._summary.data

    def __iter__(self) -> Iterator[str]:
        return iter(self._summary.data)

    def __len__(self) -> int:
        return len(self._summary.data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DocumentDrop) and other._summary.path == self._summary.path

    def __hash__(self) -> int:
        return hash(self._summary.path)

    def __str__(self) -> str:
        # Ruby prints a drop as its content; the preview has none to give.
        return ""

    def __repr__(self) -> str:
        return f"DocumentDrop({self._summary.relative_path!r})"


class DataDrop(Mapping[str, Any]):
    """``site.data``: the ``_data`` folder, each file read the first time a
    template asks for it (jekyll-docs has a dozen, most posts use none)."""

    __slots__ = ("_cache", "_entries", "_problems")

    def __init__(self, folder: Path, problems: list[str]) -> None:
        self._problems = problems
        self._cache: dict[str, Any] = {}
        self._entries: dict[str, Path] = {}
        try:
            children = sorted(folder.iterdir())
        except OSError:
            children = []
        for child in children:
            if child.name.startswith((".", "_")) and child.is_dir():
                continue
            if child.is_dir():
                self._entries.setdefault(_data_key(child.name), child)
            elif child.suffix.lower() in _DATA_SUFFIXES:
                self._entries.setdefault(_data_key(child.stem), child)

    def __getitem__(self, key: str) -> Any:
        if key in self._cache:
            return self._cache[key]
        path = self._entries[key]
        value = (
            DataDrop(path, self._problems) if path.is_dir() else _read_data(path, self._problems)
        )
        self._cache[key] = value
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __str__(self) -> str:
        return (
            "{" + ", ".join(f'"{k}"=>...' for k in self._entries) + "}" if self._entries else "{}"
        )


def _data_key(name: str) -> str:
    # Jekyll's DataReader#sanitize_filename.
    name = re.sub(r"[^\w\s-]+", "", name).strip()
    return re.sub(r"\s+", "_", name)


def _read_data(path: Path, problems: list[str]) -> Any:
    try:
        if path.stat().st_size > MAX_DATA_BYTES:
            problems.append(
                f"{path.name}: data file larger than {MAX_DATA_BYTES // 1048576} MB, not read"
            )
            return None
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path.name}: cannot read ({exc})")
        return None
    suffix = path.suffix.lower()
    try:
        if suffix in (".yml", ".yaml"):
            yaml = YAML(typ="safe", pure=True)
            # Jekyll reads YAML with Psych, which follows YAML 1.1 (yes/no).
            yaml.version = (1, 1)
            return _plain(yaml.load(text))
        if suffix == ".json":
            return json.loads(text)
        delimiter = "\t" if suffix == ".tsv" else ","
        rows = csv.DictReader(text.splitlines(), delimiter=delimiter)
        # Ruby's CSV gives nil for an empty field.
        return [{k: (v if v != "" else None) for k, v in row.items()} for row in rows]
    except (YAMLError, ValueError, csv.Error, RecursionError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        problems.append(f"{path.name}: {first}")
        return None


def _plain(value: Any) -> Any:
    """Parsed YAML/TOML (ruamel, tomlkit types) as plain dicts, lists and
    scalars; dates stay dates."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Jekyll's ``Utils.deep_merge_hashes``: ``over`` wins, mappings merge,
    and a nil in ``over`` keeps ``base``'s value."""
    merged = dict(base)
    for key, value in over.items():
        old = merged.get(key)
        if value is None and key in merged:
            continue
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            merged[key] = deep_merge(old, value)
        else:
            merged[key] = value
    return merged


def _ruby_dirname(path: str) -> str:
    stripped = path.rstrip("/") or "/"
    return posixpath.dirname(stripped) or "."


def _as_list(value: Any, split_strings: bool) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split() if split_strings else [value]
    if isinstance(value, (list, tuple)):
        out: list[Any] = []
        for item in value:
            if isinstance(item, (list, tuple)):
                out.extend(i for i in item if i is not None)
            elif item is not None:
                out.append(item)
        return out
    return [value]


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A defaults scope glob as a regex: ``*`` stays inside one folder."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        out.append("[^/]*" if ch == "*" else "[^/]" if ch == "?" else re.escape(ch))
        i += 1
    return re.compile("".join(out) + r"\Z")


class SiteContext:
    """A site as Liquid sees it: config, documents, defaults and data.

    Build it with :meth:`load`; it is read-only afterwards and cheap to
    share between renders. ``problems`` lists what could not be read
    (a data file that does not parse, a post that cannot be decoded).
    """

    def __init__(self, site: Site | None, *, now: dt.datetime | None = None) -> None:
        self.site = site
        self.root: Path | None = site.root if site is not None else None
        self.problems: list[str] = []
        if site is not None and site.config_problem:
            self.problems.append(site.config_problem)
        user = site.config if site is not None else {}
        self.config: dict[str, Any] = deep_merge(JEKYLL_DEFAULTS, _plain(user))
        self.config["collections"] = self._collections_config()
        self.timezone = _site_timezone(self.config.get("timezone"))
        moment = now if now is not None else dt.datetime.now(self.timezone)
        self.time: JekyllTime = as_jekyll_time(moment.astimezone(self.timezone))
        self.documents: tuple[PostSummary, ...] = ()
        self._by_path: dict[Path, PostSummary] = {}
        self._drops: dict[Path, DocumentDrop] = {}
        self._site_vars: dict[str, Any] | None = None
        self._loading = False
        self._sorted: dict[str, list[PostSummary]] = {}
        self._markdown_exts = {
            "." + ext.strip().lower()
            for ext in str(self.config.get("markdown_ext") or "").split(",")
            if ext.strip()
        }

    # ----------------------------------------------------------------- load

    @classmethod
    def load(
        cls, root: Path | None, *, now: dt.datetime | None = None, documents: bool = True
    ) -> SiteContext:
        """Read the site at ``root`` (``None``: no site, Jekyll's defaults).
        ``documents=False`` reads only the configuration: enough for
        ``defaults_for`` and cheap on a site of any size."""
        context = cls(open_site(root) if root is not None else None, now=now)
        if documents and context.site is not None and context.site.kind == "jekyll":
            context._read_documents()
        return context

    def _collections_config(self) -> dict[str, dict[str, Any]]:
        raw = self.config.get("collections")
        collections: dict[str, dict[str, Any]] = {}
        if isinstance(raw, list):
            collections = {str(name): {} for name in raw}
        elif isinstance(raw, Mapping):
            collections = {
                str(k): dict(v) if isinstance(v, Mapping) else {} for k, v in raw.items()
            }
        posts = collections.setdefault("posts", {})
        posts["output"] = True
        if self.config.get("permalink"):
            posts.setdefault("permalink", permalinks.style_to_permalink(self.config["permalink"]))
        return collections

    def _read_documents(self) -> None:
        assert self.site is not None
        summaries: list[PostSummary] = []
        self._loading = True
        try:
            for path in self.site.posts():
                summary = self._read_summary(path)
                if summary is not None:
                    summaries.append(summary)
        finally:
            self._loading = False
        self.documents = tuple(summaries)
        self._by_path = {s.path: s for s in summaries}

    def _read_summary(self, path: Path) -> PostSummary | None:
        try:
            text, _ = textcodec.decode(path.read_bytes(), path)
        except (OSError, EncodingError, UnreadableFileError) as exc:
            self.problems.append(f"{path.name}: cannot read ({exc})")
            return None
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        parts = split(text)
        if parts.format is None:
            # Jekyll reads files without front matter in collections as
            # static files, not documents.
            return None
        front = parts.data if parts.problem is None and isinstance(parts.data, Mapping) else {}
        separator = str(self.config.get("excerpt_separator") or "\n\n")
        excerpt = parts.body.split(separator, 1)[0].strip() if separator else ""
        variables = self.page_vars(front, path)
        variables.setdefault("excerpt", excerpt)
        return self._summary(path, variables)

    def _summary(self, path: Path, variables: dict[str, Any]) -> PostSummary:
        date = variables.get("date")
        return PostSummary(
            path=path,
            relative_path=str(variables.get("relative_path") or variables.get("path") or ""),
            url=str(variables.get("url") or ""),
            title=str(variables.get("title") or ""),
            date=date if isinstance(date, dt.datetime) else self.time,
            categories=tuple(str(c) for c in variables.get("categories") or ()),
            tags=tuple(str(t) for t in variables.get("tags") or ()),
            slug=str(variables.get("slug") or ""),
            id=str(variables.get("id") or ""),
            collection=str(variables.get("collection") or "posts"),
            draft=bool(variables.get("draft")),
            published=variables.get("published", True) is not False,
            data=variables,
        )

    # ------------------------------------------------------- where a file is

    def _collections_dir(self) -> str:
        return str(self.config.get("collections_dir") or "").strip("/")

    def _where(self, path: Path | None) -> _Where:
        if path is None:
            return _Where("document", "posts", "_posts/untitled.md", "_posts/untitled.md", False)
        site_path = self._site_relative(path)
        if site_path is None:
            # Outside any site: a post on its own, named as Jekyll would.
            rel = "_posts/" + path.name
            return _Where("document", "posts", rel, rel, False)
        parts = site_path.split("/")
        cd = self._collections_dir()
        rel = site_path[len(cd) + 1 :] if cd and site_path.startswith(cd + "/") else site_path
        if "_drafts" in parts[:-1]:
            return _Where("document", "posts", rel, site_path, True)
        if "_posts" in parts[:-1]:
            return _Where("document", "posts", rel, site_path, False)
        first = rel.split("/", 1)[0]
        for label in self.config["collections"]:
            if label != "posts" and first == f"_{label}" and "/" in rel:
                return _Where("document", label, rel, site_path, False)
        return _Where("page", None, site_path, site_path, False)

    def _site_relative(self, path: Path) -> str | None:
        if self.root is None:
            return None
        try:
            absolute = path if path.is_absolute() else self.root / path
            return absolute.resolve().relative_to(self.root).as_posix()
        except (ValueError, OSError):
            return None

    # -------------------------------------------------------------- defaults

    def defaults_for(self, path: Path | None) -> dict[str, Any]:
        """The front-matter ``defaults`` from ``_config.yml`` that apply to
        the file at ``path`` (what its fields inherit when not set)."""
        where = self._where(path)
        kind = where.collection if where.kind == "document" else "pages"
        return self._defaults(where.relative_path, kind or "pages")

    def _defaults(self, relative_path: str, kind: str) -> dict[str, Any]:
        sets = self.config.get("defaults")
        if not isinstance(sets, list):
            return {}
        result: dict[str, Any] = {}
        old_scope: Mapping[str, Any] | None = None
        for entry in sets:
            if not isinstance(entry, Mapping) or not isinstance(entry.get("values"), Mapping):
                continue
            scope = entry.get("scope")
            scope = scope if isinstance(scope, Mapping) else {}
            if not self._scope_applies(scope, relative_path, kind):
                continue
            values = self._yaml_times(_plain(entry["values"]))
            if _has_precedence(old_scope, scope):
                result = deep_merge(result, values)
                old_scope = scope
            else:
                result = deep_merge(values, result)
        return result

    def _scope_applies(self, scope: Mapping[str, Any], path: str, kind: str) -> bool:
        scope_type = scope.get("type")
        if scope_type is not None:
            wanted = {"page": "pages", "post": "posts", "draft": "drafts"}.get(
                str(scope_type), str(scope_type)
            )
            if wanted != kind:
                return False
        scope_path = scope.get("path")
        if not isinstance(scope_path, str) or scope_path == "":
            return True
        scope_path = _sanitize_scope_path(scope_path)
        cd = self._collections_dir()
        if cd and scope_path.startswith(cd + "/"):
            scope_path = scope_path[len(cd) + 1 :]
        if "*" in scope_path:
            regex = _glob_regex(scope_path)
            pieces = path.split("/")
            return any(regex.match("/".join(pieces[:n])) for n in range(1, len(pieces) + 1))
        # Jekyll compares plain string prefixes (so "_posts" also covers
        # "_posts_old"); kept for fidelity.
        return path.startswith(scope_path)

    # -------------------------------------------------------------- page vars

    def page_vars(self, fields: Mapping[str, Any], path: Path | None) -> dict[str, Any]:
        """What Liquid's ``page`` is for a file with front matter ``fields``
        at ``path`` (``None``: an unsaved post): front matter merged over the
        matching defaults, plus ``url``, ``date``, ``id``, ``path``,
        ``slug``, ``categories``/``tags`` as lists, ``collection``..."""
        where = self._where(path)
        front = self._yaml_times(_plain(fields)) if isinstance(fields, Mapping) else {}
        if where.kind == "page":
            return self._page_vars(front, where, path)
        data = self._document_vars(front, where, path)
        summary = self.summary_for(path) if path is not None and not self._loading else None
        if summary is not None:
            data["next"] = self.neighbour(summary, 1)
            data["previous"] = self.neighbour(summary, -1)
        return data

    def _yaml_times(self, value: Any) -> Any:
        """Times as Jekyll's YAML reader (Psych) gives them: a time written
        without an offset is UTC (shown in the site's zone), one with an
        offset keeps it; ``+0800``-style offsets, which ruamel leaves as
        text, are times too."""
        if isinstance(value, dict):
            return {k: self._yaml_times(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._yaml_times(v) for v in value]
        if isinstance(value, str) and _PSYCH_TIME.fullmatch(value):
            parsed = fm_fields.parse_date(value)
            value = parsed.value if parsed is not None else value
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                return as_jekyll_time(value.replace(tzinfo=dt.UTC).astimezone(self.timezone))
            return as_jekyll_time(value)
        return value

    def _output_ext(self, ext: str, permalink: object) -> str:
        forced = permalinks.permalink_ext(permalink)
        if forced:
            return forced
        return ".html" if ext.lower() in self._markdown_exts or ext == "" else ext

    def _document_vars(
        self, front: dict[str, Any], where: _Where, path: Path | None
    ) -> dict[str, Any]:
        label = where.collection or "posts"
        rel = where.relative_path
        defaults = self._defaults(rel, label)
        special = "_drafts" if where.draft else f"_{label}"
        data: dict[str, Any] = {"categories": _categories_from_path(rel, special)}
        for layer in (defaults, front):
            layer = dict(layer)
            if layer.get("categories") is not None:
                new = _as_list(layer["categories"], split_strings=True)
                layer["categories"] = list(dict.fromkeys([*data.get("categories", []), *new]))
            data = deep_merge(data, layer)

        name = rel.rsplit("/", 1)[-1]
        basename_without_ext = name.rsplit(".", 1)[0] if "." in name[1:] else name
        date = self._to_time(data.get("date"))
        match = DATE_FILENAME.match(rel)
        slug: str | None = None
        ext = ""
        if match is not None:
            date_text, slug, ext = match.groups()
            if date is None:
                date = self._to_time(date_text)
        else:
            dateless = DATELESS_FILENAME.match(rel)
            if dateless is not None:
                slug, ext = dateless.groups()
        slug = (slug if slug is not None else basename_without_ext).rstrip(".")
        if not data.get("title"):
            data["title"] = titleize_slug(slug)
        if not data.get("slug"):
            data["slug"] = slug
        if not data.get("ext"):
            data["ext"] = ext
        if date is None:
            date = self._fallback_date(path, where.draft)
        data["date"] = date

        categories = _as_list(data.get("categories"), split_strings=True)
        if "category" in data and data["category"] is not None:
            categories += _as_list(data["category"], split_strings=False)
        data["categories"] = list(dict.fromkeys(str(c) for c in categories))
        if "tag" in data and data["tag"] is not None:
            tags = _as_list(data["tag"], split_strings=False)
        else:
            tags = _as_list(data.get("tags"), split_strings=True)
        data["tags"] = tags
        if not data.get("draft"):
            data["draft"] = where.draft

        meta = self.config["collections"].get(label, {})
        template = meta.get("permalink") if isinstance(meta, Mapping) else None
        if not isinstance(template, str) or not template:
            template = permalinks.add_permalink_suffix(
                "/:collection/:path", self.config.get("permalink")
            )
        permalink = data.get("permalink")
        output_ext = self._output_ext(ext or posixpath.splitext(name)[1], permalink)
        directory = f"_{label}"
        cleaned = rel[: len(rel) - len(ext)] if ext else rel
        cleaned = cleaned.replace(directory, "", 1).rstrip(".")
        placeholders = permalinks.document_placeholders(
            collection=label,
            basename_without_ext=basename_without_ext,
            slug=str(data["slug"]) if data.get("slug") is not None else None,
            categories=data["categories"],
            date=date,
            output_ext=output_ext,
            cleaned_relative_path=cleaned,
        )
        url = permalinks.document_url(template, permalink, placeholders)
        data["url"] = url
        data["id"] = posixpath.join(
            _ruby_dirname(url), str(data.get("slug") or basename_without_ext)
        )
        data["path"] = rel
        data["relative_path"] = rel
        data["collection"] = label
        data.setdefault("name", name)
        data.setdefault("output", None)
        data.setdefault("excerpt", "")
        return data

    def _page_vars(self, front: dict[str, Any], where: _Where, path: Path | None) -> dict[str, Any]:
        rel = where.site_path
        data = deep_merge(self._defaults(rel, "pages"), front)
        name = rel.rsplit("/", 1)[-1]
        directory = posixpath.dirname(rel)
        stem, dot, ext = name.rpartition(".")
        basename = (stem if dot else name).rstrip(".")
        ext = "." + ext if dot else ""
        permalink = data.get("permalink")
        output_ext = self._output_ext(ext, permalink)
        url = permalinks.page_url(
            directory=directory,
            basename=basename,
            output_ext=output_ext,
            permalink=permalink,
            style=self.config.get("permalink"),
        )
        if "date" in data:
            data["date"] = self._to_time(data["date"]) or data["date"]
        data["url"] = url
        data["path"] = data.get("path") or rel
        data["name"] = name
        if url.endswith("/"):
            data["dir"] = url
        else:
            parent = _ruby_dirname(url)
            data["dir"] = parent if parent.endswith("/") else parent + "/"
        return data

    def _fallback_date(self, path: Path | None, draft: bool) -> JekyllTime:
        if draft and path is not None:
            try:
                moment = dt.datetime.fromtimestamp(path.stat().st_mtime, self.timezone)
                return as_jekyll_time(moment)
            except OSError:
                pass
        return self.time

    def _to_time(self, value: Any) -> JekyllTime | None:
        """A front-matter date as Jekyll reads it: in the site's zone."""
        if isinstance(value, str):
            parsed = fm_fields.parse_date(value)
            if parsed is None:
                return None
            value = parsed.value
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                return as_jekyll_time(value.replace(tzinfo=self.timezone))
            return as_jekyll_time(value.astimezone(self.timezone))
        if isinstance(value, dt.date):
            return as_jekyll_time(
                dt.datetime(value.year, value.month, value.day, tzinfo=self.timezone)
            )
        return None

    def to_time(self, value: Any) -> JekyllTime | None:
        """``value`` (a date, datetime or date string) in the site's zone;
        None if it is not a date."""
        return self._to_time(value)

    # -------------------------------------------------------------- site vars

    def _collection_docs(self, label: str) -> list[PostSummary]:
        """A collection's published documents in Jekyll's order (oldest
        first; ``sort_by``/``order`` from the collection's config)."""
        if label in self._sorted:
            return self._sorted[label]
        docs = [
            d
            for d in self.documents
            if d.collection == label
            and (not d.draft or self.config.get("show_drafts"))
            and (d.published or self.config.get("unpublished"))
        ]
        if label == "posts" and not self.config.get("future"):
            docs = [d for d in docs if d.date <= self.time]
        meta = self.config["collections"].get(label, {})
        order = meta.get("order") if isinstance(meta, Mapping) else None
        sort_by = meta.get("sort_by") if isinstance(meta, Mapping) else None
        if isinstance(order, list):
            names = [str(name) for name in order]
            directory = f"_{label}/"

            def position(doc: PostSummary) -> tuple[int, str]:
                inside = doc.relative_path.removeprefix(directory)
                return (names.index(inside) if inside in names else len(names), doc.relative_path)

            docs.sort(key=position)
        elif isinstance(sort_by, str):
            docs.sort(key=lambda d: (str(d.data.get(sort_by, "")), d.relative_path))
        else:
            docs.sort(key=lambda d: (d.date, str(d.path)))
        self._sorted[label] = docs
        return docs

    def posts(self) -> list[PostSummary]:
        """The posts in ``site.posts``: published, not in the future unless
        ``future: true``, drafts only with ``show_drafts``; newest first."""
        return list(reversed(self._collection_docs("posts")))

    def drop(self, summary: PostSummary) -> DocumentDrop:
        """The (shared) Liquid drop for ``summary``."""
        drop = self._drops.get(summary.path)
        if drop is None:
            drop = self._drops[summary.path] = DocumentDrop(self, summary)
        return drop

    def neighbour(self, summary: PostSummary, step: int) -> DocumentDrop | None:
        """The document before (``-1``) or after (``1``) ``summary`` in its
        collection, as Jekyll's ``previous``/``next``."""
        docs = self._collection_docs(summary.collection)
        for index, doc in enumerate(docs):
            if doc.path == summary.path:
                other = index + step
                return self.drop(docs[other]) if 0 <= other < len(docs) else None
        return None

    def summary_for(self, path: Path) -> PostSummary | None:
        """The index row of the document at ``path``, if it was read."""
        try:
            return self._by_path.get(path.resolve()) or self._by_path.get(path)
        except OSError:
            return self._by_path.get(path)

    def site_vars(self) -> dict[str, Any]:
        """What Liquid's ``site`` is: config values (over Jekyll's defaults)
        plus ``time``, ``posts`` (newest first), ``tags``, ``categories``,
        ``data``, ``collections``, ``documents``, one list per collection,
        and empty ``pages``/``static_files``. Computed once and shared;
        ``data`` files are read when first used."""
        if self._site_vars is not None:
            return self._site_vars
        site: dict[str, Any] = {k: v for k, v in self.config.items() if k != "config"}
        site["time"] = self.time
        posts = [self.drop(s) for s in self.posts()]
        site["posts"] = posts
        site["related_posts"] = posts[:10]
        # Jekyll builds these walking the posts oldest first (which sets the
        # order of the keys), then lists each one's posts newest first.
        tags: dict[str, list[DocumentDrop]] = {}
        categories: dict[str, list[DocumentDrop]] = {}
        for drop in reversed(posts):
            for tag in drop.summary.data.get("tags") or ():
                tags.setdefault(str(tag), []).insert(0, drop)
            for category in drop.summary.data.get("categories") or ():
                categories.setdefault(str(category), []).insert(0, drop)
        site["tags"] = tags
        site["categories"] = categories
        site["pages"] = []
        site["html_pages"] = []
        site["static_files"] = []
        if "data" not in site:
            data_dir = str(self.config.get("data_dir") or "_data")
            site["data"] = (
                DataDrop(self.root / data_dir, self.problems) if self.root is not None else {}
            )
        documents: list[DocumentDrop] = []
        collections: list[dict[str, Any]] = []
        for label in sorted(self.config["collections"]):
            meta = self.config["collections"][label]
            docs = [self.drop(s) for s in self._collection_docs(label)]
            documents.extend(docs)
            cd = self._collections_dir()
            directory = f"_{label}"
            entry = dict(meta) if isinstance(meta, Mapping) else {}
            entry.update(
                {
                    "label": label,
                    "docs": docs,
                    "files": [],
                    "relative_directory": directory,
                    "directory": str(self.root / cd / directory) if self.root else directory,
                    "output": bool(entry.get("output", False)),
                }
            )
            collections.append(entry)
            if label != "posts":
                site[label] = docs
        site["collections"] = collections
        site["documents"] = documents
        self._site_vars = site
        return site

    # ------------------------------------------------------- lookups for tags

    def document_for_url(self, url_path: str) -> PostSummary | None:
        """The post or document published at ``url_path`` (``baseurl`` and
        ``index.html``/``.html`` spelling differences allowed), if any."""
        baseurl = "/" + str(self.config.get("baseurl") or "").strip("/")
        path = url_path.split("#", 1)[0].split("?", 1)[0] or "/"
        if baseurl != "/" and (path == baseurl or path.startswith(baseurl + "/")):
            path = path[len(baseurl) :] or "/"

        def shapes(url: str) -> set[str]:
            url = url if url.startswith("/") else "/" + url
            bare = url.removesuffix("index.html").removesuffix(".html").rstrip("/")
            return {bare, bare + "/", bare + ".html", bare + "/index.html"}

        wanted = shapes(path)
        for document in self.documents:
            if document.url and shapes(document.url) & wanted:
                return document
        return None

    def find_post(self, name: str) -> PostSummary | None:
        """The post ``{% post_url name %}`` names (``2010-07-21-slug`` or
        ``folder/2010-07-21-slug``), as Jekyll's ``PostComparer`` finds it."""
        match = _POST_NAME.match(name.strip().lstrip("/"))
        if match is None:
            return None
        folder, date, slug = match.group(1) or "", match.group(2), match.group(3)
        base = re.escape(date) + "-" + re.escape(slug) + r"\.[^.]+$"
        pattern = re.compile(
            "^_posts/" + re.escape(folder) + base + "|^" + re.escape(folder) + "_posts/?" + base
        )
        posts = [d for d in self.documents if d.collection == "posts" and not d.draft]
        for doc in posts:
            if pattern.search(doc.relative_path):
                return doc
        # Jekyll's deprecated fallback: same slug and day, any folder.
        for doc in posts:
            parent = doc.relative_path.rsplit("/", 1)[0]
            sub = parent.split("_posts/", 1)[1] if "_posts/" in parent else ""
            doc_slug = f"{sub}/{doc.slug}" if sub else doc.slug
            day = doc.date
            if doc_slug == (folder + slug) and f"{day:%Y-%m-%d}" == _normal_date(date):
                return doc
        return None

    def url_for_file(self, relative: str) -> str | None:
        """The URL of the site file ``relative`` (a page, document or static
        file, relative to the site root) as ``{% link %}`` finds it; None
        when Jekyll would not publish such a file."""
        if self.root is None:
            return None
        rel = relative.strip().lstrip("/")
        if not rel or any(part in ("", ".", "..") for part in rel.split("/")):
            return None
        path = self.root / rel
        if not path.is_file() or self._site_relative(path) != rel:
            cd = self._collections_dir()
            if cd and (self.root / cd / rel).is_file():
                path = self.root / cd / rel
                rel = f"{cd}/{rel}"
            else:
                return None
        where = self._where(path)
        if where.kind == "document":
            label = where.collection or "posts"
            meta = self.config["collections"].get(label, {})
            if label != "posts" and not (isinstance(meta, Mapping) and meta.get("output")):
                return None
            summary = self.summary_for(path)
            if summary is not None:
                return summary.url
            return str(self.page_vars(_front_matter_of(path) or {}, path).get("url") or "")
        if self._excluded(rel):
            return None
        front = _front_matter_of(path)
        if front is None:
            return "/" + rel
        return str(self.page_vars(front, path).get("url") or "")

    def _excluded(self, rel: str) -> bool:
        include = [str(x) for x in self.config.get("include") or []]
        exclude = [str(x).strip("/") for x in self.config.get("exclude") or []]
        parts = rel.split("/")
        for part in parts:
            if part in include:
                continue
            if part.startswith((".", "_", "#")) or part.endswith("~"):
                return True
        return any(rel == e or rel.startswith(e + "/") for e in exclude if e)


def _normal_date(text: str) -> str:
    try:
        y, m, d = (int(x) for x in text.split("-"))
        return f"{y:04d}-{m:02d}-{d:02d}"
    except ValueError:
        return text


def _front_matter_of(path: Path) -> dict[str, Any] | None:
    """The front matter of ``path``, or None when it has none (a static
    file to Jekyll)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(3)
            if head != b"---":
                return None
            data = head + handle.read(256 * 1024)
        text, _ = textcodec.decode(data, path)
    except (OSError, EncodingError, UnreadableFileError):
        return None
    parts = split(text.replace("\r\n", "\n"))
    if parts.format is None:
        return None
    return _plain(parts.data) if isinstance(parts.data, Mapping) else {}


def _categories_from_path(relative_path: str, special_dir: str) -> list[str]:
    """Folders above ``_posts`` become categories (``news/_posts/x.md`` is
    in ``news``), as Jekyll's ``Document#categories_from_path``."""
    if relative_path.startswith(special_dir):
        return []
    head = re.sub(re.escape(special_dir) + ".*", "", relative_path, count=1, flags=re.S)
    basename = relative_path.rsplit("/", 1)[-1]
    return [p for p in head.split("/") if p and p != special_dir and p != basename]


def _sanitize_scope_path(path: str) -> str:
    return path[1:] if path.startswith("/") else path


def _has_precedence(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> bool:
    if old is None:
        return True
    new_path = _sanitize_scope_path(str(new.get("path") or ""))
    old_path = _sanitize_scope_path(str(old.get("path") or ""))
    if len(new_path) != len(old_path):
        return len(new_path) >= len(old_path)
    if "type" in new:
        return True
    return "type" not in old


def _site_timezone(name: object) -> dt.tzinfo:
    """The site's ``timezone:`` (an IANA name), else this machine's zone,
    which is what Jekyll uses when none is configured."""
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    local = dt.datetime.now().astimezone().tzinfo
    return local if local is not None else dt.UTC
