"""Command path on Slack: signed ``/alliance fact`` slash commands into ``alliance-bot run``
in HTTP mode, against a bare Bolt app answering a constant, under the same concurrent load.

Each app runs in a process of its own; this process is the load generator and serves the
fake Slack Web API (tests/slack_fake, the one the adapter's tests use) both apps are pointed
at, for ``auth.test``, ``users.info`` and the commands' ``response_url``:

- The bot: ``python -m bot run`` with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, a config in
  HTTP mode on a loopback port, a real SQLite file in a temporary data dir and the shipped
  corpus. The cooldowns are the shipped defaults, so the load comes as a busy workspace's
  would: :data:`CHANNELS` channels, and as many members as commands in a round, each
  sending one command per round (the warm-up round has every member use the bot once, so
  measured rounds see what a workspace whose members use the bot sees: ``users.info``
  answered from the adapter's cache). ``--cold`` (this module alone) has every command
  come from a member the bot has never seen instead, each costing a ``users.info``.
- The baseline: :mod:`bench.bare_slack_app`, a bare slack-bolt ``AsyncApp`` on the same
  server stack (Bolt's aiohttp app, an aiohttp ``AppRunner`` without access log), acking
  every ``/alliance`` with a constant text.

A command is answered when its reply arrives where the person would see it: in the HTTP
response (the ack) when the app answers there, else through the ``response_url`` POST
reaching the fake. A command with no public reply within :data:`ANSWER_PATIENCE_SECONDS`
(an error, a cooldown notice, a refused request, nothing) is counted as unanswered.

Rounds alternate (bot, bare, bot, bare …) on warm processes; each figure's best over each
side's rounds is kept (:class:`Best`). CPU time is the app process's own
(``/proc/<pid>/stat`` utime + stime, every thread), read before and after a round.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

from bench.bare_slack_app import CONSTANT, EVENTS_PATH
from tests.slack_fake import FakeSlack, FakeUser, signed_headers

ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "bench-signing-secret-5b4a3c2d1e"
CONCURRENCY = 32
COMMANDS = 2_000
QUICK_COMMANDS = 50
CHANNELS = 512
ANSWER_PATIENCE_SECONDS = 10.0
READY_PATIENCE_SECONDS = 60.0
FORM = "application/x-www-form-urlencoded"
Json = dict[str, Any]


class AppDied(RuntimeError):
    """The app under test exited, or never answered its first command."""


class TimingSlack(FakeSlack):
    """The fake Slack, telling the load generator when a response_url POST arrives."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self._waiting: dict[str, asyncio.Future[tuple[float, Json]]] = {}

    def expect(self, name: str) -> asyncio.Future[tuple[float, Json]]:
        """Resolves to (arrival time, body) when the response_url ``name`` is posted to."""
        waiting: asyncio.Future[tuple[float, Json]] = asyncio.get_running_loop().create_future()
        self._waiting[name] = waiting
        return waiting

    def abandon(self, name: str) -> None:
        self._waiting.pop(name, None)

    async def _response_url(self, request: Any) -> Any:
        answer = await super()._response_url(request)
        name, body = self.responses[-1]
        waiting = self._waiting.pop(name, None)
        if waiting is not None and not waiting.done():
            waiting.set_result((time.perf_counter(), body))
        return answer

    def forget(self) -> None:
        """Drop what was recorded, so a long run does not slow the fake down."""
        self.calls.clear()
        self.responses.clear()
        self.messages.clear()


@dataclass(frozen=True)
class Round:
    """One round of ``commands`` commands against one app."""

    commands: int
    seconds: float
    latencies: tuple[float, ...]  # of the answered commands, sorted
    cpu_seconds: float
    unanswered: int
    via_response_url: int  # answered through the response_url rather than in the ack

    @property
    def per_second(self) -> float:
        return self.commands / self.seconds

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("inf")
        return self.latencies[min(len(self.latencies) - 1, int(share * len(self.latencies)))]

    @property
    def cpu_per_command(self) -> float:
        return self.cpu_seconds / self.commands


