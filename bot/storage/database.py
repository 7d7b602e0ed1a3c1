"""The engine, sessions and migrations of one database, owned by the composition root."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import URL, Connection, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION_LINE = re.compile(r'^(revision|down_revision) = (None|"[^"]*")$', re.MULTILINE)
MIGRATION_LOCK = 1941_0622  # any constant shared by every process of the bot
DEFAULT_CONNECT_TIMEOUT_SECONDS = 5.0
_SECRET_QUERY_KEYS = frozenset({"password", "sslpassword"})

log = logging.getLogger(__name__)


class DatabaseUnavailable(Exception):
    """The database cannot be opened; the message is one line, with the password masked."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"cannot open the database {masked_url(url)}: {reason}")


def masked_url(url: str) -> str:
    """``url`` with its password replaced by ``***``, safe to print and log."""
    try:
        parsed = make_url(url)
    except SQLAlchemyError:
        return "(an unreadable URL)"
    # The driver also takes a password from the query (``?password=``, libpq's spelling).
    secret = {key: "***" for key in parsed.query if key.lower() in _SECRET_QUERY_KEYS}
    rendered = parsed.update_query_dict(secret).render_as_string(hide_password=True)
    return rendered.replace("%2A%2A%2A", "***")


def _connect_args(url: URL, timeout: float) -> dict[str, Any]:
    # Without a timeout asyncpg waits 60 s on a port that accepts and never answers.
    if url.get_driver_name() == "asyncpg":
        return {"timeout": timeout}
    if url.get_driver_name() == "psycopg":
        return {"connect_timeout": max(1, round(timeout))}
    return {}


def _reason(error: BaseException, timeout: float) -> str:
    """What went wrong, in one line."""
    if isinstance(error, ImportError):
        return f"its driver is not installed ({error.name or error})"
    if isinstance(error, TimeoutError):
        return f"no answer within {timeout:g} s"
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    if isinstance(cause, OSError) and cause.errno is not None:
        # asyncpg's strerror is "Connect call failed (…)"; the errno says refused or not.
        text = os.strerror(cause.errno)
        if cause.filename or cause.strerror != text:
            text += f" ({cause.filename or cause.strerror})"
    else:
        text = str(cause) or type(cause).__name__
    return " ".join(text.split())[:300]


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


def head_revisions() -> set[str]:
    """The head revision of the migrations, read from their files without Alembic.

    Importing Alembic costs a start-up more than everything else it does with a database
    that is already current; a test checks this against Alembic's own answer."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"].strip('"'))
            if (parent := found.get("down_revision", "None")) != "None":
                parents.add(parent.strip('"'))
    return revisions - parents


def stored_revisions(connection: Connection) -> set[str]:
    """The revisions recorded in the database (none for a new database)."""
    if not inspect(connection).has_table("alembic_version"):
        return set()
    return set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class Database:
    """An async engine plus its session factory."""

    def __init__(
        self,
        url: str,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT_SECONDS,
        pool_size: int = 10,
    ) -> None:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        if parsed.port is not None and not 0 < parsed.port < 65536:
            raise ValueError(f"port {parsed.port} is not between 1 and 65535")
        self.url = url
        is_sqlite = parsed.get_backend_name() == "sqlite"
        # A short pool timeout: a send waiting long for a connection would eat its lease.
        # A server's connection can drop while idle, so it is pinged when taken from the
        # pool; a SQLite file's cannot, and the ping would cost every command a round trip
        # to the driver's thread.
        # Connections beyond pool_size (up to twice it) are closed when returned: a server's
        # are shared by every replica, so they are given back. A SQLite file's cost nobody
        # else anything, while opening one (a thread, the pragmas) costs more than a command
        # does, and a burst of commands would open and close them all the time: every one it
        # opens is kept, up to the same maximum.
        steady = pool_size * 2 if is_sqlite else pool_size
        self.engine: AsyncEngine = create_async_engine(
            url,
            pool_pre_ping=not is_sqlite,
            pool_size=steady,
            max_overflow=pool_size * 2 - steady,
            pool_timeout=10,
            connect_args=_connect_args(parsed, connect_timeout),
        )
        if is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def sqlite_file(self) -> str | None:
        """The path of the SQLite file, or None for another database (or one in memory)."""
        parsed = make_url(self.url)
        if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
            return None
        return parsed.database

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def upgrade(self) -> None:
        """Apply every pending migration (idempotent; safe when several processes start)."""
        async with self.engine.begin() as connection:
            await connection.run_sync(self._upgrade)

    def _upgrade(self, connection: Connection) -> None:
        if stored_revisions(connection) == head_revisions():
            return  # current: nothing to lock, and Alembic is not imported
        if connection.dialect.name == "postgresql":
            # Processes starting together migrate one after the other (the lock ends with
            # the transaction); SQLite's file lock already does this.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        from alembic import command

        config = alembic_config(self.url)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction, committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncConnection]:
        """A connection for the reads every command makes (the caller's settings): plain
        statements, with no ORM session and no commit, which cost more than the reads."""
        async with self.engine.connect() as connection:
            yield connection

    async def ping(self) -> bool:
        """Whether the database answers a trivial query now (an HTTP health check's question)."""
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError):
            return False
        return True

    async def close(self) -> None:
        await self.engine.dispose()


def _probe_sqlite(path: str) -> None:
    # The stdlib driver, synchronously, finds a corrupt or unopenable file first: when
    # aiosqlite fails to connect it leaves a thread that reports to the event loop later,
    # and prints a traceback if the loop has closed by then (as it has when the CLI exits).
    connection = sqlite3.connect(path, timeout=10)
    try:
        _sqlite_pragmas(connection, None)
    finally:
        connection.close()


# What opening a database raises when the server, the file or the driver is not usable; a
# bug of ours elsewhere still propagates with its traceback.
_OPEN_ERRORS = (SQLAlchemyError, sqlite3.Error, OSError, ImportError, ValueError, OverflowError)


async def _connected(url: str, migrate: bool, connect_timeout: float, pool_size: int) -> Database:
    try:
        database = Database(url, connect_timeout, pool_size)
    except _OPEN_ERRORS as error:
        log.debug("opening the database failed", exc_info=True)
        raise DatabaseUnavailable(url, _reason(error, connect_timeout)) from None
    try:
        if (path := database.sqlite_file) is not None:
            await asyncio.to_thread(_probe_sqlite, path)
        if migrate:
            await database.upgrade()
        else:
            async with database.engine.connect():
                pass
    except _OPEN_ERRORS as error:
        log.debug("opening the database failed", exc_info=True)
        await database.close()
        raise DatabaseUnavailable(url, _reason(error, connect_timeout)) from None
    return database


@asynccontextmanager
async def open_database(
    url: str,
    migrate: bool = True,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT_SECONDS,
    pool_size: int = 10,
) -> AsyncIterator[Database]:
    """Open ``url``, bring its schema up to date, and close it on exit.

    Raises:
        DatabaseUnavailable: when the database cannot be reached, read or written.
    """
    database = await _connected(url, migrate, connect_timeout, pool_size)
    try:
        yield database
    finally:
        await database.close()


def run_upgrade(url: str, connect_timeout: float = DEFAULT_CONNECT_TIMEOUT_SECONDS) -> None:
    """``alliance-bot db upgrade``."""

    async def upgrade() -> None:
        async with open_database(url, connect_timeout=connect_timeout):
            pass

    asyncio.run(upgrade())
