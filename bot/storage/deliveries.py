"""Delivery claims: the database, not the scheduler, decides who posts what.

A claim is a row that is unique per (channel, local date). Inserting it is atomic, so of
any number of processes racing for the same post exactly one wins; updates that move a row
from one state to another carry the expected old state in their WHERE clause for the same
reason.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Collection, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfoNotFoundError

from sqlalchemy import (
    ColumnElement,
    Date,
    Row,
    Table,
    TypeDecorator,
    and_,
    bindparam,
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.context import ChannelKey
from bot.core.daily.model import Claim, DeliveryRecord, DueBatch, Now, Owed, Serves, Subscription
from bot.core.daily.schedule import Occurrence, PostTime, owed_occurrences
from bot.core.ports import DeliveryProblem
from bot.storage.database import Database
from bot.storage.subscriptions import SUBSCRIPTION_COLUMNS, subscription_of
from bot.storage.tables import DeliveryRow, SubscriptionRow, UTCDateTime

log = logging.getLogger(__name__)


CLAIMED = "claimed"
SENT = "sent"
RETRY = "retry"
FAILED = "failed"
SKIPPED = "skipped"

# Rows per statement: far below asyncpg's 32,767 bind parameters, and short transactions.
BATCH = 500


def _owed_from(post_time: PostTime, next_due_at: datetime, now: datetime) -> list[Occurrence]:
    """The posts owed by ``now``, from the local date of the stored next-due time on (the
    caller drops those due before the subscription's ``active_since``).

    Counting from that date's start under the schedule as it is now, not from the stored
    moment itself, keeps a day whose moment moved earlier since it was stored (a changed
    spread second, new time-zone rules) instead of silently passing over it; the unique
    delivery row keeps any day from being posted twice.
    """
    day_start = datetime.combine(
        post_time.local_date(next_due_at), time(0), tzinfo=post_time.zone
    ).astimezone(UTC)
    return owed_occurrences(post_time, day_start, now)


class _ClaimRow(Protocol):
    """The columns of a delivery row a claim is made of (``_CLAIM_COLUMNS``)."""

    id: int
    platform: str
    tenant: str
    channel_id: str
    local_date: date
    due_at: datetime
    attempts: int


_CLAIM_COLUMNS = (
    DeliveryRow.id,
    DeliveryRow.platform,
    DeliveryRow.tenant,
    DeliveryRow.channel_id,
    DeliveryRow.local_date,
    DeliveryRow.due_at,
    DeliveryRow.attempts,
)


def _claim(row: _ClaimRow, recovered: bool) -> Claim:
    return Claim(
        row.id,
        ChannelKey(row.platform, row.tenant, row.channel_id),
        row.local_date,
        row.due_at,
        row.attempts,
        recovered,
    )


def _new_claim(row_id: int, owed: Owed) -> Claim:
    return Claim(row_id, owed.channel, owed.local_date, owed.due_at, 0, False)


class _BoundOnceInARow:
    """A column type whose bind processor converts a value once for a run of rows that
    bind the very same object: a batch of claims binds one claim time, and a busy minute's
    due time and local date, to hundreds of rows, and converting each row's copy anew was a
    third of what inserting a claim cost."""

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        convert = super().bind_processor(dialect)  # type: ignore[misc]
        if convert is None:
            return None
        last: tuple[object, Any] = (_NOT_YET, None)

        def process(value: Any) -> Any:
            nonlocal last
            seen, converted = last  # one tuple, read and replaced whole: safe across threads
            if value is seen:
                return converted
            converted = convert(value)
            last = (value, converted)
            return converted

        return process


_NOT_YET = object()


class _MomentBoundOnce(_BoundOnceInARow, UTCDateTime):
    cache_ok = True


class _DateBoundOnce(_BoundOnceInARow, TypeDecorator[date]):
    impl = Date
    cache_ok = True


class _HotStatements:
    """The statements a fan-out runs once per batch, built once per repository.

    Core tables rather than the ORM entities, with bound parameters (lists as expanding
    ones): building a statement and passing it through the ORM's bulk machinery cost more
    than running it, many times per second in a busy minute.
    """

    def __init__(self, dialect: str) -> None:
        subscriptions_table, deliveries_table = SubscriptionRow.__table__, DeliveryRow.__table__
        assert isinstance(subscriptions_table, Table) and isinstance(deliveries_table, Table)
        subs, deliveries = subscriptions_table.c, deliveries_table.c
        due = (
            select(subs.id, subs.next_due_at, *(subs[c.key] for c in SUBSCRIPTION_COLUMNS))
            .where(
                subs.next_due_at <= bindparam("now"),
                subs.platform.in_(bindparam("platforms", expanding=True)),
            )
            .order_by(subs.next_due_at, subs.id)
            .limit(BATCH)
        )
        # Keyset paging: rows of tenants another process serves stay due, and must not hide
        # the ones after them.
        due_after = due.where(
            or_(
                subs.next_due_at > bindparam("after_due"),
                and_(subs.next_due_at == bindparam("after_due"), subs.id > bindparam("after_id")),
            )
        )
        if dialect == "postgresql":
            # Concurrent processes split a batch instead of queueing on each other's rows;
            # SQLite has one writer at a time anyway.
            due, due_after = (q.with_for_update(skip_locked=True) for q in (due, due_after))
        self.due, self.due_after = due, due_after

        # ON CONFLICT DO NOTHING is dialect-specific SQL; both dialects support it. With a
        # list of parameter sets SQLAlchemy sends the rows as multi-row INSERTs itself
        # ("insertmanyvalues"); one ``.values([...])`` of 500 rows was compiled anew every
        # batch (the largest CPU cost of claiming).
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        once = {"local_date": _DateBoundOnce()} | {
            name: _MomentBoundOnce() for name in ("due_at", "claimed_at", "finished_at")
        }
        self.insert = (
            insert(deliveries_table)
            .values({name: bindparam(name, type_=kind) for name, kind in once.items()})
            .on_conflict_do_nothing(
                index_elements=["platform", "tenant", "channel_id", "local_date"]
            )
            # Only what tells the rows apart: the caller has the rest.
            .returning(
                deliveries.id,
                deliveries.platform,
                deliveries.tenant,
                deliveries.channel_id,
                deliveries.local_date,
            )
        )
        # Guarded by the old value: a subscription changed meanwhile keeps its new plan.
        self.advance = (
            update(subscriptions_table)
            .where(
                subs.id.in_(bindparam("ids", expanding=True)),
                subs.next_due_at == bindparam("old_due"),
            )
            .values(next_due_at=bindparam("new_due"))
        )
        self.mark_sent = (
            update(deliveries_table)
            .where(
                deliveries.id.in_(bindparam("ids", expanding=True)),
                deliveries.claimed_by == bindparam("worker"),
            )
            .values(
                status=SENT,
                finished_at=bindparam("now"),
                attempts=deliveries.attempts + 1,
                error=None,
            )
        )


class DeliveryRepository:
    """Claims and outcomes of daily posts."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._hot = _HotStatements(database.dialect)

    def _lock_skipping_locked(self, query: Any) -> Any:
        # On PostgreSQL concurrent processes split a batch instead of queueing on each other's
        # rows; SQLite has one writer at a time anyway.
        if self._db.dialect == "postgresql":
            return query.with_for_update(skip_locked=True)
        return query

    async def _insert_rows(
        self,
        connection: AsyncConnection,
        owed: Sequence[Owed],
        status: str,
        worker: str,
        now: datetime,
    ) -> list[tuple[int, Owed]]:
        """Insert a row per owed post where its day has none yet; returns the new rows' ids
        with the posts they are for."""
        if not owed:
            return []
        claimed_by, claimed_at = (worker, now) if status == CLAIMED else (None, None)
        finished_at = now if status == SKIPPED else None
        values: list[dict[str, object]] = []
        by_day: dict[tuple[str, str, str, date], Owed] = {}
        for o in owed:
            channel = o.channel
            by_day[(channel.platform, channel.tenant, channel.channel_id, o.local_date)] = o
            values.append(
                {
                    "platform": channel.platform,
                    "tenant": channel.tenant,
                    "channel_id": channel.channel_id,
                    "local_date": o.local_date,
                    "due_at": o.due_at,
                    "status": status,
                    "attempts": 0,
                    "claimed_by": claimed_by,
                    "claimed_at": claimed_at,
                    "finished_at": finished_at,
                }
            )
        inserted: list[tuple[int, Owed]] = []
        for start in range(0, len(values), BATCH):
            result = await connection.execute(self._hot.insert, values[start : start + BATCH])
            inserted.extend(
                (row_id, by_day[(platform, tenant, channel_id, local_date)])
                for row_id, platform, tenant, channel_id, local_date in result.all()
            )
        return inserted

    async def claim_due(
        self,
        platforms: Collection[str],
        serves: Serves,
        worker: str,
        clock: Now,
        grace: timedelta,
    ) -> AsyncIterator[DueBatch]:
        """Claim, batch by batch, the posts of every subscription due by ``now``.

        Only subscriptions whose stored next-due time has passed are read, so a poll with
        nothing due costs one indexed query however many channels there are. In the same
        transaction as a batch's claims (and skip rows for posts more than ``grace`` late),
        each subscription's next-due time moves to its next post after ``now``; a day that
        already has a row (in any state) is not claimed again.
        """
        after: tuple[datetime, int] | None = None
        while True:
            now = clock()
            # A plain connection in a transaction: the ORM session's bookkeeping is not needed.
            async with self._db.engine.begin() as connection:
                rows = await self._due_rows(connection, platforms, now, after)
                if not rows:
                    return
                last_due = rows[-1].next_due_at
                assert last_due is not None
                after = (last_due, rows[-1].id)
                batch = await self._claim_rows(connection, rows, serves, worker, now, grace)
            yield batch
            if len(rows) < BATCH:
                return

    async def _due_rows(
        self,
        connection: AsyncConnection,
        platforms: Collection[str],
        now: datetime,
        after: tuple[datetime, int] | None,
    ) -> Sequence[Row[*tuple[Any, ...]]]:
        # Columns, not ORM objects: a batch of 500 is read without building an identity map.
        parameters: dict[str, object] = {"now": now, "platforms": list(platforms)}
        if after is None:
            return (await connection.execute(self._hot.due, parameters)).all()
        parameters["after_due"], parameters["after_id"] = after
        return (await connection.execute(self._hot.due_after, parameters)).all()

    async def _claim_rows(
        self,
        connection: AsyncConnection,
        rows: Sequence[Row[*tuple[Any, ...]]],
        serves: Serves,
        worker: str,
        now: datetime,
        grace: timedelta,
    ) -> DueBatch:
        on_time: list[Owed] = []
        too_late: list[Owed] = []
        subscriptions: dict[ChannelKey, Subscription] = {}
        # Row ids by (stored next-due time, new next-due time): a busy minute's rows share both,
        # so a batch is advanced by a statement or a few, with two datetime values to bind
        # instead of two per row.
        advances: dict[tuple[datetime, datetime], list[int]] = defaultdict(list)
        broken: list[int] = []
        # A busy minute's rows share a schedule: its time-zone arithmetic is done once per
        # (schedule, stored next-due time), and each row keeps the posts since it subscribed.
        plans: dict[tuple[object, ...], tuple[list[Occurrence], datetime]] = {}
        for row in rows:
            # By index (see subscription_of): (id, next_due_at, *SUBSCRIPTION_COLUMNS).
            row_id, stored_due, values = row[0], row[1], row[2:]
            if not serves(values[0], values[1]):
                continue
            assert stored_due is not None
            try:
                subscription = subscription_of(values)
                plan_key = (
                    subscription.timezone,
                    subscription.hour,
                    subscription.minute,
                    subscription.second,
                    stored_due,
                )
                if (plan := plans.get(plan_key)) is None:
                    post_time = subscription.post_time
                    plan = (_owed_from(post_time, stored_due, now), post_time.next_after(now))
                    plans[plan_key] = plan
            except (ZoneInfoNotFoundError, ValueError, OverflowError):
                # A zone this process's tz database lacks, or a value no schedule can use:
                # pause that one channel (an admin sees why) instead of the whole batch.
                log.exception("cannot schedule %s/%s; pausing it", values[1], values[2])
                broken.append(row_id)
                continue
            channel, since = subscription.channel, subscription.active_since
            subscriptions[channel] = subscription
            for occurrence in plan[0]:
                if occurrence.due_at >= since:
                    owed = Owed(channel, occurrence.local_date, occurrence.due_at)
                    (on_time if now - occurrence.due_at <= grace else too_late).append(owed)
            advances[(stored_due, plan[1])].append(row_id)
        if broken:
            await connection.execute(
                update(SubscriptionRow)
                .where(SubscriptionRow.id.in_(broken))
                .values(
                    paused_reason=DeliveryProblem.BAD_SETTINGS.value,
                    paused_at=now,
                    next_due_at=None,
                ),
                execution_options={"synchronize_session": False},
            )
        claimed = await self._insert_rows(connection, on_time, CLAIMED, worker, now)
        skipped = await self._insert_rows(connection, too_late, SKIPPED, "", now)
        for (old_due, new_due), ids in advances.items():
            await connection.execute(
                self._hot.advance, {"ids": ids, "old_due": old_due, "new_due": new_due}
            )
        batch = DueBatch()
        batch.claims = [
            (_new_claim(row_id, owed), subscriptions[owed.channel]) for row_id, owed in claimed
        ]
        batch.skipped = [owed for _, owed in skipped]
        return batch

    async def next_due_at(self, platforms: Collection[str], now: datetime) -> datetime | None:
        """The earliest next-due time after ``now``: the first entry of an index range
        (``ORDER BY … LIMIT 1``, which SQLite stops at; its ``min()`` reads the whole range)."""
        async with self._db.session() as session:
            moments = [
                await session.scalar(
                    select(SubscriptionRow.next_due_at)
                    .where(SubscriptionRow.platform == platform, SubscriptionRow.next_due_at > now)
                    .order_by(SubscriptionRow.next_due_at)
                    .limit(1)
                )
                for platform in platforms
            ]
        return min((moment for moment in moments if moment is not None), default=None)

    async def claim_new(self, owed: Sequence[Owed], worker: str, now: datetime) -> list[Claim]:
        """Claim the given posts where nobody has yet; returns only those this call won."""
        async with self._db.engine.begin() as connection:
            rows = await self._insert_rows(connection, owed, CLAIMED, worker, now)
        return [_new_claim(row_id, o) for row_id, o in rows]

    async def _take_over(
        self,
        condition: ColumnElement[bool],
        serves: Serves,
        worker: str,
        clock: Now,
        recovered: bool,
    ) -> AsyncIterator[list[Claim]]:
        after_id = 0
        while True:
            now = clock()
            async with self._db.session() as session:
                query = (
                    select(DeliveryRow.id, DeliveryRow.platform, DeliveryRow.tenant)
                    .where(condition, DeliveryRow.id > after_id)
                    # (status, id) pins the plan to ix_deliveries_status_id.
                    .order_by(DeliveryRow.status, DeliveryRow.id)
                    .limit(BATCH)
                )
                candidates = (await session.execute(self._lock_skipping_locked(query))).all()
                if not candidates:
                    return
                after_id = candidates[-1][0]
                # Only rows of tenants this process serves: a shard must not take another's.
                ids = [
                    row_id for row_id, platform, tenant in candidates if serves(platform, tenant)
                ]
                claims: list[Claim] = []
                if ids:
                    result = await session.execute(
                        update(DeliveryRow)
                        .where(DeliveryRow.id.in_(ids), condition)  # again: races lose
                        .values(status=CLAIMED, claimed_by=worker, claimed_at=now)
                        .returning(*_CLAIM_COLUMNS),
                        execution_options={"synchronize_session": False},
                    )
                    claims = [_claim(row, recovered) for row in result.all()]
            if claims:
                yield claims
            if len(candidates) < BATCH:
                return

    def claim_retries(
        self, serves: Serves, worker: str, now: datetime, due_since: datetime, clock: Now
    ) -> AsyncIterator[list[Claim]]:
        """Claim, batch by batch, posts whose transient failure had waited out its backoff by
        ``now`` (and that are still within the grace window: due at or after ``due_since``)."""
        condition = and_(
            DeliveryRow.status == RETRY,
            DeliveryRow.next_attempt_at <= now,
            DeliveryRow.due_at >= due_since,
        )
        return self._take_over(condition, serves, worker, clock, recovered=False)

    def claim_stale(
        self,
        serves: Serves,
        worker: str,
        claimed_before: datetime,
        due_since: datetime,
        clock: Now,
    ) -> AsyncIterator[list[Claim]]:
        """Take over, batch by batch, claims whose process stopped before finishing them."""
        condition = and_(
            DeliveryRow.status == CLAIMED,
            DeliveryRow.claimed_at < claimed_before,
            DeliveryRow.due_at >= due_since,
        )
        return self._take_over(condition, serves, worker, clock, recovered=True)

    async def expire(self, platforms: Collection[str], now: datetime, due_before: datetime) -> int:
        """Give up on unfinished posts that fell out of the grace window."""
        async with self._db.session() as session:
            result = await session.execute(
                update(DeliveryRow)
                .where(
                    DeliveryRow.status.in_([CLAIMED, RETRY]),
                    DeliveryRow.due_at < due_before,
                    DeliveryRow.platform.in_(list(platforms)),
                )
                .values(status=FAILED, finished_at=now, error=DeliveryProblem.EXPIRED.value),
                execution_options={"synchronize_session": False},
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def _finish(self, claim: Claim, worker: str, **values: object) -> None:
        async with self._db.session() as session:
            result = await session.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id == claim.delivery_id, DeliveryRow.claimed_by == worker)
                .values(**values),
                execution_options={"synchronize_session": False},
            )
        if not result.rowcount:  # type: ignore[attr-defined]
            log.warning("delivery %s was taken over by another process", claim.delivery_id)

    async def mark_sent_many(self, claims: Sequence[Claim], worker: str, now: datetime) -> int:
        """Mark many posts sent in one statement per batch; returns how many rows changed
        (a claim another process took over in the meantime is left to it)."""
        changed = 0
        async with self._db.engine.begin() as connection:
            for start in range(0, len(claims), BATCH):
                ids = [claim.delivery_id for claim in claims[start : start + BATCH]]
                result = await connection.execute(
                    self._hot.mark_sent, {"ids": ids, "worker": worker, "now": now}
                )
                changed += int(result.rowcount or 0)
        if changed < len(claims):
            log.warning("%d sent post(s) had been taken over meanwhile", len(claims) - changed)
        return changed

    async def mark_retry(self, claim: Claim, worker: str, retry_at: datetime, error: str) -> None:
        await self._finish(
            claim,
            worker,
            status=RETRY,
            next_attempt_at=retry_at,
            attempts=claim.attempts + 1,
            error=error[:500],
        )

    async def mark_failed(self, claim: Claim, worker: str, now: datetime, error: str) -> None:
        await self._finish(
            claim,
            worker,
            status=FAILED,
            finished_at=now,
            attempts=claim.attempts + 1,
            error=error[:500],
        )

    async def next_retry_at(self, platforms: Collection[str]) -> datetime | None:
        async with self._db.session() as session:
            return await session.scalar(
                select(DeliveryRow.next_attempt_at)
                .where(DeliveryRow.status == RETRY, DeliveryRow.platform.in_(list(platforms)))
                .order_by(DeliveryRow.next_attempt_at)
                .limit(1)
            )

    async def prune(self, before: date) -> int:
        """Delete finished rows of local dates before ``before``, in batches; returns how many.

        Unfinished rows are kept whatever their age: they are someone's claim or retry.
        """
        deleted = 0
        while True:
            async with self._db.session() as session:
                ids = (
                    await session.scalars(
                        select(DeliveryRow.id)
                        .where(
                            DeliveryRow.local_date < before,
                            DeliveryRow.status.in_([SENT, FAILED, SKIPPED]),
                        )
                        .limit(BATCH * 10)
                    )
                ).all()
                if not ids:
                    return deleted
                await session.execute(
                    delete(DeliveryRow).where(DeliveryRow.id.in_(ids)),
                    execution_options={"synchronize_session": False},
                )
                deleted += len(ids)

    async def last_for(self, channel: ChannelKey) -> DeliveryRecord | None:
        """The most recent post (or attempt) for a channel."""
        async with self._db.session() as session:
            row = await session.scalar(
                select(DeliveryRow)
                .where(
                    DeliveryRow.platform == channel.platform,
                    DeliveryRow.tenant == channel.tenant,
                    DeliveryRow.channel_id == channel.channel_id,
                )
                .order_by(DeliveryRow.local_date.desc())
                .limit(1)
            )
            if row is None:
                return None
            return DeliveryRecord(
                row.local_date, row.status, row.attempts, row.finished_at, row.error
            )
