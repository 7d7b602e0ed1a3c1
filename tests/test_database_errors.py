"""A database that cannot be opened is one line on stderr and a non-zero exit, never a
traceback; the line names the database with its password masked."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

PASSWORD = "hunter2-secret"


def run_cli(
    *args: str, url: str | None = None, config: str = "", prefix: Sequence[str] = ()
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ALLIANCE_DATABASE_URL"}
    if url is not None:
        env["ALLIANCE_DATABASE_URL"] = url
    with tempfile.TemporaryDirectory() as workdir:
        config_file = Path(workdir) / "config.toml"
        config_file.write_text(config, encoding="utf-8")
        return subprocess.run(
            [*prefix, sys.executable, "-m", "bot", *args, "--config", str(config_file)],
            input="",
            capture_output=True,
            text=True,
            cwd=workdir,
            env={**env, "PYTHONPATH": str(REPO_ROOT)},
            timeout=60,
            check=False,
        )


def assert_one_line(result: subprocess.CompletedProcess[str], reason: str) -> str:
    assert result.returncode == 3, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cannot open the database "), lines[0]
    assert reason in lines[0], lines[0]
    assert PASSWORD not in result.stderr
    return lines[0]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port whose kernel completes the TCP handshake and whose server never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    try:
        yield server.getsockname()[1]
    finally:
        server.close()


def closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port: int = probe.getsockname()[1]
    probe.close()
    return port


def pg_url(port: int | str, driver: str = "postgresql") -> str:
    return f"{driver}://bot:{PASSWORD}@127.0.0.1:{port}/alliance"


def test_a_silent_postgres_port_times_out_after_the_configured_seconds(silent_port: int) -> None:
    result = run_cli(
        "db",
        "upgrade",
        url=pg_url(silent_port),
        config="[database]\nconnect_timeout_seconds = 1\n",
    )
    line = assert_one_line(result, "no answer within 1 s")
    assert f"postgresql+asyncpg://bot:***@127.0.0.1:{silent_port}/alliance" in line


def test_a_refused_postgres_port() -> None:
    assert_one_line(run_cli("db", "upgrade", url=pg_url(closed_port())), "Connection refused")


def test_a_port_out_of_range() -> None:
    assert_one_line(
        run_cli("db", "upgrade", url=pg_url(99999)), "port 99999 is not between 1 and 65535"
    )


def test_a_driver_that_is_not_installed() -> None:
    if importlib.util.find_spec("psycopg") is not None:
        pytest.skip("psycopg is installed here")
    assert_one_line(
        run_cli("db", "upgrade", url=pg_url(5432, "postgresql+psycopg")),
        "its driver is not installed (psycopg)",
    )


def test_a_corrupt_sqlite_file(tmp_path: Path) -> None:
    corrupt = tmp_path / "alliance.sqlite3"
    corrupt.write_bytes(b"not a database at all " * 200)
    result = run_cli("shell", config=f'[bot]\ndata_dir = "{tmp_path}"\n')
    assert_one_line(result, "file is not a database")
    assert corrupt.read_bytes() == b"not a database at all " * 200  # nothing was lost


def test_a_directory_as_the_database_path(tmp_path: Path) -> None:
    result = run_cli("db", "upgrade", url=f"sqlite:///{tmp_path}")
    assert_one_line(result, "unable to open database file")


def test_a_data_directory_that_cannot_be_created() -> None:
    # Even root cannot make a directory in /proc.
    result = run_cli("shell", config='[bot]\ndata_dir = "/proc/no-such-process/data"\n')
    assert_one_line(result, "No such file or directory (/proc/no-such-process")


def test_a_data_directory_under_a_file() -> None:
    result = run_cli("db", "upgrade", config='[bot]\ndata_dir = "/dev/null/data"\n')
    assert_one_line(result, "Not a directory (/dev/null/data)")


def test_a_read_only_data_directory(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o555)
    prefix: list[str] = []
    if os.geteuid() == 0:
        # root writes through any mode bits unless it gives up the capability to.
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot make a directory read-only")
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    result = run_cli("db", "upgrade", config=f'[bot]\ndata_dir = "{data_dir}"\n', prefix=prefix)
    assert_one_line(result, "unable to open database file")
    assert list(data_dir.iterdir()) == []
