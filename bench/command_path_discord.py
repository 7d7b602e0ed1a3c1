"""Command path on Discord: ``/alliance fact`` through ``alliance-bot run`` against a bare
discord.py command answering a constant, under the same concurrent load.

Each app runs in a process of its own, connected to its own fake Discord (tests/discord_fake,
the one the adapter's tests use) served from this process, which is also the load generator:
it sends INTERACTION_CREATE for ``/alliance fact`` over the gateway, ``concurrency`` commands
outstanding at a time, and a command ends when the reply reaches the fake (the interaction
callback, or the follow-up / edit of the original if the app deferred). A command with no
reply within :data:`ANSWER_PATIENCE_SECONDS`, or whose reply is private (an error or a
cooldown notice), is counted as unanswered.

- The bot: ``python -m bot run`` with DISCORD_TOKEN, a config pointing ``[discord]`` at the
  fake, a real SQLite file in a temporary data dir and the shipped corpus; the load comes as
  a busy server's would: every command from a different member, spread over
  :data:`CHANNELS` channels. The per-user cooldown is the shipped default (it never fires:
  one command per member); the per-channel one is off, because a thousand commands a second
  into one server's channels exceeds any channel limit, and the bare app has none.
- The baseline: :mod:`bench.bare_discord_bot`.

Rounds alternate (bot, bare, bot, bare …) on warm processes; each figure's best over each
side's rounds is kept (:class:`bench.command_rounds.Best`).
CPU time is the app process's own (``/proc/<pid>/stat`` utime + stime, every thread),
read before and after a round.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.bare_discord_bot import CONSTANT
from bench.command_rounds import (
    ANSWER_PATIENCE_SECONDS,
    CONCURRENCY,
    READY_PATIENCE_SECONDS,
    Answer,
    AppDied,
    Json,
    Measured,
    Round,
    child_env,
    parser,
    report,
    sizes,
    table_rows,
    tail,
    timed_round,
)
from tests.discord_fake import FakeChannel, FakeDiscord, FakeGuild, FakeUser, guild_id_on_shard

ROOT = Path(__file__).resolve().parent.parent
CHANNELS = 256
EPHEMERAL = 1 << 6


class TimingDiscord(FakeDiscord):
    """The fake Discord, telling the load generator when each command's reply arrives."""

    def __init__(self, guilds: list[FakeGuild]) -> None:
        super().__init__(guilds)
        self._waiting: dict[str, asyncio.Future[tuple[float, Json]]] = {}

    def expect(self, token: str) -> asyncio.Future[tuple[float, Json]]:
        """Resolves to (arrival time, message body) when the reply for ``token`` arrives."""
        waiting: asyncio.Future[tuple[float, Json]] = asyncio.get_running_loop().create_future()
        self._waiting[token] = waiting
        return waiting

    def _arrived(self, token: str, body: Json) -> None:
        waiting = self._waiting.pop(token, None)
        if waiting is not None and not waiting.done():
            waiting.set_result((time.perf_counter(), body))

    def forget(self) -> None:
        """Drop what was recorded, so a long run does not slow the fake down."""
        self.requests.clear()
        self.messages.clear()
        self.history.clear()
        self.interactions.clear()
        self._waiting.clear()

    async def _callback(self, request: Any, args: dict[str, str], body: Any) -> tuple[int, Any]:
        answer = await super()._callback(request, args, body)
        if answer[0] == 200 and body.get("type") == 4:  # a message, not a deferral
            self._arrived(args["token"], body.get("data") or {})
        return answer

    async def _followup(self, request: Any, args: dict[str, str], body: Any) -> tuple[int, Any]:
        answer = await super()._followup(request, args, body)
        if answer[0] == 200:
            self._arrived(args["token"], body)
        return answer

    async def _webhook_edit(self, request: Any, args: dict[str, str], body: Any) -> tuple[int, Any]:
        answer = await super()._webhook_edit(request, args, body)
        if answer[0] == 200:
            self._arrived(args["token"], body)
        return answer


@dataclass
class App:
    """One app process and the fake Discord it is connected to."""

    name: str
    fake: TimingDiscord
    process: asyncio.subprocess.Process
    log: Path
    channels: list[FakeChannel]
    answered_by: str  # "embed" (the bot) or "constant" (the bare baseline)
    rounds: list[Round] = field(default_factory=list)


def busy_guild() -> FakeGuild:
    """One server with :data:`CHANNELS` text channels."""
    guild_id = guild_id_on_shard(0, 1)
    channels = [FakeChannel(guild_id + 1 + n, f"room-{n}", guild_id) for n in range(CHANNELS)]
    return FakeGuild(guild_id, "Busy server", channels)


