"""Library index speed and memory on generated news archives.

For generated Jekyll sites of 10,000 and 100,000 posts (news shape: Chinese
and English titles, YAML block and flow lists, quoted and unquoted dates,
string categories, a few TOML ``+++`` posts, drafts, future posts, nested
category folders such as ``news/world/_posts``) this prints, per size:

- **cold**: a full scan with an empty cache (every file read, every row
  written to the cache), and rows/s;
- **warm**: a fresh ``LibraryIndex`` over the cache the cold scan left
  (what reopening the site does: only ``stat`` per file), and rows/s;
- **memory**: the tracemalloc peak while scanning and holding every row,
  what the rows still hold afterwards, and the peak RSS of the process
  that scanned (``resource.getrusage``; the figure includes Python itself,
  so the RSS of the bare interpreter with Galley imported is shown too).

Each size is measured in a fresh child process, so one size's memory does
not show in the next. The OS file cache is warm in both scans (the files
were just written); the "cold" figure is about Galley's cache.

Then, unless ``--no-ui``, each size is opened in the running window
(offscreen, its QtWebEngine preview included), again in a fresh
child process with Galley's data, config and cache folders in a temporary
folder, and a second set of tables gives:

- **cold in the window**: ``open_site`` until ``library.scan_finished``
  with an empty cache, and until the event loop turns again after it (the
  window answers again), the time to the first rows in the sidebar, and
  the longest and p99 gap between turns of the UI thread's event loop
  meanwhile (a 1 ms timer);
- **warm reopen**: that window closed, a new one over the same cache, until
  ``scan_finished`` and until the window answers, and whether the sidebar
  has every post again;
- **change -> row**: 100 times, one random post rewritten from outside with
  a new title (the rest of the file kept), until the sidebar's row has it
  (median, p95, max, and any not shown within 10 s);
- **burst**: 1,000 new posts written by another process as fast as it can
  (as a ``git checkout`` does), from its last write until the sidebar has
  them all, the model's resets and ``rowsInserted`` meanwhile, and the
  longest UI stall from the writer's start;
- **memory**: the window's process (VmRSS) empty and after the cold scan,
  and the PSS of the whole app (the window's process and its descendants:
  QtWebEngine's processes; the render worker starts only when a post is
  opened) after the cold scan.

The changed posts are put back and the burst's posts deleted afterwards.

Targets (issue 5): 100,000 posts cold under 20 s with the UI never stalled
over 50 ms, warm reopen under 1.5 s, an external change in the sidebar under
300 ms at p95, the index of 100,000 posts under 300 MB.

    python benchmarks/library.py [--sizes 10k,100k] [--no-ui] [--keep DIR] [--seed S]

Linux only for the window's memory figures (they read /proc).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
_ZH_TITLES = (
    "连云港市妇联启动志愿阳光行动",
    "春节期间基层群众的急难愁盼",
    "全国两会代表委员热议高质量发展",
    "长江经济带生态保护取得新进展",
    "乡村振兴战略下的新型农业经营主体",
    "数字经济助力中小企业转型升级",
)
_EN_TITLES = (
    "City council approves new budget for public transport",
    "Flood warnings issued along the river valley",
    "Local startup raises funding for battery research",
    "Museum reopens after two years of renovation",
    "Election night — what the early results tell us",
    "Heatwave breaks records across the region",
)
_ZH_BODY = (
    "春节期间，江苏省连云港市妇联启动志愿阳光行动，围绕抓品牌、创特色、促提升的工作思路，"
    "紧扣关爱妇女儿童发展主线，着力打造志愿服务品牌，切实解决基层群众的急难愁盼。\n\n"
)
_EN_BODY = (
    "Every week our inbox receives somewhere between forty and sixty press releases; "
    "a handful become stories, and most are filed away as background for later reporting.\n\n"
)
# Where posts go: (folder, weight). Folders above _posts are categories.
_FOLDERS = (
    ("_posts", 40),
    ("news/_posts", 20),
    ("news/world/_posts", 15),
    ("news/china/_posts", 10),
    ("sport/_posts", 8),
    ("tech/ai/_posts", 7),
)
_TAGS = ("妇女", "新闻", "经济", "environment", "politics", "sport", "科技", "education", "health")
_CATEGORIES = ("zhongguofunvwang", "local", "international", "opinion", "专题")


# ----------------------------------------------------------------------------
# Generating a site


def _front_matter(rng: random.Random, n: int, day: dt.datetime, future: bool) -> str:
    """One post's front matter in one of several styles people write."""
    if future:
        day = day.replace(year=2099, day=min(day.day, 28))
    title = rng.choice(_ZH_TITLES) if n % 2 else rng.choice(_EN_TITLES)
    title = f"{title} ({n})"
    tags = rng.sample(_TAGS, rng.randint(1, 4))
    style = n % 10
    stamp = day.strftime("%Y-%m-%d %H:%M:%S")
    if n % 1000 == 3:
        # The mistake people make: an unquoted colon in a title.
        return f"---\ntitle: Breaking: {title}\ndate: {stamp}\n---\n"
    if style == 9 and n % 20 == 9:
        # A few TOML posts (Hugo habits carried over).
        return (
            "+++\n"
            f'title = "{title}"\n'
            f"date = {day.strftime('%Y-%m-%dT%H:%M:%S')}+08:00\n"
            f"tags = {json.dumps(tags, ensure_ascii=False)}\n"
            "+++\n"
        )
    if style in (0, 1, 2):
        tag_lines = "".join(f"  - {t}\n" for t in tags)
        return (
            "---\n"
            "layout: post\n"
            f'title: "{title}"\n'
            f"date: {stamp} +0800\n"
            f"categories: {rng.choice(_CATEGORIES)}\n"
            f"tags:\n{tag_lines}"
            "author: 新闻编辑部\n"
            "---\n"
        )
    if style in (3, 4, 5):
        return (
            "---\n"
            "layout: post\n"
            f"title: {title}\n"
            f'date: "{stamp} +08:00"\n'
            f"categories: [{rng.choice(_CATEGORIES)}, {rng.choice(_CATEGORIES)}]\n"
            f"tags: [{', '.join(tags)}]\n"
            f"image: /assets/img/{day:%Y/%m}/{n}.jpg\n"
            "---\n"
        )
    if style in (6, 7):
        return (
            "---\n"
            f"title: '{title}'\n"
            f"date: {day:%Y-%m-%d}\n"
            f"tags: {' '.join(t for t in tags if ' ' not in t)}\n"
            "description: >\n"
            "  春节期间，江苏省连云港市妇联启动志愿阳光行动，围绕抓品牌、创特色、促提升的工作思路。\n"
            "---\n"
        )
    return (
        "---\n"
        f"title: {title}\n"
        f"published: {'false' if n % 97 == 8 else 'true'}\n"
        f"category: {rng.choice(_CATEGORIES)}\n"
        "---\n"
    )


