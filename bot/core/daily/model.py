"""What a subscription is, independent of how it is stored."""

from __future__ import annotations

from dataclasses import dataclass
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
