"""The command-path benchmarks of both adapters.

Each times ``/alliance fact`` through the real stack under the same concurrent load as a
bare app answering a constant, and report throughput, p50/p99 latency and the bot process's
CPU time per command (goals: throughput ≥ 0.9× bare, p99 ≤ 1.2× bare, CPU ≤ 1.25× bare):

- Slack: signed HTTP requests into the Bolt app in HTTP mode vs a bare Bolt app;
- Discord: INTERACTION_CREATE through the real discord.py client on the loopback fake
  gateway vs a bare discord.py command.

An adapter's benchmark has a module of its own returning its rows (``bench.__main__.Row``),
called from :func:`rows`: Slack in :mod:`bench.command_path_slack`, Discord in
:mod:`bench.command_path_discord`.
"""

from __future__ import annotations

from typing import Any

from bench import command_path_discord, command_path_slack


def rows(quick: bool = False, rounds: int | None = None) -> list[Any]:
    """The command-path rows of the table, at a tiny size when ``quick``."""
    return [
        *command_path_slack.rows(quick, rounds),
        *command_path_discord.rows(quick, rounds),
    ]