def generate_site(root: Path, count: int, seed: int = 1) -> None:
    """Write a Jekyll site of ``count`` posts under ``root``."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text(
        "title: 新闻 Newsroom\ntimezone: Asia/Shanghai\npermalink: /:categories/:year/:month/:day/:title/\n",
        encoding="utf-8",
    )
    folders = [f for f, weight in _FOLDERS for _ in range(weight)]
    made: set[Path] = set()
    start = dt.datetime(2005, 1, 1, 8, 0)
    drafts = root / "_drafts"
    drafts.mkdir(exist_ok=True)
    for n in range(count):
        day = start + dt.timedelta(minutes=n * 97)
        future = n % 211 == 5
        text = _front_matter(rng, n, day, future)
        text += (_ZH_BODY if n % 2 else _EN_BODY) * rng.randint(3, 12)
        if n % 150 == 7:
            folder = drafts
            name = f"draft-{n}.md"
        else:
            folder = root / rng.choice(folders)
            name = f"{day:%Y-%m-%d}-post-{n}.md"
        if folder not in made:
            folder.mkdir(parents=True, exist_ok=True)
            made.add(folder)
        (folder / name).write_text(text, encoding="utf-8")


# ----------------------------------------------------------------------------
# Measuring (in a child process per size)


def _rss_mb() -> float:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def measure(root: Path, cache_folder: Path) -> dict[str, float]:
    """Scan ``root`` cold, warm, and warm under tracemalloc; return figures."""
    from editor.core.library import LibraryIndex
    from editor.core.library_cache import LibraryCache
    from editor.core.site import open_site

    base_rss = _rss_mb()
    site = open_site(root)

    start = time.perf_counter()
    cache = LibraryCache.for_site(site.root, cache_folder)
    rows = [row for batch in LibraryIndex(site, cache).scan() for row in batch]
    cold = time.perf_counter() - start
    cache.close()
    statuses = {s: sum(1 for r in rows if r.status == s) for s in ("draft", "future", "invalid")}
    del rows

    start = time.perf_counter()
    cache = LibraryCache.for_site(site.root, cache_folder)
    rows = [row for batch in LibraryIndex(site, cache).scan() for row in batch]
    warm = time.perf_counter() - start
    cache.close()
    del rows
    rss = _rss_mb()

    tracemalloc.start()
    cache = LibraryCache.for_site(site.root, cache_folder)
    index = LibraryIndex(site, cache)
    rows = [row for batch in index.scan() for row in batch]
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    cache.close()
    return {
        "rows": len(rows),
        "cold": cold,
        "warm": warm,
        "peak_mb": peak / 2**20,
        "held_mb": held / 2**20,
        "rss_mb": rss,
        "base_rss_mb": base_rss,
        "cache_mb": cache.path.stat().st_size / 2**20,
        **statuses,
    }


# ----------------------------------------------------------------------------
# Measuring in the window (offscreen, in a child process per size)
#
# Qt is imported inside these functions, never at the top: the render worker
# is started with multiprocessing's "spawn", which imports this file again
# (as __mp_main__) in the worker, and the environment must be set before Qt
# loads.

_CHANGES = 100
_CHANGE_TIMEOUT_S = 10.0
_BURST = 1_000
_SCAN_TIMEOUT_S = 900.0
# A git checkout is another process: the burst is written by one, so its
# writing is not counted as a stall of the window.
_BURST_WRITER = """
import sys, time
from pathlib import Path
folder, count = Path(sys.argv[1]), int(sys.argv[2])
first = time.monotonic()
for n in range(count):
    (folder / f"2026-01-01-burst-{n:04}.md").write_bytes(
        f"---\\ntitle: Burst {n}\\ndate: 2026-01-01 08:00:00\\ntags: [burst]\\n---\\n\\nBody {n}.\\n".encode()
    )
