"""The fake Discord speaks well enough for the real discord.py client to log in and post."""

from __future__ import annotations

import asyncio

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from tests.discord_fake import FakeChannel, FakeGuild, fake_discord_server, guild_id_on_shard


async def test_a_plain_client_logs_in_gets_its_guild_and_posts() -> None:
    guild_id = guild_id_on_shard(0, 1)
    channel = FakeChannel(guild_id + 1, "general", guild_id)
    async with fake_discord_server([FakeGuild(guild_id, "Club", [channel])]) as fake:
        old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
        Route.BASE = fake.api_base_url
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
        client = discord.AutoShardedClient(intents=discord.Intents.default())
        ready = asyncio.Event()
        client.event(_setter(ready))
        try:
            await client.login(fake.token)
            task = asyncio.create_task(client.connect(reconnect=False))
            await asyncio.wait_for(ready.wait(), 10)
            guild = client.get_guild(guild_id)
            assert guild is not None and guild.name == "Club"
            text_channel = guild.get_channel(channel.id)
            assert isinstance(text_channel, discord.TextChannel)
            sent = await text_channel.send("hello", nonce="k1")
            assert fake.channel_history(channel.id)[0]["id"] == str(sent.id)
            fake.fail("POST", rf"/channels/{channel.id}/messages", 403)
            with pytest.raises(discord.Forbidden):
                await text_channel.send("again")
            await client.close()
            await asyncio.wait_for(task, 10)
        finally:
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway
    assert all(r.authorization == f"Bot {fake.token}" for r in fake.requests_to("GET", r"/.*"))


def _setter(event: asyncio.Event):  # type: ignore[no-untyped-def]
    async def on_ready() -> None:
        event.set()

    return on_ready
