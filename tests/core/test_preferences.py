"""The router resolves each caller's language and time zone before a handler runs: from the
user's settings, the platform, the channel's subscription, the server, the config, in that
order; in a DM from the user's own settings only, and nobody is an admin there."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.commands import Command, CommandRouter
from bot.core.context import Channel, ChannelKey, CommandContext, User
from bot.core.daily.model import Subscription
from bot.core.fact_commands import FactCommands
from bot.core.fact_store import FactStore
from bot.core.i18n import Lang
from bot.core.preferences import PreferenceResolver
from bot.core.replies import Reply
from bot.core.settings import DIRECT_TENANT, TenantSettings, UserSettings
from tests.memory_stores import MemorySettings, MemorySubscriptions

NOW = datetime(2026, 6, 22, 10, 0, tzinfo=UTC)
SERVER = Channel("test", "g1", "c1", "history")
THREAD = Channel("test", "g1", "t9", "quiz-night", kind="thread", parent_id="c1")
DM = Channel("test", "", "d1", "@alice", kind="dm")


class World:
    """A router with in-memory settings and subscriptions, and a probe command that says
    what its handler was given."""

    def __init__(self, store: FactStore | None = None) -> None:
        self.settings = MemorySettings()
        self.subscriptions = MemorySubscriptions()
        resolver = PreferenceResolver(
            "en", ZoneInfo("Europe/London"), self.settings, self.subscriptions.get
        )
        self.router = CommandRouter("en", resolver=resolver)
        self.router.register(Command("probe", self._probe, "probe", {"en": "", "ja": ""}, ""))
        if store is not None:
            FactCommands(store, random.Random(1)).register(self.router)

    async def _probe(self, context: CommandContext, args: str, lang: Lang) -> Reply:
        return Reply(body=f"{lang} {context.zone.key} admin={context.user.is_admin}")

    async def probe(
        self,
        channel: Channel = SERVER,
        locale: str | None = None,
        zone: str | None = None,
        admin: bool = False,
    ) -> list[str]:
        context = CommandContext(
            User("u1", "alice", admin),
            channel,
            locale,
            NOW,
            ZoneInfo(zone) if zone else None,
        )
        return (await self.router.handle(context, "probe")).body.split()

    def user(self, tenant: str, language: Lang | None = None, zone: str | None = None) -> None:
        self.settings.users[("test", tenant, "u1")] = UserSettings(
            "test", tenant, "u1", language, zone
        )

    def server(
        self, language: Lang | None = None, zone: str | None = None, length: int | None = None
    ) -> None:
        self.settings.tenants[("test", "g1")] = TenantSettings("test", "g1", language, zone, length)

    async def subscribe(self, channel: str, zone: str) -> None:
        key = ChannelKey("test", "g1", channel)
        subscription = Subscription(key, channel, 9, 0, zone, "en", False, NOW, None)
        await self.subscriptions.upsert(subscription, "admin", NOW)


async def test_language_user_then_locale_then_server_then_config() -> None:
    world = World()
    assert (await world.probe())[0] == "en"  # the config
    world.server(language="ja")
    assert (await world.probe())[0] == "ja"
    assert (await world.probe(locale="en-US"))[0] == "en"  # the platform beats the server
    assert (await world.probe(locale="fr"))[0] == "ja"  # a locale the bot cannot speak
    world.user("g1", language="ja")
    world.server(language="en")
    assert (await world.probe(locale="en-US"))[0] == "ja"  # the user's own beats all


async def test_zone_user_then_platform_then_subscription_then_server_then_config() -> None:
    world = World()
    assert (await world.probe())[1] == "Europe/London"
    world.server(zone="Europe/Moscow")
    assert (await world.probe())[1] == "Europe/Moscow"
    await world.subscribe("c1", "America/New_York")
    assert (await world.probe())[1] == "America/New_York"
    assert (await world.probe(zone="Asia/Kolkata"))[1] == "Asia/Kolkata"
    world.user("g1", zone="Asia/Tokyo")
    assert (await world.probe(zone="Asia/Kolkata"))[1] == "Asia/Tokyo"


async def test_a_thread_takes_its_channels_subscription_zone() -> None:
    world = World()
    await world.subscribe("c1", "America/Chicago")
    assert (await world.probe(THREAD))[1] == "America/Chicago"


async def test_dm_settings_are_the_users_default_in_servers_where_they_set_none() -> None:
    world = World()
    world.user(DIRECT_TENANT, language="ja", zone="Asia/Tokyo")
    assert (await world.probe())[:2] == ["ja", "Asia/Tokyo"]
    world.user("g1", language="en")  # this server's own setting wins, field by field
    assert (await world.probe())[:2] == ["en", "Asia/Tokyo"]


async def test_in_a_dm_no_server_setting_or_subscription_applies_and_nobody_is_admin() -> None:
    world = World()
    world.server(language="ja", zone="Europe/Moscow")
    world.user("g1", language="ja", zone="Asia/Tokyo")  # another server's: not here
    await world.subscribe("d1", "America/New_York")  # cannot exist; must not be consulted
    assert await world.probe(DM, admin=True) == ["en", "Europe/London", "admin=False"]
    world.user(DIRECT_TENANT, zone="Pacific/Auckland")
    assert await world.probe(DM, locale="ja", admin=True) == [
        "ja",
        "Pacific/Auckland",
        "admin=False",
    ]
    assert (await world.probe(SERVER, admin=True))[2] == "admin=True"


async def test_a_stored_zone_the_zone_database_no_longer_has_is_skipped() -> None:
    world = World()
    world.user("g1", zone="Mars/Olympus_Mons")
    world.server(zone="Asia/Tokyo")
    assert (await world.probe())[1] == "Asia/Tokyo"


async def test_today_follows_the_users_zone(store: FactStore) -> None:
    # 22 June 10:00 UTC is already 23 June at Kiritimati (UTC+14).
    world = World(store)
    context = CommandContext(User("u1", "alice"), SERVER, None, NOW)
    assert "22 June" in (await world.router.handle(context, "today")).title  # type: ignore[operator]
    world.user("g1", zone="Pacific/Kiritimati")
    assert "23 June" in (await world.router.handle(context, "today")).title  # type: ignore[operator]


async def test_only_a_dated_command_reads_the_channels_subscription(store: FactStore) -> None:
    world = World(store)
    await world.subscribe("c1", "Asia/Tokyo")
    asked: list[ChannelKey] = []
    lookup = world.subscriptions.get

    async def counted(channel: ChannelKey) -> Subscription | None:
        asked.append(channel)
        return await lookup(channel)

    resolver = PreferenceResolver("en", ZoneInfo("Europe/London"), world.settings, counted)
    router = CommandRouter("en", resolver=resolver)
    FactCommands(store, random.Random(1)).register(router)
    router.register(
        Command("undated", world._probe, "undated", {"en": "", "ja": ""}, "", dated=False)
    )
    context = CommandContext(User("u1", "alice"), SERVER, None, NOW)
    fact = await router.handle(context, "fact")
    assert not fact.is_error and fact.title and asked == []
    assert "22 June" in (await router.handle(context, "today")).title  # type: ignore[operator]
    assert asked == [ChannelKey("test", "g1", "c1")]
    # An undated handler that reads the zone anyway is a bug: it fails, it is not guessed.
    assert (await router.handle(context, "undated")).is_error
    assert len(asked) == 1


def test_a_handler_given_an_unresolved_context_fails_loudly() -> None:
    context = CommandContext(User("u1", "alice"), SERVER, None, NOW)
    with pytest.raises(RuntimeError, match="not resolved"):
        _ = context.zone


async def test_settings_failing_to_load_is_a_polite_internal_error() -> None:
    class Broken(MemorySettings):
        async def preferences(self, platform: str, tenant: str, user_id: str):  # type: ignore[no-untyped-def]
            raise ConnectionError("database down")

    router = CommandRouter("en", resolver=PreferenceResolver("en", ZoneInfo("UTC"), Broken()))
    context = CommandContext(User("u1", "alice"), SERVER, "ja", NOW)
    reply = await router.handle(context, "help")
    assert reply.is_error and reply.title == "エラーが発生しました"  # in the locale's language


async def test_listeners_hear_the_users_language_and_dms_only_if_they_ask() -> None:
    world = World()
    heard: list[tuple[str, str, bool]] = []

    async def server_listener(context: CommandContext, text: str, lang: Lang) -> Reply | None:
        heard.append(("server", lang, context.timezone is None))
        return None

    async def dm_listener(context: CommandContext, text: str, lang: Lang) -> Reply | None:
        heard.append(("dm", lang, context.user.is_admin))
        return Reply(body="heard")

    world.router.add_listener(server_listener)
    world.user("g1", language="ja")
    message = CommandContext(User("u1", "alice", True), SERVER, "en", NOW)
    assert await world.router.handle_message(message, "B") is None
    # The language resolved; the zone not (a chat message needs no date, and no reads).
    assert heard == [("server", "ja", True)]

    reads = world.settings.reads
    direct = CommandContext(User("u1", "alice", True), DM, "en", NOW)
    assert await world.router.handle_message(direct, "B") is None
    assert world.settings.reads == reads  # nobody listens in DMs: nothing was read
    world.router.add_listener(dm_listener, in_direct=True)
    reply = await world.router.handle_message(direct, "B")
    assert reply is not None and heard[-1] == ("dm", "en", False)
