"""Discord: the client and its command tree (generated from the core's commands), the
rendering of replies as embeds and buttons, and the core's chat port."""

from bot.adapters.discord.adapter import AllianceClient, DiscordAdapter
from bot.adapters.discord.port import PLATFORM, DiscordPort

__all__ = ["PLATFORM", "AllianceClient", "DiscordAdapter", "DiscordPort"]
