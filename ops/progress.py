"""Progress bars for the long commands (the demo build, `generate`, `load`, `cases import`, the
rebuilds after `migrate`): the command opens a task with its number of steps, the code it runs
marks steps as it goes (`step`), and a bar is redrawn on the terminal.

Drawn only when stderr is a terminal: in a log, a pipe or a test the commands print what they
always printed (their JSON report) and nothing else. Steps marked with no task open (the web
app, a library call) cost nothing.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

WIDTH = 24


class Bar:
    def __init__(self, title: str, total: int, out: TextIO) -> None:
        self.title, self.total, self.out = title, max(total, 1), out
        self.done, self.label, self.t0 = 0, "", time.monotonic()
        self.lock = threading.Lock()  # parts of an import finish on their own threads

    def step(self, label: str, n: int = 1) -> None:
        with self.lock:
            self.done = min(self.total, self.done + n)
            self.label = label
            self.draw()

    def draw(self, end: str = "") -> None:
        share = self.done / self.total
        full = round(share * WIDTH)
        bar = "█" * full + "░" * (WIDTH - full)
        secs = time.monotonic() - self.t0
        line = (
            f"\r{self.title} [{bar}] {share:4.0%} {self.done}/{self.total} {self.label} {secs:.0f}s"
        )
        self.out.write(line + "\033[K" + end)
        self.out.flush()


_bar: Bar | None = None


@contextmanager
def task(title: str, total: int, out: TextIO | None = None) -> Iterator[Bar | None]:
    """A bar of `total` steps while the block runs (the outermost task only; None when stderr
    is no terminal)."""
    global _bar
    stream = out or sys.stderr
    if _bar is not None or not stream.isatty():
        yield None
        return
    _bar = Bar(title, total, stream)
    _bar.draw()
    try:
        yield _bar
        _bar.done, _bar.label = _bar.total, "完成"
    finally:
        _bar.draw(end="\n")
        _bar = None


def resize(total: int) -> None:
    """The open task turns out to have `total` steps (an import, once its parts are known)."""
    if _bar is not None:
        _bar.total = max(total, 1)


def step(label: str, n: int = 1) -> None:
    """n steps of the open task done, the next being `label` (nothing without a task)."""
    if _bar is not None:
        _bar.step(label, n)
