"""Socket Mode: the websocket comes from the fake's apps.connections.open; envelopes are
acked over it and answered through their response_url."""

from __future__ import annotations

from pathlib import Path

from tests.adapters.slack.harness import running_slack_bot
from tests.slack_fake import FakeSlack, FakeUser


async def test_a_slash_command_envelope_is_acked_and_answered(
    fake_slack: FakeSlack, tmp_path: Path, sqlite_url: str
) -> None:
    fake_slack.add_user(FakeUser("U1", "kenji", locale="ja-JP"))
    async with running_slack_bot(fake_slack, tmp_path, sqlite_url, mode="socket"):
        opened = fake_slack.calls_to("apps.connections.open")
        assert len(opened) == 1 and opened[0].token == fake_slack.app_token
        envelope = await fake_slack.send_envelope(
            "slash_commands",
            {
                "team_id": fake_slack.team_id,
                "channel_id": "C1",
                "channel_name": "general",
                "user_id": "U1",
                "user_name": "kenji",
                "command": "/alliance",
                "text": "today",
                "response_url": fake_slack.response_url("socket-1"),
                "trigger_id": "t1",
            },
        )
        await fake_slack.wait_until(lambda: any(a.envelope_id == envelope for a in fake_slack.acks))
    # A quick command: the answer travels in the ack itself, once.
    acks = [ack for ack in fake_slack.acks if ack.envelope_id == envelope]
    assert len(acks) == 1 and acks[0].payload is not None
    reply = acks[0].payload
    assert reply["blocks"][0]["text"]["text"].startswith("今日は何の日")
    assert reply["response_type"] == "in_channel"
    assert fake_slack.responses == []


async def test_a_slow_command_envelope_is_acked_empty_then_answered(
    fake_slack: FakeSlack, tmp_path: Path, sqlite_url: str
) -> None:
    fake_slack.add_user(FakeUser("U1", "alice"))
    async with running_slack_bot(fake_slack, tmp_path, sqlite_url, mode="socket") as bot:
        reply = await bot.socket_command("subscription")
        # Bolt sends the ack when its 10 ms poll sees it, so the reply through the
        # response_url may arrive first: wait for the ack before the bot is stopped.
        await fake_slack.wait_until(lambda: bool(fake_slack.acks))
    assert [ack.payload for ack in fake_slack.acks] == [None]
    assert [name for name, _ in fake_slack.responses] == ["sock-1"]
    assert reply["text"]


async def test_an_events_api_retry_over_the_socket_is_ignored(
    fake_slack: FakeSlack, tmp_path: Path, sqlite_url: str
) -> None:
    fake_slack.add_user(FakeUser("U1", "alice"))
    fake_slack.add_user(FakeUser("U2", "boris"))
    async with running_slack_bot(fake_slack, tmp_path, sqlite_url, mode="socket"):
        await fake_slack.send_envelope(
            "slash_commands",
            {
                "team_id": fake_slack.team_id,
                "channel_id": "C1",
                "channel_name": "general",
                "user_id": "U1",
                "user_name": "alice",
                "command": "/alliance",
                "text": "quiz start 1",
                "response_url": fake_slack.response_url("socket-quiz"),
                "trigger_id": "t2",
            },
        )
        # The quiz is open once its start is answered (the question is out by then).
        await fake_slack.wait_until(lambda: bool(fake_slack.responses))

        def answer(user: str, event_id: str) -> dict[str, object]:
            return {
                "team_id": fake_slack.team_id,
                "type": "event_callback",
                "event_id": event_id,
                "event": {
                    "type": "message",
                    "channel": "C1",
                    "channel_type": "channel",
                    "user": user,
                    "text": "A",
                    "ts": "1700000002.000100",
                },
            }

        await fake_slack.send_envelope("events_api", answer("U1", "Ev1"))
        await fake_slack.wait_until(lambda: len(fake_slack.calls_to("chat.postEphemeral")) == 1)
        # Slack delivers the same event again (retry_attempt): had it counted, alice would
        # be told she already answered.
        retried = await fake_slack.send_envelope("events_api", answer("U1", "Ev1"), 1)
        await fake_slack.wait_until(lambda: retried in {ack.envelope_id for ack in fake_slack.acks})
        await fake_slack.send_envelope("events_api", answer("U2", "Ev2"))
        await fake_slack.wait_until(lambda: len(fake_slack.calls_to("chat.postEphemeral")) >= 2)
    notes = fake_slack.calls_to("chat.postEphemeral")
    assert [note.args["user"] for note in notes] == ["U1", "U2"]
