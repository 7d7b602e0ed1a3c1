"""A quiz question as the game uses it, from the curated bank or generated from a fact."""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.core.facts import Difficulty, Localized
from bot.core.i18n import Lang
from bot.core.replies import SourceLink

CHOICE_LETTERS = ("A", "B", "C", "D")


@dataclass(frozen=True)
class QuizQuestion:
    """Four choices, exactly one right."""

    id: str
    fact_id: str
    difficulty: Difficulty
    topics: tuple[str, ...]
    prompt: Localized
    choices: tuple[Localized, ...]
    correct: int
    explanation: Localized
    sources: tuple[SourceLink, ...]

    @property
    def topic(self) -> str:
        return self.topics[0]

    def shuffled(self, rng: random.Random) -> QuizQuestion:
        """The same question with its choices in a random order."""
        order = list(range(len(self.choices)))
        rng.shuffle(order)
        return QuizQuestion(
            self.id,
            self.fact_id,
            self.difficulty,
            self.topics,
            self.prompt,
            tuple(self.choices[i] for i in order),
            order.index(self.correct),
            self.explanation,
            self.sources,
        )

    def answer_text(self, lang: Lang) -> str:
        return f"{CHOICE_LETTERS[self.correct]}. {self.choices[self.correct].get(lang)}"
