"""Which paths in a site folder the watcher (and anything else that reacts to
changes on disk) should not care about.

Two kinds: everything below generated or tool folders (``_site``, ``.git``,
``node_modules``, ...), and the short-lived files editors and sync clients
write next to a post while saving it (vim's ``post.md~`` and ``.post.md.swp``,
Emacs's ``.#post.md``, LibreOffice's ``.~lock.post.md#``, Galley's own
``.post.md.x1y2z3ab.galley-tmp``, ...). Reporting those would make the
library flicker with files that are gone a moment later.
"""

from __future__ import annotations

import re

from editor.core.atomic import TEMP_SUFFIX
from editor.core.site import SKIP_DIRS

# Generated output, version control, dependencies and caches. SKIP_DIRS also
# has Hugo's ``public`` and ``resources`` (generated as well).
IGNORED_DIRS = SKIP_DIRS | frozenset(
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
        "__pycache__",
    }
)

# Compared with the lower-cased name: Windows and macOS file systems ignore
# case, and some tools write ``.TMP`` or ``THUMBS.DB``.
_IGNORED_NAMES = frozenset({"4913", ".ds_store", "thumbs.db"})
_IGNORED_SUFFIXES = (".swp", ".swo", ".swx", ".tmp", ".crdownload", ".part")
_IGNORED_PREFIXES = (".#", ".goutputstream-", "~$", ".syncthing.")

# Word's ``~RF1a2b3c.TMP`` is one of the ``.tmp`` names above.
_PATTERNS = (
    # LibreOffice lock: .~lock.post.md#
    re.compile(r"\.~lock\..*#", re.DOTALL),
    # vim swap files: .post.md.swp, .swo, ... down to .swa
    re.compile(r"\..*\.sw.", re.DOTALL),
    # Galley's own saves (editor.core.atomic.write_atomic): tempfile.mkstemp
    # with prefix "." + name[:80] + "." and 8 random characters from
    # tempfile's alphabet, then TEMP_SUFFIX.
    re.compile(r"\..+\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX), re.DOTALL),
)


def is_ignored(rel_path: str) -> bool:
    """Whether changes to ``rel_path`` (relative to the site folder, with
    ``/`` or ``\\`` separators) should go unnoticed.

    True when any part of the path is an ignored folder name (so the folder
    itself is ignored too), or when the file name is a temporary, lock or
    swap file.
    """
    parts = [part for part in re.split(r"[\\/]", rel_path) if part and part != "."]
    if not parts:
        return False
    if any(part in IGNORED_DIRS for part in parts):
        return True
    return is_temporary_name(parts[-1])


def is_temporary_name(name: str) -> bool:
    """Whether the file name ``name`` is a temporary, lock or swap file of an
    editor, a sync client or Galley itself."""
    lower = name.lower()
    if name.endswith("~") or lower in _IGNORED_NAMES or lower.endswith(_IGNORED_SUFFIXES):
        return True
    if name.startswith(_IGNORED_PREFIXES):
        return True
    # Emacs auto-save: #post.md#
    if len(name) > 1 and name.startswith("#") and name.endswith("#"):
        return True
    return any(pattern.fullmatch(name) for pattern in _PATTERNS)
