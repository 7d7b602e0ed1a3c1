"""Where a Slack payload came from, in the core's terms (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.slack.events import action_where, command_where, context_for, message_where
from bot.adapters.slack.users import SlackUser


@pytest.mark.parametrize(
    ("channel_id", "channel_name", "kind"),
    [
        ("C1", "general", "channel"),
        ("G1", "privategroup", "channel"),
        ("D1", "directmessage", "dm"),
        ("G2", "mpdm-alice--bob-1", "dm"),
        ("D2", "", "dm"),
    ],
)
def test_slash_commands_tell_dms_from_channels(
    channel_id: str, channel_name: str, kind: str
) -> None:
    where = command_where({"team_id": "T1", "channel_id": channel_id, "channel_name": channel_name})
    assert where.kind == kind
    channel = where.channel()
    # A DM has no tenant: nothing stored per workspace applies there.
    assert channel.tenant == ("" if kind == "dm" else "T1")


def test_messages_in_threads_and_ims() -> None:
    threaded = message_where(
        {"team_id": "T1"}, {"channel": "C1", "channel_type": "channel", "thread_ts": "1.2"}
    )
    assert threaded.kind == "thread" and threaded.thread_ts == "1.2"
    # The core's thread: the parent message's thread_ts, inside its channel.
    assert threaded.channel().id == "1.2" and threaded.channel().parent_id == "C1"
    assert threaded.channel().kind == "thread"
    assert message_where({"team_id": "T1"}, {"channel": "D9", "channel_type": "im"}).kind == "dm"


def test_a_button_press_names_its_team_channel_and_thread() -> None:
    where = action_where(
        {
            "team": {"id": "T1"},
            "channel": {"id": "C1", "name": "general"},
            "container": {"channel_id": "C1", "thread_ts": "3.4"},
        }
    )
    assert (where.team_id, where.channel_id, where.kind, where.thread_ts) == (
        "T1",
        "C1",
        "thread",
        "3.4",
    )
    # Missing or malformed parts give empty values, never an exception.
    odd = action_where({"team": "nope", "channel": None, "user": 5})
    assert (odd.team_id, odd.channel_id) == ("", "")


def test_nobody_is_an_admin_in_a_dm() -> None:
    owner = SlackUser("U1", "root", "ja-JP", is_admin=True, team_id="T1")
    now = datetime(2026, 6, 22, tzinfo=UTC)
    dm = context_for(owner, command_where({"channel_id": "D1"}), now, ZoneInfo("UTC"))
    channel = context_for(
        owner, command_where({"team_id": "T1", "channel_id": "C1"}), now, ZoneInfo("UTC")
    )
    assert not dm.user.is_admin and channel.user.is_admin
    assert channel.locale == "ja-JP"
