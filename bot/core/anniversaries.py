"""Which facts have their anniversary on a given day, and the nearest one after it."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from bot.core.fact_store import FactStore
from bot.core.facts import Fact


def anniversaries_on(store: FactStore, day: date) -> tuple[Fact, ...]:
    """Facts whose anniversary falls on ``day``.

    In a common year, events of 29 February are remembered on 28 February.
    """
    found = store.on(day.month, day.day)
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        found = found + store.on(2, 29)
    return found


def next_anniversary(store: FactStore, after: date) -> tuple[date, tuple[Fact, ...]] | None:
    """The first day strictly after ``after`` that has an anniversary, with its facts."""
    for offset in range(1, 367):
        day = after + timedelta(days=offset)
        if found := anniversaries_on(store, day):
            return day, found
    return None


def years_since(fact: Fact, day: date) -> int:
    """How many years before ``day`` the fact began."""
    return day.year - fact.date.year
