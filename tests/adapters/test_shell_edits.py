"""The shell shows an edit as a new version of a numbered message, and keeps each message's
buttons with it: a page button replaces its page, an edit never takes another's buttons."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

from bot.adapters.shell import ShellAdapter, ShellTerminal, default_speaker
from bot.app import running_core
from bot.config import Settings
from bot.core.clock import SimulatedClock
from bot.core.ports import MessageHandle, PostTarget
from bot.core.replies import Button, Reply
from bot.runtime import running_runtime
from tests.conftest import FIXTURE_FACTS


async def run_script(tmp_path: Path, script: str) -> str:
    settings = Settings.model_validate(
        {"bot": {"facts_dir": str(FIXTURE_FACTS), "data_dir": str(tmp_path)}}
    )
    out = io.StringIO()
    terminal = ShellTerminal(out)
    clock = SimulatedClock(datetime(2026, 6, 22, 10, 0, tzinfo=UTC))
    async with (
        running_core(settings, {terminal.platform: terminal}, clock) as core,
        running_runtime(core, clock, poll="timers") as runtime,
    ):
        shell = ShellAdapter(
            core, runtime, clock, terminal, default_speaker("you", "general", "en")
        )
        assert await shell.run(io.StringIO(script), False) == 0
    return out.getvalue()


async def test_leaderboard_page_buttons_edit_the_leaderboard_message(tmp_path: Path) -> None:
    # Eleven players make two pages of ten.
    players = "".join(f":user player{n:02}\nA\n" for n in range(11))
    script = (
        f"/alliance quiz start questions 1\n{players}:wait 25\n:user you\n"
        "/alliance leaderboard\n:click 1\n:click 1\n/alliance search Yalta\n:click 1\n"
    )
    out = await run_script(tmp_path, script)
    assert out.count("✓ (answer received)") == 11
    pieces = re.split(r"you> (?::click 1|/alliance search)", out)
    board, first_click, second_click, search, after_search = pieces
    assert "** Leaderboard — page 1/2 **" in board and "[1] 2/2 →" in board
    edited = re.findall(r"\(message (\d+) in #general edited:\)", first_click + second_click)
    assert len(edited) == 2 and edited[0] == edited[1]  # the same message, twice
    assert "** Leaderboard — page 2/2 **" in first_click and "[1] ← 1/2" in first_click
    assert "11. player" in first_click
    assert "** Leaderboard — page 1/2 **" in second_click and "[1] 2/2 →" in second_click
    # A button whose reply does not ask to replace its message gets a new one.
    assert "edited" not in after_search and "** The Yalta Conference **" in after_search
    assert "edited" not in search


def buttons(*labels: str) -> tuple[Button, ...]:
    return tuple(Button(label, f"fact {label}") for label in labels)


async def test_an_edit_changes_only_the_buttons_of_the_message_it_edits() -> None:
    out = io.StringIO()
    terminal = ShellTerminal(out)
    target = PostTarget("shell", "local", "general", "general")
    older = await terminal.post(target, Reply(body="older", buttons=buttons("a")), "k-1")
    newer = await terminal.post(target, Reply(body="newer", buttons=buttons("b")), "k-2")
    assert terminal.buttons_in("general") == buttons("b")

    await terminal.edit(older, Reply(body="older, closed"))
    assert terminal.buttons_in("general") == buttons("b")  # not the edited message's to lose
    assert terminal.message_with_buttons("general") == newer

    await terminal.edit(newer, Reply(body="newer, closed"))
    assert terminal.buttons_in("general") == ()

    await terminal.edit(older, Reply(body="older, reopened", buttons=buttons("c")))
    assert terminal.message_with_buttons("general") == older
    assert terminal.buttons_in("general") == buttons("c")
    assert f"(message {older.message_id} in #general edited:)\n── #general ──\nolder, reopened" in (
        out.getvalue()
    )


async def test_every_message_gets_its_own_number() -> None:
    terminal = ShellTerminal(io.StringIO())
    shown = terminal.show(Reply(body="a command's reply"), "general")
    posted = await terminal.post(
        PostTarget("shell", "local", "general", "general"), Reply(body="a post"), "k-1"
    )
    assert shown != posted
    assert {shown.message_id, posted.message_id} == {"1", "2"}
    assert isinstance(posted, MessageHandle) and posted.channel_id == "general"
