"""A static-site folder: what kind it is and where its posts are.

Jekyll is recognised by ``_config.yml`` (or ``.yaml``/``.toml``), Hugo by
``hugo.toml``/``config.toml`` (and their YAML/JSON twins). Post folders are
Jekyll's ``_posts`` and ``_drafts`` (also nested ones such as
``news/_posts``) and collection folders named in ``_config.yml``; for Hugo,
``content/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

POST_SUFFIXES = (
    ".md",
    ".markdown",
    ".mkd",
    ".mkdn",
    ".mdown",
    ".mdwn",
    ".html",
    ".htm",
    ".textile",
)
# Folders no post lives in and that can be huge.
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
        "public",
        "resources",
        ".bundle",
        "__pycache__",
    }
)
_JEKYLL_CONFIGS = ("_config.yml", "_config.yaml", "_config.toml")
_HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.json", "config.toml", "config.yaml", "config.json")


@dataclass(slots=True)
class Site:
    """A site folder and the little of its configuration the core needs."""

    root: Path
    kind: Literal["jekyll", "hugo", "folder"]
    config: dict[str, Any] = field(default_factory=dict)
    config_problem: str | None = None

    @property
    def title(self) -> str:
        title = self.config.get("title")
        return str(title) if title else self.root.name

    def post_folders(self) -> list[Path]:
        """Folders whose Markdown files are posts or collection documents."""
        if self.kind == "hugo":
            return [self.root / "content"]
        if self.kind == "folder":
            return [self.root]
        folders: list[Path] = []
        for dirpath, dirnames, _ in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            for name in ("_posts", "_drafts"):
                if name in dirnames:
                    folders.append(Path(dirpath) / name)
            dirnames[:] = [
                d for d in dirnames if d not in ("_posts", "_drafts") and not d.startswith("_")
            ]
        collections = self.config.get("collections")
        names = list(collections) if isinstance(collections, (dict, list)) else []
        base = self.root / str(self.config.get("collections_dir") or "")
        for name in names:
            if str(name) in ("posts", "drafts"):
                continue
            folder = base / f"_{name}"
            if folder.is_dir():
                folders.append(folder)
        return folders

    def posts(self) -> Iterator[Path]:
        """Every post file, in a stable order."""
        seen: set[Path] = set()
        for folder in self.post_folders():
            for dirpath, dirnames, filenames in os.walk(folder):
                dirnames[:] = sorted(
                    d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")
                )
                for name in sorted(filenames):
                    if name.lower().endswith(POST_SUFFIXES) and not name.startswith((".", "~")):
                        path = Path(dirpath) / name
                        if path not in seen:
                            seen.add(path)
                            yield path

    def is_draft(self, path: Path) -> bool:
        """Whether ``path`` is in a Jekyll drafts folder."""
        try:
            return "_drafts" in path.relative_to(self.root).parts
        except ValueError:
            return False


def find_site_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds a site config."""
    start = start if start.is_dir() else start.parent
    for folder in (start, *start.parents):
        if any((folder / name).is_file() for name in _JEKYLL_CONFIGS + _HUGO_CONFIGS[:3]):
            return folder
        if (folder / "content").is_dir() and any((folder / n).is_file() for n in _HUGO_CONFIGS):
            return folder
    return None


def open_site(root: Path) -> Site:
    """Recognise the site at ``root`` and read its configuration.

    A config that does not parse still gives a usable Site, with the problem
    in ``config_problem``.
    """
    root = root.resolve()
    for name in _JEKYLL_CONFIGS:
        path = root / name
        if path.is_file():
            config, problem = _read_config(path)
            return Site(root, "jekyll", config, problem)
    for name in _HUGO_CONFIGS:
        path = root / name
        if path.is_file() and (name.startswith("hugo") or (root / "content").is_dir()):
            config, problem = _read_config(path)
            return Site(root, "hugo", config, problem)
    return Site(root, "folder")


def _read_config(path: Path) -> tuple[dict[str, Any], str | None]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return {}, f"{path.name}: cannot read ({exc})"
    try:
        if path.suffix == ".toml":
            import tomllib

            data: Any = tomllib.loads(text)
        elif path.suffix == ".json":
            import json

            data = json.loads(text)
        else:
            data = YAML(typ="safe", pure=True).load(text)
    except (YAMLError, ValueError, RecursionError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return {}, f"{path.name}: {first}"
    if not isinstance(data, dict):
        return {}, f"{path.name}: not a mapping"
    return data, None
