"""The Discord side of setting the bot up: registering ``/alliance`` and ``/alliance-admin``,
and the install URL."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import discord
from pydantic import SecretStr

from bot.adapters.discord.adapter import AllianceClient
from bot.adapters.discord.endpoints import log_in, point_discord_py_at
from bot.adapters.discord.interactions import InteractionHandler
from bot.adapters.discord.tree import build_groups
from bot.app import Core
from bot.config import DiscordSection
from bot.runtime import Runtime

SCOPES = ("bot", "applications.commands")
# Set by Discord, not by us: left out when comparing what is registered with what we send.
_SERVER_FIELDS = {"id", "application_id", "version", "guild_id"}


def bot_permissions() -> discord.Permissions:
    """Exactly what the bot does: read and post in channels and threads, embed (replies are
    embeds with links), read recent history (finding a post again after a crash), react
    (the nod to a typed quiz answer)."""
    return discord.Permissions(
        view_channel=True,
        send_messages=True,
        send_messages_in_threads=True,
        embed_links=True,
        read_message_history=True,
        add_reactions=True,
    )


def invite_urls(application_id: int) -> dict[str, str]:
    """The server install URL (bot + commands, with the permissions) and the user install
    URL (commands only, usable in any server or DM)."""
    server = discord.utils.oauth_url(application_id, permissions=bot_permissions(), scopes=SCOPES)
    user = discord.utils.oauth_url(application_id, scopes=("applications.commands",))
    return {"server": f"{server}&integration_type=0", "user": f"{user}&integration_type=1"}


def _flatten(commands: Iterable[Mapping[str, Any]], prefix: str = "") -> dict[str, str]:
    """Each command and subcommand by its full name, as canonical JSON without its children
    and without the fields Discord fills in or leaves out when empty."""
    flat: dict[str, str] = {}
    for command in commands:
        name = f"{prefix}/{command['name']}" if not prefix else f"{prefix} {command['name']}"
        options = command.get("options") or []
        children = [o for o in options if o.get("type") in (1, 2)]
        own = {
            key: value
            for key, value in command.items()
            if key not in _SERVER_FIELDS and key != "options" and value not in (None, False, [], {})
        }
        if "default_member_permissions" in own:
            # discord.py sends the bits as a number; Discord answers with a string.
            own["default_member_permissions"] = str(own["default_member_permissions"])
        own["options"] = [o for o in options if o.get("type") not in (1, 2)]
        flat[name] = json.dumps(own, sort_keys=True, ensure_ascii=False)
        flat.update(_flatten(children, name))
    return flat


def describe_changes(
    before: Iterable[Mapping[str, Any]], after: Iterable[Mapping[str, Any]]
) -> list[str]:
    """Lines saying, for each top-level command (``/alliance``, ``/alliance-admin``), which
    of its commands a sync added, changed and removed, and how many it left unchanged."""
    old, new = _flatten(before), _flatten(after)
    lines: list[str] = []
    tops = dict.fromkeys(name.partition(" ")[0] for name in (*new, *old))
    for top in tops:
        mine_new = {name: value for name, value in new.items() if name.partition(" ")[0] == top}
        mine_old = {name: value for name, value in old.items() if name.partition(" ")[0] == top}
        lines.append(f"{top}:")
        lines += [f"  added    {name}" for name in mine_new if name not in mine_old]
        lines += [
            f"  changed  {name}"
            for name in mine_new
            if name in mine_old and mine_old[name] != mine_new[name]
        ]
        lines += [f"  removed  {name}" for name in mine_old if name not in mine_new]
        unchanged = sum(1 for name in mine_new if mine_old.get(name) == mine_new[name])
        lines.append(f"  {unchanged} unchanged")
    return lines


async def sync_commands(
    settings: DiscordSection, token: SecretStr, core: Core, guild_id: int | None
) -> list[str]:
    """Register ``/alliance`` and ``/alliance-admin`` (in one guild, or globally) and say
    what changed in each."""
    point_discord_py_at(settings)
    client = AllianceClient(settings)
    async with client:
        await log_in(client, token)
        handler = InteractionHandler(core, Runtime(None))
        for group in build_groups(handler, core.router.specs()):
            client.tree.add_command(group)
        application = client.application_id
        assert application is not None  # login reads it
        guild = discord.Object(guild_id) if guild_id is not None else None
        if guild is not None:
            client.tree.copy_global_to(guild=guild)
            before = await client.http.get_guild_commands(application, guild.id)
        else:
            before = await client.http.get_global_commands(application)
        translator = client.tree.translator
        after = [
            await command.get_translated_payload(client.tree, translator)
            if translator is not None
            else command.to_dict(client.tree)
            for command in client.tree.get_commands(guild=guild)
        ]
        await client.tree.sync(guild=guild)
    where = (
        f"guild {guild_id}"
        if guild_id is not None
        else "all servers (global; may take up to an hour to show)"
    )
    return [f"synced for {where}:", *describe_changes(before, after)]


async def application_id(settings: DiscordSection, token: SecretStr) -> int:
    """The bot's application id, asked of Discord."""
    point_discord_py_at(settings)
    client = AllianceClient(settings)
    async with client:
        await log_in(client, token)
        info = await client.application_info()
        return info.id
