"""Where discord.py sends its REST requests and opens its gateway."""

from __future__ import annotations

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.config import DiscordSection


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
