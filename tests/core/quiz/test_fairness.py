"""The shipped bank, played by someone who knows nothing: no strategy beats chance.

Every test here measures a property over the whole loaded bank, so it keeps holding (or
fails and says where) as facts and questions are added.
"""

from __future__ import annotations

import calendar
import itertools
import random
import re
from collections import Counter
from collections.abc import Iterator

import pytest

from bot.config import shipped_facts_dir
from bot.core.fact_loading import load_fact_store
from bot.core.fact_store import FactStore
from bot.core.facts import Fact
from bot.core.quiz.bank import QuestionBank
from bot.core.quiz.distractors import MIN_OFFERS_MEASURED
from bot.core.quiz.generator import (
    EASY_GAP_DAYS,
    FIRST_YEAR,
    LAST_YEAR,
    MEDIUM_GAP_DAYS,
    MIN_FIRST_GAP_DAYS,
    NEAR_MONTHS,
    NEAR_YEARS,
    WINDOW_DAYS,
    Period,
)
from bot.core.quiz.question import QuizQuestion
from bot.core.topics import TOPICS

CHANCE = 0.25
MARGIN = 0.05
MONTHS = {calendar.month_name[m]: m for m in range(1, 13)}


@pytest.fixture(scope="module")
def store() -> FactStore:
    return load_fact_store(shipped_facts_dir())


@pytest.fixture(scope="module")
def bank(store: FactStore) -> QuestionBank:
    return QuestionBank.build(store)


def of_kind(bank: QuestionBank, kind: str) -> list[QuizQuestion]:
    return [q for q in bank.generated if q.id.startswith(f"gen-{kind}-")]


def values(question: QuizQuestion, kind: str) -> list[int]:
    """The choices as numbers: years, or months of the year."""
    return [int(c.en) if kind == "year" else MONTHS[c.en] for c in question.choices]


def fact_of(store: FactStore, question: QuizQuestion) -> Fact:
    fact = store.get(question.fact_id)
    assert fact is not None
    return fact


@pytest.mark.parametrize("kind", ["year", "month"])
def test_no_always_pick_rank_k_strategy_beats_chance(bank: QuestionBank, kind: str) -> None:
    questions = of_kind(bank, kind)
    assert len(questions) >= 40, "too few questions for the measure to mean anything"
    wins: Counter[int] = Counter()
    for question in questions:
        choices = values(question, kind)
        wins[sorted(choices).index(choices[question.correct])] += 1
    rates = {rank: wins[rank] / len(questions) for rank in range(4)}
    assert max(rates.values()) <= CHANCE + MARGIN, rates


@pytest.mark.parametrize("kind", ["year", "month"])
def test_no_pick_this_value_whenever_offered_strategy_wins_much(
    bank: QuestionBank, kind: str
) -> None:
    answered: Counter[int] = Counter()
    offered: Counter[int] = Counter()
    for question in of_kind(bank, kind):
        choices = values(question, kind)
        answered[choices[question.correct]] += 1
        offered.update(choices)
    rates = {v: answered[v] / offered[v] for v in offered if offered[v] >= MIN_OFFERS_MEASURED}
    # The period's first and last years can only sit beside answers on one side of them,
    # so they get a wider margin than the ranks.
    assert max(rates.values()) <= CHANCE + 2 * MARGIN, rates


def test_year_distractors_are_near_the_answer_and_inside_the_period(bank: QuestionBank) -> None:
    for question in of_kind(bank, "year"):
        choices = values(question, "year")
        answer = choices[question.correct]
        assert all(FIRST_YEAR <= year <= LAST_YEAR for year in choices), question.id
        assert all(abs(year - answer) <= NEAR_YEARS for year in choices), question.id


def test_month_distractors_are_near_the_answer_and_inside_the_period(
    bank: QuestionBank, store: FactStore
) -> None:
    period = Period.of(store.facts)
    for question in of_kind(bank, "month"):
        year = fact_of(store, question).date.year
        choices = values(question, "month")
        answer = choices[question.correct]
        assert all(month in period.months(year) for month in choices), question.id
        assert all(abs(month - answer) <= NEAR_MONTHS for month in choices), question.id


def first_questions(bank: QuestionBank) -> list[QuizQuestion]:
    return [q for q in bank.generated if q.id.startswith("gen-first-")]


