"""The migrations build exactly the schema the code declares, and can run again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect

from bot.storage.database import Database, open_database
from bot.storage.tables import Base


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection)
    return list(compare_metadata(context, Base.metadata))


async def test_migrated_schema_matches_the_models(database: Database) -> None:
    async with database.engine.connect() as connection:
        assert await connection.run_sync(_differences) == []


async def test_upgrading_twice_changes_nothing(database_url: str) -> None:
    async with open_database(database_url):
        pass
    async with open_database(database_url) as database, database.engine.connect() as connection:
        tables = await connection.run_sync(lambda c: sorted(inspect(c).get_table_names()))
    assert tables == sorted(["alembic_version", *Base.metadata.tables])
