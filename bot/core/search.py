"""Ranked word search over the English and Japanese text of the facts.

Japanese is written without spaces, so it is indexed by overlapping character pairs (bigrams);
Latin text by words with case and accents folded. Ranking is BM25 over those terms, with
title and people weighted above body text, and facts that match more of the query's distinct
terms always ahead of those that match fewer.

A command shows the five best matches, so a query must not cost in proportion to the corpus.
Two things keep it near flat:

- Each term's postings are stored best impact first (the term's BM25 contribution to a
  document, computed when the index is built), so the threshold algorithm (Fagin, Lotem and
  Naor, "Optimal aggregation algorithms for middleware") stops reading as soon as no document
  it has not seen could still reach the top ``limit``; equal impacts are ordered by key, so a
  run of equal scores stops at the ``limit``-th key too.
- Documents whose text is the same and whose keys differ (copies of a fact under new ids)
  score alike for every query that does not name a key, so they are indexed once, as one
  class: the terms all its members share at one weight, plus each member's own key terms.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"[a-z0-9]+")
_JAPANESE_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff々ー]+")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "was",
        "were",
        "with",
        "as",
        "its",
    ]
)


def _fold(text: str) -> str:
    if text.isascii():  # most of the English text: nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _stem(word: str) -> str:
    # Just enough folding that "conferences" finds "conference" and "Stalin's" finds "Stalin".
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """Index terms of ``text``: folded Latin words and Japanese character bigrams."""
    normalized = unicodedata.normalize("NFKC", text)
    # Japanese characters never fold into Latin words, so they are not folded one by one.
    latin = _JAPANESE_RUN.sub(" ", normalized)
    found = [_stem(word) for word in _WORD.findall(_fold(latin)) if word not in _STOPWORDS]
    for run in _JAPANESE_RUN.findall(normalized):
        if len(run) == 1:
            found.append(run)
        else:
            found.extend(run[i : i + 2] for i in range(len(run) - 1))
    return found


@dataclass(frozen=True)
class Document:
    """What is indexed for one fact: weighted fields of text, and the key itself (indexed
    too, at ``key_weight``: an id names its subject)."""

    key: str
    weighted_texts: Sequence[tuple[str, float]]
    key_weight: float = 0.0


@dataclass(frozen=True, slots=True)
class Hits:
    """The best keys for a query, best first, and how many documents match it at all."""

    keys: tuple[str, ...]
    total: int


# A key's rank, smallest first: more distinct query terms matched, then a higher score, then
# the key itself, so equal scores always come out in the same order.
_Rank = tuple[int, float, str]
_NO_OWN: dict[str, dict[str, float]] = {}


@dataclass(frozen=True, slots=True)
class _Class:
    """Documents of one text: what they share, and what each member's key adds."""

    members: tuple[str, ...]  # sorted
    shared: dict[str, float]  # term → impact, the same for every member
    own: dict[str, dict[str, float]]  # member → term → impact, for terms not shared
    own_terms: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Postings:
    """One term's postings, best impact first (ties by ``sort_keys``)."""

    impacts: tuple[float, ...]
    classes: tuple[int, ...]
    sort_keys: tuple[str, ...]  # the class's first key, or the member's for its own term
    # The next smaller impact after each position (``-1.0``: none), to settle exact ties.
    next_lower: tuple[float, ...]


def _next_lower(impacts: Sequence[float]) -> tuple[float, ...]:
    lower = [-1.0] * len(impacts)
    for position in range(len(impacts) - 2, -1, -1):
        after = impacts[position + 1]
        lower[position] = after if after < impacts[position] else lower[position + 1]
    return tuple(lower)


def _weights(weighted_texts: Iterable[tuple[str, float]]) -> dict[str, float]:
    weights: dict[str, float] = {}
    for text, weight in weighted_texts:
        # Counted first: one update per distinct term, not one per occurrence.
        for term, times in Counter(terms(text)).items():
            weights[term] = weights.get(term, 0.0) + times * weight
    return weights


