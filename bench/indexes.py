"""How much the bot's indexes and batched claims buy over naive code (``python -m bench``
prints these lines after its table).

Each line times our way and a naive baseline on the same data in the same process, and
prints the ratio (baseline time / our time; above 1 means we are faster). Ratios, not
seconds, so the figures compare across machines.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.config import shipped_facts_dir
from bot.core.anniversaries import anniversaries_on
from bot.core.context import ChannelKey
from bot.core.daily.model import Owed
from bot.core.fact_loading import load_fact_store
from bot.core.fact_store import FactStore
from bot.core.search import terms
from bot.storage.database import open_database
from bot.storage.deliveries import DeliveryRepository
from bot.storage.tables import DeliveryRow

QUERIES = [
    "Hopkins Moscow",
    "lend-lease protocol",
    "ヤルタ会談",
    "Warsaw uprising Home Army",
    "second front",
    "武器貸与",
    "Stalingrad",
    "Truman Molotov",
    "Japan neutrality pact",
]


def best_of(repeats: int, work: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings)


def naive_search(store: FactStore, query: str) -> list[str]:
    # The obvious alternative: tokenise every fact's text at every query.
    wanted = set(terms(query))
    scored = []
    for fact in store.facts:
        text = " ".join([fact.title.en, fact.title.ja, fact.text.en, fact.text.ja])
        hits = len(wanted & set(terms(text)))
        if hits:
            scored.append((-hits, fact.id))
    return [fact_id for _, fact_id in sorted(scored)]


def naive_on(store: FactStore, day: date) -> list[str]:
    return [f.id for f in store.facts if f.date.month_day == (day.month, day.day)]


async def claims(batched: bool, channels: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        async with open_database(url) as database:
            repository = DeliveryRepository(database)
            now = datetime(2026, 6, 22, 9, tzinfo=UTC)
            owed = [
                Owed(ChannelKey("bench", "t", f"c{n}"), now.date(), now) for n in range(channels)
            ]
            started = time.perf_counter()
            if batched:
                await repository.claim_new(owed, "w", now)
            else:  # one transaction per channel
                for item in owed:
                    await repository.claim_new([item], "w", now)
            elapsed = time.perf_counter() - started
            async with database.session() as session:
                assert len((await session.scalars(select(DeliveryRow.id))).all()) == channels
            return elapsed


def main() -> None:
    store = load_fact_store(shipped_facts_dir())
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]

    def ours_search() -> None:
        for query in QUERIES:
            store.search(query)

    def naive_all_search() -> None:
        for query in QUERIES:
            naive_search(store, query)

    def ours_on() -> None:
        for day in days:
            anniversaries_on(store, day)

    def naive_all_on() -> None:
        for day in days:
            naive_on(store, day)

    rows = [
        (
            "search, 9 queries (BM25 index vs re-tokenising every fact)",
            best_of(5, naive_all_search),
            best_of(5, ours_search),
        ),
        (
            "on-this-day, 365 days (month-day index vs scanning all facts)",
            best_of(5, naive_all_on),
            best_of(5, ours_on),
        ),
    ]
    channels = 500
    one_by_one = asyncio.run(claims(batched=False, channels=channels))
    batched = asyncio.run(claims(batched=True, channels=channels))
    rows.append(
        (
            f"claim {channels} daily posts (one INSERT … ON CONFLICT vs one per channel)",
            one_by_one,
            batched,
        )
    )
    print(f"{len(store.facts)} facts; ratio = baseline time / our time (higher is better)")
    for label, baseline, ours in rows:
        print(f"{baseline / ours:8.1f}x  {label}")
