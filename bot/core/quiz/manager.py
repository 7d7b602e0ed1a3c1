"""Runs the quizzes of every channel: starts them, takes answers, closes questions on their
timers, posts reveals and scoreboards, and keeps the scores in the database.

One quiz per channel. Each game has one owner (this manager), one timer at a time, and a
lock that makes "take an answer" and "close the question" one-at-a-time, so a question
closes exactly once however many people answer at the buzzer.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.clock import Cancellable, TimerClock
from bot.core.context import ChannelKey, CommandContext
from bot.core.facts import Difficulty
from bot.core.i18n import Lang, parse_language, t
from bot.core.ports import ChatPort, PostTarget
from bot.core.post_keys import post_key
from bot.core.quiz.bank import QuestionBank, localized_choice_texts
from bot.core.quiz.game import AnswerOutcome, QuizGame
from bot.core.quiz.matching import match_choice
from bot.core.quiz.model import GameStatus, RecordedAnswer
from bot.core.quiz.question import CHOICE_LETTERS
from bot.core.quiz.replies import question_reply, reveal_reply, scoreboard_reply
from bot.core.quiz.store import QuizStore
from bot.core.replies import Reply
from bot.core.topics import topic_label

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QuizSettings:
    seconds_per_question: float = 20.0
    quiet_questions: int = 3
    default_questions: int = 5
    max_questions: int = 20


class QuizManager:
    """Owns every running game, its timer and its lock."""

    def __init__(
        self,
        bank: QuestionBank,
        repository: QuizStore,
        clock: TimerClock,
        ports: Mapping[str, ChatPort],
        settings: QuizSettings,
        worker_id: str,
        rng: random.Random,
    ) -> None:
        self._bank = bank
        self._repository = repository
        self._clock = clock
        self._ports = dict(ports)
        self.settings = settings
        self._worker = worker_id
        self._rng = rng
        self._games: dict[ChannelKey, QuizGame] = {}
        self._timers: dict[ChannelKey, Cancellable] = {}
        self._locks: dict[ChannelKey, asyncio.Lock] = {}
        self._starting: set[ChannelKey] = set()
        self._closed = False

    def running(self, channel: ChannelKey) -> QuizGame | None:
        return self._games.get(channel)

    def _lock(self, channel: ChannelKey) -> asyncio.Lock:
        return self._locks.setdefault(channel, asyncio.Lock())

    # -- start / stop ------------------------------------------------------------------

    async def start(
        self,
        context: CommandContext,
        count: int,
        topic: str | None,
        difficulty: Difficulty | None,
        lang: Lang,
    ) -> Reply:
        """Start a quiz in the caller's channel; the reply is its first question."""
        key = context.channel.key
        if key in self._games or key in self._starting:
            return Reply(body=t("quiz_already_running", lang), ephemeral=True, is_error=True)
        questions = self._bank.pick(count, self._rng, topic, difficulty)
        if not questions:
            return Reply(body=t("quiz_no_questions", lang), ephemeral=True, is_error=True)
        self._starting.add(key)
        try:
            game_id = await self._repository.create_game(
                key,
                context.channel.name,
                lang,
                context.user.id,
                self._worker,
                len(questions),
                context.now,
            )
        finally:
            self._starting.discard(key)
        game = QuizGame(
            game_id,
            key,
            context.channel.name,
            context.user.id,
            lang,
            tuple(questions),
            self.settings.seconds_per_question,
            self.settings.quiet_questions,
        )
        self._games[key] = game
        async with self._lock(key):
            question = game.open_next(self._clock.now())
            self._arm_timer(game)
        suffix = t("quiz_topic_suffix", lang, topic=topic_label(topic, lang)) if topic else ""
        intro = t("quiz_started", lang, user=context.user.name, count=len(questions), topic=suffix)
        return question_reply(game, question, intro)

    async def stop(self, context: CommandContext, lang: Lang) -> Reply:
        key = context.channel.key
        game = self._games.get(key)
        if game is None:
            return Reply(body=t("quiz_none_running", lang), ephemeral=True)
        if context.user.id != game.starter_id and not context.user.is_admin:
            return Reply(body=t("quiz_not_yours", lang), ephemeral=True, is_error=True)
        async with self._lock(key):
            if self._games.get(key) is not game:
                return Reply(body=t("quiz_none_running", lang), ephemeral=True)
            game.close()
            note = t("quiz_stopped_by", game.language, user=context.user.name)
            await self._end(game, GameStatus.STOPPED, context.now)
        return scoreboard_reply(game.scoreboard(), game.index + 1, game.language, note)

    # -- answers -----------------------------------------------------------------------

    async def answer(
        self, context: CommandContext, game_id: int, index: int, choice: int, lang: Lang
    ) -> Reply:
        """A button press: record the answer, tell only the presser."""
        game = self._games.get(context.channel.key)
        if game is None or game.game_id != game_id or not 0 <= choice < len(CHOICE_LETTERS):
            return Reply(body=t("quiz_closed", lang), ephemeral=True)
        return await self._take(game, context, index, choice, lang)

    async def typed(self, context: CommandContext, text: str, lang: Lang) -> Reply | None:
        """A plain chat message: an answer if it names a choice of the open question."""
        game = self._games.get(context.channel.key)
        if game is None or not game.is_open or len(text) > 200:
            return None
        choice = match_choice(text, localized_choice_texts(game.current.choices))
        if choice is None:
            return None
        return await self._take(game, context, game.index, choice, lang)

    async def _take(
        self, game: QuizGame, context: CommandContext, index: int, choice: int, lang: Lang
    ) -> Reply:
        async with self._lock(game.channel):
            outcome, answer = game.answer(
                context.user.id, context.user.name, index, choice, self._clock.now()
            )
            question = game.current
        if outcome is AnswerOutcome.CLOSED:
            return Reply(body=t("quiz_closed", lang), ephemeral=True)
        if outcome is AnswerOutcome.ALREADY_ANSWERED or answer is None:
            return Reply(body=t("quiz_already_answered", lang), ephemeral=True)
        stored = await self._repository.record_answer(
            RecordedAnswer(
                game.game_id,
                game.channel,
                context.user.id,
                context.user.name,
                index,
                question.id,
                question.topic,
                answer.correct,
                answer.points,
                self._clock.now(),
            )
        )
        if not stored:  # the database already has one: the first answer stands
            return Reply(body=t("quiz_already_answered", lang), ephemeral=True)
        return Reply(body=t("quiz_recorded", lang, choice=CHOICE_LETTERS[choice]), ephemeral=True)

    async def forget_player(self, platform: str, tenant: str, user_id: str) -> None:
        """Drop ``user_id`` from every running game of the tenant (after ``forget-me``)."""
        for key, game in list(self._games.items()):
            if (key.platform, key.tenant) == (platform, tenant):
                async with self._lock(key):
                    game.forget(user_id)

    # -- the clock ---------------------------------------------------------------------

    def _arm_timer(self, game: QuizGame) -> None:
        assert game.opened_at is not None
        deadline = game.opened_at + timedelta(seconds=game.seconds_per_question)
        index = game.index

        async def on_deadline() -> None:
            await self._close_question(game, index)

        self._cancel_timer(game.channel)
        self._timers[game.channel] = self._clock.call_at(deadline, on_deadline)

    def _cancel_timer(self, channel: ChannelKey) -> None:
        if (timer := self._timers.pop(channel, None)) is not None:
            timer.cancel()

    async def _close_question(self, game: QuizGame, index: int) -> None:
        outgoing: list[tuple[Reply, str]] = []
        async with self._lock(game.channel):
            if self._closed or self._games.get(game.channel) is not game or game.index != index:
                return
            reveal = game.close()
            if reveal is None:
                return
            self._timers.pop(game.channel, None)
            outgoing.append((reveal_reply(reveal, game.language), f"r{index}"))
            now = self._clock.now()
            if game.gone_quiet or not game.has_next:
                note = (
                    t("quiz_quiet", game.language, n=game.quiet_streak) if game.gone_quiet else ""
                )
                board = scoreboard_reply(game.scoreboard(), game.index + 1, game.language, note)
                await self._end(game, GameStatus.FINISHED, now)
                outgoing.append((board, "end"))
            else:
                question = game.open_next(now)
                self._arm_timer(game)
                outgoing.append((question_reply(game, question), f"q{game.index}"))
        # Posting happens outside the lock: answers to the next question need not wait for
        # a slow or rate-limited platform.
        for reply, suffix in outgoing:
            await self._post(game, reply, suffix)

    async def _end(self, game: QuizGame, status: GameStatus, now: datetime) -> None:
        self._cancel_timer(game.channel)
        self._games.pop(game.channel, None)
        self._locks.pop(game.channel, None)  # holders keep their reference; no leak per channel
        await self._repository.end_game(game.game_id, status, now)

    async def _post(self, game: QuizGame, reply: Reply, suffix: str) -> None:
        port = self._ports.get(game.channel.platform)
        if port is None:
            return
        target = PostTarget.of(game.channel, game.channel_name)
        try:
            await port.post(target, reply, post_key("quiz", game.game_id, suffix))
        except Exception:  # the game goes on; a lost message is logged, not fatal
            log.exception("could not post to %s", game.channel)

    # -- restarts ----------------------------------------------------------------------

    async def recover_interrupted(self, now: datetime) -> int:
        """End, with a message, the games a previous run of this bot left unfinished."""
        ended = 0
        for stale in await self._repository.interrupted_games(self._ports):
            port = self._ports[stale.channel.platform]
            if stale.channel in self._games or not port.serves(stale.channel.tenant):
                continue
            await self._repository.end_game(stale.game_id, GameStatus.INTERRUPTED, now)
            lang = parse_language(stale.language) or "en"
            target = PostTarget.of(stale.channel, stale.channel_name)
            try:
                await port.post(
                    target,
                    Reply(body=t("quiz_interrupted", lang, n=stale.answers)),
                    post_key("quiz", stale.game_id, "int"),
                )
            except Exception:
                log.exception("could not tell %s its quiz was interrupted", stale.channel)
            ended += 1
        return ended

    async def close(self) -> None:
        """Shut down: cancel every timer and wait for a question being closed right now.
        Games stay 'running' in the database, so the next start-up ends them with a message
        (the same path as after a crash)."""
        self._closed = True
        for channel in list(self._timers):
            self._cancel_timer(channel)
        for lock in list(self._locks.values()):
            async with lock:
                pass
        self._games.clear()