def test_which_came_first_draws_from_one_window_with_a_clear_first(
    bank: QuestionBank, store: FactStore
) -> None:
    questions = first_questions(bank)
    assert questions
    for question in questions:
        facts = {f.id: f for f in (store.get(i) for i in question.asked_facts) if f is not None}
        assert len(facts) == 4, question.id
        by_title = {f.title.en: f for f in facts.values()}
        chosen = [by_title[c.en] for c in question.choices]
        right = chosen[question.correct]
        others = [f for f in chosen if f is not right]
        starts = sorted(f.date.earliest for f in chosen)
        assert (starts[-1] - starts[0]).days <= WINDOW_DAYS, question.id
        # Under every convention for each date, the right one still came first.
        right_latest = max(d.latest for d in (right.date, *right.other_dates))
        gap = min(d.earliest for f in others for d in (f.date, *f.other_dates)) - right_latest
        assert gap.days >= MIN_FIRST_GAP_DAYS, question.id
        expected = (
            "easy"
            if gap.days >= EASY_GAP_DAYS
            else "medium"
            if gap.days >= MEDIUM_GAP_DAYS
            else "hard"
        )
        assert question.difficulty == expected, question.id


def test_difficulty_of_which_came_first_follows_the_gaps(bank: QuestionBank) -> None:
    # Drawn from windows of a year and a half, the sets are not all easy ones.
    assert len({q.difficulty for q in first_questions(bank)}) >= 2


def test_generated_ids_and_which_came_first_sets_are_unique(bank: QuestionBank) -> None:
    ids = [q.id for q in (*bank.curated, *bank.generated)]
    assert len(ids) == len(set(ids)) == len(bank)
    sets = [q.asked_facts for q in first_questions(bank)]
    assert len(sets) == len(set(sets))


def title_in_prompt(question: QuizQuestion, lang: str) -> str:
    prompt = question.prompt.en if lang == "en" else question.prompt.ja
    found = re.search(r"“(.*)”" if lang == "en" else r"「(.*)」", prompt)
    assert found, question.id
    return found.group(1)


def test_no_date_question_names_what_it_asks_in_either_language(bank: QuestionBank) -> None:
    for question in of_kind(bank, "year"):
        for lang in ("en", "ja"):
            assert not re.search(r"19\d\d", title_in_prompt(question, lang)), question.id
    month_names = "|".join(MONTHS)
    for question in of_kind(bank, "month"):
        assert not re.search(rf"\b({month_names})\b", title_in_prompt(question, "en"))
        assert not re.search(r"\d月", title_in_prompt(question, "ja")), question.id


def test_no_date_question_on_a_title_that_implies_the_answer(bank: QuestionBank) -> None:
    implying = re.compile(
        r"\b(first|second|third|fourth|fifth|\d+(st|nd|rd|th)) term\b|^(epilogue|prologue)\b",
        re.IGNORECASE,
    )
    for question in (*of_kind(bank, "year"), *of_kind(bank, "month")):
        assert not implying.search(title_in_prompt(question, "en")), question.id
        assert not re.search(r"エピローグ|\d選", title_in_prompt(question, "ja")), question.id


def test_no_wrong_year_or_month_is_one_the_facts_text_or_conventions_give(
    bank: QuestionBank, store: FactStore
) -> None:
    for question in of_kind(bank, "year"):
        fact = fact_of(store, question)
        choices = values(question, "year")
        wrong = set(choices) - {choices[question.correct]}
        named = {int(y) for y in re.findall(r"19\d\d", fact.text.en + fact.text.ja)}
        assert not wrong & named, question.id
        assert not wrong & {d.year for d in fact.other_dates}, question.id
    for question in of_kind(bank, "month"):
        fact = fact_of(store, question)
        assert all(d.year == fact.date.year for d in fact.other_dates), question.id
        choices = values(question, "month")
        wrong = set(choices) - {choices[question.correct]}
        other_years = "|".join(str(y) for y in range(1900, 2000) if y != fact.date.year)
        named = {
            MONTHS[m]
            for m in re.findall(rf"\b({'|'.join(MONTHS)})\b(?!,? (?:{other_years}))", fact.text.en)
        }
        assert not wrong & named, question.id
        assert not wrong & {d.month for d in fact.other_dates if d.month}, question.id


