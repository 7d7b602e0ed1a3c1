"""Stored settings of a tenant (a server) and of its users, and the store they live in.

Every value is optional: None means "not set here", so the next source in the resolution
order decides (:mod:`bot.core.preferences`). ``bot.storage`` implements
:class:`SettingsStore`; core tests use an in-memory one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core.i18n import Lang

# A user's own settings made in a DM are stored under this tenant: outside any server, and
# the user's default in every server where they have set nothing.
DIRECT_TENANT = ""


@dataclass(frozen=True)
class TenantSettings:
    """A server's defaults: reply language, time zone (an IANA name) and quiz length."""

    platform: str
    tenant: str
    language: Lang | None = None
    timezone: str | None = None
    quiz_length: int | None = None

    @property
    def is_empty(self) -> bool:
        return self.language is None and self.timezone is None and self.quiz_length is None


@dataclass(frozen=True)
class UserSettings:
    """A user's own preferences in one tenant (``tenant`` is :data:`DIRECT_TENANT` for the
    ones made in a DM): they follow the user across the tenant's channels and threads."""

    platform: str
    tenant: str
    user_id: str
    language: Lang | None = None
    timezone: str | None = None

    @property
    def is_empty(self) -> bool:
        return self.language is None and self.timezone is None


@dataclass(frozen=True)
class StoredPreferences:
    """What the store holds for one caller in one tenant, read together: the tenant's
    settings, the user's settings there, and the user's DM settings (their own default).
    Each is empty (all None) when nothing is stored."""

    tenant: TenantSettings
    user: UserSettings
    direct: UserSettings


class SettingsStore(Protocol):
    """Tenant and user settings. Saving settings that are all None deletes the row, so
    clearing every preference leaves nothing stored about the user."""

    async def tenant_settings(self, platform: str, tenant: str) -> TenantSettings: ...

    async def save_tenant_settings(
        self, settings: TenantSettings, updated_by: str, now: datetime
    ) -> None: ...

    async def user_settings(self, platform: str, tenant: str, user_id: str) -> UserSettings: ...

    async def save_user_settings(self, settings: UserSettings, now: datetime) -> None: ...

    async def preferences(self, platform: str, tenant: str, user_id: str) -> StoredPreferences:
        """Everything the resolution of one command needs, in one round trip."""
        ...
