"""Guard against PySide6 6.12.0's reference-count bug on ``True`` and ``None``.

On Python 3.11, PySide6 6.12.0 gives back a reference to ``True`` or
``None`` that it never took, on every ``Signal.emit()`` and every call to a
C++ method returning void. The counts fall until the interpreter frees
``True`` and aborts (``bool_dealloc``), minutes into an editing session.
pyproject.toml caps PySide6 below 6.12 because of it; this test is what to
run on a new release before lifting the cap.

The calls run in small batches, each followed by a look at the counts, so a
broken build fails here with a message instead of taking pytest down: a few
hundred stray decrefs are enough to free ``True``. From Python 3.12 both
objects are immortal and the counts never move, so the test passes there
whatever PySide6 does.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable

import PySide6
import pytest
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

CALLS = 100_000
BATCH = 100
# The counts move a little with no fault at all (caches, frames, the gc):
# allow that much, far below one reference per call.
SLACK = 50


class _Emitter(QObject):
    """Signals:
    fired(): emitted by the test, many times.
    """

    fired = Signal()


def _counts() -> tuple[int, int]:
    return sys.getrefcount(True), sys.getrefcount(None)


def _run_checked(label: str, call: Callable[[], object]) -> None:
    """Make ``CALLS`` calls; fail as soon as either count has fallen."""
    gc.collect()
    true_before, none_before = _counts()
    for done in range(BATCH, CALLS + 1, BATCH):
        for _ in range(BATCH):
            call()
        true_now, none_now = _counts()
        if true_now < true_before - SLACK or none_now < none_before - SLACK:
            pytest.fail(
                f"PySide6 {PySide6.__version__}: after {done} calls of {label}, "
                f"refcount(True) {true_before} -> {true_now}, "
                f"refcount(None) {none_before} -> {none_now}: "
                "references are being released that were never taken"
            )
    gc.collect()
    true_after, none_after = _counts()
    # A count that climbs by about one per call is the opposite bug (a leak).
    assert true_after - true_before < CALLS // 10, (label, true_before, true_after)
    assert none_after - none_before < CALLS // 10, (label, none_before, none_after)


def test_emit_and_void_calls_keep_true_and_none_counts(qapp: QApplication) -> None:
    emitter = _Emitter()
    received = 0

    def on_fired() -> None:
        nonlocal received
        received += 1

    emitter.fired.connect(on_fired)
    timer = QTimer()

    _run_checked("Signal.emit()", emitter.fired.emit)
    _run_checked("QObject.setObjectName()", lambda: emitter.setObjectName("x"))
    _run_checked("QTimer.stop()", timer.stop)

    assert received == CALLS
