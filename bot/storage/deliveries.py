"""Delivery claims: the database, not the scheduler, decides who posts what.

A claim is a row that is unique per (channel, local date). Inserting it is atomic, so of
any number of processes racing for the same post exactly one wins; updates that move a row
from one state to another carry the expected old state in their WHERE clause for the same
reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.core.context import ChannelKey
from bot.core.daily.model import DeliveryRecord
from bot.storage.database import Database
from bot.storage.tables import DeliveryRow

log = logging.getLogger(__name__)

# Whether this process posts for (platform, tenant).
Serves = Callable[[str, str], bool]

CLAIMED = "claimed"
SENT = "sent"
RETRY = "retry"
FAILED = "failed"
SKIPPED = "skipped"


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


def _claim(row: DeliveryRow, recovered: bool) -> Claim:
    return Claim(
        row.id,
        ChannelKey(row.platform, row.tenant, row.channel_id),
        row.local_date,
        row.due_at,
        row.attempts,
        recovered,
    )


class DeliveryRepository:
    """Claims and outcomes of daily posts."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def _insert_ignoring_conflicts(self, values: list[dict[str, object]]) -> Any:
        # ON CONFLICT DO NOTHING is dialect-specific SQL; both dialects support it.
        insert = pg_insert if self._db.dialect == "postgresql" else sqlite_insert
        return (
            insert(DeliveryRow)
            .values(values)
            .on_conflict_do_nothing(
                index_elements=["platform", "tenant", "channel_id", "local_date"]
            )
            .returning(DeliveryRow)
        )

    async def existing(self, owed: Sequence[Owed]) -> set[tuple[ChannelKey, date]]:
        """Which of ``owed`` already have a row (in any state)."""
        if not owed:
            return set()
        keys = [
            (o.channel.platform, o.channel.tenant, o.channel.channel_id, o.local_date) for o in owed
        ]
        found: set[tuple[ChannelKey, date]] = set()
        async with self._db.session() as session:
            for start in range(0, len(keys), 500):
                rows = await session.execute(
                    select(
                        DeliveryRow.platform,
                        DeliveryRow.tenant,
                        DeliveryRow.channel_id,
                        DeliveryRow.local_date,
                    ).where(
                        tuple_(
                            DeliveryRow.platform,
                            DeliveryRow.tenant,
                            DeliveryRow.channel_id,
                            DeliveryRow.local_date,
                        ).in_(keys[start : start + 500])
                    )
                )
                found.update((ChannelKey(p, t, c), d) for p, t, c, d in rows)
        return found

    async def _insert_rows(
        self, owed: Sequence[Owed], status: str, worker: str, now: datetime
    ) -> list[DeliveryRow]:
        if not owed:
            return []
        values: list[dict[str, object]] = [
            {
                "platform": o.channel.platform,
                "tenant": o.channel.tenant,
                "channel_id": o.channel.channel_id,
                "local_date": o.local_date,
                "due_at": o.due_at,
                "status": status,
                "attempts": 0,
                "claimed_by": worker if status == CLAIMED else None,
                "claimed_at": now if status == CLAIMED else None,
                "finished_at": now if status == SKIPPED else None,
            }
            for o in owed
        ]
        inserted: list[DeliveryRow] = []
        async with self._db.session() as session:
            for start in range(0, len(values), 500):
                statement = self._insert_ignoring_conflicts(values[start : start + 500])
                result = await session.scalars(statement)
                inserted.extend(result.all())
        return inserted

    async def claim_new(self, owed: Sequence[Owed], worker: str, now: datetime) -> list[Claim]:
        """Claim the posts nobody has claimed yet; returns only those this call won."""
        return [
            _claim(row, recovered=False)
            for row in await self._insert_rows(owed, CLAIMED, worker, now)
        ]

    async def record_skipped(self, owed: Sequence[Owed], now: datetime) -> list[Owed]:
        """Mark posts that are too late to send; returns those newly marked."""
        rows = await self._insert_rows(owed, SKIPPED, "", now)
        return [
            Owed(ChannelKey(r.platform, r.tenant, r.channel_id), r.local_date, r.due_at)
            for r in rows
        ]

    async def _take_over(
        self,
        condition: ColumnElement[bool],
        serves: Serves,
        worker: str,
        now: datetime,
        recovered: bool,
    ) -> list[Claim]:
        async with self._db.session() as session:
            candidates = await session.execute(
                select(DeliveryRow.id, DeliveryRow.platform, DeliveryRow.tenant).where(condition)
            )
            # Only rows of tenants this process serves: a shard must not take another's.
            ids = [row_id for row_id, platform, tenant in candidates if serves(platform, tenant)]
            if not ids:
                return []
            result = await session.scalars(
                update(DeliveryRow)
                .where(DeliveryRow.id.in_(ids), condition)  # the condition again: races lose
                .values(status=CLAIMED, claimed_by=worker, claimed_at=now)
                .returning(DeliveryRow),
                execution_options={"synchronize_session": False},
            )
            return [_claim(row, recovered) for row in result.all()]

    async def claim_retries(
        self, serves: Serves, worker: str, now: datetime, due_since: datetime
    ) -> list[Claim]:
        """Claim posts whose transient failure has waited out its backoff (and that are
        still within the grace window: due at or after ``due_since``)."""
        condition = and_(
            DeliveryRow.status == RETRY,
            DeliveryRow.next_attempt_at <= now,
            DeliveryRow.due_at >= due_since,
        )
        return await self._take_over(condition, serves, worker, now, recovered=False)

    async def claim_stale(
        self,
        serves: Serves,
        worker: str,
        now: datetime,
        claimed_before: datetime,
        due_since: datetime,
    ) -> list[Claim]:
        """Take over claims whose process stopped before finishing them."""
        condition = and_(
            DeliveryRow.status == CLAIMED,
            DeliveryRow.claimed_at < claimed_before,
            DeliveryRow.due_at >= due_since,
        )
        return await self._take_over(condition, serves, worker, now, recovered=True)

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
                .values(status=FAILED, finished_at=now, error="gave up: past the grace window"),
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

    async def mark_sent(self, claim: Claim, worker: str, now: datetime) -> None:
        await self._finish(
            claim, worker, status=SENT, finished_at=now, attempts=claim.attempts + 1, error=None
        )

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
