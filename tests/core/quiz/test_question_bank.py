"""The shipped question bank: enough fair questions on every topic."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from bot.config import shipped_facts_dir
from bot.core.fact_loading import load_fact_store
from bot.core.quiz.bank import QuestionBank
from bot.core.topics import TOPICS


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return QuestionBank.build(load_fact_store(shipped_facts_dir()))


def test_at_least_100_curated_questions(bank: QuestionBank) -> None:
    assert len(bank.curated) >= 100


def test_every_question_has_four_distinct_choices_and_one_answer(bank: QuestionBank) -> None:
    for question in (*bank.curated, *bank.generated):
        assert len(question.choices) == 4, question.id
        assert 0 <= question.correct < 4
        for lang in ("en", "ja"):
            texts = [c.get(lang).casefold() for c in question.choices]
            assert len(set(texts)) == 4, (question.id, lang)


def test_generated_questions_do_not_give_the_answer_away(bank: QuestionBank) -> None:
    for question in bank.generated:
        for lang in ("en", "ja"):
            answer = question.choices[question.correct].get(lang)
            if len(answer) >= 4:
                assert answer not in question.prompt.get(lang), question.id


def test_every_topic_has_enough_questions_for_a_game(bank: QuestionBank) -> None:
    per_topic = Counter(topic for q in (*bank.curated, *bank.generated) for topic in q.topics)
    for topic in TOPICS:
        assert per_topic[topic] >= 10, topic
        assert len(bank.pick(5, random.Random(3), topic=topic)) == 5, topic


def test_a_game_never_asks_twice_about_one_fact(bank: QuestionBank) -> None:
    for seed in range(20):
        picked = bank.pick(20, random.Random(seed))
        assert len(picked) == 20
        assert len({q.fact_id for q in picked}) == 20


def test_filters_by_topic_and_difficulty(bank: QuestionBank) -> None:
    picked = bank.pick(10, random.Random(1), topic="japan", difficulty="hard")
    assert picked
    assert all("japan" in q.topics and q.difficulty == "hard" for q in picked)


def test_ranges_across_months_or_years_get_no_date_question(bank: QuestionBank) -> None:
    store = load_fact_store(shipped_facts_dir())
    for question in bank.generated:
        fact = store.get(question.fact_id)
        assert fact is not None
        end = fact.end_date or fact.date
        if question.id.startswith("gen-year-"):
            assert end.year == fact.date.year, question.id
            assert question.choices[question.correct].en == str(fact.date.year)
        if question.id.startswith("gen-month-"):
            assert (end.year, end.month) == (fact.date.year, fact.date.month), question.id


def test_shuffling_keeps_the_right_answer(bank: QuestionBank) -> None:
    question = bank.curated[0]
    right = question.choices[question.correct]
    for seed in range(10):
        shuffled = question.shuffled(random.Random(seed))
        assert shuffled.choices[shuffled.correct] == right


async def test_a_deferred_bank_is_the_built_bank_once_it_is_needed() -> None:
    store = load_fact_store(shipped_facts_dir())
    built = QuestionBank.build(store)
    deferred = QuestionBank.deferred(store)
    await deferred.ready()
    assert [q.id for q in deferred.curated] == [q.id for q in built.curated]
    assert [q.id for q in deferred.generated] == [q.id for q in built.generated]
    first = built.pick(5, random.Random(7))
    assert [q.id for q in deferred.pick(5, random.Random(7))] == [q.id for q in first]


def test_a_deferred_bank_builds_itself_when_used_directly() -> None:
    store = load_fact_store(shipped_facts_dir())
    deferred = QuestionBank.deferred(store)
    assert len(deferred) == len(QuestionBank.build(store)) > 0
