"""A progress line for long runs on a terminal ("Applying mappings: 1,200 of 10,000"), silent otherwise.

Written to stderr at most a few times a second, so it costs nothing measurable and never mixes with
the run summary on stdout or with logs collected from a scheduled run (not a TTY: no output at all).
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, label: str, total: int, stream: TextIO | None = None, interval: float = 0.25) -> None:
        self.label, self.total, self.done = label, total, 0
        self.stream = stream or sys.stderr
        self.enabled = total > 0 and self.stream.isatty()
        self.interval = interval
        self._shown = 0.0

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if self.enabled and (now - self._shown >= self.interval or self.done >= self.total):
            self._shown = now
            self.stream.write(f"\r{self.label}: {self.done:,} of {self.total:,}")
            if self.done >= self.total:
                self.stream.write("\n")
            self.stream.flush()
