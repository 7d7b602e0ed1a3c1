"""Odd and hostile input through the real discord.py client on the fake Discord: whatever
arrives, the bot answers within Discord's rules (choices, custom ids, embed sizes) and never
leaves an interaction unanswered."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.context import ChannelKey
from tests.adapters.discord.answers import answer_of
from tests.adapters.discord.conftest import World
from tests.discord_fake import MANAGE_GUILD

ODD_INPUTS = ["", " ", "x" * 10_000, "\x00\x01\x1b[31m\n\t\u202e", "日本" * 3000, "@everyone"]


def _check_choices(callback: dict[str, Any]) -> None:
    assert callback["type"] == 8, callback
    choices = callback["data"]["choices"]
    assert len(choices) <= 25
    for choice in choices:
        assert 1 <= len(choice["name"]) <= 100, choice
        assert 1 <= len(str(choice["value"])) <= 100, choice


@pytest.mark.parametrize("partial", ODD_INPUTS)
@pytest.mark.parametrize(
    ("path", "option"),
    [
        (["alliance", "fact"], "topic"),
        (["alliance-admin", "subscribe"], "timezone"),
        (["alliance", "quiz", "start"], "topic"),
    ],
)
async def test_autocomplete_of_odd_text_answers_valid_choices(
    world: World, partial: str, path: list[str], option: str
) -> None:
    record = await world.fake.slash(
        world.channel, world.member, path, {option: partial}, focused=option
    )
    await world.fake.wait_until(lambda: record.callbacks)
    _check_choices(record.callbacks[0])


@pytest.mark.parametrize("text", ODD_INPUTS[1:])
@pytest.mark.parametrize(
    ("path", "option"),
    [
        (["alliance", "fact"], "topic"),
        (["alliance", "search"], "query"),
        (["alliance", "on"], "date"),
    ],
)
async def test_odd_text_in_a_command_gets_an_answer(
    world: World, text: str, path: list[str], option: str
) -> None:
    record = await world.fake.slash(world.channel, world.member, path, {option: text})
    answer = await answer_of(world.fake, record)
    for button in answer.custom_ids:
        assert len(button) <= 100


@pytest.mark.parametrize(
    ("path", "options"),
    [
        (["alliance", "leaderboard"], {"page": 0}),
        (["alliance", "leaderboard"], {"page": -5}),
        (["alliance", "leaderboard"], {"page": 10**15}),
        (["alliance", "quiz", "start"], {"questions": 10_000}),
        (["alliance", "quiz", "start"], {"questions": 0}),
        (["alliance", "quiz", "start"], {"difficulty": "impossible"}),
    ],
)
async def test_options_out_of_range_get_an_answer(
    world: World, path: list[str], options: dict[str, Any]
) -> None:
    # Discord's client keeps values in range; a forged or buggy request must still be answered.
    record = await world.fake.slash(world.channel, world.member, path, options)
    answer = await answer_of(world.fake, record)
    assert answer.ephemeral


@pytest.mark.parametrize(
    "custom_id",
    [
        "a1:",
        "a1:quiz answer",
        "a1:quiz answer 999999 0 0",
        "a1:quiz answer 1 0",
        "a1:quiz answer x y z",
        "a1:fact nonexistent-fact-id",
        "a1:subscribe 09:00",
        "a1:leaderboard 99999999999999999999",
        "a1:\x00\n",
        "nothing-of-ours",
    ],
)
async def test_a_forged_or_truncated_custom_id_gets_an_ephemeral_answer(
    world: World, custom_id: str
) -> None:
    record = await world.fake.slash(world.channel, world.member, ["alliance", "today"])
    await answer_of(world.fake, record)
    message_id = record.original_id
    assert message_id is not None
    shown = dict(world.fake.messages[message_id])
    shown["components"] = [
        {"type": 1, "components": [{"type": 2, "style": 2, "label": "x", "custom_id": custom_id}]}
    ]
    press = await world.fake.press(message_id, custom_id, world.member, seen=shown)
    answer = await answer_of(world.fake, press)
    assert answer.ephemeral, answer.body
    assert len(press.callbacks) == 1


async def test_a_quiz_start_in_a_dm_is_refused_privately(world: World) -> None:
    record = await world.fake.slash(world.dm, world.member, ["alliance", "quiz", "start"])
    answer = await answer_of(world.fake, record)
    assert answer.ephemeral
    assert not [m for m in world.fake.channel_history(world.dm.id) if m["components"]]


async def test_a_quiz_start_from_a_user_install_in_a_server_without_the_bot_is_refused(
    world: World,
) -> None:
    # A user-installed /alliance works in any server, but only the interaction's answer
    # reaches the channel: with no guild install ("0" missing from the owners) the bot is not
    # in the server and cannot post a quiz's questions there.
    fake = world.fake
    record = await fake.slash(
        world.channel, world.member, ["alliance", "quiz", "start"], guild_install=False
    )
    answer = await answer_of(fake, record)
    assert answer.ephemeral
    assert "question 1 is in the channel" not in answer.text
    assert "add the bot to this server" in answer.text
    assert "/alliance quiz start" in answer.text
    # No game began there: the same start through the server's install is not "a quiz is
    # already running" but the first question.
    started = await answer_of(
        fake, await fake.slash(world.channel, world.member, ["alliance", "quiz", "start"])
    )
    assert "question 1 is in the channel" in started.text


@pytest.mark.parametrize(
    ("locale", "expected"), [("en-US", "add the bot to this server"), ("ja", "追加")]
)
async def test_a_subscribe_from_a_user_install_in_a_server_without_the_bot_is_refused(
    world: World, locale: str, expected: str
) -> None:
    fake = world.fake
    record = await fake.slash(
        world.channel,
        world.admin,
        ["alliance-admin", "subscribe"],
        {"time": "08:30"},
        permissions=MANAGE_GUILD,
        locale=locale,
        guild_install=False,
    )
    answer = await answer_of(fake, record)
    assert answer.ephemeral and expected in answer.text
    # Nothing stored: no daily post will knock on a channel the bot is not in.
    key = ChannelKey("discord", str(world.guild.id), str(world.channel.id))
    assert await world.core.subscriptions.get(key) is None


async def test_a_fact_from_a_user_install_in_a_server_without_the_bot_is_answered(
    world: World,
) -> None:
    # What answers only the interaction still works there: that is what a user install is for.
    record = await world.fake.slash(
        world.channel, world.member, ["alliance", "fact"], guild_install=False
    )
    answer = await answer_of(world.fake, record)
    assert not answer.ephemeral and answer.embed.get("title")
