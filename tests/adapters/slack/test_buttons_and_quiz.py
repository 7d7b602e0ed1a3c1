"""Buttons are block actions routed to the core's command line: a whole quiz played by
presses, its questions updated at close, pages turned in place, stale buttons ended."""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import parse_qs, urlencode

from bot.core.context import ChannelKey
from bot.core.i18n import t
from bot.core.quiz.question import CHOICE_LETTERS
from tests.adapters.slack.harness import SlackBot, all_text, buttons_of
from tests.slack_fake import FakeUser


def questions_in(bot: SlackBot) -> list[dict[str, Any]]:
    return [m for m in bot.fake.posted("C1") if m["text"].startswith("Question")]


async def right_choice(bot: SlackBot) -> str:
    game = await bot.core.quiz.running(ChannelKey("slack", bot.fake.team_id, "C1"))
    assert game is not None
    return CHOICE_LETTERS[game.current.correct]


async def press_choice(bot: SlackBot, message: dict[str, Any], letter: str, user: str) -> str:
    label = next(b["text"]["text"] for b in buttons_of(message) if b["text"]["text"][0] == letter)
    reply = await bot.press(message, label, user=user)
    assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False
    return str(reply["text"])


async def test_a_whole_quiz_by_button_presses(slack_bot: SlackBot) -> None:
    fake = slack_bot.fake
    fake.add_user(FakeUser("U1", "alice"))
    fake.add_user(FakeUser("U2", "boris"))
    started = await slack_bot.command("quiz start 2")
    assert started["response_type"] == "ephemeral"
    as_shown: list[dict[str, Any]] = []
    for number in (1, 2):
        await fake.wait_until(lambda n=number: len(questions_in(slack_bot)) == n)
        question = questions_in(slack_bot)[-1]
        as_shown.append(copy.deepcopy(question))  # as a client that has not refreshed yet
        assert len(buttons_of(question)) == 4
        right = await right_choice(slack_bot)
        wrong = next(letter for letter in CHOICE_LETTERS if letter != right)
        await press_choice(slack_bot, question, right, "U1")
        await press_choice(slack_bot, question, wrong, "U2")
        # A second press by the same person does not count twice.
        again = await press_choice(slack_bot, question, right, "U2")
        assert again == t("quiz_already_answered", "en")
        updates_before = len(fake.calls_to("chat.update"))
        await slack_bot.clock.advance(slack_bot.core.quiz.settings.seconds_per_question + 1)
        await fake.wait_until(lambda b=updates_before: len(fake.calls_to("chat.update")) > b)
        # The question's message now shows the answer, and its buttons are gone (Slack has
        # no disabled buttons): the one the core marks stays on view as text.
        closed = next(m for m in fake.posted("C1") if m["ts"] == question["ts"])
        assert closed.get("edited") and buttons_of(closed) == []
        assert "✅" in all_text(closed)
        assert f"✅ {right}. " in all_text(closed)
    await fake.wait_until(lambda: any(m["text"].startswith("Quiz over") for m in fake.posted("C1")))
    board = next(m for m in fake.posted("C1") if m["text"].startswith("Quiz over"))
    text = all_text(board)
    assert "Alice" in text or "alice" in text
    assert text.index("2/2") < text.index("0/2")  # alice got both, boris neither
    # Every post carries its delivery key in the message metadata.
    assert all(m["metadata"]["event_type"] == "alliance_post" for m in fake.posted("C1"))

    # A press on the old question after the game has ended: told privately, nothing counts.
    first = as_shown[0]
    late = await slack_bot.press(first, buttons_of(first)[0]["text"]["text"], user="U1")
    assert late["response_type"] == "ephemeral"
    assert late["text"] == t("quiz_closed", "en")


async def test_a_button_that_is_not_ours_any_more_has_ended(slack_bot: SlackBot) -> None:
    slack_bot.fake.add_user(FakeUser("U1", "alice", locale="ja-JP"))
    message = {"ts": "1.0", "blocks": []}
    body, name = slack_bot.action_body(message, "old-layout-7", "whatever", "U1", "C1")
    assert await slack_bot.send(body, "application/x-www-form-urlencoded") == 200
    reply = await slack_bot.response(name)
    assert reply["response_type"] == "ephemeral"
    assert reply["text"] == t("button_ended", "ja")


async def test_a_press_with_a_hostile_value_gets_a_friendly_answer(slack_bot: SlackBot) -> None:
    slack_bot.fake.add_user(FakeUser("U1", "alice"))
    message = {"ts": "1.0", "blocks": []}
    body, name = slack_bot.action_body(
        message, "alliance-button-0", "quiz answer 99999999999 0 <!here>", "U1", "C1"
    )
    assert await slack_bot.send(body, "application/x-www-form-urlencoded") == 200
    reply = await slack_bot.response(name)
    assert reply["response_type"] == "ephemeral"
    assert "<!here>" not in all_text(reply)


async def test_a_page_button_turns_the_page_in_place(slack_bot: SlackBot) -> None:
    """The core's ``replaces_original``: the leaderboard's next page replaces its message."""
    fake = slack_bot.fake
    players = [fake.add_user(FakeUser(f"U{n:02}", f"player{n:02}")) for n in range(12)]
    await slack_bot.command("quiz start 1", user=players[0].id)
    await fake.wait_until(lambda: len(questions_in(slack_bot)) == 1)
    question = questions_in(slack_bot)[0]
    right = await right_choice(slack_bot)
    for player in players:
        await press_choice(slack_bot, question, right, player.id)
    await slack_bot.clock.advance(slack_bot.core.quiz.settings.seconds_per_question + 1)
    await fake.wait_until(lambda: any(m["text"].startswith("Quiz over") for m in fake.posted("C1")))
    board = await slack_bot.command("leaderboard", user=players[0].id)
    assert board["response_type"] == "in_channel"
    message = {"ts": "1700000000.999999", "blocks": board["blocks"], "text": board["text"]}
    turned = await slack_bot.press(message, "2/2 →", user=players[1].id)
    assert turned["replace_original"] is True
    assert "response_type" not in turned
    assert turned["blocks"][0]["text"]["text"] == t("leaderboard_title", "en", page=2, pages=2)


async def test_a_press_without_a_response_url_is_taken_quietly(slack_bot: SlackBot) -> None:
    """A button outside a message (a view) has no response_url: acked, nothing breaks."""
    slack_bot.fake.add_user(FakeUser("U1", "alice"))
    body, _ = slack_bot.action_body({"ts": "1.0"}, "alliance-button-0", "help", "U1", "C1")
    payload = json.loads(parse_qs(body.decode())["payload"][0])
    del payload["response_url"]
    bare = urlencode({"payload": json.dumps(payload)}).encode()
    assert await slack_bot.send(bare, "application/x-www-form-urlencoded") == 200
    # The bot still answers what comes next; nothing went to any response_url.
    assert (await slack_bot.command("help"))["blocks"]
    assert slack_bot.fake.responses == []
