"""subscribe / unsubscribe / subscription through the router, on a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import Core, running_core
from bot.config import Settings
from bot.core.clock import SimulatedClock
from bot.core.context import Channel, CommandContext, User
from bot.core.replies import Reply
from bot.core.rich import render_plain
from tests.conftest import FIXTURE_FACTS
from tests.fakes import FakeChatPort, channel_gone

NOW = datetime(2026, 6, 21, 10, 0, tzinfo=UTC)


@pytest.fixture
async def core(tmp_path: Path) -> AsyncIterator[Core]:
    settings = Settings.model_validate(
        {
            "bot": {
                "facts_dir": str(FIXTURE_FACTS),
                "data_dir": str(tmp_path),
                "timezone": "Europe/London",
            },
            "daily": {"time": "08:15"},
        }
    )
    port = FakeChatPort()
    async with running_core(settings, {port.platform: port}, SimulatedClock(NOW)) as built:
        yield built


def context(
    admin: bool = True,
    locale: str = "en",
    tenant: str = "guild-1",
    channel: str = "c1",
    now: datetime = NOW,
) -> CommandContext:
    return CommandContext(
        User("u1", "alice", is_admin=admin),
        Channel("test", tenant, channel, "history"),
        locale,
        now,
        ZoneInfo("UTC"),
    )


def field(reply: Reply, name: str) -> str:
    return next(f.value for f in reply.fields if f.name == name)


async def test_subscribe_with_defaults_from_config(core: Core) -> None:
    reply = await core.router.handle(context(), "/alliance subscribe")
    assert not reply.is_error
    assert (
        reply.title is not None
        and render_plain(reply.title) == "Subscribed #history to the daily post"
    )
    assert field(reply, "Time") == "08:15 (Europe/London)"
    assert field(reply, "Next post") == "2026-06-22 08:15 BST"
    assert field(reply, "Last delivery") == "none yet"


@pytest.mark.parametrize(
    "args",
    [
        "time 07:30 timezone Asia/Tokyo language ja",
        "language=ja timezone=asia/tokyo time=7:30",
        "07:30 Asia/Tokyo ja",
    ],
)
async def test_subscribe_options_in_any_order_and_form(core: Core, args: str) -> None:
    reply = await core.router.handle(context(locale="ja"), f"/alliance subscribe {args}")
    assert (
        reply.title is not None
        and render_plain(reply.title) == "#history で毎日の投稿を開始しました"
    )
    assert field(reply, "時刻") == "07:30 (Asia/Tokyo)"
    assert field(reply, "言語") == "ja"
    assert field(reply, "次回の投稿") == "2026-06-22 07:30 JST"


async def test_resubscribing_updates_and_never_duplicates(core: Core) -> None:
    await core.router.handle(context(), "subscribe time 09:00")
    second = await core.router.handle(context(), "subscribe time 18:00")
    assert (
        second.title is not None
        and render_plain(second.title) == "Updated the daily post of #history"
    )
    shown = await core.router.handle(context(admin=False), "subscription")
    assert field(shown, "Time") == "18:00 (Europe/London)"
    assert len(await core.poster._subscriptions.active(["test"])) == 1


@pytest.mark.parametrize(
    ("args", "english", "japanese"),
    [
        ("time 25:00", "24-hour HH:MM", "24時間制"),
        ("time", "I don't understand “time”", "「time」は解釈できません"),
        ("timezone Europe/Londn", "Did you mean: Europe/London", "候補: Europe/London"),
        ("timezone Mars/Base", "IANA name", "IANA名"),
        ("language fr", "`language en` or `language ja`", "`language en` または `language ja`"),
        ("every day please", "I don't understand “every”", "「every」は解釈できません"),
    ],
)
async def test_bad_settings_say_what_is_accepted_and_change_nothing(
    core: Core, args: str, english: str, japanese: str
) -> None:
    for locale, expected in (("en", english), ("ja", japanese)):
        reply = await core.router.handle(context(locale=locale), f"subscribe {args}")
        assert reply.is_error and reply.ephemeral
        assert expected in reply.body
    none = await core.router.handle(context(), "subscription")
    assert "has no daily post" in none.body


@pytest.mark.parametrize("command", ["subscribe", "subscribe time 10:00", "unsubscribe"])
async def test_non_admins_are_refused_politely_and_nothing_changes(
    core: Core, command: str
) -> None:
    await core.router.handle(context(), "subscribe time 09:00")
    for locale, word in (("en", "Only server admins"), ("ja", "ワークスペース管理者）だけです")):
        reply = await core.router.handle(context(admin=False, locale=locale), command)
        assert reply.ephemeral and word in reply.body
    shown = await core.router.handle(context(admin=False), "subscription")
    assert field(shown, "Time") == "09:00 (Europe/London)"


async def test_unsubscribe(core: Core) -> None:
    await core.router.handle(context(), "subscribe")
    gone = await core.router.handle(context(), "unsubscribe")
    assert render_plain(gone.body) == "#history will no longer get the daily post."
    again = await core.router.handle(context(), "unsubscribe")
    assert "has no daily post" in again.body


async def test_a_tenant_cannot_see_or_change_another_tenants_channel(core: Core) -> None:
    await core.router.handle(context(tenant="guild-1"), "subscribe time 06:00")
    other = await core.router.handle(context(tenant="guild-2"), "subscription")
    assert "has no daily post" in other.body
    await core.router.handle(context(tenant="guild-2"), "unsubscribe")
    mine = await core.router.handle(context(tenant="guild-1"), "subscription")
    assert field(mine, "Time") == "06:00 (Europe/London)"


async def test_subscription_shows_last_delivery_and_a_pause(core: Core) -> None:
    await core.router.handle(context(), "subscribe time 09:00 timezone UTC")
    port = core.poster._ports["test"]
    assert isinstance(port, FakeChatPort)
    port.failures["c1"] = [channel_gone()]
    await core.poster.run_due(NOW + timedelta(days=1))
    shown = await core.router.handle(context(now=NOW + timedelta(days=1)), "subscription")
    # The platform's own error text stays in the logs; users read what it means.
    assert shown.body.startswith("Paused: the channel no longer exists")
    assert "Unknown Channel" not in shown.body
    assert field(shown, "Problem").startswith("the channel no longer exists")
    assert field(shown, "Last delivery") == "22 June 2026 · failed"
    in_japanese = await core.router.handle(
        context(now=NOW + timedelta(days=1), locale="ja"), "subscription"
    )
    assert in_japanese.body.startswith("停止中: チャンネルが存在しない")
    await core.router.handle(context(now=NOW + timedelta(days=1, hours=1)), "subscribe")
    await core.poster.run_due(NOW + timedelta(days=2))
    resumed = await core.router.handle(context(now=NOW + timedelta(days=2)), "subscription")
    assert resumed.body == ""
    assert field(resumed, "Last delivery") == "23 June 2026 · sent"


async def test_the_question_of_the_day_option(core: Core) -> None:
    created = await core.router.handle(context(), "subscribe time 09:00 timezone UTC question on")
    assert field(created, "Question of the day") == "on"
    changed = await core.router.handle(context(), "subscribe language ja")
    assert field(changed, "Language") == "ja"
    assert field(changed, "Question of the day") == "on"  # other settings are kept
    assert field(changed, "Time") == "09:00 (UTC)"
    await core.poster.run_due(NOW + timedelta(days=1))
    port = core.poster._ports["test"]
    assert isinstance(port, FakeChatPort)
    post = port.posts[0].reply
    assert post.fields[-1].name == "今日の問題"
    assert len(post.buttons) == 4
    assert all(b.action.startswith("quiz daily 2026-06-22 ") for b in post.buttons)
    off = await core.router.handle(context(locale="ja"), "subscribe question off")
    assert field(off, "今日の問題") == "なし"
    bad = await core.router.handle(context(), "subscribe question maybe")
    assert bad.is_error
