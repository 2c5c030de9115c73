"""Turning a site path such as ``/assets/img/a.png`` into a file, safely.

The preview serves the site's files through its own URL scheme; this decides
which file a request means. It never answers with anything outside the site
folder: the real path (symlinks resolved) must lie inside the real site root.
``baseurl`` is taken off the front, as Jekyll's server does.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote

# Types the preview may need that some systems' tables lack (Windows reads
# them from the registry, where they may be missing or wrong).
_TYPES = {
    ".css": "text/css",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".json": "application/json",
}


def resolve(root: Path, url_path: str, baseurl: str = "") -> Path | None:
    """The file under ``root`` that ``url_path`` names, or None when it does
    not exist or would lie outside ``root``."""
    path = unquote(url_path.split("?", 1)[0].split("#", 1)[0])
    base = "/" + baseurl.strip("/") if baseurl.strip("/") else ""
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base) :]
    parts = [part for part in path.replace("\\", "/").split("/") if part not in ("", ".")]
    if any(part == ".." or "\x00" in part for part in parts):
        return None
    try:
        real_root = Path(os.path.realpath(root))
        candidate = Path(os.path.realpath(real_root.joinpath(*parts)))
    except (OSError, ValueError):
        return None
    if candidate != real_root and real_root not in candidate.parents:
        return None
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def mime_type(path: Path) -> str:
    """The MIME type to serve ``path`` with."""
    known = _TYPES.get(path.suffix.lower())
    if known:
        return known
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"
