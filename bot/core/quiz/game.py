"""One quiz in one channel, as stored: which question is open, until when, who drives it.

Pure values, no I/O and no clock of its own. Every process serving the channel reads the
same game from the store, so any of them can take an answer or close an expired question;
the store's claims, not this object, decide who wins a race.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from bot.core.context import ChannelKey
from bot.core.i18n import Lang
from bot.core.ports import MessageHandle, PostTarget
from bot.core.quiz.model import RecordedAnswer
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
class Reveal:
    """What the channel is told when a question closes."""

    question: QuizQuestion
    index: int
    answers: tuple[RecordedAnswer, ...]

    @property
    def winners(self) -> tuple[RecordedAnswer, ...]:
        return tuple(a for a in self.answers if a.correct)


@dataclass(frozen=True)
class QuizGame:
    """The stored state of one running quiz.

    The question at ``index`` takes answers from ``opened_at`` (when its post was out) until
    ``deadline``, unless ``closed``. Before its post is out both are None. A game in a
    thread is keyed by the thread (``channel``) and posts there, in ``parent_id``'s channel.
    """

    game_id: int
    channel: ChannelKey
    channel_name: str
    starter_id: str
    language: Lang
    questions: tuple[QuizQuestion, ...]
    index: int = 0
    closed: bool = False
    opened_at: datetime | None = None
    deadline: datetime | None = None
    quiet_streak: int = 0
    owner: str = ""
    lease_until: datetime | None = None
    message: MessageHandle | None = None
    parent_id: str | None = None

    @property
    def target(self) -> PostTarget:
        """Where the game posts: its channel, or its thread."""
        return PostTarget.of(self.channel, self.channel_name, self.parent_id)

    @property
    def current(self) -> QuizQuestion:
        return self.questions[self.index]

    @property
    def has_next(self) -> bool:
        return self.index + 1 < len(self.questions)

    @property
    def awaiting_close(self) -> bool:
        """Open for answers or past its deadline, but not closed yet."""
        return not self.closed and self.deadline is not None and self.index < len(self.questions)

    def is_open(self, now: datetime) -> bool:
        """Whether an answer given at ``now`` counts for the current question."""
        if not self.awaiting_close or self.opened_at is None or self.deadline is None:
            return False
        return self.opened_at <= now < self.deadline

    def points(self, correct: bool, now: datetime) -> int:
        """What a right (or wrong) answer given at ``now`` scores: the faster, the more."""
        assert self.opened_at is not None and self.deadline is not None
        window = (self.deadline - self.opened_at).total_seconds()
        return points_for(correct, (now - self.opened_at).total_seconds(), window)


def ranked(players: list[Player]) -> list[Player]:
    """Players by points, then right answers, then name."""
    return sorted(players, key=lambda p: (-p.points, -p.correct, p.name))
