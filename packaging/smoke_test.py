"""Smoke test for a built bundle: start it, take a screenshot, check the PNG.

    python3 packaging/smoke_test.py [PATH-TO-EXECUTABLE]

Without a path it looks in ``dist/`` for what ``packaging/galley.spec``
builds on this platform. The bundle opens a copy of the sample site with
``--screenshot``, so this proves that Python, Qt, QtWebEngine and the
resources all made it into the bundle. It is run by hand after a build,
not by CI or ``dev.py test`` (CI builds no bundle). Standard library only.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 180  # a cold first start of QtWebEngine can be slow


def default_executable() -> Path:
    dist = ROOT / "dist"
    if sys.platform == "win32":
        return dist / "Galley" / "Galley.exe"
    if sys.platform == "darwin":
        return dist / "Galley.app" / "Contents" / "MacOS" / "Galley"
    return dist / "Galley" / "Galley"


def png_problem(data: bytes) -> str | None:
    """Why ``data`` is not a plausible screenshot, or None if it is."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "not a PNG file"
    width, height = struct.unpack(">II", data[16:24])
    if width < 200 or height < 200:
        return f"image is only {width}x{height}"
    # Concatenate the IDAT chunks and look at the pixels: a window that never
    # painted (or a crashed web view) comes out as one flat colour.
    pixels, offset = bytearray(), 8
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if kind == b"IDAT":
            pixels += data[offset + 8 : offset + 8 + length]
        offset += 12 + length
    try:
        raw = zlib.decompress(bytes(pixels))
    except zlib.error as exc:
        return f"image data is corrupt: {exc}"
    if len(set(raw)) < 8:
        return "image is (almost) a single colour"
    return None


def main(argv: list[str]) -> int:
    executable = Path(argv[0]) if argv else default_executable()
    if not executable.is_file():
        print(f"smoke test: no bundle at {executable}; build it first", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="galley-smoke-") as scratch_name:
        scratch = Path(scratch_name)
        site = Path(shutil.copytree(ROOT / "resources" / "sample-site", scratch / "site"))
        out = scratch / "out.png"
        env = dict(os.environ)
        # Keep the user's real profile out of it.
        env["GALLEY_DATA_DIR"] = str(scratch / "data")
        env["GALLEY_CONFIG_DIR"] = str(scratch / "config")
        if sys.platform.startswith("linux"):
            # Machines that build Linux bundles often have no screen.
            env.setdefault("QT_QPA_PLATFORM", "offscreen")
        command = [str(executable), "--screenshot", str(out), str(site)]
        print("smoke test:", " ".join(command), flush=True)
        try:
            result = subprocess.run(command, env=env, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            print(f"smoke test: FAILED, no exit after {TIMEOUT_S} s", file=sys.stderr)
            return 1
        if result.returncode != 0:
            print(f"smoke test: FAILED, exit status {result.returncode}", file=sys.stderr)
            return 1
        problem = png_problem(out.read_bytes()) if out.is_file() else "no PNG was written"
        if problem:
            print(f"smoke test: FAILED, {problem}", file=sys.stderr)
            return 1
        keep = ROOT / "dist" / "smoke-test.png"
        keep.parent.mkdir(exist_ok=True)
        shutil.copyfile(out, keep)
        print(f"smoke test: passed ({out.stat().st_size} bytes, copy at {keep})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
