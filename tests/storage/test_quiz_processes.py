"""Quizzes across bot processes: two managers, each with its own database connection pool and
clock, on one real database (an SQLite file, and PostgreSQL), posting to one channel."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import shipped_facts_dir
from bot.core.clock import SimulatedClock
from bot.core.commands import CommandRouter
from bot.core.context import Channel, ChannelKey, CommandContext, User
from bot.core.fact_loading import load_fact_store
from bot.core.ports import MessageHandle, PostTarget
from bot.core.quiz.bank import QuestionBank
from bot.core.quiz.commands import QuizCommands
from bot.core.quiz.daily_question import DailyQuestion
from bot.core.quiz.game import AnswerOutcome, Player, QuizGame
from bot.core.quiz.manager import QuizManager, QuizSettings
from bot.core.quiz.model import GameStatus, RecordedAnswer
from bot.core.replies import Reply
from bot.core.rich import render_plain
from bot.storage.database import Database, open_database
from bot.storage.quiz import QuizRepository
from bot.storage.subscriptions import SubscriptionRepository
from tests.fakes import FakeChatPort

START = datetime(2026, 6, 22, 18, 0, tzinfo=UTC)
ROOM = ChannelKey("test", "guild-1", "quiz-room")
SECONDS = 20
LEASE = 60


class Ticks:
    """The monotonic time under a simulated clock, moved by hand: the clock shows a later
    time without firing its timers, as a process that has not woken up yet would."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self) -> float:
        return self.seconds


@dataclass
class HoldingPort(FakeChatPort):
    """The shared channel; it can hold back the post whose title is ``held`` until
    ``release`` is set, and logs what it posts in order."""

    held: str | None = None
    holding: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    log: list[str] = field(default_factory=list)

    async def post(self, target: PostTarget, reply: Reply, key: str) -> MessageHandle:
        if self.held is not None and reply.title == self.held and not self.release.is_set():
            self.holding.set()
            await self.release.wait()
        handle = await super().post(target, reply, key)
        self.log.append(reply.title or reply.body)
        return handle


class WatchedRepository(QuizRepository):
    """The real repository, telling the test when a game has ended."""

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        self.ended = asyncio.Event()
        self.log: list[str] | None = None

    async def scoreboard(self, game_id: int) -> list[Player]:
        if self.log is not None:
            self.log.append("scoreboard read")
        return await super().scoreboard(game_id)

    async def end_game(self, game_id: int, status: GameStatus, now: datetime) -> bool:
        ended = await super().end_game(game_id, status, now)
        if ended:
            self.ended.set()
        return ended


@dataclass
class Process:
    """One bot process: its own connection pool, clock, manager and router."""

    name: str
    clock: SimulatedClock
    ticks: Ticks
    manager: QuizManager
    router: CommandRouter
    repository: WatchedRepository

    def who(self, name: str, admin: bool = False) -> CommandContext:
        return CommandContext(
            User(f"id-{name}", name, admin),
            Channel("test", "guild-1", "quiz-room", "quiz-room"),
            "en",
            self.clock.now(),
            ZoneInfo("UTC"),
        )

    async def say(self, name: str, text: str) -> Reply:
        return await self.router.handle(self.who(name), text)

    async def chat(self, name: str, text: str) -> Reply | None:
        return await self.router.handle_message(self.who(name), text)

    async def later(self, seconds: float) -> None:
        """Let this process's clock show ``seconds`` more without firing its timers."""
        self.ticks.seconds += seconds


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return QuestionBank.build(load_fact_store(shipped_facts_dir()))


