"""What real Jekyll publishes for each post of a site, as the reference for
the fidelity benchmark.

A copy of the site is built with Debian's ``jekyll`` after four changes that
leave post bodies alone:

- every layout becomes ``<!-- galley-src: {{ page.path }} -->{{ content }}``
  (also layouts that posts name but the site lacks, e.g. from a theme), and
  every front-matter default that sets a layout, plus one for the whole site,
  points to such a layout, so each output file holds exactly one rendered
  body and names the source it came from;
- ``plugins``/``gems``/``theme`` are overridden in an extra config file
  (``--safe`` ignores plugin gems anyway; a missing theme gem is fatal) and
  the site's own ``_config.yml`` is used unchanged otherwise (kramdown
  settings, collections, defaults' other values);
- pages (not posts or collection documents) are built without Liquid: their
  includes may call plugin tags (``{% avatar %}``) that ``--safe`` cannot
  load, and they are not measured;
- Sass/CoffeeScript sources are deleted: their partials are often left out
  of a copied site, and they have nothing to do with post bodies.

A post or page that Jekyll still cannot build is excluded and reported, and
the build is retried, so that one plugin tag does not lose a whole site.

Builds are cached by a hash of the site's files, so a second run with the
same cache folder costs only the hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

CONFIG_NAMES = ("_config.yml", "_config.yaml", "_config.toml")
LAYOUT_NAME = "galley-content"
MARKER_PREFIX = "<!-- galley-src: "
MARKER_SUFFIX = " -->"
MARKER_LAYOUT = MARKER_PREFIX + "{{ page.path }}" + MARKER_SUFFIX + "{{ content }}"
OVERLAY_CONFIG = "_galley_fidelity.yml"
# Extensions Jekyll renders as posts/documents (Markdown and HTML); other
# files in _posts or a collection are static files.
DOCUMENT_SUFFIXES = (".md", ".markdown", ".mkdown", ".mkdn", ".mkd", ".mdown", ".mdwn", ".html")
# Folders that are build output, caches or VCS data, never site sources.
SKIP_DIRS = frozenset(
    {
        "_site",
        ".git",
        ".hg",
        ".svn",
        ".jekyll-cache",
        ".sass-cache",
        "node_modules",
        "vendor",
        ".bundle",
    }
)
# Asset sources whose converters need files a copied site often lacks.
DROPPED_SUFFIXES = (".scss", ".sass", ".coffee")
MAX_RETRIES = 20

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Jekyll's Document::DATE_FILENAME_MATCHER, applied to the file name.
_POST_NAME = re.compile(r"^(\d{2,4}-\d{1,2}-\d{1,2})-([^/]*)(\.[^.]+)$")
_FRONT_MATTER_LINE = re.compile(rb"^---\s*\r?\n")
_LAYOUT_LINE = re.compile(rb"""^layout:[ \t]*["']?([^"'\s#]+)""", re.MULTILINE)
# Layout values that mean "no layout" to Jekyll (`null` means "use the
# defaults", which already point at the marker layout).
_NO_LAYOUT = frozenset({b"none", b"false"})
_FAILED_FILE = re.compile(r"(?:included in|\bin) (\S[^\n]*?)\s*$", re.MULTILINE)

SourceKind = Literal["post", "draft", "doc"]


class ReferenceBuildError(RuntimeError):
    """Jekyll could not build the site copy, and no single post was to blame."""


@dataclass(frozen=True, slots=True)
class Source:
    """One file Jekyll renders into its own output: a post, a draft or a
    collection document. ``rel`` is its path relative to the site root, in
    the form Jekyll's ``page.path`` gives it (forward slashes)."""

    site: Path
    rel: str
    kind: SourceKind

    @property
    def path(self) -> Path:
        return self.site / self.rel


@dataclass(slots=True)
class ReferenceBuild:
    """The rendered body of every source Jekyll output, keyed by ``rel``.

    ``missing`` lists sources with no output (Jekyll skipped them, e.g. a
    post whose file name has no date) and ``excluded`` those left out
    because they broke the build, with Jekyll's message.
    """

    site: Path
    sources: list[Source]
    bodies: dict[str, str]
    build_seconds: float
    cached: bool
    jekyll_version: str
    excluded: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.site.name


# -- finding sites and sources ----------------------------------------------


def find_sites(corpus: Path) -> list[Path]:
    """Every folder at or under ``corpus`` with a Jekyll config, sorted;
    the folders inside a site are not searched."""
    sites: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(corpus):
        if any(name in filenames for name in CONFIG_NAMES):
            sites.append(Path(dirpath))
            dirnames[:] = []
            continue
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith((".", "_")) and d not in SKIP_DIRS
        )
    return sorted(sites)


