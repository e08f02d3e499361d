"""Rules validated as they run (issue 24, item 5): what `rules validate` accepts never crashes an
audit. Recursion, which `regex` compiles but cannot bound (`(?R)?X` ran every audit out of
memory), is refused at load time with its file:line:column (engine/bounded.py); so is an id
holding a control, right-to-left or zero-width character, which every report would show."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SEED, run_markaudit
from tests.test_rules import found, only_problem, ruleset, write

RECURSIVE = ["(?R)?X", "(a(?1)?b)", "(?P<n>a(?&n)?b)", "(?P<n>x(?P>n)?y)", "(?0)?x",
             "SECRET(?-1)?", "(?:(TOP)|(?+1))(SECRET)"]


@pytest.mark.parametrize("pattern", RECURSIVE)
def test_a_recursive_pattern_is_refused_with_its_position(tmp_path: Path, pattern: str) -> None:
    path = write(tmp_path, f"markings:\n  - id: x.stamp\n    kind: stamp\n"
                           f"    pattern: '{pattern}'\n")
    problem = only_problem(path)
    assert (problem.line, problem.column) == (4, 14)
    assert "recursion" in problem.message and "at position" in problem.message


@pytest.mark.parametrize(("key", "value", "line"), [
    ("exclude", "['(?R)']", 5),
    ("not_near", "[{pattern: '(a(?1)?)', before: 1}]", 5),
    ("patterns", "[SECRET, '(?&n)(?P<n>x)']", 4),
])
def test_recursion_is_refused_wherever_a_marking_takes_a_pattern(
        tmp_path: Path, key: str, value: str, line: int) -> None:
    text = "markings:\n  - id: x.stamp\n    kind: stamp\n"
    text += f"    {key}: {value}\n" if key == "patterns" else \
        f"    pattern: SECRET\n    {key}: {value}\n"
    problem = only_problem(write(tmp_path, text))
    assert problem.line == line
    assert "recursion" in problem.message


def test_a_check_option_pattern_with_recursion_is_refused(tmp_path: Path) -> None:
    text = ("markings:\n  - id: x.stamp\n    kind: stamp\n    pattern: 'STAMP (?P<n>\\d+)'\n"
            "    fields: {n: text}\nchecks:\n  - id: x.format\n    type: format\n"
            "    marking: x.stamp\n    field: n\n    pattern: '(?R)?1'\n")
    problem = only_problem(write(tmp_path, text))
    assert problem.line == 11 and "recursion" in problem.message


@pytest.mark.parametrize("pattern", [r"\(\?R\)", "[(?R)]", r"[\]](?:R)"])
def test_recursion_written_as_text_is_a_pattern_like_any_other(tmp_path: Path,
                                                               pattern: str) -> None:
    rules = ruleset(tmp_path, f"markings:\n  - id: x.stamp\n    kind: stamp\n"
                              f"    pattern: '{pattern}'\n")
    assert rules.markings[0].compiled[0].pattern == pattern


def test_validate_refuses_what_would_crash_an_audit_and_the_audit_is_one_line(
        tmp_path: Path) -> None:
    path = write(tmp_path, "markings:\n  - id: x.stamp\n    kind: stamp\n"
                           "    pattern: '(?R)?X'\n")
    validated = run_markaudit("rules", "validate", str(path))
    assert validated.returncode == 2
    assert f"{path}:4:14:" in validated.stderr + validated.stdout
    audited = run_markaudit("audit", str(SEED), "--no-default-rules", "--rules", str(path),
                            "--no-cache")
    assert audited.returncode == 2
    assert f"{path}:4:14:" in audited.stderr
    assert "internal error" not in audited.stderr and "MemoryError" not in audited.stderr


def test_a_pattern_that_calls_a_group_by_name_only_as_a_back_reference_still_works(
        tmp_path: Path) -> None:
    rules = ruleset(tmp_path, "markings:\n  - id: x.twice\n    kind: stamp\n"
                              "    pattern: '(?P<w>SECRET) (?P=w)'\n")
    assert [m.text for m in found(rules, "SECRET SECRET\n")] == ["SECRET SECRET"]


@pytest.mark.parametrize(("rule_id", "code"), [
    ("banner.\u202etop", "U+202E"),  # right-to-left override
    ("banner\u200b.top", "U+200B"),  # zero-width space
    ("banner.top\u2066", "U+2066"),  # left-to-right isolate
    ("banner.\x1b[2Jtop", "U+001B"),  # an escape sequence
    ("banner.top\u200d", "U+200D"),  # zero-width joiner
])
def test_an_id_with_an_invisible_or_control_character_is_refused_where_it_stands(
        tmp_path: Path, rule_id: str, code: str) -> None:
    escaped = rule_id.encode("unicode_escape").decode("ascii")
    path = write(tmp_path, f'markings:\n  - id: "{escaped}"\n    kind: stamp\n'
                           "    pattern: STAMP\n")
    problem = only_problem(path)
    assert (problem.line, problem.column) == (2, 9)
    assert code in problem.message
    assert problem.message.isascii()  # the message itself shows the character escaped


def test_a_check_id_with_a_right_to_left_mark_is_refused(tmp_path: Path) -> None:
    text = ("markings:\n  - id: x.stamp\n    kind: stamp\n    pattern: STAMP\n"
            'checks:\n  - id: "x.\\u200fevery"\n    type: every_page\n    marking: x.stamp\n')
    problem = only_problem(write(tmp_path, text))
    assert problem.line == 6 and "U+200F" in problem.message


def test_a_pattern_too_long_to_compile_quickly_is_refused_at_once(tmp_path: Path) -> None:
    long = "(?:[AB]X)" * 10_000  # 90,000 characters: `regex` would parse it for seconds
    path = write(tmp_path, f"markings:\n  - id: x.long\n    kind: stamp\n"
                           f"    pattern: '{long}'\n")
    problem = only_problem(path)
    assert (problem.line, problem.column) == (4, 14)
    assert "90,000 characters long" in problem.message and "at most 50,000" in problem.message


def test_a_pattern_nested_too_deeply_for_the_parser_is_one_located_problem(
        tmp_path: Path) -> None:
    nested = "(?:" * 400 + "SECRET" + ")" * 400  # `regex` parses groups by recursion
    path = write(tmp_path, f"markings:\n  - id: x.deep\n    kind: stamp\n"
                           f"    pattern: '{nested}'\n")
    problem = only_problem(path)
    assert (problem.line, problem.column) == (4, 14)
    assert "nests groups too deeply" in problem.message


def test_a_vocabulary_too_large_for_its_parsers_pattern_is_refused_where_it_is_defined(
        tmp_path: Path) -> None:
    terms = ", ".join(f"CAVEAT{i:05d}" for i in range(4000))  # 44,000 characters, edits added
    path = write(tmp_path, f"vocabularies:\n  caveat: [{terms}]\nmarkings:\n  - id: x.stamp\n"
                           "    kind: stamp\n    pattern: STAMP\n")
    problem = only_problem(path)
    assert problem.line == 2
    assert "vocabulary 'caveat' is too large" in problem.message
