"""The real bot (core, runtime, discord.py adapter) against the fake Discord on loopback."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.adapters.discord import DiscordAdapter
from bot.app import Core, running_core
from bot.config import Settings
from bot.core.clock import AsyncioClock
from bot.runtime import Runtime, running_runtime
from tests.conftest import FIXTURE_FACTS
from tests.discord_fake import (
    FakeChannel,
    FakeDiscord,
    FakeGuild,
    FakeUser,
    fake_discord_server,
    guild_id_on_shard,
)


@dataclass
class World:
    """One running bot process and the fake Discord it talks to."""

    fake: FakeDiscord
    adapter: DiscordAdapter
    core: Core
    runtime: Runtime
    guild: FakeGuild
    channel: FakeChannel
    dm: FakeChannel
    member: FakeUser
    admin: FakeUser


# The core's cooldowns off: a test's burst of commands is load, not spam.
NO_LIMITS = {"user_per_minute": 0, "channel_per_minute": 0, "quiz_starts_per_hour": 0}


def discord_settings(
    fake: FakeDiscord,
    tmp_path: Path,
    database_url: str | None = None,
    limits: dict[str, float] | None = None,
    **discord: Any,
) -> Settings:
    return Settings.model_validate(
        {
            "limits": limits or {},
            "bot": {"facts_dir": str(FIXTURE_FACTS), "data_dir": str(tmp_path)},
            "database": {"url": database_url or f"sqlite:///{tmp_path / 'bot.sqlite3'}"},
            "daily": {"poll_seconds": 0.2, "spread_seconds": 0},
            "quiz": {"seconds_per_question": 5},
            "discord": {
                "api_base_url": fake.api_base_url,
                "gateway_url": fake.gateway_url,
                **discord,
            },
        }
    )


@asynccontextmanager
async def running_bot(
    fake: FakeDiscord,
    settings: Settings,
    tweak: Callable[[DiscordAdapter], None] | None = None,
    core_hook: Callable[[Core], Core] | None = None,
) -> AsyncIterator[tuple[DiscordAdapter, Core, Runtime]]:
    """One bot process: core, runtime and the Discord adapter, connected and ready;
    ``tweak`` sees the adapter before anything starts."""
    adapter = DiscordAdapter(
        settings.discord, SecretStr(fake.token), settings.bot.language, guild_ready_timeout=0.1
    )
    if tweak is not None:
        tweak(adapter)
    clock = AsyncioClock()
    async with (
        running_core(settings, {"discord": adapter.port}, clock, random.Random(3)) as core,
        running_runtime(core, clock, poll="interval") as runtime,
    ):
        if core_hook is not None:
            core = core_hook(core)
        await adapter.start(core, runtime)
        try:
            await adapter.wait_until_ready()
            yield adapter, core, runtime
        finally:
            await adapter.close()


def small_guild(shard: int = 0, count: int = 1, n: int = 0, locale: str = "en-US") -> FakeGuild:
    guild_id = guild_id_on_shard(shard, count, n)
    return FakeGuild(
        guild_id, f"Club {n}", [FakeChannel(guild_id + 7, "general", guild_id)], locale
    )


@asynccontextmanager
async def making_world(
    tmp_path: Path, limits: dict[str, float] | None = None, **discord: Any
) -> AsyncIterator[World]:
    """A fake Discord with one guild (and a DM channel) and one bot process on it."""
    guild = small_guild()
    dm = FakeChannel(guild.id + 99, "dm", None, type=1)
    async with fake_discord_server([guild], dm_channels=[dm]) as fake:
        settings = discord_settings(fake, tmp_path, limits=limits, **discord)
        async with running_bot(fake, settings) as (adapter, core, runtime):
            yield World(
                fake,
                adapter,
                core,
                runtime,
                guild,
                guild.channels[0],
                dm,
                FakeUser(fake.ids.next(), "alice"),
                FakeUser(fake.ids.next(), "teacher"),
            )


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with making_world(tmp_path) as made:
        yield made


@pytest.fixture
async def postgres_database_url() -> str:
    """PostgreSQL only: what several bot processes share."""
    from tests.storage.conftest import fresh_postgres

    return await fresh_postgres()
