"""``galley-cli``: Galley's core from the command line.

Every subcommand prints one clear line on stderr and exits non-zero on
failure (1: the file has a problem, 2: wrong usage); never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from editor import __version__
from editor.core import doctor as doctor_mod
from editor.core import fields, yaml_fm
from editor.core.errors import GalleyError
from editor.core.post import Post


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="galley-cli",
        description="Galley's core from the command line: read, edit and check posts.",
    )
    parser.add_argument("--version", action="version", version=f"galley-cli {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    get = sub.add_parser("get", help="print the front matter as JSON, or one value")
    get.add_argument("file", type=Path)
    get.add_argument("key", nargs="?", help="print only this key (strings as plain text)")

    set_ = sub.add_parser(
        "set", help="set or remove one front-matter field, touching only its lines"
    )
    set_.add_argument("file", type=Path)
    set_.add_argument("key")
    set_.add_argument("value", nargs="?", help="a YAML scalar or flow value ([a, b])")
    set_.add_argument("--unset", action="store_true", help="remove the key instead")

    render = sub.add_parser("render", help="print the HTML the preview shows for a post")
    render.add_argument("file", type=Path)
    render.add_argument(
        "--site", type=Path, help="the site folder (default: nearest with _config.yml)"
    )
    render.add_argument(
        "--body-only", action="store_true", help="only the rendered body, as Jekyll's {{ content }}"
    )
    render.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")

    doc = sub.add_parser(
        "doctor", help="check that every post under PATH opens and saves losslessly"
    )
    doc.add_argument("paths", type=Path, nargs="+", metavar="PATH")
    doc.add_argument("--json", action="store_true", help="one JSON report per line")
    doc.add_argument("-q", "--quiet", action="store_true", help="print only files with problems")

    index = sub.add_parser(
        "index",
        help="list a site's posts: status, date, path and title (tab-separated), one per line",
    )
    index.add_argument("site", type=Path, metavar="SITE", help="the site folder")
    index.add_argument("--json", action="store_true", help="a JSON array of rows instead")
    index.add_argument(
        "--no-cache", action="store_true", help="read every file; neither use nor update the cache"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run galley-cli; return the exit status."""
    _utf8_stdio()
    args = _parser().parse_args(argv)
    try:
        if args.command == "get":
            return _get(args.file, args.key)
        if args.command == "set":
            return _set(args.file, args.key, args.value, args.unset)
        if args.command == "render":
            return _render(args.file, args.site, args.body_only, args.output)
        if args.command == "index":
            return _index(args.site, args.json, not args.no_cache)
        return _doctor(args.paths, args.json, args.quiet)
    except GalleyError as exc:
        print(f"galley-cli: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _utf8_stdio() -> None:
    # Windows consoles default to a legacy code page; Chinese titles must not
    # raise UnicodeEncodeError on print.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


def _get(path: Path, key: str | None) -> int:
    post = Post.load(path)
    if post.data is None:
        raise post._raw_mode_error()
    if key is None:
        print(json.dumps(post.fields(), ensure_ascii=False, indent=2))
        return 0
    if key not in post.data:
        print(f"galley-cli: {path}: no front-matter key {key!r}", file=sys.stderr)
        return 1
    value = post.get(key)
    print(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
    return 0


def cli_value(text: str) -> Any:
    """Interpret VALUE: a flow list or mapping, a number, boolean, null or
    date is written as spelled on the command line; anything else is a
    string (``Hello: world`` is a title, not a mapping)."""
    stripped = text.strip()
    if "\n" in stripped:
        return text
    data, problem = yaml_fm.load("v: " + stripped)
    if problem is not None or data is None:
        return text
    value = data["v"]
    if isinstance(value, (list, dict)):
        return yaml_fm.Raw(stripped) if stripped[:1] in ("[", "{") else text
    if stripped and (
        value is None
        or isinstance(value, (bool, int, float, dt.date))
        or fields.parse_date(stripped) is not None
    ):
        return yaml_fm.Raw(stripped)
    if isinstance(value, str) and stripped[:1] in ("'", '"'):
        return str(value)  # quoted for YAML on the command line: take the string
    return text


def _set(path: Path, key: str, value: str | None, unset: bool) -> int:
    if not unset and value is None:
        print("galley-cli: set needs a VALUE (or --unset)", file=sys.stderr)
        return 2
    post = Post.load(path)
    if unset:
        post.unset(key)
    else:
        assert value is not None
        post.set(key, cli_value(value))
    if post.modified:
        post.save()
    return 0


def _render(path: Path, site: Path | None, body_only: bool, output: Path | None) -> int:
    from editor.core.preview_page import build_page
    from editor.core.render.document import SiteRenderer

    post = Post.load(path)
    renderer = SiteRenderer.for_file(path, site)
    result = renderer.render(post)
    for diagnostic in result.diagnostics:
        where = f"{path}:{diagnostic.line}" if diagnostic.line is not None else str(path)
        print(f"{where}: {diagnostic.severity}: {diagnostic.message}", file=sys.stderr)
    if body_only:
        text = result.html
    else:
        lang = str(renderer.config.get("lang") or "zh-CN")
        text = build_page(result.html, post.fields(), lang)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _doctor(paths: list[Path], as_json: bool, quiet: bool) -> int:
    failed = unreadable = total = 0
    for missing in (p for p in paths if not p.exists()):
        print(f"galley-cli: {missing}: no such file or folder", file=sys.stderr)
        return 2
    for path in doctor_mod.post_files(paths):
        report = doctor_mod.examine(path)
        total += 1
        if not report.readable:
            unreadable += 1
        elif not report.round_trips:
            failed += 1
        if as_json:
            print(json.dumps(report.as_dict(), ensure_ascii=False))
            continue
        if not report.readable:
            print(f"UNREADABLE  {path}: {report.reason}")
            continue
        flag = "OK  " if report.round_trips else "FAIL"
        if quiet and report.round_trips and not report.problems and not report.warnings:
            continue
        print(f"{flag}  {path}  [{report.encoding}, {report.newlines}, {report.format}]")
        for problem in report.problems:
            print(f"      problem: {problem}")
        for warning in report.warnings:
            print(f"      warning: {warning}")
    if not as_json:
        print(
            f"{total} files: {total - failed - unreadable} round-trip, "
            f"{failed} would change, {unreadable} unreadable"
        )
    return 1 if failed else 0


def _index(root: Path, as_json: bool, use_cache: bool) -> int:
    from editor.core.library import open_index

    if not root.is_dir():
        what = "not a folder" if root.exists() else "no such folder"
        print(f"galley-cli: {root}: {what}", file=sys.stderr)
        return 2
    index = open_index(root, use_cache=use_cache)
    if index.site.config_problem:
        print(f"galley-cli: warning: {index.site.config_problem}", file=sys.stderr)
    try:
        if as_json:
            sys.stdout.write("[")
            first = True
            for batch in index.scan():
                for row in batch:
                    sys.stdout.write("\n" if first else ",\n")
                    sys.stdout.write(json.dumps(row.as_dict(), ensure_ascii=False))
                    first = False
            sys.stdout.write("\n]\n" if not first else "]\n")
        else:
            for batch in index.scan():
                sys.stdout.write(
                    "".join(
                        f"{row.status}\t{row.date or '-'}\t{row.rel}\t{row.title}\n"
                        for row in batch
                    )
                )
        sys.stdout.flush()
    except BrokenPipeError:
        # Piped into head or a pager that quit: not an error. Point stdout
        # at nothing so the interpreter's final flush does not complain.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        if index.cache is not None:
            index.cache.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
