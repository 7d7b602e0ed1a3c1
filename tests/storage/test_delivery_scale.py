"""Daily posts at a popular bot's size, on an SQLite file and on PostgreSQL: an idle poll
costs the same at 100 and 100,000 subscriptions, 20,000 channels due at one minute are each
posted once, 40,000 stale claims are taken over in batches, and a long fan-out at a rate
limit keeps every claim within its own lease."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, func, select

from bot.core.daily.poster import DailyPoster
from bot.core.fact_store import FactStore
from bot.core.ports import MessageHandle, PostTarget
from bot.core.rate_limits import PostRateLimits
from bot.core.replies import Reply
from bot.storage.database import Database
from bot.storage.subscriptions import SubscriptionRepository
from bot.storage.tables import DeliveryRow
from tests.storage.bulk import bulk_claims, bulk_subscribe
from tests.storage.test_daily_delivery import poster

SUBSCRIBED_AT = datetime(2026, 6, 21, 20, 0, tzinfo=UTC)
NINE = datetime(2026, 6, 22, 9, 0, tzinfo=UTC)


class ForgetfulPort:
    """A platform that records posts but can never say whether one arrived: the worst case
    for exactly-once, where only the claim rows prevent a second post."""

    platform = "test"

    def __init__(self, limits: PostRateLimits | None = None) -> None:
        self.posts: list[str] = []
        self.sent_at: list[float] = []
        self._limits = limits

    def serves(self, tenant: str) -> bool:
        return True

    async def post(self, target: PostTarget, reply: Reply, key: str) -> MessageHandle:
        if self._limits is not None:
            await self._limits.wait(target.channel_id)
        self.posts.append(target.channel_id)
        self.sent_at.append(time.monotonic())
        return MessageHandle(self.platform, target.channel_id, str(len(self.posts)))

    async def edit(self, handle: MessageHandle, reply: Reply) -> None:
        raise AssertionError("daily posts are never edited")

    async def was_posted(self, target: PostTarget, key: str) -> bool:
        return False


async def status_counts(database: Database) -> Counter[str]:
    async with database.session() as session:
        rows = await session.execute(
            select(DeliveryRow.status, func.count()).group_by(DeliveryRow.status)
        )
        return Counter({str(status): int(count) for status, count in rows.all()})


@dataclass
class PollTrace:
    """Every statement some idle polls sent and how many rows they changed: counts, not
    seconds, so the comparison holds on a loaded machine as on an idle one."""

    statements: list[tuple[str, Any]] = field(default_factory=list)
    rows_changed: int = 0


async def trace_idle_polls(daily: DailyPoster, database: Database, at: datetime) -> PollTrace:
    trace = PollTrace()

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        trace.statements.append((statement, parameters))

    def after(_conn: Any, cursor: Any, *_: Any) -> None:
        if cursor.description is None:  # a write: count what it changed
            trace.rows_changed += max(cursor.rowcount, 0)

    engine = database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        for _ in range(3):
            report = await daily.run_due(at)
            await daily.next_wakeup(at)
            assert report.sent == []
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return trace


async def whole_table_reads(database: Database, trace: PollTrace) -> list[str]:
    """The SELECTs of ``trace`` whose plan reads all of the subscriptions table (SQLite's
    ``SCAN`` without an index, PostgreSQL's ``Seq Scan``). Only that table grows here: the
    deliveries table is empty, and scanning an empty table is what a planner should do."""
    found = []
    async with database.engine.connect() as connection:
        if database.dialect == "postgresql":
            await connection.exec_driver_sql("ANALYZE")
            explain = "EXPLAIN "
        else:
            explain = "EXPLAIN QUERY PLAN "
        for statement, parameters in trace.statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            plan = await connection.exec_driver_sql(explain + statement, parameters)
            steps = [str(row[-1]) for row in plan.all()]
            for step in steps:
                sqlite_scan = step.startswith("SCAN subscriptions") and "INDEX" not in step
                if sqlite_scan or "Seq Scan on subscriptions" in step:
                    found.append(f"{' '.join(statement.split())[:80]}: {step}")
    return found


async def test_an_idle_poll_costs_the_same_at_100_and_100000_subscriptions(
    database: Database, store: FactStore
) -> None:
    port = ForgetfulPort()
    daily = poster(database, store, port)
    idle_at = NINE - timedelta(hours=1)  # everything is due at 09:00, nothing at 08:00
    await bulk_subscribe(database, 100, SUBSCRIBED_AT)
    small = await trace_idle_polls(daily, database, idle_at)
    await bulk_subscribe(database, 99_900, SUBSCRIBED_AT, first=100)
    large = await trace_idle_polls(daily, database, idle_at)
    # The same statements at both sizes, none reading a whole table, nothing written: a poll
    # that read every subscription would show a scan in its plan, and one that looped over
    # them would send more statements.
    assert [statement for statement, _ in large.statements] == [
        statement for statement, _ in small.statements
    ]
    assert large.rows_changed == small.rows_changed == 0
    assert await whole_table_reads(database, large) == []
    assert port.posts == []
    assert await status_counts(database) == Counter()
    assert await daily.next_wakeup(idle_at) == NINE


async def test_20000_channels_due_at_one_minute_are_each_posted_exactly_once(
    database: Database, store: FactStore
) -> None:
    await bulk_subscribe(database, 20_000, SUBSCRIBED_AT)
    port = ForgetfulPort()
    daily = poster(database, store, port, concurrency=20)
    report = await daily.run_due(NINE)
    assert len(report.sent) == 20_000
    # Polls after the lease would have expired find nothing left to take over.
    for later in (timedelta(minutes=1), timedelta(minutes=6), timedelta(minutes=30)):
        await daily.run_due(NINE + later)
    assert len(port.posts) == 20_000
    assert len(set(port.posts)) == 20_000
    assert await status_counts(database) == Counter({"sent": 20_000})


async def test_40000_stale_claims_are_taken_over_in_batches_and_posting_goes_on(
    database: Database, store: FactStore
) -> None:
    # A process died holding 40,000 claims: more than asyncpg's 32,767 bind parameters, so
    # one UPDATE … WHERE id IN (…) over all of them would fail every poll.
    count = 40_000
    await bulk_subscribe(database, count, SUBSCRIBED_AT)
    await bulk_claims(
        database,
        [
            {
                "platform": "test",
                "tenant": f"guild-{number % 7}",
                "channel_id": f"chan-{number}",
                "local_date": NINE.date(),
                "due_at": NINE,
                "status": "claimed",
                "attempts": 0,
                "claimed_by": "dead",
                "claimed_at": NINE,
            }
            for number in range(count)
        ],
    )
    port = ForgetfulPort()
    daily = poster(database, store, port, concurrency=20)
    report = await daily.run_due(NINE + timedelta(minutes=6))
    assert len(report.sent) == count
    assert len(set(port.posts)) == count == len(port.posts)
    assert await status_counts(database) == Counter({"sent": count})


async def test_a_long_fan_out_at_a_rate_limit_sends_every_claim_within_its_own_lease(
    database: Database, store: FactStore
) -> None:
    # 1,500 channels at 250 posts/s take 6 s, longer than half the 8 s lease: a lease counted
    # from the run's start would abandon the last third; counted from each batch's claim,
    # every batch of 500 goes out in 2 s.
    await bulk_subscribe(database, 1_500, SUBSCRIBED_AT)
    port = ForgetfulPort(PostRateLimits(global_per_second=250))
    daily = poster(database, store, port, stale_claim_after=timedelta(seconds=8))
    report = await daily.run_due(NINE)
    assert report.abandoned == []
    assert len(set(port.posts)) == 1_500 == len(port.posts)
    assert await status_counts(database) == Counter({"sent": 1_500})
    # …and at the limit: no one-second window holds more than the rate plus its burst.
    busiest = max(
        sum(1 for other in port.sent_at if start <= other < start + 1.0) for start in port.sent_at
    )
    assert busiest <= 250 * 1.1


async def test_an_unsubscribe_during_a_long_fan_out_stops_that_channels_post(
    database: Database, store: FactStore
) -> None:
    await bulk_subscribe(database, 3, SUBSCRIBED_AT)
    release = asyncio.Event()

    class SlowFirstPost(ForgetfulPort):
        async def post(self, target: PostTarget, reply: Reply, key: str) -> MessageHandle:
            if not self.posts:
                await release.wait()
            return await super().post(target, reply, key)

    port = SlowFirstPost()
    daily = poster(database, store, port, concurrency=1, reread_after=timedelta(0))
    run = asyncio.create_task(daily.run_due(NINE))
    await asyncio.sleep(0.3)  # chan-0 is being sent; chan-1 and chan-2 are claimed, waiting
    subscriptions = SubscriptionRepository(database)
    async with database.session() as session:
        waiting = (
            await session.scalars(select(DeliveryRow).where(DeliveryRow.channel_id == "chan-2"))
        ).one()
    from bot.core.context import ChannelKey

    assert await subscriptions.remove(ChannelKey("test", waiting.tenant, "chan-2"))
    release.set()
    await run
    assert port.posts == ["chan-0", "chan-1"]
    assert await status_counts(database) == Counter({"sent": 2, "failed": 1})
