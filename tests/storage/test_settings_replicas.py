"""The preferences cache with several processes on one PostgreSQL (db h in the helpers'
runs): two Database + SettingsRepository pairs play two replicas, A and B. What B caches is
evicted by the notification of A's write; without its listener B reads uncached."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.app import running_core
from bot.config import Settings
from bot.core.clock import SimulatedClock
from bot.core.settings import DIRECT_TENANT, StoredPreferences, TenantSettings, UserSettings
from bot.storage.database import Database, open_database
from bot.storage.settings import SettingsRepository
from bot.storage.settings_listener import SettingsListener
from tests.conftest import FIXTURE_FACTS
from tests.fakes import FakeChatPort
from tests.storage.test_settings_cache import counted_statements

NOW = datetime(2026, 6, 22, 10, 0, tzinfo=UTC)
WAIT_SECONDS = 30.0  # generous: the machine may be busy; the wait ends as soon as it holds


async def eventually(condition: Callable[[], bool], what: str) -> None:
    """Poll for what another connection delivers (a notification, a connect)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_SECONDS
    while not condition():
        if loop.time() > deadline:
            pytest.fail(f"still waiting after {WAIT_SECONDS:g} s for {what}")
        await asyncio.sleep(0.01)


@dataclass
class Replica:
    database: Database
    settings: SettingsRepository

    @property
    def listener(self) -> SettingsListener:
        listener = self.settings.listener
        assert listener is not None  # PostgreSQL: every replica listens
        return listener

    async def zone(self, tenant: str, user: str) -> str | None:
        """The zone B would resolve for ``user`` in ``tenant`` (own, else DM, else server)."""
        read = await self.settings.preferences("discord", tenant, user)
        return read.user.timezone or read.direct.timezone or read.tenant.timezone

    async def cached_zone(self, tenant: str, user: str) -> str | None:
        """The zone, asserting it came from the cache (no statement ran)."""
        with counted_statements(self.database) as statements:
            zone = await self.zone(tenant, user)
        assert statements == [], "expected a cache hit"
        return zone

    async def uncached_zone(self, tenant: str, user: str) -> str | None:
        """The zone, asserting one read of the database for it (besides a load of the set
        of users with rows, which the first read after a start or a reconnect makes)."""
        with counted_statements(self.database) as statements:
            zone = await self.zone(tenant, user)
        reads = [statement for statement in statements if not is_users_load(statement)]
        assert len(reads) == 1, f"expected a read of the database, ran {statements}"
        return zone

    def users_with_rows(self) -> set[str] | None:
        return self.settings.cache.users_with_rows("discord")


def is_users_load(statement: str) -> bool:
    return "DISTINCT user_settings.user_id" in statement


def is_per_user_read(statement: str) -> bool:
    return "UNION ALL" in statement


@pytest.fixture
async def replicas(postgres_database_url: str) -> AsyncIterator[tuple[Replica, Replica]]:
    async with (
        open_database(postgres_database_url) as a_database,
        open_database(postgres_database_url) as b_database,
    ):
        a = Replica(a_database, SettingsRepository(a_database))
        b = Replica(b_database, SettingsRepository(b_database))
        a.settings.start()
        b.settings.start()
        try:
            await eventually(lambda: a.listener.connects == b.listener.connects == 1, "listening")
            yield a, b
        finally:
            await a.settings.close()
            await b.settings.close()


async def save_user(replica: Replica, tenant: str, user: str, zone: str | None) -> None:
    await replica.settings.save_user_settings(
        UserSettings("discord", tenant, user, None, zone), NOW
    )


async def save_tenant(replica: Replica, tenant: str, zone: str | None) -> None:
    await replica.settings.save_tenant_settings(
        TenantSettings("discord", tenant, None, zone), "admin", NOW
    )


Write = Callable[[Replica], Awaitable[None]]
Check = Callable[[StoredPreferences], bool]
CHANGES: dict[str, tuple[Write, Check]] = {
    "user setting": (
        lambda a: save_user(a, "g1", "u1", "Asia/Tokyo"),
        lambda read: read.user.timezone == "Asia/Tokyo",
    ),
    "tenant setting": (
        lambda a: save_tenant(a, "g1", "Europe/Paris"),
        lambda read: read.tenant.timezone == "Europe/Paris",
    ),
    # The DM row is u1's default in every server, g1 included.
    "dm row fallback": (
        lambda a: save_user(a, DIRECT_TENANT, "u1", "America/Lima"),
        lambda read: read.direct.timezone == "America/Lima",
    ),
    # Every setting cleared: the user's row is deleted.
    "user row deleted": (lambda a: save_user(a, "g1", "u1", None), lambda read: read.user.is_empty),
}


