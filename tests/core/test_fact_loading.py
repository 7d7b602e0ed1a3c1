"""Every kind of bad fact file is rejected with its path and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from bot.config import shipped_facts_dir
from bot.core import yaml_lines
from bot.core.dates import Precision
from bot.core.fact_loading import FactDataError, load_fact_store
from bot.core.yaml_lines import LineList, LineMap

PEOPLE = """\
- id: stalin
  name: {en: Joseph Stalin, ja: ヨシフ・スターリン}
  role: {en: Soviet leader, ja: ソ連の指導者}
"""

GOOD_FACT = """\
- id: good-fact
  date: "1941-06-22"
  title: {en: Germany invades the USSR, ja: ドイツがソ連に侵攻}
  text: {en: The invasion begins., ja: 侵攻が始まった。}
  tags: [eastern-front]
  sources:
    - {title: Office of the Historian, url: "https://history.state.gov/milestones/1937-1945/us-soviet"}
"""


def write_corpus(directory: Path, facts: str, people: str = PEOPLE) -> Path:
    (directory / "people").mkdir(parents=True, exist_ok=True)
    (directory / "people" / "people.yaml").write_text(people, encoding="utf-8")
    path = directory / "events.yaml"
    path.write_text(textwrap.dedent(facts), encoding="utf-8")
    return path


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(FactDataError) as caught:
        load_fact_store(directory)
    return [str(problem) for problem in caught.value.problems]


def test_a_valid_file_loads_with_dates_at_their_written_precision(tmp_path: Path) -> None:
    write_corpus(
        tmp_path,
        GOOD_FACT
        + GOOD_FACT.replace("good-fact", "month-fact").replace('"1941-06-22"', '"1942-07"')
        + GOOD_FACT.replace("good-fact", "year-fact").replace('"1941-06-22"', "1943"),
    )
    store = load_fact_store(tmp_path)
    precisions = {fact.id: fact.date.precision for fact in store.facts}
    assert precisions == {
        "good-fact": Precision.DAY,
        "month-fact": Precision.MONTH,
        "year-fact": Precision.YEAR,
    }


@pytest.mark.parametrize(
    ("change", "line", "expected"),
    [
        (('"1941-06-22"', '"1941-06-31"'), 2, "not a day of the calendar"),
        (('"1941-06-22"', '"22/06/1941"'), 2, "YYYY-MM-DD"),
        (('"1941-06-22"', '"1941-13"'), 2, "no month 13"),
        (
            ("  tags: [eastern-front]", '  end_date: "1941-06-01"\n  tags: [eastern-front]'),
            1,
            "end_date 1941-06-01 is before date 1941-06-22",
        ),
        (("ja: ドイツがソ連に侵攻}", "ja: Germany invades}"), 3, "no Japanese"),
        (
            (
                "  title: {en: Germany invades the USSR, ja: ドイツがソ連に侵攻}",
                "  title: {en: Germany invades the USSR}",
            ),
            3,
            "missing required key 'title.ja'",
        ),
        (
            ("  tags: [eastern-front]", "  tags: [eastern-front]\n  colour: red"),
            6,
            "unknown key 'colour'",
        ),
        (("  tags: [eastern-front]", "  tags: [naval-war]"), 5, "unknown tag(s) naval-war"),
        (
            (
                "  sources:\n    - {title: Office of the Historian, url: "
                '"https://history.state.gov/milestones/1937-1945/us-soviet"}',
                "  sources: []",
            ),
            6,
            "at least one source",
        ),
        (
            ('url: "https://history.state.gov/milestones/1937-1945/us-soviet"', 'url: "ftp:/x"'),
            7,
            "not an http(s) address",
        ),
        (
            ("  tags: [eastern-front]", "  tags: [eastern-front]\n  people: [trotsky]"),
            1,
            "unknown person 'trotsky'",
        ),
        (("- id: good-fact", "- id: Good Fact"), 1, "id: String should match pattern"),
    ],
)
def test_each_kind_of_problem_names_its_file_and_line(
    tmp_path: Path, change: tuple[str, str], line: int, expected: str
) -> None:
    old, new = change
    assert old in GOOD_FACT
    path = write_corpus(tmp_path, GOOD_FACT.replace(old, new))
    problems = problems_of(tmp_path)
    assert any(p.startswith(f"{path}:{line}: ") and expected in p for p in problems), problems


def test_duplicate_ids_across_files_point_at_both_places(tmp_path: Path) -> None:
    first = write_corpus(tmp_path, GOOD_FACT)
    second = tmp_path / "more.yaml"
    second.write_text("# another file\n" + GOOD_FACT, encoding="utf-8")
    problems = problems_of(tmp_path)
    assert problems == [
        f"{second}:2: duplicate fact id 'good-fact' (first defined at {first}:1)"
    ] or problems == [f"{first}:1: duplicate fact id 'good-fact' (first defined at {second}:2)"]


def test_every_problem_in_a_file_is_reported_not_just_the_first(tmp_path: Path) -> None:
    broken = GOOD_FACT.replace('"1941-06-22"', '"1941-02-30"') + GOOD_FACT.replace(
        "good-fact", "second"
    ).replace("  tags: [eastern-front]\n", "")
    path = write_corpus(tmp_path, broken)
    problems = problems_of(tmp_path)
    assert len(problems) == 2
    assert problems[0].startswith(f"{path}:2: fact 'good-fact'")
    assert problems[1].startswith(f"{path}:8: fact 'second': missing required key 'tags'")


def test_a_key_given_twice_is_an_error_not_a_silent_overwrite(tmp_path: Path) -> None:
    path = write_corpus(tmp_path, GOOD_FACT.replace("  tags:", '  date: "1941-06-23"\n  tags:'))
    assert f"{path}:5: fact 'good-fact': key 'date' is given twice" in problems_of(tmp_path)


def test_broken_yaml_syntax_gives_the_line(tmp_path: Path) -> None:
    path = write_corpus(tmp_path, GOOD_FACT + "- id: [unclosed\n")
    problems = problems_of(tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:9: not valid YAML")


def test_a_file_that_is_not_a_list_is_rejected(tmp_path: Path) -> None:
    path = write_corpus(tmp_path, "id: lonely\n")
    assert problems_of(tmp_path) == [f"{path}:1: the file must be a list of fact entries"]


def test_an_empty_directory_is_bad_data(tmp_path: Path) -> None:
    assert "no fact files" in problems_of(tmp_path)[0]


def test_folded_japanese_lines_join_without_a_space(tmp_path: Path) -> None:
    folded = GOOD_FACT.replace(
        "  text: {en: The invasion begins., ja: 侵攻が始まった。}",
        "  text:\n    en: >-\n      The invasion\n      begins.\n    ja: >-\n      ドイツ中央軍\n"
        "      集団が侵攻した。 W・アヴェレル・ハリマンも\n      Moscow にいた。",
    )
    write_corpus(tmp_path, folded)
    fact = load_fact_store(tmp_path).facts[0]
    assert fact.text.en == "The invasion begins."
    assert fact.text.ja == "ドイツ中央軍集団が侵攻した。W・アヴェレル・ハリマンもMoscowにいた。"


GOOD_QUESTION = """\
- id: q-good
  fact: good-fact
  difficulty: easy
  topics: [eastern-front]
  question: {en: "When did Germany invade the USSR?", ja: ドイツがソ連に侵攻したのはいつ？}
  answer: {en: 22 June 1941, ja: 1941年6月22日}
  wrong:
    - {en: 1 September 1939, ja: 1939年9月1日}
    - {en: 7 December 1941, ja: 1941年12月7日}
    - {en: 22 June 1940, ja: 1940年6月22日}
  explanation: {en: It began before dawn., ja: 未明に始まった。}
