"""Autocomplete ranking: what a caller has typed so far against a list of choices."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.core.i18n import Lang
from bot.core.params import Choice

# The candidates of one autocomplete source (topics, facts, time zones), in the order to
# offer them when nothing has been typed. Registered with the router by the composition root.
CompletionSource = Callable[[], Sequence[Choice]]

# Near misses ("tokio" for Tokyo) are offered only after every real match, above this score.
FUZZY_CUTOFF = 70.0
_WORD_START = re.compile(r"[\s/_\-.,:;()（）・]+")


# Labels repeat on every keystroke of every caller: fold each once (bounded, pure).
@lru_cache(maxsize=32_768)
def fold(text: str) -> str:
    """Case, accents and width folded: ``Élodie`` → ``elodie``, ``ＴＯＫＹＯ`` → ``tokyo``."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", stripped).casefold()


@lru_cache(maxsize=32_768)
def _words(key: str) -> tuple[str, ...]:
    return tuple(_WORD_START.split(key))


def _tier(query: str, keys: tuple[str, ...]) -> int | None:
    """0: a key starts with the query; 1: a word of a key does; 2: a key contains it."""
    if any(key.startswith(query) for key in keys):
        return 0
    if any(word.startswith(query) for key in keys for word in _words(key)):
        return 1
    if any(query in key for key in keys):
        return 2
    return None


def rank_choices(candidates: Sequence[Choice], typed: str, lang: Lang, limit: int) -> list[Choice]:
    """At most ``limit`` of ``candidates`` matching ``typed``, best first.

    Matches compare the folded text against each choice's value and its label in ``lang``;
    within a tier the source's order is kept. When fewer than ``limit`` match, near misses
    (typos) follow, closest first.
    """
    query = fold(typed.strip())
    if not query:
        return list(candidates[:limit])
    tiers: list[tuple[int, int, Choice]] = []
    misses: list[tuple[int, Choice]] = []
    for index, choice in enumerate(candidates):
        keys = (fold(choice.label_in(lang)), fold(choice.value))
        tier = _tier(query, keys)
        if tier is None:
            misses.append((index, choice))
        else:
            tiers.append((tier, index, choice))
    tiers.sort(key=lambda item: (item[0], item[1]))
    ranked = [choice for _tier_, _index, choice in tiers[:limit]]
    if len(ranked) < limit and len(query) >= 3 and misses:
        best: dict[int, float] = {}
        for which in (0, 1):  # the label, then the value
            texts = [
                fold(choice.label_in(lang) if which == 0 else choice.value) for _, choice in misses
            ]
            for _key, score, position in process.extract(
                query, texts, scorer=fuzz.partial_ratio, score_cutoff=FUZZY_CUTOFF, limit=None
            ):
                best[position] = max(score, best.get(position, 0.0))
        closest = sorted(best, key=lambda position: (-best[position], misses[position][0]))
        ranked.extend(misses[position][1] for position in closest[: limit - len(ranked)])
    return ranked
