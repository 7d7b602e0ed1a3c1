"""A throwaway PostgreSQL server of a test's own, which the test may stop and start.

The shared server (ALLIANCE_TEST_POSTGRES_URL) must never be stopped: other tests and other
processes use it. This one lives in a temporary directory on a free port. As root, the
server runs as the ``postgres`` user (it refuses root), as ``scripts/postgres.sh`` does.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_ROOT = Path(os.environ.get("ALLIANCE_PG_ROOT", "/usr/lib/postgresql"))


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's programs, or None."""
    found = sorted(PG_ROOT.glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PrivatePostgres:
    bin: Path
    data: Path
    port: int
    as_postgres: list[str]

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/alliance_fault"

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.bin / "pg_ctl"), "-D", str(self.data), *args],
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._pg_ctl("-l", str(self.data / "server.log"), "-w", "start", "-o", options)

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "-w", "stop")


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A fresh server with an ``alliance_fault`` database; skipped without PostgreSQL's
    programs, except on CI (CI set), where that fails the test."""
    programs = postgres_bin()
    if programs is None:
        reason = f"PostgreSQL's programs are not installed under {PG_ROOT} (initdb, pg_ctl)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: CI must run the PostgreSQL fault tests")
        pytest.skip(reason)
    data = Path(tempfile.mkdtemp(prefix="alliance-fault-pg-"))
    as_postgres: list[str] = []
    if os.getuid() == 0:
        if shutil.which("runuser") is None:
            pytest.fail("running as root needs runuser to start PostgreSQL as postgres")
        subprocess.run(["id", "postgres"], check=True, capture_output=True)
        shutil.chown(data, "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    server = PrivatePostgres(programs, data, _free_port(), as_postgres)
    try:
        subprocess.run(
            [
                *as_postgres,
                str(programs / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
            ],
            check=True,
            capture_output=True,
        )
        server.start()
        subprocess.run(
            [
                str(programs / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(server.port),
                "-U",
                "postgres",
                "alliance_fault",
            ],
            check=True,
            capture_output=True,
        )
        yield server
    finally:
        subprocess.run(
            [*as_postgres, str(programs / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(data, ignore_errors=True)