class SearchIndex:
    """An in-memory BM25 index; built once at start-up, queried per command."""

    _K1 = 1.2
    _B = 0.75

    def __init__(self, documents: Iterable[Document]) -> None:
        # Grouped by text and length; each member's weights, its key's terms included.
        groups: dict[tuple[float, tuple[tuple[str, float], ...]], dict[str, dict[str, float]]]
        groups = {}
        total_length, count = 0.0, 0
        for document in documents:
            content = _weights(document.weighted_texts)
            weights = dict(content)
            if document.key_weight:
                for term, weight in _weights([(document.key, document.key_weight)]).items():
                    weights[term] = weights.get(term, 0.0) + weight
            length = sum(weights.values())
            groups.setdefault((length, tuple(sorted(content.items()))), {})[document.key] = weights
            total_length += length
            count += 1
        average_length = total_length / count if count else 1.0
        shapes = [self._shape(members) for members in groups.values()]
        frequency: Counter[str] = Counter()
        for members, shared, own in shapes:
            for term in shared:
                frequency[term] += len(members)
            for weights in own.values():
                frequency.update(weights.keys())
        count = max(count, 1)
        idf = {
            term: math.log(1 + (count - freq + 0.5) / (freq + 0.5))
            for term, freq in frequency.items()
        }

        def impacts(weights: dict[str, float], length: float) -> dict[str, float]:
            norm = 1 - self._B + self._B * length / average_length
            return {
                term: idf[term] * (weight * (self._K1 + 1) / (weight + self._K1 * norm))
                for term, weight in weights.items()
            }

        self._classes: tuple[_Class, ...] = tuple(
            _Class(
                members,
                impacts(shared, length),
                {member: impacts(weights, length) for member, weights in own.items()} or _NO_OWN,
                frozenset(term for weights in own.values() for term in weights),
            )
            for (length, _), (members, shared, own) in zip(groups, shapes, strict=True)
        )
        entries: dict[str, list[tuple[float, str, int]]] = {}
        for number, group in enumerate(self._classes):
            for term, impact in group.shared.items():
                entries.setdefault(term, []).append((-impact, group.members[0], number))
            for member, own_impacts in group.own.items():
                for term, impact in own_impacts.items():
                    entries.setdefault(term, []).append((-impact, member, number))
        self._postings: dict[str, _Postings] = {}
        for term, listed in entries.items():
            listed.sort()
            ordered = tuple(-impact for impact, _, _ in listed)
            self._postings[term] = _Postings(
                ordered,
                tuple(number for _, _, number in listed),
                tuple(key for _, key, _ in listed),
                _next_lower(ordered),
            )

    @staticmethod
    def _shape(
        members: dict[str, dict[str, float]],
    ) -> tuple[tuple[str, ...], dict[str, float], dict[str, dict[str, float]]]:
        """A group's sorted keys, the weights all of them share, and each one's own."""
        keys = tuple(sorted(members))
        if len(keys) == 1:
            return keys, members[keys[0]], {}
        shared = dict(members[keys[0]])
        for key in keys[1:]:
            weights = members[key]
            shared = {term: w for term, w in shared.items() if weights.get(term) == w}
        own = {
            key: {term: w for term, w in members[key].items() if term not in shared} for key in keys
        }
        return keys, shared, {key: weights for key, weights in own.items() if weights}

    def _ranks(self, number: int, wanted: Sequence[str], limit: int | None) -> list[_Rank]:
        """The ranks of a class's members for ``wanted`` (only the first ``limit`` when they
        all score alike), members matching nothing left out."""
        group = self._classes[number]
        if group.own_terms.isdisjoint(wanted):
            matched, score = 0, 0.0
            for term in wanted:  # in query order, as every score is summed
                if (impact := group.shared.get(term)) is not None:
                    matched += 1
                    score += impact
            if not matched:
                return []
            return [(-matched, -score, key) for key in group.members[:limit]]
        ranks = []
        for key in group.members:
            own = group.own.get(key, {})
            matched, score = 0, 0.0
            for term in wanted:
                if (impact := own.get(term, group.shared.get(term))) is not None:
                    matched += 1
                    score += impact
            if matched:
                ranks.append((-matched, -score, key))
        return ranks

    def _wanted(self, query: str) -> list[str]:
        return [term for term in dict.fromkeys(terms(query)) if term in self._postings]

    def search(self, query: str) -> list[str]:
        """Keys of every matching document, best first (every match scored: the reference
        :meth:`top` is held to)."""
        wanted = self._wanted(query)
        numbers = set().union(*(self._postings[term].classes for term in wanted))
        ranked = [rank for number in numbers for rank in self._ranks(number, wanted, None)]
        return [key for _, _, key in sorted(ranked)]

    def top(self, query: str, limit: int) -> Hits:
        """The first ``limit`` keys of :meth:`search` and the count of all matches, reading
        each term's postings only as deep as the ranking needs."""
        wanted = self._wanted(query)
        lists = [self._postings[term] for term in wanted]
        seen: set[int] = set()
        best: list[_Rank] = []  # the ``limit`` best ranks so far, smallest first
        depth = 0
        while limit > 0 and lists:
            for postings in lists:
                if (
                    depth < len(postings.classes)
                    and (number := postings.classes[depth]) not in seen
                ):
                    seen.add(number)
                    for rank in self._ranks(number, wanted, limit):
                        if len(best) < limit or rank < best[-1]:
                            bisect.insort(best, rank)
                            del best[limit:]
            depth += 1
            if self._settled(lists, depth, best, limit):
                break
        return Hits(tuple(key for _, _, key in best), self._count(wanted))

    @staticmethod
    def _settled(lists: Sequence[_Postings], depth: int, best: list[_Rank], limit: int) -> bool:
        """Whether no class unseen after reading ``depth`` entries of each list can still
        rank above ``best[-1]``.

        An unseen class sits at ``depth`` or below in every list it is in, so a member matches
        at most the lists not read to their end and scores at most their impacts at
        ``depth`` (impacts are positive, and a float sum never shrinks when a term grows).
        """
        live = [postings for postings in lists if depth < len(postings.classes)]
        if not live:
            return True
        if len(best) < limit:
            return False
        worst_matched, worst_score, worst_key = -best[-1][0], -best[-1][1], best[-1][2]
        if len(live) != worst_matched:
            return len(live) < worst_matched
        bound = 0.0
        for postings in live:
            bound += postings.impacts[depth]
        if bound != worst_score:
            return bound < worst_score
        # An exact tie: if one impact lower anywhere falls short, an unseen member can only
        # tie by having the current impact in every list, so it is in each list's current
        # run, after its sort key; its key is then above the greatest of them.
        for lowered in range(len(live)):
            if live[lowered].next_lower[depth] < 0:
                continue  # not in that list at all: it matches too few terms
            total = 0.0
            for position, postings in enumerate(live):
                total += (
                    postings.next_lower[depth] if position == lowered else postings.impacts[depth]
                )
            if total >= worst_score:
                return False
        return max(postings.sort_keys[depth] for postings in live) > worst_key

    def _count(self, wanted: Sequence[str]) -> int:
        numbers = set().union(*(self._postings[term].classes for term in wanted))
        total = 0
        for number in numbers:
            group = self._classes[number]
            if group.own_terms.isdisjoint(wanted) or any(t in group.shared for t in wanted):
                total += len(group.members)
            else:
                total += sum(
                    1 for key in group.members if any(t in group.own.get(key, ()) for t in wanted)
                )
        return total