@dataclass
class Cluster:
    url: str
    bank: QuestionBank
    port: HoldingPort
    stack: AsyncExitStack

    async def process(self, name: str, seed: int = 7) -> Process:
        database = await self.stack.enter_async_context(open_database(self.url))
        ticks = Ticks()
        clock = SimulatedClock(START, ticks)
        repository = WatchedRepository(database)
        manager = QuizManager(
            self.bank,
            repository,
            clock,
            {"test": self.port},
            QuizSettings(
                seconds_per_question=SECONDS, quiet_questions=2, owner_lease_seconds=LEASE
            ),
            name,
            random.Random(seed),
        )
        self.stack.push_async_callback(manager.close)
        router = CommandRouter("en")
        subscriptions = SubscriptionRepository(database)
        QuizCommands(manager, repository, DailyQuestion(self.bank), subscriptions.get).register(
            router
        )
        return Process(name, clock, ticks, manager, router, repository)

    def titles(self) -> list[str]:
        return [post.reply.title or post.reply.body for post in self.port.posts]

    def reveals(self) -> list[Reply]:
        return [p.reply for p in self.port.posts if (p.reply.title or "").startswith("Answer:")]


@pytest.fixture
async def cluster(database_url: str, bank: QuestionBank) -> AsyncIterator[Cluster]:
    async with AsyncExitStack() as stack:
        yield Cluster(database_url, bank, HoldingPort(), stack)


async def open_question(process: Process) -> tuple[int, int, int]:
    game = await process.manager.running(ROOM)
    assert game is not None and game.is_open(process.clock.now())
    return game.game_id, game.index, game.current.correct


def wrong(choice: int) -> int:
    return (choice + 1) % 4


async def test_a_game_started_on_one_process_is_answered_through_another(
    cluster: Cluster,
) -> None:
    a = await cluster.process("A")
    b = await cluster.process("B")
    await a.say("alice", "quiz start 2")
    question = cluster.port.posts[0].reply
    _, _, right = await open_question(b)

    pressed = await b.say("bob", question.buttons[right].action)
    assert "is in" in pressed.body
    again = await b.say("bob", question.buttons[wrong(right)].action)
    assert "already answered" in again.body
    game = await b.manager.running(ROOM)
    assert game is not None
    typed = await b.chat("carol", game.current.choices[right].en)
    assert typed is not None and "is in" in typed.body
    assert "already running" in (await b.say("dave", "quiz start")).body

    # Both processes now watch the deadline and both fire: the question closes once.
    await asyncio.gather(a.clock.advance(SECONDS), b.clock.advance(SECONDS))
    assert cluster.titles() == ["Question 1/2", "Answer: " + question_answer(game), "Question 2/2"]
    (reveal,) = cluster.reveals()
    assert "bob (+1000)" in reveal.fields[0].value and "carol (+1000)" in reveal.fields[0].value
    assert [handle.message_id for handle, _ in cluster.port.edits] == ["1"]
    # question 1, edited: its buttons disabled
    assert all(button.disabled for button in cluster.port.posts[0].reply.buttons)

    # Question 2 is driven by whichever process closed question 1; both play it out.
    await asyncio.gather(a.clock.advance(SECONDS), b.clock.advance(SECONDS))
    assert cluster.titles()[-1] == "Quiz over — scoreboard"
    assert cluster.titles().count("Quiz over — scoreboard") == 1
    assert [render_plain(f.name) for f in cluster.port.posts[-1].reply.fields] == [
        "🥇 bob",
        "🥈 carol",
    ]
    assert await a.manager.running(ROOM) is None


def question_answer(game: QuizGame | None) -> str:
    assert game is not None
    return game.current.answer_text("en")


async def test_the_question_closes_exactly_once_when_both_processes_try_at_once(
    cluster: Cluster,
) -> None:
    a = await cluster.process("A")
    b = await cluster.process("B")
    await a.say("alice", "quiz start 3")
    for number in range(3):
        game_id, index, right = await open_question(b)
        await b.say("bob", f"quiz answer {game_id} {index} {right}")
        # Both clocks are past the deadline; neither has fired its timer yet.
        await a.later(SECONDS)
        await b.later(SECONDS)
        closed = await asyncio.gather(
            a.manager.close_question(ROOM, game_id, index),
            b.manager.close_question(ROOM, game_id, index),
        )
        assert sorted(closed) == [False, True]
        assert len(cluster.reveals()) == number + 1
        assert cluster.reveals()[-1].footer == "1 answer(s)"
    assert cluster.titles().count("Quiz over — scoreboard") == 1
    assert len(cluster.port.edits) == 3  # each question edited once, at its close


