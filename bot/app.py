"""Builds the platform-neutral core from settings; adapters are given what this returns."""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.config import Settings
from bot.core.commands import CommandRouter
from bot.core.fact_commands import FactCommands
from bot.core.fact_loading import load_fact_store
from bot.core.fact_store import FactStore


@dataclass(frozen=True)
class Core:
    """The parts every adapter shares."""

    settings: Settings
    store: FactStore
    router: CommandRouter


def build_core(settings: Settings, rng: random.Random | None = None) -> Core:
    """Load the facts (raising FactDataError on bad data) and register every command."""
    store = load_fact_store(settings.facts_dir)
    router = CommandRouter(settings.bot.language)
    FactCommands(store, rng or random.Random()).register(router)
    return Core(settings=settings, store=store, router=router)
