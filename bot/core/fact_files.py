"""Where the data files are and how a problem in them is reported.

Apart from :mod:`bot.core.fact_loading` so that a start-up served from the corpus cache can
name the files and catch :class:`FactDataError` without importing the YAML parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PEOPLE_DIR = "people"
QUESTIONS_DIR = "questions"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class FactDataError(Exception):
    """The data files are not valid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def yaml_files(directory: Path) -> list[Path]:
    """The data files directly in ``directory``, sorted."""
    return sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
