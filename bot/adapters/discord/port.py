"""The core's :class:`~bot.core.ports.ChatPort` on Discord: posts, edits, crash recovery.

A post goes to the channel message endpoint with the delivery key as its nonce (Discord
enforces it: a repeat within a few minutes returns the first message) and as the post
marker ending the embed's footer, where :meth:`DiscordPort.was_posted` finds it in the
channel's recent history after a crash. Discord's answers become the core's delivery errors:
403/404 are permanent (the subscription pauses, and the bot stops knocking on a door that
counts toward Discord's invalid-request ban), 429 and 5xx are transient with their
retry-after.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import discord

from bot.adapters.discord.prebuilt import PrebuiltEmbed, RenderedReplies, embed_payload
from bot.config import DiscordSection
from bot.core.i18n import Lang
from bot.core.ports import (
    DeliveryError,
    DeliveryProblem,
    MessageHandle,
    PermanentDeliveryError,
    PostTarget,
    TransientDeliveryError,
)
from bot.core.post_keys import find_post_key, post_marker
from bot.core.replies import Reply

PLATFORM = "discord"
# How far back was_posted looks: a crash between send and mark is minutes old, not days.
HISTORY_LIMIT = 50
# How long a post waits for the client to log in before it is retried later.
LOGIN_WAIT_SECONDS = 30.0

log = logging.getLogger(__name__)


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord routes ``guild_id`` to."""
    return (guild_id >> 22) % shard_count


def delivery_error(error: BaseException) -> DeliveryError:
    """What a failed request means for a post, in the core's terms."""
    if isinstance(error, discord.RateLimited):
        return TransientDeliveryError(
            "rate limited", error.retry_after, DeliveryProblem.RATE_LIMITED
        )
    if isinstance(error, discord.Forbidden):
        return PermanentDeliveryError("missing access", DeliveryProblem.NO_ACCESS)
    if isinstance(error, discord.NotFound):
        return PermanentDeliveryError("unknown channel", DeliveryProblem.CHANNEL_GONE)
    if isinstance(error, discord.DiscordServerError):
        return TransientDeliveryError(f"Discord {error.status}", None)
    if isinstance(error, discord.HTTPException):
        if error.status == 429:
            retry = error.response.headers.get("Retry-After")
            seconds = float(retry) if retry and retry.replace(".", "", 1).isdigit() else None
            return TransientDeliveryError("rate limited", seconds, DeliveryProblem.RATE_LIMITED)
        if error.status == 401:
            # The token, not the channel: every post fails alike until it is fixed.
            return TransientDeliveryError("unauthorized", None, DeliveryProblem.AUTH_FAILED)
        return PermanentDeliveryError(f"Discord {error.status}", DeliveryProblem.PLATFORM_ERROR)
    if isinstance(error, asyncio.TimeoutError):
        return TransientDeliveryError("timed out", None, DeliveryProblem.TIMEOUT)
    return TransientDeliveryError(type(error).__name__, None)


def _destination(target: PostTarget) -> str:
    """The channel a post goes to: a Discord thread is a channel of its own, so a post in a
    thread goes to the thread's id, not its parent's."""
    return target.thread_id or target.channel_id


class DiscordPort:
    """Posts for the core through a logged-in discord.py client."""

    platform = PLATFORM

    def __init__(self, client: discord.Client, settings: DiscordSection, lang: Lang) -> None:
        self._client = client
        self._settings = settings
        self._lang = lang
        self.logged_in = asyncio.Event()
        self._rendered = RenderedReplies()

    def serves(self, tenant: str) -> bool:
        """Guilds on this process's shards; DMs (no tenant) belong to shard 0."""
        count, mine = self._settings.shard_count, self._settings.shard_ids
        if count is None or mine is None:
            return True
        if not tenant:
            return 0 in mine
        if not tenant.isdecimal():
            return False
        return shard_of(int(tenant), count) in mine

    async def _ready(self) -> None:
        try:
            await asyncio.wait_for(self.logged_in.wait(), LOGIN_WAIT_SECONDS)
        except TimeoutError:
            raise TransientDeliveryError("not logged in to Discord yet") from None

    def _message(self, reply: Reply, marker: str | None) -> dict[str, Any]:
        if marker is None:
            rendered = self._rendered.rendered(reply, self._lang)
            embed, view = rendered.embed_object(), rendered.view()
        else:
            # A post's marker is its own, so is its embed; its buttons are the reply's (a
            # day's post goes to every subscribed channel).
            embed = PrebuiltEmbed(embed_payload(reply, self._lang, marker))
            view = self._rendered.view(reply)
        return {"embed": embed, "view": view, "allowed_mentions": discord.AllowedMentions.none()}

    async def post(self, target: PostTarget, reply: Reply, key: str) -> MessageHandle:
        await self._ready()
        channel = self._client.get_partial_messageable(int(_destination(target)))
        message = self._message(reply, post_marker(key))
        if message["view"] is None:
            del message["view"]
        try:
            sent = await channel.send(nonce=key, **message)
        except (discord.DiscordException, aiohttp.ClientError, TimeoutError) as error:
            raise delivery_error(error) from None
        return MessageHandle(PLATFORM, _destination(target), str(sent.id), target.thread_id)

    async def edit(self, handle: MessageHandle, reply: Reply) -> None:
        await self._ready()
        channel = self._client.get_partial_messageable(int(handle.channel_id))
        message = channel.get_partial_message(int(handle.message_id))
        # No marker: an edit has no key, and was_posted asks only about posts not yet marked
        # sent, never about a message the core already edits.
        try:
            await message.edit(**self._message(reply, None))
        except (discord.DiscordException, aiohttp.ClientError, TimeoutError) as error:
            raise delivery_error(error) from None

    async def was_posted(self, target: PostTarget, key: str) -> bool:
        await self._ready()
        channel = self._client.get_partial_messageable(int(_destination(target)))
        me = self._client.user
        try:
            async for message in channel.history(limit=HISTORY_LIMIT):
                if me is not None and message.author.id != me.id:
                    continue
                carriers = [embed.footer.text for embed in message.embeds]
                if any(find_post_key(text) == key for text in carriers):
                    return True
        except (discord.DiscordException, aiohttp.ClientError, TimeoutError) as error:
            raise delivery_error(error) from None
        return False
