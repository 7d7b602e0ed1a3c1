"""Whole quiz games through the core, on a fake clock (no sleeps) and a real database."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import shipped_facts_dir
from bot.core.clock import SimulatedClock
from bot.core.commands import CommandRouter
from bot.core.context import Channel, ChannelKey, CommandContext, User
from bot.core.daily.model import Subscription
from bot.core.fact_loading import load_fact_store
from bot.core.fact_store import FactStore
from bot.core.quiz.bank import QuestionBank
from bot.core.quiz.commands import QuizCommands
from bot.core.quiz.daily_question import DailyQuestion
from bot.core.quiz.manager import QuizManager, QuizSettings
from bot.core.replies import Reply
from bot.core.rich import render_plain
from bot.storage.database import Database
from bot.storage.quiz import QuizRepository
from bot.storage.subscriptions import SubscriptionRepository
from tests.fakes import FakeChatPort, rate_limited

START = datetime(2026, 6, 22, 18, 0, tzinfo=UTC)


class StandStill:
    def __call__(self) -> float:
        return 0.0


@pytest.fixture(scope="module")
def corpus() -> FactStore:
    return load_fact_store(shipped_facts_dir())


@dataclass
class Table:
    """Everything a test drives: the router, its clock, what the channel saw."""

    router: CommandRouter
    clock: SimulatedClock
    port: FakeChatPort
    manager: QuizManager
    repository: QuizRepository
    daily: DailyQuestion
    subscriptions: SubscriptionRepository

    def who(
        self,
        name: str,
        admin: bool = False,
        channel: str = "quiz-room",
        locale: str = "en",
        tenant: str = "guild-1",
    ) -> CommandContext:
        return CommandContext(
            User(f"id-{name}", name, admin),
            Channel("test", tenant, channel, channel),
            locale,
            self.clock.now(),
            ZoneInfo("UTC"),
        )

    async def say(self, name: str, text: str, **where: str) -> Reply:
        return await self.router.handle(self.who(name, **where), text)  # type: ignore[arg-type]

    async def chat(self, name: str, text: str) -> Reply | None:
        return await self.router.handle_message(self.who(name), text)

    async def question(self) -> tuple[int, int, int]:
        """(game id, question index, right choice) of the open question."""
        game = await self.manager.running(self.who("x").channel.key)
        assert game is not None and game.is_open(self.clock.now())
        return game.game_id, game.index, game.current.correct

    async def subscribe(
        self, channel: str = "quiz-room", zone: str = "UTC", question: bool = True
    ) -> None:
        """A daily post at 09:00 in ``zone``, with the question of the day if ``question``."""
        await self.subscriptions.upsert(
            Subscription(
                ChannelKey("test", "guild-1", channel),
                channel,
                9,
                0,
                zone,
                "en",
                question,
                self.clock.now(),
                None,
            ),
            "admin",
            self.clock.now(),
        )

    def daily_button(self, day: date, choice: int | None = None) -> tuple[str, str]:
        """The action of a button of ``day``'s question (the right one by default), and the
        text of that day's right answer."""
        parts = self.daily.parts(day, "en")
        question = self.daily.question_for(day)
        assert parts is not None and question is not None
        pressed = question.correct if choice is None else choice
        return parts[1][pressed].action, question.answer_text("en")

    def posted_titles(self) -> list[str]:
        return [p.reply.title or "" for p in self.port.posts]


async def build_table(database: Database, corpus: FactStore, seed: int = 7) -> Table:
    clock = SimulatedClock(START, StandStill())
    port = FakeChatPort()
    repository = QuizRepository(database)
    bank = QuestionBank.build(corpus)
    daily = DailyQuestion(bank)
    manager = QuizManager(
        bank,
        repository,
        clock,
        {"test": port},
        QuizSettings(seconds_per_question=20, quiet_questions=2),
        "worker",
        random.Random(seed),
    )
    router = CommandRouter("en")
    subscriptions = SubscriptionRepository(database)
    QuizCommands(manager, repository, daily, subscriptions.get).register(router)
    return Table(router, clock, port, manager, repository, daily, subscriptions)


@pytest.fixture
async def table(database: Database, corpus: FactStore) -> AsyncIterator[Table]:
    built = await build_table(database, corpus)
    yield built
    await built.manager.close()


def wrong(choice: int) -> int:
    return (choice + 1) % 4


