"""Threads and DMs through the whole core on a real database (SQLite file, PostgreSQL): a
quiz started in a thread posts only there, from every process; DMs run only the commands
that need no server; the server's quiz length and the users' settings are stored."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event

from bot.app import Core, running_core
from bot.config import Settings
from bot.core.clock import SimulatedClock
from bot.core.context import Channel, CommandContext, User
from bot.core.ports import PostTarget
from bot.core.quiz.bank import QuestionBank
from bot.core.replies import Reply
from bot.core.settings import DIRECT_TENANT, UserSettings
from bot.storage.quiz import QuizRepository
from tests.conftest import FIXTURE_FACTS
from tests.fakes import FakeChatPort

NOW = datetime(2026, 6, 22, 10, 0, tzinfo=UTC)
CHANNEL = Channel("test", "g1", "c1", "history")
THREAD = Channel("test", "g1", "t77", "quiz-night", kind="thread", parent_id="c1")
DM = Channel("test", "", "d1", "@alice", kind="dm")
SERVER_ONLY = [
    "quiz start",
    "quiz stop",
    "quiz answer 1 0 0",
    "leaderboard",
    "stats",
    "subscribe time 09:00",
    "unsubscribe",
    "subscription",
    "forget-me",
    "forget-me confirm",
    "server-settings",
]
DM_COMMANDS = ["fact", "today", "on 06-22", "search Yalta", "help", "settings"]


class StandStill:
    def __call__(self) -> float:
        return 0.0


@dataclass
class Bot:
    core: Core
    port: FakeChatPort
    clock: SimulatedClock

    async def say(
        self, where: Channel, text: str, admin: bool = False, name: str = "alice"
    ) -> Reply:
        context = CommandContext(User(f"id-{name}", name, admin), where, "en", self.clock.now())
        return await self.core.router.handle(context, text)

    async def chat(self, where: Channel, text: str, name: str = "bob") -> Reply | None:
        context = CommandContext(User(f"id-{name}", name), where, "en", self.clock.now())
        return await self.core.router.handle_message(context, text)


async def until(condition: Callable[[], bool]) -> None:
    """Poll briefly for what another connection delivers (a notification, a connect)."""
    for _ in range(400):
        if condition():
            return
        await asyncio.sleep(0.025)


@pytest.fixture
async def bot(database_url: str, tmp_path: Path) -> AsyncIterator[Bot]:
    settings = Settings.model_validate(
        {
            "bot": {"facts_dir": str(FIXTURE_FACTS), "data_dir": str(tmp_path)},
            "database": {"url": database_url},
            "quiz": {"seconds_per_question": 20, "default_questions": 3},
        }
    )
    port = FakeChatPort()
    clock = SimulatedClock(NOW, StandStill())
    async with running_core(settings, {port.platform: port}, clock) as core:
        yield Bot(core, port, clock)


async def test_a_quiz_started_in_a_thread_posts_everything_there(bot: Bot) -> None:
    started = await bot.say(THREAD, "quiz start questions 2")
    assert started.ephemeral and not started.is_error, started.body
    game = await bot.core.quiz.running(THREAD.key)
    assert game is not None and game.parent_id == "c1"
    # The thread has its own game: the channel may run another one at the same time.
    assert await bot.core.quiz.running(CHANNEL.key) is None

    right = game.current.choices[game.current.correct].en
    typed = await bot.chat(THREAD, right)
    assert typed is not None and typed.kind == "acknowledged" and "is in" in typed.body
    assert await bot.chat(CHANNEL, right) is None  # the channel has no game

    await bot.clock.advance(20)
    await bot.clock.advance(20)
    titles = [post.reply.title or "" for post in bot.port.posts]
    assert titles[0] == "Question 1/2" and titles[-1] == "Quiz over — scoreboard"
    thread = PostTarget("test", "g1", "c1", "quiz-night", "t77")
    assert {post.target for post in bot.port.posts} == {thread}
    # The closed questions were edited where they were posted: in the thread.
    assert bot.port.edits and {handle.thread_id for handle, _ in bot.port.edits} == {"t77"}
    assert {handle.channel_id for handle, _ in bot.port.edits} == {"c1"}


async def test_a_quiz_stopped_in_its_thread_edits_its_question_there(bot: Bot) -> None:
    await bot.say(THREAD, "quiz start questions 2")
    stopped = await bot.say(THREAD, "quiz stop")
    assert stopped.title == "Quiz over — scoreboard"
    handle, closed = bot.port.edits[-1]
    assert (handle.channel_id, handle.thread_id) == ("c1", "t77")
    # The closed question keeps its answers, none of them pressable any more.
    assert closed.buttons and all(button.disabled for button in closed.buttons)


async def test_daily_posts_are_refused_in_a_thread(bot: Bot) -> None:
    for line in ("subscribe time 09:00", "unsubscribe", "subscription"):
        reply = await bot.say(THREAD, line, admin=True)
        assert reply.ephemeral and "not a thread" in reply.body, line
    assert await bot.core.subscriptions.get(THREAD.key) is None
    assert await bot.core.subscriptions.get(CHANNEL.key) is None


@pytest.mark.parametrize("line", SERVER_ONLY)
async def test_server_commands_in_a_dm_say_so_privately(bot: Bot, line: str) -> None:
    reply = await bot.say(DM, line, admin=True)
    assert reply.ephemeral and "works only in a server channel" in reply.body
    assert not bot.port.posts
    assert await bot.core.quiz.running(DM.key) is None
    assert await bot.core.subscriptions.get(DM.key) is None


@pytest.mark.parametrize("line", DM_COMMANDS)
async def test_the_commands_that_need_no_server_work_in_a_dm(bot: Bot, line: str) -> None:
    reply = await bot.say(DM, line)
    assert not reply.is_error, reply.body
    assert "works only in a server channel" not in reply.body


async def test_a_dm_hears_no_typed_answers(bot: Bot) -> None:
    assert await bot.chat(DM, "A") is None


async def test_the_servers_quiz_length_is_the_default_of_a_quiz_start(bot: Bot) -> None:
    await bot.say(CHANNEL, "server-settings quiz-length 2", admin=True)
    await bot.say(CHANNEL, "quiz start")
    game = await bot.core.quiz.running(CHANNEL.key)
    assert game is not None and len(game.questions) == 2
    await bot.say(CHANNEL, "quiz stop", admin=True)
    await bot.say(CHANNEL, "quiz start questions 1")  # a count given still wins
    game = await bot.core.quiz.running(CHANNEL.key)
    assert game is not None and len(game.questions) == 1


async def test_a_users_settings_are_stored_and_follow_them_in_the_server(bot: Bot) -> None:
    await bot.say(CHANNEL, "settings language ja")
    await bot.say(DM, "settings timezone Asia/Tokyo")
    store = bot.core.preferences
    assert await store.user_settings("test", "g1", "id-alice") == UserSettings(
        "test", "g1", "id-alice", "ja", None
    )
    assert (await store.user_settings("test", DIRECT_TENANT, "id-alice")).timezone == "Asia/Tokyo"
    # In a thread of the server, in Japanese; the zone comes from the DM settings.
    shown = await bot.say(THREAD, "settings")
    assert shown.title == "あなたの設定"
    assert [f.value for f in shown.fields] == ["ja（あなたの設定）", "自動（現在は Asia/Tokyo）"]


async def test_a_dead_owners_game_in_a_thread_is_ended_in_the_thread(bot: Bot) -> None:
    repository = QuizRepository(bot.core.database)
    questions = QuestionBank.build(bot.core.store).pick(1, random.Random(3))
    # Started by a process that died at once: its lease is already over.
    game_id = await repository.create_game(
        THREAD.key,
        THREAD.name,
        "en",
        "id-alice",
        "dead-worker",
        questions,
        NOW,
        NOW,
        parent_id="c1",
    )
    assert game_id is not None
    await bot.clock.advance(1)
    stale = await repository.interrupted_games(["test"], bot.clock.now())
    assert [(game.game_id, game.parent_id) for game in stale] == [(game_id, "c1")]
    assert await bot.core.quiz.recover_interrupted(bot.clock.now()) == 1
    notice = bot.port.posts[-1]
    assert notice.target == PostTarget("test", "g1", "c1", "quiz-night", "t77")
    assert "interrupted" in notice.reply.body


async def test_resolving_a_callers_preferences_costs_a_bounded_number_of_queries(
    bot: Bot,
) -> None:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    # On PostgreSQL the cache serves once this process listens for other processes' writes.
    listener = getattr(bot.core.preferences, "listener", None)
    await until(lambda: listener is None or listener.connects > 0)
    engine = bot.core.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        await bot.say(CHANNEL, "help")  # no zone of the user's own: the subscription is read
        without_zone = len(statements)
        statements.clear()
        await bot.say(CHANNEL, "fact")  # any fact, whatever the day: no zone to resolve
        fact = len(statements)
        await bot.say(CHANNEL, "settings timezone Asia/Tokyo")
        # On PostgreSQL the write's own notification comes back and evicts the user again
        # (before or after the settings command stored its read): one more command reads.
        await until(lambda: listener is None or listener.notifications > 0)
        await bot.say(CHANNEL, "help")
        statements.clear()
        await bot.say(CHANNEL, "help")
        with_zone = len(statements)
        statements.clear()
        await bot.chat(CHANNEL, "hello")  # a chat message: no zone, then the quiz's own read
        chat = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # help reads nothing itself: what is counted is the resolution alone. The first command
    # reads the tenant and user rows in one, then the subscription; later ones find the
    # rows cached, the user's zone too once it is theirs.
    assert (without_zone, with_zone) == (2, 0)
    assert chat == 2  # bob's tenant and user rows (not cached yet), and the running game
    assert fact == 0  # the rows are cached; the fact itself is in memory
