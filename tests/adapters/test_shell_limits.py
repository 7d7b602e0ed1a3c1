"""The shell's hard edges: the clock's range, long jumps, bad bytes, buttons per channel, the
read loop's guard, and labels in the shell's language."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.shell import ShellAdapter, ShellTerminal, default_speaker, posts_between
from bot.app import running_core
from bot.config import Settings
from bot.core.clock import SimulatedClock
from bot.core.daily.schedule import PostTime
from bot.runtime import running_runtime
from tests.conftest import FIXTURE_FACTS, REPO_ROOT

NOW = "2026-06-22T10:00:00+00:00"
FOOTER = "(Daily post · /alliance subscription shows the settings)"
END = ":channel end\n"
ENDED = "Now in #end."


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[bot]\nfacts_dir = "{FIXTURE_FACTS}"\ndata_dir = "{tmp_path / "data"}"\n',
        encoding="utf-8",
    )
    return path


def shell(
    config: Path, script: str | bytes, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    now = [] if "--now" in extra else ["--now", NOW]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "shell", "--config", str(config), *now, *extra],
        input=script.encode() if isinstance(script, str) else script,
        capture_output=True,
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )
    return subprocess.CompletedProcess(
        result.args,
        result.returncode,
        result.stdout.decode("utf-8", "replace"),
        result.stderr.decode("utf-8", "replace"),
    )


def assert_survived(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert ENDED in result.stdout


def test_jumps_past_the_clocks_range_get_a_message_and_leave_the_clock(config: Path) -> None:
    script = (
        ":wait 999999999999\n"
        f":wait {'9' * 400}\n"
        ":time 9999-12-31T23:59:59-14:00\n"
        ":time 0001-01-01T00:00:00+14:00\n"
        "/alliance today\n" + END
    )
    result = shell(config, script)
    assert_survived(result)
    out = result.stdout
    assert out.count("That wait would take the clock past 2999-12-31 (UTC)") == 2
    assert "Cannot set the clock: 9999-12-31T23:59:59-14:00 is outside the simulated " in out
    assert "0001-01-01T00:00:00+14:00 is outside the simulated clock's range" in out
    assert "Clock:" not in out
    assert "On this day — 22 June" in out


@pytest.mark.parametrize("now", ["0001-01-01T00:00:00+00:00", "9999-12-31T23:00:00+00:00"])
def test_a_start_outside_the_range_is_a_usage_error(config: Path, now: str) -> None:
    result = shell(config, ":user t --admin\n/alliance subscribe\n", "--now", now)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"--now: {now} is outside the simulated clock's range, 1970-01-01 to 2999-12-31 (UTC)"
    )


def test_the_last_moments_of_the_range_still_post_and_refuse_to_go_further(
    config: Path,
) -> None:
    script = (
        ":user t --admin\n/alliance subscribe time 00:00 timezone Pacific/Kiritimati\n"
        ":wait 1d\n:wait 1d\n" + END
    )
    result = shell(config, script, "--now", "2999-12-29T12:00:00+00:00")
    assert_survived(result)
    assert result.stdout.count(FOOTER) == 1
    assert "Clock: 2999-12-30T12:00:00+00:00" in result.stdout
    assert "That wait would take the clock past 2999-12-31" in result.stdout


def test_a_ten_year_jump_replays_only_its_last_day_and_says_what_it_skipped(
    config: Path,
) -> None:
    script = (
        ":user t --admin\n/alliance subscribe time 09:00 timezone UTC\n"
        ":wait 3650d\n/alliance subscription\n" + END
    )
    result = shell(config, script)
    assert_survived(result)
    out = result.stdout
    # 23 June 2026 to 18 June 2036 are skipped; 19 June 2036 09:00 is sent at its minute.
    assert "Skipped 3649 daily posts due more than a day before the new time" in out
    assert out.count(FOOTER) == 1
    assert "Clock: 2036-06-19T10:00:00+00:00" in out
    assert "19 June 2036 · sent" in out


def test_a_two_day_jump_skips_one_post_and_sends_the_other(config: Path) -> None:
    script = ":user t --admin\n/alliance subscribe time 09:00 timezone UTC\n:wait 2d\n" + END
    result = shell(config, script)
    assert_survived(result)
    assert "Skipped 1 daily post due more than a day" in result.stdout
    assert result.stdout.count(FOOTER) == 1


# Python decodes stdin strictly under a UTF-8 locale (a bad byte ends the session) and with
# surrogate escapes under C.UTF-8 (the escapes then fail in the database): both are covered.
@pytest.mark.parametrize("stdin_errors", ["strict", "surrogateescape"])
def test_invalid_utf8_on_stdin_is_replaced(config: Path, stdin_errors: str) -> None:
    script = (
        b"/alliance search \xff\xfeYalta\n:user \xc3\x28x --admin\n"
        b":channel \xed\xa0\x80\n/alliance subscribe\n/alliance on \xe6\x97\n"
    )
    env = {"PYTHONIOENCODING": f"utf-8:{stdin_errors}"}
    result = shell(config, script + END.encode(), env=env)
    assert_survived(result)
    out = result.stdout
    assert "** Search:" in out and "Now speaking as \ufffd(x (admin)." in out
    assert "Subscribed #\ufffd\ufffd\ufffd to the daily post" in out
    assert "That line failed" not in out


def test_click_presses_the_buttons_of_the_current_channel(config: Path) -> None:
    script = (
        ":user t --admin\n:channel daily\n"
        "/alliance subscribe time 10:01 timezone UTC question on\n"
        ":channel general\n/alliance search Yalta\n"
        # The daily post, with the question's answer buttons, arrives in #daily after the search.
        ":wait 2m\n:click 1\n"
        ":channel elsewhere\n:click 1\n" + END
    )
    result = shell(config, script)
    assert_survived(result)
    out = result.stdout
    daily_post, after_wait = out.split("> :click 1", 1)
    assert FOOTER in daily_post and "── #daily ──" in daily_post
    assert "** The Yalta Conference **" in after_wait.split("> :channel elsewhere")[0]
    assert "No message with buttons in #elsewhere yet." in out


@pytest.mark.parametrize("number", ["³", "①", "1" * 5000, "-1", "0"])
def test_click_refuses_what_is_not_a_button_number(config: Path, number: str) -> None:
    result = shell(config, f"/alliance search Yalta\n:click {number}\n" + END)
    assert_survived(result)
    assert "Usage: :click N, with N from 1 to " in result.stdout


def test_click_takes_full_width_digits(config: Path) -> None:
    result = shell(config, "/alliance search Yalta\n:click １\n" + END)
    assert_survived(result)
    assert "** The Yalta Conference **" in result.stdout


def test_the_source_label_follows_the_shells_language(config: Path) -> None:
    result = shell(config, "/alliance today\n:lang en\n/alliance today\n" + END, "--lang", "ja")
    assert_survived(result)
    japanese, english = result.stdout.split("> :lang en")
    assert "出典: Office of the Historian" in japanese and "Source:" not in japanese
    assert "Source: Office of the Historian" in english and "出典" not in english


class TerminalThatFailsOnce(io.StringIO):
    """A terminal that goes wrong once, in the middle of printing a reply."""

    def __init__(self, fail_on: str) -> None:
        super().__init__()
        self._fail_on: str | None = fail_on

    def write(self, text: str) -> int:
        if self._fail_on is not None and self._fail_on in text:
            self._fail_on = None
            raise OSError("the terminal went away")
        return super().write(text)


async def test_an_unexpected_error_prints_one_line_and_the_session_goes_on(
    tmp_path: Path,
) -> None:
    settings = Settings.model_validate(
        {"bot": {"facts_dir": str(FIXTURE_FACTS), "data_dir": str(tmp_path)}}
    )
    out = TerminalThatFailsOnce(fail_on="On this day")
    terminal = ShellTerminal(out)
    clock = SimulatedClock(datetime(2026, 6, 22, 10, 0, tzinfo=UTC))
    async with (
        running_core(settings, {terminal.platform: terminal}, clock) as core,
        running_runtime(core, clock, poll="timers") as runtime,
    ):
        shell = ShellAdapter(
            core, runtime, clock, terminal, default_speaker("you", "general", "en")
        )
        status = await shell.run(io.StringIO("/alliance today\n/alliance today\n" + END), False)
    assert status == 0
    text = out.getvalue()
    assert "That line failed (OSError: the terminal went away); the session goes on." in text
    assert text.count("On this day — 22 June") == 1  # the second line got its answer
    assert ENDED in text


def brute_force_count(post_time: PostTime, since: datetime, start: datetime, end: datetime) -> int:
    day = post_time.local_date(start) - timedelta(days=2)
    count = 0
    while (moment := post_time.on(day)) <= end + timedelta(days=2):
        count += start < moment <= end and moment >= since
        day += timedelta(days=1)
    return count


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Tokyo", "Australia/Lord_Howe"])
@pytest.mark.parametrize(("hour", "minute"), [(0, 0), (2, 30), (9, 0), (23, 59)])
def test_posts_between_counts_each_local_day_once_across_dst(
    zone: str, hour: int, minute: int
) -> None:
    post_time = PostTime(hour, minute, ZoneInfo(zone))
    base = datetime(2026, 3, 1, tzinfo=UTC)
    for start_hours, length_hours, since_hours in [
        (0, 24 * 300, 0),
        (7, 24 * 40 + 5, 24 * 10 + 3),
        (13, 1, 0),
        (0, 0, 0),
        (5, 24 * 30, 24 * 60),
    ]:
        start = base + timedelta(hours=start_hours)
        end = start + timedelta(hours=length_hours)
        since = base + timedelta(hours=since_hours)
        assert posts_between(post_time, since, start, end) == brute_force_count(
            post_time, since, start, end
        )
    due = post_time.on(post_time.local_date(base) + timedelta(days=5))
    assert posts_between(post_time, base, due, due + timedelta(days=1)) == 1  # start excluded
    assert posts_between(post_time, base, due - timedelta(days=1), due) == 1  # end included
