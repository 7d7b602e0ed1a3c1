"""Questions generated from dated facts, so every topic has enough to play.

Three kinds, each with one answer a well-read player can defend and none a guesser can read
off the choices: the year of an event, the month of an event (when its date is precise to
the month), and which of four events of about the same time came first.

Left out of the date kinds: a fact whose title names or implies what is asked (a year, a
month, "fourth term", "Epilogue:"), a range that runs into another year or month (more than
one answer would be right), and a date outside the period. Never offered as a wrong answer:
a year or month that the fact's text names or that another convention gives the fact
(``other_dates``). Wrong years and months are near the answer and inside the period, and
the answer's rank among the four is spread evenly over the bank (see ``distractors``).
"""

from __future__ import annotations

import calendar
import hashlib
import itertools
import random
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from bot.core.dates import display_range
from bot.core.fact_store import FactStore
from bot.core.facts import GENERATED_ID_PREFIX, Difficulty, Fact, Localized
from bot.core.i18n import LANGUAGES, Lang
from bot.core.quiz.distractors import ValueQuestion, balanced_distractors, rank_of
from bot.core.quiz.mentions import FactsByDate, months_named, years_named
from bot.core.quiz.question import QuizQuestion
from bot.core.quiz.sentences import first_sentence, quoted
from bot.core.replies import SourceLink
from bot.core.topics import TOPICS

FIRST_YEAR, LAST_YEAR = 1939, 1945
NEAR_YEARS = 4
NEAR_MONTHS = 5
# "Which came first" draws its four events from about a year and a half, so the earliest is
# not obvious from the years alone; the first must precede the rest by at least a month
# under every convention for its date.
WINDOW_DAYS = 548
MIN_FIRST_GAP_DAYS = 30
MIN_GAP_DAYS = 7
EASY_GAP_DAYS = 120
MEDIUM_GAP_DAYS = 45

_YEAR_IN_TEXT = re.compile(r"19\d\d")
_MONTH_IN_EN = re.compile(rf"\b({'|'.join(calendar.month_name[1:])})\b")
_MONTH_IN_JA = re.compile(r"\d月")
# A title can fix the date without naming it: a president's fourth term began with the 1944
# election, and an epilogue comes after everything else.
_IMPLIES_DATE_EN = re.compile(
    r"^\s*(epilogue|prologue)\b|\b(first|second|third|fourth|fifth|\d+(st|nd|rd|th))\s+term\b",
    re.IGNORECASE,
)
_IMPLIES_DATE_JA = re.compile(r"エピローグ|プロローグ|[0-9一二三四五]選")


@dataclass(frozen=True)
class Period:
    """The months the loaded facts cover inside FIRST_YEAR–LAST_YEAR."""

    first: tuple[int, int]
    last: tuple[int, int]

    @classmethod
    def of(cls, facts: Iterable[Fact]) -> Period:
        months = [
            (d.year, d.month or (1 if d is f.date else 12))
            for f in facts
            for d in (f.date, f.end_date)
            if d is not None and FIRST_YEAR <= d.year <= LAST_YEAR
        ]
        if not months:
            return cls((FIRST_YEAR, 1), (LAST_YEAR, 12))
        return cls(min(months), max(months))

    def years(self) -> range:
        return range(self.first[0], self.last[0] + 1)

    def months(self, year: int) -> range:
        start = self.first[1] if year == self.first[0] else 1
        end = self.last[1] if year == self.last[0] else 12
        return range(start, end + 1) if year in self.years() else range(0)


def _sources(fact: Fact) -> tuple[SourceLink, ...]:
    return tuple(SourceLink(s.title, s.url) for s in fact.sources)


def _titles(fact: Fact) -> tuple[str, str]:
    return unicodedata.normalize("NFKC", fact.title.en), unicodedata.normalize(
        "NFKC", fact.title.ja
    )


def names_year(fact: Fact) -> bool:
    return any(_YEAR_IN_TEXT.search(title) for title in _titles(fact))


def names_month(fact: Fact) -> bool:
    en, ja = _titles(fact)
    return bool(_MONTH_IN_EN.search(en) or _MONTH_IN_JA.search(ja))


def implies_date(fact: Fact) -> bool:
    en, ja = _titles(fact)
    return bool(_IMPLIES_DATE_EN.search(en) or _IMPLIES_DATE_JA.search(ja))


def _fact_texts(fact: Fact) -> tuple[str, ...]:
    return (fact.title.en, fact.title.ja, fact.text.en, fact.text.ja)


