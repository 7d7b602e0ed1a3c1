"""Questions generated from dated facts, so every topic has enough to play.

Three kinds, each with one unambiguous answer: the year of an event, the month of an event
(when its date is precise to the month), and which of four events came first (dates at
least two months apart). Left out of the date kinds: a fact whose title names a year (it
would give the answer away) and a range that runs into another year or month (more than
one answer would be right).
"""

from __future__ import annotations

import calendar
import itertools
import random
import re
from collections.abc import Iterator, Sequence

from bot.core.fact_store import FactStore
from bot.core.facts import Difficulty, Fact, Localized
from bot.core.quiz.question import QuizQuestion
from bot.core.replies import SourceLink

FIRST_YEAR, LAST_YEAR = 1939, 1946
_YEAR_IN_TEXT = re.compile(r"19[34]\d")
_FIRST_SENTENCE = re.compile(r"^(.+?[.。])(\s|$)")
MIN_GAP_DAYS = 60


def _sources(fact: Fact) -> tuple[SourceLink, ...]:
    return tuple(SourceLink(s.title, s.url) for s in fact.sources)


def _first_sentence(text: str) -> str:
    match = _FIRST_SENTENCE.match(text)
    return match.group(1) if match else text


def _explanation(fact: Fact) -> Localized:
    return Localized(
        en=f"{fact.date.display('en')}: {_first_sentence(fact.text.en)}",
        ja=f"{fact.date.display('ja')}：{_first_sentence(fact.text.ja)}",
    )


def _names_a_year(fact: Fact) -> bool:
    return bool(_YEAR_IN_TEXT.search(fact.title.en) or _YEAR_IN_TEXT.search(fact.title.ja))


def _about_fact(
    fact: Fact,
    kind: str,
    difficulty: Difficulty,
    prompt: Localized,
    choices: tuple[Localized, ...],
) -> QuizQuestion:
    """A question on one fact whose right answer is the first of ``choices``."""
    return QuizQuestion(
        id=f"gen-{kind}-{fact.id}",
        fact_id=fact.id,
        difficulty=difficulty,
        topics=fact.tags,
        prompt=prompt,
        choices=choices,
        correct=0,
        explanation=_explanation(fact),
        sources=_sources(fact),
    )


def year_question(fact: Fact) -> QuizQuestion | None:
    """ "In which year…?" with the three nearest other years as distractors."""
    year = fact.date.year
    spans_years = fact.end_date is not None and fact.end_date.year != year
    if _names_a_year(fact) or spans_years or not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    others = sorted(
        (y for y in range(FIRST_YEAR, LAST_YEAR + 1) if y != year), key=lambda y: abs(y - year)
    )[:3]
    return _about_fact(
        fact,
        "year",
        "easy",
        Localized(en=f"In which year: “{fact.title.en}”?", ja=f"「{fact.title.ja}」は何年のこと？"),
        tuple(Localized(en=str(y), ja=f"{y}年") for y in [year, *others]),
    )


def month_question(fact: Fact) -> QuizQuestion | None:
    """ "In which month of YEAR…?" with the neighbouring months as distractors."""
    month = fact.date.month
    end = fact.end_date
    spans_months = end is not None and (end.year, end.month) != (fact.date.year, month)
    if month is None or spans_months or _names_a_year(fact):
        return None
    others = sorted((m for m in range(1, 13) if m != month), key=lambda m: (abs(m - month), m))[:3]
    year = fact.date.year
    return _about_fact(
        fact,
        "month",
        "medium",
        Localized(
            en=f"In which month of {year}: “{fact.title.en}”?",
            ja=f"{year}年の何月のこと？「{fact.title.ja}」",
        ),
        tuple(Localized(en=calendar.month_name[m], ja=f"{m}月") for m in [month, *others]),
    )


def first_question(group: Sequence[Fact]) -> QuizQuestion | None:
    """ "Which happened first?" over four day-precise facts well apart in time."""
    dated = sorted(group, key=lambda fact: fact.date.earliest)
    if len(dated) != 4 or any(f.date.month_day is None for f in dated):
        return None
    gaps = [(b.date.earliest - a.date.earliest).days for a, b in itertools.pairwise(dated)]
    if min(gaps) < MIN_GAP_DAYS:
        return None
    first = dated[0]
    return QuizQuestion(
        id="gen-first-" + "-".join(sorted(f.id for f in dated))[:90],
        fact_id=first.id,
        difficulty="hard",
        topics=first.tags,
        prompt=Localized(en="Which of these happened first?", ja="いちばん早く起きたのはどれ？"),
        choices=tuple(f.title for f in dated),
        correct=0,
        explanation=Localized(
            en=" → ".join(f"{f.title.en} ({f.date.display('en')})" for f in dated),
            ja=" → ".join(f"{f.title.ja}（{f.date.display('ja')}）" for f in dated),
        ),
        sources=_sources(first),
    )


def generate(
    store: FactStore, rng: random.Random, first_per_topic: int = 6
) -> Iterator[QuizQuestion]:
    """Every generated question for the store (deterministic for a given ``rng`` seed)."""
    for fact in store.facts:
        for make in (year_question, month_question):
            if (question := make(fact)) is not None:
                yield question
    for topic in sorted({tag for fact in store.facts for tag in fact.tags}):
        pool = [f for f in store.with_tag(topic) if f.date.month_day is not None]
        made = 0
        for _ in range(first_per_topic * 10):
            if made >= first_per_topic or len(pool) < 4:
                break
            if (question := first_question(rng.sample(pool, 4))) is not None:
                made += 1
                yield QuizQuestion(
                    question.id,
                    question.fact_id,
                    question.difficulty,
                    (topic,),
                    question.prompt,
                    question.choices,
                    question.correct,
                    question.explanation,
                    question.sources,
                )