def test_generated_explanation_is_the_first_sentence_dated_once(
    bank: QuestionBank, store: FactStore
) -> None:
    for question in (*of_kind(bank, "year"), *of_kind(bank, "month")):
        fact = fact_of(store, question)
        en, ja = question.explanation.en, question.explanation.ja
        assert str(fact.date.year) in en and f"{fact.date.year}年" in ja, question.id
        assert en.count(fact.date.display("en")) <= 1, question.id
        assert ja.count(fact.date.display("ja")) <= 1, question.id
        en_sentence = en if fact.text.en.startswith(en) else en.split(": ", 1)[1]
        ja_sentence = ja if fact.text.ja.startswith(ja) else ja.split("：", 1)[1]
        assert fact.text.en.startswith(en_sentence), question.id
        assert fact.text.ja.startswith(ja_sentence), question.id
        # Cut at a full stop that ends a sentence, not after an initial or "U.S.".
        assert not re.search(r"(\b[A-Z]|U\.S)\.$", en_sentence), question.id
        # Japanese ends at its first 。, which no space follows.
        assert ja_sentence.endswith("。"), question.id
        if fact.text.ja.count("。") > 1:
            assert len(ja_sentence) < len(fact.text.ja), question.id


def test_titles_with_quotations_nest_them(bank: QuestionBank) -> None:
    for question in (*of_kind(bank, "year"), *of_kind(bank, "month")):
        assert '"' not in question.prompt.en, question.id
        assert question.prompt.en.count("“") == 1, question.id
        assert question.prompt.ja.count("「") == 1, question.id


def games(bank: QuestionBank, seeds: int = 25) -> Iterator[tuple[str | None, list[QuizQuestion]]]:
    for topic in (None, *TOPICS):
        for seed in range(seeds):
            yield topic, bank.pick(20, random.Random(seed), topic=topic)


def test_a_game_never_holds_a_question_that_shows_anothers_answer(bank: QuestionBank) -> None:
    for topic, game in games(bank):
        for shown, asked in itertools.permutations(game, 2):
            assert not shown.shown_facts & asked.asked_facts, (topic, shown.id, asked.id)
            assert asked.id not in shown.related, (topic, shown.id, asked.id)


def test_a_which_came_first_never_shares_a_game_with_a_question_on_its_events(
    bank: QuestionBank, store: FactStore
) -> None:
    for topic, game in games(bank):
        titles = {choice.en for q in game if q.id.startswith("gen-first-") for choice in q.choices}
        for question in game:
            if not question.id.startswith("gen-first-"):
                assert fact_of(store, question).title.en not in titles, (topic, question.id)


def test_a_game_never_prints_the_full_date_another_question_asks(
    bank: QuestionBank, store: FactStore
) -> None:
    for topic, game in games(bank):
        for shown, asked in itertools.permutations(game, 2):
            fact = fact_of(store, asked)
            if fact.date.month_day is None:
                continue
            text = " ".join((shown.prompt.en, shown.explanation.en))
            printed = re.search(rf"(?<!\d){fact.date.display('en')}", text)
            assert not printed, (topic, shown.id, asked.id)


def test_a_question_whose_answer_names_its_topic_is_not_offered_under_it(
    bank: QuestionBank,
) -> None:
    for topic, game in games(bank):
        if topic is None:
            continue
        name = TOPICS[topic]["en"].casefold().replace("-", " ")
        for question in game:
            named = [name in c.en.casefold().replace("-", " ") for c in question.choices]
            assert not (named[question.correct] and not all(named)), (topic, question.id)


def test_a_topic_whose_name_gives_years_offers_no_choice_outside_them(
    bank: QuestionBank,
) -> None:
    for topic, label in TOPICS.items():
        years = re.search(r"(19\d\d)–(\d\d)", label["en"])
        if years is None:
            continue
        first, last = int(years.group(1)), 1900 + int(years.group(2))
        for seed in range(60):
            for question in bank.pick(20, random.Random(seed), topic=topic):
                for choice in question.choices:
                    for year in re.findall(r"19\d\d", choice.en):
                        assert first <= int(year) <= last, (topic, question.id)


def test_every_topic_still_fills_a_game(bank: QuestionBank) -> None:
    for topic in TOPICS:
        for seed in range(30):
            assert len(bank.pick(5, random.Random(seed), topic=topic)) == 5, topic