def _states_its_date(sentence: str, fact: Fact, lang: Lang) -> bool:
    """Whether the sentence already says the year (and month) that the questions ask."""
    year, month = fact.date.year, fact.date.month
    if lang == "ja":
        has_month = month is None or re.search(rf"(?<!\d){month}月", sentence)
        return f"{year}年" in sentence and bool(has_month)
    has_month = month is None or re.search(rf"\b{calendar.month_name[month]}\b", sentence)
    return re.search(rf"(?<!\d){year}(?!\d)", sentence) is not None and bool(has_month)


def explanation_for(fact: Fact) -> Localized:
    """The fact's first sentence, dated in front only when it does not say its date itself."""
    parts: dict[Lang, str] = {}
    for lang in LANGUAGES:
        sentence = first_sentence(fact.text.get(lang), lang)
        if _states_its_date(sentence, fact, lang):
            parts[lang] = sentence
        else:
            when = display_range(fact.date, fact.end_date, lang)
            parts[lang] = f"{when}：{sentence}" if lang == "ja" else f"{when}: {sentence}"
    return Localized(en=parts["en"], ja=parts["ja"])


def _about_fact(
    fact: Fact,
    kind: str,
    difficulty: Difficulty,
    prompt: Localized,
    choices: tuple[Localized, ...],
    dated: FactsByDate,
    answer_rank: int,
) -> QuizQuestion:
    """A question on one fact whose right answer is the first of ``choices``."""
    explanation = explanation_for(fact)
    return QuizQuestion(
        id=f"{GENERATED_ID_PREFIX}{kind}-{fact.id}",
        fact_id=fact.id,
        difficulty=difficulty,
        topics=fact.tags,
        prompt=prompt,
        choices=choices,
        correct=0,
        explanation=explanation,
        sources=_sources(fact),
        shows=dated.named_in((*_localized_texts(prompt), *_localized_texts(explanation))),
        kind=kind,
        answer_rank=answer_rank,
    )


def _localized_texts(text: Localized) -> tuple[str, str]:
    return (text.en, text.ja)


def year_candidate(fact: Fact, period: Period) -> ValueQuestion | None:
    """The year question this fact can have, with the years allowed as wrong answers."""
    year = fact.date.year
    spans_years = fact.end_date is not None and fact.end_date.year != year
    if spans_years or year not in period.years() or names_year(fact) or implies_date(fact):
        return None
    forbidden = {d.year for d in fact.other_dates} | years_named(_fact_texts(fact))
    allowed = tuple(
        y
        for y in period.years()
        if y != year and y not in forbidden and abs(y - year) <= NEAR_YEARS
    )
    return ValueQuestion(fact.id, year, allowed)


def month_candidate(fact: Fact, period: Period) -> ValueQuestion | None:
    """The month question this fact can have, with the months allowed as wrong answers."""
    month, year, end = fact.date.month, fact.date.year, fact.end_date
    spans_months = end is not None and (end.year, end.month) != (year, month)
    if month is None or spans_months or month not in period.months(year):
        return None
    if names_month(fact) or implies_date(fact):
        return None
    if any(other.year != year for other in fact.other_dates):
        return None  # the conventions disagree on the year the prompt would state
    forbidden = {d.month for d in fact.other_dates} | months_named(_fact_texts(fact), year)
    allowed = tuple(
        m
        for m in period.months(year)
        if m != month and m not in forbidden and abs(m - month) <= NEAR_MONTHS
    )
    return ValueQuestion(fact.id, month, allowed)


def year_question(fact: Fact, distractors: Sequence[int], dated: FactsByDate) -> QuizQuestion:
    """ "In which year…?" with these wrong years."""
    return _about_fact(
        fact,
        "year",
        "easy",
        Localized(
            en=f"In which year: {quoted(fact.title.en, 'en')}?",
            ja=f"{quoted(fact.title.ja, 'ja')}は何年のこと？",
        ),
        tuple(Localized(en=str(y), ja=f"{y}年") for y in [fact.date.year, *distractors]),
        dated,
        rank_of(fact.date.year, distractors),
    )


def month_question(fact: Fact, distractors: Sequence[int], dated: FactsByDate) -> QuizQuestion:
    """ "In which month of YEAR…?" with these wrong months."""
    assert fact.date.month is not None
    year = fact.date.year
    return _about_fact(
        fact,
        "month",
        "medium",
        Localized(
            en=f"In which month of {year}: {quoted(fact.title.en, 'en')}?",
            ja=f"{year}年の何月のこと？{quoted(fact.title.ja, 'ja')}",
        ),
        tuple(
            Localized(en=calendar.month_name[m], ja=f"{m}月")
            for m in [fact.date.month, *distractors]
        ),
        dated,
        rank_of(fact.date.month, distractors),
    )


