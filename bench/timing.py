"""Timing helpers shared by the benchmarks: CPU time of this process (other processes on a
busy machine barely move it), interleaved runs and best-of-N, so that a noisy
machine slows the baseline and the measured code alike and their ratio stays meaningful."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(fn: Callable[[], object], *, repeat: int = 5, number: int = 20) -> float:
    """Seconds per call: the best of ``repeat`` batches of ``number`` calls."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(number):
            fn()
        best = min(best, (time.process_time() - start) / number)
    return best


def interleaved(
    measured: Callable[[], object],
    baseline: Callable[[], object],
    *,
    rounds: int = 7,
    number: int = 10,
) -> tuple[float, float]:
    """(measured, baseline) seconds per call, alternating batches and keeping each one's best."""
    best_m = best_b = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(number):
            baseline()
        best_b = min(best_b, (time.process_time() - start) / number)
        start = time.process_time()
        for _ in range(number):
            measured()
        best_m = min(best_m, (time.process_time() - start) / number)
    return best_m, best_b
