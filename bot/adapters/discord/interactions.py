"""Slash commands, button presses and typed messages, routed to the core and answered.

Discord wants a first response within 3 seconds. A command the core marks ``slow`` is
deferred at once; any other gets :data:`RESPONSE_BUDGET_SECONDS` to produce its reply, and
is deferred if it has not, so no interaction is ever left unanswered. Errors and private
notices are ephemeral; a reply that ``replaces_original`` edits the pressed button's message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any

import discord
from discord import app_commands

from bot.adapters.discord.contexts import interaction_context, message_context
from bot.adapters.discord.prebuilt import RenderedReplies
from bot.adapters.discord.rendering import ACKNOWLEDGED_EMOJI
from bot.adapters.discord.tree import command_form
from bot.app import Core
from bot.core.commands import CommandSpec
from bot.core.context import CommandContext
from bot.core.i18n import Lang
from bot.core.params import Param
from bot.core.replies import Reply, shorten
from bot.runtime import Runtime

# Leaves a second of Discord's three for the response to travel.
RESPONSE_BUDGET_SECONDS = 2.0
MAX_COMPLETIONS = 25

log = logging.getLogger(__name__)


def is_private(reply: Reply) -> bool:
    """Errors, private notices and acknowledgements are for the caller only."""
    return reply.ephemeral or reply.is_error or reply.kind == "acknowledged"


class _Budget:
    """A timer that defers an interaction if its reply is not ready in time.

    The work runs in the command's own task and the deferral, if the time runs out, in a task
    of its own: no task and no ``asyncio.wait`` per command (about 11 µs each time) for the
    common case, a reply well within the budget. As when the deferral ran in line, with the
    work in a task beside it: a failed deferral ends the work and is what the command
    raises; a work that fails or is cancelled waits for (or cancels) a deferral in flight.
    """

    def __init__(self, seconds: float, defer: Callable[[], Coroutine[Any, Any, None]]) -> None:
        self._command = asyncio.current_task()
        self._defer = defer
        self._deferral: asyncio.Task[None] | None = None
        self._working = True
        self._timer = asyncio.get_running_loop().call_later(seconds, self._spent)

    def _spent(self) -> None:
        self._deferral = asyncio.ensure_future(self._defer())
        self._deferral.add_done_callback(self._deferred)

    def _deferred(self, deferral: asyncio.Task[None]) -> None:
        if self._working and _failure(deferral) is not None and self._command is not None:
            self._command.cancel()

    def met(self) -> asyncio.Task[None] | None:
        """The work is done: the deferral to wait for before the follow-up, None if the
        budget was met (the reply is the response)."""
        self._working = False
        self._timer.cancel()
        return self._deferral

    async def failed(self, error: BaseException) -> None:
        """The work raised ``error``: raises the deferral's failure if that is what ended
        it, else lets a deferral in flight finish (or cancels it, if the command was)."""
        deferral = self.met()
        if deferral is None:
            return
        failure = _failure(deferral)
        if failure is not None and isinstance(error, asyncio.CancelledError):
            if self._command is not None:
                self._command.uncancel()  # the cancel was ours, not the caller's
            raise failure
        if isinstance(error, asyncio.CancelledError):
            deferral.cancel()
        await asyncio.gather(deferral, return_exceptions=True)
        if (failure := _failure(deferral)) is not None:
            raise failure


def _failure(task: asyncio.Task[None]) -> BaseException | None:
    if not task.done() or task.cancelled():
        return None
    return task.exception()


class InteractionHandler:
    """Turns Discord events into core command lines and the core's replies into responses."""

    def __init__(self, core: Core, runtime: Runtime) -> None:
        self._core = core
        self._runtime = runtime
        # The core's texts name admin commands as typed here: under /alliance-admin.
        self._form = command_form(core.router.specs())
        # The core keeps its busiest replies (facts): each is rendered on its first send only.
        self._rendered = RenderedReplies()
        # Read-only: discord.py merges it with the client's into a new object.
        self._no_mentions = discord.AllowedMentions.none()

    # -- building blocks ------------------------------------------------------------------

    def _lang(self, context: CommandContext) -> Lang:
        return self._core.router.language(context)

    def _message(self, reply: Reply, lang: Lang, *, with_view: bool = True) -> dict[str, Any]:
        rendered = self._rendered.rendered(reply, lang)
        message: dict[str, Any] = {
            "embed": rendered.embed_object(),
            "allowed_mentions": self._no_mentions,
        }
        view = rendered.view()
        if view is not None:
            message["view"] = view
        elif not with_view:
            message["view"] = None  # an edit drops the buttons the message had
        return message

    async def _run(self, context: CommandContext, line: str) -> Reply:
        reply = await self._core.router.handle(context, line)
        # A subscription may have changed: a timer-driven poller plans again.
        await self._runtime.subscriptions_changed()
        return reply

    # -- slash commands and presses -------------------------------------------------------

    async def run_command(
        self,
        interaction: discord.Interaction[Any],
        spec: CommandSpec,
        path: Sequence[str],
        options: Mapping[str, Any],
    ) -> None:
        context = interaction_context(interaction, self._form)
        lang = self._lang(context)
        # The core refuses what does not fit here (a server-only command in a DM).
        line = self._core.router.command_line(path, options)
        await self._answer(interaction, self._run(context, line), lang, spec.slow, spec.private)

    async def press(self, interaction: discord.Interaction[Any], action: str) -> None:
        context = interaction_context(interaction, self._form)
        lang = self._lang(context)
        # The action is a command line: its command's flags say whether to defer at once.
        command = self._core.router.command_for_line(action)
        slow = command is not None and command.slow
        private = command is not None and command.private
        await self._answer(interaction, self._run(context, action), lang, slow, private)

    async def complete(
        self,
        interaction: discord.Interaction[Any],
        path: Sequence[str],
        param: Param,
        partial: str,
    ) -> list[app_commands.Choice[str]]:
        context = interaction_context(interaction, self._form)
        lang = self._lang(context)
        # The core's completion never raises, ranks in the caller's language, returns ≤ 25.
        choices = await self._core.router.complete(context, list(path), param.name, partial)
        return [
            app_commands.Choice(name=shorten(choice.label_in(lang), 100), value=choice.value)
            for choice in choices[:MAX_COMPLETIONS]
        ]

    async def _answer(
        self,
        interaction: discord.Interaction[Any],
        work: Coroutine[Any, Any, Reply],
        lang: Lang,
        defer_first: bool,
        private: bool,
    ) -> None:
        if not defer_first:
            await self._answer_in_time(interaction, work, lang, private)
            return
        task = asyncio.ensure_future(work)
        try:
            await self._defer(interaction, private)
            await self._follow_up(interaction, await task, lang, private)
        finally:
            if not task.done():
                task.cancel()

    async def _answer_in_time(
        self,
        interaction: discord.Interaction[Any],
        work: Coroutine[Any, Any, Reply],
        lang: Lang,
        private: bool,
    ) -> None:
        """The reply as the response if it is ready within the budget; else the interaction
        is deferred when the budget runs out, and the reply follows."""
        budget = _Budget(RESPONSE_BUDGET_SECONDS, lambda: self._defer(interaction, private))
        try:
            reply = await work
        except BaseException as error:
            await budget.failed(error)
            raise
        deferral = budget.met()
        if deferral is None:
            await self._respond(interaction, reply, lang)
            return
        await deferral
        await self._follow_up(interaction, reply, lang, private)

    def _pressed(self, interaction: discord.Interaction[Any]) -> bool:
        return interaction.type is discord.InteractionType.component

    async def _respond(
        self, interaction: discord.Interaction[Any], reply: Reply, lang: Lang
    ) -> None:
        if self._pressed(interaction) and reply.replaces_original and not is_private(reply):
            await interaction.response.edit_message(**self._message(reply, lang, with_view=False))
            return
        await interaction.response.send_message(
            ephemeral=is_private(reply), **self._message(reply, lang)
        )

    async def _defer(self, interaction: discord.Interaction[Any], private: bool) -> None:
        if self._pressed(interaction):
            await interaction.response.defer()  # DEFERRED_UPDATE_MESSAGE: nothing shown yet
        else:
            await interaction.response.defer(ephemeral=private, thinking=True)

    async def _follow_up(
        self, interaction: discord.Interaction[Any], reply: Reply, lang: Lang, private: bool
    ) -> None:
        if self._pressed(interaction):
            if reply.replaces_original and not is_private(reply):
                await interaction.edit_original_response(
                    **self._message(reply, lang, with_view=False)
                )
            else:
                await interaction.followup.send(
                    ephemeral=is_private(reply), **self._message(reply, lang)
                )
            return
        if is_private(reply) and not private:
            # The public "thinking…" message cannot turn private: remove it, answer privately.
            await interaction.delete_original_response()
            await interaction.followup.send(ephemeral=True, **self._message(reply, lang))
            return
        await interaction.edit_original_response(**self._message(reply, lang))

    # -- typed messages -------------------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        """A plain chat message (needs the Message Content intent): a typed quiz answer."""
        if message.author.bot or not message.content or message.guild is None:
            return
        context = message_context(message, self._form)
        reply = await self._core.router.handle_message(context, message.content)
        if reply is None:
            return
        try:
            if reply.kind == "acknowledged":
                await message.add_reaction(ACKNOWLEDGED_EMOJI)
            elif not is_private(reply):
                await message.channel.send(**self._message(reply, self._lang(context)))
            # A private reply to a plain message would be public on Discord: not sent.
        except discord.HTTPException as error:
            log.warning("could not answer a typed message: Discord %s", error.status)
