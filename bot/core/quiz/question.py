"""A quiz question as the game uses it, from the curated bank or generated from a fact."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from bot.core.facts import Difficulty, Localized
from bot.core.i18n import Lang
from bot.core.replies import SourceLink

CHOICE_LETTERS = ("A", "B", "C", "D")


@dataclass(frozen=True)
class QuizQuestion:
    """Four choices, exactly one right.

    Besides ``fact_id`` (the fact it is about), a question knows which facts decide its
    answer (``asks``: all four for "which came first"), which facts it shows a player
    (``shows``: those, plus every fact its prompt, choices or explanation dates), and which
    curated questions are declared ``related`` to it, so that a game never puts beside it a
    question it answers.
    """

    id: str
    fact_id: str
    difficulty: Difficulty
    topics: tuple[str, ...]
    prompt: Localized
    choices: tuple[Localized, ...]
    correct: int
    explanation: Localized
    sources: tuple[SourceLink, ...]
    asks: frozenset[str] = frozenset()
    shows: frozenset[str] = frozenset()
    related: frozenset[str] = frozenset()
    # For choices with a natural order (years, months): the kind of question and where its
    # right answer sits in that order (0 first … 3 latest), whatever order they are shown in.
    kind: str = "curated"
    answer_rank: int | None = None

    @property
    def topic(self) -> str:
        return self.topics[0]

    @property
    def asked_facts(self) -> frozenset[str]:
        """The facts whose dates or details decide the answer."""
        return self.asks | {self.fact_id}

    @property
    def shown_facts(self) -> frozenset[str]:
        """Every fact a player learns about from this question, its reveal included."""
        return self.shows | self.asked_facts

    def shuffled(self, rng: random.Random) -> QuizQuestion:
        """The same question with its choices in a random order."""
        order = list(range(len(self.choices)))
        rng.shuffle(order)
        return replace(
            self,
            choices=tuple(self.choices[i] for i in order),
            correct=order.index(self.correct),
        )

    def answer_text(self, lang: Lang) -> str:
        return f"{CHOICE_LETTERS[self.correct]}. {self.choices[self.correct].get(lang)}"