print(first, time.monotonic())
"""
_TITLE_LINE = re.compile(r"^title: .*$", re.MULTILINE)


def _vm_rss_mb(pid: int) -> float:
    """A process's resident memory now (Linux), MB."""
    return _proc_field(f"/proc/{pid}/status", "VmRSS:")


def _pss_mb(pid: int) -> float:
    """Proportional set size (Linux): shared pages divided among the
    processes mapping them, so the figures of several processes add up."""
    return _proc_field(f"/proc/{pid}/smaps_rollup", "Pss:")


def _proc_field(path: str, name: str) -> float:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _descendants(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in map(int, (task / "children").read_text().split()):
                out.append(child)
                out.extend(_descendants(child))
    except OSError:
        pass
    return out


def _percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``values``; 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


class _StallMeter:
    """Gaps between turns of the UI thread's event loop, from a 1 ms timer
    (as ``longest_stall`` in benchmarks/preview.py)."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.gaps: list[float] = []
        self._last = 0.0
        self._timer = QTimer(interval=1, timerType=Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.gaps = []
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> dict[str, float]:
        """Longest and p99 gap (ms), and how many gaps were measured."""
        self._timer.stop()
        return {
            "max": max(self.gaps, default=0.0),
            "p99": _percentile(self.gaps, 0.99),
            "ticks": len(self.gaps),
        }

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self._last = now


def _wait_until(
    predicate: Callable[[], bool], signals: Iterable[Any] = (), timeout_s: float = 10.0
) -> float | None:
    """Run the event loop until ``predicate()`` holds, checking it on every
    emission of ``signals`` and every millisecond. Returns ``time.monotonic()``
    when it first held, or None after ``timeout_s``."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    if predicate():
        return time.monotonic()
    loop = QEventLoop()
    held: list[float] = []

    def check(*_args: object) -> None:
        if not held and predicate():
            held.append(time.monotonic())
            loop.quit()

    signals = list(signals)
    for signal in signals:
        signal.connect(check)
    poll = QTimer(interval=1, timerType=Qt.TimerType.PreciseTimer)
    poll.timeout.connect(check)
    poll.start()
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    poll.stop()
    for signal in signals:
        signal.disconnect(check)
    return held[0] if held else None


def _spin(ms: int) -> None:
    """Let the event loop run for ``ms`` (the window settling after show)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _open_window(settings: Any) -> Any:
    from editor.ui.main_window import MainWindow

    window = MainWindow(settings)
    window.resize(1400, 900)
    window.show()
    _spin(1000)
    return window


def _close_window(window: Any) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    window.document = None
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    _spin(300)


def _timed_open(window: Any, root: Path, meter: _StallMeter | None = None) -> dict[str, float]:
    """Open the site in ``window``; time until the sidebar shows the first
    rows and until ``scan_finished`` (the window's own slot, connected
    first, has shown every row by then)."""
    model = window.sidebar.library
    first: list[float] = []
    finished: list[float] = []

    def shown(*_args: object) -> None:
        if not first and model.total_count():
            first.append(time.monotonic())

    model.modelReset.connect(shown)
    model.rowsInserted.connect(shown)
    listed: list[float] = []
    # The window's own slot (connected first) shows the cached rows at once.
    window.library.listed.connect(lambda: listed.append(time.monotonic()))
    window.library.scan_finished.connect(lambda _complete: finished.append(time.monotonic()))
    if meter is not None:
        meter.start()
    start = time.monotonic()
    window.open_site(root)
    done = _wait_until(lambda: bool(finished), timeout_s=_SCAN_TIMEOUT_S)
    figures = meter.stop() if meter is not None else {}
    model.modelReset.disconnect(shown)
    model.rowsInserted.disconnect(shown)
    if done is None:
        raise RuntimeError(f"scan_finished did not come within {_SCAN_TIMEOUT_S:.0f} s")
    return {
        "seconds": finished[0] - start,
        # The event loop's next turn after scan_finished: when the window
        # answers again (the view lays out the last rows in between).
        "responsive": done - start,
        "first_rows": (first[0] - start) if first else 0.0,
        "listed": (listed[0] - start) if listed else 0.0,
        "listed_rows": float(len(window.sidebar.rows())) if listed else 0.0,
        "rows": window.sidebar.library.total_count(),
        **{f"stall_{key}": value for key, value in figures.items()},
    }


def _change_candidates(window: Any, count: int, seed: int) -> list[Path]:
    """``count`` random posts (repeats allowed) whose title can be rewritten
    in place: YAML front matter, a ``title:`` line, a row that is not
    invalid."""
    model = window.sidebar.library
    files = sorted(window.site.root.rglob("*.md"))
    rng = random.Random(seed)
    chosen: list[Path] = []
    for _ in range(count * 50):
        if len(chosen) == count:
            break
        path = rng.choice(files)
        row = model.row_for(str(path))
        if row is None or row.status == "invalid":
            continue
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n") and _TITLE_LINE.search(text.split("\n---\n", 1)[0]):
            chosen.append(path)
    if len(chosen) < count:
        raise RuntimeError(f"only {len(chosen)} posts to change (is row_for keyed by path?)")
    return chosen


def _external_changes(
    window: Any, paths: list[Path], originals: dict[Path, bytes], label: str = "改动"
) -> dict[str, float]:
    """Rewrite each post's title (``{label} {i}``) from outside, keeping the
    rest of the file; ms from the write until the sidebar's row has it."""
    model = window.sidebar.library
    signals = (model.rowsInserted, model.modelReset, model.dataChanged, model.layoutChanged)
    times: list[float] = []
    missed = 0
    for i, path in enumerate(paths):
        data = path.read_bytes()
        originals.setdefault(path, data)
        text = data.decode("utf-8")
        head, rest = text.split("\n---\n", 1)
        title = f"{label} {i}"
        new = _TITLE_LINE.sub(lambda _m, title=title: f"title: {title}", head, count=1)
        key = str(path)

        def shown(key: str = key, title: str = title) -> bool:
            row = model.row_for(key)
            return row is not None and row.title == title

        start = time.monotonic()
        path.write_bytes(f"{new}\n---\n{rest}".encode())
        done = _wait_until(shown, signals, _CHANGE_TIMEOUT_S)
        if done is None:
            missed += 1
            times.append(_CHANGE_TIMEOUT_S * 1000)
        else:
            times.append((done - start) * 1000)
    return {
        "median": statistics.median(times),
        "p95": _percentile(times, 0.95),
        "max": max(times),
        "missed": missed,
    }


def _burst(window: Any, count: int) -> dict[str, float]:
    """Write ``count`` new posts from another process as fast as it can;
    time from its last write until the sidebar has them all, the model's
    resets and inserts meanwhile, and the longest stall."""
    model = window.sidebar.library
    folder = window.site.root / "_posts"
    before = model.total_count()
    counts = {"resets": 0, "inserts": 0}

    def reset() -> None:
        counts["resets"] += 1

    def inserted(*_args: object) -> None:
        counts["inserts"] += 1

    model.modelReset.connect(reset)
    model.rowsInserted.connect(inserted)
    meter = _StallMeter()
    meter.start()
    writer = subprocess.Popen(
        [sys.executable, "-c", _BURST_WRITER, str(folder), str(count)],
        stdout=subprocess.PIPE,
        text=True,
    )
    done = _wait_until(lambda: model.total_count() >= before + count, timeout_s=120.0)
    stall = meter.stop()
    model.modelReset.disconnect(reset)
    model.rowsInserted.disconnect(inserted)
    out, _err = writer.communicate(timeout=60)
    first_write, last_write = map(float, out.split())
    if done is None:
        raise RuntimeError(
            f"the sidebar had {model.total_count() - before} of {count} new posts after 120 s"
        )
    return {
        "written": (last_write - first_write) * 1000,
        "settle": (done - last_write) * 1000,
        **counts,
        "stall_max": stall["max"],
        "stall_p99": stall["p99"],
    }


def measure_ui(root: Path, seed: int) -> dict[str, float]:
    """Open ``root`` in the window (cold, then warm), change posts from
    outside, write a burst; return figures. The environment (Qt platform,
    Galley's folders) is set by the caller."""
    from editor.services.site_scheme import register_scheme

    register_scheme()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    settings = QSettings(
        str(Path(os.environ["GALLEY_CONFIG_DIR"]) / "settings.ini"), QSettings.Format.IniFormat
    )
    figures: dict[str, float] = {}
    originals: dict[Path, bytes] = {}
    burst_folder: Path | None = None
    window = _open_window(settings)
    try:
        pid = os.getpid()
        figures["rss_empty"] = _vm_rss_mb(pid)
        cold = _timed_open(window, root, _StallMeter())
        figures.update({f"cold_{key}": value for key, value in cold.items()})
        _spin(200)
        processes = [pid, *_descendants(pid)]
        figures["rss_main"] = _vm_rss_mb(pid)
        figures["pss_all"] = sum(map(_pss_mb, processes))
        figures["processes"] = len(processes)
        _close_window(window)

        window = _open_window(settings)
        warm = _timed_open(window, root, _StallMeter())
        figures.update({f"warm_{key}": value for key, value in warm.items()})

        # One change that is not counted: it waits out the watch starting and
        # the stat-only rescan that follows it on the library's thread.
        paths = _change_candidates(window, _CHANGES + 1, seed)
        _external_changes(window, paths[:1], originals, "warm-up")
        changes = _external_changes(window, paths[1:], originals)
        figures.update({f"change_{key}": value for key, value in changes.items()})

        burst_folder = window.site.root / "_posts"
        burst = _burst(window, _BURST)
        figures.update({f"burst_{key}": value for key, value in burst.items()})
    finally:
        _close_window(window)
        for path, data in originals.items():
            path.write_bytes(data)
        if burst_folder is not None:
            for path in burst_folder.glob("2026-01-01-burst-*.md"):
                path.unlink()
        app.quit()
    return figures


def _child_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONHASHSEED": "0", **extra}


def _run_child(args: list[str], env: dict[str, str], timeout: float) -> tuple[int, str, str]:
    """Run this script in child mode; (exit status, stdout, stderr). On a
    time-out its whole process group (QtWebEngine's processes too) is killed."""
    child = subprocess.Popen(
        [sys.executable, __file__, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, 9)
        out, err = child.communicate()
        return -1, out, f"timed out after {timeout:.0f} s\n{err}"
    return child.returncode, out, err


def _result(stdout: str) -> dict[str, float] | None:
    for line in reversed(stdout.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    return None


def _measure_ui_child(root: Path, seed: int) -> tuple[dict[str, float] | None, str]:
    env = _child_env()
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
    with tempfile.TemporaryDirectory(prefix="galley-library-ui-") as scratch:
        for name in ("data", "config", "cache"):
            (Path(scratch) / name).mkdir()
            env[f"GALLEY_{name.upper()}_DIR"] = str(Path(scratch) / name)
        status, out, err = _run_child(
            ["--measure-ui", str(root), "--seed", str(seed)], env, timeout=1800
        )
    figures = _result(out)
    if status != 0 or figures is None:
        return None, f"exit status {status}\n{err[-6000:]}"
    return figures, err


def _print_core(f: dict[str, float]) -> None:
    print(
        f"{int(f['rows']):>8,} {f['cold']:>7.2f} s {f['rows'] / f['cold']:>9,.0f} "
        f"{f['warm']:>7.3f} s {f['rows'] / f['warm']:>10,.0f} "
        f"{f['peak_mb']:>7.1f} MB {f['held_mb']:>7.1f} MB {f['rss_mb']:>5.0f} MB "
        f"{f['base_rss_mb']:>6.0f} MB {f['cache_mb']:>5.1f} MB"
    )
    print(f"  ({int(f['draft'])} drafts, {int(f['future'])} future, {int(f['invalid'])} invalid)")


def _print_ui(results: list[tuple[int, dict[str, float]]]) -> None:
    print("\nIn the window (offscreen): opening the site")
    print(
        f"{'posts':>8} {'cold scan':>10} {'responsive':>11} {'first rows':>11} "
        f"{'longest stall':>14} {'p99 gap':>9} {'warm reopen':>12} {'responsive':>11} "
        f"{'rows after reopen':>18} {'listed from cache':>18} {'warm stall':>11}"
    )
    for posts, f in results:
        same = "all" if int(f["warm_rows"]) == int(f["cold_rows"]) == posts else "MISMATCH"
        print(
            f"{posts:>8,} {f['cold_seconds']:>8.2f} s {f['cold_responsive']:>9.2f} s "
            f"{f['cold_first_rows']:>9.3f} s "
            f"{f['cold_stall_max']:>11.1f} ms {f['cold_stall_p99']:>6.1f} ms "
            f"{f['warm_seconds']:>10.3f} s {f['warm_responsive']:>9.3f} s "
            f"{int(f['warm_rows']):>10,} ({same}) {f['warm_listed']:>16.3f} s "
            f"{f['warm_stall_max']:>8.1f} ms"
        )
    print(
        "  (cold scan, warm reopen: open_site to scan_finished, every file checked; "
        "responsive: to the event loop's next turn after it; listed from cache: until the "
        "sidebar shows every cached post)"
    )
    print(
        f"\nIn the window: external change -> sidebar row ({_CHANGES} posts), "
        f"burst of {_BURST:,} new posts"
    )
    print(
        f"{'posts':>8} {'median':>9} {'p95':>9} {'max':>9} {'missed':>7}   "
        f"{'written in':>10} {'settled':>10} {'resets':>7} {'inserts':>8} "
        f"{'longest stall':>14} {'p99 gap':>9}"
    )
    for posts, f in results:
        print(
            f"{posts:>8,} {f['change_median']:>6.0f} ms {f['change_p95']:>6.0f} ms "
            f"{f['change_max']:>6.0f} ms {int(f['change_missed']):>7}   "
            f"{f['burst_written']:>7.0f} ms {f['burst_settle']:>7.0f} ms "
            f"{int(f['burst_resets']):>7} {int(f['burst_inserts']):>8} "
            f"{f['burst_stall_max']:>11.1f} ms {f['burst_stall_p99']:>6.1f} ms"
        )
    print("\nIn the window: memory after the cold scan")
    print(
        f"{'posts':>8} {'window RSS empty':>17} {'after scan':>11} {'growth':>9} "
        f"{'whole app PSS':>14} {'processes':>10}"
    )
    for posts, f in results:
        print(
            f"{posts:>8,} {f['rss_empty']:>14.0f} MB {f['rss_main']:>8.0f} MB "
            f"{f['rss_main'] - f['rss_empty']:>6.0f} MB {f['pss_all']:>11.0f} MB "
            f"{int(f['processes']):>10}"
        )
    print(
        "  (window RSS: the window's process alone, VmRSS; whole app PSS: it and its "
        "descendants, QtWebEngine's processes, shared pages divided among them)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated: 1k, 10k, 100k")
    parser.add_argument(
        "--ui",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure in the window, offscreen (default: yes)",
    )
    parser.add_argument("--keep", type=Path, help="generate the sites here and keep them")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # child modes
    parser.add_argument("--measure-ui", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.cache)))
        return 0
    if args.measure_ui is not None:
        figures = measure_ui(args.measure_ui, args.seed)
        print("RESULT " + json.dumps(figures), flush=True)
        return 0

    names = [name.strip() for name in args.sizes.split(",") if name.strip()]
    unknown = [name for name in names if name not in _SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r}; use {', '.join(_SIZES)}")
    work = args.keep or Path(tempfile.mkdtemp(prefix="galley-library-bench-"))
    ui_results: list[tuple[int, dict[str, float]]] = []
    failed = False
    try:
        print(
            f"{'posts':>8} {'cold':>9} {'rows/s':>9} {'warm':>9} {'rows/s':>10} "
            f"{'rows peak':>10} {'rows held':>10} {'RSS':>8} {'bare RSS':>9} {'cache':>8}"
        )
        for name in names:
            count = _SIZES[name]
            root = work / f"site-{name}"
            marker = root / ".generated"
            stamp = f"{count} {args.seed}"
            if not marker.is_file() or marker.read_text() != stamp:
                shutil.rmtree(root, ignore_errors=True)
                started = time.perf_counter()
                generate_site(root, count, args.seed)
                marker.write_text(stamp)
                print(f"  (generated {count:,} posts in {time.perf_counter() - started:.1f} s)")
            with tempfile.TemporaryDirectory(prefix="galley-library-cache-") as cache:
                status, out, err = _run_child(
                    ["--measure", str(root), "--cache", cache], _child_env(), timeout=1800
                )
            if status != 0:
                print(f"{name}: measuring failed:\n{err}", file=sys.stderr)
                return 1
            core = json.loads(out)
            _print_core(core)
            if not args.ui:
                continue
            # The window's run changes posts and puts them back; should it
            # die half-way, the missing marker has the site generated again.
            marker.unlink()
            figures, err = _measure_ui_child(root, args.seed)
            if figures is None:
                print(f"{name}: measuring in the window failed:\n{err}", file=sys.stderr)
                failed = True
                continue
            marker.write_text(stamp)
            ui_results.append((int(core["rows"]), figures))
        if ui_results:
            _print_ui(ui_results)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
