"""What a subscription is, independent of how it is stored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.core.context import ChannelKey
from bot.core.daily.schedule import PostTime
from bot.core.i18n import Lang


@dataclass(frozen=True)
class Subscription:
    """A channel's daily post settings."""

    channel: ChannelKey
    channel_name: str
    hour: int
    minute: int
    timezone: str
    language: Lang
    daily_question: bool
    active_since: datetime
    paused_reason: str | None
    # Seconds past the minute the post falls due (see PostTime.second); not shown to users.
    second: int = 0

    @property
    def post_time(self) -> PostTime:
        return PostTime(self.hour, self.minute, ZoneInfo(self.timezone), self.second)


@dataclass(frozen=True)
class DeliveryRecord:
    """The outcome of one day's post to one channel, as stored."""

    local_date: date
    status: str
    attempts: int
    finished_at: datetime | None
    error: str | None


# Whether this process posts for (platform, tenant).
Serves = Callable[[str, str], bool]
# The time now; read again for every batch of a long run, so each claim carries its own time.
Now = Callable[[], datetime]


@dataclass(frozen=True)
class Claim:
    """A post this process has won the right to send."""

    delivery_id: int
    channel: ChannelKey
    local_date: date
    due_at: datetime
    attempts: int
    recovered: bool  # taken over from a process that stopped mid-way


@dataclass(frozen=True)
class Owed:
    """A post that may be claimed."""

    channel: ChannelKey
    local_date: date
    due_at: datetime


@dataclass
class DueBatch:
    """One batch of due subscriptions: the posts this process won, with the subscription each
    was claimed for, and the posts recorded as skipped (too late to send)."""

    claims: list[tuple[Claim, Subscription]] = field(default_factory=list)
    skipped: list[Owed] = field(default_factory=list)
