"""The core's :class:`~bot.core.ports.ChatPort` on Slack's Web API.

Posts carry their delivery key in message metadata (``event_type`` ``alliance_post``, the
:func:`~bot.core.post_keys.post_marker` in ``event_payload``), which
``conversations.history(include_all_metadata=True)`` returns, so :meth:`was_posted` can find
a post after a crash. Slack's error codes become the core's delivery errors here, because
only the adapter knows what they mean.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.rendering import render
from bot.core.i18n import Lang
from bot.core.ports import (
    DeliveryError,
    DeliveryProblem,
    MessageHandle,
    PermanentDeliveryError,
    PostTarget,
    TransientDeliveryError,
)
from bot.core.post_keys import POST_METADATA_EVENT_TYPE, find_post_key, post_marker
from bot.core.rate_limits import PostRateLimits
from bot.core.replies import Reply

log = logging.getLogger(__name__)

PLATFORM = "slack"
# Slack allows about one message per second per channel (bursts tolerated).
MESSAGES_PER_SECOND_PER_CHANNEL = 1.0
# How far back was_posted looks: a crash leaves its post among the latest messages.
HISTORY_LIMIT = 200
# How many pages of a thread was_posted reads (Slack answers a thread oldest first).
THREAD_PAGES = 25

# Errors that will not go away by retrying: the subscription pauses until an admin acts.
_PERMANENT: Mapping[str, DeliveryProblem] = {
    "channel_not_found": DeliveryProblem.CHANNEL_GONE,
    "is_archived": DeliveryProblem.CHANNEL_GONE,
    "not_in_channel": DeliveryProblem.NO_ACCESS,
    "restricted_action": DeliveryProblem.NO_ACCESS,
    "missing_scope": DeliveryProblem.NO_ACCESS,
    "account_inactive": DeliveryProblem.AUTH_FAILED,
    "invalid_auth": DeliveryProblem.AUTH_FAILED,
    "not_authed": DeliveryProblem.AUTH_FAILED,
    "token_revoked": DeliveryProblem.AUTH_FAILED,
    "token_expired": DeliveryProblem.AUTH_FAILED,
}


class SlackChatPort:
    """Posts, edits and finds the bot's own messages in the workspaces it holds tokens for."""

    platform = PLATFORM

    def __init__(
        self, client: AsyncWebClient, language: Lang, limits: PostRateLimits | None = None
    ) -> None:
        self._client = client
        self._language = language
        self._limits = limits or PostRateLimits(
            per_channel_per_second=MESSAGES_PER_SECOND_PER_CHANNEL
        )
        self._teams: set[str] = set()

    async def identify(self) -> str:
        """Ask ``auth.test`` which workspace the token is for; from then on :meth:`serves`
        answers for it. Returns the team id."""
        answer = await self._client.auth_test()
        team = str(answer["team_id"])
        self._teams.add(team)
        return team

    def serves(self, tenant: str) -> bool:
        return tenant in self._teams

    async def post(self, target: PostTarget, reply: Reply, key: str) -> MessageHandle:
        message = render(reply, self._language)
        metadata = {
            "event_type": POST_METADATA_EVENT_TYPE,
            "event_payload": {"marker": post_marker(key)},
        }
        await self._limits.wait(target.channel_id)
        answer = await _call(
            self._client.chat_postMessage(
                channel=target.channel_id,
                text=message.text,
                blocks=message.blocks,
                metadata=metadata,
                thread_ts=target.thread_id,
                unfurl_links=False,
                unfurl_media=False,
            )
        )
        return MessageHandle(PLATFORM, str(answer["channel"]), str(answer["ts"]), target.thread_id)

    async def edit(self, handle: MessageHandle, reply: Reply) -> None:
        message = render(reply, self._language)
        await self._limits.wait(handle.channel_id)
        await _call(
            self._client.chat_update(
                channel=handle.channel_id,
                ts=handle.message_id,
                text=message.text,
                blocks=message.blocks,
            )
        )

    async def was_posted(self, target: PostTarget, key: str) -> bool:
        if target.thread_id:
            return await self._in_thread(target.channel_id, target.thread_id, key)
        answer = await _call(
            self._client.conversations_history(
                channel=target.channel_id, include_all_metadata=True, limit=HISTORY_LIMIT
            )
        )
        return any(_key_of(message) == key for message in answer.get("messages") or ())

    async def _in_thread(self, channel_id: str, thread_ts: str, key: str) -> bool:
        # Replies in a thread are not in the channel's history, only in the thread's, which
        # Slack answers oldest first: a recent post in a long thread is on a later page.
        cursor: str | None = None
        for _ in range(THREAD_PAGES):
            answer = await _call(
                self._client.conversations_replies(
                    channel=channel_id,
                    ts=thread_ts,
                    include_all_metadata=True,
                    limit=HISTORY_LIMIT,
                    cursor=cursor,
                )
            )
            if any(_key_of(message) == key for message in answer.get("messages") or ()):
                return True
            metadata = answer.get("response_metadata")
            cursor = metadata.get("next_cursor") if isinstance(metadata, dict) else None
            if not answer.get("has_more") or not cursor:
                return False
        log.warning("was_posted: thread %s in %s is longer than we read", thread_ts, channel_id)
        return False


def _key_of(message: Any) -> str | None:
    metadata = message.get("metadata") if isinstance(message, dict) else None
    if not isinstance(metadata, dict) or metadata.get("event_type") != POST_METADATA_EVENT_TYPE:
        return None
    payload = metadata.get("event_payload")
    marker = payload.get("marker") if isinstance(payload, dict) else None
    return find_post_key(marker if isinstance(marker, str) else None)


async def _call(request: Any) -> Any:
    """Await a Web API call, turning Slack's failures into the core's delivery errors."""
    try:
        return await request
    except SlackApiError as error:
        raise delivery_error(error) from None
    except TimeoutError:
        raise TransientDeliveryError(
            "Slack did not answer in time", None, DeliveryProblem.TIMEOUT
        ) from None
    except ClientError as error:
        raise TransientDeliveryError(f"network error: {type(error).__name__}") from None


def delivery_error(error: SlackApiError) -> DeliveryError:
    """What a failed Web API call means for a delivery."""
    response = error.response
    code = str(response.get("error") or "unknown") if isinstance(response.data, dict) else ""
    status = int(response.status_code or 0)
    if problem := _PERMANENT.get(code):
        return PermanentDeliveryError(f"Slack refused the post: {code}", problem)
    if code == "ratelimited" or status == 429:
        return TransientDeliveryError(
            "Slack rate limit", _retry_after(response.headers), DeliveryProblem.RATE_LIMITED
        )
    # 5xx, Slack's own trouble (internal_error, fatal_error…), and codes this adapter does
    # not know: retried with backoff rather than pausing a channel on a guess.
    retry_after = _retry_after(response.headers)
    return TransientDeliveryError(
        f"Slack error: {code or status}", retry_after, DeliveryProblem.PLATFORM_ERROR
    )


def _retry_after(headers: Mapping[str, Any] | None) -> float | None:
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            try:
                return max(0.0, float(value))
            except (TypeError, ValueError):
                return None
    return None
