"""The engine, sessions and migrations of one database, owned by the composition root."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 1941_0622  # any constant shared by every process of the bot


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers and one writer share the file; busy_timeout makes concurrent writers
    # wait instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL cannot corrupt the file; a power cut may lose the last commits,
    # which delivery recovery already handles (a claim not marked sent is checked again).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class Database:
    """An async engine plus its session factory."""

    def __init__(self, url: str, pool_size: int = 10) -> None:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        # A short pool timeout: a send waiting long for a connection would eat its lease.
        self.engine: AsyncEngine = create_async_engine(
            url, pool_pre_ping=True, pool_size=pool_size, max_overflow=pool_size, pool_timeout=10
        )
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def upgrade(self) -> None:
        """Apply every pending migration (idempotent; safe when several processes start)."""
        async with self.engine.begin() as connection:
            await connection.run_sync(self._upgrade)

    def _upgrade(self, connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            # Processes starting together migrate one after the other (the lock ends with
            # the transaction); SQLite's file lock already does this.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config = alembic_config(self.url)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction, committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    async def close(self) -> None:
        await self.engine.dispose()


@asynccontextmanager
async def open_database(
    url: str, migrate: bool = True, pool_size: int = 10
) -> AsyncIterator[Database]:
    """Open ``url``, bring its schema up to date, and close it on exit."""
    database = Database(url, pool_size)
    try:
        if migrate:
            await database.upgrade()
        yield database
    finally:
        await database.close()


def run_upgrade(url: str) -> None:
    """``alliance-bot db upgrade``."""

    async def upgrade() -> None:
        async with open_database(url):
            pass

    asyncio.run(upgrade())