async def test_a_whole_game_with_buttons_typed_answers_timers_and_scores(table: Table) -> None:
    started = await table.say("alice", "/alliance quiz start questions 3")
    assert started.ephemeral and "question 1 is in the channel" in started.body
    first = table.port.posts[0].reply  # the question is posted, so its message can be edited
    assert first.title == "Question 1/3"
    assert len(first.buttons) == 4
    assert "500–1000 points" in first.body
    game_id, index, right = await table.question()

    pressed = await table.say("alice", first.buttons[right].action)
    assert pressed.ephemeral and "is in" in pressed.body
    assert pressed.kind == "message"  # a button press can always be answered privately
    again = await table.say("alice", first.buttons[wrong(right)].action)
    assert again.ephemeral and "already answered" in again.body

    await table.clock.advance(10)
    game = await table.manager.running(table.who("bob").channel.key)
    assert game is not None
    right_text = game.current.choices[right].en
    typed = await table.chat("bob", right_text.upper() + "!")
    # A plain message: acknowledged, its note only for where a private reply is possible.
    assert typed is not None and typed.kind == "acknowledged"
    assert typed.ephemeral and "is in" in typed.body
    typed_again = await table.chat("bob", right_text)
    assert typed_again is not None and typed_again.kind == "acknowledged"
    assert "already answered" in typed_again.body
    await table.say("carol", f"quiz answer {game_id} {index} {wrong(right)}")
    assert await table.chat("dave", "what a nice evening") is None

    await table.clock.advance(10)  # the buzzer: reveal, then question 2
    closed, reveal, second = (post.reply for post in table.port.posts)
    assert closed.title == "Question 1/3"  # edited in place, its buttons disabled
    assert closed.buttons and all(button.disabled for button in closed.buttons)
    assert f"{right_text} ✅" in closed.body
    assert closed.footer is not None and right_text in closed.footer
    assert reveal.title is not None and reveal.title.startswith("Answer: ")
    assert "alice (+1000)" in reveal.fields[0].value
    assert "bob (+750)" in reveal.fields[0].value
    assert "carol" not in reveal.fields[0].value
    assert reveal.sources
    assert second.title == "Question 2/3"

    late = await table.say("dave", first.buttons[right].action)
    assert late.ephemeral and "closed" in late.body

    for _ in range(2):
        _, index, right = await table.question()
        await table.say("alice", f"quiz answer {game_id} {index} {right}")
        await table.clock.advance(20)
    board = table.port.posts[-1].reply
    assert board.title == "Quiz over — scoreboard"
    assert render_plain(board.fields[0].name).endswith("alice")
    assert "3000 points · 3/3 right" in board.fields[0].value
    assert await table.manager.running(table.who("alice").channel.key) is None
    # every question closed: none of their buttons can be pressed any more
    assert all(button.disabled for post in table.port.posts for button in post.reply.buttons)
    assert table.clock.next_due() is None  # no timer outlives its quiz

    leaderboard = await table.say("zed", "/alliance leaderboard")
    names = [render_plain(field.name) for field in leaderboard.fields]
    assert names == ["1. alice", "2. bob", "3. carol"]
    assert "3000 points · 1 game(s) · 100% right" in leaderboard.fields[0].value
    assert "0% right" in leaderboard.fields[2].value
    stats = await table.say("zed", "/alliance stats bob")
    assert stats.title is not None and render_plain(stats.title) == "Quiz stats — bob"
    assert "750" in stats.fields[0].value


async def test_one_quiz_per_channel(table: Table) -> None:
    await table.say("alice", "quiz start")
    second = await table.say("bob", "quiz start")
    assert second.is_error and "already running" in second.body
    elsewhere = await table.say("bob", "quiz start 2", channel="other-room")
    assert not elsewhere.is_error
    assert table.port.posts[-1].target.channel_id == "other-room"
    assert table.port.posts[-1].reply.title == "Question 1/2"


async def test_only_the_starter_or_an_admin_can_stop(table: Table) -> None:
    await table.say("alice", "quiz start 5")
    refused = await table.say("bob", "quiz stop")
    assert refused.is_error and "Only the person who started" in refused.body
    stopped = await table.say("admin", "quiz stop", admin=True)  # type: ignore[arg-type]
    assert stopped.title == "Quiz over — scoreboard"
    assert "admin stopped the quiz" in stopped.body
    assert table.port.edits  # its question closed: buttons kept, disabled
    assert all(button.disabled for button in table.port.posts[0].reply.buttons)
    assert table.clock.next_due() is None
    assert (await table.say("alice", "quiz stop")).body == "No quiz is running in this channel."


async def test_a_quiet_channel_ends_the_quiz_itself(table: Table) -> None:
    await table.say("alice", "quiz start 10")
    await table.clock.advance(60)
    titles = table.posted_titles()
    assert titles.count("Quiz over — scoreboard") == 1
    assert sum(title.startswith("Answer:") for title in titles) == 2  # quiet_questions=2
    assert "gone quiet for 2 questions" in table.port.posts[-1].reply.body
    assert table.clock.next_due() is None


