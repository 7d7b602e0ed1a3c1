"""Command path on Slack: signed ``/alliance fact`` slash commands into ``alliance-bot run``
in HTTP mode, against a bare Bolt app answering a constant, under the same concurrent load.

Each app runs in a process of its own; this process is the load generator and serves the
fake Slack Web API (tests/slack_fake, the one the adapter's tests use) both apps are pointed
at, for ``auth.test``, ``users.info`` and the commands' ``response_url``:

- The bot: ``python -m bot run`` with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, a config in
  HTTP mode on a loopback port, a real SQLite file in a temporary data dir and the shipped
  corpus. The per-user cooldown is the shipped default; the per-channel one is off (a
  thousand commands a second exceeds any channel's limit, and the bare app has none). The
  load comes as a busy workspace's would: :data:`CHANNELS` channels, and as many members as
  commands in a round, each sending one command per round (the warm-up round has every
  member use the bot once, so measured rounds see what a workspace whose members use the
  bot sees: ``users.info`` answered from the adapter's cache). ``--cold`` (this module
  alone) has every command come from a member the bot has never seen instead, each costing
  a ``users.info``.
- The baseline: :mod:`bench.bare_slack_app`, a bare slack-bolt ``AsyncApp`` on the same
  server stack (Bolt's aiohttp app, an aiohttp ``AppRunner`` without access log), acking
  every ``/alliance`` with a constant text.

A command is answered when its reply arrives where the person would see it: in the HTTP
response (the ack) when the app answers there, else through the ``response_url`` POST
reaching the fake. A command with no public reply within :data:`ANSWER_PATIENCE_SECONDS`
(an error, a cooldown notice, a refused request, nothing) is counted as unanswered.

Rounds alternate (bot, bare, bot, bare …) on warm processes; each figure's best over each
side's rounds is kept (:class:`bench.command_rounds.Best`). CPU time is the app process's own
(``/proc/<pid>/stat`` utime + stime, every thread), read before and after a round.
"""

from __future__ import annotations

import asyncio
import json
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
from tests.slack_fake import FakeSlack, FakeUser, signed_headers

ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "bench-signing-secret-5b4a3c2d1e"
CHANNELS = 512
FORM = "application/x-www-form-urlencoded"


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(fake: FakeSlack) -> dict[str, str]:
    return child_env(ROOT, SLACK_BOT_TOKEN=fake.bot_token, SLACK_SIGNING_SECRET=SIGNING_SECRET)


def bot_argv(fake: FakeSlack, folder: Path, port: int) -> list[str]:
    """``alliance-bot run`` in HTTP mode on ``port``, a SQLite file in ``folder``."""
    config = folder / "bench.toml"
    config.write_text(
        f'[bot]\ndata_dir = "{folder}"\n'
        f"[limits]\nchannel_per_minute = 0\n"
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
                f"{app.name} never answered (exit {app.process.returncode}):\n{tail(app.log)}"
            )
        await asyncio.sleep(0.1)
    app.sent += 1
    if not is_answer(app, first[1]):
        raise AppDied(f"{app.name} answered its first command wrongly: {first[1]}")
    if not app.cold:
        # Every member uses the app once (the bot caches who they are, as in a live workspace).
        await one_round(app, app.members - 1, CONCURRENCY, measured=False)


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


async def _send(app: App, n: int, patience: float) -> Answer | None:
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

    async def send(n: int) -> Answer | None:
        return await _send(app, n, patience)

    numbers = range(app.sent, app.sent + commands)
    try:
        done = await timed_round(
            app.name,
            app.process,
            app.log,
            numbers,
            concurrency,
            send,
            lambda body: is_answer(app, body),
        )
    finally:
        app.sent += commands
    app.fake.forget()
    if measured:
        app.rounds.append(done)
    return done


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
    return Measured(tuple(bot.rounds), tuple(bare.rounds), commands, concurrency)


def rows(quick: bool = False, rounds: int | None = None) -> list[Any]:
    """The Slack command-path rows of the table (``bench.__main__.Row``)."""
    return table_rows("Slack", asyncio.run(measure(*sizes(quick, rounds))))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.command_path_slack [--quick] [--rounds N] [--commands N]
    [--profile FILE] [--cold]``: this benchmark alone."""
    options = parser(__doc__)
    options.add_argument("--cold", action="store_true", help="every command a member's first")
    args = options.parse_args(argv)
    rounds, commands = sizes(args.quick, args.rounds, args.commands)
    report("Slack", asyncio.run(measure(rounds, commands, profile=args.profile, cold=args.cold)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
