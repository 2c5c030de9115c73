"""``editor.core`` (and the command line built on it) never imports Qt.

Every module is imported in a fresh interpreter in which importing PySide6
or shiboken6 raises, so an import anywhere in core, even an indirect one,
fails the test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

BLOCKER = textwrap.dedent(
    """
    import importlib
    import pkgutil
    import sys

    QT = ("PySide6", "shiboken6")

    class BlockQt:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in QT:
                raise ImportError(f"{name} imported by core; core must not use Qt")
            return None

    sys.meta_path.insert(0, BlockQt())
    """
)

IMPORT_CORE = BLOCKER + textwrap.dedent(
    """
    import editor.core

    def failed(name):
        raise SystemExit(f"cannot import {name}")

    names = [
        info.name
        for info in pkgutil.walk_packages(editor.core.__path__, "editor.core.", onerror=failed)
    ]
    for name in names + ["editor.cli"]:
        importlib.import_module(name)
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in QT)
    if loaded:
        raise SystemExit(f"Qt modules loaded: {loaded}")
    print("\\n".join(names))
    """
)


def _run(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_every_core_module_imports_without_qt() -> None:
    result = _run(IMPORT_CORE)

    assert result.returncode == 0, result.stderr
    imported = set(result.stdout.split())
    assert {
        "editor.core.post",
        "editor.core.yaml_fm",
        "editor.core.textcodec",
        "editor.core.atomic",
        "editor.core.doctor",
    } <= imported


def test_the_blocker_does_block_qt() -> None:
    # Guards the test above against passing because the blocker is broken.
    result = _run(BLOCKER + "\nimport PySide6.QtCore\n")

    assert result.returncode != 0
    assert "core must not use Qt" in result.stderr
