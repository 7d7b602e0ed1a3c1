"""The tree generated from typed parameters: registered options, Japanese localisations,
choices and bounds, autocomplete through the core, and deferral for slow commands."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.adapters.discord.setup import sync_commands
from bot.app import Core
from tests.adapters.discord.answers import answer_of
from tests.adapters.discord.conftest import World, discord_settings, running_bot, small_guild
from tests.adapters.discord.typed_router import TypedRouter
from tests.discord_fake import FakeUser, fake_discord_server


def typed(core: Core) -> Core:
    return dataclasses.replace(core, router=TypedRouter(core.router, core.store))  # type: ignore[arg-type]


@pytest.fixture
async def typed_world(tmp_path: Path) -> AsyncIterator[World]:
    guild = small_guild()
    async with fake_discord_server([guild]) as fake:
        settings = discord_settings(fake, tmp_path)
        async with running_bot(fake, settings, core_hook=typed) as (adapter, core, runtime):
            member = FakeUser(fake.ids.next(), "alice")
            yield World(
                fake,
                adapter,
                core,
                runtime,
                guild,
                guild.channels[0],
                guild.channels[0],
                member,
                member,
            )


def options_by_name(command: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {option["name"]: option for option in command.get("options", [])}


async def test_sync_registers_the_typed_options_and_says_what_changed(tmp_path: Path) -> None:
    guild = small_guild()
    async with fake_discord_server([guild]) as fake:
        settings = discord_settings(fake, tmp_path)
        async with running_bot(fake, settings, core_hook=typed) as (_, core, _):
            token = SecretStr(fake.token)
            first = await sync_commands(settings.discord, token, core, None)
            again = await sync_commands(settings.discord, token, core, None)
            in_guild = await sync_commands(settings.discord, token, core, guild.id)
    assert "added    /alliance" in first and "added    /alliance quiz start" in first
    assert [line for line in again if not line.startswith("synced")] == ["8 unchanged"]
    assert any(line.startswith("added") for line in in_guild)
    (group,) = fake.global_commands
    assert group["name"] == "alliance"
    assert group["integration_types"] == [0, 1] and sorted(group["contexts"]) == [0, 1, 2]
    subcommands = options_by_name(group)
    assert list(subcommands) == ["fact", "on", "search", "help", "quiz"]
    fact = subcommands["fact"]
    assert fact["description_localizations"]["ja"].startswith("ランダムな出来事")
    topic = options_by_name(fact)["topic"]
    assert topic["type"] == 3 and topic["autocomplete"] is True and not topic.get("required")
    assert options_by_name(subcommands["on"])["date"]["required"] is True
    start = options_by_name(subcommands["quiz"])["start"]
    questions = options_by_name(start)["questions"]
    assert questions["type"] == 4 and (questions["min_value"], questions["max_value"]) == (1, 20)
    difficulty = options_by_name(start)["difficulty"]
    assert difficulty["choices"][1]["value"] == "hard"
    assert difficulty["choices"][1]["name_localizations"]["ja"] == "むずかしい"
    assert fake.guild_commands[guild.id][0]["name"] == "alliance"


async def test_typed_options_become_the_cores_command_line(typed_world: World) -> None:
    world = typed_world
    record = await world.fake.slash(
        world.channel, world.member, ["alliance", "fact"], {"topic": "yalta-conference"}
    )
    answer = await answer_of(world.fake, record)
    assert answer.how == "message" and answer.embed["title"] == "The Yalta Conference"


async def test_autocomplete_answers_in_the_callers_language(typed_world: World) -> None:
    world = typed_world
    record = await world.fake.slash(
        world.channel, world.member, ["alliance", "fact"], {"topic": "yal"}, focused="topic"
    )
    await world.fake.wait_until(lambda: record.callbacks)
    callback = record.callbacks[0]
    assert callback["type"] == 8
    assert callback["data"]["choices"] == [
        {"name": "The Yalta Conference", "value": "yalta-conference"}
    ]
    record = await world.fake.slash(
        world.channel,
        world.member,
        ["alliance", "fact"],
        {"topic": "yalta"},
        locale="ja",
        focused="topic",
    )
    await world.fake.wait_until(lambda: record.callbacks)
    (choice,) = record.callbacks[0]["data"]["choices"]
    assert choice["value"] == "yalta-conference" and choice["name"] != "The Yalta Conference"


async def test_a_slow_command_defers_first_then_edits_its_answer_in(typed_world: World) -> None:
    world = typed_world
    record = await world.fake.slash(
        world.channel, world.member, ["alliance", "search"], {"query": "Yalta"}
    )
    answer = await answer_of(world.fake, record)
    assert record.callbacks[0]["type"] == 5  # "thinking…" at once
    assert answer.how == "deferred" and not answer.ephemeral
    assert "yalta-conference" in answer.text
    # A private slow command defers privately.
    record = await world.fake.slash(world.channel, world.member, ["alliance", "help"])
    answer = await answer_of(world.fake, record)
    assert record.callbacks[0]["type"] == 5 and record.callbacks[0]["data"]["flags"] == 64
    assert answer.ephemeral and answer.embed["title"] == "Alliance Bot — commands"


async def test_a_slow_public_command_with_a_private_answer_answers_privately(
    typed_world: World,
) -> None:
    world = typed_world
    record = await world.fake.slash(
        world.channel, world.member, ["alliance", "search"], {"query": "zzzqqq"}
    )
    answer = await answer_of(world.fake, record)  # "no match" is for the asker only
    assert answer.how == "deferred" and answer.ephemeral
    # The public "thinking…" message was removed rather than left hanging.
    assert world.fake.requests_to("DELETE", rf"/webhooks/\d+/{record.token}/messages/@original")
    assert record.original_id not in world.fake.messages
