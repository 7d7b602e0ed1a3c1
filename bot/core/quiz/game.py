"""One quiz in one channel: which question is open, who answered, who has how many points.

Pure state, no I/O and no clock of its own: the manager feeds it the time, so the whole game
can be played in tests without sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from bot.core.context import ChannelKey
from bot.core.i18n import Lang
from bot.core.quiz.question import QuizQuestion
from bot.core.quiz.scoring import points_for


class AnswerOutcome(Enum):
    ACCEPTED = "accepted"
    ALREADY_ANSWERED = "already_answered"
    CLOSED = "closed"


@dataclass
class Player:
    user_id: str
    name: str
    points: int = 0
    correct: int = 0
    answered: int = 0


@dataclass(frozen=True)
class Answer:
    user_id: str
    name: str
    choice: int
    correct: bool
    points: int


@dataclass(frozen=True)
class Reveal:
    """What the channel is told when a question closes."""

    question: QuizQuestion
    index: int
    answers: tuple[Answer, ...]

    @property
    def winners(self) -> tuple[Answer, ...]:
        return tuple(a for a in self.answers if a.correct)


@dataclass
class QuizGame:
    """The state of one running quiz."""

    game_id: int
    channel: ChannelKey
    channel_name: str
    starter_id: str
    language: Lang
    questions: tuple[QuizQuestion, ...]
    seconds_per_question: float
    quiet_limit: int
    index: int = -1
    is_open: bool = False
    opened_at: datetime | None = None
    quiet_streak: int = 0
    answers: dict[str, Answer] = field(default_factory=dict)
    players: dict[str, Player] = field(default_factory=dict)

    @property
    def current(self) -> QuizQuestion:
        return self.questions[self.index]

    @property
    def has_next(self) -> bool:
        return self.index + 1 < len(self.questions)

    @property
    def gone_quiet(self) -> bool:
        return self.quiet_streak >= self.quiet_limit

    def open_next(self, now: datetime) -> QuizQuestion:
        """Open the next question; answers from now on count for it."""
        self.index += 1
        self.is_open = True
        self.opened_at = now
        self.answers = {}
        return self.current

    def answer(
        self, user_id: str, name: str, question_index: int, choice: int, now: datetime
    ) -> tuple[AnswerOutcome, Answer | None]:
        """Take one user's answer to the question at ``question_index``."""
        if not self.is_open or question_index != self.index or self.opened_at is None:
            return AnswerOutcome.CLOSED, None
        if user_id in self.answers:
            return AnswerOutcome.ALREADY_ANSWERED, None
        elapsed = (now - self.opened_at).total_seconds()
        correct = choice == self.current.correct
        answer = Answer(
            user_id, name, choice, correct, points_for(correct, elapsed, self.seconds_per_question)
        )
        self.answers[user_id] = answer
        player = self.players.setdefault(user_id, Player(user_id, name))
        player.name = name
        player.answered += 1
        player.correct += int(correct)
        player.points += answer.points
        return AnswerOutcome.ACCEPTED, answer

    def close(self) -> Reveal | None:
        """Close the open question (once: a second call returns None)."""
        if not self.is_open:
            return None
        self.is_open = False
        self.quiet_streak = 0 if self.answers else self.quiet_streak + 1
        return Reveal(self.current, self.index, tuple(self.answers.values()))

    def forget(self, user_id: str) -> None:
        """Drop a player who asked to be forgotten from the scoreboard and the open question."""
        self.players.pop(user_id, None)
        self.answers.pop(user_id, None)

    def scoreboard(self) -> list[Player]:
        return sorted(self.players.values(), key=lambda p: (-p.points, -p.correct, p.name))
