"""The Slack adapter: Bolt (async) in Socket Mode or HTTP mode, Block Kit replies, a chat port.

``alliance-bot run`` asks :func:`slack_adapter` for the adapter; it returns None when Slack
is not wanted (``[slack] enabled = false``, or unset without ``SLACK_BOT_TOKEN``).
"""

from __future__ import annotations

from bot.adapters.slack.adapter import SlackAdapter, SlackCredentials
from bot.config import ConfigError, Settings

__all__ = ["SlackAdapter", "SlackCredentials", "slack_adapter"]


def slack_adapter(settings: Settings) -> SlackAdapter | None:
    """The configured Slack adapter, or None when Slack is not to be started.

    Raises:
        ConfigError: Slack is wanted but a token its mode needs is missing (named).
    """
    if not settings.slack_wanted:
        return None
    if missing := settings.missing_slack_secrets():
        raise ConfigError(
            f"Slack ({settings.slack.mode} mode) needs {' and '.join(missing)} in the "
            "environment; set them, or set [slack] enabled = false"
        )
    secrets = settings.secrets
    assert secrets.slack_bot_token is not None
    credentials = SlackCredentials(
        bot_token=secrets.slack_bot_token.get_secret_value(),
        app_token=secrets.slack_app_token.get_secret_value() if secrets.slack_app_token else None,
        signing_secret=(
            secrets.slack_signing_secret.get_secret_value()
            if secrets.slack_signing_secret
            else None
        ),
    )
    return SlackAdapter(settings.slack, credentials, settings.bot.language)
