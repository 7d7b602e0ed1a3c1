"""The fake Slack server: an aiohttp app on a free loopback port.

What it answers, by the rules of Slack's documentation (not by what the bot expects):

- Web API methods under ``/api/<method>`` (GET query or POST form/JSON, token in the
  ``Authorization: Bearer`` header): ``auth.test``, ``chat.postMessage``, ``chat.update``,
  ``chat.postEphemeral``, ``users.info``, ``conversations.history`` and
  ``apps.connections.open``. Every call is recorded with its arguments.
- ``response_url`` endpoints under ``/response/<name>``: the follow-ups a slash command or a
  button press gets, recorded in order.
- A Socket Mode websocket under ``/socket``: ``hello`` on connect, then the envelopes a test
  sends with :meth:`FakeSlack.send_envelope`; the client's acks are recorded.

Failures are scripted per method (optionally per channel) and used once each, in order.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.flaky_fates import Fate, FlakyRule

JsonObject = dict[str, Any]
WAIT_LIMIT_SECONDS = 15.0


@dataclass(frozen=True)
class FakeUser:
    """A workspace member as ``users.info`` describes them."""

    id: str
    name: str
    locale: str = "en-US"
    is_admin: bool = False
    is_owner: bool = False
    # The member's home workspace, when not this one (a Slack Connect shared channel).
    team_id: str | None = None


@dataclass(frozen=True)
class ScriptedFailure:
    """One failing answer: Slack's ``error`` code, the HTTP status and ``Retry-After``."""

    error: str
    status: int = 200
    retry_after: int | None = None
    channel: str | None = None


@dataclass(frozen=True)
class ApiCall:
    method: str
    args: JsonObject
    token: str | None
    # The client's (host, port): calls over one kept-alive connection share it.
    peer: tuple[str, int] | None = None


@dataclass(frozen=True)
class SocketAck:
    envelope_id: str
    payload: JsonObject | None


