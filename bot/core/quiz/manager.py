"""Runs the quizzes of every channel: starts them, takes answers, closes questions on their
deadlines, posts reveals and scoreboards, and keeps the games in the database.

One quiz per channel, stored, so every process serving the channel plays the same game: any
of them takes an answer (recorded against the stored open question) and any of them may
close an expired question, which happens exactly once because closing is a claim in the
store. The process that started a game, or that last closed one of its questions, owns it
and holds a lease; a game whose owner's lease has run out is ended, with a message, by
:meth:`QuizManager.recover_interrupted`.

What a game posts (question, the closed question's edit, reveal, scoreboard) goes through
that game's outbox: one queue drained by one task, so the channel sees them in order. A
question's answer window opens when its post is out, not when it was queued.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core.clock import Cancellable, TimerClock
from bot.core.context import ChannelKey, CommandContext
from bot.core.facts import Difficulty
from bot.core.i18n import Lang, parse_language, t, t_rich
from bot.core.ports import ChatPort, MessageHandle, PostTarget
from bot.core.post_keys import check_post_key
from bot.core.quiz.bank import QuestionBank, localized_choice_texts
from bot.core.quiz.game import AnswerOutcome, QuizGame, Reveal, ranked
from bot.core.quiz.matching import match_choice
from bot.core.quiz.model import GameStatus, RecordedAnswer
from bot.core.quiz.question import CHOICE_LETTERS, QuizQuestion
from bot.core.quiz.replies import (
    closed_question_reply,
    question_reply,
    reveal_reply,
    scoreboard_reply,
)
from bot.core.quiz.store import QuizStore
from bot.core.replies import Reply
from bot.core.rich import user_text
from bot.core.topics import topic_label

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QuizSettings:
    seconds_per_question: float = 20.0
    quiet_questions: int = 3
    default_questions: int = 5
    max_questions: int = 20
    # How long past its latest deadline (or claim) an owner's game is its own: a process
    # that has not moved the game on by then is taken for dead.
    owner_lease_seconds: float = 60.0


def _thread_parent(context: CommandContext) -> str | None:
    """The channel of the thread the command came from: a quiz started there stays there."""
    channel = context.channel
    return channel.parent_id if channel.kind == "thread" else None


def post_key(game_id: int, suffix: str) -> str:
    """The idempotency key of one of a game's posts (short: keys stop at 25 characters)."""
    return check_post_key(f"quiz{game_id}-{suffix}")


@dataclass
class _Outgoing:
    """One thing a game's outbox sends: a post, or an edit of an earlier post. A post that
    ``opens`` a question opens its answer window once it is out."""

    reply: Reply
    key: str = ""
    edit: MessageHandle | None = None
    opens: int | None = None
    done: asyncio.Future[bool] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


@dataclass
class _Outbox:
    queue: asyncio.Queue[_Outgoing]
    task: asyncio.Task[None] | None = None


