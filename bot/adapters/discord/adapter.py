"""The Discord adapter: a discord.py client, its command tree, its port, and its life.

Built by the composition root from settings and the token; :meth:`DiscordAdapter.start`
logs in (the port can post from then on), builds ``/alliance`` and ``/alliance-admin`` from
the core's commands,
connects the gateway in a task the adapter owns, and :meth:`DiscordAdapter.close` ends it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord import app_commands
from pydantic import SecretStr

from bot.adapters.discord.components import ActionButton, ButtonPresses, unrouted_action
from bot.adapters.discord.endpoints import log_in, point_discord_py_at
from bot.adapters.discord.interactions import InteractionHandler
from bot.adapters.discord.port import DiscordPort
from bot.adapters.discord.tree import CoreTranslator, build_groups
from bot.app import Core
from bot.config import DiscordSection
from bot.core.i18n import Lang
from bot.runtime import FatalPlatformError, Runtime

log = logging.getLogger(__name__)

# Above it discord.py raises RateLimited instead of sleeping (it allows no less than 30 s):
# a daily post is then retried by the poster, not held in a sleeping request.
MAX_RATE_LIMIT_WAIT_SECONDS = 30.0
READY_TIMEOUT_SECONDS = 60.0


def intents_for(settings: DiscordSection) -> discord.Intents:
    """Guilds (their channels and locales); with ``message_content``, guild messages and
    their text, for typed quiz answers. Interactions need no intent."""
    intents = discord.Intents.none()
    intents.guilds = True
    if settings.message_content:
        intents.guild_messages = True
        intents.message_content = True
    return intents


def gateway_failure(error: BaseException) -> FatalPlatformError:
    """Why the gateway connection ended for good, and what a person should do about it."""
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return FatalPlatformError(
            "Discord closed the gateway with 4014 (disallowed intents): [discord] "
            "message_content = true asks for the Message Content intent, which this "
            "application does not have. Enable 'Message Content Intent' in the Developer "
            "Portal (your application → Bot → Privileged Gateway Intents), or set "
            "message_content = false (quiz answers by buttons only)."
        )
    code = getattr(error, "code", None)
    if isinstance(error, discord.LoginFailure) or code == 4004:
        return FatalPlatformError(
            "Discord closed the gateway with 4004 (authentication failed): DISCORD_TOKEN is "
            "no longer valid. Copy the bot token again from the Developer Portal "
            "(Bot → Reset Token) and restart."
        )
    if isinstance(error, discord.ConnectionClosed):
        return FatalPlatformError(
            f"Discord closed the gateway with {code} ({error.reason or 'no reason given'}), "
            "a close it does not allow reconnecting after; see Discord's gateway close codes."
        )
    return FatalPlatformError(
        f"the Discord gateway connection ended: {type(error).__name__}: {error}"
    )


class AllianceClient(discord.AutoShardedClient):
    """discord.py's sharded client with the bot's tree, buttons and message listener."""

    def __init__(self, settings: DiscordSection, **options: Any) -> None:
        if settings.shard_ids is not None:
            options["shard_ids"] = settings.shard_ids
        super().__init__(
            intents=intents_for(settings),
            shard_count=settings.shard_count,
            allowed_mentions=discord.AllowedMentions.none(),
            max_ratelimit_timeout=MAX_RATE_LIMIT_WAIT_SECONDS,
            **options,
        )
        self.tree: app_commands.CommandTree[AllianceClient] = app_commands.CommandTree(self)
        self.presses: ButtonPresses | None = None
        self.message_handler: InteractionHandler | None = None

    async def setup_hook(self) -> None:
        # Presses on buttons of messages sent before a restart route here as well.
        self.add_dynamic_items(ActionButton)
        await self.tree.set_translator(CoreTranslator())

    async def launch_shards(self) -> None:
        if self.shard_count is None:
            # Discord says how many shards; the gateway is still the configured one.
            self.shard_count, _, _ = await self.http.get_bot_gateway()
        await super().launch_shards()

    def dispatch(self, event: str, /, *args: Any, **kwargs: Any) -> None:
        super().dispatch(event, *args, **kwargs)
        # discord.py drops a press on a button the message no longer shows; the core still
        # answers it (an ephemeral "this has ended"), never Discord's "interaction failed".
        # Checked here, in line, as discord.ext.commands.Bot adds its listeners: an
        # on_interaction listener would be a task for every interaction, every slash
        # command included; only such a press gets one (run, and its errors reported, as
        # discord.py runs a listener).
        if event == "interaction" and self.presses is not None:
            action = unrouted_action(args[0])
            if action is not None:
                self._schedule_event(self.presses.press, "on_interaction", args[0], action)

    async def on_message(self, message: discord.Message) -> None:
        if self.message_handler is not None:
            await self.message_handler.on_message(message)


class DiscordAdapter:
    """What ``alliance-bot run`` starts for Discord (a :class:`bot.serve.PlatformAdapter`)."""

    def __init__(
        self,
        settings: DiscordSection,
        token: SecretStr,
        language: Lang,
        **client_options: Any,
    ) -> None:
        self._settings = settings
        self._token = token
        self.client = AllianceClient(settings, **client_options)
        self._port = DiscordPort(self.client, settings, language)
        self._connection: asyncio.Task[None] | None = None
        self._runtime: Runtime | None = None

    @property
    def port(self) -> DiscordPort:
        return self._port

    def build_tree(self, handler: InteractionHandler, core: Core) -> None:
        """``/alliance`` and ``/alliance-admin`` from the core's commands, on the client's
        tree."""
        self.client.tree.clear_commands(guild=None)
        for group in build_groups(handler, core.router.specs()):
            self.client.tree.add_command(group)

    async def start(self, core: Core, runtime: Runtime) -> None:
        point_discord_py_at(self._settings)
        handler = InteractionHandler(core, runtime)
        self.build_tree(handler, core)
        self.client.presses = handler
        if self._settings.message_content:
            self.client.message_handler = handler
        try:
            await log_in(self.client, self._token)
        except BaseException:
            # discord.py keeps its HTTP session open after a refused login; serve never
            # calls close() on an adapter whose start failed.
            await self.client.close()
            raise
        self._port.logged_in.set()
        self._runtime = runtime
        self._connection = asyncio.create_task(self._connect(), name="discord-gateway")
        log.info("discord: logged in as %s", self.client.user)

    async def _connect(self) -> None:
        try:
            await self.client.connect(reconnect=True)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            # discord.py reconnects by itself; what reaches here (a token revoked, a
            # privileged intent not enabled) needs a person: the process ends and says why,
            # rather than staying up (and healthy to the health check) with no gateway.
            failure = gateway_failure(error)
            log.error("discord: %s", failure)
            if self._runtime is not None:
                self._runtime.fail(failure)

    async def wait_until_ready(self) -> None:
        """Until every shard has its guilds (tests, and the CLI's sync)."""
        await asyncio.wait_for(self.client.wait_until_ready(), READY_TIMEOUT_SECONDS)

    async def close(self) -> None:
        await self.client.close()
        if self._connection is not None:
            self._connection.cancel()
            await asyncio.gather(self._connection, return_exceptions=True)
