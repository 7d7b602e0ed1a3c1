"""Subscriptions to the daily post, always addressed by platform, tenant and channel."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, delete, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from bot.core.context import ChannelKey
from bot.core.daily.model import Subscription
from bot.core.i18n import parse_language
from bot.storage.database import Database
from bot.storage.tables import SubscriptionRow


def to_subscription(row: SubscriptionRow) -> Subscription:
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

    async def upsert(
        self, subscription: Subscription, updated_by: str, now: datetime
    ) -> tuple[Subscription, bool]:
        """Create or update the channel's subscription; returns it and whether it is new.

        Saving clears a pause: re-subscribing is how an admin resumes a paused channel.
        """
        try:
            return await self._upsert(subscription, updated_by, now)
        except IntegrityError:
            # Two first subscribes of one channel raced; the other created it: update it.
            return await self._upsert(subscription, updated_by, now)

    async def _upsert(
        self, subscription: Subscription, updated_by: str, now: datetime
    ) -> tuple[Subscription, bool]:
        async with self._db.session() as session:
            row = await session.scalar(
                select(SubscriptionRow).where(*_where(subscription.channel)).with_for_update()
            )
            created = row is None
            schedule_changed = row is None or (
                (row.post_hour, row.post_minute, row.timezone)
                != (subscription.hour, subscription.minute, subscription.timezone)
            )
            if row is None:
                row = SubscriptionRow(
                    platform=subscription.channel.platform,
                    tenant=subscription.channel.tenant,
                    channel_id=subscription.channel.channel_id,
                    created_at=now,
                )
                session.add(row)
            row.channel_name = subscription.channel_name[:100]
            row.post_hour = subscription.hour
            row.post_minute = subscription.minute
            row.timezone = subscription.timezone
            row.language = subscription.language
            row.daily_question = subscription.daily_question
            row.post_second = subscription.second
            if schedule_changed or row.paused_reason is not None:
                # A new time or zone (or a resumed channel) owes posts from now on only; a
                # change of language keeps today's post owed even if it is running late.
                row.active_since = now
                row.next_due_at = subscription.post_time.first_from(now)
            row.paused_reason = None
            row.paused_at = None
            row.updated_by = updated_by[:64]
            row.updated_at = now
            await session.flush()
            return to_subscription(row), created

    async def get(self, channel: ChannelKey) -> Subscription | None:
        async with self._db.session() as session:
            row = await session.scalar(select(SubscriptionRow).where(*_where(channel)))
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
