"""Daily posts against a real database (SQLite file and PostgreSQL): exactly once per channel
per local day through retries, failures, downtime, crashes and concurrent processes."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.core.anniversary_replies import AnniversaryReplies
from bot.core.context import ChannelKey
from bot.core.daily.model import Subscription
from bot.core.daily.poster import DailyPoster, DeliveryPolicy
from bot.core.fact_store import FactStore
from bot.core.ports import ChatPort, DeliveryProblem, PostTarget
from bot.core.replies import Reply
from bot.storage.database import Database
from bot.storage.deliveries import DeliveryRepository
from bot.storage.subscriptions import SubscriptionRepository
from bot.storage.tables import DeliveryRow
from tests.fakes import FakeChatPort, channel_gone, rate_limited

SUBSCRIBED_AT = datetime(2026, 6, 21, 20, 0, tzinfo=UTC)
NINE_UTC_22_JUNE = datetime(2026, 6, 22, 9, 0, tzinfo=UTC)


def channel(number: int, tenant: str = "guild-1") -> ChannelKey:
    return ChannelKey("test", tenant, f"chan-{number}")


def subscription(
    key: ChannelKey, zone: str = "UTC", hour: int = 9, minute: int = 0, language: str = "en"
) -> Subscription:
    return Subscription(
        key,
        key.channel_id,
        hour,
        minute,
        zone,
        language,  # type: ignore[arg-type]
        False,
        SUBSCRIBED_AT,
        None,
    )


async def subscribe(database: Database, *subs: Subscription) -> None:
    repository = SubscriptionRepository(database)
    for sub in subs:
        await repository.upsert(sub, "admin", SUBSCRIBED_AT)


def poster(
    database: Database, store: FactStore, port: ChatPort, worker: str = "w1", **policy: object
) -> DailyPoster:
    return DailyPoster(
        SubscriptionRepository(database),
        DeliveryRepository(database),
        AnniversaryReplies(store),
        {port.platform: port},
        worker,
        DeliveryPolicy(**policy),  # type: ignore[arg-type]
    )


async def statuses(database: Database) -> dict[tuple[str, date], str]:
    async with database.session() as session:
        rows = await session.execute(
            select(DeliveryRow.channel_id, DeliveryRow.local_date, DeliveryRow.status)
        )
        return {(c, d): s for c, d, s in rows}


async def test_one_post_at_the_local_time_and_never_again_that_day(
    database: Database, store: FactStore
) -> None:
    await subscribe(database, subscription(channel(1)))
    port = FakeChatPort()
    daily = poster(database, store, port)
    await daily.run_due(NINE_UTC_22_JUNE - timedelta(minutes=1))
    assert port.posts == []
    for minute in range(0, 180, 7):
        await daily.run_due(NINE_UTC_22_JUNE + timedelta(minutes=minute))
    assert port.channels() == ["chan-1"]
    post = port.posts[0].reply
    assert any(
        "Germany invades the Soviet Union" in f.name and "85 years ago" in f.name
        for f in post.fields
    )
    assert post.sources
    await daily.run_due(NINE_UTC_22_JUNE + timedelta(days=1))
    assert port.channels() == ["chan-1", "chan-1"]
    assert port.posts[1].reply.title is not None and "23 June" in port.posts[1].reply.title


async def test_a_day_without_anniversaries_still_gets_a_post(
    database: Database, store: FactStore
) -> None:
    await subscribe(database, subscription(channel(1), language="ja"))
    port = FakeChatPort()
    await poster(database, store, port).run_due(datetime(2026, 6, 23, 9, 0, tzinfo=UTC))
    reply = port.posts[0].reply
    # Said honestly: not passed off as the day's anniversary.
    assert reply.body.startswith("今日に当たる記念日はありません")
    assert len(reply.fields) == 1 and reply.sources


async def test_the_channels_own_zone_decides_the_moment_and_the_date(
    database: Database, store: FactStore
) -> None:
    # 09:00 in Tokyo on 22 June is 00:00 UTC; in Honolulu it is 19:00 UTC.
    await subscribe(
        database,
        subscription(channel(1), "Asia/Tokyo"),
        subscription(channel(2), "Pacific/Honolulu"),
    )
    port = FakeChatPort()
    daily = poster(database, store, port)
    await daily.run_due(datetime(2026, 6, 22, 0, 0, tzinfo=UTC))
    assert port.channels() == ["chan-1"]
    await daily.run_due(datetime(2026, 6, 22, 19, 0, tzinfo=UTC))
    assert port.channels() == ["chan-1", "chan-2"]
    assert await statuses(database) == {
        ("chan-1", date(2026, 6, 22)): "sent",
        ("chan-2", date(2026, 6, 22)): "sent",
    }


async def test_after_downtime_a_post_within_the_grace_window_goes_out_late_once(
    database: Database, store: FactStore
) -> None:
    await subscribe(database, subscription(channel(1)))
    port = FakeChatPort()
    daily = poster(database, store, port)
    await daily.run_due(NINE_UTC_22_JUNE + timedelta(hours=5, minutes=59))
    await daily.run_due(NINE_UTC_22_JUNE + timedelta(hours=6, minutes=30))
    assert port.channels() == ["chan-1"]


async def test_after_long_downtime_the_post_is_skipped_and_logged(
    database: Database, store: FactStore, caplog: pytest.LogCaptureFixture
) -> None:
    await subscribe(database, subscription(channel(1)))
    port = FakeChatPort()
    with caplog.at_level(logging.WARNING):
        report = await poster(database, store, port).run_due(NINE_UTC_22_JUNE + timedelta(hours=7))
    assert port.posts == []
    assert report.skipped == [channel(1)]
    assert "skipped" in caplog.text
    assert (await statuses(database))[("chan-1", date(2026, 6, 22))] == "skipped"


async def test_transient_failures_are_retried_with_backoff_then_sent_once(
    database: Database, store: FactStore
) -> None:
    await subscribe(database, subscription(channel(1)))
    port = FakeChatPort(failures={"chan-1": [TimeoutError("network"), rate_limited(120)]})
    daily = poster(database, store, port)
    first = await daily.run_due(NINE_UTC_22_JUNE)
    assert first.retrying == [channel(1)]
    await daily.run_due(NINE_UTC_22_JUNE + timedelta(seconds=29))  # backoff is 30 s
    assert port.posts == []
    second = await daily.run_due(NINE_UTC_22_JUNE + timedelta(seconds=30))
    assert second.retrying == [channel(1)]  # the 429 asks for 120 s
    await daily.run_due(NINE_UTC_22_JUNE + timedelta(seconds=30 + 119))
    assert port.posts == []
    await daily.run_due(NINE_UTC_22_JUNE + timedelta(seconds=30 + 120))
    await daily.run_due(NINE_UTC_22_JUNE + timedelta(minutes=10))
    assert port.channels() == ["chan-1"]


async def test_a_permanent_failure_pauses_until_an_admin_resubscribes(
    database: Database, store: FactStore
) -> None:
    await subscribe(database, subscription(channel(1)), subscription(channel(2)))
    port = FakeChatPort(failures={"chan-1": [channel_gone()]})
    daily = poster(database, store, port)
    report = await daily.run_due(NINE_UTC_22_JUNE)
    assert report.failed == [channel(1)]
    assert port.channels() == ["chan-2"]
    paused = await SubscriptionRepository(database).get(channel(1))
    assert paused is not None and paused.paused_reason is not None
    # Stored as a problem code users are shown in their language, not the platform's text.
    assert paused.paused_reason == DeliveryProblem.CHANNEL_GONE
    await daily.run_due(NINE_UTC_22_JUNE + timedelta(days=1))
    assert port.channels() == ["chan-2", "chan-2"]
    resumed_at = NINE_UTC_22_JUNE + timedelta(days=1, hours=1)
    await SubscriptionRepository(database).upsert(subscription(channel(1)), "admin", resumed_at)
    await daily.run_due(NINE_UTC_22_JUNE + timedelta(days=2))
    assert sorted(port.channels()) == ["chan-1", "chan-2", "chan-2", "chan-2"]


async def test_a_claim_left_by_a_crashed_process_is_recovered_once(
    database: Database, store: FactStore
) -> None:
    await subscribe(database, subscription(channel(1)), subscription(channel(2)))
    crashed = FakeChatPort()
    crashed.gate = asyncio.Event()  # the first process hangs inside the send, then "dies"
    first = poster(database, store, crashed, "crashed")
    stuck = asyncio.create_task(first.run_due(NINE_UTC_22_JUNE))
    await asyncio.sleep(0.2)
    stuck.cancel()
    # Before it died it had in fact posted to chan-1 (the platform has it), not to chan-2.
    survivor = FakeChatPort()
    async with database.session() as session:
        ids = dict((await session.execute(select(DeliveryRow.channel_id, DeliveryRow.id))).all())
    second = poster(database, store, survivor, "survivor", stale_claim_after=timedelta(minutes=5))
    await second.run_due(NINE_UTC_22_JUNE + timedelta(minutes=4))
    assert survivor.posts == []  # the claims are not stale yet

    already = f"alliance-daily-{ids['chan-1']}"

    async def was_posted(target: object, key: str) -> bool:
        return key == already

    survivor.was_posted = was_posted  # type: ignore[method-assign]
    report = await second.run_due(NINE_UTC_22_JUNE + timedelta(minutes=6))
    assert survivor.channels() == ["chan-2"]
    assert sorted(k.channel_id for k in report.sent) == ["chan-1", "chan-2"]
    await second.run_due(NINE_UTC_22_JUNE + timedelta(minutes=30))
    assert survivor.channels() == ["chan-2"]


async def test_two_processes_racing_post_each_channel_exactly_once(
    database: Database, store: FactStore
) -> None:
    keys = [channel(n) for n in range(60)]
    await subscribe(database, *(subscription(k) for k in keys))
    port_a, port_b = FakeChatPort(), FakeChatPort()
    a = poster(database, store, port_a, "a")
    b = poster(database, store, port_b, "b")
    for second in range(0, 120, 20):
        moment = NINE_UTC_22_JUNE + timedelta(seconds=second)
        await asyncio.gather(a.run_due(moment), b.run_due(moment))
    posted = port_a.channels() + port_b.channels()
    assert sorted(posted) == sorted(k.channel_id for k in keys)


async def test_tenants_are_isolated(database: Database) -> None:
    repository = SubscriptionRepository(database)
    await repository.upsert(subscription(channel(1, "guild-a"), "Asia/Tokyo"), "a", SUBSCRIBED_AT)
    await repository.upsert(subscription(channel(1, "guild-b"), "UTC"), "b", SUBSCRIBED_AT)
    assert await repository.remove(channel(1, "guild-b"))
    kept = await repository.get(channel(1, "guild-a"))
    assert kept is not None and kept.timezone == "Asia/Tokyo"
    assert await repository.get(channel(1, "guild-b")) is None


async def test_a_process_only_posts_for_the_tenants_it_serves(
    database: Database, store: FactStore
) -> None:
    await subscribe(
        database,
        subscription(channel(1, "shard-0-guild")),
        subscription(channel(2, "shard-1-guild")),
    )
    port = FakeChatPort(tenants={"shard-0-guild"})
    await poster(database, store, port).run_due(NINE_UTC_22_JUNE)
    assert port.channels() == ["chan-1"]
    assert ("chan-2", date(2026, 6, 22)) not in await statuses(database)


async def test_the_fan_out_does_not_hold_up_other_work(
    database: Database, store: FactStore
) -> None:
    await subscribe(database, *(subscription(channel(n)) for n in range(30)))
    port = FakeChatPort(gate=asyncio.Event())
    fan_out = asyncio.create_task(
        poster(database, store, port, concurrency=5).run_due(NINE_UTC_22_JUNE)
    )
    await asyncio.sleep(0.1)
    # While every send is blocked on the platform, the database still answers the bot.
    assert await SubscriptionRepository(database).get(channel(3)) is not None
    assert not fan_out.done()
    port.gate.set()
    report = await fan_out
    assert len(report.sent) == 30


async def test_a_changed_subscription_does_not_post_twice_that_day(
    database: Database, store: FactStore
) -> None:
    await subscribe(database, subscription(channel(1)))
    port = FakeChatPort()
    daily = poster(database, store, port)
    await daily.run_due(NINE_UTC_22_JUNE)
    # An admin moves the post to 18:00 the same day, and unsubscribes and subscribes again.
    later = subscription(channel(1), hour=18)
    repository = SubscriptionRepository(database)
    await repository.remove(channel(1))
    await repository.upsert(later, "admin", NINE_UTC_22_JUNE + timedelta(hours=1))
    await daily.run_due(NINE_UTC_22_JUNE + timedelta(hours=9))
    assert port.channels() == ["chan-1"]


@pytest.mark.parametrize(
    ("hour", "minute", "start", "expected"),
    [
        # Spring forward on 8 March 2026 in New York: 09:00 is 14:00 UTC, then 13:00 UTC.
        (
            9,
            0,
            datetime(2026, 3, 6, 15, 0, tzinfo=UTC),
            {
                date(2026, 3, 7): datetime(2026, 3, 7, 14, 0, tzinfo=UTC),
                date(2026, 3, 8): datetime(2026, 3, 8, 13, 0, tzinfo=UTC),
                date(2026, 3, 9): datetime(2026, 3, 9, 13, 0, tzinfo=UTC),
            },
        ),
        # Fall back on 1 November 2026: 01:30 happens twice; the post goes out once.
        (
            1,
            30,
            datetime(2026, 10, 31, 12, 0, tzinfo=UTC),
            {
                date(2026, 11, 1): datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
                date(2026, 11, 2): datetime(2026, 11, 2, 6, 30, tzinfo=UTC),
                date(2026, 11, 3): datetime(2026, 11, 3, 6, 30, tzinfo=UTC),
            },
        ),
    ],
)
async def test_time_travel_across_daylight_saving_changes(
    database: Database,
    store: FactStore,
    hour: int,
    minute: int,
    start: datetime,
    expected: dict[date, datetime],
) -> None:
    repository = SubscriptionRepository(database)
    await repository.upsert(
        subscription(channel(1), "America/New_York", hour, minute), "admin", start
    )
    port = FakeChatPort()
    daily = poster(database, store, port)
    sent_at: list[datetime] = []
    moment = start
    while moment < start + timedelta(days=3, hours=12):
        if (await daily.run_due(moment)).sent:
            sent_at.append(moment)
        moment += timedelta(minutes=30)
    async with database.session() as session:
        rows = dict(
            (await session.execute(select(DeliveryRow.local_date, DeliveryRow.due_at))).all()
        )
    assert rows == expected
    assert len(port.posts) == 3
    assert sent_at == sorted(expected.values())  # each at its own minute, not late


async def test_a_shard_never_takes_over_another_shards_retry(
    database: Database, store: FactStore
) -> None:
    await subscribe(
        database, subscription(channel(1, "guild-a")), subscription(channel(2, "guild-b"))
    )
    port_a = FakeChatPort(tenants={"guild-a"})
    port_b = FakeChatPort(tenants={"guild-b"}, failures={"chan-2": [rate_limited(1)]})
    shard_a = poster(database, store, port_a, "shard-a")
    shard_b = poster(database, store, port_b, "shard-b")
    await shard_b.run_due(NINE_UTC_22_JUNE)  # guild-b's post fails once, to be retried
    await shard_a.run_due(NINE_UTC_22_JUNE + timedelta(minutes=2))
    await shard_b.run_due(NINE_UTC_22_JUNE + timedelta(minutes=3))
    assert port_a.channels() == ["chan-1"]
    assert port_b.channels() == ["chan-2"]


async def test_an_unfinished_claim_is_not_sent_after_the_grace_window(
    database: Database, store: FactStore
) -> None:
    await subscribe(database, subscription(channel(1)))
    crashed = FakeChatPort(gate=asyncio.Event())
    stuck = asyncio.create_task(
        poster(database, store, crashed, "crashed").run_due(NINE_UTC_22_JUNE)
    )
    await asyncio.sleep(0.2)
    stuck.cancel()
    port = FakeChatPort()
    await poster(database, store, port, "later").run_due(NINE_UTC_22_JUNE + timedelta(days=7))
    assert [p.reply.title for p in port.posts] == ["On this day — 29 June"]
    assert (await statuses(database))[("chan-1", date(2026, 6, 22))] == "failed"


async def test_a_retry_after_an_ambiguous_failure_does_not_post_twice(
    database: Database, store: FactStore
) -> None:
    await subscribe(database, subscription(channel(1)))
    port = FakeChatPort()
    delivered = port.post

    async def delivered_but_timed_out(target: PostTarget, reply: Reply, key: str) -> None:
        await delivered(target, reply, key)  # the platform got it; the answer was lost
        raise TimeoutError("read timeout")

    port.post = delivered_but_timed_out  # type: ignore[method-assign]
    daily = poster(database, store, port)
    assert (await daily.run_due(NINE_UTC_22_JUNE)).retrying == [channel(1)]
    port.post = delivered  # type: ignore[method-assign]
    report = await daily.run_due(NINE_UTC_22_JUNE + timedelta(minutes=2))
    assert report.sent == [channel(1)]
    assert port.channels() == ["chan-1"]


async def test_changing_only_the_language_keeps_a_late_post_owed(
    database: Database, store: FactStore
) -> None:
    await subscribe(database, subscription(channel(1)))
    # The bot was down at 09:00; at 10:00 an admin switches the language, then it catches up.
    await SubscriptionRepository(database).upsert(
        subscription(channel(1), language="ja"), "admin", NINE_UTC_22_JUNE + timedelta(hours=1)
    )
    port = FakeChatPort()
    await poster(database, store, port).run_due(NINE_UTC_22_JUNE + timedelta(hours=2))
    assert port.channels() == ["chan-1"]
    assert port.posts[0].reply.title == "今日は何の日 — 6月22日"


async def test_two_first_subscribes_at_once_make_one_subscription(database: Database) -> None:
    repository = SubscriptionRepository(database)
    results = await asyncio.gather(
        *(
            repository.upsert(subscription(channel(1), hour=h), "admin", SUBSCRIBED_AT)
            for h in (7, 8, 9, 10)
        )
    )
    assert sum(created for _, created in results) == 1
    assert len(await repository.active(["test"])) == 1


async def test_one_failing_phase_does_not_stop_the_others(
    database: Database, store: FactStore
) -> None:
    class BrokenRetries(DeliveryRepository):
        def claim_retries(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def,override]
            raise RuntimeError("the retry query broke")

    await subscribe(database, subscription(channel(1)))
    port = FakeChatPort()
    daily = DailyPoster(
        SubscriptionRepository(database),
        BrokenRetries(database),
        AnniversaryReplies(store),
        {port.platform: port},
        "w1",
        DeliveryPolicy(),
    )
    report = await daily.run_due(NINE_UTC_22_JUNE)
    assert report.sent == [channel(1)]
    assert port.channels() == ["chan-1"]


async def test_channels_subscribed_for_one_minute_fall_due_spread_over_it(
    database: Database, store: FactStore
) -> None:
    from bot.core.daily.schedule import spread_second

    seconds = {spread_second(f"chan-{n}", 60) for n in range(200)}
    assert len(seconds) > 40 and all(0 <= second < 60 for second in seconds)
    spread = [
        replace(subscription(channel(n)), second=spread_second(f"chan-{n}", 60)) for n in range(20)
    ]
    await subscribe(database, *spread)
    port = FakeChatPort()
    daily = poster(database, store, port)
    await daily.run_due(NINE_UTC_22_JUNE)
    on_the_minute = {sub.channel.channel_id for sub in spread if sub.second == 0}
    assert set(port.channels()) == on_the_minute
    await daily.run_due(NINE_UTC_22_JUNE + timedelta(seconds=59))
    assert sorted(port.channels()) == sorted(sub.channel.channel_id for sub in spread)
    assert len(port.posts) == 20
