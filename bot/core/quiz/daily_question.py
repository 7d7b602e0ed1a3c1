"""The question of the day that a subscription can add to its daily post."""

from __future__ import annotations

import functools
import hashlib
import random
from datetime import date, datetime, timedelta

from bot.core.daily.model import Subscription
from bot.core.i18n import Lang, t
from bot.core.quiz.bank import QuestionBank
from bot.core.quiz.question import CHOICE_LETTERS, QuizQuestion
from bot.core.replies import Button, Field, shorten

# Hex digits of a question id's digest in a button: the date already picks the question,
# the digest only tells a button of an older bank's question from today's.
_TOKEN_LENGTH = 12


def question_token(question_id: str) -> str:
    """A short stand-in for ``question_id`` in a button's action: generated ids alone can
    reach the 100 characters a Discord custom_id may have."""
    return hashlib.sha256(question_id.encode()).hexdigest()[:_TOKEN_LENGTH]


def daily_answer_action(day: date, question_id: str, choice: int) -> str:
    """The command a button of ``day``'s question runs (at most 36 characters)."""
    return f"quiz daily {day.isoformat()} {question_token(question_id)} {choice}"


def names_question(token: str, question_id: str) -> bool:
    """Whether a button's ``token`` is for ``question_id``; buttons posted before actions
    carried a token named the question by its id, and still count."""
    return token in (question_token(question_id), question_id)


class DailyQuestion:
    """Picks one question per date, the same in every channel and every process."""

    def __init__(self, bank: QuestionBank) -> None:
        self._bank = bank

    async def ready(self) -> None:
        """Build a deferred bank off the event loop before the first question is asked."""
        await self._bank.ready()

    @functools.cached_property
    def _pool(self) -> tuple[QuizQuestion, ...]:
        return tuple(sorted(self._bank.curated or self._bank.generated, key=lambda q: q.id))

    def question_for(self, day: date) -> QuizQuestion | None:
        if not self._pool:
            return None
        # A stable hash (not Python's salted hash()) so every process picks the same one.
        seed = int.from_bytes(hashlib.sha256(day.isoformat().encode()).digest()[:8], "big")
        rng = random.Random(seed)
        return rng.choice(self._pool).shuffled(rng)

    def parts(self, day: date, lang: Lang) -> tuple[Field, tuple[Button, ...]] | None:
        """The field and the answer buttons to add to the day's post."""
        question = self.question_for(day)
        if question is None:
            return None
        lines = [f"{CHOICE_LETTERS[i]}. {c.get(lang)}" for i, c in enumerate(question.choices)]
        field = Field(
            t("daily_question_field", lang), "\n".join([question.prompt.get(lang), *lines])
        )
        buttons = tuple(
            Button(
                shorten(f"{CHOICE_LETTERS[i]}. {c.get(lang)}", 70),
                daily_answer_action(day, question.id, i),
                "primary",
            )
            for i, c in enumerate(question.choices)
        )
        return field, buttons


def day_out_now(subscription: Subscription | None, now: datetime) -> date | None:
    """The local date of the question of the day that is out in the channel at ``now``: the
    one of its latest daily post. None when the channel gets no question of the day."""
    if subscription is None or not subscription.daily_question:
        return None
    if subscription.paused_reason is not None:
        return None
    post_time = subscription.post_time
    today = post_time.local_date(now)
    return today if post_time.on(today) <= now else today - timedelta(days=1)
