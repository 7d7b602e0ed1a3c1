"""Daily-question streaks: consecutive local days with an answer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta


def streaks(days: Sequence[date], today: date) -> tuple[int, int]:
    """(current, best) runs of consecutive days. The current run may end today or yesterday
    (today's question may still be ahead)."""
    ordered = sorted(set(days))
    best = run = 0
    previous: date | None = None
    for day in ordered:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    current = run if previous is not None and today - previous <= timedelta(days=1) else 0
    return current, best
