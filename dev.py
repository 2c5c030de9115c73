"""Set up a development environment for Galley and run it or its checks.

    python3 dev.py run [ARGS...]
    python3 dev.py test [PYTEST ARGS...]
    python3 dev.py screenshot OUT.png [ARGS...]

Every command first makes sure ``.venv`` exists in the repository and holds an
editable install of the project with its test extra. The install is redone
only when ``pyproject.toml`` changed since the last one (a hash is kept in
``.venv``). Standard library only, so it runs on a fresh Windows, macOS or
Linux machine with Python 3.11 or newer.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "galley-install.sha256"
MIN_PYTHON = (3, 11)

# What `dev.py test` runs before pytest: (label, `python -m` arguments, folders).
# Folders missing from the checkout are left out: git keeps no empty folder, so
# a fresh clone may lack one, and ruff fails on a path that does not exist.
CHECKS: list[tuple[str, list[str], list[str]]] = [
    ("ruff check", ["ruff", "check"], ["editor", "tests", "benchmarks"]),
    ("ruff format", ["ruff", "format", "--check"], ["editor", "tests"]),
    ("mypy", ["mypy"], ["editor/core"]),
]

USAGE = """usage:
  python3 dev.py run [ARGS...]              start Galley from .venv (ARGS go to Galley)
  python3 dev.py test [PYTEST ARGS...]      ruff, ruff format --check, mypy, then pytest
  python3 dev.py screenshot OUT.png [ARGS]  save a PNG of the window, offscreen"""


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def pyproject_hash() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def run(
    args: Sequence[object],
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> int:
    """Run a command without a shell (so paths with spaces need no quoting)."""
    return subprocess.run([str(a) for a in args], env=env, cwd=cwd, check=False).returncode


def ensure_venv() -> Path:
    """Create and install ``.venv`` as needed; return its Python."""
    python = venv_python()
    if not python.exists():
        if sys.version_info < MIN_PYTHON:
            sys.exit(
                f"[dev] Galley needs Python {'.'.join(map(str, MIN_PYTHON))} or newer; "
                f"this is {sys.version.split()[0]} ({sys.executable})"
            )
        say("creating .venv")
        # --clear: a half-made .venv from an interrupted run is replaced, not patched.
        if run([sys.executable, "-m", "venv", "--clear", VENV]) != 0 or not python.exists():
            sys.exit("[dev] could not create .venv (on Debian/Ubuntu: apt install python3-venv)")
        STAMP.unlink(missing_ok=True)

    wanted = pyproject_hash()
    installed = STAMP.read_text(encoding="ascii").strip() if STAMP.exists() else ""
    if installed != wanted:
        say("installing the project and its test tools into .venv (pip install -e .[test])")
        command = [
            python,
            "-m",
            "pip",
            "install",
            # -qq: errors only; pip's progress and the machine's index warnings
            # would bury the [dev] lines.
            "-qq",
            "--disable-pip-version-check",
            "-e",
            ".[test]",
        ]
        if run(command, cwd=ROOT) != 0:
            sys.exit("[dev] pip install failed; see the messages above")
        STAMP.write_text(wanted + "\n", encoding="ascii")
    return python


def qt_env(base: Mapping[str, str]) -> dict[str, str]:
    """The environment for running Qt without a screen."""
    env = dict(base)
    # Forced, not defaulted: a desktop session's QT_QPA_PLATFORM=wayland or xcb
    # would otherwise put test windows on the developer's screen.
    env["QT_QPA_PLATFORM"] = "offscreen"
    flags = ["--disable-gpu"]
    # Chromium refuses to start its sandbox as root (containers, CI).
    if os.name == "posix" and os.geteuid() == 0:
        flags.insert(0, "--no-sandbox")
    env.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", " ".join(flags))
    return env


def cmd_run(args: list[str]) -> int:
    python = ensure_venv()
    say("starting Galley")
    return run([python, "-m", "editor", *args])


def cmd_screenshot(args: list[str]) -> int:
    if not args or args[0].startswith("-"):
        print("usage: python3 dev.py screenshot OUT.png [ARGS...]", file=sys.stderr)
        return 2
    python = ensure_venv()
    out, rest = args[0], args[1:]
    say(f"taking a screenshot to {out}")
    return run([python, "-m", "editor", "--screenshot", out, *rest], env=qt_env(os.environ))


def cmd_test(args: list[str]) -> int:
    python = ensure_venv()
    failed = []
    for label, command, folders in CHECKS:
        present = [folder for folder in folders if (ROOT / folder).is_dir()]
        say(label)
        if run([python, "-m", *command, *present], cwd=ROOT) != 0:
            failed.append(label)

    say("pytest")
    with tempfile.TemporaryDirectory(prefix="galley-dev-") as scratch:
        env = qt_env(os.environ)
        env.setdefault("GALLEY_DATA_DIR", str(Path(scratch, "data")))
        env.setdefault("GALLEY_CONFIG_DIR", str(Path(scratch, "config")))
        status = run([python, "-m", "pytest", *args], env=env, cwd=ROOT)
    # pytest's own codes: 5 ("no tests collected") is non-zero, so it fails too.
    if failed:
        print(f"[dev] failed: {', '.join(failed)}", file=sys.stderr, flush=True)
        return status or 1
    return status


COMMANDS = {"run": cmd_run, "test": cmd_test, "screenshot": cmd_screenshot}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0 if argv else 2
    command = COMMANDS.get(argv[0])
    if command is None:
        print(f"[dev] unknown command {argv[0]!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    try:
        return command(argv[1:])
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
