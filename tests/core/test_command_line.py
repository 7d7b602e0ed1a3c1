"""Typed options → the core's own text line: the same reply as typing it, for every shipped
command, and no option value can set another option."""

from __future__ import annotations

import string
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.app import Core, running_core
from bot.config import Settings
from bot.core.clock import SimulatedClock
from bot.core.commands import Command, CommandRouter, OptionValue, UsageError
from bot.core.context import Channel, CommandContext, User
from bot.core.daily.commands import (
    SubscribeOptions,
    find_zone,
    parse_subscribe_args,
    parse_time,
    subscribe_params,
)
from bot.core.i18n import Lang
from bot.core.quiz.commands import parse_quiz_options, quiz_start_params
from bot.core.replies import Reply
from bot.core.rich import render_plain
from bot.core.topics import TOPICS, find_topic
from tests.conftest import FIXTURE_FACTS
from tests.fakes import FakeChatPort

NOW = datetime(2026, 6, 22, 10, 0, tzinfo=UTC)
MAX_QUESTIONS = 20

# (path, typed options, what a person would type for the same thing)
EVERY_COMMAND: list[tuple[list[str], dict[str, OptionValue], str]] = [
    (["fact"], {}, "fact"),
    (["fact"], {"topic": "yalta-conference"}, "fact yalta-conference"),
    (["today"], {}, "today"),
    (["on"], {"date": "22 June"}, "on 22 June"),
    (["on"], {"date": "6月22日"}, "on 6月22日"),
    (["search"], {"query": "Yalta  conference"}, "search Yalta conference"),
    (["help"], {}, "help"),
    (["leaderboard"], {"page": 2}, "leaderboard 2"),
    (["stats"], {"user": "alice"}, "stats alice"),
    (["stats"], {}, "stats"),
    (["forget-me"], {}, "forget-me"),
    (["unsubscribe"], {}, "unsubscribe"),
    (["subscription"], {}, "subscription"),
    (["quiz", "stop"], {}, "quiz stop"),
]


@pytest.fixture
def port() -> FakeChatPort:
    return FakeChatPort()


@pytest.fixture
async def core(tmp_path: Path, port: FakeChatPort) -> AsyncIterator[Core]:
    settings = Settings.model_validate(
        {"bot": {"facts_dir": str(FIXTURE_FACTS), "data_dir": str(tmp_path)}}
    )
    async with running_core(settings, {port.platform: port}, SimulatedClock(NOW)) as built:
        yield built


def context(channel: str = "c1", admin: bool = True, locale: str = "en") -> CommandContext:
    return CommandContext(
        User("u1", "alice", is_admin=admin),
        Channel("test", "guild-1", channel, channel),
        locale,
        NOW,
        ZoneInfo("UTC"),
    )


@pytest.mark.parametrize(("path", "options", "typed"), EVERY_COMMAND)
async def test_options_give_the_same_reply_as_typing(
    core: Core, path: list[str], options: dict[str, OptionValue], typed: str
) -> None:
    line = core.router.command_line(path, options)
    from_options = await core.router.handle(context(), line)
    from_text = await core.router.handle(context(), typed)
    if path == ["fact"] and not options:
        # A random fact: both are full facts, from the same store.
        assert from_options.footer and from_text.footer
    else:
        assert from_options == from_text
    assert not from_options.is_error or path == ["quiz", "stop"], from_options.body


def test_the_subscribe_line_is_the_one_in_the_readme(core: Core) -> None:
    options: dict[str, OptionValue] = {
        "time": "09:00",
        "timezone": "Asia/Tokyo",
        "language": "ja",
        "question": True,
    }
    line = core.router.command_line(["subscribe"], options)
    assert line == "subscribe time 09:00 timezone Asia/Tokyo language ja question on"


async def test_subscribing_by_options_and_by_text_store_the_same(core: Core) -> None:
    options: dict[str, OptionValue] = {"time": "07:30", "timezone": "asia/tokyo", "question": False}
    by_options = await core.router.handle(
        context("c1"), core.router.command_line(["subscribe"], options)
    )
    by_text = await core.router.handle(
        context("c2"), "/alliance subscribe 07:30 Asia/Tokyo question off"
    )
    assert not by_options.is_error
    assert by_options.fields[:3] == by_text.fields[:3]


async def test_a_quiz_started_by_options_is_the_quiz_typed(core: Core, port: FakeChatPort) -> None:
    line = core.router.command_line(["quiz", "start"], {"questions": 2, "topic": "Conferences"})
    assert line == "quiz start questions 2 topic Conferences"
    started = await core.router.handle(context("c1"), line)
    typed = await core.router.handle(context("c2"), "/alliance quiz start questions 2 conferences")
    assert started == typed and not started.is_error
    first_by_options, first_typed = (
        next(post.reply for post in port.posts if post.target.channel_id == channel)
        for channel in ("c1", "c2")
    )
    assert first_by_options.title == first_typed.title
    # The intro names the starter (user text): compare what each reads as.
    assert (
        render_plain(first_by_options.body).splitlines()[0]
        == render_plain(first_typed.body).splitlines()[0]
    )


