"""Cooldowns: a flooding user or channel gets a private notice; everyone else is answered.

Time is the context's ``now``, so these tests step a clock of their own (no sleeping)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import Core, running_core
from bot.config import Settings
from bot.core.clock import SimulatedClock
from bot.core.commands import Command, CommandRouter
from bot.core.context import Channel, CommandContext, User
from bot.core.cooldowns import BucketTable, Cooldowns, CooldownSettings, Rate
from bot.core.i18n import Lang
from bot.core.replies import Reply
from tests.conftest import FIXTURE_FACTS
from tests.fakes import FakeChatPort

START = datetime(2026, 6, 22, 10, 0, tzinfo=UTC)


def context(
    user: str = "alice", channel: str = "c1", at: float = 0.0, locale: str = "en"
) -> CommandContext:
    return CommandContext(
        User(user, user),
        Channel("test", "guild-1", channel, channel),
        locale,
        START + timedelta(seconds=at),
        ZoneInfo("UTC"),
    )


async def echo(context: CommandContext, args: str, lang: Lang) -> Reply:
    return Reply(body=f"ran {args}".strip())


async def start(context: CommandContext, args: str, lang: Lang) -> Reply:
    # A start that fails (another quiz is running) says so as an error.
    return Reply(body="busy", is_error=True) if args == "busy" else Reply(body="started")


def router_with(settings: CooldownSettings) -> CommandRouter:
    router = CommandRouter("en", Cooldowns(settings))
    text = {"en": "X.", "ja": "X。"}
    router.register(Command("ping", echo, "ping", text, "ping"))
    router.register(
        Command(
            "quiz",
            echo,
            "quiz",
            text,
            "quiz",
            subcommands=(Command("start", start, "quiz start", text, "quiz start"),),
        )
    )
    return router


def is_notice(reply: Reply) -> bool:
    return reply.ephemeral and "try again in" in reply.body


async def test_a_flood_from_one_user_is_stopped_and_another_user_still_answered() -> None:
    router = router_with(CooldownSettings(user_burst=5, user_per_minute=12))
    replies = [await router.handle(context(at=i * 0.1), "ping") for i in range(100)]  # 10 s
    answered = [reply for reply in replies if not is_notice(reply)]
    # The burst, and the one token 12 a minute refills in those 10 seconds (plus one).
    assert 5 <= len(answered) <= 8
    assert replies[:5] == [Reply(body="ran")] * 5
    assert is_notice(replies[5])
    assert all(reply.body == "ran" for reply in answered)
    bob = await router.handle(context(user="bob", at=10.0), "ping")
    assert bob.body == "ran"


async def test_the_notice_says_when_to_try_again_and_is_right() -> None:
    router = router_with(CooldownSettings(user_burst=1, user_per_minute=6))  # one per 10 s
    assert (await router.handle(context(at=0), "ping")).body == "ran"
    notice = await router.handle(context(at=4), "ping")
    assert is_notice(notice) and not notice.buttons
    match = re.search(r"try again in (\d+) s", notice.body)
    assert match is not None and match.group(1) == "6"
    assert is_notice(await router.handle(context(at=9.5), "ping"))
    assert (await router.handle(context(at=10), "ping")).body == "ran"
    japanese = await router.handle(context(at=11, locale="ja"), "ping")
    assert "9秒後" in japanese.body


async def test_a_refused_command_costs_nothing() -> None:
    router = router_with(CooldownSettings(user_burst=1, user_per_minute=6))
    await router.handle(context(at=0), "ping")
    for second in range(1, 10):  # hammering while refused does not push the next slot back
        assert is_notice(await router.handle(context(at=second), "ping"))
    assert (await router.handle(context(at=10), "ping")).body == "ran"


async def test_a_busy_channel_is_limited_as_a_whole_and_others_are_not() -> None:
    settings = CooldownSettings(
        user_burst=5, user_per_minute=12, channel_burst=10, channel_per_minute=30
    )
    router = router_with(settings)
    replies = [await router.handle(context(user=f"u{i}", at=i * 0.01), "ping") for i in range(30)]
    assert [is_notice(reply) for reply in replies] == [False] * 10 + [True] * 20
    assert "This channel" in replies[-1].body
    elsewhere = await router.handle(context(user="u0", channel="c2", at=1), "ping")
    assert elsewhere.body == "ran"


async def test_quiz_starts_have_their_own_limit_charged_only_when_one_starts() -> None:
    settings = CooldownSettings(quiz_starts_burst=1, quiz_starts_per_hour=4)
    router = router_with(settings)
    assert (await router.handle(context(at=0), "quiz start busy")).body == "busy"
    assert (await router.handle(context(at=1), "quiz start")).body == "started"
    notice = await router.handle(context(user="bob", at=2), "quiz start")
    assert notice.ephemeral and "next one can start in 15 min" in notice.body
    # Other commands, and quiz starts in another channel, are not affected.
    assert (await router.handle(context(user="bob", at=3), "ping")).body == "ran"
    assert (await router.handle(context(channel="c2", at=4), "quiz start")).body == "started"
    assert (await router.handle(context(at=15 * 60 + 1), "quiz start")).body == "started"


async def test_a_commands_own_actions_such_as_answer_buttons_are_not_limited() -> None:
    router = router_with(CooldownSettings(user_burst=1, user_per_minute=1, channel_burst=1))
    replies = [await router.handle(context(at=i), "quiz answer 1 2 3") for i in range(50)]
    assert all(reply.body == "ran answer 1 2 3" for reply in replies)


async def test_zero_turns_each_limit_off() -> None:
    router = router_with(
        CooldownSettings(user_per_minute=0, channel_per_minute=0, quiz_starts_per_hour=0)
    )
    for i in range(200):
        assert (await router.handle(context(at=i * 0.001), "ping")).body == "ran"
        assert (await router.handle(context(at=i * 0.001), "quiz start")).body == "started"


def test_a_clock_that_moves_back_refills_nothing() -> None:
    table = BucketTable(Rate(1, 1.0))
    now = START
    table.take("k", now)
    assert table.wait("k", now - timedelta(hours=1)) == pytest.approx(1.0)
    assert table.wait("k", now + timedelta(seconds=1)) == 0


def test_memory_stays_bounded_however_many_senders() -> None:
    table = BucketTable(Rate(2, 1.0), max_buckets=100)
    for i in range(1000):
        table.take(f"user-{i}", START + timedelta(milliseconds=i))
    assert len(table) <= 101
    # A sender seen just now keeps their bucket (an empty one would be a free refill).
    table.take("last", START + timedelta(seconds=1))
    table.take("last", START + timedelta(seconds=1))
    assert table.wait("last", START + timedelta(seconds=1)) > 0


@pytest.fixture
async def limited_core(tmp_path: Path) -> AsyncIterator[Core]:
    port = FakeChatPort()
    settings = Settings.model_validate(
        {
            "bot": {"facts_dir": str(FIXTURE_FACTS), "data_dir": str(tmp_path)},
            "limits": {"user_burst": 3, "user_per_minute": 6},
        }
    )
    async with running_core(settings, {port.platform: port}, SimulatedClock(START)) as built:
        yield built


async def test_the_configured_limits_reach_the_router(limited_core: Core) -> None:
    replies = [await limited_core.router.handle(context(at=i), "today") for i in range(5)]
    assert [is_notice(reply) for reply in replies] == [False, False, False, True, True]
    assert not is_notice(await limited_core.router.handle(context(user="bob", at=5), "today"))


@pytest.fixture
async def default_core(tmp_path: Path) -> AsyncIterator[Core]:
    port = FakeChatPort()
    settings = Settings.model_validate(
        {"bot": {"facts_dir": str(FIXTURE_FACTS), "data_dir": str(tmp_path)}}
    )
    async with running_core(settings, {port.platform: port}, SimulatedClock(START)) as built:
        yield built


async def test_with_the_shipped_limits_a_flood_is_stopped_after_a_burst(default_core: Core) -> None:
    router = default_core.router
    replies = [await router.handle(context(at=i * 0.1), "today") for i in range(100)]
    notices = [is_notice(reply) for reply in replies]
    first_notice = notices.index(True)
    assert 3 <= first_notice <= 10  # a few quick commands are fine
    assert notices.count(False) <= first_notice + 3  # then about one every few seconds
    assert not is_notice(await router.handle(context(user="bob", at=10), "today"))
