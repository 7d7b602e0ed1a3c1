"""Japanese clients see the core's Japanese command and option names: what a sync registers
(``name_localizations["ja"]`` on the group, each subcommand and each option), and that a
Japanese client's interaction, which Discord sends with the English names, runs the command."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.adapters.discord.setup import sync_commands
from bot.adapters.discord.tree import ADMIN_GROUP_DESCRIPTION, ADMIN_GROUP_NAMES
from bot.core.commands import COMMAND_PREFIX_NAMES, CommandSpec
from tests.adapters.discord.answers import answer_of
from tests.adapters.discord.conftest import World, discord_settings, running_bot, small_guild
from tests.discord_fake import fake_discord_server

# Discord's rule for a localised name (unicode letters and digits, "-" and "_").
LOCALISED_NAME = re.compile(r"[-_\w]{1,32}")


def by_name(command: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {option["name"]: option for option in command.get("options", [])}


def ja_name(payload: dict[str, Any]) -> str:
    name = (payload.get("name_localizations") or {}).get("ja")
    assert isinstance(name, str), payload["name"]
    return name


def assert_same_names(payload: dict[str, Any], spec: CommandSpec) -> None:
    """The synced subcommand (or subcommand group) and its options carry the core's names."""
    assert payload["name"] == spec.name
    assert ja_name(payload) == spec.names["ja"]
    children = by_name(payload)
    if spec.subcommands:
        assert list(children) == [sub.name for sub in spec.subcommands]
        for sub in spec.subcommands:
            assert_same_names(children[sub.name], sub)
        return
    assert list(children) == [param.name for param in spec.params]
    for param in spec.params:
        assert ja_name(children[param.name]) == param.names["ja"], (spec.name, param.name)


async def test_sync_registers_the_cores_japanese_names(tmp_path: Path) -> None:
    guild = small_guild()
    async with fake_discord_server([guild]) as fake:
        settings = discord_settings(fake, tmp_path)
        async with running_bot(fake, settings) as (_, core, _):
            await sync_commands(settings.discord, SecretStr(fake.token), core, None)
            specs = core.router.specs()
    group, admin = fake.global_commands
    assert group["name"] == "alliance"
    assert ja_name(group) == COMMAND_PREFIX_NAMES["ja"]
    # The admin group is named like /alliance, and unlike it in every language.
    assert admin["name"] == "alliance-admin" and ja_name(admin) == ADMIN_GROUP_NAMES["ja"]
    assert ja_name(admin) != ja_name(group)
    assert LOCALISED_NAME.fullmatch(ja_name(admin)) and ja_name(admin) == ja_name(admin).lower()
    assert admin["description_localizations"]["ja"] == ADMIN_GROUP_DESCRIPTION["ja"]
    subcommands = by_name(group) | by_name(admin)
    assert sorted(subcommands) == sorted(spec.name for spec in specs)
    assert list(by_name(admin)) == [spec.name for spec in specs if spec.admin_only]
    for spec in specs:
        assert_same_names(subcommands[spec.name], spec)
    # A few the brief names, read straight from the payload.
    assert ja_name(subcommands["fact"]) == "出来事"
    assert ja_name(by_name(subcommands["quiz"])["start"]) == "開始"
    assert ja_name(by_name(subcommands["search"])["query"]) == "検索語"
    # What Discord would check: valid, and unique among siblings in Japanese.
    levels = [group["options"], admin["options"]]
    levels += [s["options"] for s in subcommands.values() if s.get("options")]
    levels += [
        o["options"] for s in subcommands.values() for o in s.get("options", []) if "options" in o
    ]
    for level in levels:
        names = [ja_name(item) for item in level]
        assert len(set(names)) == len(names), names
        assert all(LOCALISED_NAME.fullmatch(n) and n == n.lower() for n in names)
    # English clients get the English names: no English localisation is registered.
    assert "en-US" not in (subcommands["fact"].get("name_localizations") or {})
    # Descriptions are still localised as before.
    assert subcommands["fact"]["description_localizations"]["ja"].startswith("ランダムな出来事")


async def test_a_japanese_clients_interaction_runs_the_english_named_command(
    world: World,
) -> None:
    # Discord sends the English names whatever the client shows; discord.py routes by them.
    record = await world.fake.slash(
        world.channel, world.member, ["alliance", "search"], {"query": "Yalta"}, locale="ja"
    )
    answer = await answer_of(world.fake, record)
    assert "yalta-conference" in answer.text
    assert answer.embed["title"] != "Search"  # in Japanese
    record = await world.fake.slash(
        world.channel, world.member, ["alliance", "on"], {"date": "06-22"}, locale="ja"
    )
    answer = await answer_of(world.fake, record)
    assert answer.embed["title"] == "6月22日の出来事"
    record = await world.fake.slash(world.channel, world.member, ["alliance", "help"], locale="ja")
    help_text = (await answer_of(world.fake, record)).text
    assert "search" in help_text  # the help still teaches the typed (English) names
