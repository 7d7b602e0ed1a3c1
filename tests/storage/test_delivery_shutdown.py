"""Daily posts through shutdown and partial failures (found by an outside review): a stop
lets the run finish and mark what it sent, a failing batch leaves the others' sends alone,
sent-marks are never stranded, and a day whose due moment moved earlier is not lost."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.core.daily.poster import _RunClock, _SentMarks
from bot.core.daily.scheduler import DailyPostScheduler
from bot.core.fact_store import FactStore
from bot.core.ports import DeliveryProblem
from bot.storage.database import Database
from bot.storage.tables import DeliveryRow
from tests.fakes import FakeChatPort
from tests.storage.bulk import bulk_subscribe
from tests.storage.test_daily_delivery import (
    NINE_UTC_22_JUNE,
    channel,
    poster,
    statuses,
    subscribe,
    subscription,
)


class SlowMarks:
    def __init__(self) -> None:
        self.marked: list[int] = []

    async def mark_sent_many(self, claims, worker, now):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.2)
        self.marked += [c.delivery_id for c in claims]
        return len(claims)


class FakeClaim:
    def __init__(self, i: int) -> None:
        self.delivery_id = i


async def test_sent_mark_added_during_a_timed_flush_is_marked_soon() -> None:
    repo = SlowMarks()
    marks = _SentMarks(repo, "w", _RunClock(datetime.now(UTC), 0.0))  # type: ignore[arg-type]
    await marks.add(FakeClaim(1))  # type: ignore[arg-type]
    await asyncio.sleep(0.1)  # the timed flush is now waiting on the database
    await marks.add(FakeClaim(2))  # type: ignore[arg-type]
    await asyncio.sleep(2.0)  # 40x the 50 ms delay; the run goes on with other phases
    assert repo.marked == [1, 2], repo.marked


async def test_a_day_whose_due_second_moved_earlier_is_still_posted(
    database: Database, store: FactStore
) -> None:
    # Subscribed with spread second 45 (spread_seconds = 60) ...
    await subscribe(database, replace(subscription(channel(1)), second=45))
    # ... then spread_seconds is lowered (e.g. 30) and an admin changes only the language:
    # the command computes a new, lower second.
    from bot.storage.subscriptions import SubscriptionRepository

    await SubscriptionRepository(database).upsert(
        replace(subscription(channel(1), language="de"), second=15),
        "admin",
        NINE_UTC_22_JUNE - timedelta(hours=1),
    )
    port = FakeChatPort()
    daily = poster(database, store, port)
    for minute in range(0, 60, 1):
        await daily.run_due(NINE_UTC_22_JUNE + timedelta(minutes=minute, seconds=50))
    assert port.channels() == ["chan-1"], await statuses(database)


async def test_scheduler_stop_lets_the_run_in_progress_finish(
    database: Database, store: FactStore
) -> None:
    await subscribe(database, subscription(channel(1)))
    port = FakeChatPort(gate=asyncio.Event())

    class At:
        def now(self) -> datetime:
            return NINE_UTC_22_JUNE

    scheduler = DailyPostScheduler(poster(database, store, port), At(), 3600)  # type: ignore[arg-type]
    scheduler.start()
    for _ in range(100):
        await asyncio.sleep(0.02)
        if scheduler._in_flight is not None:
            break
    await asyncio.sleep(0.2)  # the post is waiting at the gate
    stopping = asyncio.create_task(scheduler.stop())
    await asyncio.sleep(0.1)
    port.gate.set()  # type: ignore[union-attr]
    await stopping
    # "let a run in progress finish": the post should have gone out and been marked.
    assert port.channels() == ["chan-1"], await statuses(database)


async def test_a_stop_during_a_fan_out_marks_every_post_it_sent(
    database: Database, store: FactStore
) -> None:
    await bulk_subscribe(database, 2000, NINE_UTC_22_JUNE - timedelta(days=1))
    port = FakeChatPort()
    daily = poster(database, store, port, concurrency=50)
    real = daily._deliveries.mark_sent_many

    async def slow_mark(claims, worker, now):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.3)  # a busy database
        return await real(claims, worker, now)

    daily._deliveries.mark_sent_many = slow_mark  # type: ignore[method-assign]

    class At:
        def now(self) -> datetime:
            return NINE_UTC_22_JUNE

    scheduler = DailyPostScheduler(daily, At(), 3600)  # type: ignore[arg-type]
    scheduler.start()
    while len(port.posts) < 600:  # noqa: ASYNC110 - polling the fake's progress is simplest
        await asyncio.sleep(0.01)
    await scheduler.stop()  # SIGTERM: a graceful stop
    await asyncio.sleep(1.0)
    async with database.session() as session:
        sent = await session.scalar(
            select(func.count()).select_from(DeliveryRow).where(DeliveryRow.status == "sent")
        )
    posted = len(port.posts)
    assert 0 < posted < 2000  # it stopped claiming: the rest is left for the next process
    assert sent == posted


async def test_a_failing_second_claim_batch_does_not_cancel_the_first_batchs_sends(
    database: Database, store: FactStore
) -> None:
    await bulk_subscribe(database, 1000, NINE_UTC_22_JUNE - timedelta(hours=1))

    class SlowPort(FakeChatPort):
        async def post(self, target, reply, key):  # type: ignore[no-untyped-def]
            await asyncio.sleep(0.2)
            return await super().post(target, reply, key)

        async def was_posted(self, target, key):  # type: ignore[no-untyped-def]
            return False  # a port that cannot tell

    port = SlowPort()
    daily = poster(database, store, port)
    repo = daily._deliveries
    real = repo._claim_rows
    calls = 0

    async def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionError("database went away for a moment")
        return await real(*args, **kwargs)

    repo._claim_rows = flaky  # type: ignore[method-assign]
    await daily.run_due(NINE_UTC_22_JUNE)
    await asyncio.sleep(0.5)
    st = await statuses(database)
    left = sorted(c for (c, _d), s in st.items() if s == "claimed")
    assert len(port.posts) == 500 and not left


async def test_timer_driven_posts_stop_during_a_run_stops_for_good() -> None:
    from bot.core.clock import AsyncioClock
    from bot.core.daily.driver import TimerDrivenPosts

    clock = AsyncioClock()
    runs = 0

    class Poster:
        async def run_due(self, now):  # type: ignore[no-untyped-def]
            nonlocal runs
            runs += 1
            await asyncio.sleep(0.2)

        async def next_wakeup(self, now):  # type: ignore[no-untyped-def]
            return clock.now() + timedelta(milliseconds=20)

    timers = TimerDrivenPosts(Poster(), clock)  # type: ignore[arg-type]
    await timers.replan()
    await asyncio.sleep(0.1)  # the timer fired; run_due is in progress
    timers.stop()
    before = runs
    await asyncio.sleep(1.0)
    await clock.close()
    assert runs == before, (before, runs)


class CountingMarks:
    """Records each write's claims and how many writes ever overlapped."""

    def __init__(self) -> None:
        self.writes: list[list[int]] = []
        self.running = 0
        self.most_at_once = 0
        self.release = asyncio.Event()

    async def mark_sent_many(self, claims, worker, now):  # type: ignore[no-untyped-def]
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        await self.release.wait()
        self.writes.append([c.delivery_id for c in claims])
        self.running -= 1
        return len(claims)


