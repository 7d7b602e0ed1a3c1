"""Typed quiz answers arrive as message events: each counts once, privately acknowledged;
the bot's own messages and Slack's retried deliveries are ignored."""

from __future__ import annotations

from bot.core.context import ChannelKey
from bot.core.quiz.question import CHOICE_LETTERS
from tests.adapters.slack.harness import SlackBot
from tests.slack_fake import FakeUser


async def running_question(bot: SlackBot) -> str:
    bot.fake.add_user(FakeUser("U1", "alice"))
    bot.fake.add_user(FakeUser("U2", "boris"))
    await bot.command("quiz start 1")
    await bot.fake.wait_until(lambda: len(bot.fake.posted("C1")) == 1)
    game = await bot.core.quiz.running(ChannelKey("slack", bot.fake.team_id, "C1"))
    assert game is not None
    return CHOICE_LETTERS[game.current.correct]


async def test_a_typed_answer_is_acknowledged_privately(slack_bot: SlackBot) -> None:
    right = await running_question(slack_bot)
    assert await slack_bot.message_event(right, user="U2", event_id="Ev1") == 200
    await slack_bot.fake.wait_until(lambda: len(slack_bot.fake.calls_to("chat.postEphemeral")) == 1)
    note = slack_bot.fake.calls_to("chat.postEphemeral")[0].args
    assert note["user"] == "U2" and note["channel"] == "C1" and note["text"]
    # Nothing public was said in the channel besides the question itself.
    assert len(slack_bot.fake.posted("C1")) == 1


async def test_retries_duplicates_and_bot_messages_do_not_count(slack_bot: SlackBot) -> None:
    right = await running_question(slack_bot)
    # Slack's retry of a delivery (X-Slack-Retry-Num), then the same event id twice.
    assert await slack_bot.message_event(right, user="U2", event_id="Ev9", retry=1) == 200
    assert await slack_bot.message_event(right, user="U1", event_id="Ev10") == 200
    assert await slack_bot.message_event(right, user="U1", event_id="Ev10") == 200
    await slack_bot.fake.wait_until(lambda: len(slack_bot.fake.calls_to("chat.postEphemeral")) >= 1)
    # A message from the bot itself is not an answer either.
    bot_user = slack_bot.fake.bot_user_id
    assert await slack_bot.message_event(right, user=bot_user, event_id="Ev11") == 200
    # Chat that is not an answer gets no reply at all.
    assert await slack_bot.message_event("what a question", user="U2", event_id="Ev12") == 200
    await slack_bot.clock.advance(slack_bot.core.quiz.settings.seconds_per_question + 1)
    await slack_bot.fake.wait_until(
        lambda: any(m["text"].startswith("Quiz over") for m in slack_bot.fake.posted("C1"))
    )
    board = next(m for m in slack_bot.fake.posted("C1") if m["text"].startswith("Quiz over"))
    # Only alice's one answer counted: boris's was a retry, the bot is not a player.
    assert "Alice" in board["text"] or "alice" in str(board["blocks"])
    assert "boris" not in str(board["blocks"]).lower()
    assert bot_user not in str(board["blocks"])
    assert len(slack_bot.fake.calls_to("chat.postEphemeral")) == 1