def config_path(site: Path) -> Path:
    """The site's Jekyll config file (the first of ``CONFIG_NAMES`` present)."""
    for name in CONFIG_NAMES:
        if (site / name).is_file():
            return site / name
    raise ReferenceBuildError(f"{site}: no _config.yml")


def read_config(site: Path) -> dict[str, Any]:
    """The site's configuration as plain Python values ({} when empty)."""
    path = config_path(site)
    try:
        if path.suffix == ".toml":
            data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
        else:
            data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except (YAMLError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ReferenceBuildError(f"{path}: cannot read the config: {exc}") from None
    return data if isinstance(data, dict) else {}


def list_sources(site: Path, config: dict[str, Any]) -> list[Source]:
    """Posts and drafts (``_posts``/``_drafts`` anywhere in the site) and the
    documents of collections with ``output: true``, sorted by path.

    Like Jekyll, a file in ``_posts`` needs a date in its name, and a file
    in another collection needs front matter (otherwise it is copied as a
    static file).
    """
    sources: dict[str, Source] = {}
    for folder, kind in _post_folders(site):
        for path in _documents_in(folder):
            rel = path.relative_to(site).as_posix()
            if kind == "draft" or _POST_NAME.match(path.name):
                sources[rel] = Source(site, rel, kind)
    collections_dir = site / str(config.get("collections_dir") or "")
    collections = config.get("collections") or {}
    if isinstance(collections, list):  # the old form: a list of labels
        collections = {label: {} for label in collections}
    for label, meta in collections.items():
        if label in ("posts", "drafts") or not (isinstance(meta, dict) and meta.get("output")):
            continue
        for path in _documents_in(collections_dir / f"_{label}"):
            if _has_front_matter(path):
                rel = path.relative_to(site).as_posix()
                sources.setdefault(rel, Source(site, rel, "doc"))
    return [sources[rel] for rel in sorted(sources)]


_POST_FOLDERS: tuple[tuple[str, SourceKind], ...] = (("_posts", "post"), ("_drafts", "draft"))


def _post_folders(site: Path) -> Iterator[tuple[Path, SourceKind]]:
    for dirpath, dirnames, _ in os.walk(site):
        for name, kind in _POST_FOLDERS:
            if name in dirnames:
                yield Path(dirpath) / name, kind
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith((".", "_")) and d not in SKIP_DIRS
        )


def _has_front_matter(path: Path) -> bool:
    # Jekyll's Utils.has_yaml_header? reads the first line as bytes, so a BOM
    # before the dashes means "no front matter" there too.
    with path.open("rb") as stream:
        return _FRONT_MATTER_LINE.match(stream.readline()) is not None


def _documents_in(folder: Path) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in DOCUMENT_SUFFIXES:
            yield path


# -- building -----------------------------------------------------------------


def build_reference(site: Path, cache_root: Path, jekyll: str = "jekyll") -> ReferenceBuild:
    """Build (or reuse from ``cache_root``) the reduced copy of ``site``.

    Raises ReferenceBuildError when ``jekyll`` is missing or the build fails
    for a reason no exclusion can fix.
    """
    site = site.resolve()
    config = read_config(site)
    sources = list_sources(site, config)
    version = jekyll_version(jekyll)
    # This module's own text is hashed too: a change to how the copy is
    # prepared must not reuse builds made the old way.
    recipe = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    digest = tree_hash(site, extra=f"{recipe}\n{version}")
    work = cache_root / site.name
    stamp_path = work / "stamp.json"
    stamp = _read_stamp(stamp_path)
    cached = stamp.get("hash") == digest and (work / "out").is_dir()
    if not cached:
        stamp = _build(site, config, sources, work, jekyll)
        stamp["hash"] = digest
        stamp_path.write_text(json.dumps(stamp, ensure_ascii=False, indent=1), encoding="utf-8")
    bodies = collect_bodies(work / "out")
    excluded: dict[str, str] = stamp.get("excluded", {})
    wanted = {source.rel for source in sources}
    return ReferenceBuild(
        site=site,
        sources=sources,
        bodies={rel: html for rel, html in bodies.items() if rel in wanted},
        build_seconds=float(stamp.get("seconds", 0.0)),
        cached=cached,
        jekyll_version=version,
        excluded=excluded,
        missing=[s.rel for s in sources if s.rel not in bodies and s.rel not in excluded],
        notes=list(stamp.get("notes", [])),
    )


