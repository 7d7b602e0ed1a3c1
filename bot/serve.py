"""``alliance-bot run``: the platform adapters, the core and the runtime on one event loop.

Adapters are built first, because the core posts through their ports; then the core and the
runtime start, then each adapter connects. SIGTERM or SIGINT stops them in reverse: the
adapters stop taking events, the runtime lets a daily-post run in flight finish (claiming
nothing more), and the core closes its quizzes and the database.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence
from contextlib import AsyncExitStack
from typing import Protocol

from bot.app import Core, running_core
from bot.config import Settings
from bot.core.clock import AsyncioClock
from bot.core.ports import ChatPort
from bot.runtime import Runtime, running_runtime

log = logging.getLogger(__name__)


class PlatformAdapter(Protocol):
    """What ``serve`` needs of a platform adapter (Discord, Slack)."""

    @property
    def port(self) -> ChatPort:
        """Where the core posts on its own (daily posts, quiz questions)."""
        ...

    async def start(self, core: Core, runtime: Runtime) -> None:
        """Connect and begin routing platform events to ``core``; return once running (the
        adapter owns whatever tasks it needs until :meth:`close`)."""
        ...

    async def close(self) -> None:
        """Stop taking events and disconnect."""
        ...


async def serve(
    settings: Settings, adapters: Sequence[PlatformAdapter], stop: asyncio.Event | None = None
) -> None:
    """Run until ``stop`` is set, or until SIGTERM or SIGINT when no event is given."""
    stop = stop or _stop_on_signals()
    clock = AsyncioClock()
    ports = {adapter.port.platform: adapter.port for adapter in adapters}
    async with (
        running_core(settings, ports, clock) as core,
        running_runtime(core, clock, poll="interval") as runtime,
        AsyncExitStack() as started,
    ):
        for adapter in adapters:
            await adapter.start(core, runtime)
            started.push_async_callback(adapter.close)
        log.info("running: %s", ", ".join(sorted(ports)) or "no platform")
        await stop.wait()
        log.info("stopping")


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stop.set)
    return stop
