"""The set-up a new user meets: the README's shell commands from a clean copy of the
checkout, the lock files, and when the test script may install PostgreSQL."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import REPO_ROOT

README = REPO_ROOT / "README.md"
LOCKS = {"requirements.lock": (), "requirements-dev.lock": ("dev",)}
PROMPT = re.compile(r"^#\S+ \S+> (.*)$")


def clean_copy(destination: Path) -> Path:
    """What a fresh clone would hold: the files git tracks or would add, as they are now (so
    uncommitted edits are tested too), without .venv, data/ or anything else ignored."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=False,
    )
    if listing.returncode != 0:
        pytest.skip("not a git checkout")
    for name in filter(None, listing.stdout.decode().split("\0")):
        source = REPO_ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return clean_copy(tmp_path_factory.mktemp("clone"))


def run_script(checkout: Path, command: str, stdin: str) -> subprocess.CompletedProcess[str]:
    """``bash scripts/…`` in the copy, in the environment running these tests (ALLIANCE_VENV),
    so nothing is installed; .ci/run exercises the installing path on its fresh clone."""
    if not (Path(sys.prefix) / "bin" / "activate").is_file():
        pytest.skip("the tests are not running in a virtual environment")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["ALLIANCE_VENV"] = sys.prefix
    return subprocess.run(
        ["bash", *command.split()[1:]],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=checkout,
        env=env,
        timeout=120,
        check=False,
    )


def readme_session() -> tuple[str, list[str], list[str]]:
    """The README's shell session: its command, the lines typed, and the lines it shows."""
    text = README.read_text(encoding="utf-8")
    block = text.split("## A session in the shell", 1)[1].split("```text\n", 1)[1]
    lines = block.split("```", 1)[0].splitlines()
    command = lines[0].removeprefix("$ ")
    typed = [match.group(1) for line in lines[1:] if (match := PROMPT.match(line))]
    shown = [line for line in lines[1:] if not PROMPT.match(line) and "…" not in line]
    return command, typed, shown


def test_the_readme_session_runs_as_shown(checkout: Path) -> None:
    command, typed, shown = readme_session()
    assert command.startswith("bash scripts/shell.sh --now ")
    assert len(typed) >= 8 and len(shown) >= 10
    result = run_script(checkout, command, "\n".join(typed) + "\n")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    position = 0
    for line in shown:
        found = result.stdout.find(line, position)
        assert found >= 0, f"README line not shown (in order): {line!r}\n{result.stdout}"
        position = found + len(line)
    assert "** Question 1/5 **" in result.stdout or "Question 1" in result.stdout


@pytest.mark.parametrize("run", ["first", "second"])
def test_shell_sh_passes_its_arguments_on(checkout: Path, run: str) -> None:
    example = re.search(r"`(bash scripts/shell\.sh --now [^`]*--lang ja)`", README.read_text())
    assert example is not None, "the README's example with arguments is gone"
    result = run_script(checkout, example.group(1), "/alliance today\n")
    assert result.returncode == 0, result.stderr
    assert "85年前" in result.stdout and "出典:" in result.stdout


def test_shell_sh_without_arguments(checkout: Path) -> None:
    result = run_script(checkout, "bash scripts/shell.sh", "/alliance help\n")
    assert result.returncode == 0, result.stderr
    assert "/alliance search <words>" in result.stdout


def lock_pins(path: Path) -> dict[str, tuple[Version, int]]:
    """Each pinned package with its version and how many hashes it carries."""
    pins: dict[str, tuple[Version, int]] = {}
    current = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)", line):
            current = canonicalize_name(match.group(1))
            pins[current] = (Version(match.group(2)), 0)
        elif "--hash=sha256:" in line and current:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_each_lock_pins_every_dependency_within_its_range_with_hashes(lock: str) -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = list(project["project"]["dependencies"])
    for extra in LOCKS[lock]:
        wanted += project["project"]["optional-dependencies"][extra]
    pins = lock_pins(REPO_ROOT / lock)
    for line in wanted:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{lock} lacks {name}: run bash scripts/lock.sh"
        version, _ = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock} pins {name}=={version}, outside {requirement.specifier}: refresh the lock"
        )
    assert all(hashes > 0 for _, hashes in pins.values())


def test_scripts_ci_and_docker_install_from_the_locks_with_hashes() -> None:
    venv = (REPO_ROOT / "scripts" / "venv.sh").read_text(encoding="utf-8")
    assert '--require-hashes -r "$lock"' in venv and "--no-deps -e ." in venv
    docker = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install --require-hashes -r requirements.lock" in docker
    assert re.search(r"pip install --no-deps \.", docker)
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "use_venv dev" in ci and "bash scripts/shell.sh --now" in ci


@pytest.fixture
def fake_apt(tmp_path: Path) -> tuple[Path, Path]:
    """apt-get reaches the internet, so here it only records how it was called."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "apt-calls"
    script = bin_dir / "apt-get"
    script.write_text(f'#!/bin/sh\necho "apt-get ran" >&2\necho "$@" >> {calls}\n')
    script.chmod(0o755)
    return bin_dir, calls


def start_test_postgres(
    tmp_path: Path, bin_dir: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """Source scripts/postgres.sh and call start_test_postgres where no PostgreSQL is
    installed (an empty ALLIANCE_PG_ROOT)."""
    empty = tmp_path / "no-postgresql"
    empty.mkdir(exist_ok=True)
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CI", "ALLIANCE_INSTALL_POSTGRES"}
    }
    return subprocess.run(
        [
            "bash",
            "-c",
            "source scripts/postgres.sh; if start_test_postgres; then echo status=0;"
            " else echo status=1; fi",
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={
            **base,
            "PATH": f"{bin_dir}:{os.environ['PATH']}",
            "ALLIANCE_PG_ROOT": str(empty),
            **env,
        },
        timeout=60,
        check=False,
    )


def test_without_ci_or_a_request_postgres_is_not_installed(
    tmp_path: Path, fake_apt: tuple[Path, Path]
) -> None:
    bin_dir, calls = fake_apt
    result = start_test_postgres(tmp_path, bin_dir, {})
    assert "status=1" in result.stdout
    assert "PostgreSQL tests will be skipped" in result.stderr
    assert "ALLIANCE_INSTALL_POSTGRES=1 bash scripts/test.sh" in result.stderr
    assert not calls.exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="installing needs root")
@pytest.mark.parametrize("asked", [{"CI": "true"}, {"ALLIANCE_INSTALL_POSTGRES": "1"}])
def test_on_ci_or_when_asked_it_says_so_and_then_installs(
    tmp_path: Path, fake_apt: tuple[Path, Path], asked: dict[str, str]
) -> None:
    bin_dir, calls = fake_apt
    result = start_test_postgres(tmp_path, bin_dir, asked)
    announcement = result.stderr.find("installing Debian's postgresql package")
    assert 0 <= announcement < result.stderr.find("apt-get ran")
    assert next(iter(asked)) in result.stderr  # and says why
    assert "install -y -qq postgresql" in calls.read_text()
    # The fake installed nothing, so there is still no server to start.
    assert "status=1" in result.stdout and "no PostgreSQL programs" in result.stderr
