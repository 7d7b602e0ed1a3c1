"""Tenant and user settings (the core's SettingsStore), addressed by platform and tenant."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import (
    CompoundSelect,
    SmallInteger,
    bindparam,
    cast,
    delete,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import parse_language
from bot.core.settings import DIRECT_TENANT, StoredPreferences, TenantSettings, UserSettings
from bot.storage.database import Database
from bot.storage.settings_cache import DEFAULT_CACHE_ENTRIES, Change, PreferencesCache
from bot.storage.settings_listener import CHANNEL, SettingsListener, payload
from bot.storage.tables import TenantSettingsRow, UserSettingsRow


class _TenantColumns(Protocol):
    """What :func:`_tenant` reads: an ORM row or a row of selected columns."""

    @property
    def language(self) -> str | None: ...
    @property
    def timezone(self) -> str | None: ...
    @property
    def quiz_length(self) -> int | None: ...


class _UserColumns(Protocol):
    """What :func:`_user` reads: an ORM row or a row of selected columns."""

    @property
    def language(self) -> str | None: ...
    @property
    def timezone(self) -> str | None: ...


def _tenant(row: _TenantColumns | None, platform: str, tenant: str) -> TenantSettings:
    if row is None:
        return TenantSettings(platform, tenant)
    return TenantSettings(
        platform,
        tenant,
        parse_language(row.language) if row.language else None,
        row.timezone,
        row.quiz_length,
    )


def _user(row: _UserColumns | None, platform: str, tenant: str, user_id: str) -> UserSettings:
    if row is None:
        return UserSettings(platform, tenant, user_id)
    return UserSettings(
        platform,
        tenant,
        user_id,
        parse_language(row.language) if row.language else None,
        row.timezone,
    )


def _user_key(user_id: str) -> str:
    # The column's length: a longer id (a shell user's name) is cut the same way everywhere.
    return user_id[:64]


class SettingsRepository:
    """Reads and writes tenant and user settings; one statement per write, so processes
    saving the same settings at once cannot fail half-way (the last one wins).

    :meth:`preferences`, read by every command, is cached (:mod:`bot.storage.settings_cache`)
    and evicted by every write. A SQLite file has one process, so this process's writes are
    all there are. On PostgreSQL each write also notifies every process of the change, and
    the cache serves only while :meth:`start`'s listener is connected; without it (never
    started, or lost) every read goes to the database.
    """

    def __init__(self, database: Database, cache_entries: int = DEFAULT_CACHE_ENTRIES) -> None:
        self._db = database
        shared = database.dialect == "postgresql"
        self.cache = PreferencesCache(cache_entries, usable=not shared)
        self._listener = SettingsListener(database, self.cache) if shared else None
        # Every command reads the tenant's row and the user's rows here and in DMs: one
        # statement built once (building one costs more than running it; each trip to the
        # driver too), the values bound per call. ``kind`` 0 is the tenant's row.
        tenant_row = select(
            literal(0).label("kind"),
            TenantSettingsRow.tenant,
            TenantSettingsRow.language,
            TenantSettingsRow.timezone,
            TenantSettingsRow.quiz_length,
        ).where(
            TenantSettingsRow.platform == bindparam("platform"),
            TenantSettingsRow.tenant == bindparam("tenant"),
        )
        user_rows = select(
            literal(1),
            UserSettingsRow.tenant,
            UserSettingsRow.language,
            UserSettingsRow.timezone,
            cast(null(), SmallInteger),
        ).where(
            UserSettingsRow.platform == bindparam("platform"),
            UserSettingsRow.user_id == bindparam("user_id"),
            or_(
                UserSettingsRow.tenant == bindparam("tenant"),
                UserSettingsRow.tenant == DIRECT_TENANT,
            ),
        )
        self._preferences_read: CompoundSelect[*tuple[Any, ...]] = union_all(tenant_row, user_rows)

    @property
    def listener(self) -> SettingsListener | None:
        """The invalidation listener of a shared database (None for SQLite)."""
        return self._listener

    def start(self) -> None:
        """Start listening for other processes' writes (a server's database only)."""
        if self._listener is not None:
            self._listener.start()

    async def close(self) -> None:
        if self._listener is not None:
            await self._listener.stop()

    async def _changed(self, session: AsyncSession, change: Change) -> None:
        """Tell every process, at this transaction's commit, that ``change`` happened."""
        if self._listener is not None:
            await session.execute(select(func.pg_notify(CHANNEL, payload(change))))

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
        change = Change(settings.platform, settings.tenant, None)
        try:
            async with self._db.session() as session:
                await self._changed(session, change)
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
                    statement.on_conflict_do_update(
                        index_elements=["platform", "tenant"], set_=values
                    )
                )
        finally:
            # After the commit (or a failure, which may have committed): a read that began
            # before it cannot store what it read (the generation moved).
            self.cache.evict(change)

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
        # A DM row (tenant DIRECT_TENANT) is every tenant's fallback: the change covers
        # the user everywhere.
        change = Change(settings.platform, settings.tenant, _user_key(settings.user_id))
        try:
            async with self._db.session() as session:
                await self._changed(session, change)
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
        finally:
            self.cache.evict(change)

    async def preferences(self, platform: str, tenant: str, user_id: str) -> StoredPreferences:
        """The tenant's row and the user's rows here and in DMs, in one statement (each part
        served by a unique constraint), on a plain connection: no ORM objects, no session."""
        user_key = _user_key(user_id)
        key = (platform, tenant, user_key)
        if (cached := self.cache.get(key)) is not None and cached.user.user_id == user_id:
            return cached
        generation = self.cache.generation
        values = {"platform": platform, "tenant": tenant, "user_id": user_key}
        async with self._db.reading() as connection:
            rows = (await connection.execute(self._preferences_read, values)).all()
        tenant_row = next((row for row in rows if row.kind == 0), None)
        by_tenant = {row.tenant: row for row in rows if row.kind == 1}
        read = StoredPreferences(
            _tenant(tenant_row, platform, tenant),
            _user(by_tenant.get(tenant), platform, tenant, user_id),
            _user(by_tenant.get(DIRECT_TENANT), platform, DIRECT_TENANT, user_id),
        )
        self.cache.store(key, read, generation)
        return read
