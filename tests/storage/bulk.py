"""Bulk-inserted subscriptions and claims, for tests at a popular bot's size.

Rows are written the way the repositories write them (the same columns, the next-due time
computed by the same schedule code), only many per statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text

from bot.core.daily.schedule import PostTime
from bot.storage.database import Database
from bot.storage.tables import DeliveryRow, SubscriptionRow

ROWS_PER_STATEMENT = 2_000


async def bulk_subscribe(
    database: Database,
    count: int,
    subscribed_at: datetime,
    hour: int = 9,
    minute: int = 0,
    tenants: int = 7,
    platform: str = "test",
    first: int = 0,
    tenant: str | None = None,
    channel_ids: Sequence[str] | None = None,
) -> None:
    """``count`` channels (``chan-<n>`` in ``guild-<n % tenants>``) posting daily at
    ``hour:minute`` UTC, subscribed at ``subscribed_at``; ``tenant`` and ``channel_ids``
    (indexed by ``n``) put real ids in their place, for a fake platform that knows them."""
    due = PostTime(hour, minute, ZoneInfo("UTC")).first_from(subscribed_at)
    rows = [
        {
            "platform": platform,
            "tenant": tenant or f"guild-{number % tenants}",
            "channel_id": channel_ids[number] if channel_ids else f"chan-{number}",
            "channel_name": f"chan-{number}",
            "post_hour": hour,
            "post_minute": minute,
            "post_second": 0,
            "timezone": "UTC",
            "language": "en",
            "daily_question": False,
            "active_since": subscribed_at,
            "paused_reason": None,
            "next_due_at": due,
            "updated_by": "admin",
            "created_at": subscribed_at,
            "updated_at": subscribed_at,
        }
        for number in range(first, first + count)
    ]
    await _insert(database, SubscriptionRow, rows)


async def bulk_claims(database: Database, rows: list[dict[str, object]]) -> None:
    await _insert(database, DeliveryRow, rows)


async def _insert(database: Database, table: type[object], rows: list[dict[str, object]]) -> None:
    async with database.session() as session:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            await session.execute(insert(table), rows[start : start + ROWS_PER_STATEMENT])
    # A production table has planner statistics (autovacuum keeps them); a table filled a
    # moment ago has none, and the planner would guess.
    async with database.engine.connect() as connection:
        await connection.execute(text("ANALYZE"))
        await connection.commit()
