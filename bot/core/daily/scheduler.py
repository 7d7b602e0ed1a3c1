"""APScheduler drives the clock in production; the database decides what is due.

Each process runs its own scheduler: APScheduler's job stores cannot be shared between
processes, so exactly-once delivery rests on the claims in the database, and the scheduler
only makes every process look often enough.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.core.clock import Clock
from bot.core.daily.poster import DailyPoster

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)

JOB_ID = "daily-posts"


class DailyPostScheduler:
    """Owns the APScheduler instance and its one job: start it, stop it."""

    def __init__(self, poster: DailyPoster, clock: Clock, poll_seconds: float) -> None:
        self._poster = poster
        self._clock = clock
        self._poll_seconds = poll_seconds
        # Imported here: the shell drives its posts by timers and never loads APScheduler.
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self._scheduler: AsyncIOScheduler = AsyncIOScheduler(timezone=UTC)
        self._in_flight: asyncio.Task[None] | None = None
        self.runs = 0

    async def _run(self) -> None:
        self._in_flight = asyncio.current_task()
        try:
            report = await self._poster.run_due(self._clock.now())
            if report.sent or report.failed or report.skipped:
                log.info(
                    "daily posts: %d sent, %d retrying, %d failed, %d skipped",
                    len(report.sent),
                    len(report.retrying),
                    len(report.failed),
                    len(report.skipped),
                )
        except Exception:  # the next run tries again; one bad run must not stop the job
            log.exception("daily post run failed")
        finally:
            self.runs += 1
            self._in_flight = None

    def start(self) -> None:
        """Start polling now (which also catches up after downtime), then every interval."""
        self._scheduler.add_job(
            self._run,
            "interval",
            seconds=self._poll_seconds,
            id=JOB_ID,
            next_run_time=datetime.now(UTC),
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        self._scheduler.start()

    async def stop(self, patience: float = 30.0) -> None:
        """Stop polling; a run in progress sends what it has claimed, claims nothing more,
        and is waited for (up to ``patience`` seconds) before the scheduler shuts down, since
        shutting it down cancels the run's task and with it the sends and their marks."""
        self._poster.stop_claiming()
        if self._scheduler.running:
            self._scheduler.pause()
        if self._in_flight is not None:
            in_flight = self._in_flight
            try:
                await asyncio.wait_for(asyncio.shield(in_flight), patience)
            except TimeoutError:
                log.warning("a daily-post run did not finish in %.0f s; stopping it", patience)
            except Exception:  # already logged by the run itself
                pass
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