def jekyll_version(jekyll: str = "jekyll") -> str:
    """``jekyll --version``'s answer, e.g. ``jekyll 4.3.1``."""
    if shutil.which(jekyll) is None:
        raise ReferenceBuildError(
            f"{jekyll!r} not found; install Jekyll (Debian: apt-get install -y jekyll)"
        )
    done = subprocess.run([jekyll, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or done.stderr.strip()


def tree_hash(root: Path, extra: str = "") -> str:
    """SHA-256 over every file's relative path and bytes (skipping build
    output and VCS folders), plus ``extra``."""
    digest = hashlib.sha256(extra.encode())
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            path = Path(dirpath) / name
            digest.update(path.relative_to(root).as_posix().encode("utf-8", "surrogateescape"))
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def _read_stamp(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _build(
    site: Path, config: dict[str, Any], sources: list[Source], work: Path, jekyll: str
) -> dict[str, Any]:
    if work.exists():
        shutil.rmtree(work)
    src, out = work / "src", work / "out"
    shutil.copytree(site, src, ignore=shutil.ignore_patterns(*SKIP_DIRS))
    notes = _reduce(src, config, sources)
    excluded: dict[str, str] = {}
    source_rels = {s.rel for s in sources}
    total = 0.0
    for _ in range(MAX_RETRIES + 1):
        _write_overlay(src, config, list(excluded))
        started = time.perf_counter()
        done = subprocess.run(
            [
                jekyll,
                "build",
                "--safe",
                "--quiet",
                "--future",
                "--unpublished",
                "--drafts",
                "--config",
                f"{config_path(src)},{src / OVERLAY_CONFIG}",
                "-s",
                str(src),
                "-d",
                str(out),
            ],
            capture_output=True,
            text=True,
            check=False,
            cwd=work,
        )
        seconds = time.perf_counter() - started
        total += seconds
        if done.returncode == 0:
            return {
                "seconds": seconds,
                "seconds_with_retries": total,
                "excluded": excluded,
                "notes": notes,
            }
        message = _ANSI.sub("", done.stderr or done.stdout)
        culprit = _culprit(message, src, source_rels)
        if culprit is None or culprit in excluded:
            raise ReferenceBuildError(f"jekyll failed on {site.name}:\n{_first_lines(message)}")
        excluded[culprit] = _first_lines(message, 1)
    raise ReferenceBuildError(f"jekyll failed on {site.name}: more than {MAX_RETRIES} broken files")


def _reduce(src: Path, config: dict[str, Any], sources: list[Source]) -> list[str]:
    """Rewrite the copy in place as the module docstring says; return notes."""
    notes: list[str] = []
    layouts = src / str(config.get("layouts_dir") or "_layouts")
    layouts.mkdir(exist_ok=True)
    names = {path.stem for path in layouts.iterdir() if path.is_file()}
    for path in layouts.iterdir():
        if path.is_file():
            path.write_text(MARKER_LAYOUT, encoding="utf-8")
    wanted = {LAYOUT_NAME} | {_layout_of(s.path) for s in sources}
    for name in sorted(wanted - names - {""} - {n.decode() for n in _NO_LAYOUT}):
        (layouts / f"{name}.html").write_text(MARKER_LAYOUT, encoding="utf-8")
        if name != LAYOUT_NAME:
            notes.append(f"added missing layout {name!r}")
    for source in sources:
        if _force_layout(src / source.rel):
            notes.append(f"gave {source.rel} the content layout instead of none")
    for key in ("plugins", "gems", "theme", "remote_theme"):
        if config.get(key):
            notes.append(f"ignored {key}: {config[key]!r}")
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        for name in filenames:
            if name.endswith(DROPPED_SUFFIXES):
                path = Path(dirpath) / name
                notes.append(f"deleted {path.relative_to(src).as_posix()}")
                path.unlink()
    return notes


def _layout_line(data: bytes) -> re.Match[bytes] | None:
    """The ``layout:`` line of YAML front matter in ``data``, if any."""
    if not _FRONT_MATTER_LINE.match(data):
        return None
    end = data.find(b"\n---", 3)
    return _LAYOUT_LINE.search(data, 0, end if end > 0 else len(data))


def _layout_of(path: Path) -> str:
    """The layout a file's front matter names ('' when none)."""
    match = _layout_line(path.read_bytes())
    return match.group(1).decode("utf-8", "replace") if match else ""


def _force_layout(path: Path) -> bool:
    """Point a ``layout: none``/``false`` line at the marker layout; return
    whether the file changed. Only that line's bytes change."""
    data = path.read_bytes()
    match = _layout_line(data)
    if match is None or match.group(1) not in _NO_LAYOUT:
        return False
    start, end = match.span(1)
    path.write_bytes(data[:start] + LAYOUT_NAME.encode() + data[end:])
    return True


def _write_overlay(src: Path, config: dict[str, Any], excluded: list[str]) -> None:
    """The extra config file given after the site's own: it replaces only
    plugins, theme, defaults and (when something broke) exclude."""
    defaults: list[Any] = [
        {"scope": {"path": ""}, "values": {"layout": LAYOUT_NAME}},
        {"scope": {"path": "", "type": "pages"}, "values": {"render_with_liquid": False}},
    ]
    for entry in config.get("defaults") or []:
        if isinstance(entry, dict) and isinstance(entry.get("values"), dict):
            values = dict(entry["values"])
            if "layout" in values:
                values["layout"] = LAYOUT_NAME
            entry = {**entry, "values": values}
        defaults.append(entry)
    # Jekyll's config merge skips nil values, so `theme: null` would keep the
    # site's theme; a theme that is not a string is dropped (with a warning).
    overlay: dict[str, Any] = {"plugins": [], "gems": [], "theme": False, "defaults": defaults}
    if excluded:
        overlay["exclude"] = [*(config.get("exclude") or []), *excluded]
    # JSON is YAML, and keeps dates and strings exactly as json.dumps wrote them.
    (src / OVERLAY_CONFIG).write_text(
        json.dumps(overlay, default=str, ensure_ascii=False), encoding="utf-8"
    )


def _culprit(message: str, src: Path, source_rels: set[str]) -> str | None:
    """The source or page Jekyll's error names, relative to the site, if
    excluding it can help (never a layout, include or data file)."""
    for match in reversed(list(_FAILED_FILE.finditer(message))):
        raw = match.group(1).strip().rstrip(":.")
        path = Path(raw)
        rel = (
            path.relative_to(src).as_posix()
            if path.is_absolute() and path.is_relative_to(src)
            else raw
        )
        if rel.startswith(("_layouts/", "_includes/", "_data/", "_config")):
            continue
        if rel in source_rels or (src / rel).is_file():
            return rel
    return None


def _first_lines(message: str, count: int = 3) -> str:
    lines = [line.strip() for line in message.splitlines() if line.strip() and "----" not in line]
    return "\n".join(lines[:count])


# -- reading the output -------------------------------------------------------


def collect_bodies(out: Path) -> dict[str, str]:
    """Map ``page.path`` -> rendered body for every output file that starts
    with the marker layout (pages included; callers pick what they need)."""
    bodies: dict[str, str] = {}
    prefix = MARKER_PREFIX.encode()
    for dirpath, _, filenames in os.walk(out):
        for name in filenames:
            path = Path(dirpath) / name
            with path.open("rb") as stream:
                if stream.read(len(prefix)) != prefix:
                    continue
            text = path.read_text(encoding="utf-8", errors="replace")
            end = text.find(MARKER_SUFFIX, len(MARKER_PREFIX))
            if end < 0:
                continue
            bodies[text[len(MARKER_PREFIX) : end]] = text[end + len(MARKER_SUFFIX) :]
    return bodies
