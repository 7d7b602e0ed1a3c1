"""The shell's threads and DMs (:thread, :dm) and the users' stored settings, driven as a
script against the whole bot on a real SQLite file."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from bot.adapters.shell import ShellAdapter, ShellTerminal, default_speaker
from bot.app import running_core
from bot.config import Settings
from bot.core.clock import SimulatedClock
from bot.runtime import running_runtime
from tests.conftest import FIXTURE_FACTS


async def run_script(tmp_path: Path, script: str, now: datetime | None = None) -> str:
    settings = Settings.model_validate(
        {"bot": {"facts_dir": str(FIXTURE_FACTS), "data_dir": str(tmp_path)}}
    )
    out = io.StringIO()
    terminal = ShellTerminal(out)
    clock = SimulatedClock(now or datetime(2026, 6, 22, 10, 0, tzinfo=UTC))
    async with (
        running_core(settings, {terminal.platform: terminal}, clock) as core,
        running_runtime(core, clock, poll="timers") as runtime,
    ):
        shell = ShellAdapter(
            core, runtime, clock, terminal, default_speaker("you", "general", "en")
        )
        assert await shell.run(io.StringIO(script), False) == 0
    return out.getvalue()


async def test_a_users_language_follows_their_stored_setting(tmp_path: Path) -> None:
    script = (
        ":user kenji\n/alliance settings language ja\n/alliance today\n"
        ":user bob\n/alliance today\n"
        ":channel history-club\n:user kenji\n/alliance today\n"
    )
    out = await run_script(tmp_path, script)
    kenji, bob, kenji_elsewhere = out.split("/alliance today")[1:]
    assert "** 今日は何の日 — 6月22日 **" in kenji and "85年前" in kenji
    assert "** On this day — 22 June **" in bob  # bob has set nothing: the shell's locale
    # The preference follows kenji to another channel of the same server.
    assert "85年前" in kenji_elsewhere
    assert "(only you can see this)" in out.split("/alliance settings language ja")[1]


async def test_a_users_time_zone_moves_their_today(tmp_path: Path) -> None:
    # 10:00 UTC on 22 June is already 23 June at Kiritimati (UTC+14).
    out = await run_script(
        tmp_path, "/alliance settings timezone Pacific/Kiritimati\n/alliance today\n"
    )
    assert "On this day — 23 June" in out.split("/alliance today")[1]


async def test_a_bad_zone_gets_a_friendly_answer(tmp_path: Path) -> None:
    out = await run_script(tmp_path, "/alliance settings timezone Asia/Tokio\n")
    assert "use an IANA name like Asia/Tokyo" in out and "Did you mean: Asia/Tokyo" in out


async def test_a_quiz_started_in_a_thread_stays_in_the_thread(tmp_path: Path) -> None:
    script = (
        ":thread quiz-night\n/alliance quiz start questions 1\n:click 1\n"
        ":channel general\nB\n:thread quiz-night\n:wait 25\n"
    )
    out = await run_script(tmp_path, script)
    assert "Now in the thread quiz-night of #general." in out
    assert "#general › quiz-night you> " in out  # the prompt names the thread
    assert "── #general › quiz-night ──\n** Question 1/1 **" in out
    assert "Your answer A is in." in out  # the button press, in the thread
    in_channel = out.split("#general you> B")[1].split("#general › quiz-night you>")[0]
    assert "answer received" not in in_channel  # the channel has no quiz to answer
    assert "(message 1 in #general › quiz-night edited:)" in out
    assert "── #general › quiz-night ──\n** Quiz over — scoreboard **" in out
    assert "── #general ──\n** Answer" not in out


async def test_a_dm_runs_only_what_needs_no_server(tmp_path: Path) -> None:
    script = (
        ":user alice --admin\n:dm\n/alliance quiz start\n/alliance subscribe time 09:00\n"
        "/alliance today\n/alliance settings\n:thread nope\n:channel general\n"
        "/alliance subscription\n"
    )
    out = await run_script(tmp_path, script)
    assert "Now in a DM with the bot as alice" in out
    assert "DM @alice alice> " in out
    assert out.count("works only in a server channel") == 2
    assert "── DM @alice (only you can see this) ──" in out
    assert "** On this day — 22 June **" in out.split("/alliance today")[1]
    assert "Threads are in server channels" in out
    assert "#general alice> /alliance subscription" in out
    # Back in a server channel, the same user's server commands run again.
    assert "#general has no daily post." in out.split("/alliance subscription")[-1]


async def test_thread_and_channel_names_that_would_be_ambiguous_are_refused(
    tmp_path: Path,
) -> None:
    out = await run_script(tmp_path, ":thread a/b\n:thread\n:channel @x\n:dm now\n")
    assert out.count("Usage: :thread NAME") == 2
    assert "Usage: :channel NAME" in out and "Usage: :dm" in out


async def test_a_stored_language_labels_the_sources_whatever_the_shells_language(
    tmp_path: Path,
) -> None:
    out = await run_script(tmp_path, "/alliance settings language ja\n/alliance today\n")
    after = out.split("/alliance today")[1]
    assert "出典:" in after and "Source:" not in after
