"""Builds the platform-neutral core from settings; adapters are given what this returns."""

from __future__ import annotations

import os
import random
import socket
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from bot.config import Settings
from bot.core.anniversary_replies import AnniversaryReplies
from bot.core.commands import CommandRouter
from bot.core.daily.commands import SubscribeOptions, SubscriptionCommands, parse_time
from bot.core.daily.poster import DailyPoster, DeliveryPolicy
from bot.core.fact_commands import FactCommands
from bot.core.fact_loading import load_fact_store
from bot.core.fact_store import FactStore
from bot.core.ports import ChatPort
from bot.storage.database import Database, open_database
from bot.storage.deliveries import DeliveryRepository
from bot.storage.subscriptions import SubscriptionRepository


@dataclass(frozen=True)
class Core:
    """The parts every adapter shares."""

    settings: Settings
    store: FactStore
    database: Database
    router: CommandRouter
    poster: DailyPoster


def worker_id() -> str:
    """Names this process in delivery claims (host, pid, and a random tag against pid reuse)."""
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{random.randrange(16**6):06x}"


def delivery_policy(settings: Settings) -> DeliveryPolicy:
    daily = settings.daily
    return DeliveryPolicy(
        grace=timedelta(hours=daily.grace_hours),
        stale_claim_after=timedelta(minutes=daily.stale_claim_minutes),
        concurrency=daily.concurrency,
    )


@asynccontextmanager
async def running_core(
    settings: Settings,
    ports: Mapping[str, ChatPort],
    rng: random.Random | None = None,
) -> AsyncIterator[Core]:
    """Load the facts (FactDataError on bad data), open and migrate the database, and
    register every command; the database is closed on exit."""
    store = load_fact_store(settings.facts_dir)
    async with open_database(settings.database_url) as database:
        subscriptions = SubscriptionRepository(database)
        deliveries = DeliveryRepository(database)
        days = AnniversaryReplies(store)
        poster = DailyPoster(
            subscriptions, deliveries, days, ports, worker_id(), delivery_policy(settings)
        )
        router = CommandRouter(settings.bot.language)
        FactCommands(store, rng or random.Random()).register(router)
        hour, minute = parse_time(settings.daily.time) or (9, 0)
        defaults = SubscribeOptions(hour, minute, settings.bot.timezone, settings.bot.language)
        SubscriptionCommands(subscriptions, deliveries, defaults).register(router)
        yield Core(settings, store, database, router, poster)