"""


def write_questions(directory: Path, text: str) -> Path:
    (directory / "questions").mkdir(exist_ok=True)
    path = directory / "questions" / "q.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_questions_load_with_their_fact(tmp_path: Path) -> None:
    write_corpus(tmp_path, GOOD_FACT)
    write_questions(tmp_path, GOOD_QUESTION)
    store = load_fact_store(tmp_path)
    assert [q.id for q in store.questions] == ["q-good"]


@pytest.mark.parametrize(
    ("change", "line", "expected"),
    [
        (("fact: good-fact", "fact: no-such-fact"), 1, "unknown fact 'no-such-fact'"),
        (
            ("{en: 7 December 1941, ja: 1941年12月7日}", "{en: 22 june 1941, ja: 1941年12月7日}"),
            1,
            "two choices are the same in en",
        ),
        (("When did Germany invade the USSR?", "Was it 22 June 1941?"), 1, "gives its answer away"),
        (
            ("    - {en: 22 June 1940, ja: 1940年6月22日}\n", ""),
            7,
            "missing required key 'wrong.2'",
        ),
        (("difficulty: easy", "difficulty: trivial"), 3, "difficulty"),
        (("topics: [eastern-front]", "topics: [cooking]"), 4, "unknown topic(s) cooking"),
    ],
)
def test_bad_questions_are_reported_with_their_line(
    tmp_path: Path, change: tuple[str, str], line: int, expected: str
) -> None:
    old, new = change
    assert old in GOOD_QUESTION
    write_corpus(tmp_path, GOOD_FACT)
    path = write_questions(tmp_path, GOOD_QUESTION.replace(old, new))
    problems = problems_of(tmp_path)
    assert any(p.startswith(f"{path}:{line}: ") and expected in p for p in problems), problems


BILLION_LAUGHS = """\
- id: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
  title: *i