@dataclass
class App:
    """One app process, where it listens, and the fake Slack it talks to."""

    name: str
    fake: TimingSlack
    process: asyncio.subprocess.Process
    log: Path
    events_url: str
    session: aiohttp.ClientSession
    members: int
    cold: bool = False  # members are not warmed up: each command is a first one
    rounds: list[Round] = field(default_factory=list)
    sent: int = 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (all its threads)."""
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    fields = stat.rsplit(")", 1)[1].split()
    # Fields 14 and 15 of proc(5), counted from 1; the split starts at field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(fake: FakeSlack) -> dict[str, str]:
    # Nothing from this shell's platform or database settings leaks into the app.
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "ALLIANCE_"))
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(ROOT)
    env["SLACK_BOT_TOKEN"] = fake.bot_token
    env["SLACK_SIGNING_SECRET"] = SIGNING_SECRET
    return env


def bot_argv(fake: FakeSlack, folder: Path, port: int) -> list[str]:
    """``alliance-bot run`` in HTTP mode on ``port``, a SQLite file in ``folder``."""
    config = folder / "bench.toml"
    config.write_text(
        f'[bot]\ndata_dir = "{folder}"\n'
        f'[slack]\nenabled = true\nmode = "http"\nhost = "127.0.0.1"\nport = {port}\n'
        f'api_url = "{fake.api_url}"\n',
        encoding="utf-8",
    )
    return [sys.executable, "-m", "bot", "run", "--config", str(config)]


def bare_argv(fake: FakeSlack, folder: Path, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "bench.bare_slack_app",
        "--port",
        str(port),
        "--api-url",
        fake.api_url,
    ]


@asynccontextmanager
async def running_app(
    name: str, folder: Path, members: int, profile: Path | None = None, cold: bool = False
) -> AsyncIterator[App]:
    """``name`` ("bot" or "bare") in its own process against its own fake, warmed up."""
    fake = TimingSlack()
    for n in range(members):
        fake.add_user(FakeUser(f"U{n:05d}", f"member-{n}"))
    await fake.start()
    here = folder / name
    here.mkdir()
    port = free_port()
    argv = (bot_argv if name == "bot" else bare_argv)(fake, here, port)
    if profile is not None:
        argv[1:1] = ["-m", "cProfile", "-o", str(profile)]
    log = here / "app.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *argv, env=_env(fake), cwd=here, stdout=output, stderr=output
        )
    connector = aiohttp.TCPConnector(limit=0)  # the workers bound what is outstanding
    async with aiohttp.ClientSession(connector=connector) as session:
        app = App(
            name,
            fake,
            process,
            log,
            f"http://127.0.0.1:{port}{EVENTS_PATH}",
            session,
            members,
            cold,
        )
        try:
            await _warm_up(app)
            yield app
        finally:
            if process.returncode is None:
                process.terminate()
                await process.wait()
            await fake.close()


async def _warm_up(app: App) -> None:
    deadline = time.monotonic() + READY_PATIENCE_SECONDS
    # Until the app listens and answers: its first command is the readiness probe.
    while (first := await _send(app, app.sent, READY_PATIENCE_SECONDS)) is None:
        if app.process.returncode is not None or time.monotonic() > deadline:
            raise AppDied(
                f"{app.name} never answered (exit {app.process.returncode}):\n{_tail(app.log)}"
            )
        await asyncio.sleep(0.1)
    app.sent += 1
    if not is_answer(app, first[1]):
        raise AppDied(f"{app.name} answered its first command wrongly: {first[1]}")
    if not app.cold:
        # Every member uses the app once (the bot caches who they are, as in a live workspace).
        await one_round(app, app.members - 1, CONCURRENCY, measured=False)


def _tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-3000:]


def command_body(app: App, n: int) -> tuple[bytes, str]:
    """Slash command number ``n`` as Slack form-encodes it, and its response_url's name."""
    fake = app.fake
    name = f"{app.name}-{n}"
    member = n % app.members
    body = urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": fake.team_id,
            "team_domain": "bench",
            "channel_id": f"C{n % CHANNELS:05d}",
            "channel_name": f"room-{n % CHANNELS}",
            "user_id": f"U{member:05d}",
            "user_name": f"member-{member}",
            "command": "/alliance",
            "text": "fact",
            "api_app_id": "A0APP",
            "is_enterprise_install": "false",
            "response_url": fake.response_url(name),
            "trigger_id": f"trigger-{name}",
        }
    ).encode()
    return body, name


