"""Keeps a process's settings cache correct when other processes share its PostgreSQL.

Every settings write runs ``pg_notify(CHANNEL, payload)`` in its own transaction, so the
notification is delivered after the commit (and never for a rolled-back write). Each process
holds one connection that LISTENs on :data:`CHANNEL` and evicts what a notification names.
While that connection is not there (start-up, a lost connection, the server down) a
notification may be missed, so the cache is suspended (reads go to the database) and it is
emptied when the connection is back.

What it costs a deployment: one more server connection per process, held for the process's
life and outside its pool (``database_pool_size`` does not count it). Many replicas without
a pooler in front therefore need ``max_connections`` of at least replicas × (pool + 1). A
pooler in transaction mode (pgbouncer's default) cannot carry LISTEN: notifications are
tied to one server session, so the bot's URL must reach PostgreSQL directly or through a
session-mode pool for the cache to stay correct across processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from bot.storage.database import Database, masked_url
from bot.storage.settings_cache import Change, PreferencesCache

CHANNEL = "alliance_settings"
ALL_USERS = "*"
# A silently dropped connection (no FIN) raises no termination callback: a query on it
# every few seconds finds it (the query times out after as long again), so a missed
# notification can be served for at most about twice this long.
PING_SECONDS = 5.0
RETRY_SECONDS = (0.2, 0.5, 1.0, 2.0, 5.0)

log = logging.getLogger(__name__)


def payload(change: Change) -> str:
    """``platform<TAB>tenant<TAB>user`` (``*`` for a tenant's settings)."""
    user = ALL_USERS if change.user is None else change.user
    return f"{change.platform}\t{change.tenant}\t{user}"


def parse_payload(text: str) -> Change | None:
    """The change a payload names, or None when it cannot be read."""
    parts = text.split("\t")
    if len(parts) != 3:
        return None
    platform, tenant, user = parts
    return Change(platform, tenant, None if user == ALL_USERS else user)


class SettingsListener:
    """The LISTEN connection of one process, reconnecting until stopped."""

    def __init__(self, database: Database, cache: PreferencesCache) -> None:
        self._database = database
        self._cache = cache
        self._task: asyncio.Task[None] | None = None
        # How many times it has (re)connected, and the notifications it has had: tests wait
        # on them.
        self.connects = 0
        self.notifications = 0
        self.server_pid: int | None = None  # the listening backend's, while connected
        self.retry_seconds = RETRY_SECONDS
        self._wake = asyncio.Event()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="settings-listener")

    async def stop(self) -> None:
        task, self._task = self._task, None
        self._cache.suspend()
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _notified(self, _connection: Any, _pid: int, _channel: str, text: object) -> None:
        self.notifications += 1
        change = parse_payload(str(text))
        if change is None:
            log.warning("unreadable settings notification %r; emptying the cache", str(text)[:100])
            self._cache.clear()
        else:
            self._cache.evict(change)

    async def _run(self) -> None:
        failures = 0  # attempts since the last connection that worked
        while True:
            connects = self.connects
            try:
                await self._listen()
            except Exception as error:  # whatever the driver raised: reconnect
                if self.connects != connects:
                    failures = 0  # it was up and then lost: report it, retry soon
                self._report(error, failures)
            else:
                failures = 0
            finally:
                self._cache.suspend()
            delays = self.retry_seconds
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delays[min(failures, len(delays) - 1)])
            self._wake.clear()
            failures += 1

    def reconnect_now(self) -> None:
        """Cut a wait before the next connection attempt short."""
        self._wake.set()

    def _report(self, error: BaseException, failures: int) -> None:
        # The first failure in a row is worth a warning; the retries that follow are not.
        # The URL is masked (the driver's own message names host and user, not passwords).
        level = logging.WARNING if failures == 0 else logging.DEBUG
        reason = " ".join(str(error).split())[:300] or type(error).__name__
        log.log(
            level,
            "settings listener on %s lost (%s); reading settings uncached",
            masked_url(self._database.url),
            reason,
        )

    async def _listen(self) -> None:
        # A connection of the engine's (same URL, SSL and timeouts), taken out of its pool
        # for good: the pool neither counts it nor hands it to anyone else.
        pooled = await self._database.engine.raw_connection()
        connection: Any = pooled.driver_connection  # the record goes with the detach
        pooled.detach()
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _connection: lost.set())
        try:
            await connection.add_listener(CHANNEL, self._notified)
            # Listening from here on: what was cached before may have missed a change.
            self._cache.resume()
            self.server_pid = connection.get_server_pid()
            self.connects += 1
            while not connection.is_closed():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), PING_SECONDS)
                if lost.is_set():
                    log.warning("settings listener lost; reading settings uncached")
                    return
                await connection.fetchval("SELECT 1", timeout=PING_SECONDS)
        finally:
            self._cache.suspend()
            self.server_pid = None
            connection.terminate()
