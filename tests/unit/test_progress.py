"""The progress line: shown on a terminal, silent when the output is not one (scheduled runs, CI)."""

from __future__ import annotations

import io

from ofsted_dataset.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_counts_to_the_total():
    out = Terminal()
    progress = Progress("Applying mappings", 1200, out, interval=0)
    progress.advance(250)
    progress.advance(950)
    assert out.getvalue() == "\rApplying mappings: 250 of 1,200\rApplying mappings: 1,200 of 1,200\n"


def test_progress_is_silent_when_not_a_terminal():
    out = io.StringIO()
    progress = Progress("Applying mappings", 10, out, interval=0)
    progress.advance(10)
    assert out.getvalue() == ""
