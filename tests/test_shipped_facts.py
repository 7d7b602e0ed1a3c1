"""The shipped corpus: it loads, and its coverage cannot silently drop."""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import shipped_facts_dir
from bot.core.commands import CommandRouter
from bot.core.context import Channel, CommandContext, User
from bot.core.fact_commands import FactCommands
from bot.core.fact_loading import load_fact_store
from bot.core.fact_store import FactStore
from bot.core.topics import TOPICS


@pytest.fixture(scope="module")
def corpus() -> FactStore:
    return load_fact_store(shipped_facts_dir())


def test_at_least_150_dated_events_from_1939_to_1945(corpus: FactStore) -> None:
    in_period = [fact for fact in corpus.facts if 1939 <= fact.date.year <= 1945]
    assert len(in_period) >= 150


def test_at_least_120_distinct_anniversary_days(corpus: FactStore) -> None:
    assert len(corpus.month_days()) >= 120


def test_every_fact_is_bilingual_and_sourced(corpus: FactStore) -> None:
    for fact in corpus.facts:
        assert fact.title.en and fact.title.ja and fact.text.en and fact.text.ja, fact.id
        assert fact.sources, fact.id
        assert all(source.url.startswith(("https://", "http://")) for source in fact.sources)


def test_every_topic_has_enough_facts_for_a_quiz_round(corpus: FactStore) -> None:
    for topic in TOPICS:
        assert len(corpus.with_tag(topic)) >= 5, topic


def test_the_seed_articles_errors_are_not_repeated(corpus: FactStore) -> None:
    texts = [(f.id, f.title.ja + f.text.ja, f.title.en + f.text.en) for f in corpus.facts]
    for fact_id, japanese, _ in texts:
        assert "内蒙古" not in japanese, fact_id  # the Home Army is ポーランド国内軍
        assert "オーマンスキー" not in japanese, fact_id
        assert "ウーマンスキー" not in japanese, fact_id
    winter_war = [f for f in corpus.facts if "winter war" in f.title.en.lower()]
    assert winter_war
    assert winter_war[0].date.iso() == "1939-11-30"


def test_barbarossa_is_on_22_june_1941(corpus: FactStore) -> None:
    barbarossa = corpus.get("operation-barbarossa")
    assert barbarossa is not None
    assert barbarossa.date.iso() == "1941-06-22"


async def test_ten_random_days_never_get_an_empty_reply(corpus: FactStore) -> None:
    router = CommandRouter("en")
    FactCommands(corpus, random.Random(1)).register(router)
    rng = random.Random(2026)
    found = 0
    for _ in range(10):
        day = date(2026, 1, 1) + timedelta(days=rng.randrange(365))
        context = CommandContext(
            User("u", "u"),
            Channel("test", "t", "c", "c"),
            "en",
            datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
            ZoneInfo("UTC"),
        )
        reply = await router.handle(context, "today")
        assert reply.fields, day
        found += "nearest" not in reply.body
    assert found >= 5  # "mostly finds a real anniversary"


def test_every_day_of_the_year_has_a_dated_fact(corpus: FactStore) -> None:
    leap_year = date(2024, 1, 1)
    missing = [
        f"{day:%m-%d}"
        for day in (leap_year + timedelta(days=n) for n in range(366))
        if (day.month, day.day) not in set(corpus.month_days())
    ]
    assert missing == []


def test_the_counts_in_the_fact_store_readme_are_the_corpus_counts(corpus: FactStore) -> None:
    readme = " ".join((shipped_facts_dir() / "README.md").read_text(encoding="utf-8").split())
    found = re.search(
        r"(\d+) facts \((\d+) dated 1939–1945, (\d+) in 1946\), (\d+) people and (\d+) curated "
        r"quiz questions, on (\d+) of the 366 month-days",
        readme,
    )
    assert found, "facts/README.md must state the corpus counts"
    facts, in_war, epilogue, people, questions, days = map(int, found.groups())
    assert facts == len(corpus.facts)
    assert in_war == sum(1939 <= fact.date.year <= 1945 for fact in corpus.facts)
    assert epilogue == sum(fact.date.year == 1946 for fact in corpus.facts)
    assert people == len(corpus.people)
    assert questions == len(corpus.questions)
    assert days == len(corpus.month_days())