def is_answer(app: App, body: Json) -> bool:
    """A public reply of the right kind: the bot's fact (Block Kit), or the bare constant."""
    if body.get("response_type") != "in_channel":
        return False
    if app.name == "bare":
        return body.get("text") == CONSTANT
    return bool(body.get("blocks")) and bool(body.get("text"))


async def _send(app: App, n: int, patience: float) -> tuple[float, Json, bool] | None:
    """Send command ``n``; (latency, reply, whether via response_url), or None if no reply."""
    body, name = command_body(app, n)
    later = app.fake.expect(name)
    headers = {"Content-Type": FORM, **signed_headers(SIGNING_SECRET, body)}
    sent = time.perf_counter()
    try:
        async with asyncio.timeout(patience):
            async with app.session.post(app.events_url, data=body, headers=headers) as response:
                answer = await response.read()
                acked = time.perf_counter()
                if response.status != 200:
                    return None
            if answer:
                return acked - sent, json.loads(answer), False
            arrived, reply = await later  # acked empty: the reply follows via response_url
            return arrived - sent, reply, True
    except (TimeoutError, aiohttp.ClientError):  # no answer, or not listening (yet)
        return None
    finally:
        app.fake.abandon(name)


async def one_round(
    app: App,
    commands: int,
    concurrency: int,
    patience: float = ANSWER_PATIENCE_SECONDS,
    measured: bool = True,
) -> Round:
    """``commands`` commands, ``concurrency`` outstanding at a time."""
    if app.process.returncode is not None:
        raise AppDied(f"{app.name} exited with {app.process.returncode}:\n{_tail(app.log)}")
    numbers = iter(range(app.sent, app.sent + commands))
    latencies: list[float] = []
    unanswered = via_url = 0

    async def worker() -> None:
        nonlocal unanswered, via_url
        for n in numbers:  # one iterator shared by every worker: each number is sent once
            answered = await _send(app, n, patience)
            if answered is None or not is_answer(app, answered[1]):
                unanswered += 1
                continue
            latencies.append(answered[0])
            via_url += answered[2]

    cpu_before = cpu_seconds(app.process.pid)
    started = time.perf_counter()
    try:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    finally:
        app.sent += commands
    seconds = time.perf_counter() - started
    cpu = cpu_seconds(app.process.pid) - cpu_before
    app.fake.forget()
    done = Round(commands, seconds, tuple(sorted(latencies)), cpu, unanswered, via_url)
    if measured:
        app.rounds.append(done)
    return done


@dataclass(frozen=True)
class Measured:
    """Every measured round of each side, and how many commands went unanswered in all."""

    bot_rounds: tuple[Round, ...]
    bare_rounds: tuple[Round, ...]
    unanswered: int
    commands: int
    concurrency: int

    @property
    def bot(self) -> Best:
        return Best.of(self.bot_rounds)

    @property
    def bare(self) -> Best:
        return Best.of(self.bare_rounds)


@dataclass(frozen=True)
class Best:
    """Each figure's best over a side's rounds, taken figure by figure: a moment of load
    from elsewhere spoils one round's tail or one round's rate, not the whole side."""

    per_second: float
    p50: float
    p99: float
    cpu_per_command: float

    @classmethod
    def of(cls, rounds: Sequence[Round]) -> Best:
        return cls(
            per_second=max(r.per_second for r in rounds),
            p50=min(r.percentile(0.50) for r in rounds),
            p99=min(r.percentile(0.99) for r in rounds),
            cpu_per_command=min(r.cpu_per_command for r in rounds),
        )


