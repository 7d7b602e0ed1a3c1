"""Tenant and user settings; a quiz in a thread remembers the thread's channel and the
thread of its question message.

Revision ID: 0006
Revises: 0004 (the lead relinks it to 0005 when both are merged)
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.tables import UTCDateTime

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenant_settings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=True),
        sa.Column("quiz_length", sa.SmallInteger(), nullable=True),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tenant_settings"),
        sa.UniqueConstraint("platform", "tenant", name="uq_tenant_settings_tenant"),
    )
    op.create_table(
        "user_settings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_user_settings"),
        sa.UniqueConstraint("platform", "tenant", "user_id", name="uq_user_settings_user"),
    )
    with op.batch_alter_table("quiz_games") as batch:
        batch.add_column(sa.Column("parent_channel_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("message_thread_id", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("quiz_games") as batch:
        batch.drop_column("message_thread_id")
        batch.drop_column("parent_channel_id")
    op.drop_table("user_settings")
    op.drop_table("tenant_settings")
