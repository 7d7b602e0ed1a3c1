"""Bolt listeners: each turns one kind of Slack request into one core call and renders the
reply back. No fact, quiz or delivery logic lives here.

- ``/alliance <text>``: Slack wants an ack within 3 s. A quick command (not ``slow`` in the
  core's flags) is answered in the ack itself; a slow one, or one not ready in time, is
  acked at once and its reply goes to the command's ``response_url``.
- Button presses (block actions): the button's value is the core's command line; a reply
  that ``replaces_original`` takes the place of the button's message; a button that is not
  ours any more answers "this has ended", privately.
- Channel messages: offered to the core's listeners (typed quiz answers), without the bot's
  own messages, edits and other subtypes, and without Slack's retried deliveries.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import ClientError
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.events import (
    Payload,
    Where,
    action_where,
    command_where,
    context_for,
    message_where,
)
from bot.adapters.slack.render_cache import RenderCache
from bot.adapters.slack.rendering import SlackMessage, action_index
from bot.adapters.slack.users import UserDirectory
from bot.app import Core
from bot.core.context import CommandContext
from bot.core.i18n import Lang, t
from bot.core.replies import Reply
from bot.runtime import Runtime

log = logging.getLogger(__name__)

COMMAND = "/alliance"
# How long a quick (not ``slow``) command may take to be answered in the ack itself; Slack
# allows 3 s for the ack, and the request's own transit and a busy loop need a margin.
QUICK_ANSWER_SECONDS = 1.5
# Event ids remembered to drop a delivery seen twice (Slack retries unacked events).
SEEN_EVENTS = 10_000

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class SlackListeners:
    """The listeners of one adapter, bound to its core."""

    def __init__(
        self,
        core: Core,
        runtime: Runtime,
        client: AsyncWebClient,
        users: UserDirectory,
        now: Clock = utc_now,
        quick_answer_seconds: float = QUICK_ANSWER_SECONDS,
    ) -> None:
        self._core = core
        self._quick_answer_seconds = quick_answer_seconds
        self._runtime = runtime
        self._client = client
        self._users = users
        self._now = now
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._rendered = RenderCache()

    def register(self, app: AsyncApp) -> None:
        app.command(COMMAND)(self.on_command)
        # Every block action: ours by action_id, anything else (an older button) has ended.
        app.action(re.compile(".*"))(self.on_action)
        app.event("message")(self.on_message)

    async def _context(self, user_id: str, name_hint: str, where: Where) -> CommandContext:
        user = await self._users.lookup(user_id, name_hint)
        # No zone from the platform: the router resolves it from the stored preferences.
        return context_for(user, where, self._now())

    def _lang(self, context: CommandContext) -> Lang:
        return self._core.router.language(context)

    async def on_command(self, ack: AsyncAck, body: Payload, respond: AsyncRespond) -> None:
        text = str(body.get("text", ""))
        command = self._core.router.command_for_line(text)
        private = command is not None and command.private
        if command is None or command.slow:
            # Slow (or not a command): ack at once, so Slack has its answer within 3 s; the
            # reply follows through the response_url.
            work = asyncio.ensure_future(self._run_command(body, text))
            await ack()
            reply, lang = await work
            await _respond(respond, reply, lang, self._rendered, private=private)
            return
        # A quick command runs here, inside the listener task Bolt already made for this
        # request, and is answered in the ack itself; only if it is not ready in time does a
        # timer ack it empty, and the reply then follows through the response_url. (A task
        # of its own and asyncio.wait per command cost more than the rest of the listener.)
        deadline = _AckDeadline(ack, self._quick_answer_seconds)
        try:
            reply, lang = await self._run_command(body, text)
        finally:
            deadline.cancel()
        if not await deadline.passed():
            message = self._rendered.render(reply, lang)
            await ack(
                text=message.text,
                blocks=message.blocks,
                response_type=_response_type(reply, message, private),
            )
            return
        await _respond(respond, reply, lang, self._rendered, private=private)

    async def _run_command(self, body: Payload, text: str) -> tuple[Reply, Lang]:
        where = command_where(body)
        context = await self._context(
            str(body.get("user_id", "")), str(body.get("user_name", "")), where
        )
        reply = await self._core.router.handle(context, text)
        await self._runtime.subscriptions_changed()
        return reply, self._lang(context)

    async def on_action(self, ack: AsyncAck, body: Payload, respond: AsyncRespond) -> None:
        await ack()
        actions = body.get("actions") or [{}]
        action = actions[0] if isinstance(actions[0], dict) else {}
        user = body["user"] if isinstance(body.get("user"), dict) else {}
        where = action_where(body)
        context = await self._context(
            str(user.get("id", "")), str(user.get("username") or user.get("name") or ""), where
        )
        value = action.get("value")
        if action_index(str(action.get("action_id", ""))) is None or not isinstance(value, str):
            ended = Reply(body=t("button_ended", self._lang(context)), ephemeral=True)
            await _respond(respond, ended, self._lang(context), self._rendered)
            return
        reply = await self._core.router.handle(context, value)
        await self._runtime.subscriptions_changed()
        await _respond(respond, reply, self._lang(context), self._rendered, pressed=True)

    async def on_message(self, body: Payload, event: Payload, request: AsyncBoltRequest) -> None:
        if event.get("subtype") or event.get("bot_id") or not event.get("user"):
            return  # the bot's own posts, edits, joins…: nobody typing an answer
        if request.headers.get("x-slack-retry-num"):
            return  # a retried delivery: the first one was taken (or is being taken) already
        if not self._first_time(str(body.get("event_id", ""))):
            return
        where = message_where(body, event)
        context = await self._context(str(event["user"]), "", where)
        reply = await self._core.router.handle_message(context, str(event.get("text", "")))
        if reply is None:
            return
        message = self._rendered.render(reply, self._lang(context))
        try:
            if reply.kind == "acknowledged" or message.ephemeral:
                await self._client.chat_postEphemeral(
                    channel=where.channel_id,
                    user=context.user.id,
                    text=message.text,
                    blocks=message.blocks,
                    thread_ts=where.thread_ts,
                )
            else:
                await self._client.chat_postMessage(
                    channel=where.channel_id,
                    text=message.text,
                    blocks=message.blocks,
                    thread_ts=where.thread_ts,
                )
        except (SlackApiError, ClientError, TimeoutError) as error:
            log.warning("could not answer a message in %s: %s", where.channel_id, _code(error))

    def _first_time(self, event_id: str) -> bool:
        if not event_id:
            return True
        if event_id in self._seen:
            return False
        self._seen[event_id] = None
        while len(self._seen) > SEEN_EVENTS:
            self._seen.popitem(last=False)
        return True


class _AckDeadline:
    """Acks a quick command empty if its reply is not ready within ``seconds``.

    A timer on the loop, not a task per command: it costs nothing unless it fires, which is
    only when the command is late (a stalled database, a loaded machine).
    """

    def __init__(self, ack: AsyncAck, seconds: float) -> None:
        self._ack = ack
        self._acked: asyncio.Task[object] | None = None
        self._timer = asyncio.get_running_loop().call_later(seconds, self._expire)

    def _expire(self) -> None:
        # Kept and awaited by passed(): the empty ack must be out before the response_url
        # reply, and an error in it must not go unseen.
        self._acked = asyncio.ensure_future(self._ack())

    def cancel(self) -> None:
        self._timer.cancel()

    async def passed(self) -> bool:
        """Whether the deadline passed (the command was acked empty); waits for that ack."""
        if self._acked is None:
            return False
        await self._acked
        return True


def _response_type(reply: Reply, message: SlackMessage, private: bool) -> str:
    hidden = private or message.ephemeral or reply.kind == "acknowledged"
    return "ephemeral" if hidden else "in_channel"


async def _respond(
    respond: AsyncRespond,
    reply: Reply,
    lang: Lang,
    rendered: RenderCache,
    pressed: bool = False,
    private: bool = False,
) -> None:
    """Send ``reply`` to the request's response_url."""
    message = rendered.render(reply, lang)
    response_type = _response_type(reply, message, private)
    arguments: dict[str, Any] = {"text": message.text, "blocks": message.blocks}
    if pressed and reply.replaces_original and response_type == "in_channel":
        arguments["replace_original"] = True
    else:
        arguments["response_type"] = response_type
        arguments["replace_original"] = False
    try:
        await respond(**arguments)
    except (ClientError, TimeoutError) as error:
        log.warning("could not answer through response_url: %s", type(error).__name__)
    except ValueError:
        # No response_url (a button outside a message, e.g. in a view): nothing to answer.
        log.info("a request without a response_url was not answered")


def _code(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error", "unknown"))
    return type(error).__name__
