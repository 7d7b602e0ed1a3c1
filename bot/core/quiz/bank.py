"""All questions a quiz can ask: the curated ones first, generated ones to fill in."""

from __future__ import annotations

import random
from collections.abc import Iterable

from bot.core.fact_store import FactStore
from bot.core.facts import Difficulty, Localized, Question
from bot.core.quiz.generator import generate
from bot.core.quiz.question import QuizQuestion
from bot.core.replies import SourceLink


def from_curated(question: Question, store: FactStore) -> QuizQuestion:
    fact = store.get(question.fact)
    assert fact is not None  # the loader checked every question's fact exists
    return QuizQuestion(
        id=question.id,
        fact_id=question.fact,
        difficulty=question.difficulty,
        topics=question.topics,
        prompt=question.question,
        choices=(question.answer, *question.wrong),
        correct=0,
        explanation=question.explanation,
        sources=tuple(SourceLink(s.title, s.url) for s in fact.sources),
    )


class QuestionBank:
    """Picks fair sets of questions for a game."""

    def __init__(self, curated: Iterable[QuizQuestion], generated: Iterable[QuizQuestion]) -> None:
        self.curated = tuple(curated)
        self.generated = tuple(generated)
        self._by_id = {q.id: q for q in (*self.curated, *self.generated)}

    @classmethod
    def build(cls, store: FactStore, seed: int = 1941) -> QuestionBank:
        return cls(
            (from_curated(q, store) for q in store.questions),
            generate(store, random.Random(seed)),
        )

    def get(self, question_id: str) -> QuizQuestion | None:
        return self._by_id.get(question_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def pick(
        self,
        count: int,
        rng: random.Random,
        topic: str | None = None,
        difficulty: Difficulty | None = None,
    ) -> list[QuizQuestion]:
        """Up to ``count`` questions, at most one per fact, curated before generated,
        each with its choices shuffled."""

        def wanted(question: QuizQuestion) -> bool:
            return (topic is None or topic in question.topics) and (
                difficulty is None or question.difficulty == difficulty
            )

        curated = [q for q in self.curated if wanted(q)]
        generated = [q for q in self.generated if wanted(q)]
        rng.shuffle(curated)
        rng.shuffle(generated)
        chosen: list[QuizQuestion] = []
        facts: set[str] = set()
        for question in (*curated, *generated):
            if len(chosen) == count:
                break
            if question.fact_id not in facts:
                facts.add(question.fact_id)
                chosen.append(question.shuffled(rng))
        rng.shuffle(chosen)
        return chosen


def localized_choice_texts(choices: Iterable[Localized]) -> list[list[str]]:
    """Per choice, its text in every language (for matching typed answers)."""
    return [[choice.en, choice.ja] for choice in choices]
