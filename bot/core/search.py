"""Ranked word search over the English and Japanese text of the facts.

Japanese is written without spaces, so it is indexed by overlapping character pairs (bigrams);
Latin text by words with case and accents folded. Ranking is BM25 over those terms, with
title and people weighted above body text, and facts that match more of the query's distinct
terms always ahead of those that match fewer.
"""

from __future__ import annotations

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
    """What is indexed for one fact: weighted fields of text."""

    key: str
    weighted_texts: Sequence[tuple[str, float]]


class SearchIndex:
    """An in-memory BM25 index; built once at start-up, queried per command."""

    _K1 = 1.2
    _B = 0.75

    def __init__(self, documents: Iterable[Document]) -> None:
        self._term_weights: dict[str, dict[str, float]] = {}
        lengths: dict[str, float] = {}
        document_frequency: Counter[str] = Counter()
        for document in documents:
            weights: dict[str, float] = {}
            for text, weight in document.weighted_texts:
                # Counted first: one update per distinct term, not one per occurrence.
                for term, times in Counter(terms(text)).items():
                    weights[term] = weights.get(term, 0.0) + times * weight
            self._term_weights[document.key] = weights
            lengths[document.key] = sum(weights.values())
            document_frequency.update(weights.keys())
        count = max(len(self._term_weights), 1)
        self._average_length = sum(lengths.values()) / count if lengths else 1.0
        self._lengths = lengths
        self._idf = {
            term: math.log(1 + (count - freq + 0.5) / (freq + 0.5))
            for term, freq in document_frequency.items()
        }
        self._postings: dict[str, list[str]] = {}
        for key, weights in self._term_weights.items():
            for term in weights:
                self._postings.setdefault(term, []).append(key)

    def search(self, query: str) -> list[str]:
        """Keys of matching documents, best first."""
        wanted = list(dict.fromkeys(terms(query)))
        scores: dict[str, float] = {}
        matched: Counter[str] = Counter()
        for term in wanted:
            for key in self._postings.get(term, ()):
                weight = self._term_weights[key][term]
                norm = 1 - self._B + self._B * self._lengths[key] / self._average_length
                scores[key] = scores.get(key, 0.0) + self._idf[term] * (
                    weight * (self._K1 + 1) / (weight + self._K1 * norm)
                )
                matched[key] += 1
        return sorted(scores, key=lambda key: (-matched[key], -scores[key], key))
