"""Where Galley's resource files and user data live.

One lookup that works from a source checkout, an installed wheel (resources
are packed as ``editor/_resources``) and a PyInstaller bundle (unpacked to
``sys._MEIPASS/resources``).
"""

from __future__ import annotations

import os
import shutil
import sys
from functools import cache
from pathlib import Path

import platformdirs

APP_NAME = "Galley"


@cache
def resource_root() -> Path:
    """The folder holding ``preview/``, ``sample-site/`` and the other resources."""
    package = Path(__file__).resolve().parent.parent
    candidates = [
        Path(getattr(sys, "_MEIPASS", "")) / "resources" if hasattr(sys, "_MEIPASS") else None,
        package / "_resources",
        package.parent / "resources",
    ]
    for candidate in candidates:
        if candidate is not None and (candidate / "sample-site").is_dir():
            return candidate
    raise FileNotFoundError("Galley's resources folder is missing from this installation")


def resource_path(*parts: str) -> Path:
    """Path of a file or folder inside the resources."""
    return resource_root().joinpath(*parts)


def data_dir() -> Path:
    """The user's Galley data folder (``GALLEY_DATA_DIR`` overrides it)."""
    override = os.environ.get("GALLEY_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))


def sample_site() -> Path:
    """A private, writable copy of the bundled sample site, made on first use,
    so edits never touch the installed files."""
    target = data_dir() / "sample-site"
    if not (target / "_config.yml").is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(resource_path("sample-site"), target, dirs_exist_ok=True)
    return target
