"""Seeded random failures for the fake platforms: a share of 429s and of 500s.

Each request's fate is drawn from the seed, what the rule applies to, the request's key (a
Discord path, a Slack channel) and how many requests with that key came before it, never
from arrival order: a fan-out's concurrent requests to a thousand channels interleave
differently on every run, yet each channel sees the same answers.
"""

from __future__ import annotations

import enum
import random
from collections import Counter
from dataclasses import dataclass, field


class Fate(enum.Enum):
    """What a fake does with one request."""

    ANSWER = "answer"
    RATE_LIMITED = "429"
    FAIL = "500"  # refused before anything was done
    FAIL_AFTER = "500 after"  # carried out (the message exists), then answered 500


@dataclass
class FlakyRule:
    """Failures for the requests of ``target`` (a fake's route or method); ``answered``
    counts each fate as it was answered, ``fates`` every key's fates in the order its
    requests came."""

    target: str
    share_429: float
    share_500: float
    retry_after: float
    seed: int
    ambiguous_share: float
    # At most this many failures in a row for one key, then an answer: discord.py retries a
    # request itself up to 5 times, and a test of what it absorbs must not depend on the
    # seed's luck (the poster's own later retry is another test's).
    most_failures_in_a_row: int | None = None
    answered: Counter[Fate] = field(default_factory=Counter)
    fates: dict[str, list[Fate]] = field(default_factory=dict)

    def fate(self, key: str) -> Fate:
        """The answer to the next request for ``key`` (counted)."""
        seen = self.fates.setdefault(key, [])
        draw = random.Random(f"{self.seed}:{self.target}:{key}:{len(seen)}")
        roll = draw.random()
        cap = self.most_failures_in_a_row
        if cap is not None and len(seen) >= cap and Fate.ANSWER not in seen[-cap:]:
            fate = Fate.ANSWER
        elif roll < self.share_429:
            fate = Fate.RATE_LIMITED
        elif roll < self.share_429 + self.share_500:
            fate = Fate.FAIL_AFTER if draw.random() < self.ambiguous_share else Fate.FAIL
        else:
            fate = Fate.ANSWER
        seen.append(fate)
        self.answered[fate] += 1
        return fate
