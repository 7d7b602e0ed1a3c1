"""The terminal adapter: the whole bot in a shell, no tokens, on a simulated clock.

Each input line is a chat message from the current user in the current channel; lines that
start with ``/alliance`` are slash commands and lines that start with ``:`` drive the shell
itself (who is talking, where, in which language, and what time it is).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TextIO

from bot.app import Core
from bot.core.clock import SimulatedClock
from bot.core.commands import COMMAND_PREFIX
from bot.core.context import Channel, CommandContext, User
from bot.core.i18n import Lang, parse_language
from bot.core.ports import PostTarget
from bot.core.replies import Button, Reply
from bot.runtime import Runtime

PLATFORM = "shell"
TENANT = "local"
TICK_SECONDS = 0.5

META_HELP = """\
Shell commands:
  /alliance help          the bot's own commands
  :user NAME [--admin]    speak as another user (admins may subscribe channels)
  :channel NAME           move to another channel
  :lang en|ja             switch the reply language
  :time ISO8601           jump the clock forward to a moment (fires what falls due)
  :wait SECONDS           jump the clock forward (also 90s, 5m, 2h, 1d)
  :click N                press button N of the last message that had buttons
  :help                   this list
  :quit                   leave (so does end of input)"""

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhd]?)$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_moment(text: str) -> datetime:
    """An ISO 8601 moment; one without an offset is taken as UTC."""
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_duration(text: str) -> float | None:
    """Seconds in ``90``, ``90s``, ``5m``, ``2h`` or ``1d``; None if unreadable."""
    match = _DURATION.match(text.strip().lower())
    if not match:
        return None
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def render_text(reply: Reply, channel: str) -> str:
    """A reply as readable terminal text."""
    lines = [f"── #{channel} " + ("(only you can see this) " if reply.ephemeral else "") + "──"]
    if reply.title:
        lines.append(f"** {reply.title} **")
    if reply.body:
        lines.append(reply.body)
    for field in reply.fields:
        lines.append(f"• {field.name}")
        lines.extend(f"  {line}" for line in field.value.splitlines())
    lines.extend(f"[{i}] {button.label}" for i, button in enumerate(reply.buttons, start=1))
    lines.extend(f"Source: {source.title} <{source.url}>" for source in reply.sources)
    if reply.footer:
        lines.append(f"({reply.footer})")
    return "\n".join(lines)


class ShellTerminal:
    """The terminal as a chat platform. Every bot message is printed here, whether it answers
    a command or the bot posts on its own (daily posts, quiz questions and reveals), so the
    buttons of the latest message are always the ones ``:click`` presses."""

    platform = PLATFORM

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self.last_buttons: tuple[Button, ...] = ()

    def say(self, text: str) -> None:
        """Print a line of the shell's own (not the bot's)."""
        print(text, file=self._out, flush=True)

    def show(self, reply: Reply, channel: str) -> None:
        """Print a message from the bot."""
        if reply.buttons:
            self.last_buttons = reply.buttons
        print(render_text(reply, channel), file=self._out, flush=True)

    def serves(self, tenant: str) -> bool:
        return True

    async def post(self, target: PostTarget, reply: Reply, key: str) -> None:
        self.show(reply, target.channel_name)

    async def was_posted(self, target: PostTarget, key: str) -> bool:
        # A terminal keeps no history the next process could consult.
        return False


@dataclass(frozen=True)
class Speaker:
    """Who is typing, where, and in which language."""

    user: User
    channel: str
    lang: Lang


class ShellAdapter:
    """Runs the core against a terminal or a script on stdin."""

    def __init__(
        self,
        core: Core,
        runtime: Runtime,
        clock: SimulatedClock,
        terminal: ShellTerminal,
        speaker: Speaker,
    ) -> None:
        self._core = core
        # The runtime wakes the same poster as in production on the simulated clock instead
        # of polling, so :wait and :time fire daily posts at their exact moments.
        self._runtime = runtime
        self._clock = clock
        self._terminal = terminal
        self._speaker = speaker

    @property
    def prompt(self) -> str:
        return f"#{self._speaker.channel} {self._speaker.user.name}> "

    def say(self, text: str) -> None:
        self._terminal.say(text)

    def post(self, reply: Reply, channel: str) -> None:
        self._terminal.show(reply, channel)

    def _context(self) -> CommandContext:
        speaker = self._speaker
        return CommandContext(
            user=speaker.user,
            channel=Channel(PLATFORM, TENANT, speaker.channel, speaker.channel),
            locale=speaker.lang,
            now=self._clock.now(),
            timezone=self._core.settings.timezone,
        )

    async def run_command(self, text: str) -> None:
        """Send a slash command (or a button's action) as the current user."""
        reply = await self._core.router.handle(self._context(), text)
        self.post(reply, self._speaker.channel)

    async def handle_line(self, line: str) -> bool:
        """Process one input line; False means the user asked to quit."""
        await self._clock.fire_due()
        text = line.strip()
        if not text:
            return True
        if text.startswith(":"):
            return await self._meta(text)
        if text.lower() == COMMAND_PREFIX or text.lower().startswith(COMMAND_PREFIX + " "):
            await self.run_command(text)
            # A command may have changed a subscription: plan the next daily post again.
            await self._runtime.subscriptions_changed()
        else:
            # A chat message: the core answers only if it was meant for it (a quiz answer).
            reply = await self._core.router.handle_message(self._context(), text)
            if reply is not None:
                self.post(reply, self._speaker.channel)
        return True

    async def _meta(self, text: str) -> bool:
        name, _, args = text[1:].partition(" ")
        args = args.strip()
        match name.lower():
            case "quit" | "exit" | "q":
                return False
            case "help":
                self.say(META_HELP)
            case "user":
                self._set_user(args)
            case "channel":
                channel = args.lstrip("#").strip()
                if not channel or " " in channel:
                    self.say("Usage: :channel NAME (one word, e.g. :channel history-club)")
                else:
                    self._speaker = replace(self._speaker, channel=channel)
                    self.say(f"Now in #{channel}.")
            case "lang":
                lang = parse_language(args)
                if lang is None:
                    self.say("Usage: :lang en|ja")
                else:
                    self._speaker = replace(self._speaker, lang=lang)
                    self.say(f"Replies now in {lang}.")
            case "time":
                await self._jump_to(args)
            case "wait":
                seconds = parse_duration(args)
                if seconds is None:
                    self.say("Usage: :wait SECONDS (for example :wait 20, :wait 5m, :wait 1d)")
                else:
                    await self._clock.advance(seconds)
                    self.say(f"Clock: {self._clock.now().isoformat(timespec='seconds')}")
            case "click":
                await self._click(args)
            case _:
                self.say(f"Unknown shell command ':{name}'. Type :help for the list.")
        return True

    def _set_user(self, args: str) -> None:
        words = args.split()
        admin = "--admin" in words
        names = [word for word in words if word != "--admin"]
        if len(names) != 1:
            self.say("Usage: :user NAME [--admin]")
            return
        user = User(id=names[0], name=names[0], is_admin=admin)
        self._speaker = replace(self._speaker, user=user)
        self.say(f"Now speaking as {user.name}{' (admin)' if admin else ''}.")

    async def _jump_to(self, args: str) -> None:
        try:
            target = parse_moment(args)
        except ValueError:
            self.say("Usage: :time ISO8601 (for example :time 2026-06-22T09:00:00+00:00)")
            return
        if target < self._clock.now() - timedelta(seconds=1):
            self.say("The clock only moves forward; give a later time.")
            return
        await self._clock.advance_to(target)
        self.say(f"Clock: {self._clock.now().isoformat(timespec='seconds')}")

    async def _click(self, args: str) -> None:
        buttons = self._terminal.last_buttons
        if not buttons:
            self.say("No message with buttons yet.")
            return
        if not args.isdigit() or not 1 <= int(args) <= len(buttons):
            self.say(f"Usage: :click N, with N from 1 to {len(buttons)}")
            return
        await self.run_command(buttons[int(args) - 1].action)

    async def run(self, stdin: TextIO, interactive: bool) -> int:
        """Read lines until :quit or end of input; returns the exit status."""
        loop = asyncio.get_running_loop()
        ticker = asyncio.create_task(self._tick()) if interactive else None
        if interactive:
            import readline  # noqa: F401 - line editing and history for input()

            self.say("Alliance Bot shell. Type /alliance help, or :help for shell commands.")
        try:
            while True:
                if interactive:
                    try:
                        line = await loop.run_in_executor(None, input, self.prompt)
                    except EOFError:
                        self.say("")
                        return 0
                else:
                    line = await loop.run_in_executor(None, stdin.readline)
                    if not line:
                        return 0
                    self.say(self.prompt + line.rstrip("\n"))
                if not await self.handle_line(line):
                    return 0
        finally:
            if ticker is not None:
                ticker.cancel()
                await asyncio.gather(ticker, return_exceptions=True)

    async def _tick(self) -> None:
        # While a person is typing, timers still fire as real time runs on.
        while True:
            await asyncio.sleep(TICK_SECONDS)
            await self._clock.fire_due()


def default_speaker(name: str, channel: str, lang: Lang) -> Speaker:
    """The shell's starting user; like a new member of a server, not an admin."""
    return Speaker(User(id=name, name=name), channel.lstrip("#"), lang)
