"""Buttons that survive a restart: one dynamic item whose custom_id is the core's action."""

from __future__ import annotations

import re
from typing import Any, Protocol

import discord

from bot.adapters.discord.rendering import BUTTON_PREFIX, button_label, button_rows
from bot.core.replies import Button, shorten

_STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "success": discord.ButtonStyle.success,
    "danger": discord.ButtonStyle.danger,
}


class ButtonPresses(Protocol):
    """Whoever routes a press to the core (the adapter's interaction handler)."""

    async def press(self, interaction: discord.Interaction[Any], action: str) -> None: ...


class HasButtonPresses(Protocol):
    presses: ButtonPresses


# Any custom_id: the bot's own start with the prefix; an id from an older version of the bot
# is passed on too, so the core answers it (an ephemeral error) instead of Discord showing
# "interaction failed".
_TEMPLATE = re.compile(f"(?:{re.escape(BUTTON_PREFIX)})?(?P<action>.+)", re.DOTALL)


class ActionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=_TEMPLATE):
    """A button that runs ``action`` (a command line) as the user who pressed it."""

    def __init__(
        self,
        action: str,
        label: str = "…",
        style: str = "secondary",
        row: int | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=shorten(label, 80),
                style=_STYLES.get(style, discord.ButtonStyle.secondary),
                custom_id=BUTTON_PREFIX + action,
                disabled=disabled,
            ),
            row=row,
        )
        self.action = action

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ActionButton:
        return cls(match["action"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        client: HasButtonPresses = interaction.client
        await client.presses.press(interaction, self.action)


def unrouted_action(interaction: discord.Interaction[Any]) -> str | None:
    """The action of a press discord.py will not route: its button is no longer on the
    message as Discord sends it (edited away while the presser's client still showed it).
    None for every other interaction."""
    if interaction.type is not discord.InteractionType.component or not interaction.data:
        return None
    custom_id = str(interaction.data.get("custom_id", ""))
    match = _TEMPLATE.fullmatch(custom_id)
    if match is None or interaction.message is None:
        return None
    shown = {
        getattr(child, "custom_id", None)
        for row in interaction.message.components
        for child in getattr(row, "children", ())
    }
    return None if custom_id in shown else match["action"]


def view_for(buttons: tuple[Button, ...]) -> discord.ui.View | None:
    """A persistent view (no timeout) of ``buttons`` in rows of 5; None without buttons."""
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for row, line in enumerate(button_rows(buttons)):
        for button in line:
            view.add_item(
                ActionButton(
                    button.action,
                    button_label(button),
                    button.style,
                    row=row,
                    disabled=button.disabled,
                )
            )
    return view
