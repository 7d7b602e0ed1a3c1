"""The settings repository on a real SQLite file and on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.core.settings import DIRECT_TENANT, StoredPreferences, TenantSettings, UserSettings
from bot.storage.database import Database
from bot.storage.settings import SettingsRepository

NOW = datetime(2026, 6, 22, 10, 0, tzinfo=UTC)


async def test_nothing_stored_reads_as_all_unset(database: Database) -> None:
    store = SettingsRepository(database)
    assert await store.tenant_settings("discord", "g1") == TenantSettings("discord", "g1")
    assert await store.user_settings("discord", "g1", "u1") == UserSettings("discord", "g1", "u1")
    assert await store.preferences("discord", "g1", "u1") == StoredPreferences(
        TenantSettings("discord", "g1"),
        UserSettings("discord", "g1", "u1"),
        UserSettings("discord", DIRECT_TENANT, "u1"),
    )


async def test_tenant_settings_are_saved_changed_and_cleared(database: Database) -> None:
    store = SettingsRepository(database)
    await store.save_tenant_settings(
        TenantSettings("slack", "T1", "ja", "Asia/Tokyo", 8), "U1", NOW
    )
    await store.save_tenant_settings(TenantSettings("slack", "T2", None, None, 3), "U2", NOW)
    assert await store.tenant_settings("slack", "T1") == TenantSettings(
        "slack", "T1", "ja", "Asia/Tokyo", 8
    )
    await store.save_tenant_settings(TenantSettings("slack", "T1", "en", None, 8), "U1", NOW)
    assert await store.tenant_settings("slack", "T1") == TenantSettings(
        "slack", "T1", "en", None, 8
    )
    await store.save_tenant_settings(TenantSettings("slack", "T1"), "U1", NOW)
    assert await store.tenant_settings("slack", "T1") == TenantSettings("slack", "T1")
    # Another tenant (and another platform's same id) is untouched.
    assert (await store.tenant_settings("slack", "T2")).quiz_length == 3
    assert await store.tenant_settings("discord", "T2") == TenantSettings("discord", "T2")


async def test_user_settings_are_per_tenant_with_the_dm_ones_read_alongside(
    database: Database,
) -> None:
    store = SettingsRepository(database)
    await store.save_user_settings(UserSettings("discord", "g1", "u1", "ja", None), NOW)
    await store.save_user_settings(
        UserSettings("discord", DIRECT_TENANT, "u1", None, "Asia/Tokyo"), NOW
    )
    await store.save_user_settings(UserSettings("discord", "g2", "u1", "en", "UTC"), NOW)
    await store.save_user_settings(UserSettings("discord", "g1", "u2", "en", None), NOW)
    read = await store.preferences("discord", "g1", "u1")
    assert read.user == UserSettings("discord", "g1", "u1", "ja", None)
    assert read.direct == UserSettings("discord", DIRECT_TENANT, "u1", None, "Asia/Tokyo")
    in_dm = await store.preferences("discord", DIRECT_TENANT, "u1")
    assert in_dm.user == in_dm.direct == read.direct
    # Cleared: the row goes, and reads as unset.
    await store.save_user_settings(UserSettings("discord", "g1", "u1"), NOW)
    assert await store.user_settings("discord", "g1", "u1") == UserSettings("discord", "g1", "u1")
    assert (await store.user_settings("discord", "g2", "u1")).timezone == "UTC"


async def test_preferences_read_the_tenants_row_with_the_users_and_nothing_else(
    database: Database,
) -> None:
    store = SettingsRepository(database)
    await store.save_tenant_settings(TenantSettings("slack", "T1", "ja", "Asia/Tokyo", 7), "a", NOW)
    await store.save_tenant_settings(TenantSettings("slack", "T2", "en", "UTC", 3), "a", NOW)
    await store.save_tenant_settings(TenantSettings("discord", "T1", "en", None, 5), "a", NOW)
    await store.save_user_settings(UserSettings("slack", "T1", "u1", None, "Europe/Paris"), NOW)
    await store.save_user_settings(UserSettings("slack", DIRECT_TENANT, "u1", "en", None), NOW)
    await store.save_user_settings(UserSettings("slack", "T2", "u1", "ja", "UTC"), NOW)
    await store.save_user_settings(UserSettings("discord", "T1", "u1", "ja", "UTC"), NOW)
    assert await store.preferences("slack", "T1", "u1") == StoredPreferences(
        TenantSettings("slack", "T1", "ja", "Asia/Tokyo", 7),
        UserSettings("slack", "T1", "u1", None, "Europe/Paris"),
        UserSettings("slack", DIRECT_TENANT, "u1", "en", None),
    )
    # A user with no rows of their own still gets the tenant's.
    assert await store.preferences("slack", "T1", "u2") == StoredPreferences(
        TenantSettings("slack", "T1", "ja", "Asia/Tokyo", 7),
        UserSettings("slack", "T1", "u2"),
        UserSettings("slack", DIRECT_TENANT, "u2"),
    )


async def test_a_user_id_longer_than_the_column_is_cut_the_same_way_everywhere(
    database: Database,
) -> None:
    store = SettingsRepository(database)
    long_id = "x" * 100
    await store.save_user_settings(UserSettings("shell", "local", long_id, "ja", None), NOW)
    assert (await store.user_settings("shell", "local", long_id)).language == "ja"
    assert (await store.preferences("shell", "local", long_id)).user.language == "ja"
    await store.save_user_settings(UserSettings("shell", "local", long_id), NOW)
    assert (await store.user_settings("shell", "local", long_id)).language is None


async def test_concurrent_saves_of_one_users_settings_all_succeed(database: Database) -> None:
    store = SettingsRepository(database)
    zones = ["Asia/Tokyo", "Europe/Moscow", "America/New_York", "UTC"] * 3
    await asyncio.gather(
        *(
            store.save_user_settings(UserSettings("discord", "g1", "u1", "en", zone), NOW)
            for zone in zones
        )
    )
    saved = await store.user_settings("discord", "g1", "u1")
    assert saved.language == "en" and saved.timezone in zones
