"""Every button the bot can make carries an action that fits a Discord custom_id (100
characters): from every command, every quiz question (curated and generated, at the last
index of the longest game, in the largest game id), and every daily post's question."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.app import Core, running_core
from bot.config import Settings, shipped_facts_dir
from bot.core.clock import SimulatedClock
from bot.core.context import Channel, ChannelKey, CommandContext, User
from bot.core.daily.model import Claim, Subscription
from bot.core.fact_loading import load_fact_store
from bot.core.facts import MAX_FACT_ID_LENGTH, SLUG_PATTERN
from bot.core.i18n import t
from bot.core.post_keys import MAX_STORED_ID
from bot.core.quiz.bank import QuestionBank
from bot.core.quiz.daily_question import DailyQuestion, daily_answer_action
from bot.core.quiz.game import QuizGame
from bot.core.quiz.replies import answer_action, question_reply
from bot.core.replies import MAX_BUTTON_ACTION_LENGTH, Button, Reply
from bot.core.topics import TOPICS
from tests.core.test_fact_loading import GOOD_FACT, problems_of, write_corpus
from tests.fakes import FakeChatPort

START = datetime(2026, 6, 22, 8, 0, tzinfo=UTC)
# The most questions a game may have (QuizConfig.max_questions allows up to 50).
MOST_QUESTIONS = 50
LONG_TOPIC = "lend-lease-and-the-arctic-convoys-to-murmansk-and-archangel-" * 8


def test_a_button_refuses_an_action_no_platform_can_carry() -> None:
    Button("fits", "x" * MAX_BUTTON_ACTION_LENGTH)
    with pytest.raises(ValueError, match="1 to 100 characters, not 101"):
        Button("too long", "x" * (MAX_BUTTON_ACTION_LENGTH + 1))
    with pytest.raises(ValueError, match="1 to 100 characters, not 0"):
        Button("empty", "")


def assert_fits(replies: Iterable[Reply]) -> int:
    actions = [button.action for reply in replies for button in reply.buttons]
    too_long = [action for action in actions if len(action) > MAX_BUTTON_ACTION_LENGTH]
    assert not too_long
    return len(actions)


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return QuestionBank.build(load_fact_store(shipped_facts_dir()))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_question_at_the_end_of_the_longest_game(bank: QuestionBank, lang: str) -> None:
    questions = [*bank.curated, *bank.generated]
    assert max(len(q.id) for q in bank.generated) > 50  # ids long enough to matter
    replies = []
    for question in questions:
        game = QuizGame(
            MAX_STORED_ID,
            ChannelKey("discord", "1" * 20, "2" * 20),
            "general",
            "starter",
            lang,  # type: ignore[arg-type]
            (question,) * MOST_QUESTIONS,
            index=MOST_QUESTIONS - 1,
        )
        replies.append(question_reply(game, MOST_QUESTIONS - 1, 20, "intro"))
    assert assert_fits(replies) == 4 * len(questions)


def test_every_question_of_the_day_fits_whatever_its_id(bank: QuestionBank) -> None:
    for question in [*bank.curated, *bank.generated]:
        for choice in range(4):
            assert len(daily_answer_action(date.max, question.id, choice)) <= 36
    daily = DailyQuestion(bank)
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(366)]
    parts = [daily.parts(day, "en") for day in days]
    assert all(part is not None and len(part[1]) == 4 for part in parts)


@given(
    fact_id=st.from_regex(SLUG_PATTERN, fullmatch=True).filter(
        lambda text: len(text) <= MAX_FACT_ID_LENGTH
    ),
    question_id=st.text(max_size=400),
    day=st.dates(),
    game_id=st.integers(1, MAX_STORED_ID),
    index=st.integers(0, MOST_QUESTIONS - 1),
    choice=st.integers(0, 3),
)
def test_the_action_formats_fit_for_any_id_the_data_allows(
    fact_id: str, question_id: str, day: date, game_id: int, index: int, choice: int
) -> None:
    # Built as the commands build them; Button() raises if one does not fit.
    Button("fact", f"fact {fact_id}")
    Button("daily", daily_answer_action(day, question_id, choice))
    Button("answer", answer_action(game_id, index, choice))


def command_lines(core: Core) -> list[str]:
    facts = core.store.facts
    lines = [
        "fact",
        f"fact {LONG_TOPIC}",
        f"search {LONG_TOPIC}",
        f"quiz start {LONG_TOPIC}",
        f"stats {LONG_TOPIC}",
        f"leaderboard {LONG_TOPIC}",
        "today",
        "help",
        "subscription",
        "subscribe time 09:00 timezone Asia/Tokyo language ja question on",
        "forget-me",
    ]
    lines += [f"fact {topic}" for topic in TOPICS]
    lines += [f"fact {fact.id}" for fact in facts]
    lines += [f"search {fact.title.en}" for fact in facts[::7]]
    lines += [f"on {month:02}-{day:02}" for month in range(1, 13) for day in (1, 15, 28)]
    for topic in (*TOPICS, ""):
        for difficulty in ("easy", "medium", "hard", ""):
            lines.append(f"quiz start questions 20 {topic} {difficulty}".strip())
    return [*lines, "leaderboard", "leaderboard 2", "leaderboard 999999999", "forget-me confirm"]


@pytest.fixture
async def core() -> AsyncIterator[Core]:
    with tempfile.TemporaryDirectory() as folder:
        # Hundreds of commands through one channel at one instant: the channel's cooldown
        # would (rightly) refuse most of them, so it is off here (tests/core/test_cooldowns.py).
        limits_off = {"user_per_minute": 0, "channel_per_minute": 0, "quiz_starts_per_hour": 0}
        config = Settings.model_validate(
            {
                "bot": {"facts_dir": str(shipped_facts_dir()), "data_dir": folder},
                "limits": limits_off,
            }
        )
        port = FakeChatPort(platform="discord")
        async with running_core(config, {port.platform: port}, SimulatedClock(START)) as built:
            yield built


@pytest.mark.parametrize("locale", ["en", "ja"])
async def test_every_command_and_daily_post_makes_buttons_that_fit(core: Core, locale: str) -> None:
    def as_user(number: int) -> CommandContext:
        return CommandContext(
            User(f"{number:030}", f"user {number}", is_admin=True),
            Channel("discord", "1" * 20, "2" * 20, "general"),
            locale,
            START,
            ZoneInfo("UTC"),
        )

    port = core.poster._ports["discord"]
    assert isinstance(port, FakeChatPort)
    replies = []
    for number, line in enumerate(command_lines(core)):
        context = as_user(number)
        posted = len(port.posts)
        # dispatch, not handle: a Button that raises would otherwise become a polite reply.
        replies.append(await core.router.dispatch(context, line))
        # A quiz posts its questions to the channel (the reply to the starter is private).
        new_posts = [post.reply for post in port.posts[posted:]]
        replies += new_posts
        question = next((post for post in new_posts if len(post.buttons) == 4), None)
        if line.startswith("quiz start") and question is not None:
            # Someone answers, so the leaderboard has pages (and page buttons) at the end.
            await core.router.dispatch(as_user(number), question.buttons[0].action)
            await core.router.dispatch(context, "quiz stop")
            replies += [post.reply for post in port.posts[posted:]]
    internal = t("err_internal_title", locale)  # type: ignore[arg-type]
    assert not [reply for reply in replies if reply.title == internal]
    questions = [reply for reply in replies if len(reply.buttons) == 4 and reply.footer]
    assert len(questions) >= len(TOPICS) * 2  # quizzes started, with their answer buttons
    assert any(reply.replaces_original and reply.buttons for reply in replies)  # leaderboard
    key = context.channel.key
    subscription = Subscription(key, "general", 9, 0, "UTC", locale, True, START, None)  # type: ignore[arg-type]
    replies += [
        core.poster.post_for(
            subscription,
            Claim(MAX_STORED_ID, key, START.date() + timedelta(days=n), START, 0, False),
        )
        for n in range(0, 366, 5)
    ]
    made = assert_fits(replies)
    assert made > len(core.store.facts) + 4 * 60  # fact, search, quiz and daily buttons ran


def test_a_fact_id_too_long_for_its_button_is_refused_with_its_file_and_line(
    tmp_path: Path,
) -> None:
    longest = "a" * MAX_FACT_ID_LENGTH
    write_corpus(tmp_path, GOOD_FACT.replace("good-fact", longest))
    assert [fact.id for fact in load_fact_store(tmp_path).facts] == [longest]
    write_corpus(tmp_path, GOOD_FACT.replace("good-fact", longest + "a"))
    problems = problems_of(tmp_path)
    assert len(problems) == 1
    assert "events.yaml" in problems[0] and "at most 80 characters" in problems[0]
