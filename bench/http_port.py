"""A ChatPort that posts over HTTP to :mod:`bench.fake_platform`, as a platform adapter would.

It renders a reply to one text (title, body, fields, sources, footer), sends the post key as
the nonce, waits on the platform's rate limit when told it (``PostRateLimits``), and
classifies answers the way the adapters do: 429 and 5xx are transient (429 with its
``retry_after``), 403/404 permanent. Like discord.py's HTTP client, a 429 with a short
retry-after is waited out and the request sent again (up to :data:`INLINE_429_RETRIES`
times) before the post is handed back to the poster as failed for now.

Hook for the command-path benchmarks: the Discord and Slack adapters' own ports replace this
one there (``bench/command_path.py`` lists what they will measure).
"""

from __future__ import annotations

import asyncio
import json

import aiohttp

from bot.core.ports import (
    DeliveryProblem,
    MessageHandle,
    PermanentDeliveryError,
    PostTarget,
    TransientDeliveryError,
)
from bot.core.rate_limits import PostRateLimits
from bot.core.replies import Reply

INLINE_429_RETRIES = 3
# What every post sends as its content type (built once, as the bare loop's).
_JSON = {"Content-Type": "application/json"}
INLINE_429_MAX_WAIT = 5.0


def render(reply: Reply) -> str:
    """The reply as one message text."""
    parts = [f"**{reply.title}**"] if reply.title else []
    parts.append(reply.body)
    parts += [f"{field.name}: {field.value}" for field in reply.fields]
    parts += [f"Source: {source.title} <{source.url}>" for source in reply.sources]
    if reply.footer:
        parts.append(reply.footer)
    return "\n".join(parts)


def message_body(reply: Reply, key: str) -> bytes:
    return json.dumps({"content": render(reply), "nonce": key}).encode()


class HttpChatPort:
    """Posts to ``base_url``; ``rate`` (requests per second) is the platform's global limit."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        platform: str = "test",
        rate: float | None = None,
    ) -> None:
        self._session = session
        self._base = base_url.rstrip("/")
        self._platform = platform
        self._limits = PostRateLimits(global_per_second=rate) if rate else None

    @property
    def platform(self) -> str:
        return self._platform

    def serves(self, tenant: str) -> bool:
        return True

    async def post(self, target: PostTarget, reply: Reply, key: str) -> MessageHandle:
        for _ in range(INLINE_429_RETRIES):
            try:
                return await self._post_once(target, reply, key)
            except TransientDeliveryError as error:
                wait = error.retry_after
                if error.problem is not DeliveryProblem.RATE_LIMITED or wait is None:
                    raise
                if wait > INLINE_429_MAX_WAIT:
                    raise
                if self._limits is not None:
                    self._limits.hold(wait)  # the platform's window is full for everyone
                await asyncio.sleep(wait)
        return await self._post_once(target, reply, key)

    async def _post_once(self, target: PostTarget, reply: Reply, key: str) -> MessageHandle:
        if self._limits is not None:
            await self._limits.wait(target.channel_id)
        url = f"{self._base}/channels/{target.channel_id}/messages"
        try:
            async with self._session.post(
                url, data=message_body(reply, key), headers=_JSON
            ) as response:
                if response.status == 200:
                    # As discord.py reads an answer: the body, then the JSON library on it.
                    answer = json.loads(await response.read())
                    return MessageHandle(self._platform, target.channel_id, str(answer["id"]))
                await _raise_for(response)
        except aiohttp.ClientError as error:
            raise TransientDeliveryError(f"network: {error}") from error
        raise AssertionError("unreachable")  # _raise_for always raises

    async def edit(self, handle: MessageHandle, reply: Reply) -> None:
        """The fake keeps no message bodies to edit; daily posts are never edited."""

    async def was_posted(self, target: PostTarget, key: str) -> bool:
        url = f"{self._base}/channels/{target.channel_id}/posted"
        try:
            async with self._session.get(url, params={"key": key}) as response:
                if response.status != 200:
                    await _raise_for(response)
                return bool((await response.json())["posted"])
        except aiohttp.ClientError as error:
            raise TransientDeliveryError(f"network: {error}") from error


async def _raise_for(response: aiohttp.ClientResponse) -> None:
    if response.status == 429:
        answer = await response.json()
        raise TransientDeliveryError(
            "429 Too Many Requests",
            retry_after=float(answer.get("retry_after", 1.0)),
            problem=DeliveryProblem.RATE_LIMITED,
        )
    if response.status in (403, 404):
        raise PermanentDeliveryError(f"{response.status}", DeliveryProblem.CHANNEL_GONE)
    raise TransientDeliveryError(f"{response.status} from the platform")
