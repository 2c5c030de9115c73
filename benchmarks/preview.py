"""Preview speed and memory, measured in the running window (offscreen).

Prints, for posts of 5 KB, 100 KB and 1 MB (generated as in render.py):

- keystroke to preview: the time from a key typed into the body editor to
  the preview's DOM showing it (median and p95 over a few keystrokes);
- the baseline in the same run: the same keystroke handled the way other
  previewers do it, re-rendering the whole post and reloading the page;
- for the 1 MB post, the longest stall of the UI thread while 200
  characters are typed, and the memory of the whole app (the window's
  process, QtWebEngine's processes, the render worker and its helper);
- the time from opening the window to the first preview of the sample site.

Targets (issue 4): under 16 ms median at 100 KB and 50 ms at 1 MB; no stall
over 30 ms; 10x faster than the baseline; under 800 MB in all.

    python benchmarks/preview.py [--keys N] [--sizes 5k,100k,1m]

Linux only for the memory figure (it reads /proc).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

from render import generate

from editor.services.site_scheme import register_scheme

register_scheme()

import markdown
from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer, QUrl
from PySide6.QtGui import QTextCursor
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication

from editor.core.resources import resource_path
from editor.ui.main_window import MainWindow

SIZES = {"5k": 5_000, "100k": 100_000, "1m": 1_000_000}


def wait_for(signal: object, timeout_ms: int = 60_000) -> bool:
    loop = QEventLoop()
    fired = []
    signal.connect(lambda *args: (fired.append(args), loop.quit()))  # type: ignore[attr-defined]
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    return bool(fired)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def pss_mb(pid: int) -> float:
    """Proportional set size: each shared page divided among the processes
    mapping it, so the figures of several processes add up."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            children = (task / "children").read_text().split()
            for child in map(int, children):
                out.append(child)
                out.extend(descendants(child))
    except OSError:
        pass
    return out


def keystroke_times(window: MainWindow, count: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    editor = window.editor
    times = []
    for _ in range(count):
        # A place on screen, as a person types where they look.
        first = editor.firstVisibleBlock()
        cursor = QTextCursor(first)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
        editor.setTextCursor(cursor)
        clock = QElapsedTimer()
        clock.start()
        cursor.insertText(rng.choice("的是在一了港"))
        if not wait_for(window.preview_updated, 30_000):
            raise RuntimeError("the preview did not update")
        times.append(clock.nsecsElapsed() / 1e6)
    return times


def longest_stall(window: MainWindow, characters: int) -> float:
    """Type ``characters`` at a steady pace; return the longest gap between
    turns of the event loop (ms)."""
    app = QApplication.instance()
    gaps: list[float] = []
    last = time.perf_counter()

    def tick() -> None:
        nonlocal last
        now = time.perf_counter()
        gaps.append((now - last) * 1000)
        last = now

    ticker = QTimer(interval=1)
    ticker.timeout.connect(tick)
    ticker.start()
    editor = window.editor
    for i in range(characters):
        editor.insertPlainText("港口"[i % 2])
        deadline = time.perf_counter() + 0.03  # about 33 keys a second
        while time.perf_counter() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
    wait_for(window.preview_updated, 30_000)
    ticker.stop()
    return max(gaps[5:]) if len(gaps) > 5 else 0.0


def baseline_times(body: str, count: int) -> list[float]:
    """Re-render the whole post and reload the page, per keystroke."""
    profile = QWebEngineProfile()
    view = QWebEngineView()
    view.resize(700, 900)
    folder = Path(tempfile.mkdtemp())
    times = []
    try:
        for i in range(count):
            clock = QElapsedTimer()
            clock.start()
            html = markdown.markdown(body + str(i), extensions=["extra", "codehilite"])
            page = folder / "page.html"
            page.write_text(
                f"<!DOCTYPE html><meta charset=utf-8><body>{html}</body>", encoding="utf-8"
            )
            view.load(QUrl.fromLocalFile(str(page)))
            if not wait_for(view.loadFinished, 60_000):
                raise RuntimeError("the baseline page did not load")
            times.append(clock.nsecsElapsed() / 1e6)
    finally:
        view.deleteLater()
        del profile
        shutil.rmtree(folder, ignore_errors=True)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keys", type=int, default=15)
    parser.add_argument("--sizes", default="5k,100k,1m")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    app = QApplication([sys.argv[0]])
    scratch = Path(tempfile.mkdtemp())
    site = scratch / "site"
    shutil.copytree(resource_path("sample-site"), site)
    settings = QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat)

    clock = QElapsedTimer()
    clock.start()
    window = MainWindow(settings)
    window.resize(1400, 900)
    window.show()
    window.open_path(site / "_posts" / "2025-09-18-dongyu-shore-power.md")
    wait_for(window.preview_updated)
    first_preview = clock.nsecsElapsed() / 1e6
    print(f"window open to first preview (sample site): {first_preview:.0f} ms\n")

    print(f"{'size':>6} {'key->DOM median':>16} {'p95':>9} {'baseline median':>16} {'ratio':>8}")
    for name in args.sizes.split(","):
        body = generate(SIZES[name], args.seed)
        post = site / "_posts" / f"2026-01-01-bench-{name}.md"
        post.write_text(f"---\ntitle: Bench {name}\n---\n{body}", encoding="utf-8")
        window.open_post(post)
        wait_for(window.preview_updated)
        times = keystroke_times(window, args.keys, args.seed)
        if name == "1m":
            # Before the baseline runs: its page would be counted too.
            stall = longest_stall(window, 200)
            processes = [os.getpid(), *descendants(os.getpid())]
            rss = sum(map(rss_mb, processes))
            pss = sum(map(pss_mb, processes))
        base = baseline_times(body, max(3, args.keys // 5))
        median = statistics.median(times)
        p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
        print(
            f"{name:>6} {median:13.1f} ms {p95:6.1f} ms {statistics.median(base):13.1f} ms "
            f"{statistics.median(base) / median:7.1f}x"
        )
        if name == "1m":
            print(f"\n1 MB post: longest UI stall while typing 200 characters: {stall:.1f} ms")
            print(
                f"1 MB post: memory of the whole app, {len(processes)} processes: "
                f"{pss:.0f} MB PSS ({rss:.0f} MB RSS, which counts shared libraries "
                "once per process)"
            )
        window.document.editor_discard = True  # type: ignore[union-attr]
        window.editor.document().setModified(False)
        window.document = None
    window.close()
    shutil.rmtree(scratch, ignore_errors=True)
    app.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
