"""What the quiz stores and reads back, independent of how it is stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.core.context import ChannelKey
from bot.core.ports import MessageHandle


class GameStatus(StrEnum):
    """Where a quiz game is in its life; stored as its value."""

    RUNNING = "running"
    FINISHED = "finished"
    STOPPED = "stopped"
    INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class RecordedAnswer:
    """What is stored of one answer."""

    game_id: int
    channel: ChannelKey
    user_id: str
    user_name: str
    question_index: int
    question_id: str
    topic: str
    correct: bool
    points: int
    answered_at: datetime


@dataclass(frozen=True)
class ClosedQuestion:
    """What the process that won the claim to close a question learns: the answers it got,
    how many questions in a row have now gone unanswered, and the question's message."""

    answers: tuple[RecordedAnswer, ...]
    quiet_streak: int
    message: MessageHandle | None


@dataclass(frozen=True)
class RunningGame:
    game_id: int
    channel: ChannelKey
    channel_name: str
    language: str
    answers: int
    parent_id: str | None = None  # set for a game in a thread: its channel


@dataclass(frozen=True)
class LeaderboardRow:
    user_id: str
    user_name: str
    points: int
    games: int
    answered: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class TopicTally:
    topic: str
    answered: int
    correct: int


@dataclass(frozen=True)
class UserStats:
    user_id: str
    user_name: str
    points: int
    games: int
    answered: int
    correct: int
    topics: tuple[TopicTally, ...]
    daily_dates: tuple[date, ...]
