"""The terminal adapter: the whole bot in a shell, no tokens, on a simulated clock.

Each input line is a chat message from the current user in the current channel; lines that
start with ``/alliance`` are slash commands and lines that start with ``:`` drive the shell
itself (who is talking, where, in which language, and what time it is).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TextIO

from bot.app import Core
from bot.core.clock import SIMULATED_LATEST, ClockRangeError, SimulatedClock, check_simulated_moment
from bot.core.commands import COMMAND_PREFIX
from bot.core.context import Channel, CommandContext, User
from bot.core.daily.schedule import PostTime
from bot.core.i18n import Lang, parse_language, t
from bot.core.names import fold_name
from bot.core.ports import MessageHandle, PostTarget
from bot.core.replies import Button, Reply, pressable, shorten
from bot.core.rich import render_plain
from bot.core.user_mentions import MentionedUser
from bot.runtime import Runtime

PLATFORM = "shell"
TENANT = "local"
TICK_SECONDS = 0.5
# A jump replays only its last day, as a bot back from downtime sends only what is at most
# grace_hours (never more than 24) late: `:wait 1d` shows the next post at its minute, while
# `:wait 3650d` does not send ten years of posts one by one.
REPLAY_WINDOW = timedelta(days=1)
# How many messages with buttons each channel remembers: enough for an edit to put back the
# buttons of the message before it, bounded however long a session runs.
BUTTON_MESSAGES_KEPT = 20
# An "acknowledged" reply: what Discord shows as a reaction (typed quiz answers).
ACKNOWLEDGED_LINE = "✓ (answer received)"

log = logging.getLogger(__name__)

META_HELP = """\
Shell commands:
  /alliance help          the bot's own commands
  :user NAME [--admin]    speak as another user (admins may subscribe channels)
  :channel NAME           move to another channel
  :thread NAME            move to a thread of the current channel
  :dm                     move to a DM between the current user and the bot
  :lang en|ja             switch the locale (a user's own language setting wins)
  :time ISO8601           jump the clock forward to a moment (fires what falls due)
  :wait SECONDS           jump the clock forward (also 90s, 5m, 2h, 1d)
  :click N                press button N of the last message with buttons here
  :help                   this list
  :quit                   leave (so does end of input)"""

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhd]?)$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_moment(text: str) -> datetime:
    """An ISO 8601 moment in UTC; one without an offset is taken as UTC.

    Raises:
        ClockRangeError: outside the simulated clock's range.
        ValueError: not an ISO 8601 moment.
    """
    moment = datetime.fromisoformat(text.strip())
    return check_simulated_moment(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def parse_duration(text: str) -> float | None:
    """Seconds in ``90``, ``90s``, ``5m``, ``2h`` or ``1d``; None if unreadable."""
    match = _DURATION.match(text.strip().lower())
    if not match:
        return None
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


# Where the terminal keys its messages ("places"): a channel by its name, a thread as
# "channel/thread", a DM as "@dm-" and the user's id; :channel and :thread refuse names with
# "/" or a leading "@", so the three cannot be confused.
DM_PREFIX = "@dm-"
THREAD_SEPARATOR = "/"


def place_label(place: str) -> str:
    """How the terminal names a place: ``#general``, ``#general › trivia``, ``DM @alice``."""
    if place.startswith(DM_PREFIX):
        return f"DM @{place.removeprefix(DM_PREFIX)}"
    channel, _, thread = place.partition(THREAD_SEPARATOR)
    return f"#{channel} › {thread}" if thread else f"#{channel}"


def target_place(target: PostTarget) -> str:
    """The place a post goes to: its thread if it has one (a thread's id is its place)."""
    return target.thread_id or target.channel_id


def render_text(reply: Reply, place: str, lang: Lang = "en") -> str:
    """A reply as readable terminal text, its labels in the reply's language, else ``lang``."""
    header = f"── {place_label(place)} "
    lines = [header + ("(only you can see this) " if reply.ephemeral else "") + "──"]
    if reply.title:
        lines.append(f"** {render_plain(reply.title)} **")
    if reply.body:
        lines.append(render_plain(reply.body))
    for field in reply.fields:
        lines.append(f"• {render_plain(field.name)}")
        lines.extend(f"  {line}" for line in render_plain(field.value).splitlines())
    # A terminal has no disabled buttons: those no longer pressable are not listed (the
    # text already says what they pointed out).
    buttons = pressable(reply.buttons)
    lines.extend(f"[{i}] {button.label}" for i, button in enumerate(buttons, start=1))
    source_lang = reply.lang or lang
    lines.extend(t("source_line", source_lang, title=s.title, url=s.url) for s in reply.sources)
    if reply.footer:
        lines.append(f"({render_plain(reply.footer)})")
    return "\n".join(lines)


def posts_between(
    post_time: PostTime, active_since: datetime, start: datetime, end: datetime
) -> int:
    """How many daily posts fall due in (``start``, ``end``], none before ``active_since``."""
    first = post_time.next_after(max(start, active_since - timedelta(microseconds=1)))
    if first > end:
        return 0
    last_day = post_time.local_date(end)
    if post_time.on(last_day) > end:
        last_day -= timedelta(days=1)
    return (last_day - post_time.local_date(first)).days + 1


class ShellTerminal:
    """The terminal as a chat platform. Every bot message is printed here, whether it answers
    a command or the bot posts on its own (daily posts, quiz questions and reveals), and
    numbered as a platform numbers its messages, so an edit can say which one it changes.
    The buttons of each channel's latest message with buttons are the ones ``:click``
    presses there. Labels follow the shell's language (``lang``)."""

    platform = PLATFORM

    def __init__(self, out: TextIO, lang: Lang = "en") -> None:
        self._out = out
        self.lang: Lang = lang
        # channel → message number → that message's buttons (only messages that have some)
        self._buttons: dict[str, dict[int, tuple[Button, ...]]] = {}
        self._numbers = itertools.count(1)

    def buttons_in(self, channel: str) -> tuple[Button, ...]:
        """The buttons of the last message with buttons in ``channel``."""
        handle = self.message_with_buttons(channel)
        return self._buttons[channel][int(handle.message_id)] if handle else ()

    def message_with_buttons(self, channel: str) -> MessageHandle | None:
        """The last message with buttons in ``channel``: the one ``:click`` presses."""
        messages = self._buttons.get(channel)
        return MessageHandle(PLATFORM, channel, str(max(messages))) if messages else None

    def _remember(self, channel: str, number: int, buttons: tuple[Button, ...]) -> None:
        messages = self._buttons.setdefault(channel, {})
        if buttons:
            messages[number] = buttons
            if len(messages) > BUTTON_MESSAGES_KEPT:
                del messages[min(messages)]
        else:
            messages.pop(number, None)

    def say(self, text: str) -> None:
        """Print a line of the shell's own (not the bot's)."""
        print(text, file=self._out, flush=True)

    def show(self, reply: Reply, channel: str) -> MessageHandle:
        """Print a new message from the bot."""
        number = next(self._numbers)
        self._remember(channel, number, pressable(reply.buttons))
        print(render_text(reply, channel, self.lang), file=self._out, flush=True)
        return MessageHandle(PLATFORM, channel, str(number))

    def serves(self, tenant: str) -> bool:
        return True

    async def post(self, target: PostTarget, reply: Reply, key: str) -> MessageHandle:
        shown = self.show(reply, target_place(target))
        # As a platform's handle does, this one names the channel and the thread.
        return MessageHandle(PLATFORM, target.channel_id, shown.message_id, target.thread_id)

    async def edit(self, handle: MessageHandle, reply: Reply) -> None:
        # A terminal cannot change what it printed: show the new version, marked as such.
        # The message keeps its number, and its buttons are now the new version's.
        place = handle.thread_id or handle.channel_id
        self._remember(place, int(handle.message_id), pressable(reply.buttons))
        self.say(f"(message {handle.message_id} in {place_label(place)} edited:)")
        print(render_text(reply, place, self.lang), file=self._out, flush=True)

    async def was_posted(self, target: PostTarget, key: str) -> bool:
        # A terminal keeps no history the next process could consult.
        return False


class ShellMentions:
    """``@name`` in the shell: a user this session has spoken as (``:user``, ``--user``),
    found by folded name; a shell user's id is their name."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def saw(self, user: User) -> None:
        self._seen[fold_name(user.name)] = user.id

    async def resolve(self, reference: str) -> MentionedUser | None:
        if not reference.startswith("@") or " " in reference.strip():
            return None
        user_id = self._seen.get(fold_name(reference))
        return MentionedUser(user_id, user_id) if user_id is not None else None


@dataclass(frozen=True)
class Speaker:
    """Who is typing, where, and in which language (the locale a platform would report).
    ``thread``: in that thread of ``channel``; ``direct``: in a DM with the bot (whoever
    the user is: each user has their own)."""

    user: User
    channel: str
    lang: Lang
    thread: str | None = None
    direct: bool = False

    @property
    def place(self) -> str:
        """Where the speaker is, as the terminal keys its messages."""
        if self.direct:
            return DM_PREFIX + self.user.id
        if self.thread:
            return f"{self.channel}{THREAD_SEPARATOR}{self.thread}"
        return self.channel

    def conversation(self) -> Channel:
        """The speaker's place as the core's channel model has it."""
        if self.direct:
            return Channel(PLATFORM, "", self.place, f"@{self.user.name}", kind="dm")
        if self.thread:
            return Channel(
                PLATFORM, TENANT, self.place, self.thread, kind="thread", parent_id=self.channel
            )
        return Channel(PLATFORM, TENANT, self.channel, self.channel)


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
        terminal.lang = speaker.lang
        self._mentions = ShellMentions()
        self._mentions.saw(speaker.user)
        # One line or one background tick at a time, so a jump that pauses the daily posts
        # is never interleaved with a tick that plans them again.
        self._turn = asyncio.Lock()

    @property
    def prompt(self) -> str:
        return f"{place_label(self._speaker.place)} {self._speaker.user.name}> "

    def say(self, text: str) -> None:
        self._terminal.say(text)

    def post(self, reply: Reply, channel: str) -> None:
        if reply.kind == "acknowledged":
            # The terminal is a shared channel, like Discord: no private note, just the nod.
            self.say(ACKNOWLEDGED_LINE)
        else:
            self._terminal.show(reply, channel)

    def _context(self) -> CommandContext:
        # Only what a platform would say: the user's locale, no zone. The router finds the
        # zone (and the language the user chose) in the stored settings.
        speaker = self._speaker
        return CommandContext(
            user=speaker.user,
            channel=speaker.conversation(),
            locale=speaker.lang,
            now=self._clock.now(),
            mentions=self._mentions,
        )

    async def run_command(self, text: str, pressed: MessageHandle | None = None) -> None:
        """Send a slash command, or the action of a button on message ``pressed``, as the
        current user."""
        reply = await self._core.router.handle(self._context(), text)
        if pressed is not None and reply.replaces_original:
            await self._terminal.edit(pressed, reply)
        else:
            self.post(reply, self._speaker.place)

    async def handle_line(self, line: str) -> bool:
        """Process one input line; False means the user asked to quit."""
        async with self._turn:
            return await self._handle(line)

    async def safe_handle_line(self, line: str) -> bool:
        """:meth:`handle_line`, but a failure prints one line and the session goes on."""
        try:
            return await self.handle_line(line)
        except Exception as error:  # the shell is for trying things: no line may end it
            log.debug("shell line failed", exc_info=True)
            self.say(
                f"That line failed ({shorten(f'{type(error).__name__}: {error}', 200)}); "
                "the session goes on."
            )
            return True

    async def _handle(self, line: str) -> bool:
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
                self.post(reply, self._speaker.place)
        return True

    async def _meta(self, text: str) -> bool:
        name, _, args = text[1:].partition(" ")
        args = args.strip()
        match name.lower():
            case "quit" | "exit" | "q":
                return False
            case "help":
                self.say(f"{META_HELP}\n{self._bot_commands()}")
            case "user":
                self._set_user(args)
            case "channel":
                channel = args.lstrip("#").strip()
                if not _is_place_name(channel):
                    self.say("Usage: :channel NAME (one word, e.g. :channel history-club)")
                else:
                    self._speaker = replace(
                        self._speaker, channel=channel, thread=None, direct=False
                    )
                    self.say(f"Now in #{channel}.")
            case "thread":
                self._enter_thread(args.strip())
            case "dm":
                if args:
                    self.say("Usage: :dm (a DM between the current user and the bot)")
                else:
                    self._speaker = replace(self._speaker, thread=None, direct=True)
                    self.say(
                        f"Now in a DM with the bot as {self._speaker.user.name} "
                        f"(:channel NAME goes back to a server channel)."
                    )
            case "lang":
                lang = parse_language(args)
                if lang is None:
                    self.say("Usage: :lang en|ja")
                else:
                    self._speaker = replace(self._speaker, lang=lang)
                    self._terminal.lang = lang
                    self.say(f"Replies now in {lang}.")
            case "time":
                await self._jump_to(args)
            case "wait":
                await self._wait(args)
            case "click":
                await self._click(args)
            case _:
                self.say(f"Unknown shell command ':{name}'. Type :help for the list.")
        return True

    def _enter_thread(self, name: str) -> None:
        speaker = self._speaker
        if not _is_place_name(name):
            self.say("Usage: :thread NAME (one word, e.g. :thread quiz-night)")
        elif speaker.direct:
            self.say("Threads are in server channels: :channel NAME first, then :thread NAME.")
        else:
            # From inside a thread, a thread of the same channel (threads do not nest).
            self._speaker = replace(speaker, thread=name)
            self.say(f"Now in the thread {name} of #{speaker.channel}.")

    def _bot_commands(self) -> str:
        """The bot's commands, one line each, from the same specs as its help and Discord's
        command tree."""
        lines = ["Bot commands (/alliance help explains each):"]
        for spec in self._core.router.specs():
            usages = [sub.usage for sub in spec.subcommands] or [spec.usage]
            lines.extend(f"  /alliance {usage}" for usage in usages)
        return "\n".join(lines)

    def _set_user(self, args: str) -> None:
        words = args.split()
        admin = "--admin" in words
        names = [word for word in words if word != "--admin"]
        if len(names) != 1:
            self.say("Usage: :user NAME [--admin]")
            return
        user = User(id=names[0], name=names[0], is_admin=admin)
        self._speaker = replace(self._speaker, user=user)
        self._mentions.saw(user)
        self.say(f"Now speaking as {user.name}{' (admin)' if admin else ''}.")

    async def _wait(self, args: str) -> None:
        seconds = parse_duration(args)
        if seconds is None:
            self.say("Usage: :wait SECONDS (for example :wait 20, :wait 5m, :wait 1d)")
            return
        now = self._clock.now()
        # Compared before any datetime arithmetic: 400 digits make an infinite float.
        if seconds > (SIMULATED_LATEST - now).total_seconds():
            self.say(
                f"That wait would take the clock past {SIMULATED_LATEST.date()} (UTC), the end "
                "of its range; wait less."
            )
            return
        await self._jump(now + timedelta(seconds=seconds))

    async def _jump_to(self, args: str) -> None:
        try:
            target = parse_moment(args)
        except ClockRangeError as error:
            self.say(f"Cannot set the clock: {shorten(str(error), 300)}.")
            return
        except ValueError:
            self.say("Usage: :time ISO8601 (for example :time 2026-06-22T09:00:00+00:00)")
            return
        if target < self._clock.now() - timedelta(seconds=1):
            self.say("The clock only moves forward; give a later time.")
            return
        await self._jump(target)

    async def _jump(self, target: datetime) -> None:
        """Move the clock to ``target``, firing what falls due; of a jump longer than
        :data:`REPLAY_WINDOW`, the daily posts before its last day are skipped and counted."""
        replay_from = target - REPLAY_WINDOW
        now = self._clock.now()
        if replay_from > now:
            skipped = await self._daily_posts_between(now, replay_from)
            self._runtime.pause_daily_timers()
            await self._clock.advance_to(replay_from)  # quiz timers still fire on the way
            # What fell due on the way is recorded as skipped, as after downtime longer
            # than the grace window; the timers then plan the posts after it again.
            await self._core.poster.skip_due(replay_from)
            await self._runtime.subscriptions_changed()
            if skipped:
                self.say(
                    f"Skipped {skipped} daily post{'s' if skipped != 1 else ''} due more than "
                    "a day before the new time: like a bot back from downtime, a long jump "
                    "sends only the recent ones."
                )
        await self._clock.advance_to(target)
        self.say(f"Clock: {self._clock.now().isoformat(timespec='seconds')}")

    async def _daily_posts_between(self, start: datetime, end: datetime) -> int:
        subscriptions = await self._core.subscriptions.active([PLATFORM])
        return sum(
            posts_between(sub.post_time, sub.active_since, start, end) for sub in subscriptions
        )

    async def _click(self, args: str) -> None:
        place = self._speaker.place
        message = self._terminal.message_with_buttons(place)
        buttons = self._terminal.buttons_in(place)
        if message is None or not buttons:
            self.say(f"No message with buttons in {place_label(place)} yet.")
            return
        # isdecimal admits only what int() reads ("٣" and "１" too, not "³"), and the length
        # cap keeps int() under its limit on digits.
        number = int(args) if args.isdecimal() and len(args) <= 9 else 0
        if not 1 <= number <= len(buttons):
            self.say(f"Usage: :click N, with N from 1 to {len(buttons)}")
            return
        await self.run_command(buttons[number - 1].action, pressed=message)

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
                if not await self.safe_handle_line(line):
                    return 0
        finally:
            if ticker is not None:
                ticker.cancel()
                await asyncio.gather(ticker, return_exceptions=True)

    async def _tick(self) -> None:
        # While a person is typing, timers still fire as real time runs on.
        while True:
            await asyncio.sleep(TICK_SECONDS)
            async with self._turn:
                await self._clock.fire_due()


def _is_place_name(name: str) -> bool:
    """One word that cannot be mistaken for a DM or a thread in a place key."""
    return (
        bool(name)
        and " " not in name
        and THREAD_SEPARATOR not in name
        and not name.startswith(DM_PREFIX[0])
    )


def default_speaker(name: str, channel: str, lang: Lang) -> Speaker:
    """The shell's starting user; like a new member of a server, not an admin."""
    return Speaker(User(id=name, name=name), channel.lstrip("#"), lang)