async def test_sent_marks_are_written_one_write_at_a_time_and_none_is_lost() -> None:
    repo = CountingMarks()
    marks = _SentMarks(repo, "w", _RunClock(datetime.now(UTC), 0.0), size=3, delay=0.01)  # type: ignore[arg-type]
    for i in range(3):  # a full batch: its write starts, and waits on the database
        adding = asyncio.ensure_future(marks.add(FakeClaim(i)))  # type: ignore[arg-type]
    await asyncio.sleep(0.05)
    assert repo.running == 1
    late = [asyncio.ensure_future(marks.add(FakeClaim(i))) for i in range(3, 8)]  # type: ignore[arg-type]
    await asyncio.sleep(0.05)
    assert repo.running == 1  # the marks sent meanwhile wait for the write under way
    repo.release.set()
    await asyncio.gather(adding, *late)
    await marks.close()
    assert repo.most_at_once == 1
    assert sorted(i for write in repo.writes for i in write) == list(range(8))
    assert repo.writes[0] == [0, 1, 2]


async def test_a_send_the_platform_never_answers_is_cut_off_and_retried_alone(
    database: Database, store: FactStore
) -> None:
    # A quarter of the 2 s lease is the limit of one send; the other channel's post goes out.
    await subscribe(database, subscription(channel(1)), subscription(channel(2)))

    class SilentForChannelOne(FakeChatPort):
        async def post(self, target, reply, key):  # type: ignore[no-untyped-def]
            if target.channel_id == "chan-1":
                await asyncio.Event().wait()  # never answered
            return await super().post(target, reply, key)

    port = SilentForChannelOne()
    daily = poster(database, store, port, stale_claim_after=timedelta(seconds=2))
    report = await daily.run_due(NINE_UTC_22_JUNE)
    assert port.channels() == ["chan-2"]
    assert report.retrying == [channel(1)]
    async with database.session() as session:
        error = await session.scalar(
            select(DeliveryRow.error).where(DeliveryRow.channel_id == "chan-1")
        )
    assert error == DeliveryProblem.TIMEOUT.value
    assert await statuses(database) == {
        ("chan-1", NINE_UTC_22_JUNE.date()): "retry",
        ("chan-2", NINE_UTC_22_JUNE.date()): "sent",
    }
