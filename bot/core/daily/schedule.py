"""When a channel's daily post is due: local wall-clock time → UTC, across DST and date edges."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class PostTime:
    """A wall-clock time in a zone, e.g. 09:00 in Asia/Tokyo."""

    hour: int
    minute: int
    zone: ZoneInfo
    # Seconds after the minute at which the post is due: channels subscribed for the same
    # minute are spread over it, so 100,000 of them at 09:00 do not fall due as one burst.
    second: int = 0

    def on(self, day: date) -> datetime:
        """The UTC moment of this wall-clock time on local date ``day``.

        A time that falls in a spring-forward gap is posted as the clocks jump over it (02:30
        becomes 03:30), and a time that happens twice in an autumn fall-back is posted at its
        first occurrence, so every local date gets exactly one moment, on that date.
        """
        local = datetime.combine(day, time(self.hour, self.minute), tzinfo=self.zone)
        return local.astimezone(UTC) + timedelta(seconds=self.second)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def next_after(self, moment: datetime) -> datetime:
        """The first post moment strictly after ``moment``."""
        day = self.local_date(moment) - timedelta(days=1)
        while (candidate := self.on(day)) <= moment:
            day += timedelta(days=1)
        return candidate

    def first_from(self, moment: datetime) -> datetime:
        """The first post moment at or after ``moment``."""
        return self.next_after(moment - timedelta(microseconds=1))


def spread_second(channel_key: str, spread_seconds: int) -> int:
    """A stable second within the minute for a channel (the same on every process)."""
    if spread_seconds <= 1:
        return 0
    return zlib.crc32(channel_key.encode()) % min(spread_seconds, 60)


@dataclass(frozen=True)
class Occurrence:
    """One post owed to a channel: its local date and the UTC moment it falls due."""

    local_date: date
    due_at: datetime


def owed_occurrences(
    post_time: PostTime, active_since: datetime, now: datetime, lookback_days: int = 2
) -> list[Occurrence]:
    """Posts that have fallen due by ``now`` since ``active_since``, oldest first.

    Only the last ``lookback_days`` local dates are considered; the caller decides which are
    within the grace window (sent late) and which are too old (skipped).
    """
    today = post_time.local_date(now)
    owed = []
    for back in range(lookback_days, -1, -1):
        day = today - timedelta(days=back)
        due_at = post_time.on(day)
        if active_since <= due_at <= now:
            owed.append(Occurrence(day, due_at))
    return owed