async def test_a_restart_of_another_process_leaves_a_live_game_alone(cluster: Cluster) -> None:
    a = await cluster.process("A")
    b = await cluster.process("B")
    await a.say("alice", "quiz start 2")
    await b.manager.close()  # B restarts while A's game runs
    b = await cluster.process("B2")
    assert await b.manager.recover_interrupted(b.clock.now()) == 0
    assert not any("interrupted" in title for title in cluster.titles())

    game_id, index, right = await open_question(b)
    assert "is in" in (await b.say("bob", f"quiz answer {game_id} {index} {right}")).body
    await a.clock.advance(SECONDS)  # A, still the owner, closes the question on time
    (reveal,) = cluster.reveals()
    assert "bob (+1000)" in reveal.fields[0].value
    assert cluster.titles()[-1] == "Question 2/2"


async def test_a_game_whose_owner_died_is_ended_with_a_message_by_another(
    cluster: Cluster,
) -> None:
    a = await cluster.process("A")
    b = await cluster.process("B")
    await a.say("alice", "quiz start 3")
    game_id, index, right = await open_question(a)
    await a.say("alice", f"quiz answer {game_id} {index} {right}")
    # A dies: its clock never moves again. Until its lease runs out B leaves the game be.
    await b.clock.advance(SECONDS + LEASE - 1)
    assert await b.manager.recover_interrupted(b.clock.now()) == 0
    await b.clock.advance(2)
    assert await b.manager.recover_interrupted(b.clock.now()) == 1
    assert "interrupted by a restart" in cluster.titles()[-1]
    assert "1 answer(s)" in cluster.titles()[-1]
    assert await b.manager.running(ROOM) is None
    assert await b.manager.recover_interrupted(b.clock.now()) == 0
    # A late wake-up of A finds the game ended and posts nothing.
    posted = len(cluster.port.posts)
    await a.clock.advance(SECONDS)
    assert len(cluster.port.posts) == posted
    started = await b.say("bob", "quiz start 1")
    assert not started.is_error
    assert cluster.titles()[-1] == "Question 1/1"


async def test_starting_where_a_dead_owners_game_is_left_ends_it_first(cluster: Cluster) -> None:
    a = await cluster.process("A")
    b = await cluster.process("B")
    await a.say("alice", "quiz start 3")
    await b.clock.advance(SECONDS + LEASE + 1)
    started = await b.say("bob", "quiz start 1")
    assert not started.is_error
    assert "interrupted by a restart" in cluster.titles()[-2]
    assert cluster.titles()[-1] == "Question 1/1"


async def test_the_answer_window_opens_when_the_question_is_out(cluster: Cluster) -> None:
    a = await cluster.process("A")
    cluster.port.held = "Question 1/2"
    starting = asyncio.create_task(a.say("alice", "quiz start 2"))
    await cluster.port.holding.wait()
    await a.clock.advance(15)  # a slow platform: the post takes 15 s
    waiting = await a.manager.running(ROOM)
    assert waiting is not None and waiting.deadline is None
    early = await a.say("bob", f"quiz answer {waiting.game_id} 0 {waiting.current.correct}")
    assert "closed" in early.body  # nobody can see the question yet
    cluster.port.release.set()
    assert not (await starting).is_error
    game = await a.manager.running(ROOM)
    assert game is not None and game.opened_at == START + timedelta(seconds=15)
    assert game.deadline == START + timedelta(seconds=15 + SECONDS)
    assert a.clock.next_due() == game.deadline
    reply = await a.say("bob", f"quiz answer {game.game_id} 0 {game.current.correct}")
    assert "is in" in reply.body
    await a.clock.advance(SECONDS)
    assert "bob (+1000)" in cluster.reveals()[0].fields[0].value  # the full window, no less


