"""``/alliance stats @someone``: a mention finds its person by id through the adapter's
resolver, whatever their name; text that is no mention is looked up as a name; what the
caller typed is quoted back as plain text."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.config import shipped_facts_dir
from bot.core.fact_loading import load_fact_store
from bot.core.fact_store import FactStore
from bot.core.replies import Reply
from bot.core.rich import render_discord, render_plain, render_slack
from bot.core.user_mentions import MentionedUser, discord_mention, slack_mention
from bot.storage.database import Database
from tests.storage.test_quiz_game import Table, build_table


class DiscordLike:
    """A resolver as a Discord adapter would write it: ``<@id>`` from the core's parser."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def resolve(self, reference: str) -> MentionedUser | None:
        self.asked.append(reference)
        return discord_mention(reference)


class SlackLike:
    async def resolve(self, reference: str) -> MentionedUser | None:
        return slack_mention(reference)


@pytest.fixture(scope="module")
def corpus() -> FactStore:
    return load_fact_store(shipped_facts_dir())


@pytest.fixture
async def table(database: Database, corpus: FactStore) -> AsyncIterator[Table]:
    built = await build_table(database, corpus)
    # Two players: ids "id-<name>" as the table's users have them.
    await built.say("host", "quiz start 1")
    game_id, index, right = await built.question()
    await built.say("Élodie", f"quiz answer {game_id} {index} {right}")
    await built.say("bob", f"quiz answer {game_id} {index} {(right + 1) % 4}")
    await built.clock.advance(20)
    yield built
    await built.manager.close()


async def stats_as(table: Table, resolver: object, args: str) -> Reply:
    context = replace(table.who("zed"), mentions=resolver)
    return await table.router.handle(context, f"/alliance stats {args}")


class SnowflakeIds:
    """Discord ids are snowflakes: this server's players, as the adapter's guild knows them
    (the table's users have ids "id-<name>")."""

    async def resolve(self, reference: str) -> MentionedUser | None:
        found = discord_mention(reference)
        ids = {"1001": "id-Élodie", "1002": "id-bob"}
        return MentionedUser(ids.get(found.id, found.id)) if found else None


async def test_a_discord_mention_finds_its_person_by_id(table: Table) -> None:
    for mention, shown in (("<@1001>", "Élodie"), ("<@!1002>", "bob")):
        reply = await stats_as(table, SnowflakeIds(), mention)
        assert reply.title is not None and render_plain(reply.title) == f"Quiz stats — {shown}"


async def test_a_slack_mention_with_a_stale_name_still_finds_its_person(table: Table) -> None:
    # Slack's label is the name at the time of writing; the id decides.
    class Renamed:
        async def resolve(self, reference: str) -> MentionedUser | None:
            found = slack_mention(reference)
            return MentionedUser("id-bob", found.name) if found else None

    reply = await stats_as(table, Renamed(), "<@U0BOB|robert>")
    assert reply.title is not None and render_plain(reply.title) == "Quiz stats — bob"


async def test_an_unknown_mention_is_quoted_back_as_plain_text(table: Table) -> None:
    reply = await stats_as(table, SlackLike(), "<@U999|<!channel>>")
    assert reply.ephemeral
    assert "<!channel>" not in render_slack(reply.body)
    assert "&lt;@U999|&lt;!channel&gt;&gt;" in render_slack(reply.body)
    reply = await stats_as(table, DiscordLike(), "<@999>")
    assert render_discord(reply.body).startswith(r"\<@999\> has no quiz results")


async def test_text_that_is_no_mention_is_a_name(table: Table) -> None:
    for typed in ("élodie", "@ÉLODIE", "id-Élodie"):
        reply = await stats_as(table, DiscordLike(), typed)
        assert reply.title is not None and render_plain(reply.title) == "Quiz stats — Élodie"
    mine = await stats_as(table, DiscordLike(), "@")
    assert "zed has no quiz results" in render_plain(mine.body)
