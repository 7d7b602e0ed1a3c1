"""Choice sets chosen together: even ranks and values, near answers, whatever the skew."""

from __future__ import annotations

import random
from collections import Counter

from bot.core.quiz.distractors import (
    MAX_VALUE_SHARE,
    MIN_OFFERS_MEASURED,
    ValueQuestion,
    balanced_distractors,
    rank_of,
)

YEARS = range(1939, 1946)


def skewed_bank(latest_share: int) -> list[ValueQuestion]:
    """Many more answers late in the period than early, as the corpus has."""
    answers = [1939] * 5 + [1940] * 5 + [1941] * 20 + [1942] * 8 + [1943] * 10 + [1944] * 15
    answers += [1945] * latest_share
    return [
        ValueQuestion(f"q{i}", year, tuple(y for y in YEARS if y != year and abs(y - year) <= 4))
        for i, year in enumerate(answers)
    ]


def test_every_rank_is_right_equally_often_even_when_answers_cluster_late() -> None:
    questions = skewed_bank(latest_share=40)
    chosen = balanced_distractors(questions, random.Random(1))
    assert len(chosen) >= len(questions) // 2
    answers = {q.key: q.answer for q in questions}
    ranks = Counter(rank_of(answers[key], distractors) for key, distractors in chosen.items())
    assert max(ranks.values()) - min(ranks.values()) <= max(1, 0.02 * len(chosen)) + 1, ranks


def test_no_value_is_right_much_more_than_a_quarter_of_the_times_it_is_offered() -> None:
    questions = skewed_bank(latest_share=80)
    chosen = balanced_distractors(questions, random.Random(2))
    answers = {q.key: q.answer for q in questions}
    answered = Counter(answers[key] for key in chosen)
    offered = Counter(v for key, d in chosen.items() for v in (answers[key], *d))
    assert all(answered[v] <= MAX_VALUE_SHARE * offered[v] for v in offered), (answered, offered)
    assert all(offered[v] >= MIN_OFFERS_MEASURED for v in offered)  # so every value counted


def test_distractors_are_allowed_values_and_the_same_for_the_same_seed() -> None:
    questions = skewed_bank(latest_share=20)
    chosen = balanced_distractors(questions, random.Random(3))
    assert chosen == balanced_distractors(questions, random.Random(3))
    allowed = {q.key: set(q.allowed) for q in questions}
    for key, distractors in chosen.items():
        assert len(set(distractors)) == 3 and set(distractors) <= allowed[key]


def test_a_question_without_three_allowed_values_is_left_out() -> None:
    lonely = ValueQuestion("lonely", 1943, (1942, 1944))
    assert "lonely" not in balanced_distractors([lonely, *skewed_bank(10)], random.Random(4))


def test_a_tiny_bank_keeps_its_questions() -> None:
    # Four facts cannot make a statistic; the value cap must not empty the bank.
    tiny = [
        ValueQuestion("a", 1940, (1941, 1942, 1943, 1944)),
        ValueQuestion("b", 1941, (1940, 1942, 1943, 1944, 1945)),
        ValueQuestion("c", 1943, (1940, 1941, 1942, 1944, 1945)),
        ValueQuestion("d", 1945, (1941, 1942, 1943, 1944)),
    ]
    assert len(balanced_distractors(tiny, random.Random(5))) >= 3
