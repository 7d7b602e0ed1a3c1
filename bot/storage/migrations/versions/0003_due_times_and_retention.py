"""A stored next-due time per subscription (polls select only what is due), the second
within the minute a channel's post falls due, and an index for pruning old deliveries.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from bot.core.daily.schedule import PostTime
from bot.storage.tables import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(
            sa.Column("post_second", sa.SmallInteger(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("next_due_at", UTCDateTime(), nullable=True))
        batch.create_index("ix_subscriptions_next_due_at", ["platform", "next_due_at"])
    op.create_index("ix_deliveries_local_date", "deliveries", ["local_date"])
    op.create_index("ix_deliveries_status_id", "deliveries", ["status", "id"])
    _plan_existing_subscriptions()


def _plan_existing_subscriptions() -> None:
    # The first post each active subscription still owes; a day already posted is found by
    # its delivery row when the poll claims it, so starting a little early is harmless.
    subscriptions = sa.table(
        "subscriptions",
        sa.column("id", sa.Integer()),
        sa.column("post_hour", sa.SmallInteger()),
        sa.column("post_minute", sa.SmallInteger()),
        sa.column("timezone", sa.String()),
        sa.column("active_since", UTCDateTime()),
        sa.column("paused_reason", sa.Text()),
        sa.column("next_due_at", UTCDateTime()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            subscriptions.c.id,
            subscriptions.c.post_hour,
            subscriptions.c.post_minute,
            subscriptions.c.timezone,
            subscriptions.c.active_since,
        ).where(subscriptions.c.paused_reason.is_(None))
    ).all()
    for row_id, hour, minute, zone, active_since in rows:
        since = active_since if active_since.tzinfo else active_since.replace(tzinfo=UTC)
        due = PostTime(hour, minute, ZoneInfo(zone)).first_from(since)
        connection.execute(
            subscriptions.update().where(subscriptions.c.id == row_id).values(next_due_at=due)
        )


def downgrade() -> None:
    op.drop_index("ix_deliveries_status_id", "deliveries")
    op.drop_index("ix_deliveries_local_date", "deliveries")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_index("ix_subscriptions_next_due_at")
        batch.drop_column("next_due_at")
        batch.drop_column("post_second")
