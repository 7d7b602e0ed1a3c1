"""``alliance-bot run`` with Slack tokens, as an operator starts it: a real subprocess in
Socket Mode against the fake Slack, answering a command, then stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.conftest import FIXTURE_FACTS, REPO_ROOT
from tests.slack_fake import FakeSlack, FakeUser


async def test_run_starts_slack_from_its_tokens_and_stops_on_sigterm(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    fake_slack.add_user(FakeUser("U1", "alice"))
    config = tmp_path / "config.toml"
    config.write_text(
        f'[bot]\nfacts_dir = "{FIXTURE_FACTS}"\ndata_dir = "{tmp_path / "data"}"\n'
        f'[slack]\napi_url = "{fake_slack.api_url}"\n',
        encoding="utf-8",
    )
    foreign = ("SLACK_", "DISCORD_")
    environment = {key: value for key, value in os.environ.items() if not key.startswith(foreign)}
    environment.pop("ALLIANCE_DATABASE_URL", None)
    environment |= {
        "SLACK_BOT_TOKEN": fake_slack.bot_token,
        "SLACK_APP_TOKEN": fake_slack.app_token,
        "PYTHONPATH": str(REPO_ROOT),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--config",
        str(config),
        cwd=tmp_path,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake_slack.wait_until(lambda: fake_slack.open_sockets == 1)
        envelope = await fake_slack.send_envelope(
            "slash_commands",
            {
                "team_id": fake_slack.team_id,
                "channel_id": "C1",
                "channel_name": "general",
                "user_id": "U1",
                "user_name": "alice",
                "command": "/alliance",
                "text": "help",
                "response_url": fake_slack.response_url("run"),
                "trigger_id": "t1",
            },
        )
        # Answered in the ack (a quick command) or through the response_url.
        await fake_slack.wait_until(
            lambda: (
                any(a.envelope_id == envelope and a.payload for a in fake_slack.acks)
                or bool(fake_slack.responses)
            )
        )
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()
    answered = [a.payload for a in fake_slack.acks if a.payload] or [
        body for _, body in fake_slack.responses
    ]
    assert answered and answered[0]["blocks"]
    logged = stderr.decode()
    assert "running: slack" in logged
    assert fake_slack.bot_token not in logged and fake_slack.app_token not in logged
