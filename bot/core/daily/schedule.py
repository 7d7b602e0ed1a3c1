"""When a channel's daily post is due: local wall-clock time → UTC, across DST and date edges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class PostTime:
    """A wall-clock time in a zone, e.g. 09:00 in Asia/Tokyo."""

    hour: int
    minute: int
    zone: ZoneInfo

    def on(self, day: date) -> datetime:
        """The UTC moment of this wall-clock time on local date ``day``.

        A time that falls in a spring-forward gap is posted as the clocks jump over it (02:30
        becomes 03:30), and a time that happens twice in an autumn fall-back is posted at its
        first occurrence, so every local date gets exactly one moment, on that date.
        """
        local = datetime.combine(day, time(self.hour, self.minute), tzinfo=self.zone)
        return local.astimezone(UTC)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def next_after(self, moment: datetime) -> datetime:
        """The first post moment strictly after ``moment``."""
        day = self.local_date(moment) - timedelta(days=1)
        while (candidate := self.on(day)) <= moment:
            day += timedelta(days=1)
        return candidate


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
