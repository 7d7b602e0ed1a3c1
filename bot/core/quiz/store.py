"""What quizzes need from storage; ``bot.storage`` implements it, tests may fake it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Protocol

from bot.core.context import ChannelKey
from bot.core.quiz.model import GameStatus, LeaderboardRow, RecordedAnswer, RunningGame, UserStats


class QuizStore(Protocol):
    """Games, answers and daily-question answers; every query is scoped to one tenant."""

    async def create_game(
        self,
        channel: ChannelKey,
        channel_name: str,
        language: str,
        started_by: str,
        owner: str,
        question_count: int,
        now: datetime,
    ) -> int:
        """Store a new running game; returns its id."""
        ...

    async def end_game(self, game_id: int, status: GameStatus, now: datetime) -> None: ...

    async def record_answer(self, answer: RecordedAnswer) -> bool:
        """False when the user already answered this question."""
        ...

    async def interrupted_games(self, platforms: Collection[str]) -> list[RunningGame]: ...

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
