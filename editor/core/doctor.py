"""Health check of post files: can Galley open and save each one losslessly?

Used by ``galley-cli doctor``. For each file it reports the encoding, the
newline style, the front-matter format, problems and Jekyll warnings, and
whether opening and saving without changes gives the identical bytes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from editor.core.errors import GalleyError
from editor.core.post import Post
from editor.core.site import POST_SUFFIXES, SKIP_DIRS


@dataclass(slots=True)
class FileReport:
    """What the doctor found in one file."""

    path: Path
    readable: bool
    round_trips: bool = False
    encoding: str = ""
    newlines: str = ""
    format: str = ""
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reason: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "readable": self.readable,
            "round_trips": self.round_trips,
            "encoding": self.encoding,
            "newlines": self.newlines,
            "format": self.format,
            "problems": self.problems,
            "warnings": self.warnings,
            "reason": self.reason,
        }


def post_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Every post-like file under ``paths`` (files are taken as given)."""
    for path in paths:
        if path.is_file():
            yield path
            continue
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(
                d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")
            )
            for name in sorted(filenames):
                if name.lower().endswith(POST_SUFFIXES):
                    yield Path(dirpath) / name


def examine(path: Path) -> FileReport:
    """Open ``path`` as Galley would and check the no-op save."""
    try:
        original = path.read_bytes()
        post = Post.from_bytes(original, path)
    except OSError as exc:
        return FileReport(path, False, reason=f"cannot read: {exc.strerror or exc}")
    except GalleyError as exc:
        return FileReport(path, False, reason=exc.message)
    report = FileReport(
        path,
        True,
        encoding=post.encoding.label,
        newlines=post.newline_style,
        format=post.format or "none",
    )
    if post.problem is not None:
        p = post.problem
        where = f"line {p.line}, column {p.column}: " if p.line is not None else ""
        report.problems.append(f"{where}{p.message} (front matter kept as raw text)")
    for w in post.warnings():
        report.warnings.append(f"line {w.line}, column {w.column}: {w.message}")
    try:
        report.round_trips = post.to_bytes() == original
    except GalleyError as exc:
        report.problems.append(str(exc))
    if not report.round_trips:
        report.problems.append("saving without changes would change the file")
    return report
