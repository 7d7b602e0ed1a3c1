"""A managed-PostgreSQL URL with ``sslmode`` connects through asyncpg (the test server has
no SSL, so ``disable`` and ``prefer`` connect and ``require`` is refused by the server, not
by a TypeError about an unknown argument)."""

from __future__ import annotations

import pytest

from bot.config import async_database_url
from bot.storage.database import DatabaseUnavailable, open_database


def plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.mark.parametrize("mode", ["disable", "prefer"])
async def test_sslmode_reaches_the_driver(postgres_database_url: str, mode: str) -> None:
    url = async_database_url(f"{plain(postgres_database_url)}?sslmode={mode}")
    async with open_database(url, migrate=False) as database:
        assert database.dialect == "postgresql"


async def test_sslmode_require_is_enforced(postgres_database_url: str) -> None:
    url = async_database_url(f"{plain(postgres_database_url)}?sslmode=require")
    with pytest.raises(DatabaseUnavailable) as raised:
        async with open_database(url, migrate=False):
            pass
    assert "sslmode" not in str(raised.value)  # the driver took the option
