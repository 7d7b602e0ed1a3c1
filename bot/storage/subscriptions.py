"""Subscriptions to the daily post, always addressed by platform, tenant and channel."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    bindparam,
    case,
    delete,
    literal,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.core.context import ChannelKey
from bot.core.daily.model import Subscription
from bot.core.i18n import parse_language
from bot.storage.database import Database
from bot.storage.tables import SubscriptionRow, UTCDateTime

# What to_subscription reads, for the reads that select columns rather than ORM rows
# (the poster's claims read a batch of due subscriptions this way too).
SUBSCRIPTION_COLUMNS = (
    SubscriptionRow.platform,
    SubscriptionRow.tenant,
    SubscriptionRow.channel_id,
    SubscriptionRow.channel_name,
    SubscriptionRow.post_hour,
    SubscriptionRow.post_minute,
    SubscriptionRow.timezone,
    SubscriptionRow.language,
    SubscriptionRow.daily_question,
    SubscriptionRow.active_since,
    SubscriptionRow.paused_reason,
    SubscriptionRow.post_second,
)


def to_subscription(row: SubscriptionRow | Row[*tuple[Any, ...]]) -> Subscription:
    return Subscription(
        channel=ChannelKey(row.platform, row.tenant, row.channel_id),
        channel_name=row.channel_name,
        hour=row.post_hour,
        minute=row.post_minute,
        timezone=row.timezone,
        language=parse_language(row.language) or "en",
        daily_question=row.daily_question,
        active_since=row.active_since,
        paused_reason=row.paused_reason,
        second=row.post_second,
    )


def subscription_of(values: Sequence[Any]) -> Subscription:
    """:func:`to_subscription` for the values of ``SUBSCRIPTION_COLUMNS``, in that order:
    indexing a row costs a tenth of reading its attributes by name, and a busy minute's
    claims read thousands of rows."""
    (
        platform,
        tenant,
        channel_id,
        channel_name,
        hour,
        minute,
        timezone,
        language,
        daily_question,
        active_since,
        paused_reason,
        second,
    ) = values
    return Subscription(
        ChannelKey(platform, tenant, channel_id),
        channel_name,
        hour,
        minute,
        timezone,
        parse_language(language) or "en",
        daily_question,
        active_since,
        paused_reason,
        second,
    )


def _where(channel: ChannelKey) -> tuple[ColumnElement[bool], ...]:
    return (
        SubscriptionRow.platform == channel.platform,
        SubscriptionRow.tenant == channel.tenant,
        SubscriptionRow.channel_id == channel.channel_id,
    )


class SubscriptionRepository:
    """Reads and writes subscriptions."""

    def __init__(self, database: Database) -> None:
        self._db = database
        # Built once: building a statement costs more than running it.
        self._read_one = select(*SUBSCRIPTION_COLUMNS).where(
            SubscriptionRow.platform == bindparam("platform"),
            SubscriptionRow.tenant == bindparam("tenant"),
            SubscriptionRow.channel_id == bindparam("channel_id"),
        )

    async def upsert(
        self, subscription: Subscription, updated_by: str, now: datetime
    ) -> tuple[Subscription, bool]:
        """Create or update the channel's subscription; returns it and whether it is new.

        Saving clears a pause: re-subscribing is how an admin resumes a paused channel.
        Each write is one statement, so a concurrent subscribe or unsubscribe of the same
        channel (another process) cannot make it fail half-way.
        """
        async with self._db.session() as session:
            for _attempt in range(3):
                created = await session.scalar(self._insert_new(subscription, updated_by, now))
                if created is not None:
                    return to_subscription(created), True
                updated = await session.scalar(self._update(subscription, updated_by, now))
                if updated is not None:
                    return to_subscription(updated), False
                # Unsubscribed between the two statements: insert it again.
        raise RuntimeError(f"could not save the subscription of {subscription.channel}")

    def _settings(
        self, subscription: Subscription, updated_by: str, now: datetime
    ) -> dict[str, Any]:
        return {
            "channel_name": subscription.channel_name[:100],
            "post_hour": subscription.hour,
            "post_minute": subscription.minute,
            "timezone": subscription.timezone,
            "language": subscription.language,
            "daily_question": subscription.daily_question,
            "post_second": subscription.second,
            "paused_reason": None,
            "paused_at": None,
            "updated_by": updated_by[:64],
            "updated_at": now,
        }

    def _insert_new(self, subscription: Subscription, updated_by: str, now: datetime) -> Any:
        insert = pg_insert if self._db.dialect == "postgresql" else sqlite_insert
        return (
            insert(SubscriptionRow)
            .values(
                platform=subscription.channel.platform,
                tenant=subscription.channel.tenant,
                channel_id=subscription.channel.channel_id,
                created_at=now,
                active_since=now,
                next_due_at=subscription.post_time.first_from(now),
                **self._settings(subscription, updated_by, now),
            )
            .on_conflict_do_nothing(index_elements=["platform", "tenant", "channel_id"])
            .returning(SubscriptionRow)
        )

    def _update(self, subscription: Subscription, updated_by: str, now: datetime) -> Any:
        # A new time or zone (or a resumed channel) owes posts from now on only; a change of
        # language keeps today's post owed even if it is running late. The CASE reads the
        # row's values from before this UPDATE.
        restarts = or_(
            SubscriptionRow.post_hour != subscription.hour,
            SubscriptionRow.post_minute != subscription.minute,
            SubscriptionRow.timezone != subscription.timezone,
            SubscriptionRow.paused_reason.is_not(None),
        )
        return (
            update(SubscriptionRow)
            .where(*_where(subscription.channel))
            .values(
                active_since=case(
                    (restarts, literal(now, UTCDateTime())), else_=SubscriptionRow.active_since
                ),
                next_due_at=case(
                    (restarts, literal(subscription.post_time.first_from(now), UTCDateTime())),
                    else_=SubscriptionRow.next_due_at,
                ),
                **self._settings(subscription, updated_by, now),
            )
            .returning(SubscriptionRow)
        )

    async def get(self, channel: ChannelKey) -> Subscription | None:
        # Every command in a channel asks this (its time zone): columns on a plain
        # connection, not an ORM object in a session.
        values = {
            "platform": channel.platform,
            "tenant": channel.tenant,
            "channel_id": channel.channel_id,
        }
        async with self._db.reading() as connection:
            row = (await connection.execute(self._read_one, values)).first()
            return to_subscription(row) if row else None

    async def get_many(self, channels: Collection[ChannelKey]) -> dict[ChannelKey, Subscription]:
        """The subscriptions of ``channels`` that exist (one query per 300 channels)."""
        found: dict[ChannelKey, Subscription] = {}
        keys = [(c.platform, c.tenant, c.channel_id) for c in channels]
        async with self._db.session() as session:
            for start in range(0, len(keys), 300):
                rows = await session.scalars(
                    select(SubscriptionRow).where(
                        tuple_(
                            SubscriptionRow.platform,
                            SubscriptionRow.tenant,
                            SubscriptionRow.channel_id,
                        ).in_(keys[start : start + 300])
                    )
                )
                found.update((sub.channel, sub) for sub in map(to_subscription, rows))
        return found

    async def remove(self, channel: ChannelKey) -> bool:
        async with self._db.session() as session:
            result = await session.execute(delete(SubscriptionRow).where(*_where(channel)))
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def active(self, platforms: Collection[str]) -> list[Subscription]:
        """Every subscription on ``platforms`` that is not paused."""
        async with self._db.session() as session:
            rows = await session.scalars(
                select(SubscriptionRow).where(
                    SubscriptionRow.platform.in_(list(platforms)),
                    SubscriptionRow.paused_reason.is_(None),
                )
            )
            return [to_subscription(row) for row in rows]

    async def pause(self, channel: ChannelKey, reason: str, now: datetime) -> None:
        """Stop posting to a channel until an admin subscribes it again."""
        async with self._db.session() as session:
            await session.execute(
                update(SubscriptionRow)
                .where(*_where(channel))
                .values(paused_reason=reason[:500], paused_at=now, next_due_at=None)
            )
