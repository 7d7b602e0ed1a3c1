"""The shell adapter driven as a script: piped stdin, fixed --now, real subprocess."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_FACTS, REPO_ROOT

NOW = "2026-06-22T10:00:00+00:00"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[bot]\nfacts_dir = "{FIXTURE_FACTS}"\ndata_dir = "{tmp_path / "data"}"\n',
        encoding="utf-8",
    )
    return path


def shell(config: Path, script: str, *extra: str) -> subprocess.CompletedProcess[str]:
    now = [] if "--now" in extra else ["--now", NOW]
    return subprocess.run(
        [sys.executable, "-m", "bot", "shell", "--config", str(config), *now, *extra],
        input=script,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )


def test_today_on_barbarossa_day_in_both_languages(config: Path) -> None:
    result = shell(config, "/alliance today\n:lang ja\n/alliance today\n")
    assert result.returncode == 0, result.stderr
    english, japanese = result.stdout.split(":lang ja")
    assert "Germany invades the Soviet Union" in english and "85 years ago" in english
    assert "バルバロッサ作戦" in japanese and "85年前" in japanese
    assert "Source: Office of the Historian" in english


def test_language_user_and_channel_flags(config: Path) -> None:
    result = shell(
        config, "/alliance today\n", "--lang", "ja", "--user", "kenji", "--channel", "#history"
    )
    assert "#history kenji> /alliance today" in result.stdout
    assert "85年前" in result.stdout


def test_wait_moves_the_day_and_time_moves_forward_only(config: Path) -> None:
    script = ":wait 1d\n/alliance today\n:time 2026-01-01T00:00:00+00:00\n:time 2027-02-04T08:00\n"
    script += "/alliance today\n"
    result = shell(config, script)
    parts = result.stdout.split(":time 2027-02-04T08:00")
    assert "On this day — 23 June" in parts[0] and "nearest anniversary" in parts[0]
    assert "only moves forward" in parts[0]
    assert "Clock: 2027-02-04T08:00:00+00:00" in parts[1]
    assert "The Yalta Conference" in parts[1] and "82 years ago" in parts[1]


def test_click_presses_a_button_of_the_last_message(config: Path) -> None:
    result = shell(config, ":click 1\n/alliance search Yalta\n:click 1\n:click 9\n")
    assert "No message with buttons in #general yet." in result.stdout
    after_click = result.stdout.split("> :click 1")[2]
    assert "** The Yalta Conference **" in after_click
    assert "[1] Another fact" in after_click
    assert "Usage: :click N, with N from 1 to 1" in result.stdout


def test_meta_commands_and_bad_input_never_end_the_session(config: Path) -> None:
    script = (
        "\n".join(
            [
                ":user bob --admin",
                ":channel history-club",
                ":lang xx",
                ":wait soon",
                ":time never",
                ":frobnicate",
                "hello everyone",
                "/alliance on 99-99",
                "/alliance \u0000\u200b",
                ":help",
                "/alliance help",
            ]
        )
        + "\n"
    )
    result = shell(config, script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Now speaking as bob (admin)." in out
    assert "#history-club bob> " in out
    assert "Usage: :lang en|ja" in out and "Usage: :wait SECONDS" in out
    assert "Usage: :time ISO8601" in out and "Unknown shell command ':frobnicate'" in out
    assert "is not a date I can read" in out
    assert ":click N" in out and "/alliance search <words>" in out
    assert "Traceback" not in result.stderr


def test_quit_stops_reading(config: Path) -> None:
    result = shell(config, ":quit\n/alliance today\n")
    assert result.returncode == 0
    assert "On this day" not in result.stdout


FOOTER = "(Daily post · /alliance subscription shows the settings)"


def test_daily_post_exactly_once_across_waits_and_restarts(config: Path) -> None:
    subscribe = (
        ":user alice --admin\n/alliance subscribe time 09:00 timezone UTC\n"
        ":wait 1d\n:wait 2h\n/alliance subscription\n"
    )
    first = shell(config, subscribe, "--now", "2026-06-21T10:00:00+00:00")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count(FOOTER) == 1
    before_wait, after_wait = first.stdout.split(":wait 1d", 1)
    assert FOOTER not in before_wait
    assert "** On this day — 22 June **" in after_wait
    assert "22 June 2026 · sent" in after_wait

    # The shell was down at 09:00 on 23 June; two hours later it catches up, once.
    late = shell(config, "/alliance subscription\n", "--now", "2026-06-23T11:00:00+00:00")
    assert late.stdout.count(FOOTER) == 1
    assert "** On this day — 23 June **" in late.stdout
    assert "23 June 2026 · sent" in late.stdout

    again = shell(config, "/alliance subscription\n", "--now", "2026-06-23T12:00:00+00:00")
    assert again.stdout.count(FOOTER) == 0
    assert "23 June 2026 · sent" in again.stdout


def test_a_quiz_in_the_shell_with_two_players(config: Path) -> None:
    script = (
        "\n".join(
            [
                "/alliance quiz start questions 2",
                ":click 1",
                ":user bob",
                "b",
                "b",
                ":wait 25",
                ":user alice",
                "3",
                ":wait 25",
                "/alliance leaderboard",
                "/alliance stats bob",
            ]
        )
        + "\n"
    )
    result = shell(config, script, "--user", "alice")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "** Question 1/2 **" in out
    assert "[4] D. " in out
    assert "Your answer A is in." in out  # a button press: a private reply
    # Typed answers are plain messages, which Discord cannot answer privately: each gets
    # only an acknowledgement (bob's "b" twice, alice's "3"), never a message to all.
    assert out.count("✓ (answer received)") == 3
    assert "Your answer B is in." not in out and "Your answer C is in." not in out
    assert "only your first answer counts" not in out
    assert out.count("** Answer: ") == 2
    assert "** Question 2/2 **" in out
    assert "** Quiz over — scoreboard **" in out
    board = out.split("** Quiz over — scoreboard **")[1]
    assert "alice" in board and "bob" in board
    assert "** Leaderboard — page 1/1 **" in out
    assert "** Quiz stats — bob **" in out
    assert "/1)" in out.split("** Quiz stats — bob **")[1]  # bob's second "b" did not count
    assert "Source: " in out.split("** Answer: ")[1]


def test_shell_help_lists_the_bot_commands_from_their_specs(config: Path) -> None:
    result = shell(config, ":help\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert ":click N" in out and "Bot commands" in out
    for usage in ("fact [topic|id]", "quiz start [questions N] [topic] [difficulty]", "quiz stop"):
        assert f"  /alliance {usage}" in out


def test_a_flooding_user_gets_a_private_notice_and_others_are_answered(
    config: Path, tmp_path: Path
) -> None:
    limits = "\n[limits]\nuser_burst = 3\nuser_per_minute = 1\n"
    config.write_text(config.read_text(encoding="utf-8") + limits, encoding="utf-8")
    script = "/alliance on 22 June\n" * 6 + ":user bob\n/alliance on 22 June\n"
    result = shell(config, script)
    assert result.returncode == 0, result.stderr
    you, bob = result.stdout.split("Now speaking as bob.")
    assert you.count("** On 22 June in alliance history **") == 3
    assert you.count("── #general (only you can see this) ──") == 3
    assert len(re.findall(r"too quickly; try again in \d+ s", you)) == 3
    assert "try again in" not in bob and "** On 22 June in alliance history **" in bob
