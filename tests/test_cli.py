"""The command line, run as a user runs it: in a subprocess."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import _configure_logging
from bot.config import Settings
from tests.conftest import FIXTURE_FACTS, REPO_ROOT


def cli(*args: str, cwd: Path = REPO_ROOT, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_validate_counts_good_facts() -> None:
    result = cli("facts", "validate", "--facts-dir", str(FIXTURE_FACTS))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("4 facts")


def test_validate_reports_every_problem_and_fails(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        '- id: a\n  date: "1941-02-30"\n- id: b\n  date: "1941"\n', encoding="utf-8"
    )
    result = cli("facts", "validate", "--facts-dir", str(tmp_path))
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith(str(tmp_path))]
    assert any(line.startswith(f"{tmp_path}/bad.yaml:2: ") for line in lines)
    assert any(line.startswith(f"{tmp_path}/bad.yaml:3: ") for line in lines)


def test_list_as_json_lines_with_dates_as_written() -> None:
    result = cli("facts", "list", "--facts-dir", str(FIXTURE_FACTS), "--json")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 4
    by_id = {r["id"]: r for r in records}
    assert by_id["winter-war-leap-test"]["date"] == "1940-02"
    assert by_id["yalta-conference"]["end_date"] == "1945-02-11"
    assert set(by_id["yalta-conference"]) == {
        "id",
        "date",
        "end_date",
        "title",
        "text",
        "tags",
        "people",
        "sources",
    }
    assert by_id["yalta-conference"]["title"]["ja"] == "ヤルタ会談"


def test_list_filters_by_day_and_tag() -> None:
    on_day = cli("facts", "list", "--facts-dir", str(FIXTURE_FACTS), "--on", "06-22")
    assert on_day.stdout.split()[1] == "operation-barbarossa"
    assert len(on_day.stdout.splitlines()) == 1
    tagged = cli("facts", "list", "--facts-dir", str(FIXTURE_FACTS), "--tag", "lend-lease")
    assert "lend-lease-act" in tagged.stdout and "yalta" not in tagged.stdout
    bad = cli("facts", "list", "--facts-dir", str(FIXTURE_FACTS), "--on", "13-40")
    assert bad.returncode == 2 and "MM-DD" in bad.stderr


def test_run_without_a_platform_says_what_to_set(tmp_path: Path) -> None:
    result = cli("run", cwd=tmp_path)
    assert result.returncode != 0
    assert "DISCORD_TOKEN" in result.stderr and "alliance-bot shell" in result.stderr


def test_the_bot_refuses_to_start_on_bad_facts(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("- id: x\n", encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f'[bot]\nfacts_dir = "{tmp_path}"\n', encoding="utf-8")
    result = cli("shell", "--config", str(config), stdin="/alliance today\n")
    assert result.returncode == 1
    assert f"{tmp_path}/bad.yaml:1: fact 'x': missing required key" in result.stderr
    assert "will not start" in result.stderr


def test_a_bad_config_is_reported_not_raised(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[bot]\nlanguage = "xx"\n', encoding="utf-8")
    result = cli("shell", "--config", str(config))
    assert result.returncode == 2
    assert "configuration error" in result.stderr and "Traceback" not in result.stderr


def test_health_follows_the_heartbeat(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[bot]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    assert cli("health", "--config", str(config)).returncode == 1
    from bot.health import beat, heartbeat_path

    beat(heartbeat_path(tmp_path / "data"))
    assert cli("health", "--config", str(config)).returncode == 0


def test_health_refuses_a_heartbeat_from_the_future(tmp_path: Path) -> None:
    from bot.health import beat, heartbeat_path

    config = tmp_path / "config.toml"
    config.write_text(f'[bot]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    heartbeat = heartbeat_path(tmp_path / "data")
    beat(heartbeat)
    an_hour_ahead = time.time() + 3600
    os.utime(heartbeat, (an_hour_ahead, an_hour_ahead))
    result = cli("health", "--config", str(config))
    assert result.returncode == 1
    assert "in the future" in result.stderr


def test_health_with_a_file_as_the_data_directory_says_so(tmp_path: Path) -> None:
    not_a_directory = tmp_path / "data"
    not_a_directory.write_text("oops", encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f'[bot]\ndata_dir = "{not_a_directory}"\n', encoding="utf-8")
    result = cli("health", "--config", str(config))
    assert result.returncode == 1
    assert result.stderr == f"unhealthy: the data directory {not_a_directory} is not a directory\n"


@pytest.mark.parametrize(
    ("level", "bot", "root"),
    [
        ("INFO", logging.INFO, logging.WARNING),
        ("ERROR", logging.ERROR, logging.WARNING),
        # DEBUG opens the libraries' loggers too: their request lines are what debugging needs.
        ("DEBUG", logging.DEBUG, logging.DEBUG),
    ],
)
def test_log_level_sets_the_bots_loggers_and_at_debug_the_libraries(
    level: str, bot: int, root: int
) -> None:
    bot_logger, root_logger = logging.getLogger("bot"), logging.getLogger()
    saved = bot_logger.level, root_logger.level
    root_logger.setLevel(logging.WARNING)  # what main()'s basicConfig leaves
    try:
        _configure_logging(Settings.model_validate({"bot": {"log_level": level}}))
        assert (bot_logger.level, root_logger.level) == (bot, root)
    finally:
        bot_logger.setLevel(saved[0])
        root_logger.setLevel(saved[1])
