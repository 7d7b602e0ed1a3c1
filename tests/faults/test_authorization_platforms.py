"""Authorization through each real adapter: a member who is no admin tries every admin
command (typed, and as a forged button press carrying the command as its action) on Discord
(the real discord.py client on the fake, a member without Manage Server or Manage Channels)
and on Slack (signed HTTP requests, a member who is not a workspace admin). Every attempt is
refused in private, and no row of the database changes. One guild's subscription, scores and
quiz are not visible from another guild, nor one Slack workspace's from another's, through
the user-facing commands.

The commands come from the core's specs (tests/faults/admin_commands.py) and their Discord
paths from the client's command tree, so moving them to another top-level group changes
nothing here.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from discord import app_commands

from bot.adapters.discord import DiscordAdapter
from bot.adapters.discord.rendering import BUTTON_PREFIX
from bot.adapters.slack.rendering import ACTION_ID_PREFIX
from bot.app import Core
from bot.core.context import ChannelKey
from tests.adapters.discord.answers import Answer, answer_of
from tests.adapters.discord.conftest import NO_LIMITS, discord_settings, running_bot
from tests.adapters.slack.harness import SlackBot, buttons_of, running_slack_bot
from tests.discord_fake import (
    MANAGE_GUILD,
    FakeChannel,
    FakeDiscord,
    FakeGuild,
    FakeUser,
    fake_discord_server,
    guild_id_on_shard,
)
from tests.discord_fake._payloads import MEMBER_PERMISSIONS
from tests.faults.admin_commands import admin_commands, every_row, refused
from tests.slack_fake import FakeSlack
from tests.slack_fake import FakeUser as SlackUser

# Questions stay open for the whole test: a timer closing one would change the rows.
SLOW_QUIZ = {"seconds_per_question": 300}


def far_from_now() -> str:
    """A post time twelve hours away: no daily post falls due during the test."""
    return (datetime.now(UTC) + timedelta(hours=12)).strftime("%H:%M")


# -- Discord ------------------------------------------------------------------------------


def tree_path(adapter: DiscordAdapter, core_path: tuple[str, ...]) -> list[str]:
    """The command's path in the client's tree (``["alliance", "quiz", "stop"]``), wherever
    its top-level group is."""
    found: list[list[str]] = []

    def walk(item: app_commands.Command[Any, ..., Any] | app_commands.Group, at: list[str]) -> None:
        here = [*at, item.name]
        if isinstance(item, app_commands.Group):
            for child in item.commands:
                walk(child, here)
        elif tuple(here[-len(core_path) :]) == core_path:
            found.append(here)

    for top in adapter.client.tree.get_commands():
        assert not isinstance(top, app_commands.ContextMenu)
        walk(top, [])
    assert len(found) == 1, (core_path, found)
    return found[0]


class DiscordGuilds:
    """Two guilds on one fake Discord, one bot process, an admin and a member."""

    def __init__(self, fake: FakeDiscord, adapter: DiscordAdapter, core: Core) -> None:
        self.fake, self.adapter, self.core = fake, adapter, core
        self.home, self.away = (guild.channels[0] for guild in fake.guilds.values())
        self.admin = FakeUser(fake.ids.next(), "boss")
        self.member = FakeUser(fake.ids.next(), "member")

    async def run(
        self,
        channel: FakeChannel,
        user: FakeUser,
        core_path: tuple[str, ...],
        options: dict[str, Any] | None = None,
        admin: bool = False,
    ) -> Answer:
        permissions = MANAGE_GUILD if admin else MEMBER_PERMISSIONS
        path = tree_path(self.adapter, core_path)
        record = await self.fake.slash(channel, user, path, options, permissions=permissions)
        return await answer_of(self.fake, record)

    async def press(self, message_id: int, action: str, user: FakeUser) -> Answer:
        record = await self.fake.press(
            message_id, BUTTON_PREFIX + action, user, permissions=MEMBER_PERMISSIONS
        )
        return await answer_of(self.fake, record)


@asynccontextmanager
async def discord_guilds(tmp_path: Path) -> AsyncIterator[DiscordGuilds]:
    guilds = []
    for n in range(2):
        guild_id = guild_id_on_shard(0, 1, n)
        guilds.append(
            FakeGuild(guild_id, f"Club {n}", [FakeChannel(guild_id + 7, "general", guild_id)])
        )
    async with fake_discord_server(guilds) as fake:
        no_limits: dict[str, float] = {**NO_LIMITS}
        settings = discord_settings(fake, tmp_path, limits=no_limits)
        settings = settings.model_copy(update={"quiz": settings.quiz.model_copy(update=SLOW_QUIZ)})
        async with running_bot(fake, settings) as (adapter, core, _):
            yield DiscordGuilds(fake, adapter, core)


def quiz_message(fake: FakeDiscord, channel: FakeChannel) -> int:
    """The id of the newest message in ``channel`` with buttons (the quiz's question)."""
    return next(
        int(m["id"]) for m in reversed(fake.channel_history(channel.id)) if m.get("components")
    )


async def test_a_discord_member_is_refused_every_admin_command_and_nothing_changes(
    tmp_path: Path,
) -> None:
    async with discord_guilds(tmp_path) as discord:
        home, admin, member = discord.home, discord.admin, discord.member
        time = far_from_now()
        assert not (await discord.run(home, admin, ("subscribe",), {"time": time}, True)).ephemeral
        settings = {"timezone": "Asia/Tokyo"}
        await discord.run(home, admin, ("server-settings",), settings, admin=True)
        started = await discord.run(home, admin, ("quiz", "start"), {"questions": 3}, True)
        assert "error" not in json.dumps(started.body).lower()
        channel_key = ChannelKey("discord", str(home.guild_id), str(home.id))
        assert await discord.core.quiz.running(channel_key) is not None
        question = quiz_message(discord.fake, home)
        before = await every_row(discord.core.database)
        assert before["subscriptions"] and before["quiz_games"] and before["tenant_settings"]

        attempts = admin_commands(discord.core.router)
        for attempt in attempts:
            typed = await discord.run(home, member, attempt.path, attempt.options)
            pressed = await discord.press(question, attempt.line, member)
            for how, answer in (("typed", typed), ("pressed", pressed)):
                assert answer.ephemeral and refused(answer.text), (how, attempt, answer)
        assert await every_row(discord.core.database) == before

        # The same commands from the admin do change it: the comparison can see a change.
        await discord.run(home, admin, ("unsubscribe",), admin=True)
        assert (await every_row(discord.core.database))["subscriptions"] != before["subscriptions"]
    lines = {attempt.line for attempt in attempts}
    assert {"subscribe", "unsubscribe", "server-settings", "quiz stop"} <= lines


async def test_one_discord_guild_never_sees_anothers_subscription_scores_or_quiz(
    tmp_path: Path,
) -> None:
    async with discord_guilds(tmp_path) as discord:
        home, away, admin = discord.home, discord.away, discord.admin
        player = discord.member
        time = far_from_now()
        await discord.run(home, admin, ("subscribe",), {"time": time}, admin=True)
        await discord.run(home, player, ("quiz", "start"), {"questions": 2})
        question = discord.fake.messages[quiz_message(discord.fake, home)]
        # One answer: a game played, on the leaderboard and in the player's stats.
        choice = question["components"][0]["components"][0]["custom_id"]
        record = await discord.fake.press(int(question["id"]), choice, player, MEMBER_PERMISSIONS)
        await answer_of(discord.fake, record)
        at_home = {
            "subscription": await discord.run(home, player, ("subscription",)),
            "leaderboard": await discord.run(home, player, ("leaderboard",)),
            "stats": await discord.run(home, player, ("stats",)),
        }
        # The same member, and an admin of the other guild, over there.
        elsewhere = {
            "subscription": await discord.run(away, player, ("subscription",)),
            "leaderboard": await discord.run(away, player, ("leaderboard",)),
            "stats": await discord.run(away, player, ("stats",)),
            "quiz stop": await discord.run(away, admin, ("quiz", "stop"), admin=True),
            "unsubscribe": await discord.run(away, admin, ("unsubscribe",), admin=True),
        }
        assert time in at_home["subscription"].text
        assert time not in elsewhere["subscription"].text
        assert "member" in at_home["leaderboard"].text
        assert "member" not in elsewhere["leaderboard"].text
        assert "Games played 1" in at_home["stats"].text
        assert "Games played" not in elsewhere["stats"].text
        # Stopping and unsubscribing over there touched nothing here.
        home_key = ChannelKey("discord", str(home.guild_id), str(home.id))
        assert await discord.core.quiz.running(home_key) is not None
        assert time in (await discord.run(home, player, ("subscription",))).text


# -- Slack --------------------------------------------------------------------------------


def slack_text(reply: dict[str, Any]) -> str:
    return json.dumps(reply, ensure_ascii=False)


async def slack_press(bot: SlackBot, message: dict[str, Any], action: str, user: str) -> Any:
    """A press on ``message`` whose value a forger replaced with ``action``."""
    body, name = bot.action_body(message, f"{ACTION_ID_PREFIX}0", action, user, "C1")
    assert await bot.send(body, "application/x-www-form-urlencoded") == 200
    return await bot.response(name)


async def test_a_slack_member_is_refused_every_admin_command_and_nothing_changes(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    fake_slack.add_user(SlackUser("U1", "boss", is_admin=True))
    fake_slack.add_user(SlackUser("U2", "member"))
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    async with running_slack_bot(
        fake_slack, tmp_path, url, limits=NO_LIMITS, quiz=SLOW_QUIZ
    ) as bot:
        time = far_from_now()
        assert "ephemeral" not in slack_text(await bot.command(f"subscribe time {time}"))
        await bot.command("server-settings timezone Asia/Tokyo")
        await bot.command("quiz start questions 3")
        question = fake_slack.posted("C1")[-1]
        assert question.get("blocks")
        before = await every_row(bot.core.database)
        assert before["subscriptions"] and before["quiz_games"] and before["tenant_settings"]

        attempts = admin_commands(bot.core.router)
        for attempt in attempts:
            typed = await bot.command(attempt.line, user="U2")
            pressed = await slack_press(bot, question, attempt.line, "U2")
            for how, reply in (("typed", typed), ("pressed", pressed)):
                assert reply.get("response_type") == "ephemeral", (how, attempt, reply)
                assert refused(slack_text(reply)), (how, attempt, reply)
        assert await every_row(bot.core.database) == before

        await bot.command("unsubscribe")
        assert (await every_row(bot.core.database))["subscriptions"] != before["subscriptions"]


async def slack_command_in(bot: SlackBot, team: str, text: str, user: str) -> dict[str, Any]:
    """``/alliance text`` from ``user`` in channel C1 of workspace ``team`` (one app serving
    several workspaces, as an Enterprise Grid install does, with the same ids in each)."""
    body, name = bot.command_body(text, user=user)
    fields = dict(parse_qsl(body.decode()))
    fields["team_id"] = team
    status, answer = await bot.exchange(
        urlencode(fields).encode(), "application/x-www-form-urlencoded"
    )
    assert status == 200
    reply: dict[str, Any] = json.loads(answer) if answer else await bot.response(name)
    return reply


async def test_one_slack_workspace_never_sees_anothers_subscription_scores_or_quiz(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    fake_slack.add_user(SlackUser("U1", "boss", is_admin=True))
    fake_slack.add_user(SlackUser("U2", "player"))
    home, away = fake_slack.team_id, "T0AWAY"
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    async with running_slack_bot(
        fake_slack, tmp_path, url, limits=NO_LIMITS, quiz=SLOW_QUIZ
    ) as bot:
        time = far_from_now()
        await slack_command_in(bot, home, f"subscribe time {time}", "U1")
        await slack_command_in(bot, home, "quiz start questions 2", "U2")
        question = fake_slack.posted("C1")[-1]
        await bot.press(question, buttons_of(question)[0]["text"]["text"], user="U2")
        reads = ("subscription", "leaderboard", "stats")
        at_home = {
            line: slack_text(await slack_command_in(bot, home, line, "U2")) for line in reads
        }
        # The same user id and channel id in the other workspace; the quiz's own starter
        # asks to stop "the" quiz there.
        elsewhere = {
            line: slack_text(await slack_command_in(bot, away, line, "U2")) for line in reads
        }
        await slack_command_in(bot, away, "quiz stop", "U2")
        assert time in at_home["subscription"] and time not in elsewhere["subscription"]
        assert "player" in at_home["leaderboard"] and "player" not in elsewhere["leaderboard"]
        assert "Games played" in at_home["stats"] and "Games played" not in elsewhere["stats"]
        assert await bot.core.quiz.running(ChannelKey("slack", home, "C1")) is not None
        assert await bot.core.subscriptions.get(ChannelKey("slack", away, "C1")) is None
