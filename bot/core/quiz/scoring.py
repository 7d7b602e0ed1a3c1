"""Points for an answer: right answers score 500–1000, more the faster they come."""

from __future__ import annotations

MAX_POINTS = 1000
MIN_POINTS = 500


def points_for(correct: bool, elapsed_seconds: float, limit_seconds: float) -> int:
    """1000 for an instant right answer, falling linearly to 500 at the buzzer; 0 if wrong."""
    if not correct:
        return 0
    remaining = max(0.0, min(1.0, 1 - elapsed_seconds / limit_seconds))
    return round(MIN_POINTS + (MAX_POINTS - MIN_POINTS) * remaining)