"""


def only_problem(directory: Path) -> str:
    problems = problems_of(directory)
    assert len(problems) == 1, problems
    return problems[0]


def test_a_billion_laughs_file_is_refused_at_its_first_anchor(tmp_path: Path) -> None:
    path = write_corpus(tmp_path, BILLION_LAUGHS)
    assert len(BILLION_LAUGHS.encode()) < 500
    assert only_problem(tmp_path) == f"{path}:1: anchors (&a) are not allowed in fact files"


def test_an_alias_is_refused_even_when_it_would_expand_harmlessly(tmp_path: Path) -> None:
    tagged = GOOD_FACT.replace("  tags: [eastern-front]", "  tags: &front [eastern-front]")
    path = write_corpus(tmp_path, tagged + GOOD_FACT.replace("good-fact", "second"))
    assert only_problem(tmp_path).startswith(f"{path}:5: anchors (&front)")
    aliased = GOOD_FACT.replace("  tags: [eastern-front]", "  tags: *front")
    path = write_corpus(tmp_path, aliased)
    assert only_problem(tmp_path) == f"{path}:5: aliases (*front) are not allowed in fact files"


def test_deep_nesting_is_refused_with_its_line(tmp_path: Path) -> None:
    path = write_corpus(tmp_path, GOOD_FACT + "- id: deep\n  title: " + "[" * 5000 + "]" * 5000)
    assert only_problem(tmp_path) == f"{path}:9: nested more than 40 levels deep"


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = write_corpus(tmp_path, GOOD_FACT)
    padding = "# " + "x" * 1000 + "\n"
    path.write_text(GOOD_FACT + padding * (2 * 1024 * 1024 // len(padding) + 1), encoding="utf-8")
    assert only_problem(tmp_path) == f"{path}:1: the file is larger than 2 MiB"


def test_bytes_that_are_not_utf8_give_their_line(tmp_path: Path) -> None:
    path = write_corpus(tmp_path, GOOD_FACT)
    path.write_bytes(GOOD_FACT.encode().replace(b"The invasion", b"The \xff invasion"))
    assert only_problem(tmp_path) == f"{path}:4: not UTF-8 (byte 0xff); save it as UTF-8"


def test_utf16_with_a_bom_is_named(tmp_path: Path) -> None:
    path = write_corpus(tmp_path, GOOD_FACT)
    path.write_bytes(GOOD_FACT.encode("utf-16"))
    assert only_problem(tmp_path) == f"{path}:1: the file is UTF-16; save it as UTF-8"


def test_a_control_character_gives_its_line(tmp_path: Path) -> None:
    path = write_corpus(tmp_path, GOOD_FACT.replace("The invasion", "The \x00 invasion"))
    assert only_problem(tmp_path) == f"{path}:4: not valid YAML: U+0000 is not allowed"


def test_a_directory_named_like_a_fact_file_is_reported(tmp_path: Path) -> None:
    write_corpus(tmp_path, GOOD_FACT)
    (tmp_path / "folder.yaml").mkdir()
    assert only_problem(tmp_path) == f"{tmp_path / 'folder.yaml'}:1: not a regular file"


def test_a_dangling_symlink_is_reported(tmp_path: Path) -> None:
    write_corpus(tmp_path, GOOD_FACT)
    link = tmp_path / "gone.yaml"
    link.symlink_to(tmp_path / "no-such-file.yaml")
    assert only_problem(tmp_path) == f"{link}:1: cannot read the file: a symbolic link to nothing"


def test_a_symlink_to_a_device_is_not_read(tmp_path: Path) -> None:
    write_corpus(tmp_path, GOOD_FACT)
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    assert only_problem(tmp_path) == f"{link}:1: not a regular file"


def test_an_entry_that_is_not_a_mapping_reports_its_own_line(tmp_path: Path) -> None:
    path = write_corpus(tmp_path, GOOD_FACT + "- just a sentence\n")
    assert only_problem(tmp_path) == f"{path}:8: entry 2 is not a mapping of keys"


def _same_lines(fast: object, slow: object) -> bool:
    """Equal values with equal line marks all the way down."""
    if type(fast) is not type(slow):
        return False
    if isinstance(fast, LineMap) and isinstance(slow, LineMap):
        return (
            (fast.line, fast.key_lines, fast.duplicate_keys)
            == (slow.line, slow.key_lines, slow.duplicate_keys)
            and fast.keys() == slow.keys()
            and all(_same_lines(fast[key], slow[key]) for key in fast)
        )
    if isinstance(fast, LineList) and isinstance(slow, LineList):
        return (
            fast.item_lines == slow.item_lines
            and len(fast) == len(slow)
            and all(_same_lines(a, b) for a, b in zip(fast, slow, strict=True))
        )
    return fast == slow


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")
@pytest.mark.parametrize(
    "path",
    sorted(shipped_facts_dir().rglob("*.yaml")),
    ids=lambda path: path.name,
)
def test_the_c_loader_reads_every_shipped_file_as_the_line_loader_does(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _same_lines(yaml_lines.fast_load(text), yaml_lines.slow_load(path, text))


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")
@pytest.mark.parametrize(
    "text",
    [
        "- id: a\n  title: {en: x}\r\n- id: b\r\n",
        '- id: a\n  text: "two\x85 breaks\u2028here"\n- id: b\n',
        "- id: a\n  text: >\n    folded\n\n    paragraphs\n  date: 1941-06-22\n",
        "- {id: a, tags: [x, y]}\n-\n  - nested\n  - [1, 2.5, true, null]\n",
        "\ufeff- id: with a byte order mark\n",
    ],
)
def test_the_c_loader_keeps_values_and_lines_of_tricky_layouts(text: str) -> None:
    assert _same_lines(yaml_lines.fast_load(text), yaml_lines.slow_load(Path("t.yaml"), text))


@pytest.mark.parametrize(
    "text",
    ["- &a x\n", "- a: *b\n", "- " + "[" * 45 + "]" * 45 + "\n", "- a: [unclosed\n", "- \x07\n"],
)
def test_what_the_fast_path_doubts_goes_to_the_line_loader(text: str) -> None:
    with pytest.raises(yaml_lines.Doubtful):
        yaml_lines.fast_load(text)
