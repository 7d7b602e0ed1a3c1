"""The tree generated from the core's typed commands: registered options, Japanese
localisations, choices and bounds, autocomplete through the core, deferral for slow
commands, and what a sync says it changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from discord import app_commands
from pydantic import SecretStr

from bot.adapters.discord.interactions import InteractionHandler
from bot.adapters.discord.setup import sync_commands
from bot.adapters.discord.tree import build_groups, command_form
from tests.adapters.discord.answers import answer_of
from tests.adapters.discord.conftest import World, discord_settings, running_bot, small_guild
from tests.discord_fake import fake_discord_server

SUBCOMMANDS = [
    "fact",
    "today",
    "on",
    "search",
    "help",
    "subscription",
    "quiz",
    "leaderboard",
    "stats",
    "forget-me",
    "settings",
]
# What the core flags admin_only: Discord shows them only to members with Manage Server.
ADMIN_SUBCOMMANDS = ["subscribe", "unsubscribe", "server-settings"]
MANAGE_GUILD_BITS = str(1 << 5)


def options_by_name(command: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {option["name"]: option for option in command.get("options", [])}


def changes(lines: list[str], top: str) -> list[str]:
    """What a sync printed under one top-level command's heading."""
    start = lines.index(f"{top}:") + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("  ")), None)
    return [line.strip() for line in lines[start:end]]


async def test_sync_registers_the_typed_options_and_says_what_changed(tmp_path: Path) -> None:
    guild = small_guild()
    async with fake_discord_server([guild]) as fake:
        settings = discord_settings(fake, tmp_path)
        async with running_bot(fake, settings) as (_, core, _):
            token = SecretStr(fake.token)
            first = await sync_commands(settings.discord, token, core, None)
            again = await sync_commands(settings.discord, token, core, None)
            in_guild = await sync_commands(settings.discord, token, core, guild.id)
    public, admin = changes(first, "/alliance"), changes(first, "/alliance-admin")
    assert "added    /alliance" in public and "added    /alliance quiz start" in public
    assert "added    /alliance-admin" in admin and "added    /alliance-admin subscribe" in admin
    assert not any("subscribe" in line for line in public if "subscription" not in line)
    # The second sync of the same tree changes nothing of what the first one added (each
    # group, each of its subcommands, and quiz's start and stop).
    added = [line for line in (*public, *admin) if line.startswith("added")]
    assert len(added) == 2 + len(core.router.specs()) + 2
    assert changes(again, "/alliance") == [f"{len(public) - 1} unchanged"]
    assert changes(again, "/alliance-admin") == [f"{len(admin) - 1} unchanged"]
    assert any(line.startswith("added") for line in changes(in_guild, "/alliance-admin"))
    group, admin_group = fake.global_commands
    assert group["name"] == "alliance"
    assert group["integration_types"] == [0, 1] and sorted(group["contexts"]) == [0, 1, 2]
    assert group.get("default_member_permissions") is None
    # Only a top-level command carries these, so the admin commands have their own.
    assert admin_group["name"] == "alliance-admin"
    assert admin_group["default_member_permissions"] == MANAGE_GUILD_BITS
    assert admin_group["contexts"] == [0] and admin_group["integration_types"] == [0]
    assert list(options_by_name(admin_group)) == ADMIN_SUBCOMMANDS
    assert all(
        "default_member_permissions" not in sub and "contexts" not in sub
        for sub in options_by_name(admin_group).values()
    )
    subcommands = options_by_name(group)
    assert list(subcommands) == SUBCOMMANDS
    assert all(len(s["description"]) <= 100 for s in subcommands.values())
    fact = subcommands["fact"]
    assert fact["description_localizations"]["ja"].startswith("ランダムな出来事")
    topic = options_by_name(fact)["topic"]
    assert topic["type"] == 3 and topic["autocomplete"] is True and not topic.get("required")
    assert options_by_name(subcommands["on"])["date"]["required"] is True
    # stats' person is Discord's user picker (type 6), not free text.
    assert options_by_name(subcommands["stats"])["user"]["type"] == 6
    start = options_by_name(subcommands["quiz"])["start"]
    assert list(options_by_name(start)) == ["questions", "topic", "difficulty"]
    questions = options_by_name(start)["questions"]
    assert questions["type"] == 4
    assert questions.get("min_value") == 1 and questions.get("max_value") == 20
    subscribe = options_by_name(admin_group)["subscribe"]
    language = options_by_name(subscribe)["language"]
    assert [choice["value"] for choice in language["choices"]] == ["en", "ja"]
    assert all("name_localizations" in choice for choice in language["choices"])
    assert options_by_name(subscribe)["question"]["type"] == 5
    assert [c["name"] for c in fake.guild_commands[guild.id]] == ["alliance", "alliance-admin"]


