"""Platform rate limits, for the chat ports to respect before they send.

A fan-out to thousands of channels must run at the platform's limit, not into it: a port
awaits :meth:`PostRateLimits.wait` before each request, so posts leave at the allowed rate
instead of as a burst answered by a storm of 429s (and, on Discord, an IP ban after 10,000
invalid requests in ten minutes).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque

from aiolimiter import AsyncLimiter

# Requests leave the client earlier than they reach the platform, by a varying delay; a
# window this much longer than the platform's keeps two requests a window apart here from
# landing in one window there.
_WINDOW_MARGIN = 0.02


class PostRateLimits:
    """A global rate and a per-channel rate (either may be absent), as leaky buckets; each
    adapter sets its platform's numbers (Discord: 50 requests/s per bot; Slack: about one
    message per second per channel).

    Per-channel buckets are kept for the most recently used channels only, so the memory
    stays bounded however many channels a fan-out reaches.
    """

    def __init__(
        self,
        global_per_second: float | None = None,
        per_channel_per_second: float | None = None,
        max_channels: int = 10_000,
    ) -> None:
        self._global = _Window(global_per_second) if global_per_second else None
        self._per_channel_rate = per_channel_per_second
        self._channels: OrderedDict[str, AsyncLimiter] = OrderedDict()
        self._max_channels = max_channels

    async def wait(self, channel_id: str) -> None:
        """Return when one more request to ``channel_id`` is within every limit."""
        if self._per_channel_rate:
            await self._channel(channel_id).acquire()
        if self._global is not None:
            await self._global.acquire()

    def hold(self, seconds: float) -> None:
        """The platform refused a request for being over its global limit and said when to
        come back: no request leaves before then, not only the refused one.

        Each request sent into a full window is refused again and uses up a slot of ours
        that the platform never counted, so a burst of them costs far more than the wait.
        """
        if self._global is not None:
            self._global.hold(seconds)

    def _channel(self, channel_id: str) -> AsyncLimiter:
        limiter = self._channels.get(channel_id)
        if limiter is None:
            assert self._per_channel_rate
            limiter = _bucket(self._per_channel_rate)
            self._channels[channel_id] = limiter
            if len(self._channels) > self._max_channels:
                self._channels.popitem(last=False)
        else:
            self._channels.move_to_end(channel_id)
        return limiter


def _bucket(per_second: float) -> AsyncLimiter:
    # A bucket holding a tenth of a second's worth: a full one-second bucket would let twice
    # the rate through in the first second of a fan-out.
    if per_second >= 10:
        return AsyncLimiter(per_second / 10, 0.1)
    return AsyncLimiter(per_second, 1.0)


class _Window:
    """At most ``per_second`` requests in any one-second window, in the order they asked.

    A leaky bucket lets its burst through on top of its rate (a tenth of a second's worth
    per second at the least), and a platform counting each second strictly answers those
    extra requests with 429s, which then wait out a retry; a log of the last second's sends
    never exceeds the count, and still sends at the full rate.
    """

    def __init__(self, per_second: float) -> None:
        self._limit = max(1, int(per_second))
        self._span = (self._limit / per_second) * (1 + _WINDOW_MARGIN)
        self._sent: deque[float] = deque()
        self._turn = asyncio.Lock()  # first come, first served
        self._held_until = 0.0  # loop time

    def hold(self, seconds: float) -> None:
        until = asyncio.get_running_loop().time() + seconds
        self._held_until = max(self._held_until, until)

    async def acquire(self) -> None:
        async with self._turn:
            loop = asyncio.get_running_loop()
            while True:
                now = loop.time()
                if now < self._held_until:
                    await asyncio.sleep(self._held_until - now)
                    continue
                while self._sent and self._sent[0] <= now - self._span:
                    self._sent.popleft()
                if len(self._sent) < self._limit:
                    self._sent.append(now)
                    return
                await asyncio.sleep(self._sent[0] + self._span - now)
