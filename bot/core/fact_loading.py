"""Reading ``facts/`` into a validated :class:`FactStore`, reporting every problem with its line."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.core.fact_files import (
    PEOPLE_DIR,
    QUESTIONS_DIR,
    FactDataError,
    Problem,
    yaml_files,
)
from bot.core.fact_store import FactStore
from bot.core.facts import Fact, Person, Question
from bot.core.yaml_lines import LineList, LineMap, YamlSyntaxError, line_of, load_yaml

Model = TypeVar("Model", bound=BaseModel)

__all__ = [
    "PEOPLE_DIR",
    "QUESTIONS_DIR",
    "FactDataError",
    "Problem",
    "load_fact_store",
]


def _describe(error: Any) -> str:
    location = ".".join(str(step) for step in error["loc"])
    kind = error["type"]
    if kind == "missing":
        return f"missing required key '{location}'"
    if kind == "extra_forbidden":
        return f"unknown key '{location}'"
    if kind == "too_short" and error["loc"][-1] == "sources":
        return "at least one source is required (sources: [{title, url}])"
    if kind == "too_short" and error["loc"][-1] == "tags":
        return "at least one tag is required"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{location}: {message}" if location else message


def _validate_entries(
    path: Path, model: type[Model], label: str, problems: list[Problem]
) -> list[tuple[Model, LineMap]]:
    try:
        data = load_yaml(path)
    except YamlSyntaxError as error:
        problems.append(Problem(path, error.line, error.message))
        return []
    if data is None:
        return []
    if not isinstance(data, list):
        problems.append(Problem(path, 1, f"the file must be a list of {label} entries"))
        return []
    valid: list[tuple[Model, LineMap]] = []
    for index, entry in enumerate(data):
        if not isinstance(entry, LineMap):
            line = data.item_lines[index] if isinstance(data, LineList) else 1
            problems.append(Problem(path, line, f"entry {index + 1} is not a mapping of keys"))
            continue
        name = f"{label} '{entry.get('id', f'#{index + 1}')}'"
        for key, line in entry.duplicate_keys:
            problems.append(Problem(path, line, f"{name}: key '{key}' is given twice"))
        try:
            valid.append((model.model_validate(dict(entry)), entry))
        except ValidationError as error:
            for detail in error.errors():
                line = line_of(entry, tuple(detail["loc"]), entry.line)
                problems.append(Problem(path, line, f"{name}: {_describe(detail)}"))
    return valid


def _unique(
    entries: Iterable[tuple[Path, Model, int]], label: str, problems: list[Problem]
) -> dict[str, Model]:
    seen: dict[str, tuple[Path, int]] = {}
    unique: dict[str, Model] = {}
    for path, entry, line in entries:
        entry_id = str(getattr(entry, "id"))  # noqa: B009 - both models have an id
        if entry_id in seen:
            first_path, first_line = seen[entry_id]
            problems.append(
                Problem(
                    path,
                    line,
                    f"duplicate {label} id '{entry_id}' "
                    f"(first defined at {first_path}:{first_line})",
                )
            )
            continue
        seen[entry_id] = (path, line)
        unique[entry_id] = entry
    return unique


def load_fact_store(directory: Path) -> FactStore:
    """Load and validate every fact and person under ``directory``.

    Raises:
        FactDataError: with every problem found, each as ``path:line: what is wrong``.
    """
    problems: list[Problem] = []
    if not directory.is_dir():
        raise FactDataError([Problem(directory, 0, "the facts directory does not exist")])
    fact_files = yaml_files(directory)
    if not fact_files:
        problems.append(Problem(directory, 0, "no fact files (*.yaml) found"))

    people_entries = [
        (path, person, entry.line)
        for path in yaml_files(directory / PEOPLE_DIR)
        for person, entry in _validate_entries(path, Person, "person", problems)
    ]
    people = _unique(people_entries, "person", problems)

    fact_entries = [
        (path, fact, entry.line)
        for path in fact_files
        for fact, entry in _validate_entries(path, Fact, "fact", problems)
    ]
    for path, fact, line in fact_entries:
        for person_id in fact.people:
            if person_id not in people:
                problems.append(
                    Problem(
                        path,
                        line,
                        f"fact '{fact.id}': unknown person '{person_id}' "
                        f"(define it in {directory / PEOPLE_DIR}/*.yaml)",
                    )
                )
    facts = _unique(fact_entries, "fact", problems)

    validated_questions = [
        (path, question, entry)
        for path in yaml_files(directory / QUESTIONS_DIR)
        for question, entry in _validate_entries(path, Question, "question", problems)
    ]
    question_entries = [
        (path, question, entry.line) for path, question, entry in validated_questions
    ]
    for path, question, line in question_entries:
        if question.fact not in facts:
            problems.append(
                Problem(path, line, f"question '{question.id}': unknown fact '{question.fact}'")
            )
    questions = _unique(question_entries, "question", problems)
    for path, question, entry in validated_questions:
        line = line_of(entry, ("related",), entry.line)
        for related in question.related:
            if related == question.id:
                problems.append(
                    Problem(path, line, f"question '{question.id}' is related to itself")
                )
            elif related not in questions:
                problems.append(
                    Problem(
                        path,
                        line,
                        f"question '{question.id}': unknown related question '{related}'",
                    )
                )

    if problems:
        raise FactDataError(problems)
    return FactStore(list(facts.values()), people, list(questions.values()))
