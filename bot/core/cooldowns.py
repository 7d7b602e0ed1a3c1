"""Cooldowns: token buckets per user and per channel for commands, and per channel for
quiz starts.

Buckets live in the memory of each process. That is enough for what they are for — keeping
one person (or one busy channel) from flooding the bot — but a user whose commands reach
several processes gets each process's allowance; a limit that must hold across replicas
would need a shared store. Time comes from the command's context (``now``), so the shell's
simulated clock and tests drive the buckets exactly.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.context import CommandContext
from bot.core.i18n import Lang, t
from bot.core.replies import Reply

# Each table forgets buckets that have refilled to full once it holds this many, so memory
# stays bounded however many people ever used the bot in a process's lifetime.
MAX_BUCKETS = 10_000


@dataclass(frozen=True)
class Rate:
    """``burst`` commands at once, then ``per_second`` more each second."""

    burst: int
    per_second: float

    @classmethod
    def per_minute(cls, count: float, burst: int) -> Rate | None:
        """None (no limit) when ``count`` is 0."""
        return cls(max(1, burst), count / 60) if count > 0 else None

    @classmethod
    def per_hour(cls, count: float, burst: int) -> Rate | None:
        """None (no limit) when ``count`` is 0."""
        return cls(max(1, burst), count / 3600) if count > 0 else None


@dataclass(frozen=True)
class CooldownSettings:
    """The limits, from config ``[limits]``; a rate of 0 turns its bucket off."""

    user_burst: int = 5
    user_per_minute: float = 12
    channel_burst: int = 20
    channel_per_minute: float = 40
    quiz_starts_burst: int = 2
    quiz_starts_per_hour: float = 6


@dataclass
class _Bucket:
    tokens: float
    updated: datetime


class BucketTable:
    """Token buckets of one rate, one per key (a user, a channel)."""

    def __init__(self, rate: Rate, max_buckets: int = MAX_BUCKETS) -> None:
        self._rate = rate
        self._max = max_buckets
        self._buckets: dict[Hashable, _Bucket] = {}

    def __len__(self) -> int:
        return len(self._buckets)

    def _refilled(self, key: Hashable, now: datetime) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            return _Bucket(float(self._rate.burst), now)
        # A clock that moved back (another process's context) refills nothing.
        elapsed = max(0.0, (now - bucket.updated).total_seconds())
        tokens = min(float(self._rate.burst), bucket.tokens + elapsed * self._rate.per_second)
        return _Bucket(tokens, max(now, bucket.updated))

    def wait(self, key: Hashable, now: datetime) -> float:
        """Seconds until ``key`` may run one more (0: now)."""
        bucket = self._refilled(key, now)
        if bucket.tokens >= 1:
            return 0.0
        return (1 - bucket.tokens) / self._rate.per_second

    def take(self, key: Hashable, now: datetime) -> None:
        """Spend one token of ``key`` (callers ask :meth:`wait` first)."""
        bucket = self._refilled(key, now)
        bucket.tokens = max(0.0, bucket.tokens - 1)
        self._buckets[key] = bucket
        if len(self._buckets) > self._max:
            self._forget_full(now)

    def _forget_full(self, now: datetime) -> None:
        # A full bucket is the same as no bucket: forgetting it changes nothing.
        full = [key for key in self._buckets if self._refilled(key, now).tokens >= self._rate.burst]
        for key in full:
            del self._buckets[key]
        # Still too many (a flood of distinct senders): drop the oldest.
        if len(self._buckets) > self._max:
            oldest = sorted(self._buckets, key=lambda key: self._buckets[key].updated)
            for key in oldest[: len(self._buckets) - self._max]:
                del self._buckets[key]


@dataclass(frozen=True)
class _Limit:
    table: BucketTable
    notice: str
    per_user: bool


class Cooldowns:
    """Decides, before a command runs, whether its sender and channel may run it now.

    Every command counts against its sender's and its channel's buckets; the paths in
    ``special`` (the quiz start) also against a bucket of their own per channel, charged
    only when the command succeeded, so a refused start costs no start.
    """

    def __init__(self, settings: CooldownSettings) -> None:
        self._general: list[_Limit] = []
        if rate := Rate.per_minute(settings.user_per_minute, settings.user_burst):
            self._general.append(_Limit(BucketTable(rate), "cooldown_user", per_user=True))
        if rate := Rate.per_minute(settings.channel_per_minute, settings.channel_burst):
            self._general.append(_Limit(BucketTable(rate), "cooldown_channel", per_user=False))
        self._special: dict[tuple[str, ...], _Limit] = {}
        if rate := Rate.per_hour(settings.quiz_starts_per_hour, settings.quiz_starts_burst):
            self._special[("quiz", "start")] = _Limit(
                BucketTable(rate), "cooldown_quiz", per_user=False
            )

    @staticmethod
    def _key(limit: _Limit, context: CommandContext) -> Hashable:
        channel = context.channel
        if limit.per_user:
            return (channel.platform, channel.tenant, context.user.id)
        return channel.key

    def admit(self, context: CommandContext, path: Sequence[str], lang: Lang) -> Reply | None:
        """None when the command may run (its sender's and channel's tokens are spent);
        otherwise a private notice saying when to try again, and nothing is spent."""
        now = context.now
        limits = list(self._general)
        special = self._special.get(tuple(path))
        if special is not None:
            limits.insert(0, special)
        for limit in limits:
            wait = limit.table.wait(self._key(limit, context), now)
            if wait > 0:
                return _notice(limit.notice, wait, lang)
        for limit in self._general:
            limit.table.take(self._key(limit, context), now)
        return None

    def charge(self, context: CommandContext, path: Sequence[str], reply: Reply) -> None:
        """After the command ran: a special path that succeeded spends its own token."""
        special = self._special.get(tuple(path))
        if special is not None and not reply.is_error:
            special.table.take(self._key(special, context), context.now)


def _notice(key: str, wait: float, lang: Lang) -> Reply:
    seconds = max(1, math.ceil(wait))
    minutes = max(1, math.ceil(wait / 60))
    return Reply(body=t(key, lang, seconds=seconds, minutes=minutes), ephemeral=True)
