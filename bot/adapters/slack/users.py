"""Who a Slack user is, for the core: display name, locale and admin rights, cached briefly.

Slash commands and events carry no locale and no role, so ``users.info`` (with
``include_locale``) is asked once per user and remembered for a few minutes, for a bounded
number of users. A failed lookup grants nothing: no admin rights, and the configured default
language; it is not cached, so the next command asks again.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

CACHE_SECONDS = 600.0
CACHE_SIZE = 5000


@dataclass(frozen=True)
class SlackUser:
    """What the core needs to know about the person behind a command."""

    id: str
    name: str
    locale: str | None
    is_admin: bool
    # The member's home workspace: in a Slack Connect channel an outsider's is_admin speaks
    # of their own workspace, never of the one the command is run in.
    team_id: str = ""


class UserDirectory:
    """``users.info`` behind a small time-bounded cache."""

    def __init__(
        self,
        client: AsyncWebClient,
        ttl: float = CACHE_SECONDS,
        size: int = CACHE_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ttl = ttl
        self._size = size
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, SlackUser]] = OrderedDict()

    async def lookup(self, user_id: str, name_hint: str = "") -> SlackUser:
        """The user, from the cache or Slack; on failure, a user with no rights."""
        now = self._clock()
        cached = self._cache.get(user_id)
        if cached is not None and now - cached[0] < self._ttl:
            self._cache.move_to_end(user_id)
            return cached[1]
        try:
            answer = await self._client.users_info(user=user_id, include_locale=True)
        except (SlackApiError, ClientError, TimeoutError) as error:
            # The error code only: Slack's answers never carry the token, but stay terse.
            log.warning("users.info failed for %s: %s", user_id, _code(error))
            return SlackUser(user_id, name_hint or user_id, None, is_admin=False)
        user = _parse(user_id, answer.get("user") or {}, name_hint)
        self._cache[user_id] = (now, user)
        self._cache.move_to_end(user_id)
        while len(self._cache) > self._size:
            self._cache.popitem(last=False)
        return user


def _parse(user_id: str, data: dict[str, object], name_hint: str) -> SlackUser:
    profile = data.get("profile")
    display = profile.get("display_name") if isinstance(profile, dict) else None
    name = next(
        (
            str(value)
            for value in (display, data.get("real_name"), data.get("name"), name_hint)
            if isinstance(value, str) and value.strip()
        ),
        user_id,
    )
    locale = data.get("locale")
    return SlackUser(
        id=user_id,
        name=name,
        locale=locale if isinstance(locale, str) else None,
        is_admin=data.get("is_admin") is True or data.get("is_owner") is True,
        team_id=team if isinstance(team := data.get("team_id"), str) else "",
    )


def _code(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error", "unknown"))
    return type(error).__name__
