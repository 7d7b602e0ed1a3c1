"""When Slack starts, what it refuses to start without, and that its tokens never reach a log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.adapters.slack import SlackAdapter, slack_adapter
from bot.config import ConfigError, load_settings
from tests.adapters.slack.harness import SIGNING_SECRET, START, running_slack_bot
from tests.slack_fake import FakeSlack, FakeUser, ScriptedFailure


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_slack_starts_when_its_bot_token_is_set(tmp_path: Path) -> None:
    none = load_settings(config(tmp_path, ""), {})
    assert slack_adapter(none) is None
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}
    assert isinstance(slack_adapter(load_settings(config(tmp_path, ""), env)), SlackAdapter)
    off = load_settings(config(tmp_path, "[slack]\nenabled = false\n"), env)
    assert slack_adapter(off) is None


@pytest.mark.parametrize(
    ("text", "env", "named"),
    [
        ("[slack]\nenabled = true\n", {}, "SLACK_BOT_TOKEN and SLACK_APP_TOKEN"),
        ("[slack]\nenabled = true\n", {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN"),
        (
            '[slack]\nenabled = true\nmode = "http"\n',
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"},
            "SLACK_SIGNING_SECRET",
        ),
    ],
)
def test_enabled_without_the_tokens_its_mode_needs_names_them(
    tmp_path: Path, text: str, env: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError, match=named):
        load_settings(config(tmp_path, text), env)


def test_a_bot_token_alone_in_socket_mode_is_a_clear_error_at_start(tmp_path: Path) -> None:
    # Loading succeeds (the shell needs no Slack), but run cannot start Slack without it.
    settings = load_settings(config(tmp_path, ""), {"SLACK_BOT_TOKEN": "xoxb-1"})
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        slack_adapter(settings)


def test_api_url_gets_the_slash_slack_sdk_needs(tmp_path: Path) -> None:
    text = '[slack]\napi_url = "http://127.0.0.1:9/api"\n'
    assert load_settings(config(tmp_path, text), {}).slack.api_url == "http://127.0.0.1:9/api/"
    with pytest.raises(ConfigError, match=r"slack\.api_url"):
        load_settings(config(tmp_path, '[slack]\napi_url = "slack.com"\n'), {})


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_tokens_never_reach_the_logs(
    fake_slack: FakeSlack,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    mode: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_slack.add_user(FakeUser("U1", "root", is_owner=True))
    fake_slack.fail("users.info", ScriptedFailure("invalid_auth"))
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    async with running_slack_bot(fake_slack, tmp_path, url, mode=mode) as bot:
        command = bot.command if mode == "http" else bot.socket_command
        await command("subscribe time 09:00")  # refused: the lookup failed (and was logged)
        await command("subscribe time 09:00")
        await command("today")
        if mode == "http":
            body, _ = bot.command_body("today")
            await bot.send(body, "application/x-www-form-urlencoded", {"X-Slack-Signature": "x"})
        # A post refused for the token: the poster logs why and pauses the channel.
        fake_slack.fail("chat.postMessage", ScriptedFailure("invalid_auth"))
        await bot.clock.advance_to(START.replace(hour=9, minute=1))
        await fake_slack.wait_until(lambda: bool(fake_slack.calls_to("chat.postMessage")))
    logged = "\n".join(
        [record.getMessage() for record in caplog.records]
        + [str(record.args) for record in caplog.records]
        + [caplog.text]
    )
    # The failures were logged, by their Slack error codes.
    assert "users.info failed for U1: invalid_auth" in logged
    assert "Slack refused the post: invalid_auth" in logged
    for secret in (fake_slack.bot_token, fake_slack.app_token, SIGNING_SECRET):
        assert secret not in logged
    assert fake_slack.bot_token[5:20] not in logged
