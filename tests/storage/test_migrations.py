"""The migrations build exactly the schema the code declares, and can run again."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from bot.storage.database import (
    Database,
    alembic_config,
    head_revisions,
    open_database,
    stored_revisions,
)
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


def test_the_head_read_from_the_files_is_alembics_head() -> None:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert head_revisions() == set(scripts.get_heads())


async def test_a_current_database_opens_without_importing_alembic(
    database_url: str, tmp_path: Path
) -> None:
    async with open_database(database_url):
        pass  # brings the schema to head, importing Alembic if it had to
    script = (
        "import asyncio, sys\n"
        "from bot.storage.database import open_database\n"
        "async def main():\n"
        f"    async with open_database({database_url!r}):\n"
        "        pass\n"
        "asyncio.run(main())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, cwd=tmp_path, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await child.communicate()
    assert child.returncode == 0
    assert out.decode().strip() == "[]"


async def test_a_new_database_is_migrated_and_records_the_head(database_url: str) -> None:
    async with open_database(database_url) as database, database.engine.connect() as connection:
        assert await connection.run_sync(stored_revisions) == head_revisions() != set()
