"""The facts in memory, indexed for every question the commands ask."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from bot.core.facts import Fact, Person, Question
from bot.core.search import Document, SearchIndex


class FactStore:
    """Facts by id, by anniversary, by topic and by year, plus word search. Read-only."""

    def __init__(
        self,
        facts: Sequence[Fact],
        people: dict[str, Person],
        questions: Sequence[Question] = (),
    ) -> None:
        self._questions = tuple(questions)
        self._facts = tuple(sorted(facts, key=lambda fact: (fact.date.earliest, fact.id)))
        self._people = dict(people)
        self._by_id = {fact.id: fact for fact in self._facts}
        by_month_day: defaultdict[tuple[int, int], list[Fact]] = defaultdict(list)
        by_tag: defaultdict[str, list[Fact]] = defaultdict(list)
        by_year: defaultdict[int, list[Fact]] = defaultdict(list)
        for fact in self._facts:
            # A range (a conference, a battle) has its anniversary on its first day.
            if (month_day := fact.date.month_day) is not None:
                by_month_day[month_day].append(fact)
            for tag in fact.tags:
                by_tag[tag].append(fact)
            by_year[fact.date.year].append(fact)
        self._by_month_day = {key: tuple(value) for key, value in by_month_day.items()}
        self._by_tag = {key: tuple(value) for key, value in by_tag.items()}
        self._by_year = {key: tuple(value) for key, value in by_year.items()}
        # Built on the first search, not here: the index is most of the store's memory and
        # most replies (the first one of a start-up included) never search. The corpus cache
        # hands over a loader of the index it keeps.
        self._index: SearchIndex | None = None
        self._index_loader: Callable[[], SearchIndex | None] | None = None

    def __getstate__(self) -> dict[str, object]:
        # Pickled without its index, which the corpus cache keeps in a file of its own (a
        # loader is a closure of one process); a store that has none builds it when asked.
        state = dict(self.__dict__)
        state["_index"] = None
        state["_index_loader"] = None
        return state

    def search_index(self) -> SearchIndex:
        """The word index: from the loader given, or else built from the facts, once.

        Two threads asking at once may both build it, harmlessly: the same index either way.
        """
        index = self._index
        if index is None:
            loader, self._index_loader = self._index_loader, None
            index = loader() if loader is not None else None
            if index is None:
                index = SearchIndex(self._document(fact) for fact in self._facts)
            self._index = index
        return index

    def load_index_with(self, loader: Callable[[], SearchIndex | None]) -> None:
        """Take the index, when it is first needed, from ``loader`` (when that gives None,
        it is built from the facts as usual)."""
        if self._index is None:
            self._index_loader = loader

    def _document(self, fact: Fact) -> Document:
        names = [
            text
            for person_id in fact.people
            for text in (self._people[person_id].name.en, self._people[person_id].name.ja)
        ]
        texts: list[tuple[str, float]] = [
            (fact.title.en, 3.0),
            (fact.title.ja, 3.0),
            (fact.text.en, 1.0),
            (fact.text.ja, 1.0),
            (" ".join(names), 2.0),
            (" ".join(fact.tags), 1.0),
            (fact.date.iso(), 1.0),
        ]
        if fact.place is not None:
            texts += [(fact.place.en, 1.0), (fact.place.ja, 1.0)]
        return Document(fact.id, texts, key_weight=1.0)

    @property
    def facts(self) -> tuple[Fact, ...]:
        """Every fact, in date order."""
        return self._facts

    @property
    def questions(self) -> tuple[Question, ...]:
        """The curated quiz questions (``facts/questions/``)."""
        return self._questions

    @property
    def people(self) -> dict[str, Person]:
        return dict(self._people)

    def get(self, fact_id: str) -> Fact | None:
        return self._by_id.get(fact_id)

    def person(self, person_id: str) -> Person:
        return self._people[person_id]

    def on(self, month: int, day: int) -> tuple[Fact, ...]:
        """Facts whose anniversary is this month-day, in date order."""
        return self._by_month_day.get((month, day), ())

    def month_days(self) -> list[tuple[int, int]]:
        """Every month-day that has at least one anniversary, sorted."""
        return sorted(self._by_month_day)

    def with_tag(self, tag: str) -> tuple[Fact, ...]:
        return self._by_tag.get(tag, ())

    def in_year(self, year: int) -> tuple[Fact, ...]:
        return self._by_year.get(year, ())

    def search(self, query: str) -> list[Fact]:
        """Every fact matching the words of ``query`` (English or Japanese), best first."""
        return [self._by_id[key] for key in self.search_index().search(query)]

    def best_matches(self, query: str, limit: int) -> tuple[tuple[Fact, ...], int]:
        """The first ``limit`` facts of :meth:`search`, and how many match in all; costs
        about the same whatever the size of the corpus."""
        hits = self.search_index().top(query, limit)
        return tuple(self._by_id[key] for key in hits.keys), hits.total
