"""Tenant and user settings (the core's SettingsStore), addressed by platform and tenant."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    SmallInteger,
    bindparam,
    cast,
    delete,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.core.i18n import parse_language
from bot.core.settings import DIRECT_TENANT, StoredPreferences, TenantSettings, UserSettings
from bot.storage.database import Database
from bot.storage.tables import TenantSettingsRow, UserSettingsRow


def _tenant(row: TenantSettingsRow | None, platform: str, tenant: str) -> TenantSettings:
    if row is None:
        return TenantSettings(platform, tenant)
    return TenantSettings(
        platform,
        tenant,
        parse_language(row.language) if row.language else None,
        row.timezone,
        row.quiz_length,
    )


def _user(row: UserSettingsRow | None, platform: str, tenant: str, user_id: str) -> UserSettings:
    if row is None:
        return UserSettings(platform, tenant, user_id)
    return UserSettings(
        platform,
        tenant,
        user_id,
        parse_language(row.language) if row.language else None,
        row.timezone,
    )


# What each row of the preferences read is (its first column).
_TENANT_ROW = "tenant"
_USER_ROW = "user"


def _preferences_statement() -> CompoundSelect[str, str, str | None, str | None, int | None]:
    """The tenant's settings row and the user's rows in the tenant and in DMs, as
    (kind, tenant, language, timezone, quiz_length)."""
    platform: BindParameter[str] = bindparam("platform")
    tenant: BindParameter[str] = bindparam("tenant")
    tenant_row = select(
        literal(_TENANT_ROW).label("kind"),
        TenantSettingsRow.tenant,
        TenantSettingsRow.language,
        TenantSettingsRow.timezone,
        TenantSettingsRow.quiz_length,
    ).where(TenantSettingsRow.platform == platform, TenantSettingsRow.tenant == tenant)
    user_rows = select(
        literal(_USER_ROW),
        UserSettingsRow.tenant,
        UserSettingsRow.language,
        UserSettingsRow.timezone,
        cast(null(), SmallInteger),
    ).where(
        UserSettingsRow.platform == platform,
        UserSettingsRow.user_id == bindparam("user_id"),
        or_(UserSettingsRow.tenant == tenant, UserSettingsRow.tenant == bindparam("direct")),
    )
    return union_all(tenant_row, user_rows)


def _user_key(user_id: str) -> str:
    # The column's length: a longer id (a shell user's name) is cut the same way everywhere.
    return user_id[:64]


class SettingsRepository:
    """Reads and writes tenant and user settings; one statement per write, so processes
    saving the same settings at once cannot fail half-way (the last one wins)."""

    def __init__(self, database: Database) -> None:
        self._db = database
        # Built once: the read runs before every command, and building and hashing the
        # statement each time cost more than running it.
        self._preferences = _preferences_statement()

    def _insert(self) -> Any:
        return pg_insert if self._db.dialect == "postgresql" else sqlite_insert

    async def tenant_settings(self, platform: str, tenant: str) -> TenantSettings:
        async with self._db.session() as session:
            row = await session.scalar(
                select(TenantSettingsRow).where(
                    TenantSettingsRow.platform == platform, TenantSettingsRow.tenant == tenant
                )
            )
            return _tenant(row, platform, tenant)

    async def save_tenant_settings(
        self, settings: TenantSettings, updated_by: str, now: datetime
    ) -> None:
        where = (
            TenantSettingsRow.platform == settings.platform,
            TenantSettingsRow.tenant == settings.tenant,
        )
        async with self._db.session() as session:
            if settings.is_empty:
                await session.execute(delete(TenantSettingsRow).where(*where))
                return
            values = {
                "language": settings.language,
                "timezone": settings.timezone,
                "quiz_length": settings.quiz_length,
                "updated_by": updated_by[:64],
                "updated_at": now,
            }
            statement = self._insert()(TenantSettingsRow).values(
                platform=settings.platform, tenant=settings.tenant, **values
            )
            await session.execute(
                statement.on_conflict_do_update(index_elements=["platform", "tenant"], set_=values)
            )

    async def user_settings(self, platform: str, tenant: str, user_id: str) -> UserSettings:
        async with self._db.session() as session:
            row = await session.scalar(
                select(UserSettingsRow).where(
                    UserSettingsRow.platform == platform,
                    UserSettingsRow.tenant == tenant,
                    UserSettingsRow.user_id == _user_key(user_id),
                )
            )
            return _user(row, platform, tenant, user_id)

    async def save_user_settings(self, settings: UserSettings, now: datetime) -> None:
        where = (
            UserSettingsRow.platform == settings.platform,
            UserSettingsRow.tenant == settings.tenant,
            UserSettingsRow.user_id == _user_key(settings.user_id),
        )
        async with self._db.session() as session:
            if settings.is_empty:  # nothing left to keep about the user
                await session.execute(delete(UserSettingsRow).where(*where))
                return
            values = {
                "language": settings.language,
                "timezone": settings.timezone,
                "updated_at": now,
            }
            statement = self._insert()(UserSettingsRow).values(
                platform=settings.platform,
                tenant=settings.tenant,
                user_id=_user_key(settings.user_id),
                **values,
            )
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=["platform", "tenant", "user_id"], set_=values
                )
            )

    async def preferences(self, platform: str, tenant: str, user_id: str) -> StoredPreferences:
        """The tenant's row and the user's rows here and in DMs: one statement (two indexed
        reads, served by the unique constraints), read without an ORM session: the router
        asks this before every command."""
        async with self._db.reading() as connection:
            answer = await connection.execute(
                self._preferences,
                {
                    "platform": platform,
                    "tenant": tenant,
                    "direct": DIRECT_TENANT,
                    "user_id": _user_key(user_id),
                },
            )
            rows = answer.all()
        found = TenantSettings(platform, tenant)
        users: dict[str, UserSettings] = {}
        for kind, row_tenant, language, timezone, quiz_length in rows:
            language = parse_language(language) if language else None
            if kind == _TENANT_ROW:
                found = TenantSettings(platform, tenant, language, timezone, quiz_length)
            else:
                users[row_tenant] = UserSettings(platform, row_tenant, user_id, language, timezone)
        return StoredPreferences(
            found,
            users.get(tenant, UserSettings(platform, tenant, user_id)),
            users.get(DIRECT_TENANT, UserSettings(platform, DIRECT_TENANT, user_id)),
        )
