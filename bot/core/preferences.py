"""Who the caller is here, and in which language and time zone the bot answers them.

The router asks this before every handler, so adapters pass on only what their platform
says (a locale, perhaps none) and never read storage themselves. The orders:

- language: the user's own preference (in this server, else the one made in a DM), the
  platform's locale, the server's default, the configured default;
- time zone: the user's own preference (same order), a zone the platform gave for the user,
  the daily-post subscription of the channel (a thread's parent channel), the server's zone,
  the configured zone.

In a DM nobody is an admin and there is no server: only the user's own settings and the
configured defaults apply.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.context import ChannelKey, CommandContext
from bot.core.daily.model import Subscription
from bot.core.i18n import Lang, language_of_locale
from bot.core.settings import (
    DIRECT_TENANT,
    SettingsStore,
    StoredPreferences,
    TenantSettings,
    UserSettings,
)

log = logging.getLogger(__name__)

# The channel's daily-post subscription (SubscriptionStore.get).
SubscriptionLookup = Callable[[ChannelKey], Awaitable[Subscription | None]]


def zone_or_none(name: str | None) -> ZoneInfo | None:
    """The zone a stored name names, or None (unset, or no longer in the zone database)."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("stored time zone %r is unknown; ignoring it", name[:64])
        return None


@dataclass(frozen=True)
class Resolved:
    """A context with the caller's zone filled in (and admin rights dropped in a DM), and
    the language to answer in."""

    context: CommandContext
    language: Lang


def empty_preferences(platform: str, tenant: str, user_id: str) -> StoredPreferences:
    return StoredPreferences(
        TenantSettings(platform, tenant),
        UserSettings(platform, tenant, user_id),
        UserSettings(platform, DIRECT_TENANT, user_id),
    )


class PreferenceResolver:
    """Resolves language and time zone from stored settings, the platform and the config."""

    def __init__(
        self,
        default_language: Lang,
        default_zone: ZoneInfo,
        settings: SettingsStore | None = None,
        subscription_of: SubscriptionLookup | None = None,
    ) -> None:
        self.default_language = default_language
        self.default_zone = default_zone
        self._settings = settings
        self._subscription_of = subscription_of

    def fallback_language(self, context: CommandContext) -> Lang:
        """The language without storage: for the reply when resolving itself failed."""
        return language_of_locale(context.locale) or self.default_language

    async def stored(self, context: CommandContext) -> StoredPreferences:
        channel, user = context.channel, context.user
        tenant = DIRECT_TENANT if channel.is_direct else channel.tenant
        if self._settings is None:
            return empty_preferences(channel.platform, tenant, user.id)
        return await self._settings.preferences(channel.platform, tenant, user.id)

    async def resolve(self, context: CommandContext, zone: bool = True) -> Resolved:
        """The caller's language and, if ``zone``, time zone (without it the context's zone
        stays as the adapter gave it: plain chat messages need no date, and skipping it
        saves a read of the channel's subscription on every message)."""
        stored = await self.stored(context)
        direct = context.channel.is_direct
        tenant = TenantSettings(stored.tenant.platform, DIRECT_TENANT) if direct else stored.tenant
        language = (
            stored.user.language
            or stored.direct.language
            or language_of_locale(context.locale)
            or tenant.language
            or self.default_language
        )
        # One copy of the context at most, and none when nothing changes (an undated command
        # outside a DM): replace() builds and checks every field, on every command.
        changes: dict[str, Any] = {}
        if direct and context.user.is_admin:
            changes["user"] = replace(context.user, is_admin=False)
        if zone:
            changes["timezone"] = await self._zone(context, stored, tenant)
        return Resolved(replace(context, **changes) if changes else context, language)

    async def _zone(
        self, context: CommandContext, stored: StoredPreferences, tenant: TenantSettings
    ) -> ZoneInfo:
        return (
            zone_or_none(stored.user.timezone)
            or zone_or_none(stored.direct.timezone)
            or context.timezone
            or (None if context.channel.is_direct else await self._subscription_zone(context))
            or zone_or_none(tenant.timezone)
            or self.default_zone
        )

    async def _subscription_zone(self, context: CommandContext) -> ZoneInfo | None:
        if self._subscription_of is None:
            return None
        subscription = await self._subscription_of(context.channel.home)
        return zone_or_none(subscription.timezone) if subscription is not None else None