async def test_a_stop_never_comes_before_a_late_question(cluster: Cluster) -> None:
    a = await cluster.process("A")
    await a.say("alice", "quiz start 3")
    cluster.port.held = "Question 2/3"
    closing = asyncio.create_task(a.clock.advance(SECONDS))
    await cluster.port.holding.wait()

    async def stop() -> None:
        reply = await a.say("alice", "quiz stop")
        cluster.port.log.append(f"returned {reply.title}")

    a.repository.log = cluster.port.log
    stopping = asyncio.create_task(stop())
    await a.repository.ended.wait()
    cluster.port.release.set()
    await asyncio.gather(closing, stopping)
    log = cluster.port.log
    # The stop waits for the late question before it reads and returns the scoreboard.
    assert log[-3:] == ["Question 2/3", "scoreboard read", "returned Quiz over — scoreboard"]
    late = cluster.port.posts[-1].reply
    assert late.title == "Question 2/3"  # edited closed at once
    assert late.buttons and all(button.disabled for button in late.buttons)
    assert a.clock.next_due() is None  # no timer for a stopped game


async def test_close_drains_the_outbox_and_no_quiz_starts_during_shutdown(
    cluster: Cluster,
) -> None:
    a = await cluster.process("A")
    await a.say("alice", "quiz start 3")
    reveal_title = "Answer: " + question_answer(await a.manager.running(ROOM))
    cluster.port.held = reveal_title
    closing_question = asyncio.create_task(a.clock.advance(SECONDS))
    await cluster.port.holding.wait()

    async def shut_down() -> None:
        await a.manager.close()
        cluster.port.log.append("closed")

    shutting = asyncio.create_task(shut_down())
    await asyncio.sleep(0)  # the shutdown has begun
    refused = await a.say("bob", "quiz start 1")
    assert refused.is_error and "restarting" in refused.body
    cluster.port.release.set()
    await asyncio.gather(closing_question, shutting)
    log = cluster.port.log
    assert log == ["Question 1/3", reveal_title, "Question 2/3", "closed"]


async def test_an_answer_reaching_the_store_after_the_close_or_the_deadline_is_refused(
    cluster: Cluster,
) -> None:
    a = await cluster.process("A")
    b = await cluster.process("B")
    await a.say("alice", "quiz start 2")
    game = await b.manager.running(ROOM)
    assert game is not None and game.deadline is not None

    def answer(user: str, index: int, when: datetime) -> RecordedAnswer:
        return RecordedAnswer(
            game.game_id, ROOM, user, user, index, game.current.id, "t", True, 900, when
        )

    # What B read said "open"; the store judges by the row as it is when the answer lands.
    assert await b.repository.record_answer(answer("late", 0, game.deadline)) is (
        AnswerOutcome.CLOSED
    )
    assert await b.repository.record_answer(answer("early", 1, START)) is AnswerOutcome.CLOSED
    before = game.deadline - timedelta(seconds=1)
    assert await b.repository.record_answer(answer("bob", 0, before)) is AnswerOutcome.ACCEPTED
    assert await b.repository.record_answer(answer("bob", 0, before)) is (
        AnswerOutcome.ALREADY_ANSWERED
    )
    closed = await a.repository.close_question(game.game_id, 0, "A", game.deadline)
    assert closed is not None and [x.user_id for x in closed.answers] == ["bob"]
    assert await b.repository.record_answer(answer("carol", 0, before)) is AnswerOutcome.CLOSED
    assert await b.repository.close_question(game.game_id, 0, "B", game.deadline) is None


async def test_a_process_that_took_an_answer_goes_on_with_a_dead_owners_game(
    cluster: Cluster,
) -> None:
    a = await cluster.process("A")
    b = await cluster.process("B")
    await a.say("alice", "quiz start 2")
    game_id, index, right = await open_question(b)
    await b.say("bob", f"quiz answer {game_id} {index} {right}")
    # A dies: its clock never moves again. B watches the deadline it answered against.
    await b.clock.advance(SECONDS)
    game = await b.manager.running(ROOM)
    assert game is not None and game.owner == "B" and game.index == 1
    assert cluster.titles()[-1] == "Question 2/2"
    await b.clock.advance(SECONDS)
    assert cluster.titles()[-1] == "Quiz over — scoreboard"
    assert [render_plain(f.name) for f in cluster.port.posts[-1].reply.fields] == ["🥇 bob"]
