"""Outside review of the daily-post fan-out (a fixed pool of senders fed from one queue, one
repeating timer for every send's time limit): a stop during the wait for queue room claims
nothing more, and a sender survives an adapter that turns the cancellation into its own
error or raises ``CancelledError`` itself (the pool must not lose its senders, and the run
must not hang waiting for room in a queue nobody takes from)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.core.ports import TransientDeliveryError
from bot.storage.database import Database
from bot.storage.tables import DeliveryRow
from tests.fakes import FakeChatPort
from tests.storage.bulk import bulk_subscribe
from tests.storage.test_daily_delivery import NINE_UTC_22_JUNE, channel, poster, statuses

# Far longer than any of these runs takes when it works: only a hang reaches it.
HANG = 20.0


async def count_claimed(database: Database) -> int:
    async with database.session() as session:
        query = select(func.count()).select_from(DeliveryRow).where(DeliveryRow.status != "skipped")
        return int(await session.scalar(query) or 0)


async def test_a_stop_while_waiting_for_queue_room_claims_no_further_batch(
    database: Database, store: object
) -> None:
    # 600 due channels: a first batch of 500, then one of 100.
    await bulk_subscribe(database, 600, NINE_UTC_22_JUNE - timedelta(days=1))
    started, gate = asyncio.Event(), asyncio.Event()

    class Held(FakeChatPort):
        async def post(self, target, reply, key):  # type: ignore[no-untyped-def]
            started.set()
            await gate.wait()
            return await super().post(target, reply, key)

    port = Held()
    daily = poster(database, store, port, concurrency=1)  # type: ignore[arg-type]
    run = asyncio.create_task(daily.run_due(NINE_UTC_22_JUNE))
    await started.wait()  # the first batch is queued; the claimer waits for room
    daily.stop_claiming()  # shutdown: send what is claimed, claim nothing more
    gate.set()
    report = await asyncio.wait_for(run, HANG)
    assert len(report.sent) == 500
    assert await count_claimed(database) == 500  # no second batch claimed after the stop


async def test_a_sender_survives_an_adapter_that_turns_the_cut_off_into_its_own_error(
    database: Database, store: object
) -> None:
    # Some HTTP clients catch the cancellation of a request and raise their own error: the
    # sender's cancel request is then never consumed, and its next cut-off was taken for a
    # cancellation of the whole run, killing the sender (and with one sender, the run hung).
    await bulk_subscribe(database, 5, NINE_UTC_22_JUNE - timedelta(days=1))

    class Converting(FakeChatPort):
        async def post(self, target, reply, key):  # type: ignore[no-untyped-def]
            if target.channel_id != "chan-0":
                await asyncio.Event().wait()  # never answered; the cut-off goes through
            try:
                await asyncio.Event().wait()  # never answered
            except asyncio.CancelledError:
                raise TransientDeliveryError("connection closed") from None
            raise AssertionError("unreachable")

    port = Converting()
    daily = poster(
        database,
        store,  # type: ignore[arg-type]
        port,
        concurrency=1,
        stale_claim_after=timedelta(seconds=4),  # 1 s per send; abandon after 2 s
    )
    report = await asyncio.wait_for(daily.run_due(NINE_UTC_22_JUNE), HANG)
    day = NINE_UTC_22_JUNE.date()
    rows = await statuses(database)
    # The first two sends are cut off and retried; the rest are retried or left to recovery.
    assert rows[("chan-0", day)] == "retry"
    assert rows[("chan-1", day)] == "retry"
    assert set(report.retrying) | set(report.abandoned) == {
        channel(n, f"guild-{n}") for n in range(5)
    }


async def test_a_sender_survives_an_adapter_raising_cancelled_error(
    database: Database, store: object
) -> None:
    # An adapter's own cancelled future (a closed session, a cancelled inner task) surfaces
    # as CancelledError although the run is not being cancelled: the sender must go on.
    await bulk_subscribe(database, 5, NINE_UTC_22_JUNE - timedelta(days=1))

    class Cancelling(FakeChatPort):
        async def post(self, target, reply, key):  # type: ignore[no-untyped-def]
            if target.channel_id == "chan-0":
                raise asyncio.CancelledError()
            return await super().post(target, reply, key)

    port = Cancelling()
    daily = poster(database, store, port, concurrency=1)  # type: ignore[arg-type]
    report = await asyncio.wait_for(daily.run_due(NINE_UTC_22_JUNE), HANG)
    assert sorted(port.channels()) == [f"chan-{n}" for n in range(1, 5)]
    assert len(report.sent) == 4
