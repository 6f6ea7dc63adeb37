"""A stopwatch for named stages of a benchmark run."""

from __future__ import annotations

import contextlib
import time


class Stages:
    """``with stages("name"): ...`` records the wall time of each named stage, in order."""

    def __init__(self):
        self.times: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, name: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.times[name] = round(time.perf_counter() - t0, 2)
