"""Every /alliance and /alliance-admin subcommand through the real discord.py client and the
fake Discord."""

from __future__ import annotations

import copy

from bot.core.context import ChannelKey
from tests.adapters.discord.answers import answer_of
from tests.adapters.discord.conftest import World
from tests.discord_fake import MANAGE_CHANNELS, MANAGE_GUILD

ALLIANCE = "alliance"
ADMIN = "alliance-admin"


async def test_today_answers_at_once_with_an_embed_seen_by_everyone(world: World) -> None:
    record = await world.fake.slash(world.channel, world.member, [ALLIANCE, "today"])
    answer = await answer_of(world.fake, record)
    assert answer.how == "message" and not answer.ephemeral
    assert answer.embed["title"].startswith("On this day — ")
    assert answer.embed["fields"], "the anniversaries are fields"


async def test_fact_by_id_has_its_fields_source_links_and_a_button(world: World) -> None:
    record = await world.fake.slash(
        world.channel, world.member, [ALLIANCE, "fact"], {"topic": "yalta-conference"}
    )
    answer = await answer_of(world.fake, record)
    embed = answer.embed
    assert embed["title"] == "The Yalta Conference"
    names = [field["name"] for field in embed["fields"]]
    assert names[0] == "Date" and names[-1] == "Sources"
    sources = embed["fields"][-1]["value"]
    assert sources.startswith("[") and "](https://" in sources
    assert embed["footer"]["text"] == "ID: yalta-conference"
    assert answer.custom_ids == ["a1:fact"]


async def test_a_japanese_client_gets_japanese(world: World) -> None:
    record = await world.fake.slash(
        world.channel, world.member, [ALLIANCE, "on"], {"date": "6月22日"}, locale="ja"
    )
    answer = await answer_of(world.fake, record)
    assert answer.embed["title"] == "6月22日の出来事"
    assert answer.embed["fields"][-1]["name"] == "出典"


async def test_an_unsupported_client_language_falls_back_to_the_guilds(world: World) -> None:
    world.guild.locale = "ja"
    record = await world.fake.slash(world.channel, world.member, [ALLIANCE, "today"], locale="fr")
    assert "今日は何の日" in (await answer_of(world.fake, record)).embed["title"]
    world.guild.locale = "de"
    record = await world.fake.slash(world.channel, world.member, [ALLIANCE, "today"], locale="fr")
    assert (await answer_of(world.fake, record)).embed["title"].startswith("On this day")


async def test_search_lists_matches_with_ids(world: World) -> None:
    record = await world.fake.slash(
        world.channel, world.member, [ALLIANCE, "search"], {"query": "Yalta Crimea"}
    )
    answer = await answer_of(world.fake, record)
    assert "yalta-conference" in answer.text
    assert answer.custom_ids  # one button per match opens it


async def test_bad_input_gets_an_ephemeral_explanation(world: World) -> None:
    record = await world.fake.slash(
        world.channel, world.member, [ALLIANCE, "on"], {"date": "the 45th of Smarch"}
    )
    answer = await answer_of(world.fake, record)
    assert answer.ephemeral
    assert answer.embed["title"] == "I didn't understand that"


async def test_help_works_in_a_dm_and_a_server_only_command_is_refused_there(
    world: World,
) -> None:
    record = await world.fake.slash(world.dm, world.member, [ALLIANCE, "help"])
    answer = await answer_of(world.fake, record)
    assert answer.embed["title"] == "Alliance Bot — commands"
    assert answer.ephemeral  # the core keeps the help for the asker
    record = await world.fake.slash(world.dm, world.member, [ALLIANCE, "today"])
    assert not (await answer_of(world.fake, record)).ephemeral
    record = await world.fake.slash(world.dm, world.member, [ALLIANCE, "quiz", "start"])
    refused = await answer_of(world.fake, record)
    assert refused.ephemeral and "only in a server channel" in refused.text


async def test_a_members_subscribe_is_refused_and_changes_nothing(world: World) -> None:
    # Discord hides /alliance-admin from members without Manage Server, but a server may
    # grant it to anyone in its Integrations settings: the core checks again.
    record = await world.fake.slash(
        world.channel, world.member, [ADMIN, "subscribe"], {"time": "09:00"}
    )
    answer = await answer_of(world.fake, record)
    assert answer.ephemeral and "Only server admins" in answer.text
    key = ChannelKey("discord", str(world.guild.id), str(world.channel.id))
    assert await world.core.subscriptions.get(key) is None


async def test_manage_server_or_manage_channels_may_subscribe(world: World) -> None:
    key = ChannelKey("discord", str(world.guild.id), str(world.channel.id))
    for permission in (MANAGE_CHANNELS, MANAGE_GUILD):
        record = await world.fake.slash(
            world.channel,
            world.admin,
            [ADMIN, "subscribe"],
            {"time": "08:30", "timezone": "Asia/Tokyo"},
            permissions=permission,
        )
        answer = await answer_of(world.fake, record)
        assert not answer.ephemeral and "#general" in answer.embed["title"]
        subscription = await world.core.subscriptions.get(key)
        assert subscription is not None and subscription.timezone == "Asia/Tokyo"
    # Anyone may read it, in /alliance.
    record = await world.fake.slash(world.channel, world.member, [ALLIANCE, "subscription"])
    assert "Asia/Tokyo" in (await answer_of(world.fake, record)).text
    record = await world.fake.slash(
        world.channel, world.admin, [ADMIN, "unsubscribe"], permissions=MANAGE_GUILD
    )
    assert "no longer get the daily post" in (await answer_of(world.fake, record)).text
    assert await world.core.subscriptions.get(key) is None


