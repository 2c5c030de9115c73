"""Fixtures for the core tests: writing posts to real files, and a guard
that turns a hang (an alias bomb that expands after all) into a failure."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

HANG_SECONDS = 20


@pytest.fixture
def write_post(tmp_path: Path) -> Callable[..., Path]:
    """Write bytes to a file under ``tmp_path`` and return its path."""

    def write(data: bytes, name: str = "post.md") -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def hang_guard() -> Iterator[None]:
    """Fail the test instead of hanging the run if it takes absurdly long.

    Not a timing assertion (tests never assert wall-clock times): inputs
    that are meant to be refused in milliseconds get a limit two orders of
    magnitude above that, so only a runaway parse trips it.
    """
    if sys.platform == "win32":
        yield
        return

    def _timeout(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
