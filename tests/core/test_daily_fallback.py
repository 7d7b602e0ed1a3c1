"""On a day with no anniversary the daily post shows another fact, said to be one, and never
the same fact to a channel on two days in a row (a corpus an operator edits may have gaps)."""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.anniversaries import anniversaries_on
from bot.core.anniversary_replies import AnniversaryReplies
from bot.core.context import ChannelKey
from bot.core.fact_store import FactStore


def empty_days(store: FactStore, start: date, count: int) -> list[date]:
    """The first ``count`` consecutive calendar days from ``start`` on with no anniversary."""
    day = start
    while True:
        run = [day + timedelta(days=n) for n in range(count)]
        if not any(anniversaries_on(store, d) for d in run):
            return run
        day += timedelta(days=1)


def test_a_run_of_empty_days_shows_a_different_fact_each_day(store: FactStore) -> None:
    replies = AnniversaryReplies(store)
    channel = ChannelKey("test", "g", "c1")
    days = empty_days(store, date(2026, 3, 1), 12)
    titles = [replies.daily_post(day, "en", channel).fields[0].name for day in days]
    # The fixture corpus has 4 facts: each window of 4 empty days shows all 4, none twice.
    for start in range(len(titles) - len(store.facts) + 1):
        window = titles[start : start + len(store.facts)]
        assert len(set(window)) == len(window), window
    first = replies.daily_post(days[0], "en", channel)
    assert first.body.startswith("No anniversary today — a fact from ")
    assert first.sources


def test_channels_do_not_all_get_the_same_fallback(store: FactStore) -> None:
    replies = AnniversaryReplies(store)
    day = empty_days(store, date(2026, 3, 1), 1)[0]
    shown = {
        replies.daily_post(day, "en", ChannelKey("test", "g", f"c{n}")).fields[0].name
        for n in range(40)
    }
    assert len(shown) > 1


def test_a_day_with_anniversaries_lists_them_as_today_does(store: FactStore) -> None:
    replies = AnniversaryReplies(store)
    day = next(
        date(2026, 1, 1) + timedelta(days=n)
        for n in range(366)
        if anniversaries_on(store, date(2026, 1, 1) + timedelta(days=n))
    )
    assert replies.daily_post(day, "en", ChannelKey("test", "g", "c")) == replies.reply(day, "en")
