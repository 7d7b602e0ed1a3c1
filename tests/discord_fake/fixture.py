"""Start a :class:`FakeDiscord` on a free loopback port for one test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tests.discord_fake._payloads import FakeChannel, FakeGuild
from tests.discord_fake._server import FakeDiscord


@asynccontextmanager
async def fake_discord_server(
    guilds: list[FakeGuild], shard_count: int = 1, dm_channels: list[FakeChannel] | None = None
) -> AsyncIterator[FakeDiscord]:
    """The fake, started (port 0: the OS picks a free one) and closed after use."""
    fake = FakeDiscord(guilds, shard_count=shard_count, dm_channels=dm_channels)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()