async def test_a_question_that_could_not_be_posted_still_lets_the_quiz_end(table: Table) -> None:
    await table.say("alice", "quiz start 2")
    table.port.failures["quiz-room"] = [rate_limited(1), rate_limited(1)]  # reveal, question 2
    await table.clock.advance(20)
    assert table.posted_titles() == ["Question 1/2"]
    await table.clock.advance(20)  # question 2 was lost, but its time still runs out
    assert table.posted_titles()[-1] == "Quiz over — scoreboard"
    assert await table.manager.running(table.who("alice").channel.key) is None


async def test_fifty_people_answering_at_once_are_each_counted_once(table: Table) -> None:
    await table.say("host", "quiz start 1")
    game_id, index, right = await table.question()
    # Each presses twice at once; which press reaches the store first is a race, so both
    # carry the same choice.
    choices = [right if n % 2 else wrong(right) for n in range(50)]
    presses = [
        table.say(f"user{n}", f"quiz answer {game_id} {index} {c}") for n, c in enumerate(choices)
    ]
    doubles = [
        table.say(f"user{n}", f"quiz answer {game_id} {index} {c}") for n, c in enumerate(choices)
    ]
    replies = await asyncio.gather(*presses, *doubles)
    await table.clock.advance(20)
    accepted = [r for r in replies if "is in" in r.body]
    assert len(accepted) == 50
    reveals = [t for t in table.posted_titles() if t.startswith("Answer:")]
    assert len(reveals) == 1  # the question closed once
    board, total = await table.repository.leaderboard("test", "guild-1", 0, 100)
    assert total == 50
    assert all(row.answered == 1 for row in board)
    assert sum(row.correct for row in board) == 25


async def test_answers_racing_the_buzzer_are_in_the_reveal_or_refused(table: Table) -> None:
    await table.say("host", "quiz start 1")
    game_id, index, right = await table.question()
    await table.clock.advance(19)
    presses = [table.say(f"user{n}", f"quiz answer {game_id} {index} {right}") for n in range(30)]
    replies = await asyncio.gather(*presses, table.clock.advance(1))
    accepted = sum("is in" in r.body for r in replies if r is not None)
    refused = sum("closed" in r.body for r in replies if r is not None)
    assert accepted + refused == 30
    reveal = next(p.reply for p in table.port.posts if (p.reply.title or "").startswith("Answer:"))
    assert reveal.footer == f"{accepted} answer(s)"  # none stored behind the reveal's back
    _, total = await table.repository.leaderboard("test", "guild-1", 0, 100)
    assert total == accepted


async def test_a_restart_ends_the_quiz_with_a_message_and_keeps_its_answers(
    database: Database, corpus: FactStore
) -> None:
    before = await build_table(database, corpus)
    await before.say("alice", "quiz start 5")
    game_id, index, right = await before.question()
    await before.say("alice", f"quiz answer {game_id} {index} {right}")
    await before.manager.close()  # the process goes away mid-quiz

    after = await build_table(database, corpus)
    # Its lease runs to the open question's deadline and a minute more: until then the
    # game may belong to a live process, so a start-up leaves it alone.
    assert await after.manager.recover_interrupted(after.clock.now()) == 0
    await after.clock.advance(20 + 60 + 1)
    assert await after.manager.recover_interrupted(after.clock.now()) == 1
    message = after.port.posts[0]
    assert message.target.channel_id == "quiz-room"
    assert "interrupted by a restart" in message.reply.body
    assert "1 answer(s)" in message.reply.body
    assert await after.manager.recover_interrupted(after.clock.now()) == 0
    board = await after.say("alice", "leaderboard")
    assert render_plain(board.fields[0].name) == "1. alice"
    fresh = await after.say("alice", "quiz start 1")
    assert not fresh.is_error
    assert after.port.posts[-1].reply.title == "Question 1/1"
    await after.manager.close()


async def test_forget_me_asks_first_then_deletes(table: Table) -> None:
    await table.say("alice", "quiz start 1")
    game_id, index, right = await table.question()
    await table.say("alice", f"quiz answer {game_id} {index} {right}")
    await table.clock.advance(20)
    ask = await table.say("alice", "forget-me")
    assert ask.ephemeral and "cannot be undone" in ask.body
    assert ask.buttons[0].action == "forget-me confirm"
    assert (await table.say("zed", "leaderboard")).fields
    done = await table.say("alice", ask.buttons[0].action)
    assert "1 record(s) deleted" in done.body
    assert "Nobody here has played yet" in (await table.say("zed", "leaderboard")).body


