"""``settings`` and ``server-settings`` through the router, on in-memory stores."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.commands import CommandRouter
from bot.core.context import Channel, CommandContext, User
from bot.core.preferences import PreferenceResolver
from bot.core.replies import Reply
from bot.core.settings import DIRECT_TENANT, TenantSettings, UserSettings
from bot.core.settings_commands import SettingsCommands
from tests.memory_stores import MemorySettings, MemorySubscriptions

NOW = datetime(2026, 6, 22, 10, 0, tzinfo=UTC)
SERVER = Channel("test", "g1", "c1", "history")
DM = Channel("test", "", "d1", "@alice", kind="dm")


def build() -> tuple[CommandRouter, MemorySettings]:
    settings = MemorySettings()
    resolver = PreferenceResolver(
        "en", ZoneInfo("Europe/London"), settings, MemorySubscriptions().get
    )
    router = CommandRouter("en", resolver=resolver)
    SettingsCommands(settings, resolver, default_quiz_length=5, max_quiz_length=20).register(router)
    return router, settings


def context(
    channel: Channel = SERVER, admin: bool = False, locale: str | None = None
) -> CommandContext:
    return CommandContext(User("u1", "alice", admin), channel, locale, NOW)


def value(reply: Reply, name: str) -> str:
    return next(f.value for f in reply.fields if f.name == name)


async def test_settings_saves_the_callers_own_and_answers_in_the_new_language() -> None:
    router, store = build()
    shown = await router.handle(context(), "settings")
    assert shown.ephemeral and shown.title == "Your settings"
    assert value(shown, "Language") == "auto (now en)"
    assert value(shown, "Time zone") == "auto (now Europe/London)"

    saved = await router.handle(context(), "/alliance settings language ja timezone asia/tokyo")
    assert saved.ephemeral and saved.title == "あなたの設定を保存しました"
    assert value(saved, "言語") == "ja（あなたの設定）"
    assert value(saved, "タイムゾーン") == "Asia/Tokyo（あなたの設定）"
    assert store.users[("test", "g1", "u1")] == UserSettings("test", "g1", "u1", "ja", "Asia/Tokyo")

    # Only what is named changes; "auto" hands the choice back.
    await router.handle(context(), "settings timezone=auto")
    assert store.users[("test", "g1", "u1")] == UserSettings("test", "g1", "u1", "ja", None)
    await router.handle(context(), "settings lang auto")
    assert ("test", "g1", "u1") not in store.users  # nothing left stored about the user


async def test_settings_work_in_a_dm_and_are_stored_outside_any_server() -> None:
    router, store = build()
    reply = await router.handle(context(DM), "settings Pacific/Auckland")
    assert not reply.is_error and value(reply, "Time zone") == "Pacific/Auckland (your setting)"
    assert "every server where you have not set your own" in reply.body
    assert store.users[("test", DIRECT_TENANT, "u1")].timezone == "Pacific/Auckland"
    in_server = await router.handle(context(), "settings")
    assert value(in_server, "Time zone") == "auto (now Pacific/Auckland)"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("timezone Asia/Tokio", "use an IANA name like Asia/Tokyo"),
        ("timezone Asia/Tokio", "Did you mean: Asia/Tokyo"),
        ("timezone Moon/Base", "“Moon/Base” is not a time zone I know"),
        ("language fr", "“fr” is not a language I speak. Use `en`, `ja` or `auto`."),
        ("language", "“language” needs a value"),
        ("colour blue", "I don't understand “colour”"),
        ("quiz-length 5", "I don't understand “quiz-length”"),  # a server's, not a user's
    ],
)
async def test_bad_settings_get_a_private_reply_saying_what_is_expected(
    args: str, expected: str
) -> None:
    router, store = build()
    reply = await router.handle(context(), f"settings {args}")
    assert reply.is_error and reply.ephemeral
    assert expected in reply.body
    assert store.users == {}


async def test_server_settings_are_for_admins_in_a_server() -> None:
    router, store = build()
    refused = await router.handle(context(), "server-settings quiz-length 8")
    assert refused.is_error and "Only server admins" in refused.body
    in_dm = await router.handle(context(DM, admin=True), "server-settings")
    assert in_dm.ephemeral and "works only in a server channel" in in_dm.body
    assert store.tenants == {}

    shown = await router.handle(context(admin=True), "server-settings")
    assert value(shown, "Quiz length") == "not set (default: 5)"
    assert value(shown, "Time zone") == "not set (default: Europe/London)"
    saved = await router.handle(
        context(admin=True), "server-settings language ja timezone Europe/Moscow quiz-length 8"
    )
    assert saved.ephemeral and saved.title == "Server settings saved"
    assert store.tenants[("test", "g1")] == TenantSettings("test", "g1", "ja", "Europe/Moscow", 8)
    # The server's language is now everyone's default here, the caller's too.
    mine = await router.handle(context(), "settings")
    assert value(mine, "言語") == "自動（現在は ja）"
    await router.handle(context(admin=True), "server-settings quiz-length auto language auto")
    assert store.tenants[("test", "g1")] == TenantSettings("test", "g1", None, "Europe/Moscow")


@pytest.mark.parametrize("length", ["0", "21", "-3", "２１", "99999999999999999999", "many"])
async def test_a_quiz_length_outside_one_to_the_maximum_is_refused(length: str) -> None:
    router, store = build()
    reply = await router.handle(context(admin=True), f"server-settings quiz-length {length}")
    assert reply.is_error
    assert "give a whole number from 1 to 20" in reply.body or "I don't understand" in reply.body
    assert store.tenants == {}
