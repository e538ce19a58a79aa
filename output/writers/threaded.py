"""Each format written on a thread of its own, so the formats overlap with the build and with
each other.

An export streams every dataset to every chosen format (:mod:`output.writers.base`). Much of a
format's work runs outside Python's lock — SQLite inserting rows and building its indexes,
Arrow encoding and compressing Parquet, zlib packing the workbook, the disk — so a format on
its own thread runs while the build makes the next chunk and the other formats write theirs:
on a machine with several cores the formats' times overlap instead of adding up. The order of
calls each sink sees is exactly the order of the single-threaded export (one queue per sink),
so the files are the same bytes. A sink's failure is raised in the exporting thread at its
next call (and the export then aborts every sink).
"""

from __future__ import annotations

import queue
import threading
from typing import Any

from output.dataset import Dataset
from output.writers.base import Sink

DEPTH = 2
"""Calls waiting per sink: a slow format holds at most this many chunks besides its own."""

_STOP = object()


class ThreadedSink:
    """Runs ``sink``'s calls, in order, on a thread of its own."""

    def __init__(self, sink: Sink, depth: int = DEPTH) -> None:
        self.sink = sink
        self._calls: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, name=f"ogi-{type(sink).__name__}", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        while True:
            call = self._calls.get()
            if call is _STOP:
                return
            if self._error is not None:
                continue  # failed: drain what is queued, do nothing more
            method, args = call
            try:
                getattr(self.sink, method)(*args)
            except BaseException as exc:  # handed to the exporting thread
                self._error = exc

    def _call(self, method: str, *args: Any) -> None:
        self._raise()
        self._calls.put((method, args))

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _join(self) -> None:
        if self._thread.is_alive():
            self._calls.put(_STOP)
            self._thread.join()

    def begin(self, dataset: Dataset) -> None:
        self._call("begin", dataset)

    def wants_rows(self, dataset: Dataset) -> bool:
        return self.sink.wants_rows(dataset)

    def write(self, chunk) -> None:
        self._call("write", chunk)

    def end(self) -> None:
        self._call("end")

    def close(self) -> None:
        self._call("close")
        self._join()
        self._raise()

    def abort(self) -> None:
        self._join()
        self._error = None
        self.sink.abort()
