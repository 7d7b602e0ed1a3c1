"""Shared fixtures: a small real fact corpus, the router built on it, and caller contexts."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.core.commands import CommandRouter
from bot.core.context import Channel, CommandContext, User
from bot.core.fact_commands import FactCommands
from bot.core.fact_loading import load_fact_store
from bot.core.fact_store import FactStore

FIXTURE_FACTS = Path(__file__).parent / "fixtures" / "facts"
REPO_ROOT = Path(__file__).parent.parent

ContextFactory = Callable[..., CommandContext]


@pytest.fixture(scope="session")
def store() -> FactStore:
    return load_fact_store(FIXTURE_FACTS)


@pytest.fixture
def router(store: FactStore) -> CommandRouter:
    router = CommandRouter(default_language="en")
    FactCommands(store, random.Random(7)).register(router)
    return router


@pytest.fixture
def make_context() -> ContextFactory:
    def make(
        now: datetime = datetime(2026, 6, 22, 10, 0, tzinfo=UTC),
        locale: str | None = "en-US",
        timezone: str = "UTC",
        admin: bool = False,
    ) -> CommandContext:
        return CommandContext(
            user=User("u1", "alice", is_admin=admin),
            channel=Channel("test", "tenant-1", "c1", "general"),
            locale=locale,
            now=now,
            timezone=ZoneInfo(timezone),
        )

    return make


@pytest.fixture
def fixture_settings() -> Settings:
    return Settings.model_validate({"bot": {"facts_dir": str(FIXTURE_FACTS)}})
