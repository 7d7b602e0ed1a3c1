"""Replies listing a day's anniversaries; shared by ``/alliance today`` and the daily post."""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable
from datetime import date

from bot.core.anniversaries import anniversaries_on, next_anniversary, years_since
from bot.core.context import ChannelKey
from bot.core.dates import display_month_day, display_range
from bot.core.fact_store import FactStore
from bot.core.facts import Fact
from bot.core.i18n import Lang, t
from bot.core.replies import Field, Reply, SourceLink, shorten

FIELD_TEXT_LIMIT = 900  # Discord embed field values stop at 1024 characters


def sources_of(facts: Iterable[Fact]) -> tuple[SourceLink, ...]:
    """Every distinct source of ``facts``, in order."""
    links: dict[str, SourceLink] = {}
    for fact in facts:
        for source in fact.sources:
            links.setdefault(source.url, SourceLink(source.title, source.url))
    return tuple(links.values())


def anniversary_field(fact: Fact, day: date, lang: Lang) -> Field:
    """One fact as a field headed by its date and how long ago it was."""
    years = years_since(fact, day)
    ago = t("years_ago", lang, n=years) if years else t("this_year", lang)
    when = display_range(fact.date, fact.end_date, lang)
    return Field(
        name=f"{when} · {ago} — {fact.title.get(lang)}",
        value=shorten(fact.text.get(lang), FIELD_TEXT_LIMIT),
    )


def anniversary_fields(facts: Iterable[Fact], day: date, lang: Lang) -> tuple[Field, ...]:
    """Fields for every fact remembered on ``day``."""
    return tuple(anniversary_field(fact, day, lang) for fact in facts)


def in_days(days: int, lang: Lang) -> str:
    """``tomorrow`` / ``in 5 days`` in ``lang``."""
    return t("tomorrow", lang) if days == 1 else t("in_days", lang, n=days)


class AnniversaryReplies:
    """Builds the reply for a day: its anniversaries, or the nearest one after it."""

    # Daily posts of the last few (day, language) pairs: a busy minute posts one day's
    # anniversaries to thousands of channels, and the reply is the same for all of them.
    _KEPT_DAY_POSTS = 16

    def __init__(self, store: FactStore) -> None:
        self._store = store
        self._day_posts: dict[tuple[date, Lang], Reply] = {}

    def reply(self, day: date, lang: Lang) -> Reply:
        """The anniversaries of ``day``; never empty: falls back to the nearest one after it."""
        label = display_month_day(day.month, day.day, lang)
        return self._listing(day, lang, t("today_title", lang, date=label), "today_none")

    def daily_post(self, day: date, lang: Lang, channel: ChannelKey) -> Reply:
        """A channel's daily post: the day's anniversaries, or on a day without any, a fact
        picked for this channel and day, said to be one (not passed off as an anniversary).

        The pick walks the corpus in a fixed order per channel, one step a day, so a channel
        sees no fact twice until it has seen them all: never the same one on two days in a
        row, as "the nearest anniversary" would show for a run of empty days.
        """
        if (day, lang) in self._day_posts:
            return self._day_posts[(day, lang)]
        if anniversaries_on(self._store, day):
            if len(self._day_posts) >= self._KEPT_DAY_POSTS:
                self._day_posts.clear()
            # Replies are frozen: one object may go to every channel.
            reply = self._day_posts[(day, lang)] = self.reply(day, lang)
            return reply
        facts = self._store.facts
        start = zlib.crc32(repr(channel).encode()) % len(facts)
        fact = facts[(start + day.toordinal() * _step(len(facts))) % len(facts)]
        label = display_month_day(day.month, day.day, lang)
        when = display_range(fact.date, fact.end_date, lang)
        return Reply(
            title=t("today_title", lang, date=label),
            body=t("daily_none", lang, when=when),
            fields=(
                Field(
                    name=f"{when} — {fact.title.get(lang)}",
                    value=shorten(fact.text.get(lang), FIELD_TEXT_LIMIT),
                ),
            ),
            sources=sources_of([fact]),
            lang=lang,
        )

    def reply_for_month_day(self, day: date, lang: Lang) -> Reply:
        """The same for a day someone asked about (``/alliance on``)."""
        label = display_month_day(day.month, day.day, lang)
        return self._listing(day, lang, t("on_title", lang, date=label), "on_none")

    def _listing(self, day: date, lang: Lang, title: str, none_key: str) -> Reply:
        facts = anniversaries_on(self._store, day)
        if facts:
            return Reply(
                title=title,
                body="",
                fields=anniversary_fields(facts, day, lang),
                sources=sources_of(facts),
                lang=lang,
            )
        upcoming = next_anniversary(self._store, day)
        if upcoming is None:  # only with an empty store, which validation forbids
            return Reply(title=title, body=t("err_internal", lang))
        next_day, next_facts = upcoming
        body = t(
            none_key,
            lang,
            date=display_month_day(day.month, day.day, lang),
            next_date=display_month_day(next_day.month, next_day.day, lang),
            when=in_days((next_day - day).days, lang),
        )
        return Reply(
            title=title,
            body=body,
            fields=anniversary_fields(next_facts, next_day, lang),
            sources=sources_of(next_facts),
            lang=lang,
        )


def _step(count: int) -> int:
    """A step coprime with ``count``, so stepping by it visits every index before repeating."""
    step = 7919 % count or 1
    while math.gcd(step, count) != 1:
        step += 1
    return step
