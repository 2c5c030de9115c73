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

Targets (issue 5): 100,000 posts cold under 20 s, warm under 1.5 s, under
300 MB.

    python benchmarks/library.py [--sizes 10k,100k] [--keep DIR] [--seed S]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

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
# UI-side figures (external write -> sidebar row, settle time of a burst of
# changes) belong here once the sidebar runs on the index; they need the
# window and the watcher, so they will be measured like benchmarks/preview.py
# does. Until then the report says they are not measured.


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated: 1k, 10k, 100k")
    parser.add_argument("--keep", type=Path, help="generate the sites here and keep them")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # child mode
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.cache)))
        return 0

    names = [name.strip() for name in args.sizes.split(",") if name.strip()]
    unknown = [name for name in names if name not in _SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r}; use {', '.join(_SIZES)}")
    work = args.keep or Path(tempfile.mkdtemp(prefix="galley-library-bench-"))
    try:
        print(
            f"{'posts':>8} {'cold':>9} {'rows/s':>9} {'warm':>9} {'rows/s':>10} "
            f"{'rows peak':>10} {'rows held':>10} {'RSS':>8} {'bare RSS':>9} {'cache':>8}"
        )
        for name in names:
            count = _SIZES[name]
            root = work / f"site-{name}"
            marker = root / ".generated"
            if not marker.is_file() or marker.read_text() != f"{count} {args.seed}":
                shutil.rmtree(root, ignore_errors=True)
                started = time.perf_counter()
                generate_site(root, count, args.seed)
                marker.write_text(f"{count} {args.seed}")
                print(f"  (generated {count:,} posts in {time.perf_counter() - started:.1f} s)")
            with tempfile.TemporaryDirectory(prefix="galley-library-cache-") as cache:
                child = subprocess.run(
                    [sys.executable, __file__, "--measure", str(root), "--cache", cache],
                    capture_output=True,
                    text=True,
                    check=False,
                    env={**os.environ, "PYTHONHASHSEED": "0"},
                )
            if child.returncode != 0:
                print(f"{name}: measuring failed:\n{child.stderr}", file=sys.stderr)
                return 1
            f = json.loads(child.stdout)
            print(
                f"{int(f['rows']):>8,} {f['cold']:>7.2f} s {f['rows'] / f['cold']:>9,.0f} "
                f"{f['warm']:>7.3f} s {f['rows'] / f['warm']:>10,.0f} "
                f"{f['peak_mb']:>7.1f} MB {f['held_mb']:>7.1f} MB {f['rss_mb']:>5.0f} MB "
                f"{f['base_rss_mb']:>6.0f} MB {f['cache_mb']:>5.1f} MB"
            )
            print(
                f"  ({int(f['draft'])} drafts, {int(f['future'])} future, "
                f"{int(f['invalid'])} invalid)"
            )
        print("UI: external write -> sidebar row, burst settle time: not measured yet")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
