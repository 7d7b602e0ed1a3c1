"""Each stored user name's folded form (NFKC + case folding, bot.core.names.fold_name),
indexed, so a look-up by name folds alike on SQLite, whose lower() is ASCII-only, and on
PostgreSQL.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.core.names import MAX_FOLDED_LENGTH, fold_name

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = {"quiz_answers": "ix_quiz_answers_name", "daily_answers": "ix_daily_answers_name"}


def upgrade() -> None:
    for table, index in TABLES.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column(
                    "user_name_folded",
                    sa.String(MAX_FOLDED_LENGTH),
                    nullable=False,
                    server_default="",
                )
            )
        _fold_existing_names(table)
        op.create_index(index, table, ["platform", "tenant", "user_name_folded"])


def _fold_existing_names(name: str) -> None:
    # The folding is Python's (the databases fold differently, which is the point), so the
    # rows written before this revision are folded here, one distinct name at a time.
    table = sa.table(name, sa.column("user_name", sa.String()), sa.column("user_name_folded"))
    connection = op.get_bind()
    names = connection.scalars(sa.select(table.c.user_name).distinct()).all()
    for user_name in names:
        connection.execute(
            table.update()
            .where(table.c.user_name == user_name)
            .values(user_name_folded=fold_name(user_name))
        )


def downgrade() -> None:
    for table, index in TABLES.items():
        op.drop_index(index, table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("user_name_folded")
