"""A heartbeat file the running bot touches, so a container health check can see it is alive."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

HEARTBEAT_INTERVAL_SECONDS = 30.0
HEARTBEAT_MAX_AGE_SECONDS = 120.0


def heartbeat_path(data_dir: Path) -> Path:
    return data_dir / "heartbeat"


def beat(path: Path) -> None:
    """Record that the bot is alive now."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


async def beat_forever(path: Path, interval: float = HEARTBEAT_INTERVAL_SECONDS) -> None:
    """Touch ``path`` every ``interval`` seconds until cancelled."""
    while True:
        await asyncio.to_thread(beat, path)
        await asyncio.sleep(interval)


def is_alive(path: Path, max_age: float = HEARTBEAT_MAX_AGE_SECONDS) -> bool:
    """True when the heartbeat was touched less than ``max_age`` seconds ago."""
    try:
        return time.time() - path.stat().st_mtime < max_age
    except FileNotFoundError:
        return False
