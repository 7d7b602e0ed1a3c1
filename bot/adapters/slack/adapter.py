"""The Slack adapter: an async Bolt app in Socket Mode or HTTP mode, and its chat port.

Socket Mode (``SLACK_APP_TOKEN``) needs no public URL: slack-sdk's aiohttp Socket Mode client
asks ``apps.connections.open`` for a websocket and receives every request over it. HTTP mode
(``SLACK_SIGNING_SECRET``) serves ``/slack/events`` on ``[slack] host``/``port`` through
Bolt's own aiohttp app, which checks every request's signature, and ``GET /healthz`` (200
while the database answers) for a load balancer in front of several replicas.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import ClientSession, web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.listeners import QUICK_ANSWER_SECONDS, Clock, SlackListeners, utc_now
from bot.adapters.slack.port import SlackChatPort
from bot.adapters.slack.users import UserDirectory
from bot.app import Core
from bot.config import SlackSection
from bot.core.i18n import Lang
from bot.core.rate_limits import PostRateLimits
from bot.runtime import Runtime

if TYPE_CHECKING:
    from bot.core.ports import ChatPort
    from bot.serve import PlatformAdapter

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
FORM_TYPE = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"
HEALTH_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class SlackCredentials:
    """The tokens of one workspace, from the environment. Never logged, never repr'd."""

    bot_token: str
    app_token: str | None = None
    signing_secret: str | None = None

    def __repr__(self) -> str:
        return "SlackCredentials(<redacted>)"


class SlackAdapter:
    """One Slack workspace, served in the configured mode."""

    def __init__(
        self,
        settings: SlackSection,
        credentials: SlackCredentials,
        language: Lang,
        now: Clock = utc_now,
        limits: PostRateLimits | None = None,
        quick_answer_seconds: float = QUICK_ANSWER_SECONDS,
    ) -> None:
        self._settings = settings
        self._quick_answer_seconds = quick_answer_seconds
        self._credentials = credentials
        self._now = now
        self._client = AsyncWebClient(token=credentials.bot_token, base_url=settings.api_url)
        self._port = SlackChatPort(self._client, language, limits)
        self._users = UserDirectory(self._client)
        self._socket: AsyncSocketModeHandler | None = None
        self._runner: web.AppRunner | None = None
        self._bound_port: int | None = None
        self._session: ClientSession | None = None

    @property
    def port(self) -> SlackChatPort:
        return self._port

    @property
    def http_port(self) -> int | None:
        """The TCP port HTTP mode listens on (useful when configured as 0 in tests)."""
        return self._bound_port

    def build_app(self, core: Core, runtime: Runtime) -> AsyncApp:
        """The Bolt app with every listener registered (no connection made)."""
        http = self._settings.mode == "http"
        app = AsyncApp(
            client=self._client,
            # Socket Mode requests arrive over the authenticated websocket, unsigned.
            signing_secret=(self._credentials.signing_secret or "") if http else "",
            request_verification_enabled=http,
            process_before_response=False,
            logger=logging.getLogger("bot.adapters.slack.bolt"),
        )
        SlackListeners(
            core, runtime, self._client, self._users, self._now, self._quick_answer_seconds
        ).register(app)
        return app

    async def start(self, core: Core, runtime: Runtime) -> None:
        # Given no session, slack-sdk opens one (a new TCP and TLS connection) for every
        # call: every users.info and every daily post would pay a handshake. One session,
        # made here inside the loop, keeps the connections; close() ends it after serve()
        # has drained the posts in flight.
        self._session = ClientSession()
        self._client.session = self._session
        team = await self._port.identify()
        app = self.build_app(core, runtime)
        if self._settings.mode == "http":
            await self._serve_http(app, core)
        else:
            assert self._credentials.app_token is not None  # checked by slack_adapter()
            self._socket = AsyncSocketModeHandler(
                app, self._credentials.app_token, web_client=self._client
            )
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
        log.info("slack: serving workspace %s in %s mode", team, self._settings.mode)

    async def _serve_http(self, app: AsyncApp, core: Core) -> None:
        web_app = app.web_app(path=EVENTS_PATH, port=self._settings.port)
        web_app.middlewares.append(refuse_malformed_requests)

        async def health(request: web.Request) -> web.Response:
            try:
                async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
                    alive = await core.database.ping()
            except TimeoutError:
                alive = False
            return web.Response(status=200 if alive else 503, text="ok" if alive else "no database")

        web_app.router.add_get(HEALTH_PATH, health)
        self._runner = web.AppRunner(web_app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._settings.host, self._settings.port)
        await site.start()
        addresses = self._runner.addresses
        self._bound_port = int(addresses[0][1]) if addresses else self._settings.port

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None


if TYPE_CHECKING:  # mypy checks that the adapter and its port keep their protocols

    def _an_adapter(adapter: SlackAdapter) -> PlatformAdapter:
        return adapter

    def _a_port(port: SlackChatPort) -> ChatPort:
        return port


@web.middleware
async def refuse_malformed_requests(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Refuse, before Bolt sees it, a request to ``/slack/events`` Slack would never send.

    Slack signs a number of seconds, and sends events as JSON and commands and button
    presses as a form. slack-sdk calls ``int()`` on the timestamp unguarded and Bolt parses
    the body by its first byte or by a JSON label, so a forged ``yesterday`` or a form
    labelled JSON raised inside Bolt (500 and a logged traceback), and a mislabelled body
    reached the handlers. Each is now a plain 4xx.
    """
    if request.method != "POST" or request.path != EVENTS_PATH:
        return await handler(request)
    stamp = request.headers.get(TIMESTAMP_HEADER)
    if stamp is not None and not (stamp.isascii() and stamp.isdigit()):
        return web.Response(status=401)
    if request.content_type not in (FORM_TYPE, JSON_TYPE):
        return web.Response(status=415)
    if not _body_matches(await request.read(), request.content_type == JSON_TYPE):
        return web.Response(status=400)
    return await handler(request)


def _body_matches(body: bytes, labelled_json: bool) -> bool:
    """Whether ``body`` is what its content type says: a JSON object, or a form (not JSON)."""
    try:
        text = body.decode("utf-8")
        if not labelled_json:
            return not text.lstrip().startswith("{")
        return isinstance(json.loads(text), dict)
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are both ValueErrors
        return False
