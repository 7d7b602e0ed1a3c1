"""Authorization on the core, on an SQLite file and on PostgreSQL: a member who is not an
admin is refused every admin command and changes nothing in the database; one tenant's
subscriptions, scores and quizzes are never visible from another tenant.

The admin commands are those the router's specs flag ``admin_only`` (each run bare and as
its help example), plus the variants and the starter-or-admin ``quiz stop`` listed here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import Core, running_core
from bot.config import Settings
from bot.core.clock import SimulatedClock
from bot.core.context import Channel, CommandContext, User
from bot.core.replies import Reply
from bot.storage.tables import Base
from tests.conftest import FIXTURE_FACTS
from tests.fakes import FakeChatPort

START = datetime(2026, 6, 22, 8, 0, tzinfo=UTC)
MORE_ADMIN_COMMANDS = (
    "subscribe",
    "subscribe time 10:30 timezone Asia/Tokyo language ja question on",
    "subscribe time 07:00",
    "unsubscribe",
    "quiz stop",  # a quiz someone else started: its starter or an admin only
)


class Chat:
    def __init__(self, core: Core, clock: SimulatedClock, port: FakeChatPort) -> None:
        self.core, self.clock, self.port = core, clock, port

    def admin_commands(self) -> list[str]:
        flagged = [
            line
            for spec in self.core.router.specs()
            for command in (spec, *spec.subcommands)
            if command.admin_only
            for line in (
                spec.name if command is spec else f"{spec.name} {command.name}",
                command.example.removeprefix("/alliance "),
            )
        ]
        assert flagged, "no command is flagged admin_only"
        return list(dict.fromkeys([*flagged, *MORE_ADMIN_COMMANDS]))

    async def say(
        self, line: str, user: str, tenant: str, channel: str = "c1", admin: bool = False
    ) -> Reply:
        context = CommandContext(
            User(user, user, admin),
            Channel("test", tenant, channel, "general"),
            "en",
            self.clock.now(),
            ZoneInfo("UTC"),
        )
        return await self.core.router.handle(context, f"/alliance {line}")

    async def rows(self) -> dict[str, list[tuple[object, ...]]]:
        """Every row of every table, to compare before and after."""
        dump: dict[str, list[tuple[object, ...]]] = {}
        async with self.core.database.session() as session:
            for name, table in sorted(Base.metadata.tables.items()):
                result = await session.execute(select(table))
                dump[name] = sorted((tuple(row) for row in result.all()), key=repr)
        return dump


@pytest.fixture
async def chat(database_url: str, tmp_path: Path) -> AsyncIterator[Chat]:
    settings = Settings.model_validate(
        {
            "bot": {"facts_dir": str(FIXTURE_FACTS), "data_dir": str(tmp_path)},
            "database": {"url": database_url},
            # Cooldowns off: every command here must reach its handler.
            "limits": {"user_per_minute": 0, "channel_per_minute": 0, "quiz_starts_per_hour": 0},
        }
    )
    clock = SimulatedClock(START, lambda: 0.0)
    port = FakeChatPort()
    async with running_core(settings, {port.platform: port}, clock) as core:
        yield Chat(core, clock, port)


async def test_a_member_is_refused_every_admin_command_and_nothing_changes(chat: Chat) -> None:
    assert not (await chat.say("subscribe time 09:00", "boss", "guild-a", admin=True)).is_error
    started = await chat.say("quiz start questions 3", "boss", "guild-a", admin=True)
    assert not started.is_error
    before = await chat.rows()
    assert before["subscriptions"] and before["quiz_games"]
    for command in chat.admin_commands():
        # The channel with the subscription and the quiz, and (for the subscription
        # commands) one with neither.
        channels = ("c1",) if command.startswith("quiz") else ("c1", "c2")
        for channel in channels:
            reply = await chat.say(command, "member", "guild-a", channel)
            assert reply.is_error, (command, channel, reply)
    assert await chat.rows() == before


async def test_one_tenant_never_sees_another_tenants_data(chat: Chat) -> None:
    await chat.say("subscribe time 09:00 question on", "boss", "guild-a", admin=True)
    await chat.say("quiz start questions 1", "player", "guild-a")
    question = chat.port.posts[-1].reply
    assert question.buttons
    for button in question.buttons:  # one of them is right: the player scores
        await chat.say(button.action, "player", "guild-a")
    await chat.clock.advance(60)  # the question closes, the quiz ends with its scoreboard
    mine = await chat.say("stats player", "player", "guild-a")
    assert "player" in mine.body or mine.fields

    # The same channel id and the same user id, in another workspace.
    elsewhere = {
        "subscription": await chat.say("subscription", "player", "guild-b"),
        "leaderboard": await chat.say("leaderboard", "player", "guild-b"),
        "stats": await chat.say("stats", "player", "guild-b"),
        "quiz stop": await chat.say("quiz stop", "boss", "guild-b", admin=True),
    }
    at_home = {
        "subscription": await chat.say("subscription", "player", "guild-a"),
        "leaderboard": await chat.say("leaderboard", "player", "guild-a"),
        "stats": await chat.say("stats", "player", "guild-a"),
    }
    for name, reply in at_home.items():
        assert reply != elsewhere[name], name
    assert "09:00" in repr(at_home["subscription"])
    assert "09:00" not in repr(elsewhere["subscription"])
    assert "player" not in repr(elsewhere["leaderboard"])
    # An admin of the other tenant cannot remove this tenant's subscription.
    await chat.say("unsubscribe", "boss", "guild-b", admin=True)
    assert "09:00" in repr(await chat.say("subscription", "player", "guild-a"))
