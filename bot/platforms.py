"""Which platform adapters ``alliance-bot run`` starts: one function per platform, each
returning its adapter when the settings and the environment ask for it, else None.

Imports happen inside each function, so a bot that runs only one platform never loads the
other's library.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.config import Settings
from bot.serve import PlatformAdapter

AdapterChoice = Callable[[Settings], PlatformAdapter | None]


def discord_adapter(settings: Settings) -> PlatformAdapter | None:
    """Discord, when DISCORD_TOKEN is set and ``[discord] enabled`` is not false."""
    token = settings.secrets.discord_token
    if not settings.discord_wanted or token is None:
        return None
    from bot.adapters.discord import DiscordAdapter

    return DiscordAdapter(settings.discord, token, settings.bot.language)


def slack_adapter(settings: Settings) -> PlatformAdapter | None:
    """Slack, when SLACK_BOT_TOKEN is set and ``[slack] enabled`` is not false (or when it is
    true: then a missing token is a ConfigError naming it)."""
    if not settings.slack_wanted:
        return None
    from bot.adapters.slack import slack_adapter as configured_slack

    return configured_slack(settings)


def platform_choices() -> tuple[AdapterChoice, ...]:
    """Every platform, in start order."""
    return (discord_adapter, slack_adapter)


def chosen_adapters(settings: Settings) -> list[PlatformAdapter]:
    """The adapters to start for ``settings``."""
    return [adapter for choose in platform_choices() if (adapter := choose(settings))]
