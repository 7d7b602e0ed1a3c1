"""Seeded random failures for a route of the fake Discord: a share of 429s and of 500s.

Each request's fate is drawn from the seed, the request's path and how many requests to
that path came before it, never from arrival order: concurrent requests to a thousand
channels interleave differently on every run, yet each channel sees the same answers.
"""

from __future__ import annotations

import enum
import random
import re
from collections import Counter
from dataclasses import dataclass, field


class Fate(enum.Enum):
    """What the fake does with one request."""

    ANSWER = "answer"
    RATE_LIMITED = "429"
    FAIL = "500"  # refused before anything was done
    FAIL_AFTER = "500 after"  # done (the message exists), then answered 500


@dataclass
class Flaky:
    """Failures for requests matching ``method`` and ``pattern``; ``answered`` counts each
    fate as it was answered."""

    method: str
    pattern: re.Pattern[str]
    share_429: float
    share_500: float
    retry_after: float
    seed: int
    ambiguous_share: float
    answered: Counter[Fate] = field(default_factory=Counter)
    # every path's fates, in the order its requests came
    fates: dict[str, list[Fate]] = field(default_factory=dict)

    def matches(self, method: str, path: str) -> bool:
        return method == self.method and self.pattern.fullmatch(path) is not None

    def fate(self, path: str) -> Fate:
        """The answer to the next request to ``path`` (counted)."""
        seen = self.fates.setdefault(path, [])
        attempt = len(seen)
        draw = random.Random(f"{self.seed}:{self.method} {path}:{attempt}")
        roll = draw.random()
        if roll < self.share_429:
            fate = Fate.RATE_LIMITED
        elif roll < self.share_429 + self.share_500:
            fate = Fate.FAIL_AFTER if draw.random() < self.ambiguous_share else Fate.FAIL
        else:
            fate = Fate.ANSWER
        seen.append(fate)
        self.answered[fate] += 1
        return fate
