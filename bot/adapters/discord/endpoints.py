"""Where discord.py sends its REST requests and opens its gateway."""

from __future__ import annotations

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route
from pydantic import SecretStr

from bot.config import ConfigError, DiscordSection


def point_discord_py_at(settings: DiscordSection) -> None:
    """Send every REST request to ``api_base_url`` and open the gateway at ``gateway_url``.

    discord.py reads both from class attributes (``Route.BASE``, which the interaction and
    webhook code share, and ``DiscordWebSocket.DEFAULT_GATEWAY``) and offers no per-client
    setting, so they are set here, once, when an adapter or a CLI command starts from
    settings: never at import time. One process talks to one Discord, so nothing else reads
    other values.
    """
    Route.BASE = settings.api_base_url.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


async def log_in(client: discord.Client, token: SecretStr) -> None:
    """Log ``client`` in; a token Discord refuses is a configuration error naming the
    variable (never showing the token)."""
    try:
        await client.login(token.get_secret_value())
    except discord.LoginFailure:
        raise ConfigError(
            "Discord refused DISCORD_TOKEN (401): copy the bot token again from the "
            "Developer Portal (Bot → Reset Token)"
        ) from None