async def measure(
    rounds: int,
    commands: int,
    concurrency: int = CONCURRENCY,
    profile: Path | None = None,
    cold: bool = False,
) -> Measured:
    """Alternating rounds, bot first; keeps every round of each side. ``cold``: every
    command from a member not seen before (one more than all the rounds send)."""
    members = commands * rounds + 1 if cold else commands
    with tempfile.TemporaryDirectory() as folder:
        async with (
            running_app("bot", Path(folder), members, profile, cold) as bot,
            running_app("bare", Path(folder), members, cold=cold) as bare,
        ):
            for _ in range(rounds):
                await one_round(bot, commands, concurrency)
                await one_round(bare, commands, concurrency)
    every = bot.rounds + bare.rounds
    return Measured(
        bot_rounds=tuple(bot.rounds),
        bare_rounds=tuple(bare.rounds),
        unanswered=sum(r.unanswered for r in every),
        commands=commands,
        concurrency=concurrency,
    )


Figure = tuple[str, str, str, float, str, bool | None]


def figures(measured: Measured) -> list[Figure]:
    """(figure, bot, baseline, ratio, goal, met) for each row of the table."""
    bot, bare = measured.bot, measured.bare
    load = f"{measured.commands:,} commands, {measured.concurrency} outstanding"
    throughput = bot.per_second / bare.per_second
    p50 = bot.p50 / bare.p50
    p99 = bot.p99 / bare.p99
    cpu = bot.cpu_per_command / max(bare.cpu_per_command, 1e-9)
    return [
        (
            f"Slack /alliance fact throughput, {load} ({measured.unanswered} unanswered)",
            f"{bot.per_second:.0f}/s",
            f"{bare.per_second:.0f}/s",
            throughput,
            "≥ 0.9× bare",
            throughput >= 0.9 and measured.unanswered == 0,
        ),
        (
            "Slack /alliance fact latency p50",
            f"{bot.p50 * 1e3:.1f} ms",
            f"{bare.p50 * 1e3:.1f} ms",
            p50,
            "—",
            None,
        ),
        (
            "Slack /alliance fact latency p99",
            f"{bot.p99 * 1e3:.1f} ms",
            f"{bare.p99 * 1e3:.1f} ms",
            p99,
            "≤ 1.2× bare",
            p99 <= 1.2,
        ),
        (
            "Slack /alliance fact CPU time of the app process per command",
            f"{bot.cpu_per_command * 1e3:.2f} ms",
            f"{bare.cpu_per_command * 1e3:.2f} ms",
            cpu,
            "≤ 1.25× bare",
            cpu <= 1.25,
        ),
    ]


def rows(quick: bool = False, rounds: int | None = None) -> list[Any]:
    """The Slack command-path rows of the table (``bench.__main__.Row``)."""
    from bench.__main__ import Row  # here, not at import: bench.__main__ imports this module

    measured = asyncio.run(
        measure(rounds or (1 if quick else 3), QUICK_COMMANDS if quick else COMMANDS)
    )
    return [Row(*figure) for figure in figures(measured)]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.command_path_slack [--quick] [--rounds N] [--commands N]
    [--profile FILE]``: this benchmark alone; ``--profile`` runs the bot under cProfile."""
    import argparse

    from bench.__main__ import Row, table

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--commands", type=int, default=None)
    parser.add_argument("--profile", type=Path, default=None)
    parser.add_argument("--cold", action="store_true", help="every command a member's first")
    args = parser.parse_args(argv)
    commands = args.commands or (QUICK_COMMANDS if args.quick else COMMANDS)
    rounds = args.rounds or (1 if args.quick else 3)
    measured = asyncio.run(measure(rounds, commands, profile=args.profile, cold=args.cold))
    print(table([Row(*figure) for figure in figures(measured)]))
    for side, rounds in (("bot", measured.bot_rounds), ("bare", measured.bare_rounds)):
        for n, done in enumerate(rounds, 1):
            print(
                f"{side} round {n}: {done.seconds:.2f} s, {done.per_second:.0f}/s, "
                f"p50 {done.percentile(0.5) * 1e3:.1f} ms, "
                f"p99 {done.percentile(0.99) * 1e3:.1f} ms, "
                f"CPU {done.cpu_per_command * 1e3:.2f} ms/command, "
                f"{done.via_response_url} via response_url, {done.unanswered} unanswered"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
