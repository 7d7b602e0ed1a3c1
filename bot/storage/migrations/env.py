"""Alembic environment: runs on the connection the bot hands over (see Database.upgrade)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from bot.storage.tables import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    # The alembic CLI: a synchronous URL (sqlite:/// or postgresql+psycopg://...).
    url = config.get_main_option("sqlalchemy.url") or ""
    with create_engine(url).connect() as sync_connection:
        _run(sync_connection)
