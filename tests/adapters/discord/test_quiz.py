"""A whole quiz played through button presses on Discord: questions posted through the port,
answers by presses, each question's message edited at its close, then the scoreboard."""

from __future__ import annotations

import copy
from typing import Any

from tests.adapters.discord.answers import answer_of
from tests.adapters.discord.conftest import World


def with_buttons(world: World) -> list[dict[str, Any]]:
    return [m for m in world.fake.channel_history(world.channel.id) if m["components"]]


def ids_of(message: dict[str, Any]) -> list[str]:
    return [b["custom_id"] for row in message["components"] for b in row["components"]]


async def test_a_quiz_through_buttons_edits_each_question_at_its_close(world: World) -> None:
    fake = world.fake
    start = await fake.slash(
        world.channel, world.member, ["alliance", "quiz", "start"], {"questions": 2}
    )
    started = await answer_of(fake, start)
    assert started.ephemeral and "question 1 is in the channel" in started.text

    await fake.wait_until(lambda: len(with_buttons(world)) == 1)
    first = with_buttons(world)[0]
    first_id, first_buttons = int(first["id"]), ids_of(first)
    as_shown = copy.deepcopy(first)
    assert first["embeds"][0]["title"].startswith("Question 1")
    assert all(custom_id.startswith("a1:quiz answer ") for custom_id in ids_of(first))
    # The post carries its key, for was_posted after a crash.
    assert first["nonce"] == "quiz1-q0"  # post_key(game id, moment)
    assert first["embeds"][0]["footer"]["text"].endswith("-q0]")

    press = await fake.press(first_id, first_buttons[0], world.member)
    recorded = await answer_of(fake, press)
    assert recorded.ephemeral and "Your answer A is in." in recorded.text
    again = await answer_of(fake, await fake.press(first_id, first_buttons[1], world.member))
    assert again.ephemeral  # one answer per person per question, said privately

    # At the close the question's message loses its buttons and shows the answer.
    await fake.wait_until(lambda: not fake.messages[first_id]["components"], within=20)
    closed = fake.messages[first_id]["embeds"][0]
    assert "✅" in closed["description"]
    assert fake.requests_to("PATCH", rf"/channels/{world.channel.id}/messages/{first_id}")

    await fake.wait_until(
        lambda: len(with_buttons(world)) == 1 and with_buttons(world)[0] is not first
    )
    second = with_buttons(world)[0]
    assert second["embeds"][0]["title"].startswith("Question 2")
    await answer_of(fake, await fake.press(int(second["id"]), ids_of(second)[2], world.admin))
    await fake.wait_until(lambda: not with_buttons(world), within=20)

    def titles() -> list[str]:
        return [m["embeds"][0].get("title", "") for m in fake.channel_history(world.channel.id)]

    await fake.wait_until(lambda: any("Quiz over" in title for title in titles()), within=10)

    # A press on a button of the finished game: an ephemeral note, never "interaction failed".
    # (The client still showed the buttons: a press racing the edit, or an old client.)
    stale_press = await fake.press(first_id, first_buttons[0], world.member, seen=as_shown)
    stale = await answer_of(fake, stale_press)
    assert stale.ephemeral and "closed" in stale.text
    # And on the message as it is now, without buttons (discord.py alone would drop it).
    late = await answer_of(fake, await fake.press(first_id, first_buttons[1], world.member))
    assert late.ephemeral and "closed" in late.text

    # A page button's reply takes the place of its message (deferred, then edited), as the
    # leaderboard's page buttons do; pressed here on the scoreboard as a client showed it
    # with such a button.
    board = next(
        m
        for m in fake.channel_history(world.channel.id)
        if "Quiz over" in m["embeds"][0].get("title", "")
    )
    shown = copy.deepcopy(board)
    page = {"type": 2, "style": 2, "label": "1/1", "custom_id": "a1:leaderboard 1"}
    shown["components"] = [{"type": 1, "components": [page]}]
    page_press = await fake.press(int(board["id"]), "a1:leaderboard 1", world.member, seen=shown)
    turned = await answer_of(fake, page_press)
    # The leaderboard reads the database, so the press is deferred and the message edited.
    assert turned.how == "deferred" and not turned.ephemeral
    assert page_press.callbacks[0]["type"] == 6  # DEFERRED_UPDATE_MESSAGE
    assert page_press.edits and not page_press.followups
    assert turned.embed["title"].startswith("Leaderboard")
    assert fake.messages[int(board["id"])]["embeds"][0]["title"].startswith("Leaderboard")