async def test_autocomplete_answers_in_the_callers_language(world: World) -> None:
    record = await world.fake.slash(
        world.channel, world.member, ["alliance", "fact"], {"topic": "yal"}, focused="topic"
    )
    await world.fake.wait_until(lambda: record.callbacks)
    callback = record.callbacks[0]
    assert callback["type"] == 8
    choices = {choice["value"]: choice["name"] for choice in callback["data"]["choices"]}
    assert choices["yalta-conference"].startswith("The Yalta Conference")
    record = await world.fake.slash(
        world.channel,
        world.member,
        ["alliance-admin", "subscribe"],
        {"timezone": "tokyo"},
        locale="ja",
        focused="timezone",
    )
    await world.fake.wait_until(lambda: record.callbacks)
    values = [choice["value"] for choice in record.callbacks[0]["data"]["choices"]]
    assert "Asia/Tokyo" in values
    record = await world.fake.slash(
        world.channel,
        world.member,
        ["alliance", "fact"],
        {"topic": "yal"},
        locale="ja",
        focused="topic",
    )
    await world.fake.wait_until(lambda: record.callbacks)
    ja = {c["value"]: c["name"] for c in record.callbacks[0]["data"]["choices"]}
    assert ja["yalta-conference"] != choices["yalta-conference"]  # the Japanese title


async def test_a_slow_command_defers_first_then_edits_its_answer_in(world: World) -> None:
    record = await world.fake.slash(world.channel, world.member, ["alliance", "subscription"])
    answer = await answer_of(world.fake, record)
    assert record.callbacks[0]["type"] == 5  # "thinking…" at once
    assert answer.how == "deferred"
    # A private slow command defers privately.
    record = await world.fake.slash(world.channel, world.member, ["alliance", "forget-me"])
    answer = await answer_of(world.fake, record)
    assert record.callbacks[0]["type"] == 5 and record.callbacks[0]["data"]["flags"] == 64
    assert answer.ephemeral


async def test_a_slow_public_command_with_a_private_answer_answers_privately(
    world: World,
) -> None:
    # A member's subscribe is refused, privately, after a public "thinking…".
    record = await world.fake.slash(
        world.channel, world.member, ["alliance-admin", "subscribe"], {"time": "09:00"}
    )
    answer = await answer_of(world.fake, record)
    assert answer.how == "deferred" and answer.ephemeral
    # The public "thinking…" message was removed rather than left hanging.
    assert world.fake.requests_to("DELETE", rf"/webhooks/\d+/{record.token}/messages/@original")
    assert record.original_id not in world.fake.messages


async def test_the_help_names_each_command_in_the_group_the_tree_put_it_in(world: World) -> None:
    specs = world.core.router.specs()
    form = command_form(specs)
    placed = {
        sub.name: f"/{group.name} {sub.name}"
        for group in world.adapter.client.tree.get_commands()
        if isinstance(group, app_commands.Group)
        for sub in group.commands
    }
    assert placed == {spec.name: form((spec.name,)) for spec in specs}
    # Without an admin command there is no admin group: Discord refuses an empty one.
    public = [spec for spec in specs if not spec.admin_only]
    handler = InteractionHandler(world.core, world.runtime)
    assert [group.name for group in build_groups(handler, public)] == ["alliance"]
