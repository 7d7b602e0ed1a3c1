"""PostgreSQL stops while daily posts fall due, then comes back: nothing crashes meanwhile,
and each post goes out exactly once when it returns, within the grace window.

The server is a private throwaway one (see ``private_postgres``), never the shared one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.clock import SimulatedClock
from bot.core.daily.driver import TimerDrivenPosts
from bot.core.daily.scheduler import DailyPostScheduler
from bot.core.fact_store import FactStore
from bot.storage.database import open_database
from tests.fakes import FakeChatPort
from tests.storage.bulk import bulk_subscribe
from tests.storage.private_postgres import PrivatePostgres, private_postgres
from tests.storage.test_daily_delivery import poster
from tests.storage.test_delivery_scale import status_counts

NINE = datetime(2026, 6, 22, 9, 0, tzinfo=UTC)
CHANNELS = 40


@pytest.fixture
def server() -> Iterator[PrivatePostgres]:
    with private_postgres() as running:
        yield running


class RunningClock:
    """09:00 on the day of the posts, running on in real time (the scheduler polls it)."""

    def __init__(self) -> None:
        self._started = time.monotonic()

    def now(self) -> datetime:
        return NINE + timedelta(seconds=time.monotonic() - self._started)


async def wait_for(condition: Callable[[], bool], seconds: float) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)


async def test_posts_due_while_the_database_is_down_go_out_once_when_it_returns(
    server: PrivatePostgres, store: FactStore, caplog: pytest.LogCaptureFixture
) -> None:
    async with open_database(server.url, connect_timeout=2) as database:
        await bulk_subscribe(database, CHANNELS, NINE - timedelta(hours=1))
        port = FakeChatPort()
        daily = poster(database, store, port)
        await asyncio.to_thread(server.stop)
        # The production poller, polling five times a second, while the server is away.
        scheduler = DailyPostScheduler(daily, RunningClock(), poll_seconds=0.2)
        with caplog.at_level(logging.ERROR):
            scheduler.start()
            await wait_for(lambda: scheduler.runs >= 5, 30)
            assert scheduler.runs >= 5
            assert port.posts == []
            assert any("phase failed" in r.getMessage() for r in caplog.records)

            await asyncio.to_thread(server.start)
            await wait_for(lambda: len(port.posts) >= CHANNELS, 60)
            runs = scheduler.runs
            await wait_for(lambda: scheduler.runs >= runs + 3, 30)  # later polls send nothing
            await scheduler.stop()
        assert sorted(post.target.channel_id for post in port.posts) == sorted(
            f"chan-{n}" for n in range(CHANNELS)
        )
        assert await status_counts(database) == Counter({"sent": CHANNELS})


async def test_the_shells_timers_plan_again_after_the_database_was_away(
    server: PrivatePostgres, store: FactStore
) -> None:
    async with open_database(server.url, connect_timeout=2) as database:
        await bulk_subscribe(database, 3, NINE - timedelta(hours=1))
        port = FakeChatPort()
        clock = SimulatedClock(NINE - timedelta(minutes=5), lambda: 0.0)
        posts = TimerDrivenPosts(poster(database, store, port), clock)
        await asyncio.to_thread(server.stop)
        await posts.run_now()  # nothing crashes: the next plan is a minute away
        await asyncio.to_thread(server.start)
        await clock.advance(6 * 60)  # the retry plans 09:00 again, which then fires
        await posts.wait()
        assert sorted(post.target.channel_id for post in port.posts) == [
            "chan-0",
            "chan-1",
            "chan-2",
        ]
