"""Seeded random failures for a Web API method of the fake Slack: a share of ``ratelimited``
(429 with Retry-After) and of ``internal_error`` (500) answers.

Each call's fate is drawn from the seed, the method, the call's channel and how many calls
to that channel came before it, never from arrival order: a fan-out's concurrent calls
interleave differently on every run, yet each channel sees the same answers.
"""

from __future__ import annotations

import enum
import random
from collections import Counter
from dataclasses import dataclass, field


class Fate(enum.Enum):
    """What the fake does with one call."""

    ANSWER = "answer"
    RATE_LIMITED = "ratelimited"
    FAIL = "internal_error"  # refused before anything was done
    FAIL_AFTER = "internal_error after"  # done (the message is stored), then answered 500


@dataclass
class FlakyMethod:
    """Failures for calls of ``method``; ``answered`` counts each fate as it was answered."""

    method: str
    share_429: float
    share_500: float
    retry_after: int
    seed: int
    ambiguous_share: float
    answered: Counter[Fate] = field(default_factory=Counter)
    # every channel's fates, in the order its calls came
    fates: dict[str, list[Fate]] = field(default_factory=dict)

    def fate(self, channel: str) -> Fate:
        """The answer to the next call for ``channel`` (counted)."""
        seen = self.fates.setdefault(channel, [])
        attempt = len(seen)
        draw = random.Random(f"{self.seed}:{self.method}:{channel}:{attempt}")
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
