"""The global rate limit: never more than the rate in any window, and a platform's 429
holds every sender until its retry-after (lower bounds on loop time only: a slow machine
makes them later, never earlier)."""

from __future__ import annotations

import asyncio

from bot.core.rate_limits import PostRateLimits

# asyncio may run a timer up to its clock resolution early.
EARLY = 0.01


async def test_no_window_of_a_second_holds_more_requests_than_the_rate() -> None:
    limits = PostRateLimits(global_per_second=20)
    loop = asyncio.get_running_loop()
    released: list[float] = []

    async def send() -> None:
        await limits.wait("chan")
        released.append(loop.time())

    await asyncio.gather(*(send() for _ in range(45)))
    released.sort()
    for first, twenty_first in zip(released, released[20:], strict=False):
        assert twenty_first - first >= 1.0 - EARLY


async def test_the_first_requests_leave_at_once_up_to_the_rate() -> None:
    limits = PostRateLimits(global_per_second=20)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(20):
        await limits.wait("chan")
    twenty_first = asyncio.ensure_future(limits.wait("chan"))
    await asyncio.sleep(0)
    # Twenty went without waiting for a timer; the twenty-first waits for the window.
    assert not twenty_first.done()
    await twenty_first
    assert loop.time() - started >= 1.0 - EARLY


async def test_a_hold_keeps_every_sender_waiting_until_the_platform_said() -> None:
    limits = PostRateLimits(global_per_second=50)
    loop = asyncio.get_running_loop()
    await limits.wait("chan-1")  # the window has room for 49 more
    held_at = loop.time()
    limits.hold(0.3)  # a 429 with retry_after 0.3 s, answered to one of the senders
    released: list[float] = []

    async def send(channel: str) -> None:
        await limits.wait(channel)
        released.append(loop.time())

    await asyncio.gather(*(send(f"chan-{n}") for n in range(2, 6)))
    assert len(released) == 4
    assert min(released) - held_at >= 0.3 - EARLY


async def test_a_hold_without_a_global_limit_changes_nothing() -> None:
    limits = PostRateLimits(per_channel_per_second=1)
    limits.hold(60)
    await asyncio.wait_for(limits.wait("chan"), timeout=30)  # would hang 60 s if held
