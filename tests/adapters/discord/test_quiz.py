"""A whole quiz played through button presses on Discord: questions posted through the port,
answers by presses, each question's message edited at its close, then the scoreboard."""

from __future__ import annotations

import copy
from typing import Any

from tests.adapters.discord.answers import answer_of
from tests.adapters.discord.conftest import World


def buttons_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [button for row in message["components"] for button in row["components"]]


def with_buttons(world: World) -> list[dict[str, Any]]:
    """The channel's messages with buttons a user can still press."""
    return [
        m
        for m in world.fake.channel_history(world.channel.id)
        if any(not button.get("disabled") for button in buttons_of(m))
    ]


def ids_of(message: dict[str, Any]) -> list[str]:
    return [button["custom_id"] for button in buttons_of(message)]


def all_disabled(message: dict[str, Any]) -> bool:
    return bool(buttons_of(message)) and all(b.get("disabled") for b in buttons_of(message))


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

    # At the close the question's message keeps its buttons, disabled, the right answer
    # marked (success style and a check mark; the others grey), and the text shows it too.
    await fake.wait_until(lambda: all_disabled(fake.messages[first_id]), within=20)
    closed = fake.messages[first_id]
    right_line = next(
        line for line in closed["embeds"][0]["description"].splitlines() if "✅" in line
    )
    right_letter = right_line.strip("*").split(".", 1)[0]
    buttons = buttons_of(closed)
    assert ids_of(closed) == first_buttons  # the same answers, in the same place
    marked = [b for b in buttons if b["label"].startswith("✅ ")]
    assert len(marked) == 1 and marked[0]["label"].startswith(f"✅ {right_letter}.")
    assert marked[0]["style"] == 3  # success
    assert all(b["style"] == 2 and "✅" not in b["label"] for b in buttons if b not in marked)
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
    # And on the message as it is now (its buttons disabled: only a modified client could
    # press one, yet it gets an answer too).
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
