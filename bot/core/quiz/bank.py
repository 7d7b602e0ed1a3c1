"""All questions a quiz can ask: the curated ones first, generated ones to fill in, and no
game with two questions of which one gives the other's answer away."""

from __future__ import annotations

import asyncio
import calendar
import random
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

from bot.core.fact_store import FactStore
from bot.core.facts import Difficulty, Localized, Question
from bot.core.quiz.generator import generate, gives_topic_away
from bot.core.quiz.mentions import FactsByDate
from bot.core.quiz.question import QuizQuestion
from bot.core.replies import SourceLink
from bot.core.topics import TOPICS

# A bare year or month is in countless texts; whether a text gives such an answer away is
# judged by the facts it dates instead (``QuizQuestion.shows``).
_BARE_DATE = re.compile(
    r"^(\d{4}年?|\d{1,2}月|" + "|".join(m.casefold() for m in calendar.month_name[1:]) + r")$"
)
_TOPIC_YEARS = re.compile(r"(19\d\d)\s*[–-]\s*(\d{2,4})")
_YEAR = re.compile(r"(?<!\d)(19\d\d)(?!\d)")
PICK_ATTEMPTS = 8
RANK_DRIFT_STEPS = (0, 1, 2)
COMMON_ANSWER_SHARE = 0.05
COMMON_ANSWER_MIN = 10


def from_curated(
    question: Question, store: FactStore, dated: FactsByDate | None = None
) -> QuizQuestion:
    fact = store.get(question.fact)
    assert fact is not None  # the loader checked every question's fact exists
    dated = dated or FactsByDate(store.facts)
    texts = [
        text
        for part in (question.question, question.answer, *question.wrong, question.explanation)
        for text in (part.en, part.ja)
    ]
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
        shows=dated.named_in(texts),
        related=frozenset(question.related),
    )


def _answer_keys(question: QuizQuestion) -> tuple[str, ...]:
    """The right answer's texts that would give it away if another question printed them.

    None for "which came first": its answer is an event's title, which another question may
    print without saying when it happened.
    """
    if len(question.asked_facts) > 1:
        return ()
    answer = question.choices[question.correct]
    keys = (answer.en.casefold().strip(), answer.ja.strip())
    return tuple(k for k in keys if len(k) >= 4 and not _BARE_DATE.match(k))


def _shown_text(question: QuizQuestion) -> str:
    """What a player reads of a question: its prompt, its explanation and its answer."""
    parts = (question.prompt, question.explanation, question.choices[question.correct])
    return "\n".join(text for part in parts for text in (part.en.casefold(), part.ja))


