"""In-memory stores implementing the core's storage protocols, for core tests that need no
database (the same behaviour the SQL repositories give, kept deliberately simple)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime

from bot.core.context import ChannelKey
from bot.core.daily.model import DeliveryRecord, Subscription
from bot.core.settings import DIRECT_TENANT, StoredPreferences, TenantSettings, UserSettings


class MemorySubscriptions:
    """SubscriptionStore in a dict."""

    def __init__(self) -> None:
        self.rows: dict[ChannelKey, Subscription] = {}

    async def upsert(
        self, subscription: Subscription, updated_by: str, now: datetime
    ) -> tuple[Subscription, bool]:
        current = self.rows.get(subscription.channel)
        restarts = (
            current is None
            or current.paused_reason is not None
            or (
                (current.hour, current.minute, current.timezone)
                != (subscription.hour, subscription.minute, subscription.timezone)
            )
        )
        since = now if restarts or current is None else current.active_since
        saved = replace(subscription, active_since=since, paused_reason=None)
        self.rows[subscription.channel] = saved
        return saved, current is None

    async def get(self, channel: ChannelKey) -> Subscription | None:
        return self.rows.get(channel)

    async def get_many(self, channels: Collection[ChannelKey]) -> dict[ChannelKey, Subscription]:
        return {channel: self.rows[channel] for channel in channels if channel in self.rows}

    async def remove(self, channel: ChannelKey) -> bool:
        return self.rows.pop(channel, None) is not None

    async def active(self, platforms: Collection[str]) -> list[Subscription]:
        return [
            sub
            for sub in self.rows.values()
            if sub.channel.platform in platforms and sub.paused_reason is None
        ]

    async def pause(self, channel: ChannelKey, reason: str, now: datetime) -> None:
        if channel in self.rows:
            self.rows[channel] = replace(self.rows[channel], paused_reason=reason)


class MemoryDeliveryRecords:
    """The part of DeliveryStore the subscription commands read: the last delivery."""

    def __init__(self) -> None:
        self.last: dict[ChannelKey, DeliveryRecord] = {}

    async def last_for(self, channel: ChannelKey) -> DeliveryRecord | None:
        return self.last.get(channel)


class MemorySettings:
    """SettingsStore in two dicts; settings saved all-None are removed, as in the tables."""

    def __init__(self) -> None:
        self.tenants: dict[tuple[str, str], TenantSettings] = {}
        self.users: dict[tuple[str, str, str], UserSettings] = {}
        self.reads = 0

    async def tenant_settings(self, platform: str, tenant: str) -> TenantSettings:
        self.reads += 1
        return self.tenants.get((platform, tenant), TenantSettings(platform, tenant))

    async def save_tenant_settings(
        self, settings: TenantSettings, updated_by: str, now: datetime
    ) -> None:
        key = (settings.platform, settings.tenant)
        if settings.is_empty:
            self.tenants.pop(key, None)
        else:
            self.tenants[key] = settings

    async def user_settings(self, platform: str, tenant: str, user_id: str) -> UserSettings:
        self.reads += 1
        return self.users.get((platform, tenant, user_id), UserSettings(platform, tenant, user_id))

    async def save_user_settings(self, settings: UserSettings, now: datetime) -> None:
        key = (settings.platform, settings.tenant, settings.user_id)
        if settings.is_empty:
            self.users.pop(key, None)
        else:
            self.users[key] = settings

    async def preferences(self, platform: str, tenant: str, user_id: str) -> StoredPreferences:
        self.reads += 1
        return StoredPreferences(
            self.tenants.get((platform, tenant), TenantSettings(platform, tenant)),
            self.users.get((platform, tenant, user_id), UserSettings(platform, tenant, user_id)),
            self.users.get(
                (platform, DIRECT_TENANT, user_id), UserSettings(platform, DIRECT_TENANT, user_id)
            ),
        )
