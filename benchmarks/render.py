"""Render speed: full renders and re-renders after a one-character edit.

For generated posts of 5 KB, 100 KB and 1 MB (Chinese and English prose,
lists, tables, code, links, footnotes, Liquid) this prints, in one run:

- the full cold render time of Galley's pipeline (fresh pipeline, no cache);
- the time until the new blocks are ready after a one-character edit at a
  random place (median and p95 over many edits, cache warm);
- as the baseline, a full ``markdown.markdown(...)`` conversion of the same
  text (what a generic previewer does on every keystroke), and the ratio.

Targets (issue 3): edit -> new blocks under 5 ms median at 100 KB and under
30 ms at 1 MB; cold render of 1 MB under 1.5 s.

    python benchmarks/render.py [--edits N] [--seed S] [--sizes 5k,100k,1m]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import markdown

from editor.core.render.parallel import ParallelMarkdown, start_helper
from editor.core.render.pipeline import Pipeline

_ZH = (
    "春节期间，江苏省连云港市妇联启动志愿阳光行动，围绕抓品牌、创特色、促提升的工作思路，"
    "紧扣关爱妇女儿童发展主线，着力打造志愿服务品牌，切实解决基层群众的急难愁盼。"
)
_EN = (
    "Every week our inbox receives somewhere between forty and sixty press releases; "
    "a handful become stories, and most are filed away as background for later reporting. "
)


def _section(rng: random.Random, n: int) -> str:
    kind = n % 8
    if kind == 0:
        return f"## 第{n}节 Section {n}\n"
    if kind == 1:
        return _ZH * rng.randint(1, 3) + f"[链接{n}](https://example.com/{n})。\n"
    if kind == 2:
        return (
            _EN * rng.randint(1, 3)
            + f"See the note[^n{n}] and *emphasis* with `code`.\n\n[^n{n}]: Footnote {n}.\n"
        )
    if kind == 3:
        return "".join(f"- 列表项 {n}.{i} item with **bold**\n" for i in range(rng.randint(3, 6)))
    if kind == 4:
        rows = "".join(f"| {n}.{i} | 数据 {i} | {i * 3.5} |\n" for i in range(rng.randint(3, 8)))
        return "| 编号 | 名称 | 数值 |\n|---|---|---:|\n" + rows
    if kind == 5:
        return (
            "```python\n"
            + "".join(f"def f{n}_{i}(x):\n    return x * {i}\n" for i in range(4))
            + "```\n"
        )
    if kind == 6:
        return f"{{% if page.title %}}{{{{ page.title }}}} — {n}{{% endif %}} {{{{ site.title | upcase }}}}\n"
    return "> " + _ZH + "\n"


def generate(size: int, seed: int = 1) -> str:
    """A post body of about ``size`` characters' worth of UTF-8 bytes."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    n = 0
    while total < size:
        part = _section(rng, n)
        parts.append(part)
        total += len(part.encode("utf-8")) + 1
        n += 1
    return "\n".join(parts)


def _edit(text: str, rng: random.Random) -> str:
    at = rng.randrange(len(text))
    return text[:at] + rng.choice("的a中 x") + text[at:]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sizes", default="5k,100k,1m")
    args = parser.parse_args(argv)
    sizes = {"5k": 5_000, "100k": 100_000, "1m": 1_000_000}
    page = {"title": "基准 Benchmark"}
    # The render worker keeps a helper process on the other core for big
    # renders; it is started with the worker, so it is warm here too.
    helper_process, connection = start_helper()
    helper = ParallelMarkdown(connection, {})
    helper.submit([]).result()  # wait until it is up
    print(
        f"{'size':>6} {'cold render':>12} {'cold, 1 core':>13} {'edit median':>12} "
        f"{'edit p95':>12} {'baseline':>12} {'ratio':>8}"
    )
    # Import-time and first-use costs (Liquid environment, lexers) are not
    # part of any render: pay them once before measuring.
    Pipeline(config={}).render(generate(2_000, args.seed + 1), page)
    for name in args.sizes.split(","):
        body = generate(sizes[name], args.seed)
        start = time.perf_counter()
        single = Pipeline(config={})
        single.render(body, page)
        cold_single = time.perf_counter() - start

        start = time.perf_counter()
        pipeline = Pipeline(config={})
        pipeline.parallel = helper
        pipeline.render(body, page)
        cold = time.perf_counter() - start

        start = time.perf_counter()
        markdown.markdown(body, extensions=["extra", "codehilite"])
        baseline = time.perf_counter() - start

        rng = random.Random(args.seed)
        times = []
        text = body
        for _ in range(args.edits):
            text = _edit(text, rng)
            start = time.perf_counter()
            pipeline.render(text, page)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
        print(
            f"{name:>6} {_ms(cold):>12} {_ms(cold_single):>13} {_ms(median):>12} {_ms(p95):>12} "
            f"{_ms(baseline):>12} {baseline / median:7.1f}x"
        )
    connection.send(None)
    helper_process.join()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