@pytest.mark.parametrize("change", list(CHANGES))
async def test_a_change_through_one_replica_is_seen_by_the_others_next_read(
    replicas: tuple[Replica, Replica], change: str
) -> None:
    a, b = replicas
    await save_tenant(a, "g1", "UTC")
    await save_user(a, "g1", "u1", "Africa/Cairo")
    await eventually(lambda: b.listener.notifications >= 2, "B hearing the set-up writes")
    assert await b.uncached_zone("g1", "u1") == "Africa/Cairo"
    assert await b.cached_zone("g1", "u1") == "Africa/Cairo"  # B serves it from memory now
    assert await b.uncached_zone("g2", "u1") is None  # another server, cached too
    heard = b.listener.notifications

    write, check = CHANGES[change]
    await write(a)
    await eventually(lambda: b.listener.notifications > heard, "B hearing A's write")
    read = await b.settings.preferences("discord", "g1", "u1")
    assert check(read), read
    # Exactly what the database holds: a repository never started reads it every time.
    truth = SettingsRepository(b.database)
    assert read == await truth.preferences("discord", "g1", "u1")
    if change == "dm row fallback":
        assert await b.uncached_zone("g2", "u1") == "America/Lima"  # evicted in every server
    else:
        assert await b.cached_zone("g2", "u1") is None  # what the change cannot touch stays


async def test_a_replica_without_its_listener_reads_uncached_and_recovers(
    replicas: tuple[Replica, Replica],
) -> None:
    a, b = replicas
    b.listener.retry_seconds = (3600.0,)  # no reconnect until the test asks for one
    assert await b.uncached_zone("g1", "u1") is None
    assert await b.cached_zone("g1", "u1") is None
    pid = b.listener.server_pid
    async with a.database.engine.connect() as connection:
        assert (
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        ).scalar()
    await eventually(lambda: b.listener.server_pid is None, "B noticing its listener is gone")

    # B may have missed any notification from here on: it reads the database every time.
    await save_user(a, "g1", "u1", "Asia/Tokyo")
    assert await b.uncached_zone("g1", "u1") == "Asia/Tokyo"  # at once, no waiting
    await save_user(a, "g1", "u1", "Europe/Oslo")
    assert await b.uncached_zone("g1", "u1") == "Europe/Oslo"
    assert b.listener.connects == 1 and len(b.settings.cache) == 0

    b.listener.reconnect_now()
    await eventually(lambda: b.listener.connects == 2, "B listening again")
    assert await b.uncached_zone("g1", "u1") == "Europe/Oslo"
    assert await b.cached_zone("g1", "u1") == "Europe/Oslo"  # the cache serves again
    heard = b.listener.notifications
    await save_user(a, "g1", "u1", "Asia/Seoul")
    await eventually(lambda: b.listener.notifications > heard, "B hearing A's write")
    assert await b.zone("g1", "u1") == "Asia/Seoul"


@pytest.mark.parametrize("tenant", ["g1", DIRECT_TENANT], ids=["server row", "dm row"])
async def test_a_user_without_a_row_served_from_the_set_sees_a_row_saved_elsewhere(
    replicas: tuple[Replica, Replica], tenant: str
) -> None:
    a, b = replicas
    assert await b.uncached_zone("g1", "x") is None  # loads the set, reads the server's row
    assert b.users_with_rows() == set()
    assert await b.cached_zone("g1", "x") is None  # x has no row: no statement
    assert await b.cached_zone("g1", "y") is None  # nor has any other new caller
    heard = b.listener.notifications

    await save_user(a, tenant, "x", "Asia/Tokyo")
    await eventually(lambda: b.listener.notifications > heard, "B hearing A's write")
    assert b.users_with_rows() == {"x"}
    with counted_statements(b.database) as statements:
        assert await b.zone("g1", "x") == "Asia/Tokyo"
    assert len(statements) == 1 and is_per_user_read(statements[0])
    assert await b.cached_zone("g1", "y") is None  # the others still take the fast path


