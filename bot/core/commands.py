"""Text → command → reply: the one entry point every adapter calls.

Handlers never see raw platform input: the router normalises it (Unicode NFKC, control
characters removed, length bounded), picks the subcommand, and turns any unexpected
exception into a polite reply, so nothing a user types can crash an adapter.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.core.context import CommandContext
from bot.core.i18n import Lang, language_for, t, t_rich
from bot.core.replies import Reply
from bot.core.rich import RichText, user_text

log = logging.getLogger(__name__)

MAX_INPUT_LENGTH = 500
COMMAND_PREFIX = "/alliance"

Handler = Callable[[CommandContext, str, Lang], Awaitable[Reply]]
# Hears plain chat messages (not commands); returns a reply only when the message was for it.
Listener = Callable[[CommandContext, str, Lang], Awaitable[Reply | None]]


@dataclass(frozen=True)
class Command:
    """A subcommand of ``/alliance``: its handler and its line in the help."""

    name: str
    handler: Handler
    usage: str
    summary: dict[Lang, str]
    example: str
    aliases: tuple[str, ...] = ()


class UsageError(Exception):
    """A handler's way to say the arguments were wrong; becomes a friendly ephemeral reply.

    ``message`` is rich text: what the user typed, quoted back, stays plain text in it.
    """

    def __init__(self, message: RichText) -> None:
        super().__init__("usage error")
        self.message = message


def error_reply(message: RichText, lang: Lang) -> Reply:
    """The reply to input the bot could not use: what was expected, seen only by the sender."""
    return Reply(title=t("err_title", lang), body=message, ephemeral=True, is_error=True)


def internal_error_reply(lang: Lang) -> Reply:
    """The reply when the bot itself failed: not the sender's mistake, so not titled as one."""
    return Reply(
        title=t("err_internal_title", lang),
        body=t("err_internal", lang),
        ephemeral=True,
        is_error=True,
    )


def normalize_input(text: str) -> str:
    """NFKC, control and format characters dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
    )
    return re.sub(r"\s+", " ", text).strip()


def strip_prefix(text: str) -> str:
    """``/alliance today`` → ``today``; a bare subcommand stays as it is."""
    lowered = text.lower()
    for prefix in (COMMAND_PREFIX, COMMAND_PREFIX[1:]):
        if lowered == prefix:
            return ""
        if lowered.startswith(prefix + " "):
            return text[len(prefix) + 1 :].strip()
    return text


class CommandRouter:
    """Dispatches ``/alliance <subcommand> <args>`` to registered commands."""

    def __init__(self, default_language: Lang) -> None:
        self._default_language = default_language
        self._commands: dict[str, Command] = {}
        self._ordered: list[Command] = []
        self._listeners: list[Listener] = []

    def register(self, command: Command) -> None:
        """Add a subcommand; names and aliases must be unique."""
        for name in (command.name, *command.aliases):
            if name in self._commands:
                raise ValueError(f"command name '{name}' registered twice")
            self._commands[name] = command
        self._ordered.append(command)

    def add_listener(self, listener: Listener) -> None:
        """Offer every plain chat message to ``listener`` (e.g. typed quiz answers)."""
        self._listeners.append(listener)

    async def handle_message(self, context: CommandContext, text: str) -> Reply | None:
        """A plain chat message; a reply only if a listener took it. Never raises."""
        lang = self.language(context)
        line = normalize_input(text[: MAX_INPUT_LENGTH * 4])
        if not line or len(line) > MAX_INPUT_LENGTH:
            return None
        try:
            for listener in self._listeners:
                if (reply := await listener(context, line, lang)) is not None:
                    return reply
        except Exception:
            log.exception("message listener failed")
            return internal_error_reply(lang)
        return None

    @property
    def commands(self) -> Sequence[Command]:
        """Registered commands in registration order (the order of the help)."""
        return tuple(self._ordered)

    def language(self, context: CommandContext) -> Lang:
        """The reply language for this caller."""
        return language_for(context.locale, self._default_language)

    async def handle(self, context: CommandContext, text: str) -> Reply:
        """Run a command line and always return a reply; never raises."""
        lang = self.language(context)
        try:
            return await self.dispatch(context, text)
        except Exception:
            # Only the command name: what people type in their channels stays out of logs.
            log.exception("command %r failed", self._command_name(text))
            return internal_error_reply(lang)

    def _command_name(self, text: str) -> str:
        """The registered name of the command ``text`` runs, or ``?``; never the user's words."""
        name = strip_prefix(normalize_input(text[: MAX_INPUT_LENGTH * 4])).partition(" ")[0]
        command = self._commands.get(name.lower())
        return command.name if command is not None else "?"

    async def dispatch(self, context: CommandContext, text: str) -> Reply:
        """Run a command line; bad input becomes a friendly reply, bugs propagate."""
        lang = self.language(context)
        if len(text) > MAX_INPUT_LENGTH * 4:
            return error_reply(
                t("err_too_long", lang, length=len(text), limit=MAX_INPUT_LENGTH), lang
            )
        line = strip_prefix(normalize_input(text))
        if len(line) > MAX_INPUT_LENGTH:
            return error_reply(
                t("err_too_long", lang, length=len(line), limit=MAX_INPUT_LENGTH), lang
            )
        if not line:
            return error_reply(t("err_empty", lang), lang)
        name, _, args = line.partition(" ")
        command = self._commands.get(name.lower())
        if command is None:
            return error_reply(t_rich("err_unknown_command", lang, name=user_text(name[:40])), lang)
        try:
            return await command.handler(context, args.strip(), lang)
        except UsageError as error:
            return error_reply(error.message, lang)
