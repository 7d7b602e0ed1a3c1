"""Two replicas in HTTP mode on one PostgreSQL database serve one workspace: a press or a
typed answer reaching either counts once, and a question closes once."""

from __future__ import annotations

from pathlib import Path

from bot.core.clock import SimulatedClock
from bot.core.context import ChannelKey
from bot.core.i18n import t
from bot.core.quiz.question import CHOICE_LETTERS
from tests.adapters.slack.harness import START, SlackBot, buttons_of, running_slack_bot
from tests.slack_fake import FakeSlack, FakeUser
from tests.storage.conftest import fresh_postgres


async def press(bot: SlackBot, message: dict[str, object], letter: str, user: str) -> str:
    label = next(b["text"]["text"] for b in buttons_of(message) if b["text"]["text"][0] == letter)
    return str((await bot.press(message, label, user=user))["text"])


async def test_answers_through_either_replica_count_once(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    url = (await fresh_postgres()).replace("+asyncpg", "")
    for user in ("U1", "U2", "U3"):
        fake_slack.add_user(FakeUser(user, f"player-{user.lower()}"))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    clock = SimulatedClock(START)
    async with (
        running_slack_bot(fake_slack, tmp_path / "a", url, clock=clock) as first,
        running_slack_bot(fake_slack, tmp_path / "b", url, clock=clock) as second,
    ):
        await first.command("quiz start 1")
        await fake_slack.wait_until(lambda: len(fake_slack.posted("C1")) == 1)
        question = fake_slack.posted("C1")[0]
        game = await second.core.quiz.running(ChannelKey("slack", fake_slack.team_id, "C1"))
        assert game is not None
        right = CHOICE_LETTERS[game.current.correct]
        assert await press(second, question, right, "U2") == t("quiz_recorded", "en", choice=right)
        # The same person through the other replica: already answered.
        assert await press(first, question, right, "U2") == t("quiz_already_answered", "en")
        # A typed answer to one replica, and Slack's retry of it to the other.
        assert await first.message_event(right, user="U3", event_id="EvA") == 200
        assert await second.message_event(right, user="U3", event_id="EvA", retry=1) == 200
        await fake_slack.wait_until(lambda: len(fake_slack.calls_to("chat.postEphemeral")) == 1)
        # Both replicas reach the deadline; the question closes (and is edited) once.
        seconds = first.core.quiz.settings.seconds_per_question + 1
        await clock.advance(seconds)
        await fake_slack.wait_until(
            lambda: any(m["text"].startswith("Quiz over") for m in fake_slack.posted("C1"))
        )
    assert len(fake_slack.calls_to("chat.update")) == 1
    board = next(m for m in fake_slack.posted("C1") if m["text"].startswith("Quiz over"))
    text = str(board["blocks"])
    assert "player-u2" in text and "player-u3" in text and "player-u1" not in text
    assert len([m for m in fake_slack.posted("C1") if m["text"].startswith("Quiz over")]) == 1
