"""A shard process serves only the guilds Discord routes to its shards."""

from __future__ import annotations

import discord

from bot.adapters.discord.port import DiscordPort, shard_of
from bot.config import DiscordSection
from tests.discord_fake import guild_id_on_shard


def port(**settings: object) -> DiscordPort:
    client = discord.Client(intents=discord.Intents.none())
    return DiscordPort(client, DiscordSection.model_validate(settings), "en")


def test_serves_only_guilds_on_its_shards() -> None:
    one, three = guild_id_on_shard(1, 4), guild_id_on_shard(3, 4, n=5)
    assert (shard_of(one, 4), shard_of(three, 4)) == (1, 3)
    mine = port(shard_count=4, shard_ids=[1, 2])
    assert mine.serves(str(one)) and not mine.serves(str(three))
    assert not mine.serves("") and not mine.serves("not-a-guild")  # DMs belong to shard 0
    assert port(shard_count=4, shard_ids=[0]).serves("")
    everything = port()  # one process: Discord's shard count, all of them here
    assert everything.serves(str(one)) and everything.serves(str(three))