async def test_forget_me_during_a_quiz_also_leaves_its_scoreboard(table: Table) -> None:
    await table.say("alice", "quiz start 2")
    game_id, index, right = await table.question()
    await table.say("alice", f"quiz answer {game_id} {index} {right}")
    await table.say("bob", f"quiz answer {game_id} {index} {right}")
    await table.clock.advance(20)
    game_id, index, right = await table.question()
    await table.say("alice", f"quiz answer {game_id} {index} {right}")
    await table.say("bob", f"quiz answer {game_id} {index} {wrong(right)}")
    done = await table.say("alice", "forget-me confirm")
    assert "record(s) deleted" in done.body
    await table.clock.advance(20)
    reveal, board = table.port.posts[-2].reply, table.port.posts[-1].reply
    assert board.title == "Quiz over — scoreboard"
    assert [render_plain(field.name) for field in board.fields] == ["🥇 bob"]
    assert "alice" not in reveal.fields[0].value + (reveal.footer or "")
    leaders = await table.say("zed", "leaderboard")
    assert [render_plain(field.name) for field in leaders.fields] == ["1. bob"]


async def test_the_daily_question_keeps_a_streak(table: Table) -> None:
    await table.subscribe()
    day = START.date()
    for offset in range(3):
        when = day + timedelta(days=offset)
        await table.clock.advance_to(START + timedelta(days=offset))
        parts = table.daily.parts(when, "en")
        assert parts is not None
        field, buttons = parts
        assert field.name == "Question of the day"
        question = table.daily.question_for(when)
        assert question is not None
        reply = await table.say("alice", buttons[question.correct].action)
        assert f"Daily streak: {offset + 1}" in reply.body
    again = await table.say("alice", buttons[0].action)
    assert "already answered today's question" in again.body
    a_week_ago = table.daily.parts(day - timedelta(days=5), "en")
    assert a_week_ago is not None
    stale = await table.say("bob", a_week_ago[1][0].action)
    assert "closed" in stale.body  # no backfilling old days into a streak
    stats = await table.say("alice", "stats")
    assert "3 now · best 3" in stats.fields[-1].value


async def test_only_the_question_out_now_counts_and_no_other_days_answer_shows(
    table: Table,
) -> None:
    await table.subscribe()
    today = START.date()  # 18:00 UTC: today's 09:00 post is out
    for other_day in (today + timedelta(days=1), today - timedelta(days=1)):
        action, answer = table.daily_button(other_day)
        reply = await table.say("alice", action)
        assert reply.body == "That question has closed."
        assert answer not in reply.body
    action, answer = table.daily_button(today)
    reply = await table.say("alice", action)
    assert answer in reply.body and "Daily streak: 1" in reply.body
    stats = await table.say("alice", "stats")
    assert "1 now · best 1" in stats.fields[-1].value


async def test_before_the_post_time_yesterdays_question_is_the_one_out(table: Table) -> None:
    await table.subscribe()
    await table.clock.advance_to(START + timedelta(hours=14))  # 08:00 UTC on 23 June
    today = START.date() + timedelta(days=1)
    assert "closed" in (await table.say("alice", table.daily_button(today)[0])).body
    yesterday = await table.say("alice", table.daily_button(START.date())[0])
    assert "Daily streak: 1" in yesterday.body


async def test_the_question_out_follows_the_channels_time_zone(table: Table) -> None:
    await table.subscribe(zone="Asia/Tokyo")
    # 18:00 UTC on 22 June is 03:00 on 23 June in Tokyo: the 22 June post (09:00 JST) is out.
    tokyo_today = START.date() + timedelta(days=1)
    assert "closed" in (await table.say("alice", table.daily_button(tokyo_today)[0])).body
    reply = await table.say("alice", table.daily_button(START.date())[0])
    assert "Daily streak: 1" in reply.body


async def test_no_daily_question_counts_where_none_is_posted(table: Table) -> None:
    await table.subscribe(channel="no-questions", question=False)
    action, answer = table.daily_button(START.date())
    for channel in ("quiz-room", "no-questions"):  # not subscribed; subscribed without one
        reply = await table.say("alice", action, channel=channel)
        assert reply.body == "That question has closed."
        assert answer not in reply.body
    assert "no quiz results here yet" in (await table.say("alice", "stats")).body


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quiz start 0", "N from 1 to 20"),
        ("quiz start 21", "“21” is not one of those"),
        ("quiz start questions many", "“many”"),
        ("quiz start cooking", "“cooking”"),
        ("quiz", "quiz start"),
        ("quiz answer 1 2", "quiz start"),
        ("leaderboard first", "not a page number"),
    ],
)
async def test_bad_quiz_input_says_what_is_expected(table: Table, text: str, expected: str) -> None:
    reply = await table.say("alice", text)
    assert reply.is_error
    assert expected in reply.body


async def test_quiz_in_japanese(table: Table) -> None:
    await table.say("kenji", "quiz start 1 japan", locale="ja")
    question = table.port.posts[0].reply
    assert question.title == "第1問（全1問）"
    assert "トピック: 日本" in question.body
    await table.clock.advance(20)
    assert table.port.posts[-1].reply.title == "クイズ終了 — 結果"