def _start_range(fact: Fact) -> tuple[date, date]:
    """The earliest and the latest day the fact's start can mean, over every convention."""
    dates = (fact.date, *fact.other_dates)
    return min(d.earliest for d in dates), max(d.latest for d in dates)


def _names_topic(text: str, topic: str, lang: Lang) -> bool:
    names = [TOPICS[topic][lang].casefold()]
    if lang == "en":
        names.append(topic.replace("-", " "))
    folded = text.casefold().replace("-", " ")
    return any(name.replace("-", " ") in folded for name in names)


def gives_topic_away(choices: Sequence[Localized], correct: int, topic: str) -> bool:
    """Whether, under ``topic``, the right choice stands out by naming the topic."""
    for lang in LANGUAGES:
        named = [_names_topic(choice.get(lang), topic, lang) for choice in choices]
        if named[correct] and not all(named):
            return True
    return False


def first_question(group: Sequence[Fact], topic: str, dated: FactsByDate) -> QuizQuestion | None:
    """ "Which came first?" over four day-precise facts of about the same time."""
    facts = sorted(group, key=lambda fact: (fact.date.earliest, fact.id))
    if len(facts) != 4 or any(f.date.month_day is None for f in facts):
        return None
    first, rest = facts[0], facts[1:]
    if (facts[-1].date.earliest - first.date.earliest).days > WINDOW_DAYS:
        return None
    first_gap = min(_start_range(f)[0] for f in rest) - _start_range(first)[1]
    if first_gap.days < MIN_FIRST_GAP_DAYS:
        return None
    if any(
        (b.date.earliest - a.date.earliest).days < MIN_GAP_DAYS for a, b in itertools.pairwise(rest)
    ):
        return None
    choices = tuple(f.title for f in facts)
    if gives_topic_away(choices, 0, topic):
        return None
    difficulty: Difficulty = (
        "easy"
        if first_gap.days >= EASY_GAP_DAYS
        else "medium"
        if first_gap.days >= MEDIUM_GAP_DAYS
        else "hard"
    )
    ids = sorted(f.id for f in facts)
    digest = hashlib.sha256("|".join(ids).encode()).hexdigest()[:12]
    shared = set.intersection(*(set(f.tags) for f in facts))
    explanation = Localized(
        en=" → ".join(f"{f.title.en} ({f.date.display('en')})" for f in facts),
        ja=" → ".join(f"{f.title.ja}（{f.date.display('ja')}）" for f in facts),
    )
    return QuizQuestion(
        id=f"{GENERATED_ID_PREFIX}first-{digest}",
        fact_id=first.id,
        difficulty=difficulty,
        topics=(topic, *sorted(shared - {topic})),
        prompt=Localized(en="Which of these happened first?", ja="いちばん早く起きたのはどれ？"),
        choices=choices,
        correct=0,
        explanation=explanation,
        sources=_sources(first),
        asks=frozenset(ids),
        shows=dated.named_in(_localized_texts(explanation)),
        kind="first",
    )


def _first_pool(facts: Iterable[Fact], period: Period) -> list[Fact]:
    return [
        f
        for f in facts
        if f.date.month_day is not None
        and f.date.year in period.years()
        and not (names_year(f) or names_month(f) or implies_date(f))
    ]


def _first_questions(
    store: FactStore,
    period: Period,
    rng: random.Random,
    per_topic: int,
    dated: FactsByDate,
) -> Iterator[QuizQuestion]:
    seen: set[frozenset[str]] = set()
    for topic in sorted({tag for fact in store.facts for tag in fact.tags}):
        pool = _first_pool(store.with_tag(topic), period)
        made = 0
        for _ in range(per_topic * 30):
            if made >= per_topic or len(pool) < 4:
                break
            anchor = rng.choice(pool).date.earliest
            window = [f for f in pool if 0 <= (f.date.earliest - anchor).days <= WINDOW_DAYS]
            if len(window) < 4:
                continue
            group = rng.sample(window, 4)
            key = frozenset(f.id for f in group)
            if key in seen:
                continue
            if (question := first_question(group, topic, dated)) is not None:
                seen.add(key)
                made += 1
                yield question


def generate(
    store: FactStore, rng: random.Random, first_per_topic: int = 6
) -> Iterator[QuizQuestion]:
    """Every generated question for the store (deterministic for a given ``rng`` seed)."""
    period = Period.of(store.facts)
    dated = FactsByDate(store.facts)
    for candidate, build in ((year_candidate, year_question), (month_candidate, month_question)):
        candidates = [c for fact in store.facts if (c := candidate(fact, period)) is not None]
        chosen = balanced_distractors(candidates, rng)
        for fact in store.facts:
            if fact.id in chosen:
                yield build(fact, chosen[fact.id], dated)
    yield from _first_questions(store, period, rng, first_per_topic, dated)
