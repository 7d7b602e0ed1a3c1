"""The baseline of the Discord command-path benchmark: a bare discord.py client with one app
command, ``/alliance fact``, answering a constant with ``interaction.response.send_message``.

``python -m bench.bare_discord_bot --api-base-url URL --gateway-url URL``, with the token in
DISCORD_TOKEN; runs until SIGTERM. It imports nothing of the bot: it is the floor that any
discord.py bot pays for a command (gateway frame, parse, tree dispatch, one REST callback).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

CONSTANT = "A constant answer: the bare floor of a discord.py command."


def bare_client() -> discord.Client:
    """A plain client (guilds intent, as the bot's) whose tree has ``/alliance fact``."""
    client = discord.Client(intents=discord.Intents(guilds=True))
    tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(client)
    group = app_commands.Group(name="alliance", description="The alliance, bare")

    @group.command(name="fact", description="A constant")
    async def fact(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(CONSTANT)

    tree.add_command(group)
    return client


async def _serve(token: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stop.set)
    async with bare_client() as client:
        await client.login(token)
        connection = asyncio.create_task(client.connect(reconnect=True))
        await stop.wait()
        await client.close()
        connection.cancel()
        await asyncio.gather(connection, return_exceptions=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--api-base-url", required=True)
    parser.add_argument("--gateway-url", required=True)
    args = parser.parse_args()
    # The same two class attributes the bot's adapter points at a fake (endpoints.py).
    Route.BASE = args.api_base_url.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(args.gateway_url)
    asyncio.run(_serve(os.environ["DISCORD_TOKEN"]))


if __name__ == "__main__":
    main()
