"""Review of the settings cache: cases the first tests left out, on real PostgreSQL (two
Database + SettingsRepository pairs as two replicas)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text as text_clause

from bot.core.settings import DIRECT_TENANT, UserSettings
from bot.storage.settings_cache import Change
from bot.storage.settings_listener import CHANNEL, parse_payload, payload
from tests.storage.test_settings_replicas import (
    NOW,
    Replica,
    eventually,
    replicas,
    save_tenant,
    save_user,
)

__all__ = ["replicas"]  # the fixture, shared with the replica tests


async def test_a_user_whose_id_is_a_star_is_not_read_as_a_tenant_change(
    replicas: tuple[Replica, Replica],
) -> None:
    # A shell user's id is their name (":user *"): the payload's "every user" marker must
    # not swallow it, or the other replica neither evicts nor learns the user has a row.
    a, b = replicas
    assert await b.zone("g1", "someone") is None  # B loads the set of users with rows
    assert b.users_with_rows() == set()
    heard = b.listener.notifications
    await a.settings.save_user_settings(UserSettings("discord", "g1", "*", None, "Asia/Tokyo"), NOW)
    await eventually(lambda: b.listener.notifications > heard, "B hearing A's write")
    assert await b.zone("g1", "*") == "Asia/Tokyo"


async def test_a_dm_row_of_a_star_user_reaches_its_cached_server_reads(
    replicas: tuple[Replica, Replica],
) -> None:
    a, b = replicas
    await a.settings.save_user_settings(UserSettings("discord", "g1", "*", None, "UTC"), NOW)
    await eventually(lambda: b.listener.notifications >= 1, "B hearing the set-up write")
    assert (await b.settings.preferences("discord", "g1", "*")).direct.timezone is None
    heard = b.listener.notifications
    await a.settings.save_user_settings(
        UserSettings("discord", DIRECT_TENANT, "*", None, "America/Lima"), NOW
    )
    await eventually(lambda: b.listener.notifications > heard, "B hearing A's write")
    read = await b.settings.preferences("discord", "g1", "*")
    assert read.direct.timezone == "America/Lima"


def test_every_change_survives_its_payload() -> None:
    for change in (
        Change("discord", "g1", None),
        Change("discord", "g1", "*"),
        Change("shell", DIRECT_TENANT, "a\tb"),
        Change("shell", "x\ty", None),
    ):
        assert parse_payload(payload(change)) == change


@pytest.mark.parametrize("text", ["[" * 5000, "[1, 2, 3]", "discord\tg1\tu1", "null"])
async def test_an_unreadable_notification_empties_the_cache(
    replicas: tuple[Replica, Replica], text: str
) -> None:
    # Whoever can reach the database can notify the channel: what cannot be read (nested
    # too deep for the parser, an old version's format) must empty the cache, not raise
    # in the driver's callback and leave every cached read in place.
    a, b = replicas
    await a.settings.save_user_settings(UserSettings("discord", "g1", "u1", None, "UTC"), NOW)
    await eventually(lambda: b.listener.notifications >= 1, "B hearing the set-up write")
    assert await b.zone("g1", "u1") == "UTC"
    assert len(b.settings.cache) == 1
    heard = b.listener.notifications
    async with a.database.engine.connect() as connection:
        await connection.execute(
            text_clause("SELECT pg_notify(:channel, :text)"), {"channel": CHANNEL, "text": text}
        )
        await connection.commit()
    await eventually(lambda: b.listener.notifications > heard, "B hearing the notification")
    assert len(b.settings.cache) == 0


async def test_reads_racing_a_stream_of_writes_elsewhere_end_on_the_last_write(
    replicas: tuple[Replica, Replica],
) -> None:
    # Fuzz: B reads without pause while A writes user, DM and tenant rows; once B has heard
    # every write, whatever B serves (cached or not) is what A wrote last.
    a, b = replicas
    zones = ["UTC", "Asia/Tokyo", "Europe/Paris", "America/Lima", None]
    done = asyncio.Event()

    async def read_forever() -> None:
        while not done.is_set():
            await b.settings.preferences("discord", "g1", "u1")
            await b.settings.preferences("discord", "g2", "u1")
            await b.settings.preferences("discord", "g1", "u2")
            await asyncio.sleep(0)  # a cache hit never suspends: let A's writes run

    heard = b.listener.notifications
    readers = [asyncio.create_task(read_forever()) for _ in range(3)]
    writes = 0
    try:
        for round_ in range(40):
            zone = zones[round_ % len(zones)]
            await save_user(a, "g1", "u1", zone)
            await save_user(a, DIRECT_TENANT, "u1", zones[(round_ + 1) % len(zones)])
            await save_tenant(a, "g1", zones[(round_ + 2) % len(zones)])
            writes += 3
            await asyncio.sleep(0)
        await eventually(lambda: b.listener.notifications >= heard + writes, "B hearing A")
    finally:
        done.set()
        await asyncio.gather(*readers)
    for _ in range(2):  # the second read is served from the cache when the first stored it
        here = await b.settings.preferences("discord", "g1", "u1")
        elsewhere = await b.settings.preferences("discord", "g2", "u1")
        other = await b.settings.preferences("discord", "g1", "u2")
        assert here.user.timezone == zones[39 % len(zones)]
        assert here.direct.timezone == elsewhere.direct.timezone == zones[40 % len(zones)]
        assert here.tenant.timezone == other.tenant.timezone == zones[41 % len(zones)]