def bot_argv(fake: FakeDiscord, folder: Path) -> list[str]:
    """``alliance-bot run`` with a config pointing at ``fake`` and a SQLite file in ``folder``."""
    config = folder / "bench.toml"
    config.write_text(
        f'[bot]\ndata_dir = "{folder}"\n'
        f"[limits]\nchannel_per_minute = 0\n"
        f'[discord]\napi_base_url = "{fake.api_base_url}"\ngateway_url = "{fake.gateway_url}"\n',
        encoding="utf-8",
    )
    return [sys.executable, "-m", "bot", "run", "--config", str(config)]


def bare_argv(fake: FakeDiscord, folder: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "bench.bare_discord_bot",
        "--api-base-url",
        fake.api_base_url,
        "--gateway-url",
        fake.gateway_url,
    ]


@asynccontextmanager
async def running_app(name: str, folder: Path, profile: Path | None = None) -> AsyncIterator[App]:
    """``name`` ("bot" or "bare") in its own process on its own fake, warmed up."""
    guild = busy_guild()
    fake = TimingDiscord([guild])
    await fake.start()
    here = folder / name
    here.mkdir()
    argv = (bot_argv if name == "bot" else bare_argv)(fake, here)
    if profile is not None:
        argv[1:1] = ["-m", "cProfile", "-o", str(profile)]
    log = here / "app.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *argv,
            env=child_env(ROOT, DISCORD_TOKEN=fake.token),
            cwd=here,
            stdout=output,
            stderr=output,
        )
    app = App(name, fake, process, log, guild.channels, "embed" if name == "bot" else "constant")
    try:
        await _warm_up(app)
        yield app
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()
        await fake.close()


async def _warm_up(app: App) -> None:
    try:
        await app.fake.wait_ready(within=READY_PATIENCE_SECONDS)
    except AssertionError:
        raise AppDied(f"{app.name} never connected:\n{tail(app.log)}") from None
    # The first command waits out discord.py's on_ready delay and the app's lazy loads.
    first = await one_round(app, 1, 1, patience=READY_PATIENCE_SECONDS, measured=False)
    if first.unanswered:
        raise AppDied(f"{app.name} did not answer its first command:\n{tail(app.log)}")
    await one_round(app, CONCURRENCY * 2, CONCURRENCY, measured=False)


def _fact_payload(app: App, n: int) -> Json:
    fake = app.fake
    channel = app.channels[n % len(app.channels)]
    member = FakeUser(fake.ids.next(), f"member-{n}")
    data: Json = {
        "id": str(fake.ids.next()),
        "name": "alliance",
        "type": 1,
        "options": [{"name": "fact", "type": 1, "options": []}],
        "guild_id": str(channel.guild_id),
    }
    return fake.interaction_payload(2, data, channel, member)


def is_answer(answered_by: str, body: Json) -> bool:
    """A public reply of the right kind: the bot's fact embed (``answered_by`` "embed"), or
    the bare constant ("constant")."""
    if (body.get("flags") or 0) & EPHEMERAL:
        return False
    if answered_by == "constant":
        return body.get("content") == CONSTANT
    return len(body.get("embeds") or []) == 1


async def one_round(
    app: App,
    commands: int,
    concurrency: int,
    patience: float = ANSWER_PATIENCE_SECONDS,
    measured: bool = True,
) -> Round:
    """``commands`` commands, ``concurrency`` outstanding at a time."""

    async def send(n: int) -> Answer | None:
        payload = _fact_payload(app, n)
        arrival = app.fake.expect(payload["token"])
        sent = time.perf_counter()
        await app.fake.inject_interaction(payload)
        try:
            arrived, body = await asyncio.wait_for(arrival, patience)
        except TimeoutError:
            return None
        return arrived - sent, body, False

    done = await timed_round(
        app.name,
        app.process,
        app.log,
        range(commands),
        concurrency,
        send,
        lambda body: is_answer(app.answered_by, body),
    )
    app.fake.forget()
    if measured:
        app.rounds.append(done)
    return done


async def measure(
    rounds: int,
    commands: int,
    concurrency: int = CONCURRENCY,
    profile: Path | None = None,
) -> Measured:
    """Alternating rounds, bot first; keeps every round of each side."""
    with tempfile.TemporaryDirectory() as folder:
        async with (
            running_app("bot", Path(folder), profile) as bot,
            running_app("bare", Path(folder)) as bare,
        ):
            for _ in range(rounds):
                await one_round(bot, commands, concurrency)
                await one_round(bare, commands, concurrency)
    return Measured(tuple(bot.rounds), tuple(bare.rounds), commands, concurrency)


def rows(quick: bool = False, rounds: int | None = None) -> list[Any]:
    """The Discord command-path rows of the table (``bench.__main__.Row``)."""
    return table_rows("Discord", asyncio.run(measure(*sizes(quick, rounds))))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.command_path_discord [--quick] [--rounds N] [--commands N]
    [--profile FILE]``: this benchmark alone."""
    args = parser(__doc__).parse_args(argv)
    rounds, commands = sizes(args.quick, args.rounds, args.commands)
    report("Discord", asyncio.run(measure(rounds, commands, profile=args.profile)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
