"""Ranked word search over the English and Japanese text of the facts.

Japanese is written without spaces, so it is indexed by overlapping character pairs (bigrams);
Latin text by words with case and accents folded. Ranking is BM25 over those terms, with
title and people weighted above body text, and facts that match more of the query's distinct
terms always ahead of those that match fewer.

A command shows the five best matches, so a query must not cost in proportion to the corpus.
Three things keep it near flat:

- Each term's postings are stored best impact first (the term's BM25 contribution to a
  document, computed when the index is built), so the threshold algorithm (Fagin, Lotem and
  Naor, "Optimal aggregation algorithms for middleware") stops reading as soon as no document
  it has not seen could still reach the top ``limit``; equal impacts are ordered by key, so a
  run of equal scores stops at the ``limit``-th key too.
- Documents whose text is the same and whose keys differ (copies of a fact under new ids)
  score alike for every query that does not name a key, so they are indexed once, as one
  class: the terms all its members share at one weight, plus each member's own key terms.
- Every term listed in at least one in 64 documents also has the set of documents it is in
  as a bitmask (an ``int``, one bit per document; at most 8 bytes per posting, half again
  what its postings take; a rarer term's is built per query from its few postings). Added
  up bit-sliced, the query's masks say which documents match how many of its terms: how
  many match at all (the command says so), and the level ``limit`` documents reach, so the
  threshold algorithm scores only documents of that level (the few above it first) and
  bounds an unseen one by that many impacts, not by every list. Without it, a query of
  three or four terms that few documents match in full read every list to its end.

Postings and impacts live in flat arrays (a few bytes per posting, not a Python object
each), so the index is small in memory and in the start-up cache, and quick to unpickle.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from array import array
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
_SHARED = -1  # an entry every member of its class has (not one member's own)


def _weights(weighted_texts: Iterable[tuple[str, float]]) -> dict[str, float]:
    weights: dict[str, float] = {}
    for text, weight in weighted_texts:
        # Counted first: one update per distinct term, not one per occurrence.
        for term, times in Counter(terms(text)).items():
            weights[term] = weights.get(term, 0.0) + times * weight
    return weights


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
    own = {key: {t: w for t, w in members[key].items() if t not in shared} for key in keys}
    return keys, shared, {key: weights for key, weights in own.items() if weights}


class SearchIndex:
    """An in-memory BM25 index; built once at start-up, queried per command.

    Terms are numbered. Term ``t``'s postings are entries ``_starts[t]`` to
    ``_starts[t + 1]`` of ``_entry_*``, best impact first (impacts kept negated, so each run
    is ascending for :mod:`bisect`), ties by the class's first key or, for a member's own
    term, by the member's key. Class ``c``'s shared terms are entries ``_class_starts[c]`` to
    ``_class_starts[c + 1]`` of ``_class_terms`` (sorted) and ``_class_impacts``.
    """

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
            group = groups.setdefault((length, tuple(sorted(content.items()))), {})
            group[document.key] = weights
            total_length += length
            count += 1
        average_length = total_length / count if count else 1.0
        shapes = [_shape(members) for members in groups.values()]
        groups_lengths = [length for length, _ in groups]
        del groups  # the weights of every document: the largest thing built here
        frequency: Counter[str] = Counter()
        for members, shared, own in shapes:
            for term in shared:
                frequency[term] += len(members)
            for weights in own.values():
                frequency.update(weights.keys())
        count = max(count, 1)
        self._term_ids = {term: number for number, term in enumerate(sorted(frequency))}
        idf = [
            math.log(1 + (count - frequency[term] + 0.5) / (frequency[term] + 0.5))
            for term in sorted(frequency)
        ]

        def impacts(weights: dict[str, float], length: float) -> list[tuple[int, float]]:
            norm = 1 - self._B + self._B * length / average_length
            found = []
            for term, weight in weights.items():
                term_id = self._term_ids[term]
                impact = idf[term_id] * (weight * (self._K1 + 1) / (weight + self._K1 * norm))
                found.append((term_id, impact))
            return sorted(found)

        self._members: tuple[tuple[str, ...], ...] = tuple(members for members, _, _ in shapes)
        self._class_starts = array("q", [0])
        self._class_terms = array("i")
        self._class_impacts = array("d")
        # Only classes of several members have any: class → member → term → impact.
        self._own: dict[int, dict[str, dict[int, float]]] = {}
        entries: list[list[tuple[float, str, int, int]]] = [[] for _ in self._term_ids]
        for number, ((members, shared, own), length) in enumerate(
            zip(shapes, groups_lengths, strict=True)
        ):
            for term_id, impact in impacts(shared, length):
                self._class_terms.append(term_id)
                self._class_impacts.append(impact)
                entries[term_id].append((-impact, members[0], number, _SHARED))
            self._class_starts.append(len(self._class_terms))
            if own:
                self._own[number] = {}
                for member, weights in own.items():
                    mine = dict(impacts(weights, length))
                    self._own[number][member] = mine
                    for term_id, impact in mine.items():
                        entries[term_id].append((-impact, member, number, members.index(member)))
        self._first_docs = array("q", [0])  # class c's members: documents from _first_docs[c]
        for members in self._members:
            self._first_docs.append(self._first_docs[-1] + len(members))
        self._own_terms = {
            number: frozenset(term for mine in own.values() for term in mine)
            for number, own in self._own.items()
        }
        self._starts = array("q", [0])
        self._entry_impacts = array("d")  # negated
        self._entry_classes = array("i")
        # The one document an entry is of (a member's own term, or a class of one), or else
        # ``-1 - first``, its class's first document: read per entry where the top-k skips.
        self._entry_docs = array("i")
        for listed in entries:
            listed.sort()
            for negated, _, number, position in listed:
                first = self._first_docs[number]
                if position != _SHARED:
                    entry_doc = first + position
                elif len(self._members[number]) == 1:
                    entry_doc = first
                else:
                    entry_doc = -1 - first
                self._entry_impacts.append(negated)
                self._entry_classes.append(number)
                self._entry_docs.append(entry_doc)
            self._starts.append(len(self._entry_impacts))
        self._document_count = self._first_docs[-1]
        self._masks: dict[int, int] = {}
        for term_id in range(len(self._term_ids)):
            if (self._starts[term_id + 1] - self._starts[term_id]) * 64 >= self._document_count:
                self._masks[term_id] = self._mask(term_id)

    def _documents(self, term: int) -> Iterable[int]:
        """The numbers of the documents ``term`` is in (each once: a term is either shared by
        a class or some of its members' own)."""
        for entry in range(self._starts[term], self._starts[term + 1]):
            if (document := self._entry_docs[entry]) >= 0:
                yield document
            else:
                yield from range(-1 - document, self._first_docs[self._entry_classes[entry] + 1])

    def _mask(self, term: int) -> int:
        bits = bytearray((self._document_count + 7) // 8)
        for document in self._documents(term):
            bits[document >> 3] |= 1 << (document & 7)
        return int.from_bytes(bits, "little")

    def _ranks(self, number: int, wanted: Sequence[int], limit: int | None) -> list[_Rank]:
        """The ranks of a class's members for ``wanted`` (only the first ``limit`` when they
        all score alike), members matching nothing left out."""
        members = self._members[number]
        own_terms = self._own_terms.get(number)
        # The class's shared impacts, looked up inline: the top-k asks this of every class it
        # scores, and a call per term was most of its cost.
        terms, impacts = self._class_terms, self._class_impacts
        start, end = self._class_starts[number], self._class_starts[number + 1]
        shared: list[float | None] = []
        for term in wanted:
            at = bisect.bisect_left(terms, term, start, end)
            shared.append(impacts[at] if at < end and terms[at] == term else None)
        if own_terms is None or own_terms.isdisjoint(wanted):
            matched, score = 0, 0.0
            for impact in shared:  # in query order, as every score is summed
                if impact is not None:
                    matched += 1
                    score += impact
            if not matched:
                return []
            return [(-matched, -score, key) for key in members[:limit]]
        ranks = []
        for key in members:
            own = self._own[number].get(key, {})
            matched, score = 0, 0.0
            for term, common in zip(wanted, shared, strict=True):
                if (impact := own.get(term, common)) is not None:
                    matched += 1
                    score += impact
            if matched:
                ranks.append((-matched, -score, key))
        return ranks

    def _wanted(self, query: str) -> list[int]:
        found = (self._term_ids.get(term) for term in dict.fromkeys(terms(query)))
        return [term for term in found if term is not None]

    def _classes_of(self, wanted: Sequence[int]) -> set[int]:
        numbers: set[int] = set()
        for term in wanted:
            numbers.update(self._entry_classes[self._starts[term] : self._starts[term + 1]])
        return numbers

    def search(self, query: str) -> list[str]:
        """Keys of every matching document, best first (every match scored: the reference
        :meth:`top` is held to)."""
        wanted = self._wanted(query)
        ranked = [
            rank
            for number in self._classes_of(wanted)
            for rank in self._ranks(number, wanted, None)
        ]
        return [key for _, _, key in sorted(ranked)]

    def top(self, query: str, limit: int) -> Hits:
        """The first ``limit`` keys of :meth:`search` and the count of all matches, reading
        each term's postings only as deep as the ranking needs.

        The term bitmasks say first how many documents match each number of the query's
        terms. Facts that match more terms rank first, so the ``limit`` best are at the
        highest level ``floor`` that ``limit`` documents reach: the few above it are scored
        at once, and the threshold algorithm scores only documents at ``floor`` or above,
        each list read from a cursor that passes over the others, its bound the best
        ``floor`` impacts at the cursors (an unseen document matches ``floor`` terms, not all
        of them; without this it read every list to its end whenever fewer than ``limit``
        documents matched all the terms).
        """
        wanted = self._wanted(query)
        levels = self._levels(wanted)  # levels[j]: the documents matching over j terms
        total = levels[0].bit_count() if levels else 0
        if limit <= 0 or not total:
            return Hits((), total)
        floor = len(levels)
        while floor > 1 and levels[floor - 1].bit_count() < limit:
            floor -= 1
        seen: set[int] = set()
        best: list[_Rank] = []  # the ``limit`` best ranks so far, smallest first

        def score(number: int) -> None:
            seen.add(number)
            for rank in self._ranks(number, wanted, limit):
                if len(best) < limit or rank < best[-1]:
                    bisect.insort(best, rank)
                    del best[limit:]

        above = levels[floor] if floor < len(levels) else 0  # fewer than ``limit``
        for document in _bits(above):
            if (number := bisect.bisect_right(self._first_docs, document) - 1) not in seen:
                score(number)
        eligible = levels[floor - 1].to_bytes((self._document_count + 7) // 8, "little")
        # Each list's cursor rests on its first entry of an unseen eligible document: every
        # entry before it is of a class scored, or of documents that cannot make the top.
        cursors = [[self._starts[term], self._starts[term + 1]] for term in wanted]
        while True:
            for cursor in cursors:
                self._advance(cursor, seen, eligible)
                if cursor[0] < cursor[1]:
                    score(self._entry_classes[cursor[0]])
            for cursor in cursors:
                self._advance(cursor, seen, eligible)
            if self._settled([(at, end) for at, end in cursors if at < end], best, limit, floor):
                return Hits(tuple(key for _, _, key in best), total)

    def _advance(self, cursor: list[int], seen: set[int], eligible: bytes) -> None:
        """Move ``cursor`` (an entry and its list's end) to the list's next entry of an
        unseen class with a document among the set bits of ``eligible``."""
        documents, classes = self._entry_docs, self._entry_classes
        at, end = cursor
        while at < end:
            if (document := documents[at]) >= 0:
                if eligible[document >> 3] >> (document & 7) & 1 and classes[at] not in seen:
                    break
            elif classes[at] not in seen and any(
                eligible[doc >> 3] >> (doc & 7) & 1
                for doc in range(-1 - document, self._first_docs[classes[at] + 1])
            ):
                break
            at += 1
        cursor[0] = at

    def _levels(self, wanted: Sequence[int]) -> list[int]:
        """``levels[j]``: the bitmask of the documents that match more than ``j`` of the
        terms (a bit-sliced count: ``len(wanted)`` masks, each added to every level)."""
        levels: list[int] = []
        for term in wanted:
            mask = self._masks.get(term)
            if mask is None:
                mask = self._mask(term)  # a rare term: few postings to read
            levels.append(0)
            for level in range(len(levels) - 1, 0, -1):
                levels[level] |= levels[level - 1] & mask
            levels[0] |= mask
        return levels

    def _sort_key(self, entry: int) -> str:
        number, document = self._entry_classes[entry], self._entry_docs[entry]
        return self._members[number][max(0, document - self._first_docs[number])]

    def _settled(
        self, live: Sequence[tuple[int, int]], best: list[_Rank], limit: int, floor: int
    ) -> bool:
        """Whether no class unseen can still rank above ``best[-1]``, ``live`` the cursors
        of the lists not read to their end.

        An unseen eligible class sits at a cursor or below in every list it is in, so a
        member matches at most the live lists, and at most ``floor`` terms (every document
        matching more was scored first), and scores at most the best of their impacts at the
        cursors (impacts are positive, and a float sum never shrinks when a term grows).
        """
        if not live:
            return True
        if len(best) < limit:
            return False
        worst_matched, worst_score, worst_key = -best[-1][0], -best[-1][1], best[-1][2]
        matched = min(len(live), floor)
        if matched != worst_matched:
            return matched < worst_matched
        impacts = self._entry_impacts
        if matched < len(live):
            # Some ``matched`` of the lists: the greatest impacts bound any of them. Summed in
            # another order than a score is, so only a clear margin settles it.
            bound = sum(sorted((-impacts[at] for at, _ in live), reverse=True)[:matched])
            return bound * (1 + 1e-9) < worst_score
        bound = 0.0
        for at, _ in live:
            bound += -impacts[at]
        if bound != worst_score:
            return bound < worst_score
        # An exact tie. If one impact lower anywhere falls short, an unseen member can only
        # tie by having the current impact in every list, so it is in each list's current
        # run, after its sort key, and its key is above the greatest of them.
        for lowered, (at, end) in enumerate(live):
            after = bisect.bisect_right(impacts, impacts[at], at, end)
            if after == end:
                continue  # none lower: a member not in this run is not in the list at all
            total = 0.0
            for position, (other, _) in enumerate(live):
                total += -impacts[after if position == lowered else other]
            if total >= worst_score:
                return False
        return max(self._sort_key(at) for at, _ in live) > worst_key


def _bits(mask: int) -> Iterable[int]:
    """The positions of the set bits of ``mask``, lowest first (for a mask of few bits)."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low