def test_every_whitespace_run_in_a_one_word_value_becomes_one_word(core: Core) -> None:
    line = core.router.command_line(["quiz", "start"], {"topic": "eastern \t front\n"})
    assert line == "quiz start topic eastern_front"
    assert find_topic("eastern_front") == "eastern-front"
    zone = core.router.command_line(["subscribe"], {"timezone": "America/New York"})
    assert zone == "subscribe timezone America/New_York"


def test_empty_values_are_left_out(core: Core) -> None:
    assert core.router.command_line(["fact"], {"topic": "  "}) == "fact"
    assert core.router.command_line(["quiz", "start"], {"topic": "", "questions": 3}) == (
        "quiz start questions 3"
    )


def test_an_adapter_bug_is_an_error_not_a_line(core: Core) -> None:
    with pytest.raises(ValueError, match="no runnable command"):
        core.router.command_line(["quiz"], {})
    with pytest.raises(ValueError, match="no runnable command"):
        core.router.command_line(["dance"], {})
    with pytest.raises(ValueError, match="no parameter"):
        core.router.command_line(["fact"], {"id": "x"})


# -- no value can set another option: parsed back, each option is what was given -------


def _router_with(command: Command) -> CommandRouter:
    router = CommandRouter("en")
    router.register(command)
    return router


async def _unused(context: CommandContext, args: str, lang: Lang) -> Reply:
    return Reply(body=args)


QUIZ = Command(
    "quiz",
    _unused,
    "quiz",
    {"en": "Quiz.", "ja": "クイズ。"},
    "/alliance quiz",
    subcommands=(
        Command(
            "start",
            _unused,
            "quiz start",
            {"en": "Start.", "ja": "開始。"},
            "/alliance quiz start",
            params=quiz_start_params(MAX_QUESTIONS),
        ),
    ),
)
SUBSCRIBE = Command(
    "subscribe",
    _unused,
    "subscribe",
    {"en": "Subscribe.", "ja": "購読。"},
    "/alliance subscribe",
    params=subscribe_params(),
)
# Text that tries hard to look like other options.
sneaky = st.lists(
    st.sampled_from(
        [*string.ascii_letters, *string.digits, " ", "\t", "=", ":", "/", "_", "-", "\u3000"]
    )
    | st.sampled_from(
        [
            *("questions", "topic", "difficulty", "easy", "hard", "time", "timezone", "tz"),
            *("at", "language", "lang", "question", "quiz", "on", "off", "ja", "09:00"),
            *("Asia/Tokyo", *TOPICS),
        ]
    ),
    max_size=8,
).map("".join)


@given(count=st.integers(1, MAX_QUESTIONS), topic=sneaky, difficulty=sneaky)
def test_no_topic_or_difficulty_can_change_another_quiz_option(
    count: int, topic: str, difficulty: str
) -> None:
    line = _router_with(QUIZ).command_line(
        ["quiz", "start"], {"questions": count, "topic": topic, "difficulty": difficulty}
    )
    try:
        parsed = parse_quiz_options(line.split()[2:], 5, MAX_QUESTIONS, "en")
    except UsageError:
        return  # a value the quiz cannot use is refused, with what it expects
    topic_word = "_".join(topic.split())
    assert parsed[0] == count
    assert parsed[1] == (find_topic(topic_word) if topic_word else None)
    assert parsed[2] == (difficulty.strip().lower() or None)


DEFAULTS = SubscribeOptions(9, 0, "UTC", "en", False)


@given(time=sneaky, zone=sneaky, language=st.sampled_from(["en", "ja"]), question=st.booleans())
def test_no_time_or_zone_can_change_another_subscription_option(
    time: str, zone: str, language: str, question: bool
) -> None:
    options: dict[str, OptionValue] = {
        "time": time,
        "timezone": zone,
        "language": language,
        "question": question,
    }
    line = _router_with(SUBSCRIBE).command_line(["subscribe"], options)
    try:
        parsed = parse_subscribe_args(line.partition(" ")[2], DEFAULTS, "en", "/alliance subscribe")
    except UsageError:
        return
    time_word, zone_word = ("_".join(value.split()) for value in (time, zone))
    assert (parsed.hour, parsed.minute) == (parse_time(time_word) if time_word else (9, 0))
    assert parsed.timezone == (find_zone(zone_word) if zone_word else "UTC")
    assert (parsed.language, parsed.daily_question) == (language, question)


def test_a_topic_cannot_smuggle_a_question_count(core: Core) -> None:
    line = core.router.command_line(
        ["quiz", "start"], {"questions": 2, "topic": "conferences questions 20"}
    )
    with pytest.raises(UsageError, match="conferences_questions_20"):
        parse_quiz_options(line.split()[2:], 5, MAX_QUESTIONS, "en")


def test_a_zone_cannot_smuggle_a_time(core: Core) -> None:
    line = core.router.command_line(
        ["subscribe"], {"time": "07:00", "timezone": "Asia/Tokyo=time=23:00"}
    )
    with pytest.raises(UsageError, match="IANA"):
        parse_subscribe_args(line.partition(" ")[2], DEFAULTS, "en", "/alliance subscribe")


async def test_a_bad_switch_is_answered_from_its_declaration(core: Core) -> None:
    reply = await core.router.handle(context(), "subscribe question maybe")
    assert reply.is_error and "`question` is on or off; “maybe” is neither" in reply.body
    # and nothing was subscribed
    nothing = await core.router.handle(context(), "subscription")
    assert render_plain(nothing.body).startswith("#c1 has no daily post")
