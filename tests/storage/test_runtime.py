"""The runtime owns the long-lived jobs: while a bot runs, its heartbeat keeps the container
health check green; once it stops, the check fails at once. Old rows are pruned."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.app import Retention
from bot.config import RetentionSection
from bot.storage.database import Database
from bot.storage.deliveries import DeliveryRepository
from bot.storage.quiz import QuizRepository
from bot.storage.tables import DeliveryRow, QuizAnswerRow, QuizGameRow
from tests.conftest import FIXTURE_FACTS, REPO_ROOT


def health(config: Path) -> int:
    return subprocess.run(
        [sys.executable, "-m", "bot", "health", "--config", str(config)],
        capture_output=True,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    ).returncode


def test_health_passes_while_the_shell_runs_and_fails_once_it_stops(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[bot]\ndata_dir = "{tmp_path / "data"}"\nfacts_dir = "{FIXTURE_FACTS}"\n',
        encoding="utf-8",
    )
    assert health(config) != 0  # nothing runs yet
    shell = subprocess.Popen(
        [sys.executable, "-m", "bot", "shell", "--config", str(config)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO_ROOT,
        text=True,
    )
    try:
        beat = tmp_path / "data" / "heartbeat"
        deadline = time.monotonic() + 30
        while not beat.exists() and time.monotonic() < deadline and shell.poll() is None:
            time.sleep(0.1)
        assert beat.exists(), shell.stderr.read() if shell.poll() is not None else ""
        assert health(config) == 0
    finally:
        _, stderr = shell.communicate(":quit\n", timeout=60)
    assert shell.returncode == 0, stderr
    assert health(config) != 0


async def test_retention_prunes_old_finished_rows_and_keeps_the_rest(database: Database) -> None:
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    old, recent = date(2026, 9, 1), date(2026, 11, 30)
    async with database.session() as session:
        for number, (day, status) in enumerate(
            [(old, "sent"), (old, "skipped"), (old, "retry"), (recent, "sent")]
        ):
            session.add(
                DeliveryRow(
                    platform="test",
                    tenant="g",
                    channel_id=f"c{number}",
                    local_date=day,
                    due_at=now,
                    status=status,
                    attempts=1,
                )
            )
        for number, ended in enumerate([now - timedelta(days=400), now - timedelta(days=10)]):
            game = QuizGameRow(
                platform="test",
                tenant="g",
                channel_id="c",
                channel_name="c",
                language="en",
                started_by="u",
                owner="w",
                question_count=1,
                status="finished",
                started_at=ended,
                ended_at=ended,
            )
            session.add(game)
            await session.flush()
            session.add(
                QuizAnswerRow(
                    game_id=game.id,
                    platform="test",
                    tenant="g",
                    user_id=f"u{number}",
                    user_name="u",
                    question_index=0,
                    question_id="q",
                    topic="diplomacy",
                    correct=True,
                    points=900,
                    answered_at=ended,
                )
            )
    retention = Retention(
        RetentionSection(delivery_days=60, quiz_days=365),
        DeliveryRepository(database),
        QuizRepository(database),
    )
    await retention.prune(now)
    async with database.session() as session:
        kept = (await session.execute(select(DeliveryRow.channel_id))).scalars().all()
        answers = await session.scalar(select(func.count()).select_from(QuizAnswerRow))
        games = await session.scalar(select(func.count()).select_from(QuizGameRow))
    # The unfinished retry is someone's work in progress, however old.
    assert sorted(kept) == ["c2", "c3"]
    assert (answers, games) == (1, 1)
