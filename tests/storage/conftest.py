"""A real database for every storage and delivery test: an SQLite file, and PostgreSQL.

The PostgreSQL server is the one scripts/test.sh starts (ALLIANCE_TEST_POSTGRES_URL). On CI
the PostgreSQL cases must run: a missing server fails them instead of skipping them.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config import async_database_url
from bot.storage.database import Database, open_database


def postgres_url() -> str | None:
    url = os.environ.get("ALLIANCE_TEST_POSTGRES_URL", "").strip()
    return async_database_url(url) if url else None


async def reset_postgres(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def fresh_postgres() -> str:
    url = postgres_url()
    if url is None:
        if os.environ.get("CI"):
            pytest.fail("ALLIANCE_TEST_POSTGRES_URL is not set: CI must run the PostgreSQL tests")
        pytest.skip("no PostgreSQL server (run the tests with scripts/test.sh)")
    await reset_postgres(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    return await fresh_postgres()


@pytest.fixture
async def postgres_database_url() -> str:
    """PostgreSQL only: what several bot processes share."""
    return await fresh_postgres()


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    async with open_database(database_url) as opened:
        yield opened
