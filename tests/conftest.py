"""Fixtures for every test: offscreen Qt, private user folders, sample site and corpus.

Test folders have no ``__init__.py``; pytest's rootdir-based imports find
``editor`` from the editable install (or the checkout when run from the root).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# Before anything imports Qt: Qt reads these once, when the first application
# or web engine starts, so setting them in a fixture would be too late for a
# test module that builds Qt objects at import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault(
    "QTWEBENGINE_CHROMIUM_FLAGS",
    # Chromium will not run its sandbox as root (containers, CI); no GPU offscreen.
    "--no-sandbox --disable-gpu"
    if sys.platform != "win32" and os.geteuid() == 0
    else "--disable-gpu",
)


def _register_preview_scheme() -> None:
    # QtWebEngine accepts custom URL schemes only before the QApplication
    # exists, and pytest-qt makes one (once per process) on first use.
    try:
        from editor.services.site_scheme import register_scheme
    except ImportError:  # no QtWebEngine here: the preview falls back to text
        return
    register_scheme()


_register_preview_scheme()

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SITE = REPO_ROOT / "resources" / "sample-site"
CORPUS = REPO_ROOT.parent / "shared" / "corpus"

_USER_DIR_VARIABLES = ("GALLEY_DATA_DIR", "GALLEY_CONFIG_DIR")
# The run's scratch folder and the variables' values before it, for unconfigure.
_scratch_key = pytest.StashKey[tuple[Path, dict[str, str | None]]]()


def pytest_configure(config: pytest.Config) -> None:
    """Point Galley's data and config folders at a temporary folder for the run.

    Done here rather than in a fixture so it holds before test modules are
    imported, and always (not setdefault) so a developer's own
    ``GALLEY_DATA_DIR`` never receives test journals or settings.
    """
    scratch = Path(tempfile.mkdtemp(prefix="galley-tests-"))
    saved = {name: os.environ.get(name) for name in _USER_DIR_VARIABLES}
    config.stash[_scratch_key] = (scratch, saved)
    os.environ["GALLEY_DATA_DIR"] = str(scratch / "data")
    os.environ["GALLEY_CONFIG_DIR"] = str(scratch / "config")


def pytest_unconfigure(config: pytest.Config) -> None:
    scratch, saved = config.stash.get(_scratch_key, (None, {}))
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """``../shared/corpus``: real sites, read-only (copy before changing anything)."""
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture
def sample_site(tmp_path: Path) -> Path:
    """A private copy of ``resources/sample-site`` that a test may change."""
    return Path(shutil.copytree(SAMPLE_SITE, tmp_path / "sample-site"))
