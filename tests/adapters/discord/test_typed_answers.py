"""Typed quiz answers with the Message Content intent on, and the gateway intents either way."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.adapters.discord.answers import answer_of
from tests.adapters.discord.conftest import World, discord_settings, running_bot, small_guild
from tests.discord_fake import FakeUser, fake_discord_server

GUILD_MESSAGES = 1 << 9
MESSAGE_CONTENT = 1 << 15


@pytest.fixture
async def content_world(tmp_path: Path) -> AsyncIterator[World]:
    guild = small_guild()
    async with fake_discord_server([guild]) as fake:
        settings = discord_settings(fake, tmp_path, message_content=True)
        async with running_bot(fake, settings) as (adapter, core, runtime):
            member = FakeUser(fake.ids.next(), "alice")
            channel = guild.channels[0]
            yield World(fake, adapter, core, runtime, guild, channel, channel, member, member)


async def test_a_typed_answer_counts_and_is_acknowledged_with_a_reaction(
    content_world: World,
) -> None:
    world = content_world
    fake = world.fake
    assert fake.sessions[0].intents & (GUILD_MESSAGES | MESSAGE_CONTENT) == (
        GUILD_MESSAGES | MESSAGE_CONTENT
    )
    start = await fake.slash(
        world.channel, world.member, ["alliance", "quiz", "start"], {"questions": 1}
    )
    await answer_of(fake, start)
    await fake.wait_until(
        lambda: any(m["components"] for m in fake.channel_history(world.channel.id))
    )
    chatter = await fake.user_message(world.channel, world.member, "nice weather in Yalta")
    answer = await fake.user_message(world.channel, world.member, "B")
    reaction = rf"/channels/{world.channel.id}/messages/{answer['id']}/reactions/.+/@me"
    await fake.wait_until(lambda: fake.requests_to("PUT", reaction))
    assert fake.messages[int(answer["id"])]["reactions"][0]["emoji"]["name"] == "✅"
    assert "reactions" not in fake.messages[int(chatter["id"])]  # not an answer: ignored


async def test_without_message_content_the_bot_asks_for_no_messages(world: World) -> None:
    assert world.fake.sessions[0].intents & (GUILD_MESSAGES | MESSAGE_CONTENT) == 0