async def test_without_its_listener_a_replica_takes_no_fast_path_and_reloads_the_set(
    replicas: tuple[Replica, Replica],
) -> None:
    a, b = replicas
    b.listener.retry_seconds = (3600.0,)  # no reconnect until the test asks for one
    assert await b.uncached_zone("g1", "x") is None
    assert await b.cached_zone("g1", "x") is None  # the fast path
    pid = b.listener.server_pid
    async with a.database.engine.connect() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    await eventually(lambda: b.listener.server_pid is None, "B noticing its listener is gone")

    # A's notifications may be missed now: no set, every read its own statement.
    assert b.users_with_rows() is None
    for _ in range(2):
        with counted_statements(b.database) as statements:
            assert await b.zone("g1", "x") is None
        assert len(statements) == 1 and is_per_user_read(statements[0])
    await save_user(a, DIRECT_TENANT, "x", "Asia/Tokyo")  # B cannot hear it
    assert await b.uncached_zone("g1", "x") == "Asia/Tokyo"  # at once, from the database

    b.listener.reconnect_now()
    await eventually(lambda: b.listener.connects == 2, "B listening again")
    with counted_statements(b.database) as statements:
        assert await b.zone("g1", "x") == "Asia/Tokyo"
    assert [is_users_load(statement) for statement in statements] == [True, False]
    assert b.users_with_rows() == {"x"}  # reloaded, with the row written while deaf
    assert await b.uncached_zone("g1", "y") is None  # the server's row, read again
    assert await b.cached_zone("g1", "y") is None


async def test_a_row_written_elsewhere_while_the_set_loads_is_not_lost(
    replicas: tuple[Replica, Replica], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = replicas
    loaded, go_on = asyncio.Event(), asyncio.Event()
    reading = b.database.reading

    @asynccontextmanager
    async def held_load() -> AsyncIterator[AsyncConnection]:
        async with reading() as connection:
            yield connection
        loaded.set()  # B has read the users with rows (x not among them), not kept them
        await go_on.wait()

    monkeypatch.setattr(b.database, "reading", held_load)
    first = asyncio.create_task(b.zone("g1", "z"))
    await loaded.wait()
    monkeypatch.undo()
    heard = b.listener.notifications
    await save_user(a, "g1", "x", "Asia/Tokyo")
    await eventually(lambda: b.listener.notifications > heard, "B hearing A's write")
    go_on.set()
    assert await first is None
    assert await b.zone("g1", "x") == "Asia/Tokyo"
    assert b.users_with_rows() == {"x"}


async def test_the_listener_is_outside_the_pool_and_goes_with_close(
    replicas: tuple[Replica, Replica],
) -> None:
    a, b = replicas
    pid = b.listener.server_pid
    assert pid is not None
    assert b.database.engine.pool.checkedout() == 0  # not held against the pool's size

    async def backends() -> set[int]:
        async with a.database.engine.connect() as connection:
            rows = await connection.execute(text("SELECT pid FROM pg_stat_activity"))
            return {row.pid for row in rows}

    assert pid in await backends()
    await b.settings.close()
    assert not b.settings.cache.usable  # closed: nothing served from memory any more
    for _ in range(int(WAIT_SECONDS / 0.05)):
        if pid not in await backends():
            break
        await asyncio.sleep(0.05)
    assert pid not in await backends()


async def test_running_core_stops_the_listener_task(
    postgres_database_url: str, tmp_path: Path
) -> None:
    settings = Settings.model_validate(
        {
            "bot": {"facts_dir": str(FIXTURE_FACTS), "data_dir": str(tmp_path)},
            "database": {"url": postgres_database_url},
        }
    )
    port = FakeChatPort()
    async with running_core(settings, {port.platform: port}, SimulatedClock(NOW)) as core:
        store = core.preferences
        assert isinstance(store, SettingsRepository) and store.listener is not None
        listener = store.listener
        await eventually(lambda: listener.connects == 1, "the core's listener")
        tasks = {task.get_name() for task in asyncio.all_tasks()}
        assert "settings-listener" in tasks
    assert "settings-listener" not in {task.get_name() for task in asyncio.all_tasks()}
    assert listener.server_pid is None


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens there once the probe closes


# The password after the user name, and as ?password= (libpq's and asyncpg's URLs may carry
# it there: SQLAlchemy passes it to the driver, and hide_password masks only the first).
@pytest.mark.parametrize(
    ("credentials", "query", "masked"),
    [
        ("alliance:s3cret-Pw", "", "alliance:***@127.0.0.1"),
        ("alliance", "?password=s3cret-Pw", "password=***"),
    ],
)
async def test_a_listener_that_cannot_connect_logs_no_password(
    caplog: pytest.LogCaptureFixture, credentials: str, query: str, masked: str
) -> None:
    url = f"postgresql+asyncpg://{credentials}@127.0.0.1:{closed_port()}/alliance{query}"
    database = Database(url, connect_timeout=2)
    store = SettingsRepository(database)
    caplog.set_level(logging.DEBUG, logger="bot.storage")
    store.start()
    try:
        await eventually(
            lambda: any("settings listener" in record.getMessage() for record in caplog.records),
            "the listener's failure to be logged",
        )
        assert not store.cache.usable  # never connected: every read goes to the database
    finally:
        await store.close()
        await database.close()
    assert "s3cret-Pw" not in caplog.text
    assert masked in caplog.text
