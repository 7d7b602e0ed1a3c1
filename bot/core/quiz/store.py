"""What quizzes need from storage; ``bot.storage`` implements it, tests may fake it.

A running game is stored, not held by the process that started it: any process serving the
channel can take an answer, and closing a question, moving on and ending a game are claims
(an update that names the state it expects), so each happens once however many processes
try.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Protocol

from bot.core.context import ChannelKey
from bot.core.ports import MessageHandle
from bot.core.quiz.game import AnswerOutcome, Player, QuizGame
from bot.core.quiz.model import (
    ClosedQuestion,
    GameStatus,
    LeaderboardRow,
    RecordedAnswer,
    RunningGame,
    UserStats,
)
from bot.core.quiz.question import QuizQuestion


class QuizStore(Protocol):
    """Games, answers and daily-question answers; every query is scoped to one tenant."""

    async def create_game(
        self,
        channel: ChannelKey,
        channel_name: str,
        language: str,
        started_by: str,
        owner: str,
        questions: Sequence[QuizQuestion],
        lease_until: datetime,
        now: datetime,
        parent_id: str | None = None,
    ) -> int | None:
        """Store a new running game at its first question, not yet open; returns its id, or
        None when a game is already running in the channel. ``parent_id``: ``channel`` is a
        thread in that channel, where the game posts."""
        ...

    async def running_game(self, channel: ChannelKey) -> QuizGame | None:
        """The channel's running game, as stored now."""
        ...

    async def open_question(
        self,
        game_id: int,
        index: int,
        opened_at: datetime,
        deadline: datetime,
        message: MessageHandle | None,
        owner: str,
        lease_until: datetime,
    ) -> bool:
        """Open question ``index`` for answers until ``deadline`` (once its post is out);
        False when the game has moved on or ended meanwhile."""
        ...

    async def record_answer(self, answer: RecordedAnswer) -> AnswerOutcome:
        """Store an answer if its question is still open at ``answer.answered_at``; one per
        user per question."""
        ...

    async def close_question(
        self, game_id: int, index: int, owner: str, lease_until: datetime
    ) -> ClosedQuestion | None:
        """The claim: close question ``index`` if it is still open; None when another
        caller closed it first (or the game ended). The winner becomes the owner."""
        ...

    async def next_question(self, game_id: int, index: int) -> bool:
        """Move from closed question ``index`` to the next one (not yet open)."""
        ...

    async def scoreboard(self, game_id: int) -> list[Player]: ...

    async def end_game(self, game_id: int, status: GameStatus, now: datetime) -> bool:
        """End a running game; False when it had ended already."""
        ...

    async def interrupted_games(
        self, platforms: Collection[str], now: datetime
    ) -> list[RunningGame]:
        """Running games whose owner's lease ran out before ``now``: nobody drives them."""
        ...

    async def leaderboard(
        self, platform: str, tenant: str, offset: int, limit: int
    ) -> tuple[list[LeaderboardRow], int]: ...

    async def find_user(self, platform: str, tenant: str, who: str) -> str | None: ...

    async def user_stats(self, platform: str, tenant: str, user_id: str) -> UserStats | None: ...

    async def record_daily_answer(
        self,
        channel: ChannelKey,
        user_id: str,
        user_name: str,
        local_date: date,
        question_id: str,
        correct: bool,
        now: datetime,
    ) -> bool:
        """False when the user already answered that day."""
        ...

    async def forget(self, platform: str, tenant: str, user_id: str) -> int: ...
