"""The messages of the quiz: the leaderboard's page buttons turn the page in place, every
post carries a key a platform can keep, and a question of the day's button names its
question in a few characters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.config import shipped_facts_dir
from bot.core.fact_loading import load_fact_store
from bot.core.fact_store import FactStore
from bot.core.post_keys import MAX_POST_KEY_LENGTH, find_post_key, post_marker
from bot.core.quiz.daily_question import question_token
from bot.core.rich import render_plain
from bot.storage.database import Database
from tests.storage.test_quiz_game import START, Table, build_table, wrong


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
    game_id, index, right = await table.question()
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
    assert render_plain(middle.fields[0].name).startswith("11. ")
    assert [button.label for button in middle.buttons] == ["← 1/3", "3/3 →"]

    last = await table.say("zed", middle.buttons[1].action)
    assert last.title == "Leaderboard — page 3/3" and last.replaces_original
    assert [render_plain(field.name).split(".")[0] for field in last.fields] == [
        "21",
        "22",
        "23",
        "24",
        "25",
    ]
    assert [button.label for button in last.buttons] == ["← 2/3"]

    back = await table.say("zed", last.buttons[0].action)
    assert back.title == "Leaderboard — page 2/3"
    assert back.fields == middle.fields


async def test_an_empty_leaderboard_has_nothing_to_replace(table: Table) -> None:
    empty = await table.say("zed", "leaderboard")
    assert "Nobody here has played yet" in empty.body
    assert not empty.buttons and not empty.replaces_original


async def test_every_quiz_post_has_a_short_key_its_marker_gives_back(
    database: Database, corpus: FactStore
) -> None:
    table = await build_table(database, corpus)
    await table.say("alice", "quiz start 2")
    game_id, _, _ = await table.question()
    await table.clock.advance(40)  # both questions time out: reveal, question 2, reveal, end
    await table.say("bob", "quiz start 3")
    second_game, _, _ = await table.question()
    await table.manager.close()  # the process goes away mid-quiz
    after = await build_table(database, corpus)
    await after.clock.advance(300)  # past the dead owner's lease
    await after.manager.recover_interrupted(after.clock.now())

    keys = [post.key for post in [*table.port.posts, *after.port.posts]]
    assert keys == [
        f"quiz{game_id}-q0",
        f"quiz{game_id}-r0",
        f"quiz{game_id}-q1",
        f"quiz{game_id}-r1",
        f"quiz{game_id}-end",
        f"quiz{second_game}-q0",
        f"quiz{second_game}-int",
    ]
    for key in keys:
        assert len(key) <= MAX_POST_KEY_LENGTH
        assert find_post_key(post_marker(key)) == key


async def test_the_question_of_the_day_by_token_and_by_its_id_on_older_buttons(
    table: Table,
) -> None:
    await table.subscribe()
    day = START.date()
    question = table.daily.question_for(day)
    assert question is not None
    action, answer = table.daily_button(day)
    assert (
        action == f"quiz daily {day.isoformat()} {question_token(question.id)} {question.correct}"
    )
    assert question.id not in action
    reply = await table.say("alice", action)
    assert answer in reply.body and "Daily streak: 1" in reply.body
    # A post made before buttons carried the token named the question by its id.
    older = f"quiz daily {day.isoformat()} {question.id} {question.correct}"
    assert "Daily streak: 1" in (await table.say("bob", older)).body
    # Neither names another question: a token of a different id is not taken.
    other = f"quiz daily {day.isoformat()} {question_token(question.id + 'x')} 0"
    assert "closed" in (await table.say("carol", other)).body
    yesterday = older.replace(day.isoformat(), (day - timedelta(days=1)).isoformat())
    assert "closed" in (await table.say("dave", yesterday)).body
