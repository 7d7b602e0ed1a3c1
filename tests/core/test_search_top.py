"""The early-stopping top-k search gives exactly what scoring every document gives.

A seeded synthetic corpus is built to be hard for early termination: a small vocabulary (so
scores tie often, between different texts of the same length too), copies of the same text
under different keys (which the index folds into one class), keys that share words with the
text, and keys that are themselves query words. The reference is plain BM25 over every
document, written out here on its own.
"""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from bot.core.search import Document, SearchIndex, terms

VOCABULARY = [
    "moscow",
    "hopkins",
    "front",
    "convoy",
    "treaty",
    "lease",
    "protocol",
    "ヤルタ",
    "会談",
    "stalingrad",
    "warsaw",
    "pact",
]


def exhaustive(documents: list[Document], query: str) -> list[str]:
    """Every matching key by (more query terms matched, higher BM25, key): the reference."""
    weights: dict[str, dict[str, float]] = {}
    for document in documents:
        texts = [*document.weighted_texts, (document.key, document.key_weight)]
        mine: dict[str, float] = {}
        for text, weight in texts:
            for term, times in Counter(terms(text)).items():
                mine[term] = mine.get(term, 0.0) + times * weight
        weights[document.key] = {term: w for term, w in mine.items() if w}
    lengths = {key: sum(w.values()) for key, w in weights.items()}
    average = sum(lengths.values()) / len(lengths)
    frequency = Counter(term for w in weights.values() for term in w)
    count = len(weights)
    ranked = []
    for key, mine in weights.items():
        norm = 1 - 0.75 + 0.75 * lengths[key] / average
        matched, score = 0, 0.0
        for term in dict.fromkeys(terms(query)):
            if (weight := mine.get(term)) is not None:
                idf = math.log(1 + (count - frequency[term] + 0.5) / (frequency[term] + 0.5))
                matched += 1
                score += idf * (weight * 2.2 / (weight + 1.2 * norm))
        if matched:
            ranked.append((-matched, -score, key))
    return [key for _, _, key in sorted(ranked)]


def synthetic(seed: int) -> list[Document]:
    rng = random.Random(seed)
    documents = []
    few = VOCABULARY[: rng.choice([3, 6, len(VOCABULARY)])]
    for number in range(rng.randint(20, 60)):
        title = " ".join(rng.choices(few, k=rng.randint(1, 3)))
        body = " ".join(rng.choices(few, k=rng.randint(0, 8)))
        # A word no other text has: a text of its own, scoring as others of its length do.
        texts = [(title, 3.0), (body, 1.0), (f"filler{rng.randrange(10**6)}", 1.0)]
        # Copies of one text: plain ids, ids that repeat a title word, ids that are a word.
        for copy in range(rng.choice([1, 1, 2, 5, 12])):
            key = rng.choice([f"f{number}-c{copy}", f"{title.split()[0]}-{number}-{copy}"])
            if copy == 1 and rng.random() < 0.3:
                key = f"{rng.choice(VOCABULARY)}-x{number}"
            documents.append(Document(key, texts, key_weight=1.0))
    unique = {document.key: document for document in documents}
    return list(unique.values())


def queries(seed: int) -> list[str]:
    rng = random.Random(seed + 1000)
    found = [" ".join(rng.sample(VOCABULARY[:6], rng.randint(1, 4))) for _ in range(40)]
    return [*found, "c1", "f3 moscow", "x2 treaty convoy", "zeppelin", ""]


@pytest.mark.parametrize("seed", range(20))
def test_top_k_equals_exhaustive_scoring(seed: int) -> None:
    documents = synthetic(seed)
    index = SearchIndex(documents)
    for query in queries(seed):
        reference = exhaustive(documents, query)
        assert index.search(query) == reference, query
        for limit in (1, 3, 5, 8, 50):
            hits = index.top(query, limit)
            assert list(hits.keys) == reference[:limit], (query, limit)
            assert hits.total == len(reference), query


def test_copies_under_new_keys_are_one_class_and_rank_by_key() -> None:
    text = [("Hopkins in Moscow", 3.0), ("Harry Hopkins meets Stalin", 1.0)]
    other = [("Moscow conference", 3.0)]
    documents = [Document(f"hopkins-visit-c{n}", text, key_weight=1.0) for n in range(30)]
    documents.append(Document("moscow-conference", other, key_weight=1.0))
    index = SearchIndex(documents)
    hits = index.top("Hopkins Moscow", 5)
    assert hits.keys == tuple(sorted(f"hopkins-visit-c{n}" for n in range(20))[:5])
    assert hits.total == 31
    # A key's own words still find just that document.
    assert index.top("c17", 5).keys == ("hopkins-visit-c17",)


def distinct_texts(seed: int) -> list[Document]:
    """Texts of their own, words drawn at skewed rates (a few in most texts, many in a few
    of them, some in fewer than one in 64, which have no bitmask), so that a query's full
    matches are plentiful for some queries and rare or absent for others."""
    rng = random.Random(seed)
    common = VOCABULARY[:6]
    rare = [f"rare{n}" for n in range(30)]
    documents = []
    for number in range(rng.randint(300, 600)):
        title = " ".join(rng.choices(common, weights=[8, 5, 3, 2, 1, 1], k=rng.randint(1, 3)))
        words = rng.choices(VOCABULARY, k=rng.randint(0, 10))
        words += rng.sample(rare, rng.choice([0, 0, 0, 1, 2]))
        texts = [(title, 3.0), (" ".join(words), 1.0), (f"own{number}", 1.0)]
        documents.append(Document(f"d{number}", texts, key_weight=1.0))
    # A few copies under new keys too, one of them with a key that is a query word.
    for copy in range(3):
        documents.append(Document(f"convoy-copy{copy}", documents[7].weighted_texts, 1.0))
    return documents


def distinct_queries(seed: int) -> list[str]:
    rng = random.Random(seed + 2000)
    pool = [*VOCABULARY, "rare1", "rare2", "rare3", "rare17", "own5", "d7", "zeppelin"]
    return [" ".join(rng.sample(pool, rng.randint(1, 5))) for _ in range(60)]


@pytest.mark.parametrize("seed", range(6))
def test_top_k_equals_exhaustive_scoring_on_distinct_texts(seed: int) -> None:
    documents = distinct_texts(seed)
    index = SearchIndex(documents)
    for query in distinct_queries(seed):
        reference = exhaustive(documents, query)
        for limit in (1, 5, 12):
            hits = index.top(query, limit)
            assert list(hits.keys) == reference[:limit], (query, limit)
            assert hits.total == len(reference), query