def gives_away_under(question: QuizQuestion, topic: str) -> bool:
    """Whether the topic's own name picks out the answer: the right choice is the only one
    naming the topic, or the topic's years rule out some choices."""
    if gives_topic_away(question.choices, question.correct, topic):
        return True
    if years := _TOPIC_YEARS.search(TOPICS[topic]["en"]):
        first, last = int(years.group(1)), int(years.group(2))
        last += (first // 100) * 100 if last < 100 else 0
        for choice in question.choices:
            if any(not first <= int(y) <= last for y in _YEAR.findall(choice.en)):
                return True
    return False


def _kept_apart(questions: Sequence[QuizQuestion]) -> dict[str, set[str]]:
    """For each question, the others that must not share a game with it: one of the two
    shows a fact whose answer the other asks, prints the other's answer, or declares it
    related."""
    apart: dict[str, set[str]] = {q.id: set() for q in questions}

    def keep_apart(first: str, second: str) -> None:
        if first != second and second in apart:
            apart[first].add(second)
            apart[second].add(first)

    asking: defaultdict[str, list[str]] = defaultdict(list)
    for question in questions:
        for fact in question.asked_facts:
            asking[fact].append(question.id)
    for question in questions:
        for fact in question.shown_facts:
            for other in asking.get(fact, ()):
                keep_apart(question.id, other)
        for other in question.related:
            keep_apart(question.id, other)
    texts = [(q.id, _shown_text(q)) for q in questions]
    # An answer that most questions print ("the Soviet Union") gives nothing away.
    common = max(COMMON_ANSWER_MIN, COMMON_ANSWER_SHARE * len(questions))
    for question in questions:
        for key in _answer_keys(question):
            printing = [qid for qid, text in texts if key in text]
            if len(printing) <= common:
                for other in printing:
                    keep_apart(question.id, other)
    return apart


def _rank_balanced(
    questions: list[QuizQuestion], rng: random.Random, extra: int = 0
) -> list[QuizQuestion]:
    """The questions, with as many year (or month) questions of each answer rank as of any
    other (give or take ``extra``): the bank is balanced as a whole, but a topic's own facts
    may cluster (the break-up is almost all 1945), and within its games "pick the latest"
    must not win."""
    ranked: defaultdict[str, list[list[QuizQuestion]]] = defaultdict(lambda: [[], [], [], []])
    kept: list[QuizQuestion] = []
    for question in questions:
        if question.answer_rank is None:
            kept.append(question)
        else:
            ranked[question.kind][question.answer_rank].append(question)
    for by_rank in ranked.values():
        each = min(len(group) for group in by_rank) + extra
        for group in by_rank:
            kept += rng.sample(group, min(each, len(group)))
    return kept


class QuestionBank:
    """Picks fair sets of questions for a game."""

    def __init__(self, curated: Iterable[QuizQuestion], generated: Iterable[QuizQuestion]) -> None:
        self._lock = threading.Lock()
        self._pending: Callable[[], tuple[Iterable[QuizQuestion], Iterable[QuizQuestion]]] | None
        self._pending = None
        self._set(curated, generated)

    def _set(self, curated: Iterable[QuizQuestion], generated: Iterable[QuizQuestion]) -> None:
        self._curated = tuple(curated)
        self._generated = tuple(generated)
        everything = (*self._curated, *self._generated)
        self._by_id = {q.id: q for q in everything}
        if len(self._by_id) != len(everything):
            twice = sorted(i for i, n in Counter(q.id for q in everything).items() if n > 1)
            raise ValueError(f"two questions share an id: {', '.join(twice)}")
        self._apart = _kept_apart(everything)

    @classmethod
    def build(cls, store: FactStore, seed: int = 1941) -> QuestionBank:
        return cls(*_questions_of(store, seed))

    @classmethod
    def deferred(cls, store: FactStore, seed: int = 1941) -> QuestionBank:
        """The same bank as :meth:`build`, built the first time a quiz or a question of the
        day needs it: generating and balancing the questions is most of what a start-up
        would otherwise spend before its first reply."""
        bank = cls((), ())
        bank._pending = lambda: _questions_of(store, seed)
        return bank

    def _ready(self) -> None:
        if self._pending is None:
            return
        with self._lock:  # a build in a thread and a direct use never build it twice
            if self._pending is not None:
                self._set(*self._pending())
                self._pending = None

    async def ready(self) -> None:
        """Build a deferred bank off the event loop, so the first quiz does not stall others."""
        if self._pending is not None:
            await asyncio.to_thread(self._ready)

    @property
    def curated(self) -> tuple[QuizQuestion, ...]:
        self._ready()
        return self._curated

    @property
    def generated(self) -> tuple[QuizQuestion, ...]:
        self._ready()
        return self._generated

    def get(self, question_id: str) -> QuizQuestion | None:
        self._ready()
        return self._by_id.get(question_id)

    def __len__(self) -> int:
        self._ready()
        return len(self._by_id)

    def kept_apart(self, first: str, second: str) -> bool:
        """Whether one of the two questions would give the other's answer away."""
        self._ready()
        return second in self._apart.get(first, set())

    def pick(
        self,
        count: int,
        rng: random.Random,
        topic: str | None = None,
        difficulty: Difficulty | None = None,
    ) -> list[QuizQuestion]:
        """Up to ``count`` questions, curated before generated, each with its choices
        shuffled, none of which gives another's answer away (so at most one per fact)."""

        def wanted(question: QuizQuestion) -> bool:
            return (
                topic is None
                or (topic in question.topics and not gives_away_under(question, topic))
            ) and (difficulty is None or question.difficulty == difficulty)

        self._ready()
        curated = [q for q in self.curated if wanted(q)]
        generated = [q for q in self.generated if wanted(q)]
        best: list[QuizQuestion] = []
        # Which questions exclude which depends on the order they are tried in, so a small
        # pool (one topic, one difficulty) gets a few orders; only a pool that still cannot
        # fill the game lets the ranks of its date questions drift apart, a step at a time.
        for extra in (*RANK_DRIFT_STEPS, len(generated)):
            for _ in range(PICK_ATTEMPTS):
                chosen = self._fill(count, curated, generated, rng, extra)
                if len(chosen) > len(best):
                    best = chosen
                if len(best) == count:
                    break
            if len(best) == count:
                break
        rng.shuffle(best)
        return [question.shuffled(rng) for question in best]

    def _fill(
        self,
        count: int,
        curated: list[QuizQuestion],
        generated: list[QuizQuestion],
        rng: random.Random,
        extra: int,
    ) -> list[QuizQuestion]:
        chosen: list[QuizQuestion] = []
        apart: set[str] = set()

        def take(candidates: list[QuizQuestion]) -> None:
            rng.shuffle(candidates)
            for question in candidates:
                if len(chosen) == count:
                    return
                if question.id not in apart:
                    apart.update(self._apart[question.id], {question.id})
                    chosen.append(question)

        take(list(curated))
        # Balanced among the generated questions that can still join this game, so that the
        # curated ones already in it do not favour one rank.
        take(_rank_balanced([q for q in generated if q.id not in apart], rng, extra))
        return chosen


def _questions_of(store: FactStore, seed: int) -> tuple[list[QuizQuestion], Iterable[QuizQuestion]]:
    dated = FactsByDate(store.facts)
    return [from_curated(q, store, dated) for q in store.questions], generate(
        store, random.Random(seed)
    )


def localized_choice_texts(choices: Iterable[Localized]) -> list[list[str]]:
    """Per choice, its text in every language (for matching typed answers)."""
    return [[choice.en, choice.ja] for choice in choices]
