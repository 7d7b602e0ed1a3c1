"""Who, where and in which language: a Discord interaction or message in the core's terms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import discord

from bot.adapters.discord.port import PLATFORM
from bot.core.command_forms import CommandForm
from bot.core.context import Channel, ChannelKind, CommandContext, User
from bot.core.i18n import LANGUAGES
from bot.core.user_mentions import MentionedUser, discord_mention


def supported_locale(*candidates: str | None) -> str | None:
    """The first locale the core has a language for (the user's client, then the guild's);
    None lets the core fall back to the configured language."""
    for locale in candidates:
        if locale and locale.lower().replace("_", "-").split("-", 1)[0] in LANGUAGES:
            return locale
    return None


def is_admin(permissions: discord.Permissions) -> bool:
    """Discord's counterpart of the core's admin: Manage Server or Manage Channels."""
    return permissions.manage_guild or permissions.manage_channels


def bot_can_post(interaction: discord.Interaction[Any]) -> bool:
    """Whether the bot can post in the interaction's channel. In a server, only if the app is
    installed there (a "0" guild owner in ``authorizing_integration_owners``): a
    user-installed app may be used in any server, but only the interaction's answers reach
    one the bot was never added to."""
    return interaction.guild_id is None or interaction.is_guild_integration()


def _channel(guild_id: int | None, channel: Any, channel_id: int | None) -> Channel:
    kind: ChannelKind = "channel"
    parent: str | None = None
    if guild_id is None:
        kind = "dm"
    elif isinstance(channel, discord.Thread):
        kind = "thread"
        parent = str(channel.parent_id) if channel.parent_id else None
    name = getattr(channel, "name", None) or str(channel_id or "dm")
    tenant = str(guild_id) if guild_id is not None else ""
    return Channel(PLATFORM, tenant, str(channel_id or ""), name, kind, parent)


def interaction_context(
    interaction: discord.Interaction[Any],
    form: CommandForm,
    zone: ZoneInfo | None = None,
    now: datetime | None = None,
) -> CommandContext:
    """The caller of a slash command or a button press; ``form`` is how commands are typed
    here (:func:`bot.adapters.discord.tree.command_form`)."""
    guild_id = interaction.guild_id
    member = interaction.user
    admin = guild_id is not None and is_admin(interaction.permissions)
    guild_locale = interaction.guild_locale.value if interaction.guild_locale else None
    return CommandContext(
        user=User(str(member.id), member.display_name, is_admin=admin),
        channel=_channel(guild_id, interaction.channel, interaction.channel_id),
        locale=supported_locale(interaction.locale.value, guild_locale),
        now=now or datetime.now(UTC),
        timezone=zone,
        mentions=DiscordMentions(picked_users(interaction)),
        command_form=form,
        bot_can_post=bot_can_post(interaction),
    )


def message_context(
    message: discord.Message,
    form: CommandForm,
    zone: ZoneInfo | None = None,
    now: datetime | None = None,
) -> CommandContext:
    """The author of a plain chat message (a typed quiz answer). A message carries no
    client locale, so the guild's decides."""
    guild = message.guild
    author = message.author
    admin = isinstance(author, discord.Member) and is_admin(author.guild_permissions)
    return CommandContext(
        user=User(str(author.id), author.display_name, is_admin=admin),
        channel=_channel(guild.id if guild else None, message.channel, message.channel.id),
        locale=supported_locale(guild.preferred_locale.value if guild else None),
        now=now or datetime.now(UTC),
        timezone=zone,
        mentions=DiscordMentions(),
        command_form=form,
    )


class DiscordMentions:
    """``<@123>`` and ``<@!123>`` in a command's text name the person with that id;
    ``names``: the display names Discord sent with the interaction (a picked user), by id."""

    def __init__(self, names: Mapping[str, str] | None = None) -> None:
        self._names = dict(names or {})

    async def resolve(self, reference: str) -> MentionedUser | None:
        mentioned = discord_mention(reference)
        if mentioned is None or mentioned.name:
            return mentioned
        return replace(mentioned, name=self._names.get(mentioned.id))


def picked_users(interaction: discord.Interaction[Any]) -> dict[str, str]:
    """The display names of the users an interaction's options picked (Discord's
    ``resolved`` data), by id."""
    data: Any = interaction.data or {}
    resolved = data.get("resolved") or {}
    members = resolved.get("members") or {}
    names: dict[str, str] = {}
    for user_id, user in (resolved.get("users") or {}).items():
        nick = (members.get(user_id) or {}).get("nick")
        name = nick or user.get("global_name") or user.get("username")
        if name:
            names[str(user_id)] = str(name)
    return names
