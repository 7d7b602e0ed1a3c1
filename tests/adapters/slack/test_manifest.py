"""The shipped Slack app manifest asks for what the adapter uses, and no more than that."""

from __future__ import annotations

import yaml

from bot.adapters.slack.listeners import COMMAND
from tests.conftest import REPO_ROOT


def test_the_manifest_declares_the_command_scopes_events_and_socket_mode() -> None:
    manifest = yaml.safe_load((REPO_ROOT / "slack-manifest.yaml").read_text(encoding="utf-8"))
    commands = [command["command"] for command in manifest["features"]["slash_commands"]]
    assert commands == [COMMAND]
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    # commands, chat.postMessage/update/postEphemeral, users.info, conversations.history
    assert {"commands", "chat:write", "users:read", "channels:history", "groups:history"} <= scopes
    assert "chat:write.public" not in scopes  # the bot posts only where it was invited
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert "message.channels" in settings["event_subscriptions"]["bot_events"]
    assert len(manifest["display_information"]["description"]) <= 139
    assert all(len(c["description"]) <= 100 for c in manifest["features"]["slash_commands"])