async def test_help_names_each_command_where_discord_has_it(world: World) -> None:
    record = await world.fake.slash(world.channel, world.member, [ALLIANCE, "help"])
    answer = await answer_of(world.fake, record)
    fields = {field["name"] for field in answer.embed["fields"]}
    assert (
        "/alliance-admin subscribe [time HH:MM] [timezone Area/City] [language en|ja] "
        "[question on|off]" in fields
    )
    assert "/alliance-admin unsubscribe" in fields and "/alliance subscription" in fields
    assert "/alliance today" in fields and not any("/alliance subscribe" in f for f in fields)
    # The examples too.
    assert "`/alliance-admin subscribe time 08:30 timezone Asia/Tokyo language ja`" in answer.text


async def test_errors_name_the_admin_command_as_discord_types_it(world: World) -> None:
    record = await world.fake.slash(world.channel, world.member, [ALLIANCE, "subscription"])
    assert "`/alliance-admin subscribe`" in (await answer_of(world.fake, record)).text
    record = await world.fake.slash(
        world.channel, world.admin, [ADMIN, "server-settings"], permissions=MANAGE_GUILD
    )
    settings = await answer_of(world.fake, record)
    assert settings.embed["footer"]["text"].startswith("/alliance-admin server-settings [")
    record = await world.fake.slash(world.dm, world.member, [ADMIN, "server-settings"])
    assert (
        "`/alliance-admin server-settings` works only in a server channel"
        in (await answer_of(world.fake, record)).text
    )


async def test_a_button_whose_action_is_an_admin_command_runs_it_with_the_pressers_rights(
    world: World,
) -> None:
    record = await world.fake.slash(
        world.channel, world.member, [ALLIANCE, "fact"], {"topic": "lend-lease-act"}
    )
    await answer_of(world.fake, record)
    assert record.original_id is not None
    # The same message as a client would show it with a button that runs an admin command
    # (custom ids are the core's command lines, whichever group the command is typed under).
    shown = copy.deepcopy(world.fake.messages[record.original_id])
    custom_id = "a1:subscribe time 06:45"
    shown["components"][0]["components"][0]["custom_id"] = custom_id
    key = ChannelKey("discord", str(world.guild.id), str(world.channel.id))
    press = await world.fake.press(record.original_id, custom_id, world.member, seen=shown)
    refused = await answer_of(world.fake, press)
    assert refused.ephemeral and "Only server admins" in refused.text
    assert await world.core.subscriptions.get(key) is None
    press = await world.fake.press(
        record.original_id, custom_id, world.admin, permissions=MANAGE_GUILD, seen=shown
    )
    assert "#general" in (await answer_of(world.fake, press)).embed["title"]
    subscription = await world.core.subscriptions.get(key)
    assert subscription is not None and (subscription.hour, subscription.minute) == (6, 45)


async def test_a_button_press_runs_its_action_as_the_presser(world: World) -> None:
    record = await world.fake.slash(
        world.channel, world.member, [ALLIANCE, "fact"], {"topic": "lend-lease-act"}
    )
    await answer_of(world.fake, record)
    message_id = record.original_id
    assert message_id is not None
    press = await world.fake.press(message_id, "a1:fact", world.member)
    answer = await answer_of(world.fake, press)
    assert answer.how == "message" and answer.custom_ids == ["a1:fact"]


async def test_leaderboard_stats_and_forget_me_answer(world: World) -> None:
    for path, options in (
        (["leaderboard"], {}),
        (["stats"], {}),
        (["forget-me"], {}),
    ):
        record = await world.fake.slash(world.channel, world.member, [ALLIANCE, *path], options)
        answer = await answer_of(world.fake, record)
        assert answer.embed.get("title") or answer.embed.get("description")


async def test_stats_of_a_user_picked_with_discords_user_picker(world: World) -> None:
    # Discord sends the picked person's id with their names in the resolved data; the core
    # gets the mention form it resolves, and the reply names the person, not an id.
    record = await world.fake.slash(
        world.channel, world.member, [ALLIANCE, "stats"], {"user": world.admin}
    )
    answer = await answer_of(world.fake, record)
    assert answer.ephemeral
    assert "teacher has no quiz results here yet." in answer.text
    assert str(world.admin.id) not in answer.text


async def test_a_stored_language_labels_the_sources_too_whatever_the_client(
    world: World,
) -> None:
    saved = await world.fake.slash(
        world.channel, world.member, [ALLIANCE, "settings"], {"language": "ja"}, locale="en-US"
    )
    await answer_of(world.fake, saved)
    record = await world.fake.slash(
        world.channel,
        world.member,
        [ALLIANCE, "fact"],
        {"topic": "yalta-conference"},
        locale="en-US",
    )
    embed = (await answer_of(world.fake, record)).embed
    assert embed["title"] == "ヤルタ会談"
    assert embed["fields"][-1]["name"] == "出典"
