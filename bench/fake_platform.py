"""A loopback chat platform that counts what it is sent: every post, every duplicate.

``POST /channels/{id}/messages`` takes ``{"content": ..., "nonce": key}``. The platform can
enforce a global rate (beyond it: 429 with ``retry_after``, as Discord's 50 requests/s
limit) and can fail a share of requests on purpose (429 with a retry-after, or 500), drawn
from a seeded generator so a run can be replayed. ``GET /stats`` reports the counts,
``GET /channels/{id}/posted?key=K`` answers whether a post with that key arrived.

Run alone (``python -m bench.fake_platform --port 0``) it prints its port on the first line,
so a benchmark's client and this server do not share one CPU's event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import random
import time
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class Behaviour:
    """How the fake answers: a global rate and shares of deliberate failures."""

    per_second: float | None = None
    share_429: float = 0.0
    share_500: float = 0.0
    retry_after: float = 0.05
    seed: int = 1945


@dataclass
class Counts:
    requests: int = 0
    rejected_by_rate: int = 0
    failed_on_purpose: int = 0
    posts: dict[str, int] = field(default_factory=dict)  # channel → posts accepted
    keys: set[str] = field(default_factory=set)
    duplicates: int = 0
    first_at: float | None = None
    last_at: float | None = None

    def json(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "rejected_by_rate": self.rejected_by_rate,
            "failed_on_purpose": self.failed_on_purpose,
            "posts": sum(self.posts.values()),
            "channels": len(self.posts),
            "duplicates": self.duplicates,
            "seconds": (self.last_at - self.first_at) if self.first_at and self.last_at else 0,
        }


class FakePlatform:
    """The aiohttp application and what it has counted."""

    def __init__(self, behaviour: Behaviour | None = None) -> None:
        self.behaviour = behaviour or Behaviour()
        self.counts = Counts()
        self._rng = random.Random(self.behaviour.seed)
        self._window: collections.deque[float] = collections.deque()
        self.app = web.Application()
        self.app.add_routes(
            [
                web.post("/channels/{channel}/messages", self._post),
                web.get("/channels/{channel}/posted", self._posted),
                web.get("/stats", self._stats),
                web.post("/reset", self._reset),
            ]
        )

    def _over_rate(self, now: float) -> float | None:
        """Seconds until the next request is allowed, or None when this one is."""
        limit = self.behaviour.per_second
        if not limit:
            return None
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        if len(self._window) >= limit:
            return self._window[0] + 1.0 - now
        self._window.append(now)
        return None

    async def _post(self, request: web.Request) -> web.Response:
        counts, behaviour = self.counts, self.behaviour
        counts.requests += 1
        now = time.monotonic()
        if (wait := self._over_rate(now)) is not None:
            counts.rejected_by_rate += 1
            return _too_many(wait)
        draw = self._rng.random()
        if draw < behaviour.share_429:
            counts.failed_on_purpose += 1
            return _too_many(behaviour.retry_after)
        if draw < behaviour.share_429 + behaviour.share_500:
            counts.failed_on_purpose += 1
            return web.json_response({"message": "500: Internal Server Error"}, status=500)
        body = await request.json()
        channel = request.match_info["channel"]
        key = str(body.get("nonce", ""))
        if key in counts.keys:
            counts.duplicates += 1
        counts.keys.add(key)
        counts.posts[channel] = counts.posts.get(channel, 0) + 1
        counts.first_at = counts.first_at or now
        counts.last_at = now
        return web.json_response({"id": str(counts.requests), "channel_id": channel})

    async def _posted(self, request: web.Request) -> web.Response:
        return web.json_response({"posted": request.query.get("key", "") in self.counts.keys})

    async def _stats(self, _request: web.Request) -> web.Response:
        return web.json_response(self.counts.json())

    async def _reset(self, request: web.Request) -> web.Response:
        settings = await request.json()
        self.behaviour = Behaviour(**settings)
        self.counts = Counts()
        self._rng = random.Random(self.behaviour.seed)
        self._window.clear()
        return web.json_response({"ok": True})


def _too_many(retry_after: float) -> web.Response:
    return web.json_response(
        {"message": "You are being rate limited.", "retry_after": round(retry_after, 3)},
        status=429,
        headers={"Retry-After": f"{retry_after:.3f}"},
    )


async def _serve(port: int) -> None:
    platform = FakePlatform()
    runner = web.AppRunner(platform.app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=1024)
    await site.start()
    bound = runner.addresses[0][1]
    print(json.dumps({"port": bound}), flush=True)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    asyncio.run(_serve(parser.parse_args().port))


if __name__ == "__main__":
    main()
