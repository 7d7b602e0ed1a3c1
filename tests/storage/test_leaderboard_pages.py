"""The leaderboard's page buttons turn the page in place, forward and back."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import shipped_facts_dir
from bot.core.fact_loading import load_fact_store
from bot.core.fact_store import FactStore
from bot.storage.database import Database
from tests.storage.test_quiz_game import Table, build_table, wrong


@pytest.fixture(scope="module")
def corpus() -> FactStore:
    return load_fact_store(shipped_facts_dir())


@pytest.fixture
async def table(database: Database, corpus: FactStore) -> AsyncIterator[Table]:
    built = await build_table(database, corpus)
    yield built
    await built.manager.close()


async def test_pages_replace_the_message_their_buttons_were_on(table: Table) -> None:
    await table.say("host", "quiz start 1")
    game_id, index, right = table.question()
    for n in range(25):
        choice = right if n % 2 else wrong(right)
        await table.say(f"player{n:02}", f"quiz answer {game_id} {index} {choice}")
    await table.clock.advance(20)

    first = await table.say("zed", "/alliance leaderboard")
    assert first.title == "Leaderboard — page 1/3"
    assert first.replaces_original
    assert [button.label for button in first.buttons] == ["2/3 →"]

    middle = await table.say("zed", first.buttons[0].action)
    assert middle.title == "Leaderboard — page 2/3" and middle.replaces_original
    assert middle.fields[0].name.startswith("11. ")
    assert [button.label for button in middle.buttons] == ["← 1/3", "3/3 →"]

    last = await table.say("zed", middle.buttons[1].action)
    assert last.title == "Leaderboard — page 3/3" and last.replaces_original
    assert [field.name.split(".")[0] for field in last.fields] == ["21", "22", "23", "24", "25"]
    assert [button.label for button in last.buttons] == ["← 2/3"]

    back = await table.say("zed", last.buttons[0].action)
    assert back.title == "Leaderboard — page 2/3"
    assert back.fields == middle.fields


async def test_an_empty_leaderboard_has_nothing_to_replace(table: Table) -> None:
    empty = await table.say("zed", "leaderboard")
    assert "Nobody here has played yet" in empty.body
    assert not empty.buttons and not empty.replaces_original
