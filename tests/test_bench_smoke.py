"""Every benchmark runs, at a tiny size, and prints its row of the table (no timings are
asserted: the figures belong in bench/RESULTS.md, not in a test)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from bench import command_path_discord, command_path_slack, command_rounds
from bench.__main__ import Row
from bench.fake_platform import Behaviour, FakePlatform
from bench.startup import synthetic_corpus
from bot.core.fact_loading import load_fact_store

ROOT = Path(__file__).resolve().parent.parent


def test_every_benchmark_runs_at_a_tiny_size_and_prints_its_row() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    header, *rows = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    assert header == "| figure | bot | baseline | ratio | goal | met? |"
    figures = [row.split(" | ")[0].removeprefix("| ") for row in rows]
    for expected in (
        "shell cold start to first reply, corpus 1×",
        "shell peak memory, corpus 1×",
        "shell cold start to first reply, corpus 2×",
        "on-this-day lookup, corpus 2× (distinct texts) vs 1×",
        "search lookup, corpus 2× (distinct texts) vs 1×",
        "fact by id lookup, corpus 2× (distinct texts) vs 1×",
        "fan-out 50 channels, no rate limit (posts/s; 0 lost, 0 doubled)",
        "fan-out 20 channels at 50 requests/s (0 lost, 0 doubled)",
        "Discord /alliance fact throughput, 50 commands, 32 outstanding (0 unanswered)",
        "Discord /alliance fact latency p99",
        "Discord /alliance fact CPU time of the app process per command",
        "Slack /alliance fact throughput, 50 commands, 32 outstanding (0 unanswered)",
        "Slack /alliance fact latency p99",
        "Slack /alliance fact CPU time of the app process per command",
    ):
        assert expected in figures, (expected, figures)
    for row in rows:
        assert len(row.split(" | ")) == 6, row


def test_a_synthetic_corpus_is_valid_with_unique_ids_and_the_same_dates(tmp_path: Path) -> None:
    shipped = load_fact_store(Path(ROOT / "facts"))
    tripled = load_fact_store(synthetic_corpus(3, tmp_path / "facts"))
    assert len(tripled.facts) == 3 * len(shipped.facts)
    assert len(tripled.on(6, 22)) == 3 * len(shipped.on(6, 22))
    assert tripled.questions == shipped.questions


async def test_the_fake_platform_refuses_what_is_beyond_its_rate_and_counts_duplicates() -> None:
    platform = FakePlatform(Behaviour(per_second=2))
    async with TestServer(platform.app, host="127.0.0.1") as server, ClientSession() as session:
        url = str(server.make_url("/channels/c1/messages"))
        statuses = []
        for key in ("a", "b", "a"):
            async with session.post(url, json={"content": "x", "nonce": key}) as response:
                statuses.append(response.status)
    assert statuses == [200, 200, 429]
    assert platform.counts.json()["rejected_by_rate"] == 1
    platform.behaviour = Behaviour()
    async with TestServer(platform.app, host="127.0.0.1") as server, ClientSession() as session:
        url = str(server.make_url("/channels/c1/messages"))
        async with session.post(url, json={"content": "x", "nonce": "a"}) as response:
            assert response.status == 200
    assert platform.counts.duplicates == 1


async def test_the_discord_command_path_answers_every_command_of_both_apps() -> None:
    measured = await command_path_discord.measure(rounds=1, commands=12, concurrency=4)
    assert measured.unanswered == 0
    for rounds in (measured.bot_rounds, measured.bare_rounds):
        (side,) = rounds
        assert side.commands == 12 and side.unanswered == 0
        assert len(side.latencies) == 12  # each command's reply arrived, of the right kind
        assert side.cpu_seconds >= 0
    names = [figure[0] for figure in command_rounds.figures("Discord", measured)]
    assert (
        names[0] == "Discord /alliance fact throughput, 12 commands, 4 outstanding (0 unanswered)"
    )
    assert len(names) == 4


def test_a_private_or_foreign_reply_is_not_an_answer() -> None:
    is_answer = command_path_discord.is_answer
    assert is_answer("constant", {"content": command_path_discord.CONSTANT})
    assert not is_answer("constant", {"content": "something else"})
    assert is_answer("embed", {"embeds": [{"title": "A fact"}]})
    assert not is_answer("embed", {"embeds": [{"title": "Slow down"}], "flags": 64})
    assert not is_answer("embed", {"content": "no embed"})


async def test_the_slack_command_path_answers_every_command_in_both_apps() -> None:
    measured = await command_path_slack.measure(rounds=1, commands=10, concurrency=4)
    assert measured.unanswered == 0
    for rounds in (measured.bot_rounds, measured.bare_rounds):
        (done,) = rounds
        assert done.commands == 10 and len(done.latencies) == 10 and done.unanswered == 0
    table = [Row(*figure) for figure in command_rounds.figures("Slack", measured)]
    assert [row.figure.split(",")[0] for row in table] == [
        "Slack /alliance fact throughput",
        "Slack /alliance fact latency p50",
        "Slack /alliance fact latency p99",
        "Slack /alliance fact CPU time of the app process per command",
    ]