class QuizManager:
    """Drives the games of the channels this process serves, with the store as the truth."""

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
        # game id → the timer that closes its open question here (the owner's, or a
        # watcher's after it took an answer: both may try, the claim picks one).
        self._timers: dict[int, tuple[int, Cancellable]] = {}
        self._outboxes: dict[int, _Outbox] = {}
        self._closed = False

    @property
    def _lease(self) -> timedelta:
        return timedelta(seconds=self.settings.owner_lease_seconds)

    async def running(self, channel: ChannelKey) -> QuizGame | None:
        """The channel's running game, as stored (whichever process started it)."""
        return await self._repository.running_game(channel)

    # -- start / stop ------------------------------------------------------------------

    async def start(
        self,
        context: CommandContext,
        count: int,
        topic: str | None,
        difficulty: Difficulty | None,
        lang: Lang,
    ) -> Reply:
        """Start a quiz in the caller's channel and post its first question there."""
        if self._closed:
            return Reply(body=t("quiz_shutting_down", lang), ephemeral=True, is_error=True)
        key = context.channel.key
        await self._bank.ready()
        questions = self._bank.pick(count, self._rng, topic, difficulty)
        if not questions:
            return Reply(body=t("quiz_no_questions", lang), ephemeral=True, is_error=True)
        game_id = await self._create(context, lang, questions)
        if game_id is None:
            # The channel's game may be one whose owner died: end it, then try once more.
            if await self.recover_interrupted(self._clock.now()):
                game_id = await self._create(context, lang, questions)
            if game_id is None:
                return Reply(body=t("quiz_already_running", lang), ephemeral=True, is_error=True)
        game = QuizGame(
            game_id,
            key,
            context.channel.name,
            context.user.id,
            lang,
            tuple(questions),
            parent_id=_thread_parent(context),
        )
        suffix = t("quiz_topic_suffix", lang, topic=topic_label(topic, lang)) if topic else ""
        intro = t_rich(
            "quiz_started",
            lang,
            user=user_text(context.user.name),
            count=len(questions),
            topic=suffix,
        )
        first = _Outgoing(
            question_reply(game, 0, self.settings.seconds_per_question, intro),
            post_key(game_id, "q0"),
            opens=0,
        )
        if not await self._send(game, [first]):
            await self._repository.end_game(game_id, GameStatus.STOPPED, self._clock.now())
            return Reply(body=t("quiz_start_failed", lang), ephemeral=True, is_error=True)
        posted = "quiz_start_posted_thread" if game.parent_id else "quiz_start_posted"
        return Reply(body=t(posted, lang), ephemeral=True)

    async def _create(
        self, context: CommandContext, lang: Lang, questions: Sequence[QuizQuestion]
    ) -> int | None:
        now = self._clock.now()
        return await self._repository.create_game(
            context.channel.key,
            context.channel.name,
            lang,
            context.user.id,
            self._worker,
            questions,
            now + self._lease,
            context.now,
            parent_id=_thread_parent(context),
        )

    async def stop(self, context: CommandContext, lang: Lang) -> Reply:
        game = await self._repository.running_game(context.channel.key)
        if game is None:
            return Reply(body=t("quiz_none_running", lang), ephemeral=True)
        if context.user.id != game.starter_id and not context.user.is_admin:
            return Reply(body=t("quiz_not_yours", lang), ephemeral=True, is_error=True)
        if not await self._repository.end_game(game.game_id, GameStatus.STOPPED, context.now):
            return Reply(body=t("quiz_none_running", lang), ephemeral=True)
        self._cancel_timer(game.game_id)
        outgoing = []
        if game.message is not None and not game.closed:
            outgoing.append(_Outgoing(closed_question_reply(game, game.index), edit=game.message))
        # Whatever this process still has queued for the game goes out before the scoreboard
        # is returned, so "Quiz over" cannot come before a late question.
        await self._send(game, outgoing)
        board = await self._repository.scoreboard(game.game_id)
        note = t_rich("quiz_stopped_by", game.language, user=user_text(context.user.name))
        return scoreboard_reply(ranked(board), game.index + 1, game.language, note)

    # -- answers -----------------------------------------------------------------------

    async def answer(
        self, context: CommandContext, game_id: int, index: int, choice: int, lang: Lang
    ) -> Reply:
        """A button press: record the answer, tell only the presser."""
        game = await self._repository.running_game(context.channel.key)
        if game is None or game.game_id != game_id or not 0 <= choice < len(CHOICE_LETTERS):
            return Reply(body=t("quiz_closed", lang), ephemeral=True)
        return await self._take(game, context, index, choice, lang)

    async def typed(self, context: CommandContext, text: str, lang: Lang) -> Reply | None:
        """A plain chat message: an answer if it names a choice of the open question."""
        if len(text) > 200:
            return None
        game = await self._repository.running_game(context.channel.key)
        if game is None or not game.is_open(self._clock.now()):
            return None
        choice = match_choice(text, localized_choice_texts(game.current.choices))
        if choice is None:
            return None
        return await self._take(game, context, game.index, choice, lang)

    async def _take(
        self, game: QuizGame, context: CommandContext, index: int, choice: int, lang: Lang
    ) -> Reply:
        now = self._clock.now()
        self._watch(game)
        if index != game.index or not game.is_open(now):
            return Reply(body=t("quiz_closed", lang), ephemeral=True)
        question = game.current
        correct = choice == question.correct
        outcome = await self._repository.record_answer(
            RecordedAnswer(
                game.game_id,
                game.channel,
                context.user.id,
                context.user.name,
                index,
                question.id,
                question.topic,
                correct,
                game.points(correct, now),
                now,
            )
        )
        if outcome is AnswerOutcome.CLOSED:
            return Reply(body=t("quiz_closed", lang), ephemeral=True)
        if outcome is AnswerOutcome.ALREADY_ANSWERED:
            return Reply(body=t("quiz_already_answered", lang), ephemeral=True)
        return Reply(body=t("quiz_recorded", lang, choice=CHOICE_LETTERS[choice]), ephemeral=True)

    # -- the clock ---------------------------------------------------------------------

    def _watch(self, game: QuizGame) -> None:
        """Make sure this process tries to close the game's open question at its deadline
        (at once if it has passed): the owner may be gone."""
        if self._closed or not game.awaiting_close or game.deadline is None:
            return
        armed = self._timers.get(game.game_id)
        if armed is None or armed[0] != game.index:
            self._arm_timer(game.game_id, game.channel, game.index, game.deadline)

    def _arm_timer(self, game_id: int, channel: ChannelKey, index: int, deadline: datetime) -> None:
        async def on_deadline() -> None:
            if self._timers.get(game_id, (None,))[0] == index:
                self._timers.pop(game_id, None)
            await self.close_question(channel, game_id, index)

        self._cancel_timer(game_id)
        self._timers[game_id] = (index, self._clock.call_at(deadline, on_deadline))

    def _cancel_timer(self, game_id: int) -> None:
        if (armed := self._timers.pop(game_id, None)) is not None:
            armed[1].cancel()

    async def close_question(self, channel: ChannelKey, game_id: int, index: int) -> bool:
        """Close question ``index`` of the channel's game if its deadline has passed and no
        process has closed it yet; then post the reveal and the next question or the
        scoreboard. True if this call closed it."""
        if self._closed:
            return False
        game = await self._repository.running_game(channel)
        if game is None or game.game_id != game_id or game.index != index:
            return False
        now = self._clock.now()
        if not game.awaiting_close or game.deadline is None:
            return False
        if now < game.deadline:  # not yet: a clock that fired early
            self._arm_timer(game_id, channel, index, game.deadline)
            return False
        closed = await self._repository.close_question(
            game_id, index, self._worker, now + self._lease
        )
        if closed is None:  # another process (or another timer) closed it first
            return False
        outgoing: list[_Outgoing] = []
        if closed.message is not None:
            outgoing.append(_Outgoing(closed_question_reply(game, index), edit=closed.message))
        reveal = Reveal(game.current, index, closed.answers)
        outgoing.append(
            _Outgoing(reveal_reply(reveal, game.language), post_key(game_id, f"r{index}"))
        )
        quiet = closed.quiet_streak >= self.settings.quiet_questions
        if quiet or not game.has_next:
            board = await self._repository.scoreboard(game_id)
            await self._repository.end_game(game_id, GameStatus.FINISHED, now)
            note = t("quiz_quiet", game.language, n=closed.quiet_streak) if quiet else ""
            outgoing.append(
                _Outgoing(
                    scoreboard_reply(ranked(board), index + 1, game.language, note),
                    post_key(game_id, "end"),
                )
            )
        elif await self._repository.next_question(game_id, index):
            following = index + 1
            outgoing.append(
                _Outgoing(
                    question_reply(game, following, self.settings.seconds_per_question),
                    post_key(game_id, f"q{following}"),
                    opens=following,
                )
            )
        await self._send(game, outgoing)
        return True

    # -- the outbox --------------------------------------------------------------------

    async def _send(self, game: QuizGame, outgoing: list[_Outgoing]) -> bool:
        """Queue ``outgoing`` in the game's outbox and wait until it (and everything queued
        before it) is out; True if every item went out."""
        box = self._outboxes.get(game.game_id)
        if box is None:
            box = self._outboxes[game.game_id] = _Outbox(asyncio.Queue())
        for item in outgoing:
            box.queue.put_nowait(item)
        if box.task is None:
            box.task = asyncio.create_task(self._drain(game, box))
        waiting = [item.done for item in outgoing] or [self._queued_last(box)]
        # wait(), unlike gather(), leaves the items alone if this caller is cancelled.
        await asyncio.wait(waiting)
        return all(not f.cancelled() and f.result() for f in waiting)

    def _queued_last(self, box: _Outbox) -> asyncio.Future[bool]:
        marker: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        box.queue.put_nowait(_Outgoing(Reply(body=""), done=marker))
        return marker

    async def _drain(self, game: QuizGame, box: _Outbox) -> None:
        """The one task that sends a game's posts, in the order they were queued; it ends
        when the queue is empty, and the next send starts another."""
        try:
            while not box.queue.empty():
                item = box.queue.get_nowait()
                try:
                    sent = await self._deliver(game, item) if item.key or item.edit else True
                except Exception:  # the game goes on; a lost message is logged, not fatal
                    log.exception("could not post to %s", game.channel)
                    sent = False
                if not item.done.done():
                    item.done.set_result(sent)
        finally:
            if self._outboxes.get(game.game_id) is box:
                del self._outboxes[game.game_id]
            while not box.queue.empty():  # only after a cancellation
                box.queue.get_nowait().done.cancel()

    async def _deliver(self, game: QuizGame, item: _Outgoing) -> bool:
        port = self._ports.get(game.channel.platform)
        if port is None:
            return False
        if item.edit is not None:
            await port.edit(item.edit, item.reply)
            return True
        if item.opens is not None:
            now = await self._repository.running_game(game.channel)
            if now is None or now.game_id != game.game_id or now.index != item.opens:
                return False  # stopped meanwhile: no more questions
        target = game.target
        handle: MessageHandle | None = None
        try:
            handle = await port.post(target, item.reply, item.key)
        except Exception:
            if not item.opens:  # not a later question: the caller hears of it
                raise
            # A later question still opens, so the game goes on and ends; a lost question
            # is logged, not fatal.
            log.exception("could not post question %d to %s", item.opens + 1, game.channel)
        if item.opens is not None:
            # The window opens now that the question is out, whatever the post cost.
            opened_at = self._clock.now()
            deadline = opened_at + timedelta(seconds=self.settings.seconds_per_question)
            opened = await self._repository.open_question(
                game.game_id,
                item.opens,
                opened_at,
                deadline,
                handle,
                self._worker,
                deadline + self._lease,
            )
            if not opened:  # the game was stopped while the question was on its way
                if handle is not None:
                    await port.edit(handle, closed_question_reply(game, item.opens))
                return True
            if not self._closed:
                self._arm_timer(game.game_id, game.channel, item.opens, deadline)
        return True

    # -- restarts ----------------------------------------------------------------------

    async def recover_interrupted(self, now: datetime) -> int:
        """End, with a message, the running games whose owner's lease has run out (a process
        that stopped or died mid-quiz); games other live processes drive are left alone.
        Safe to run in several processes at once: ending is a claim."""
        ended = 0
        for stale in await self._repository.interrupted_games(self._ports, now):
            port = self._ports[stale.channel.platform]
            if not port.serves(stale.channel.tenant):
                continue
            if not await self._repository.end_game(stale.game_id, GameStatus.INTERRUPTED, now):
                continue
            lang = parse_language(stale.language) or "en"
            target = PostTarget.of(stale.channel, stale.channel_name, stale.parent_id)
            try:
                await port.post(
                    target,
                    Reply(body=t("quiz_interrupted", lang, n=stale.answers)),
                    post_key(stale.game_id, "int"),
                )
            except Exception:
                log.exception("could not tell %s its quiz was interrupted", stale.channel)
            ended += 1
        return ended

    async def close(self) -> None:
        """Shut down: refuse new quizzes, cancel this process's timers and send what the
        outboxes still hold. Games stay running in the database; once their lease runs out
        another process (or the next start-up) ends them with a message."""
        self._closed = True
        for game_id in list(self._timers):
            self._cancel_timer(game_id)
        while self._outboxes:
            tasks = [box.task for box in self._outboxes.values() if box.task is not None]
            if not tasks:
                break
            await asyncio.gather(*tasks, return_exceptions=True)
