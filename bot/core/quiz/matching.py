"""Typed answers: a letter, a number, or the answer text matched forgivingly (rapidfuzz)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from rapidfuzz import fuzz

from bot.core.quiz.question import CHOICE_LETTERS

_PUNCTUATION = re.compile(r"[^\w\s]")
MATCH_THRESHOLD = 85.0
CLEAR_MARGIN = 8.0
MIN_WORDS_LENGTH = 4


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _PUNCTUATION.sub(" ", text)
    return " ".join(text.split())


def _similarity(typed: str, choice: str) -> float:
    # Whole words of one choice ("Yalta" for "Yalta Conference") count as naming it; the
    # margin below keeps words that several choices share ("1941", "Conference") ambiguous.
    score = fuzz.ratio(typed, choice)
    if MIN_WORDS_LENGTH <= len(typed) < len(choice):
        score = max(score, fuzz.partial_ratio(typed, choice))
    return score


def match_choice(text: str, choices: Sequence[Sequence[str]]) -> int | None:
    """The index of the choice ``text`` names, or None if it names none clearly.

    ``choices`` holds, per choice, its texts in every language. A letter (``b``, ``B)``) or
    a number (``2``) picks by position; otherwise the text must be close to exactly one
    choice: case, punctuation, diacritics and small typos are forgiven.
    """
    typed = _normalize(text)
    if not typed:
        return None
    if len(typed) == 1 and typed.upper() in CHOICE_LETTERS[: len(choices)]:
        return CHOICE_LETTERS.index(typed.upper())
    if (
        len(typed) == 1
        and typed.isascii()
        and typed.isdecimal()
        and 1 <= int(typed) <= len(choices)
    ):
        return int(typed) - 1
    normalized = [[_normalize(v) for v in variants] for variants in choices]
    exact = [i for i, variants in enumerate(normalized) if typed in variants]
    if len(exact) == 1:
        return exact[0]
    scores = [max(_similarity(typed, v) for v in variants) for variants in normalized]
    best = max(range(len(scores)), key=scores.__getitem__)
    runner_up = max((s for i, s in enumerate(scores) if i != best), default=0.0)
    if scores[best] >= MATCH_THRESHOLD and scores[best] - runner_up >= CLEAR_MARGIN:
        return best
    return None
