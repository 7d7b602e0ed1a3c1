"""Names are found the same way on SQLite and PostgreSQL: folded by Python (NFKC and case
folding), stored with every name, indexed; rows older than the column are folded by its
migration."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time

import pytest
from alembic import command
from sqlalchemy import Connection, inspect, text

from bot.config import shipped_facts_dir
from bot.core.context import ChannelKey
from bot.core.fact_loading import load_fact_store
from bot.core.fact_store import FactStore
from bot.core.names import fold_name
from bot.core.rich import render_plain
from bot.storage.database import Database, alembic_config
from bot.storage.quiz import QuizRepository
from tests.storage.test_quiz_game import Table, build_table

CHANNEL = ChannelKey("test", "guild-1", "quiz-room")


@pytest.fixture(scope="module")
def corpus() -> FactStore:
    return load_fact_store(shipped_facts_dir())


@pytest.fixture
async def table(database: Database, corpus: FactStore) -> AsyncIterator[Table]:
    built = await build_table(database, corpus)
    yield built
    await built.manager.close()


async def play_one_question(table: Table, *names: str) -> None:
    await table.say("host", "quiz start 1")
    game_id, index, right = await table.question()
    for name in names:
        await table.say(name, f"quiz answer {game_id} {index} {right}")
    await table.clock.advance(20)


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Élodie", "Élodie"),
        ("élodie", "Élodie"),
        ("ÉLODIE", "Élodie"),
        ("@Élodie", "Élodie"),
        ("E\u0301lodie", "Élodie"),  # decomposed: an E and a combining accent
        ("Ｅｌｏｄｉｅ", "Elodie"),  # full-width letters, no accent
        ("elodie", "Elodie"),
    ],
)
async def test_stats_finds_a_non_ascii_name_however_it_is_cased(
    table: Table, typed: str, found: str
) -> None:
    await play_one_question(table, "Élodie", "Elodie")
    reply = await table.say("zed", f"/alliance stats {typed}")
    assert reply.title is not None and render_plain(reply.title) == f"Quiz stats — {found}"


async def test_folding_goes_beyond_lower_case(table: Table) -> None:
    await play_one_question(table, "Straße", "ΣΊΣΥΦΟΣ")
    for typed, shown in (("STRASSE", "Straße"), ("σίσυφος", "ΣΊΣΥΦΟΣ")):
        reply = await table.say("zed", f"/alliance stats {typed}")
        assert reply.title is not None and render_plain(reply.title) == f"Quiz stats — {shown}"


async def test_an_id_wins_over_a_name_equal_to_it(database: Database) -> None:
    repository = QuizRepository(database)
    day = date(2026, 6, 22)
    await repository.record_daily_answer(CHANNEL, "ann", "bob", day, "q", True, _noon(day))
    await repository.record_daily_answer(CHANNEL, "bob", "Bobby", day, "q", True, _noon(day))
    assert await repository.find_user("test", "guild-1", "bob") == "bob"
    assert await repository.find_user("test", "guild-1", "BOBBY") == "bob"
    assert await repository.find_user("test", "guild-1", "nobody") is None
    assert await repository.find_user("test", "guild-2", "Bobby") is None


def test_fold_name_is_nfkc_casefold() -> None:
    assert fold_name("Élodie") == fold_name("E\u0301LODIE") == "élodie"
    assert fold_name("ﬁnn") == "finn"
    assert fold_name("  @Straße ") == "strasse"
    assert len(fold_name("ß" * 100)) == 200


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


def _upgrade_to(connection: Connection, url: str, revision: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _downgrade_to(connection: Connection, url: str, revision: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


async def test_the_migration_folds_names_written_before_it(database_url: str) -> None:
    database = Database(database_url)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(_upgrade_to, database_url, "0006")
            await connection.execute(
                text(
                    "INSERT INTO daily_answers (platform, tenant, user_id, user_name, "
                    "local_date, question_id, correct, answered_at) VALUES "
                    "('test', 'guild-1', 'u1', 'Élodie', '2026-06-22', 'q', true, "
                    "'2026-06-22 12:00:00+00:00')"
                )
            )
        await database.upgrade()
        repository = QuizRepository(database)
        assert await repository.find_user("test", "guild-1", "ÉLODIE") == "u1"
        async with database.engine.begin() as connection:
            await connection.run_sync(_downgrade_to, database_url, "0006")
            columns = await connection.run_sync(
                lambda c: {col["name"] for col in inspect(c).get_columns("daily_answers")}
            )
        assert "user_name_folded" not in columns
    finally:
        await database.close()
