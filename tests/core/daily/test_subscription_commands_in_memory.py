"""The subscription commands on in-memory stores: the core's logic needs no database, only
the protocols it declares (bot/core/daily/stores.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.core.commands import CommandRouter
from bot.core.context import Channel, ChannelKey, CommandContext, User
from bot.core.daily.commands import SubscribeOptions, SubscriptionCommands
from bot.core.daily.model import DeliveryRecord
from tests.memory_stores import MemoryDeliveryRecords, MemorySubscriptions

NOW = datetime(2026, 6, 21, 10, 0, tzinfo=UTC)
KEY = ChannelKey("test", "g1", "c1")


def context(admin: bool = True, locale: str = "en") -> CommandContext:
    return CommandContext(
        User("u1", "alice", is_admin=admin),
        Channel("test", "g1", "c1", "history"),
        locale,
        NOW,
        ZoneInfo("UTC"),
    )


def router() -> tuple[CommandRouter, MemorySubscriptions, MemoryDeliveryRecords]:
    subscriptions, deliveries = MemorySubscriptions(), MemoryDeliveryRecords()
    built = CommandRouter("en")
    commands = SubscriptionCommands(
        subscriptions,
        deliveries,  # type: ignore[arg-type]  # the commands only read last_for
        SubscribeOptions(9, 0, "UTC", "en"),
    )
    commands.register(built)
    return built, subscriptions, deliveries


async def test_subscribe_stores_the_options_and_unsubscribe_removes_them() -> None:
    commands, subscriptions, _ = router()
    reply = await commands.handle(context(), "subscribe time 07:30 timezone asia/tokyo")
    assert reply.title and "history" in reply.title
    stored = subscriptions.rows[KEY]
    assert (stored.hour, stored.minute, stored.timezone) == (7, 30, "Asia/Tokyo")
    await commands.handle(context(), "unsubscribe")
    assert KEY not in subscriptions.rows


async def test_only_admins_write_and_a_pause_is_shown_in_the_users_language() -> None:
    commands, subscriptions, deliveries = router()
    refused = await commands.handle(context(admin=False), "subscribe")
    assert refused.ephemeral and subscriptions.rows == {}
    await commands.handle(context(), "subscribe")
    await subscriptions.pause(KEY, "no_access", NOW)
    deliveries.last[KEY] = DeliveryRecord(date(2026, 6, 21), "failed", 1, NOW, "no_access")
    shown = await commands.handle(context(locale="ja"), "subscription")
    assert shown.body.startswith("停止中: ボットにこのチャンネルへの投稿権限がありません")
