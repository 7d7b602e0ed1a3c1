"""The shipped curated questions and disputed dates, as the quiz needs them."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator

import pytest

from bot.config import shipped_facts_dir
from bot.core.fact_loading import load_fact_store
from bot.core.fact_store import FactStore
from bot.core.facts import Localized, Question
from bot.core.quiz.mentions import DatesInText


@pytest.fixture(scope="module")
def corpus() -> FactStore:
    return load_fact_store(shipped_facts_dir())


def question(corpus: FactStore, question_id: str) -> Question:
    found = [q for q in corpus.questions if q.id == question_id]
    assert found, question_id
    return found[0]


def japanese_texts(corpus: FactStore) -> Iterator[str]:
    for fact in corpus.facts:
        yield from (fact.title.ja, fact.text.ja, fact.place.ja if fact.place else "")
    for q in corpus.questions:
        parts: tuple[Localized, ...] = (q.question, q.answer, *q.wrong, q.explanation)
        yield from (part.ja for part in parts)


@pytest.mark.parametrize(
    "pattern",
    [r"オー[バヴ]ァ?ーロード作戦", r"(?:白ロシア|ベロルシア|ベラルーシ|ベロロシア)方面軍"],
    ids=["operation-overlord", "belorussian-fronts"],
)
def test_one_japanese_form_for_one_name(corpus: FactStore, pattern: str) -> None:
    forms = {m for text in japanese_texts(corpus) for m in re.findall(pattern, text)}
    assert len(forms) <= 1, forms


def test_a_curated_which_came_first_is_tied_to_the_fact_that_came_first(corpus: FactStore) -> None:
    asked = [q for q in corpus.questions if re.search(r"came first|happened first", q.question.en)]
    assert asked
    for q in asked:
        days = DatesInText.read([q.question.en, q.explanation.en]).days
        fact = corpus.get(q.fact)
        assert fact is not None
        assert (fact.date.year, fact.date.month, fact.date.day) == min(days), q.id


def test_the_leningrad_question_counts_the_siege_not_the_land_blockade(corpus: FactStore) -> None:
    q = question(corpus, "q44-leningrad-blockade-days")
    assert "siege" in q.question.en and "land blockade" not in q.question.en
    assert "陸上封鎖" not in q.question.ja and "包囲" in q.question.ja
    assert "blockade" not in q.explanation.en and "封鎖" not in q.explanation.ja


def test_the_pq17_wrong_answers_were_german_battleships_afloat_in_july_1942(
    corpus: FactStore,
) -> None:
    gone_by_july_1942 = {"Bismarck", "Admiral Graf Spee"}  # sunk May 1941, scuttled Dec 1939
    q = question(corpus, "q42-pq17-tirpitz")
    assert not {w.en for w in q.wrong} & gone_by_july_1942


def test_the_yalta_palaces_are_all_near_yalta(corpus: FactStore) -> None:
    elsewhere = {"Cecilienhof Palace", "Peterhof Palace", "Winter Palace"}  # Potsdam, Leningrad
    q = question(corpus, "q45-yalta-livadia")
    assert not {w.en for w in q.wrong} & elsewhere
    assert "plenary" in q.question.en  # the leaders also dined at the other palaces


def test_the_yalta_timing_choices_take_the_shape_of_the_answer(corpus: FactStore) -> None:
    q = question(corpus, "q45-yalta-far-east-timing")
    for choice in (q.answer, *q.wrong):
        assert re.fullmatch(r"\w+ or \w+ (weeks|months) after Germany's surrender", choice.en)
        assert re.fullmatch(r"ドイツ降伏の.+ないし.+後", choice.ja), choice.ja


def test_the_casablanca_prompt_does_not_name_its_month(corpus: FactStore) -> None:
    q = question(corpus, "q43-casablanca-unconditional-surrender")
    assert not re.search("|".join(calendar.month_name[1:]), q.question.en)
    assert not re.search(r"\d月", q.question.ja)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("q41-first-pledge-of-aid", "q41-barbarossa-date"),
        ("q43-stalingrad-prisoners", "q42-stalingrad-last-surrender"),
        ("q42-un-declaration-litvinov", "q41-litvinov-ambassador"),
    ],
)
def test_questions_that_name_each_others_answers_are_declared_related(
    corpus: FactStore, first: str, second: str
) -> None:
    assert second in question(corpus, first).related or first in question(corpus, second).related


@pytest.mark.parametrize(
    "fact_id",
    [
        # The conventions table of facts/README.md …
        "nazi-soviet-pact",
        "battle-of-stalingrad",
        "german-surrender-reims",
        "german-surrender-karlshorst",
        "operation-bagration",
        "moral-embargo-lifted",
        "welles-warns-oumansky",
        "tass-communique-june-1941",
        "katyn-graves-announced",
        "first-moscow-protocol",
        # … and facts whose texts give another date for the same event.
        "lublin-provisional-government",
        "bretton-woods-institutions-without-ussr",
    ],
)
def test_a_disputed_date_carries_its_other_convention(corpus: FactStore, fact_id: str) -> None:
    fact = corpus.get(fact_id)
    assert fact is not None and fact.other_dates, fact_id
