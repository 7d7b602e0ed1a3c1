"""The command-path benchmarks, to come with the Discord and Slack adapters.

Each will time ``/alliance fact`` through the real stack under the same concurrent load as a
bare app answering a constant, and report throughput, p50/p99 latency and the bot process's
CPU time per command (goals: throughput ≥ 0.9× bare, p99 ≤ 1.2× bare, CPU ≤ 1.25× bare):

- Slack: signed HTTP requests into the Bolt app in HTTP mode vs a bare Bolt app;
- Discord: INTERACTION_CREATE through the real discord.py client on the loopback fake
  gateway vs a bare discord.py command.

Until the adapters land, :func:`rows` has nothing to add to the table. An adapter's benchmark
adds a function here returning its rows (``bench.__main__.Row``) and a call in :func:`rows`.
"""

from __future__ import annotations

from typing import Any

from bench import command_path_discord


def rows(quick: bool = False, rounds: int | None = None) -> list[Any]:
    """The command-path rows of the table, ``quick`` at a tiny size."""
    found: list[Any] = []
    found += command_path_discord.rows(quick, rounds)
    return found
