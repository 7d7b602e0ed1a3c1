"""Builds the platform-neutral core from settings; adapters are given what this returns."""

from __future__ import annotations

import logging
import os
import random
import socket
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import LimitsSection, RetentionSection, Settings
from bot.core.anniversary_replies import AnniversaryReplies
from bot.core.clock import TimerClock
from bot.core.commands import CommandRouter
from bot.core.cooldowns import Cooldowns, CooldownSettings
from bot.core.daily.commands import (
    SubscribeOptions,
    SubscriptionCommands,
    parse_time,
    zone_choices,
)
from bot.core.daily.poster import DailyPoster, DeliveryPolicy
from bot.core.daily.stores import SubscriptionStore
from bot.core.fact_cache import load_fact_store_cached
from bot.core.fact_commands import FactCommands
from bot.core.fact_store import FactStore
from bot.core.ports import ChatPort
from bot.core.preferences import PreferenceResolver
from bot.core.quiz.bank import QuestionBank
from bot.core.quiz.commands import QuizCommands
from bot.core.quiz.daily_question import DailyQuestion
from bot.core.quiz.manager import QuizManager, QuizSettings
from bot.core.settings import SettingsStore
from bot.core.settings_commands import SettingsCommands
from bot.core.topics import topic_choices
from bot.storage.database import Database, open_database
from bot.storage.deliveries import DeliveryRepository
from bot.storage.quiz import QuizRepository
from bot.storage.settings import SettingsRepository
from bot.storage.subscriptions import SubscriptionRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Retention:
    """Deletes what is old enough to forget, so the tables do not grow forever."""

    settings: RetentionSection
    deliveries: DeliveryRepository
    quizzes: QuizRepository

    async def prune(self, now: datetime) -> None:
        before = now.date() - timedelta(days=self.settings.delivery_days)
        if deliveries := await self.deliveries.prune(before):
            log.info("retention: deleted %d delivery rows before %s", deliveries, before)
        if self.settings.quiz_days:
            ended_before = now - timedelta(days=self.settings.quiz_days)
            if games := await self.quizzes.prune(ended_before):
                log.info("retention: deleted %d ended quizzes with their answers", games)


@dataclass(frozen=True)
class Core:
    """The parts every adapter shares."""

    settings: Settings
    store: FactStore
    database: Database
    router: CommandRouter
    poster: DailyPoster
    quiz: QuizManager
    retention: Retention
    subscriptions: SubscriptionStore
    preferences: SettingsStore


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


def quiz_settings(settings: Settings) -> QuizSettings:
    quiz = settings.quiz
    return QuizSettings(
        seconds_per_question=quiz.seconds_per_question,
        quiet_questions=quiz.quiet_questions,
        default_questions=quiz.default_questions,
        max_questions=quiz.max_questions,
    )


def cooldown_settings(limits: LimitsSection) -> CooldownSettings:
    return CooldownSettings(
        user_burst=limits.user_burst,
        user_per_minute=limits.user_per_minute,
        channel_burst=limits.channel_burst,
        channel_per_minute=limits.channel_per_minute,
        quiz_starts_burst=limits.quiz_starts_burst,
        quiz_starts_per_hour=limits.quiz_starts_per_hour,
    )


def build_router(settings: Settings, resolver: PreferenceResolver | None = None) -> CommandRouter:
    """An empty router with the configured language and cooldowns, resolving each caller's
    language and zone with ``resolver``."""
    return CommandRouter(
        settings.bot.language, Cooldowns(cooldown_settings(settings.limits)), resolver=resolver
    )


@asynccontextmanager
async def running_core(
    settings: Settings,
    ports: Mapping[str, ChatPort],
    clock: TimerClock,
    rng: random.Random | None = None,
) -> AsyncIterator[Core]:
    """Load the facts (FactDataError on bad data), open and migrate the database, and
    register every command; on exit, stop the quiz timers and close the database."""
    store = load_fact_store_cached(settings.facts_dir, settings.bot.data_dir)
    rng = rng or random.Random()
    me = worker_id()
    bank = QuestionBank.deferred(store)
    daily_question = DailyQuestion(bank)
    async with open_database(
        settings.database_url,
        pool_size=settings.database_pool_size,
        connect_timeout=settings.database.connect_timeout_seconds,
    ) as database:
        subscriptions = SubscriptionRepository(database)
        deliveries = DeliveryRepository(database)
        quiz_repository = QuizRepository(database)
        poster = DailyPoster(
            subscriptions,
            deliveries,
            AnniversaryReplies(store),
            ports,
            me,
            delivery_policy(settings),
            daily_question,
        )
        quiz = QuizManager(bank, quiz_repository, clock, ports, quiz_settings(settings), me, rng)
        preferences = SettingsRepository(database)
        resolver = PreferenceResolver(
            settings.bot.language, settings.timezone, preferences, subscriptions.get
        )
        router = build_router(settings, resolver)
        fact_commands = FactCommands(store, rng)
        fact_commands.register(router)
        # Autocomplete candidates, built once: the facts and zones do not change while running.
        topics, facts, zones = topic_choices(), fact_commands.completions(), zone_choices()
        router.add_completion("topic", lambda: topics)
        router.add_completion("fact", lambda: facts)
        router.add_completion("timezone", lambda: zones)
        hour, minute = parse_time(settings.daily.time) or (9, 0)
        defaults = SubscribeOptions(hour, minute, settings.bot.timezone, settings.bot.language)
        SubscriptionCommands(
            subscriptions, deliveries, defaults, settings.daily.spread_seconds
        ).register(router)
        QuizCommands(
            quiz, quiz_repository, daily_question, subscriptions.get, preferences
        ).register(router)
        SettingsCommands(
            preferences, resolver, settings.quiz.default_questions, settings.quiz.max_questions
        ).register(router)
        try:
            preferences.start()  # a server's cache serves once its listener is connected
            retention = Retention(settings.retention, deliveries, quiz_repository)
            yield Core(
                settings,
                store,
                database,
                router,
                poster,
                quiz,
                retention,
                subscriptions,
                preferences,
            )
        finally:
            try:
                await quiz.close()
            finally:
                # The listener's task and connection go whatever else failed.
                await preferences.close()
