"""Discord-shaped JSON for the fake: users, guilds, members, channels, interactions, messages.

Only the fields discord.py reads are filled in; values are plausible, never copied from a
real server.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1420070400000
MANAGE_GUILD = 1 << 5
MANAGE_CHANNELS = 1 << 4
# What a plain member may do in a channel: view, send, embed links, read history, reactions.
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 6) | (1 << 38)

Json = dict[str, Any]


class Snowflakes:
    """Increasing ids shaped like Discord's: milliseconds since 2015 above 22 counter bits."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def next(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._counter) & 0x3FFFFF)


def guild_id_on_shard(shard_id: int, shard_count: int, n: int = 0) -> int:
    """A guild id that Discord would route to ``shard_id`` of ``shard_count``."""
    base = 900_000_000_000 + n * shard_count
    return ((base + shard_id) << 22) | 1


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class FakeUser:
    id: int
    name: str
    bot: bool = False

    def payload(self) -> Json:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
        }


@dataclass
class FakeChannel:
    id: int
    name: str
    guild_id: int | None = None
    type: int = 0  # 0 text, 1 DM, 11 public thread

    def payload(self) -> Json:
        data: Json = {"id": str(self.id), "type": self.type, "name": self.name}
        if self.guild_id is not None:
            data.update(
                guild_id=str(self.guild_id),
                position=0,
                permission_overwrites=[],
                nsfw=False,
                parent_id=None,
                topic=None,
                last_message_id=None,
                rate_limit_per_user=0,
            )
        return data


@dataclass
class FakeGuild:
    id: int
    name: str
    channels: list[FakeChannel] = field(default_factory=list)
    locale: str = "en-US"
    owner_id: int = 1

    def payload(self, bot: FakeUser) -> Json:
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "owner_id": str(self.owner_id),
            "preferred_locale": self.locale,
            "features": [],
            "roles": [
                {
                    "id": str(self.id),
                    "name": "@everyone",
                    "permissions": str(MEMBER_PERMISSIONS),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                }
            ],
            "emojis": [],
            "stickers": [],
            "member_count": 2,
            "members": [member_payload(bot, self.id, MEMBER_PERMISSIONS)],
            "channels": [channel.payload() for channel in self.channels],
            "threads": [],
            "voice_states": [],
            "presences": [],
            "large": False,
            "unavailable": False,
            "mfa_level": 0,
            "verification_level": 0,
            "explicit_content_filter": 0,
            "default_message_notifications": 0,
            "premium_tier": 0,
            "nsfw_level": 0,
            "system_channel_flags": 0,
        }


def member_payload(user: FakeUser, guild_id: int, permissions: int) -> Json:
    return {
        "user": user.payload(),
        "roles": [],
        "joined_at": now_iso(),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": str(permissions),
        "nick": None,
    }


def message_payload(
    message_id: int,
    channel_id: int,
    author: FakeUser,
    body: Json,
    guild_id: int | None = None,
) -> Json:
    """A stored message: the bot's (from a create body) or a user's (injected)."""
    data: Json = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author.payload(),
        "content": body.get("content") or "",
        "embeds": body.get("embeds") or [],
        "components": body.get("components") or [],
        "attachments": [],
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "type": 0,
        "flags": body.get("flags") or 0,
        "timestamp": now_iso(),
        "edited_timestamp": None,
    }
    if body.get("nonce") is not None:
        data["nonce"] = body["nonce"]
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    return data
