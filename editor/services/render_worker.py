"""Runs the render pipeline in a separate process, off the UI thread.

Requests are coalesced: only the newest text waits while a render runs. A
render that takes longer than ``time_limit`` seconds gets its process killed
and restarted; the window keeps the last good blocks and is told why.

A small dispatcher thread talks to the process (send, wait with a deadline,
receive) and hands updates to the UI thread through a queued Qt signal.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from PySide6.QtCore import QObject, Signal

from editor.core.render.host import RenderRequest, RenderUpdate, serve
from editor.core.render.parallel import start_helper


class RenderWorker(QObject):
    """Renders posts in a worker process.

    Signals:
        updated(object): a RenderUpdate, in the order requests were rendered.
        timed_out(float): a render exceeded the limit (seconds); the worker
            process was restarted.
        failed(str): the worker could not render at all (it is retried with
            the next request).
    """

    updated = Signal(object)
    timed_out = Signal(float)
    failed = Signal(str)

    def __init__(self, time_limit: float = 5.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.time_limit = time_limit
        self._context = multiprocessing.get_context("spawn")
        self._process: BaseProcess | None = None
        self._helper: BaseProcess | None = None
        self._connection: Connection | None = None
        self._condition = threading.Condition()
        self._pending: RenderRequest | None = None
        self._stopping = False
        self._generation = 0
        self._thread = threading.Thread(
            target=self._dispatch, name="galley-render-dispatch", daemon=True
        )
        self._thread.start()

    def request(self, site: str | None, path: str | None, text: str) -> int:
        """Ask for a render of ``text``; return the request's generation."""
        with self._condition:
            self._generation += 1
            self._pending = RenderRequest(self._generation, site, path, text)
            self._condition.notify()
            return self._generation

    def shutdown(self) -> None:
        """Stop the dispatcher and the worker process."""
        with self._condition:
            self._stopping = True
            self._pending = None
            self._condition.notify()
        self._thread.join(timeout=self.time_limit + 2)
        self._stop_process()

    # -- dispatcher thread --------------------------------------------------

    def _dispatch(self) -> None:
        while True:
            with self._condition:
                while self._pending is None and not self._stopping:
                    self._condition.wait()
                if self._stopping:
                    return
                request, self._pending = self._pending, None
            assert request is not None
            try:
                update = self._render(request)
            except Exception as exc:  # never let the dispatcher die: say why and go on
                self._stop_process(graceful=False)
                self.failed.emit(f"{type(exc).__name__}: {exc}")
                continue
            if update is not None:
                self.updated.emit(update)

    def _render(self, request: RenderRequest) -> RenderUpdate | None:
        connection = self._ensure_process()
        started = time.monotonic()
        try:
            connection.send(request)
            while not connection.poll(0.05):
                if self._stopping:
                    return None
                if time.monotonic() - started > self.time_limit:
                    self._stop_process(graceful=False)
                    self.timed_out.emit(self.time_limit)
                    return None
                if self._process is not None and not self._process.is_alive():
                    raise EOFError("the render process ended")
            update: RenderUpdate = connection.recv()
            return update
        except (EOFError, OSError, BrokenPipeError):
            self._stop_process()
            return None

    def _ensure_process(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._connection is not None:
            return self._connection
        self._stop_process()
        # The helper converts half of a big render's blocks on the other
        # core; the render process cannot start it itself (it is a daemon).
        helper, helper_end = start_helper(self._context)
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(
            target=serve, args=(child_end, helper_end), name="galley-render", daemon=True
        )
        process.start()
        child_end.close()
        helper_end.close()
        self._process, self._connection, self._helper = process, parent_end, helper
        return parent_end

    def _stop_process(self, graceful: bool = True) -> None:
        process, connection, helper = self._process, self._connection, self._helper
        self._process = self._connection = self._helper = None
        if helper is not None:
            # Its pipe closes with the render process; after a timeout it may
            # still be busy with a batch no one will read.
            helper.kill()
            helper.join(timeout=2)
        if connection is not None:
            if graceful:
                with contextlib.suppress(OSError, BrokenPipeError):
                    connection.send(None)
            connection.close()
        if process is not None:
            process.join(timeout=0.5 if graceful else 0)
            if process.is_alive():
                process.kill()
                process.join(timeout=2)