@dataclass
class FakeSlack:
    """One workspace: its team, its bot, its members and its channels' messages."""

    team_id: str = "T0TEAM"
    bot_token: str = "xoxb-fake-bot-token-0123456789"
    app_token: str = "xapp-fake-app-token-0123456789"
    bot_user_id: str = "UBOT"
    bot_id: str = "BBOT"
    users: dict[str, FakeUser] = field(default_factory=dict)
    calls: list[ApiCall] = field(default_factory=list)
    # channel id → messages, oldest first, as Slack stores them
    messages: dict[str, list[JsonObject]] = field(default_factory=dict)
    # every POST to a response_url: (its name, the JSON body)
    responses: list[tuple[str, JsonObject]] = field(default_factory=list)
    acks: list[SocketAck] = field(default_factory=list)
    failures: dict[str, list[ScriptedFailure]] = field(default_factory=dict)
    socket_connections: int = 0
    flaky_methods: dict[str, FlakyRule] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._ts = itertools.count(1)
        self._envelopes = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._changed = asyncio.Condition()

    # ---- life

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response_url)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.base_events.Server)
        self._port = server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        """What ``[slack] api_url`` points at (with the trailing slash slack-sdk expects)."""
        return f"{self.base_url}/api/"

    @property
    def open_sockets(self) -> int:
        """Socket Mode connections open now."""
        return len(self._sockets)

    def response_url(self, name: str) -> str:
        return f"{self.base_url}/response/{name}"

    # ---- scripting

    def add_user(self, user: FakeUser) -> FakeUser:
        self.users[user.id] = user
        return user

    def fail(self, method: str, failure: ScriptedFailure) -> None:
        """Answer the next call of ``method`` (to ``failure.channel``, if given) with it."""
        self.failures.setdefault(method, []).append(failure)

    def flaky(
        self,
        method: str,
        share_429: float = 0.10,
        share_500: float = 0.05,
        retry_after: int = 1,
        seed: int = 0,
        ambiguous_share: float = 0.5,
    ) -> FlakyRule:
        """Fail a seeded random share of the calls of ``method``: ``ratelimited`` (429,
        ``Retry-After``) or ``internal_error`` (500); ``ambiguous_share`` of the 500s come
        after the call was carried out (the message stored, then the error). Returns the
        rule, whose ``answered`` counts what it did."""
        rule = FlakyRule(method, share_429, share_500, retry_after, seed, ambiguous_share)
        self.flaky_methods[method] = rule
        return rule

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    def posted(self, channel: str) -> list[JsonObject]:
        return self.messages.get(channel, [])

    async def wait_until(self, condition: Callable[[], bool]) -> None:
        """Return once ``condition()`` holds; it is checked after every recorded change.

        The limit only stops a broken test from hanging; nothing is asserted about time.
        """
        async with asyncio.timeout(WAIT_LIMIT_SECONDS), self._changed:
            await self._changed.wait_for(condition)

    async def send_envelope(
        self, kind: str, payload: JsonObject, retry_attempt: int | None = None
    ) -> str:
        """Send a Socket Mode envelope to the connected client; returns its envelope id."""
        await self.wait_until(lambda: bool(self._sockets))
        envelope_id = f"env-{next(self._envelopes)}"
        envelope: JsonObject = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind in {"slash_commands", "interactive"},
        }
        if retry_attempt is not None:
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = "timeout"
        await self._sockets[-1].send_json(envelope)
        return envelope_id

    async def _changed_now(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ---- HTTP

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.responses.append((request.match_info["name"], body))
        await self._changed_now()
        return web.Response(text="ok")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: JsonObject = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update(dict(await request.post()))
        token = _bearer(request.headers.get("Authorization")) or args.pop("token", None)
        peer = request.transport.get_extra_info("peername") if request.transport else None
        self.calls.append(ApiCall(method, args, token, tuple(peer[:2]) if peer else None))
        try:
            failure = self._scripted(method, args)
            if failure is not None:
                headers = {}
                if failure.retry_after is not None:
                    headers["Retry-After"] = str(failure.retry_after)
                return web.json_response(
                    {"ok": False, "error": failure.error}, status=failure.status, headers=headers
                )
            expected = self.app_token if method == "apps.connections.open" else self.bot_token
            if token != expected:
                return web.json_response({"ok": False, "error": "invalid_auth"})
            handler = _METHODS.get(method)
            if handler is None:
                return web.json_response({"ok": False, "error": "unknown_method"}, status=404)
            fate = Fate.ANSWER
            if (rule := self.flaky_methods.get(method)) is not None:
                fate = rule.fate(str(args.get("channel")))
            if fate is Fate.RATE_LIMITED:
                assert rule is not None
                return web.json_response(
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={"Retry-After": str(int(rule.retry_after))},
                )
            if fate is Fate.FAIL:
                return web.json_response({"ok": False, "error": "internal_error"}, status=500)
            answer = handler(self, args)
            if fate is Fate.FAIL_AFTER:  # carried out, yet the client hears it failed
                return web.json_response({"ok": False, "error": "internal_error"}, status=500)
            return web.json_response({"ok": True, **answer})
        finally:
            await self._changed_now()

    def _scripted(self, method: str, args: JsonObject) -> ScriptedFailure | None:
        pending = self.failures.get(method, [])
        for failure in pending:
            if failure.channel is None or failure.channel == args.get("channel"):
                pending.remove(failure)
                return failure
        return None

    def _auth_test(self, args: JsonObject) -> JsonObject:
        return {
            "url": "https://fake.slack.test/",
            "team": "Fake Team",
            "user": "alliance",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
        }

    def _stamp(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _post_message(self, args: JsonObject) -> JsonObject:
        channel = str(args["channel"])
        message: JsonObject = {
            "type": "message",
            "ts": self._stamp(),
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "text": args.get("text", ""),
            "blocks": _parsed(args.get("blocks")) or [],
        }
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        if (metadata := _parsed(args.get("metadata"))) is not None:
            message["metadata"] = metadata
        self.messages.setdefault(channel, []).append(message)
        return {"channel": channel, "ts": message["ts"], "message": message}

    def _update(self, args: JsonObject) -> JsonObject:
        channel = str(args["channel"])
        for message in self.messages.get(channel, []):
            if message["ts"] == args["ts"]:
                message["text"] = args.get("text", "")
                message["blocks"] = _parsed(args.get("blocks")) or []
                message["edited"] = True
                return {"channel": channel, "ts": message["ts"], "text": message["text"]}
        raise _ApiError("message_not_found")

    def _post_ephemeral(self, args: JsonObject) -> JsonObject:
        return {"message_ts": self._stamp()}

    def _users_info(self, args: JsonObject) -> JsonObject:
        user = self.users.get(str(args.get("user")))
        if user is None:
            raise _ApiError("user_not_found")
        described: JsonObject = {
            "id": user.id,
            "team_id": user.team_id or self.team_id,
            "name": user.name,
            "real_name": user.name.title(),
            "is_admin": user.is_admin,
            "is_owner": user.is_owner,
            "is_bot": False,
            "profile": {"display_name": user.name, "real_name": user.name.title()},
        }
        if args.get("include_locale") in ("1", "true", True):
            described["locale"] = user.locale
        return {"user": described}

    def _history(self, args: JsonObject) -> JsonObject:
        channel = str(args["channel"])
        limit = int(args.get("limit", 100))
        with_metadata = args.get("include_all_metadata") in ("1", "true", True)
        newest_first = list(reversed(self.messages.get(channel, [])))[:limit]
        return {
            "messages": [
                message
                if with_metadata
                else {key: value for key, value in message.items() if key != "metadata"}
                for message in newest_first
            ],
            "has_more": False,
        }

    def _replies(self, args: JsonObject) -> JsonObject:
        channel, thread = str(args["channel"]), str(args["ts"])
        with_metadata = args.get("include_all_metadata") in ("1", "true", True)
        # As Slack answers: the thread from its parent on, oldest first, a page at a time.
        every = [
            message
            for message in self.messages.get(channel, [])
            if thread in (message["ts"], message.get("thread_ts"))
        ]
        start = int(str(args.get("cursor") or 0))
        end = start + int(args.get("limit", 100))
        answer: JsonObject = {
            "messages": [
                message
                if with_metadata
                else {key: value for key, value in message.items() if key != "metadata"}
                for message in every[start:end]
            ],
            "has_more": end < len(every),
        }
        if end < len(every):
            answer["response_metadata"] = {"next_cursor": str(end)}
        return answer

    def _connections_open(self, args: JsonObject) -> JsonObject:
        return {"url": f"ws://127.0.0.1:{self._port}/socket"}

    # ---- Socket Mode

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._sockets.append(socket)
        self.socket_connections += 1
        await socket.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0APP"}}
        )
        await self._changed_now()
        try:
            async for frame in socket:
                if frame.type != WSMsgType.TEXT:
                    continue
                message = json.loads(frame.data)
                if "envelope_id" in message:
                    self.acks.append(SocketAck(message["envelope_id"], message.get("payload")))
                    await self._changed_now()
        finally:
            self._sockets.remove(socket)
        return socket


class _ApiError(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def _bearer(header: str | None) -> str | None:
    if header and header.startswith("Bearer "):
        return header.removeprefix("Bearer ").strip()
    return None


def _parsed(value: object) -> Any:
    """Form-encoded arguments carry JSON as strings; JSON bodies carry it as it is."""
    if isinstance(value, str):
        return json.loads(value)
    return value


def _errors_as_answers(
    method: Callable[[FakeSlack, JsonObject], JsonObject],
) -> Callable[[FakeSlack, JsonObject], JsonObject]:
    def answer(fake: FakeSlack, args: JsonObject) -> JsonObject:
        try:
            return method(fake, args)
        except _ApiError as error:
            return {"ok": False, "error": error.error}

    return answer


_METHODS: dict[str, Callable[[FakeSlack, JsonObject], JsonObject]] = {
    name: _errors_as_answers(method)
    for name, method in {
        "auth.test": FakeSlack._auth_test,
        "chat.postMessage": FakeSlack._post_message,
        "chat.update": FakeSlack._update,
        "chat.postEphemeral": FakeSlack._post_ephemeral,
        "users.info": FakeSlack._users_info,
        "conversations.history": FakeSlack._history,
        "conversations.replies": FakeSlack._replies,
        "apps.connections.open": FakeSlack._connections_open,
    }.items()
}
