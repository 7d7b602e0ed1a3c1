"""Wrong answers for "which year" and "which month" questions that leave no tell.

Taking the nearest other values as distractors puts the right answer in a predictable place:
events cluster late in the period, so the nearest values sit mostly below the answer and a
player who always picks the second-latest choice wins most questions. A value can be a tell
too: if 1941 is offered mostly when it is right, "pick 1941" wins.

So the choice sets of all questions of a kind are chosen together. Each question may take
any set of three allowed values (near the answer, inside the period); a few passes of local
search move each question to the set that best keeps, over the whole bank, every rank of
the answer (first, second, third, latest among the four) right equally often, every value
right about a quarter of the times it is offered, and the distractors close to the answer.
Questions that would still tilt the balance at the end (a rank over-full, a value right
too often) are left out rather than kept.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

CHOICES = 4
PASSES = 8
# How far the counts of the ranks may drift apart, as a share of the questions kept.
RANK_SLACK = 0.02
# The most often a value may be right among the times it is offered. Chance is a quarter;
# the first and last years of the period can be offered only beside answers on one side of
# them, so they cannot quite reach it.
MAX_VALUE_SHARE = 0.35
# Below this many offers a value's share says nothing (a bank of four questions offers each
# year two or three times).
MIN_OFFERS_MEASURED = 12
# Weights of the three aims; the rank balance matters most, closeness least.
RANK_WEIGHT = 4.0
VALUE_WEIGHT = 2.0
DISTANCE_WEIGHT = 0.5


@dataclass(frozen=True)
class ValueQuestion:
    """One question to choose distractors for: its answer and the values allowed beside it."""

    key: str
    answer: int
    allowed: tuple[int, ...]


@dataclass(frozen=True)
class _Option:
    distractors: tuple[int, ...]
    rank: int
    distance: int


def rank_of(answer: int, distractors: Sequence[int]) -> int:
    """The answer's place among all four choices sorted: 0 is first, 3 is latest."""
    return sorted([answer, *distractors]).index(answer)


def _options(question: ValueQuestion) -> list[_Option]:
    values = sorted(set(question.allowed) - {question.answer})
    return [
        _Option(
            combo,
            rank_of(question.answer, combo),
            sum(abs(v - question.answer) for v in combo),
        )
        for combo in itertools.combinations(values, CHOICES - 1)
    ]


class _Tally:
    """Counts over the sets currently chosen, and what adding one more would cost."""

    def __init__(self, answers: Counter[int], kept: int) -> None:
        self.answered = answers
        self.offered: Counter[int] = Counter()
        self.ranks: Counter[int] = Counter()
        self.target = kept / CHOICES

    def add(self, answer: int, option: _Option, sign: int = 1) -> None:
        self.ranks[option.rank] += sign
        for value in (answer, *option.distractors):
            self.offered[value] += sign

    def cost(self, answer: int, option: _Option) -> float:
        """The rise in total imbalance if ``option`` were added."""
        count = self.ranks[option.rank]
        rank = (count + 1 - self.target) ** 2 - (count - self.target) ** 2
        value = 0.0
        for v in (answer, *option.distractors):
            gap = self.answered[v] - self.offered[v] / CHOICES
            value += (gap - 1 / CHOICES) ** 2 - gap**2
        return RANK_WEIGHT * rank + VALUE_WEIGHT * value + DISTANCE_WEIGHT * option.distance


def balanced_distractors(
    questions: Sequence[ValueQuestion], rng: random.Random
) -> dict[str, tuple[int, ...]]:
    """Three distractors, sorted, for each question kept, keyed by ``ValueQuestion.key``."""
    options = {q.key: _options(q) for q in questions}
    order = sorted((q for q in questions if options[q.key]), key=lambda q: q.key)
    rng.shuffle(order)
    tally = _Tally(Counter(q.answer for q in order), len(order))
    chosen: dict[str, _Option] = {}
    for sweep in range(PASSES):
        for question in order:
            if sweep:
                tally.add(question.answer, chosen[question.key], -1)
            costs = [(tally.cost(question.answer, o), o) for o in options[question.key]]
            least = min(cost for cost, _ in costs)
            option = rng.choice([o for cost, o in costs if math.isclose(cost, least)])
            chosen[question.key] = option
            tally.add(question.answer, option)
    answers = {q.key: q.answer for q in order}
    for key in _tilting(chosen, answers, rng):
        del chosen[key]
    return {key: option.distractors for key, option in chosen.items()}


def _tilting(chosen: dict[str, _Option], answers: dict[str, int], rng: random.Random) -> list[str]:
    """Questions to leave out so that no rank has more than the emptiest one plus the slack
    and no value offered often enough to tell is right more than MAX_VALUE_SHARE of the
    times it is offered."""
    kept = sorted(chosen)
    rng.shuffle(kept)
    ranks = Counter(chosen[key].rank for key in kept)
    cap = min(ranks[r] for r in range(CHOICES)) + max(1, math.floor(RANK_SLACK * len(kept)))
    dropped: list[str] = []
    for key in kept:
        if ranks[chosen[key].rank] > cap:
            ranks[chosen[key].rank] -= 1
            dropped.append(key)
    kept = [key for key in kept if key not in dropped]
    while True:
        answered = Counter(answers[key] for key in kept)
        offered = Counter(v for key in kept for v in (answers[key], *chosen[key].distractors))
        measured = [v for v in offered if offered[v] >= MIN_OFFERS_MEASURED]
        worst = max(measured, key=lambda v: (answered[v] / offered[v], v), default=None)
        if worst is None or answered[worst] <= MAX_VALUE_SHARE * offered[worst]:
            return dropped
        # Of the questions answered by that value, leave out one from the fullest rank.
        key = max(
            (key for key in kept if answers[key] == worst), key=lambda k: ranks[chosen[k].rank]
        )
        ranks[chosen[key].rank] -= 1
        kept.remove(key)
        dropped.append(key)
