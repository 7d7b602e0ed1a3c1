"""A fake Discord on loopback: the REST routes discord.py uses and one gateway websocket.

The test side is plain Python on :class:`FakeDiscord`: inject gateway events, read every
request the bot made (with the time it arrived), and script failures.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aiohttp import WSMsgType, web

from tests.discord_fake._payloads import (
    FakeChannel,
    FakeGuild,
    FakeUser,
    Json,
    Snowflakes,
    member_payload,
    message_payload,
)
from tests.flaky_fates import Fate, FlakyRule

API_PREFIX = "/api/v10"
DISCORD_PY_TRIES = 5  # what discord.py's HTTP client tries a request before it gives up
GLOBAL_LIMIT_PER_SECOND = 50
EPHEMERAL = 1 << 6
LOADING = 1 << 7


@dataclass
class RecordedRequest:
    """One REST request the bot made, as the fake answered it."""

    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    body: Any
    status: int
    at: float  # time.monotonic()
    authorization: str | None


@dataclass
class _Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    retry_after: float | None
    times: int


@dataclass
class Hold:
    """Requests matching are answered only once :meth:`release` is called (a response
    Discord is slow to give); ``arrived`` counts those waiting or answered."""

    method: str
    pattern: re.Pattern[str]
    released: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: int = 0

    def release(self) -> None:
        self.released.set()


@dataclass
class InteractionRecord:
    """An interaction the test injected, and what the bot answered to it."""

    id: int
    token: str
    payload: Json
    injected_at: float
    first_response_at: float | None = None
    callbacks: list[Json] = field(default_factory=list)
    followups: list[Json] = field(default_factory=list)
    edits: list[Json] = field(default_factory=list)
    original_id: int | None = None

    @property
    def response_seconds(self) -> float | None:
        """How long the bot took to give its first response (Discord allows 3 s)."""
        if self.first_response_at is None:
            return None
        return self.first_response_at - self.injected_at

    def messages(self) -> list[Json]:
        """Every message body the bot sent for this interaction, in order."""
        bodies = [cb.get("data") or {} for cb in self.callbacks if cb.get("type") in (4, 7)]
        return [*bodies, *self.followups, *self.edits]


@dataclass
class _Session:
    ws: web.WebSocketResponse
    shard: tuple[int, int] = (0, 1)
    intents: int = 0
    sequence: int = 0
    identified: asyncio.Event = field(default_factory=asyncio.Event)

    async def dispatch(self, event: str, data: Json) -> None:
        self.sequence += 1
        await self.ws.send_str(json.dumps({"op": 0, "t": event, "s": self.sequence, "d": data}))


Handler = Callable[[web.Request, dict[str, str], Any], Awaitable[tuple[int, Any]]]


class FakeDiscord:
    """Discord's REST API and gateway, in memory, on 127.0.0.1."""

    def __init__(
        self,
        guilds: list[FakeGuild],
        token: str = "fake.discord-token.never-logged",
        shard_count: int = 1,
        dm_channels: list[FakeChannel] | None = None,
    ) -> None:
        self.token = token
        self.shard_count = shard_count
        self.ids = Snowflakes()
        self.bot = FakeUser(self.ids.next(), "Alliance Bot", bot=True)
        self.application_id = self.ids.next()
        self.guilds = {guild.id: guild for guild in guilds}
        self.channels: dict[int, FakeChannel] = {
            channel.id: channel for guild in guilds for channel in guild.channels
        }
        for channel in dm_channels or []:
            self.channels[channel.id] = channel
        self.requests: list[RecordedRequest] = []
        self.messages: dict[int, Json] = {}  # every message by id, ephemeral ones too
        self.history: dict[int, list[int]] = {}  # channel → ids of visible messages, in order
        self.interactions: dict[str, InteractionRecord] = {}  # by token
        self.global_commands: list[Json] = []
        self.guild_commands: dict[int, list[Json]] = {}
        self.global_limit = False
        self.sessions: list[_Session] = []
        self._failures: list[_Failure] = []
        self._holds: list[Hold] = []
        self._flaky: list[tuple[str, re.Pattern[str], FlakyRule]] = []
        # Intent bits the application may not ask for (privileged intents not enabled in
        # the Developer Portal): an IDENTIFY asking for one is closed with 4014.
        self.disallowed_intents = 0
        self._recent: deque[float] = deque()
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = self._route_table()

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self._port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        for session in self.sessions:
            await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self._port}/gateway"

    # -- the test API ---------------------------------------------------------------------

    def fail(
        self,
        method: str,
        path_pattern: str,
        status: int,
        retry_after: float | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests matching with ``status`` (403, 404, 429, 500)."""
        self._failures.append(
            _Failure(method.upper(), re.compile(path_pattern), status, retry_after, times)
        )

    def flaky(
        self,
        method: str,
        path_pattern: str,
        share_429: float = 0.10,
        share_500: float = 0.05,
        retry_after: float = 0.25,
        seed: int = 0,
        ambiguous_share: float = 0.5,
    ) -> FlakyRule:
        """Fail a seeded random share of the requests matching: 429 (with ``retry_after``)
        or 500; ``ambiguous_share`` of the 500s come after the request was carried out (a
        message created, then the error: the client cannot know it went through). Never more
        failures in a row for one path than discord.py retries. Returns the rule, whose
        ``answered`` counts what it did."""
        method = method.upper()
        target = f"{method} {path_pattern}"
        rule = FlakyRule(
            target,
            share_429,
            share_500,
            retry_after,
            seed,
            ambiguous_share,
            most_failures_in_a_row=DISCORD_PY_TRIES - 1,
        )
        self._flaky.append((method, re.compile(path_pattern), rule))
        return rule

    def hold(self, method: str, path_pattern: str) -> Hold:
        """Hold the answers to requests matching until the returned hold is released."""
        held = Hold(method.upper(), re.compile(path_pattern))
        self._holds.append(held)
        return held

    def requests_to(self, method: str, path_pattern: str) -> list[RecordedRequest]:
        pattern = re.compile(path_pattern)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    def channel_history(self, channel_id: int) -> list[Json]:
        return [self.messages[i] for i in self.history.get(channel_id, [])]

    async def wait_until(self, condition: Callable[[], object], within: float = 10.0) -> None:
        """Poll ``condition`` until true; fail the test after ``within`` seconds."""
        deadline = time.monotonic() + within
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("the fake Discord never saw what the test waited for")
            await asyncio.sleep(0.02)

    async def wait_ready(self, sessions: int = 1, within: float = 10.0) -> None:
        await self.wait_until(
            lambda: sum(s.identified.is_set() for s in self.sessions) >= sessions, within
        )

    def shard_of(self, guild_id: int | None) -> int:
        return 0 if guild_id is None else (guild_id >> 22) % self.shard_count

    async def _send_to_shard(self, guild_id: int | None, event: str, data: Json) -> None:
        shard = self.shard_of(guild_id)
        for session in self.sessions:
            if session.identified.is_set() and session.shard[0] == shard and not session.ws.closed:
                await session.dispatch(event, data)
                return
        raise AssertionError(f"no connected session serves shard {shard}")

    def interaction_payload(
        self,
        type_: int,
        data: Json,
        channel: FakeChannel,
        user: FakeUser,
        permissions: int = 0,
        locale: str = "en-US",
        message: Json | None = None,
        guild_install: bool = True,
    ) -> Json:
        """``guild_install=False``: the user's own install of the app, in a server the bot
        was never added to (no "0" guild owner among the authorizing owners)."""
        interaction_id = self.ids.next()
        payload: Json = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": type_,
            "token": f"itoken-{interaction_id}",
            "version": 1,
            "data": data,
            "channel_id": str(channel.id),
            "channel": channel.payload(),
            "locale": locale,
            "attachment_size_limit": 8 * 1024 * 1024,
            "app_permissions": str((1 << 51) - 1),
            "entitlements": [],
            "authorizing_integration_owners": (
                {"0": str(channel.guild_id or 0)} if guild_install else {"1": str(user.id)}
            ),
        }
        if channel.guild_id is not None:
            guild = self.guilds[channel.guild_id]
            payload["guild_id"] = str(guild.id)
            payload["guild_locale"] = guild.locale
            payload["guild"] = {"id": str(guild.id), "locale": guild.locale, "features": []}
            payload["member"] = member_payload(user, guild.id, permissions)
            payload["context"] = 0
        else:
            payload["user"] = user.payload()
            payload["context"] = 1
            payload["channel"]["recipients"] = [user.payload()]
        if message is not None:
            payload["message"] = message
        return payload

    async def inject_interaction(self, payload: Json) -> InteractionRecord:
        record = InteractionRecord(
            int(payload["id"]), payload["token"], payload, injected_at=time.monotonic()
        )
        self.interactions[record.token] = record
        guild_id = int(payload["guild_id"]) if "guild_id" in payload else None
        await self._send_to_shard(guild_id, "INTERACTION_CREATE", payload)
        return record

    async def slash(
        self,
        channel: FakeChannel,
        user: FakeUser,
        path: list[str],
        options: dict[str, Any] | None = None,
        permissions: int = 0,
        locale: str = "en-US",
        focused: str | None = None,
        guild_install: bool = True,
    ) -> InteractionRecord:
        """``/alliance <path…>`` with ``options`` (a :class:`FakeUser` value is a user
        option: its id, with the user in the resolved data); ``focused`` makes it an
        autocomplete;
        ``guild_install=False``: through the user's own install (see
        :meth:`interaction_payload`)."""
        picked = [value for value in (options or {}).values() if isinstance(value, FakeUser)]
        leaf: list[Json] = [
            {
                "name": name,
                "type": _option_type(value),
                "value": str(value.id) if isinstance(value, FakeUser) else value,
                "focused": name == focused,
            }
            for name, value in (options or {}).items()
        ]
        for name in reversed(path[1:]):
            leaf = [{"name": name, "type": 1, "options": leaf}]
        data: Json = {"id": str(self.ids.next()), "name": path[0], "type": 1, "options": leaf}
        if channel.guild_id is not None:
            data["guild_id"] = str(channel.guild_id)
        if picked:
            data["resolved"] = {"users": {str(u.id): u.payload() for u in picked}}
            if channel.guild_id is not None:
                data["resolved"]["members"] = {
                    str(u.id): {
                        k: v
                        for k, v in member_payload(u, channel.guild_id, 0).items()
                        if k != "user"
                    }
                    for u in picked
                }
        type_ = 4 if focused else 2
        return await self.inject_interaction(
            self.interaction_payload(
                type_, data, channel, user, permissions, locale, guild_install=guild_install
            )
        )

    async def press(
        self,
        message_id: int,
        custom_id: str,
        user: FakeUser,
        permissions: int = 0,
        locale: str = "en-US",
        seen: Json | None = None,
    ) -> InteractionRecord:
        """A press on a button of a message the bot sent; ``seen`` is the message as the
        user's client still showed it (a press racing an edit), else the message as it is."""
        message = seen or self.messages[message_id]
        channel = self.channels[int(message["channel_id"])]
        data = {"custom_id": custom_id, "component_type": 2}
        return await self.inject_interaction(
            self.interaction_payload(3, data, channel, user, permissions, locale, message)
        )

    async def user_message(self, channel: FakeChannel, user: FakeUser, content: str) -> Json:
        """A user's chat message (MESSAGE_CREATE); content only reaches a bot that asked for it."""
        message = message_payload(
            self.ids.next(), channel.id, user, {"content": content}, channel.guild_id
        )
        if channel.guild_id is not None:
            message["member"] = {k: v for k, v in member_payload(user, 0, 0).items() if k != "user"}
        self._store(message)
        await self._send_to_shard(channel.guild_id, "MESSAGE_CREATE", message)
        return message

    # -- REST -----------------------------------------------------------------------------

    def _route_table(self) -> list[tuple[str, re.Pattern[str], Handler]]:
        table: list[tuple[str, str, Handler]] = [
            ("GET", r"/users/@me", self._me),
            ("GET", r"/oauth2/applications/@me", self._application),
            ("GET", r"/gateway", self._gateway_info),
            ("GET", r"/gateway/bot", self._gateway_info),
            ("POST", r"/interactions/(?P<id>\d+)/(?P<token>[^/]+)/callback", self._callback),
            ("POST", r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)", self._followup),
            (
                "PATCH",
                r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<mid>@original|\d+)",
                self._webhook_edit,
            ),
            (
                "GET",
                r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<mid>@original|\d+)",
                self._webhook_get,
            ),
            (
                "DELETE",
                r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<mid>@original|\d+)",
                self._webhook_delete,
            ),
            ("POST", r"/channels/(?P<cid>\d+)/messages", self._create_message),
            ("GET", r"/channels/(?P<cid>\d+)/messages", self._list_messages),
            ("GET", r"/channels/(?P<cid>\d+)/messages/(?P<mid>\d+)", self._get_message),
            ("PATCH", r"/channels/(?P<cid>\d+)/messages/(?P<mid>\d+)", self._edit_message),
            (
                "PUT",
                r"/channels/(?P<cid>\d+)/messages/(?P<mid>\d+)/reactions/(?P<emoji>[^/]+)/@me",
                self._react,
            ),
            ("PUT", r"/applications/(?P<app>\d+)/commands", self._put_commands),
            ("GET", r"/applications/(?P<app>\d+)/commands", self._get_commands),
            (
                "PUT",
                r"/applications/(?P<app>\d+)/guilds/(?P<gid>\d+)/commands",
                self._put_commands,
            ),
            (
                "GET",
                r"/applications/(?P<app>\d+)/guilds/(?P<gid>\d+)/commands",
                self._get_commands,
            ),
        ]
        return [(method, re.compile(pattern), handler) for method, pattern, handler in table]

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        raw = await request.read()
        body: Any = None
        if raw and request.content_type == "application/json":
            body = json.loads(raw)
        status, payload, headers = await self._answer(request, path, body)
        self.requests.append(
            RecordedRequest(
                request.method,
                path,
                dict(request.query),
                body,
                status,
                time.monotonic(),
                request.headers.get("Authorization"),
            )
        )
        # Via: discord.py takes a 429 without it for a Cloudflare ban and never retries.
        headers = {"Via": "1.1 google", **headers}
        if payload is None:  # 204: no body, so no content type
            return web.Response(status=status, headers=headers)
        # Exactly application/json: discord.py parses nothing else as JSON.
        return web.Response(
            status=status,
            body=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", **headers},
        )

    async def _answer(
        self, request: web.Request, path: str, body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        is_interaction = path.startswith(("/interactions/", "/webhooks/"))
        if not is_interaction and request.headers.get("Authorization") != f"Bot {self.token}":
            return 401, {"code": 0, "message": "401: Unauthorized"}, {}
        if self.global_limit and not is_interaction:
            now = time.monotonic()
            while self._recent and now - self._recent[0] > 1.0:
                self._recent.popleft()
            if len(self._recent) >= GLOBAL_LIMIT_PER_SECOND:
                retry = round(1.0 - (now - self._recent[0]), 3)
                return _rate_limited(retry, is_global=True)
            self._recent.append(now)
        for held in self._holds:
            if held.method == request.method and held.pattern.fullmatch(path):
                held.arrived += 1
                await held.released.wait()
        for failure in self._failures:
            matches = failure.method == request.method and failure.pattern.fullmatch(path)
            if failure.times > 0 and matches:
                failure.times -= 1
                return _scripted(failure)
        fate = Fate.ANSWER
        for method, pattern, rule in self._flaky:
            if method == request.method and pattern.fullmatch(path):
                fate = rule.fate(path)
                if fate is Fate.RATE_LIMITED:
                    return _rate_limited(rule.retry_after, is_global=False)
                if fate is Fate.FAIL:
                    return _server_error()
                break
        for method, pattern, handler in self._routes:
            if method == request.method and (match := pattern.fullmatch(path)):
                status, payload = await handler(request, match.groupdict(), body)
                if fate is Fate.FAIL_AFTER:
                    return _server_error()  # carried out, yet the client hears it failed
                return status, payload, {}
        return 404, {"code": 0, "message": "404: Not Found"}, {}

    async def _me(self, request: web.Request, args: dict[str, str], body: Any) -> tuple[int, Any]:
        return 200, self.bot.payload()

    async def _application(
        self, request: web.Request, args: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        return 200, {
            "id": str(self.application_id),
            "name": "Alliance Bot",
            "icon": None,
            "description": "The U.S.-Soviet alliance, 1941-1945",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": FakeUser(1, "owner").payload(),
            "verify_key": "0" * 64,
            "flags": 0,
        }

    async def _gateway_info(
        self, request: web.Request, args: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        return 200, {
            "url": self.gateway_url,
            "shards": self.shard_count,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 0,
                "max_concurrency": 1,
            },
        }

    def _store(self, message: Json) -> None:
        message_id = int(message["id"])
        self.messages[message_id] = message
        if not message["flags"] & EPHEMERAL:
            self.history.setdefault(int(message["channel_id"]), []).append(message_id)

    def _new_message(self, channel_id: int, body: Json, flags: int = 0) -> Json:
        channel = self.channels.get(channel_id)
        guild_id = channel.guild_id if channel else None
        message = message_payload(self.ids.next(), channel_id, self.bot, body, guild_id)
        message["flags"] = (body.get("flags") or 0) | flags
        self._store(message)
        return message

    @staticmethod
    def _apply_edit(message: Json, body: Json) -> None:
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = body[key] or ([] if key != "content" else "")
        message["flags"] &= ~LOADING
        message["edited_timestamp"] = message["timestamp"]

    async def _callback(
        self, request: web.Request, args: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        record = self.interactions.get(args["token"])
        if record is None or str(record.id) != args["id"]:
            return 404, {"code": 10062, "message": "Unknown interaction"}
        if record.callbacks:
            return 400, {"code": 40060, "message": "Interaction has already been acknowledged."}
        record.first_response_at = time.monotonic()
        record.callbacks.append(body)
        kind = body["type"]
        data = body.get("data") or {}
        channel_id = int(record.payload["channel_id"])
        message: Json | None = None
        if kind == 4:
            message = self._new_message(channel_id, data)
            record.original_id = int(message["id"])
        elif kind == 5:
            message = self._new_message(channel_id, {"flags": data.get("flags", 0)}, LOADING)
            record.original_id = int(message["id"])
        elif kind == 7:
            message = self.messages[int(record.payload["message"]["id"])]
            self._apply_edit(message, data)
            record.original_id = int(message["id"])
        elif kind == 6:
            message = self.messages[int(record.payload["message"]["id"])]
            record.original_id = int(message["id"])
        interaction: Json = {"id": str(record.id), "type": record.payload["type"]}
        result: Json = {"interaction": interaction}
        if message is not None:
            interaction.update(
                response_message_id=message["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=bool(message["flags"] & EPHEMERAL),
            )
            result["resource"] = {"type": kind, "message": message}
        return 200, result

    async def _followup(
        self, request: web.Request, args: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        record = self.interactions.get(args["token"])
        if record is None or not record.callbacks:
            return 404, {"code": 10015, "message": "Unknown Webhook"}
        record.followups.append(body)
        original = self.messages.get(record.original_id or 0)
        if original is not None and original["flags"] & LOADING:
            # The first follow-up of a deferred response becomes its message.
            self._apply_edit(original, body)
            return 200, original
        flags = body.get("flags") or 0
        return 200, self._new_message(int(record.payload["channel_id"]), body, flags)

    def _webhook_message(self, args: dict[str, str]) -> tuple[InteractionRecord, Json] | None:
        record = self.interactions.get(args["token"])
        if record is None:
            return None
        message_id = record.original_id if args["mid"] == "@original" else int(args["mid"])
        message = self.messages.get(message_id or 0)
        return None if message is None else (record, message)

    async def _webhook_edit(
        self, request: web.Request, args: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        found = self._webhook_message(args)
        if found is None:
            return 404, {"code": 10008, "message": "Unknown Message"}
        record, message = found
        record.edits.append(body)
        self._apply_edit(message, body)
        return 200, message

    async def _webhook_get(
        self, request: web.Request, args: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        found = self._webhook_message(args)
        return (200, found[1]) if found else (404, {"code": 10008, "message": "Unknown Message"})

    async def _webhook_delete(
        self, request: web.Request, args: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        found = self._webhook_message(args)
        if found is None:
            return 404, {"code": 10008, "message": "Unknown Message"}
        message_id = int(found[1]["id"])
        del self.messages[message_id]
        history = self.history.get(int(found[1]["channel_id"]), [])
        if message_id in history:
            history.remove(message_id)
        return 204, None

    def _channel(self, args: dict[str, str]) -> FakeChannel | None:
        return self.channels.get(int(args["cid"]))

    async def _create_message(
        self, request: web.Request, args: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        if self._channel(args) is None:
            return 404, {"code": 10003, "message": "Unknown Channel"}
        channel_id = int(args["cid"])
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            # Discord answers a repeated nonce with the message it already made.
            for message_id in reversed(self.history.get(channel_id, [])):
                if self.messages[message_id].get("nonce") == nonce:
                    return 200, self.messages[message_id]
        return 200, self._new_message(channel_id, body)

    async def _list_messages(
        self, request: web.Request, args: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        if self._channel(args) is None:
            return 404, {"code": 10003, "message": "Unknown Channel"}
        limit = min(int(request.query.get("limit", "50")), 100)
        newest_first = list(reversed(self.channel_history(int(args["cid"]))))
        return 200, newest_first[:limit]

    async def _get_message(
        self, request: web.Request, args: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        message = self.messages.get(int(args["mid"]))
        return (200, message) if message else (404, {"code": 10008, "message": "Unknown Message"})

    async def _edit_message(
        self, request: web.Request, args: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        message = self.messages.get(int(args["mid"]))
        if message is None or message["channel_id"] != args["cid"]:
            return 404, {"code": 10008, "message": "Unknown Message"}
        self._apply_edit(message, body)
        return 200, message

    async def _react(
        self, request: web.Request, args: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        message = self.messages.get(int(args["mid"]))
        if message is None:
            return 404, {"code": 10008, "message": "Unknown Message"}
        message.setdefault("reactions", []).append(
            {"emoji": {"id": None, "name": unquote(args["emoji"])}, "me": True}
        )
        return 204, None

    async def _put_commands(
        self, request: web.Request, args: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        stored = []
        for command in body:
            if command.get("default_member_permissions") is not None:
                # Discord keeps a permission bit set as a string, whatever number it was sent.
                command = {
                    **command,
                    "default_member_permissions": str(command["default_member_permissions"]),
                }
            stored.append(
                {
                    "id": str(self.ids.next()),
                    "application_id": str(self.application_id),
                    "version": str(self.ids.next()),
                    "type": 1,
                    "description": "",
                    **command,
                    **({"guild_id": args["gid"]} if "gid" in args else {}),
                }
            )
        if "gid" in args:
            self.guild_commands[int(args["gid"])] = stored
        else:
            self.global_commands = stored
        return 200, stored

    async def _get_commands(
        self, request: web.Request, args: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        if "gid" in args:
            return 200, self.guild_commands.get(int(args["gid"]), [])
        return 200, self.global_commands

    # -- gateway --------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        session = _Session(ws)
        self.sessions.append(session)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for frame in ws:
            if frame.type != WSMsgType.TEXT:
                continue
            message = json.loads(frame.data)
            op = message.get("op")
            if op == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif op == 2:
                await self._identify(session, message["d"])
            elif op == 6:
                await session.dispatch("RESUMED", {})
        return ws

    async def _identify(self, session: _Session, data: Json) -> None:
        if data.get("token") != self.token:
            await session.ws.close(code=4004, message=b"Authentication failed.")
            return
        if int(data.get("intents", 0)) & self.disallowed_intents:
            await session.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        shard = tuple(data.get("shard") or (0, 1))
        session.shard = (int(shard[0]), int(shard[1]))
        session.intents = int(data.get("intents", 0))
        mine = [
            guild
            for guild in self.guilds.values()
            if (guild.id >> 22) % session.shard[1] == session.shard[0]
        ]
        await session.dispatch(
            "READY",
            {
                "v": 10,
                "user": self.bot.payload(),
                "guilds": [{"id": str(guild.id), "unavailable": True} for guild in mine],
                "session_id": f"session-{self.ids.next()}",
                "resume_gateway_url": self.gateway_url,
                "shard": list(session.shard),
                "application": {"id": str(self.application_id), "flags": 0},
            },
        )
        for guild in mine:
            await session.dispatch("GUILD_CREATE", guild.payload(self.bot))
        session.identified.set()


def _option_type(value: Any) -> int:
    if isinstance(value, FakeUser):
        return 6
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    return 3


def _rate_limited(retry_after: float, is_global: bool) -> tuple[int, Any, dict[str, str]]:
    headers = {
        "Retry-After": str(max(1, round(retry_after))),
        "X-RateLimit-Scope": "global" if is_global else "user",
    }
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    payload = {"message": "You are being rate limited.", "retry_after": retry_after}
    payload["global"] = is_global
    return 429, payload, headers


def _scripted(failure: _Failure) -> tuple[int, Any, dict[str, str]]:
    if failure.status == 429:
        return _rate_limited(failure.retry_after or 0.05, is_global=False)
    messages = {
        403: (50001, "Missing Access"),
        404: (10003, "Unknown Channel"),
        500: (0, "500: Internal Server Error"),
    }
    code, text = messages.get(failure.status, (0, f"{failure.status}"))
    return failure.status, {"code": code, "message": text}, {}


def _server_error() -> tuple[int, Any, dict[str, str]]:
    return 500, {"code": 0, "message": "500: Internal Server Error"}, {}
