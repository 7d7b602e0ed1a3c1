"""APScheduler wakes the poster in production; the database still decides what is sent."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.core.anniversary_replies import AnniversaryReplies
from bot.core.daily.poster import DailyPoster
from bot.core.daily.scheduler import DailyPostScheduler
from bot.core.fact_store import FactStore
from bot.storage.database import Database
from bot.storage.deliveries import DeliveryRepository
from bot.storage.subscriptions import SubscriptionRepository
from tests.fakes import FakeChatPort
from tests.storage.test_daily_delivery import channel, subscribe, subscription


class FixedClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


async def test_the_scheduler_polls_and_the_post_goes_out_once(
    database: Database, store: FactStore
) -> None:
    await subscribe(database, subscription(channel(1)))
    port = FakeChatPort()
    poster = DailyPoster(
        SubscriptionRepository(database),
        DeliveryRepository(database),
        AnniversaryReplies(store),
        {port.platform: port},
        "sched",
    )
    # Started after downtime: the first run catches up at once, later runs find nothing new.
    clock = FixedClock(datetime(2026, 6, 22, 9, 0, tzinfo=UTC) + timedelta(hours=2))
    scheduler = DailyPostScheduler(poster, clock, poll_seconds=0.05)
    scheduler.start()
    try:
        for _ in range(200):
            if scheduler.runs >= 4:
                break
            await asyncio.sleep(0.05)
    finally:
        await scheduler.stop()
    assert scheduler.runs >= 4
    assert port.channels() == ["chan-1"]
