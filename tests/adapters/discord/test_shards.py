"""Two shard processes on one PostgreSQL database: each connects its own shard, gets its own
guilds, answers their interactions and posts their daily posts, each channel once."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.adapters.discord import DiscordAdapter
from bot.core.context import ChannelKey
from bot.core.ports import MessageHandle, PostTarget
from bot.core.replies import Reply
from tests.adapters.discord.answers import answer_of
from tests.adapters.discord.conftest import discord_settings, running_bot, small_guild
from tests.adapters.discord.test_daily_posts import due_now
from tests.discord_fake import FakeUser, fake_discord_server


async def test_two_shard_processes_split_the_guilds(
    tmp_path: Path, postgres_database_url: str
) -> None:
    guilds = [small_guild(shard, 2, n) for n in range(2) for shard in range(2)]
    posted: list[tuple[int, str]] = []

    def recording(shard: int):  # type: ignore[no-untyped-def]
        def tweak(adapter: DiscordAdapter) -> None:
            port = adapter.port
            original = port.post

            async def post(target: PostTarget, reply: Reply, key: str) -> MessageHandle:
                posted.append((shard, target.channel_id))
                return await original(target, reply, key)

            port.post = post  # type: ignore[method-assign]

        return tweak

    url = postgres_database_url.replace("+asyncpg", "")
    async with fake_discord_server(guilds, shard_count=2) as fake, AsyncExitStack() as bots:
        cores = []
        for shard in (0, 1):
            settings = discord_settings(
                fake, tmp_path / str(shard), url, shard_count=2, shard_ids=[shard]
            )
            _, core, _ = await bots.enter_async_context(
                running_bot(fake, settings, recording(shard))
            )
            cores.append(core)
        assert sorted(session.shard for session in fake.sessions) == [(0, 2), (1, 2)]

        # A slash command in a guild of shard 1 reaches shard 1's process, which answers it.
        user = FakeUser(fake.ids.next(), "alice")
        shard_one = next(g for g in guilds if fake.shard_of(g.id) == 1)
        record = await fake.slash(shard_one.channels[0], user, ["alliance", "today"])
        assert (await answer_of(fake, record)).embed["title"].startswith("On this day")

        now = datetime.now(UTC)
        for guild in guilds:
            key = ChannelKey("discord", str(guild.id), str(guild.channels[0].id))
            await cores[0].subscriptions.upsert(due_now(key), "admin", now - timedelta(hours=1))

        def all_posted() -> bool:
            return all(fake.channel_history(g.channels[0].id) for g in guilds)

        await fake.wait_until(all_posted, within=20)
        await asyncio.sleep(1.0)  # more polls by both processes: still one post per channel
    for guild in guilds:
        channel = str(guild.channels[0].id)
        assert [shard for shard, where in posted if where == channel] == [fake.shard_of(guild.id)]
