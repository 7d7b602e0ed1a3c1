"""Quizzes that any process can serve: the game's questions, its open question and that
question's deadline and message, and its owner's lease; at most one running game per
channel.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from bot.storage.tables import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

RUNNING_INDEX = "uq_quiz_games_running_channel"


def upgrade() -> None:
    with op.batch_alter_table("quiz_games") as batch:
        batch.add_column(sa.Column("questions", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("question_index", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("question_closed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("opened_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("deadline", UTCDateTime(), nullable=True))
        batch.add_column(
            sa.Column("quiet_streak", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("lease_until", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("message_channel_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("message_id", sa.String(64), nullable=True))
    _end_all_but_the_newest_running_game_per_channel()
    running = sa.text("status = 'running'")
    op.create_index(
        RUNNING_INDEX,
        "quiz_games",
        ["platform", "tenant", "channel_id"],
        unique=True,
        postgresql_where=running,
        sqlite_where=running,
    )


def _end_all_but_the_newest_running_game_per_channel() -> None:
    # Before this revision every process kept its own games, so one channel could have
    # several; the unique index allows one. The games left keep a NULL lease, so the next
    # start-up ends them with a message (they have no stored questions to go on with).
    games = sa.table(
        "quiz_games",
        sa.column("id", sa.Integer()),
        sa.column("platform", sa.String()),
        sa.column("tenant", sa.String()),
        sa.column("channel_id", sa.String()),
        sa.column("status", sa.String()),
        sa.column("ended_at", UTCDateTime()),
    )
    newest = (
        sa.select(sa.func.max(games.c.id))
        .where(games.c.status == "running")
        .group_by(games.c.platform, games.c.tenant, games.c.channel_id)
    )
    op.get_bind().execute(
        games.update()
        .where(games.c.status == "running", games.c.id.not_in(newest))
        .values(status="interrupted", ended_at=datetime.now(UTC))
    )


def downgrade() -> None:
    op.drop_index(RUNNING_INDEX, "quiz_games")
    with op.batch_alter_table("quiz_games") as batch:
        for column in (
            "message_id",
            "message_channel_id",
            "lease_until",
            "quiet_streak",
            "deadline",
            "opened_at",
            "question_closed",
            "question_index",
            "questions",
        ):
            batch.drop_column(column)
