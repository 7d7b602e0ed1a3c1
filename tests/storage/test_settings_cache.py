"""The preferences cache: its race rule and bound on their own, then on a real SQLite file
through the commands (one process owns the file, so its own writes are all there are)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.app import Core, running_core
from bot.config import Settings
from bot.core.clock import SimulatedClock
from bot.core.context import Channel, CommandContext, User
from bot.core.replies import Reply
from bot.core.settings import DIRECT_TENANT, StoredPreferences, TenantSettings, UserSettings
from bot.storage.database import Database, open_database
from bot.storage.settings import SettingsRepository
from bot.storage.settings_cache import Change, PreferencesCache
from tests.conftest import FIXTURE_FACTS
from tests.fakes import FakeChatPort

NOW = datetime(2026, 6, 22, 10, 0, tzinfo=UTC)
CHANNEL = Channel("test", "g1", "c1", "history")
DM = Channel("test", "", "d1", "@alice", kind="dm")


def preferences(tenant: str, user: str, zone: str | None = None) -> StoredPreferences:
    return StoredPreferences(
        TenantSettings("test", tenant),
        UserSettings("test", tenant, user, None, zone),
        UserSettings("test", DIRECT_TENANT, user),
    )


# -- the cache alone -----------------------------------------------------------------------


def test_a_read_that_raced_an_eviction_does_not_store_its_stale_result() -> None:
    cache = PreferencesCache()
    key = ("test", "g1", "u1")
    started = cache.generation  # the read begins, before the write commits
    cache.evict(Change("test", "g1", "u1"))  # the write's eviction lands mid-read
    cache.store(key, preferences("g1", "u1", "Europe/Paris"), started)  # the old value
    assert cache.get(key) is None and len(cache) == 0

    # A read that began after the eviction stores what it read.
    cache.store(key, preferences("g1", "u1", "Asia/Tokyo"), cache.generation)
    found = cache.get(key)
    assert found is not None and found.user.timezone == "Asia/Tokyo"


def test_an_eviction_of_anything_blocks_every_read_in_flight() -> None:
    # The counter is global, not per key: an unrelated write costs a racing read its store,
    # never its correctness.
    cache = PreferencesCache()
    started = cache.generation
    cache.evict(Change("test", "g2", None))
    cache.store(("test", "g1", "u1"), preferences("g1", "u1"), started)
    assert len(cache) == 0


def test_changes_evict_what_they_can_change_and_nothing_else() -> None:
    cache = PreferencesCache()
    keys = [("test", "g1", "u1"), ("test", "g1", "u2"), ("test", "g2", "u1"), ("other", "g1", "u1")]
    for key in keys:
        cache.store(key, preferences(key[1], key[2]), cache.generation)
    cache.evict(Change("test", "g1", "u1"))  # one user in one tenant
    assert [key for key in keys if cache.get(key) is None] == [("test", "g1", "u1")]
    for key in keys:
        cache.store(key, preferences(key[1], key[2]), cache.generation)
    cache.evict(Change("test", DIRECT_TENANT, "u1"))  # the DM row: u1 in every tenant
    assert [key for key in keys if cache.get(key) is None] == [
        ("test", "g1", "u1"),
        ("test", "g2", "u1"),
    ]
    for key in keys:
        cache.store(key, preferences(key[1], key[2]), cache.generation)
    cache.evict(Change("test", "g1", None))  # the tenant's settings: all its callers
    assert [key for key in keys if cache.get(key) is None] == [
        ("test", "g1", "u1"),
        ("test", "g1", "u2"),
    ]


def test_a_suspended_cache_serves_and_keeps_nothing_and_resumes_empty() -> None:
    cache = PreferencesCache()
    key = ("test", "g1", "u1")
    cache.store(key, preferences("g1", "u1"), cache.generation)
    cache.suspend()
    assert cache.get(key) is None
    cache.store(key, preferences("g1", "u1"), cache.generation)
    cache.resume()
    assert len(cache) == 0 and cache.get(key) is None


# -- the repository on a real SQLite file -------------------------------------------------


@contextmanager
def counted_statements(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    engine = database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
async def sqlite_database(tmp_path: Path) -> AsyncIterator[Database]:
    async with open_database(f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}") as opened:
        yield opened


async def test_the_lru_bound_holds_and_drops_the_least_recently_read(
    sqlite_database: Database,
) -> None:
    store = SettingsRepository(sqlite_database, cache_entries=3)
    for user in ["u1", "u2", "u3"]:
        await store.preferences("test", "g1", user)
    await store.preferences("test", "g1", "u1")  # u1 read again: u2 is now the oldest
    await store.preferences("test", "g1", "u4")
    assert len(store.cache) == 3
    with counted_statements(sqlite_database) as statements:
        for user in ["u1", "u3", "u4"]:
            await store.preferences("test", "g1", user)
        assert statements == []  # the three kept are served without a statement
        await store.preferences("test", "g1", "u2")
        assert len(statements) == 1  # the dropped one is read again
    assert len(store.cache) == 3


async def test_a_read_overtaken_by_a_write_is_not_cached(
    sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SettingsRepository(sqlite_database)
    await store.save_user_settings(UserSettings("test", "g1", "u1", None, "Europe/Paris"), NOW)
    read_done, go_on = asyncio.Event(), asyncio.Event()
    reading = sqlite_database.reading

    @asynccontextmanager
    async def held_read() -> AsyncIterator[AsyncConnection]:
        async with reading() as connection:
            yield connection
        read_done.set()  # the rows are read; the result is not stored yet
        await go_on.wait()

    monkeypatch.setattr(sqlite_database, "reading", held_read)
    racing = asyncio.create_task(store.preferences("test", "g1", "u1"))
    await read_done.wait()
    await store.save_user_settings(UserSettings("test", "g1", "u1", None, "Asia/Tokyo"), NOW)
    go_on.set()
    assert (await racing).user.timezone == "Europe/Paris"  # what it read, before the write
    monkeypatch.undo()
    assert len(store.cache) == 0
    assert (await store.preferences("test", "g1", "u1")).user.timezone == "Asia/Tokyo"


# -- through the commands ------------------------------------------------------------------


class StandStill:
    def __call__(self) -> float:
        return 0.0


class Bot:
    def __init__(self, core: Core, clock: SimulatedClock) -> None:
        self.core = core
        self.clock = clock

    async def say(
        self, where: Channel, text: str, name: str = "alice", admin: bool = False
    ) -> Reply:
        context = CommandContext(User(f"id-{name}", name, admin), where, "en", self.clock.now())
        reply = await self.core.router.handle(context, text)
        assert not reply.is_error, reply.body
        return reply

    async def zone_of(self, name: str, where: Channel = CHANNEL) -> str:
        """The zone the next command of ``name`` resolves, as ``settings`` shows it."""
        reply = await self.say(where, "settings", name)
        return reply.fields[1].value


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    settings = Settings.model_validate(
        {
            "bot": {"facts_dir": str(FIXTURE_FACTS), "data_dir": str(tmp_path)},
            "database": {"url": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"},
            # Many commands at one instant of a clock that stands still: no cooldown.
            "limits": {"user_per_minute": 0, "channel_per_minute": 0},
        }
    )
    port = FakeChatPort()
    clock = SimulatedClock(NOW, StandStill())
    async with running_core(settings, {port.platform: port}, clock) as core:
        yield Bot(core, clock)


async def test_a_cached_command_runs_no_sql_statement(bot: Bot) -> None:
    await bot.say(CHANNEL, "fact")  # reads the caller's settings, and caches them
    with counted_statements(bot.core.database) as statements:
        await bot.say(CHANNEL, "fact")
        assert statements == []
        await bot.say(CHANNEL, "fact", name="bob")  # another caller: not cached yet
        assert len(statements) == 1


async def test_a_change_through_the_commands_is_seen_by_the_next_command(bot: Bot) -> None:
    assert await bot.zone_of("alice") == "auto (now UTC)"  # cached from here on
    await bot.say(CHANNEL, "settings timezone Asia/Tokyo")
    assert await bot.zone_of("alice") == "Asia/Tokyo (your setting)"

    # The server's zone: every caller of the server, cached or not.
    assert await bot.zone_of("bob") == "auto (now UTC)"
    await bot.say(CHANNEL, "server-settings timezone Europe/Paris", name="admin", admin=True)
    assert await bot.zone_of("bob") == "auto (now Europe/Paris)"
    assert await bot.zone_of("alice") == "Asia/Tokyo (your setting)"

    # A zone made in a DM is bob's default in every server.
    await bot.say(DM, "settings timezone America/New_York", name="bob")
    assert await bot.zone_of("bob") == "auto (now America/New_York)"

    # Clearing every setting deletes alice's row: she falls back to the server's zone.
    await bot.say(CHANNEL, "settings timezone auto")
    assert await bot.zone_of("alice") == "auto (now Europe/Paris)"


async def test_forget_me_leaves_the_next_command_reading_what_is_stored(bot: Bot) -> None:
    # forget-me deletes a user's quiz data; their settings are not quiz data and stay. What
    # matters for the cache: the next command resolves exactly what the database holds.
    await bot.say(CHANNEL, "settings timezone Asia/Tokyo")
    assert await bot.zone_of("alice") == "Asia/Tokyo (your setting)"
    done = await bot.say(CHANNEL, "forget-me confirm")
    assert "deleted" in done.body
    stored = bot.core.preferences.user_settings  # uncached: what the file holds
    assert (await stored("test", "g1", "id-alice")).timezone == "Asia/Tokyo"
    assert await bot.zone_of("alice") == "Asia/Tokyo (your setting)"
    await bot.say(CHANNEL, "settings timezone auto")
    assert (await stored("test", "g1", "id-alice")).is_empty
    assert await bot.zone_of("alice") == "auto (now UTC)"
