"""A loopback fake of Discord for the real discord.py client (not a test module itself)."""

from tests.discord_fake._payloads import (
    MANAGE_CHANNELS,
    MANAGE_GUILD,
    FakeChannel,
    FakeGuild,
    FakeUser,
    guild_id_on_shard,
)
from tests.discord_fake._server import FakeDiscord, InteractionRecord, RecordedRequest
from tests.discord_fake.fixture import fake_discord_server
from tests.flaky_fates import Fate, FlakyRule

__all__ = [
    "MANAGE_CHANNELS",
    "MANAGE_GUILD",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeUser",
    "Fate",
    "FlakyRule",
    "InteractionRecord",
    "RecordedRequest",
    "fake_discord_server",
    "guild_id_on_shard",
]
