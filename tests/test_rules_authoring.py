"""Writing rule packs: the exported schema, `file:line:column` problems, refused catastrophic
regexes, checks reading fields no marking produces, and `rules test --update`."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest

from markaudit.core.errors import RuleFileError
from markaudit.engine.backtrack import catastrophic
from markaudit.engine.rules import load_rules
from markaudit.engine.yamlfile import load
from tests.conftest import FIXTURES, ROOT, run_markaudit


def write(folder: Path, text: str, name: str = "rules.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(RuleFileError) as raised:
        load_rules([path])
    return [str(p) for p in raised.value.problems]


# --- rules schema ---------------------------------------------------------------------------


def test_rules_schema_prints_a_schema_that_accepts_a_shipped_rule_file():
    result = run_markaudit("rules", "schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft7Validator.check_schema(schema)
    shipped = load((ROOT / "rules" / "banners.yaml").read_text(encoding="utf-8"))
    assert list(jsonschema.Draft7Validator(schema).iter_errors(shipped)) == []
    mistake = {"markings": [{"id": "x", "kind": "banner", "pattern": "A", "zone": ["top"]}]}
    assert list(jsonschema.Draft7Validator(schema).iter_errors(mistake))


def test_rules_schema_writes_the_file_given_and_nothing_else(tmp_path):
    target = tmp_path / "markaudit-rules.schema.json"
    target.write_text("old", encoding="utf-8")
    result = run_markaudit("rules", "schema", "-o", str(target))
    assert result.returncode == 0
    assert result.stdout == ""
    assert f"schema written to {target}" in result.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["$id"].endswith("rules.schema.json")
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


def test_rules_schema_to_a_missing_folder_is_one_line_and_exit_2(tmp_path):
    result = run_markaudit("rules", "schema", "-o", str(tmp_path / "no" / "schema.json"))
    assert result.returncode == 2
    assert result.stderr.startswith(f"markaudit: {tmp_path / 'no' / 'schema.json'}: cannot write")
    assert len(result.stderr.splitlines()) == 1


# --- file:line:column -----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "where", "message"), [
    # YAML errors: the column of the mark
    ("markings:\n  - id: a\n    kind: banner\n  pattern: x\n", "4:3", "invalid YAML"),
    ("markings:\n  - id: a\n    kind: banner\n    pattern: x\n    kind: release\n", "5:5",
     "duplicate key 'kind'"),
    # a key problem: the column of the key
    ("markings:\n  - id: a\n    kind: banner\n    pattern: x\n    zonez: [top]\n", "5:5",
     "unknown key 'zonez'"),
    ("levels: [SECRET]\nmarkings: []\nlevelz: [X]\n", "3:1", "unknown key 'levelz'"),
    # a value problem: the column of the value
    ("markings:\n  - id: a\n    kind: banner\n    pattern: '(SECRET'\n", "4:14",
     "bad regular expression"),
    ("markings:\n  - id: a\n    kind: Banner\n    pattern: x\n", "3:11", "'kind' must be"),
    ("markings:\n  - {id: a, kind: banner, pattern: x, ocr_edits: 9}\n", "2:50",
     "'ocr_edits' must be a whole number"),
    ("markings:\n  - id: a\n    kind: banner\n    patterns:\n      - x\n      - '[x'\n",
     "6:9", "bad regular expression"),
    ("markings:\n  - id: a\n    kind: banner\n    pattern: x\n    fields: {level: lvl}\n",
     "5:21", "unknown parser 'lvl'"),
    ("markings:\n  - {id: a, kind: banner, pattern: x}\nchecks:\n  - id: c\n"
     "    type: every_page\n    marking: nothing\n", "6:14", "names marking 'nothing'"),
    ("markings:\n  - {id: a, kind: banner, pattern: x}\nchecks:\n  - id: c\n"
     "    type: every_page\n    marking: a\n    severity: loud\n", "7:15", "'severity' is one"),
    # an entry without an id: the column where the entry starts
    ("markings:\n  - kind: banner\n    pattern: x\n", "2:5", "every entry needs an 'id'"),
    # a required option missing: the check's own place
    ("markings:\n  - {id: a, kind: banner, pattern: x}\nchecks:\n  - id: c\n"
     "    type: every_page\n", "4:5", "needs 'marking'"),
])
def test_problems_name_line_and_column(tmp_path, text, where, message):
    path = write(tmp_path, text)
    [problem] = problems(path)
    assert problem.startswith(f"{path}:{where}: ")
    assert message in problem


def test_a_problem_without_a_known_column_keeps_file_line(tmp_path):
    first = write(tmp_path, "levels: [CONFIDENTIAL, SECRET]\n", "a.yaml")
    second = write(tmp_path, "levels: [SECRET, CONFIDENTIAL]\n", "b.yaml")
    with pytest.raises(RuleFileError) as raised:
        load_rules([first, second])
    assert [str(p) for p in raised.value.problems] == [
        f"{second}:1:1: 'levels' differ from those defined at {first}:1"]
    missing = tmp_path / "missing.yaml"
    assert problems(missing) == [f"{missing}: no such rule file or folder"]


def test_rules_validate_prints_file_line_column(tmp_path):
    path = write(tmp_path, "markings:\n  - id: a\n    kind: banner\n    pattern: '(SECRET'\n")
    result = run_markaudit("rules", "validate", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith(f"markaudit: {path}:4:14: marking 'a': bad regular "
                                    "expression: missing )")
    assert "Traceback" not in result.stderr


# --- catastrophic regular expressions -------------------------------------------------------


@pytest.mark.parametrize(("pattern", "shown", "fix"), [
    (r"^(a+)+$", "(a+)+", "possessive `(a++)+`"),
    (r"(\w*)*", r"(\w*)*", r"possessive `(\w*+)*`"),
    (r"(a|aa)+", "(a|aa)+", "make the alternatives exclusive"),
    (r"(.*a){20}", "(.*a){20}", "narrow the inner part so that it cannot (`[^a]*`)"),
    (r"^(?:SEC|SECRET|RET)+$", "(?:SEC|SECRET|RET)+", "exclusive"),
    (r"(?:x+x+)+y", "(?:x+x+)+", "narrow"),
    (r"^(?:\s*{{caveat}}+)+$", r"(?:\s*{{caveat}}+)+", "possessive"),
])
def test_catastrophic_patterns_are_refused_with_why_and_how(tmp_path, pattern, shown, fix):
    path = write(tmp_path, f"""\
        vocabularies:
          caveat: [NOFORN, NODIS]
        markings:
          - id: bad
            kind: banner
            pattern: '{pattern}'
        """)
    [problem] = problems(path)
    assert problem.startswith(f"{path}:6:14: marking 'bad': nested repetition `{shown}` can "
                              "take exponential time: ")
    assert fix in problem


def test_catastrophic_exclude_and_not_near_patterns_are_refused(tmp_path):
    path = write(tmp_path, """\
        markings:
          - id: bad
            kind: banner
            pattern: SECRET
            exclude: ['(\\s*\\w+)+:']
            not_near:
              - {pattern: '(x|xx)*z', before: 2}
        """)
    found = problems(path)
    assert [p.split(": marking")[0] for p in found] == [f"{path}:5:15", f"{path}:7:9"]
    assert all("can take exponential time" in p for p in found)


@pytest.mark.parametrize("pattern", [
    r"^(?:a++)+$",                        # possessive inner part
    r"^(?:(?>a+))+$",                     # atomic inner part
    r"^(?>a|aa)+$",                       # atomic alternatives
    r"(\s*--\s*\w+)*",                    # the parts of a round cannot trade characters
    r"^(?:\S+\s+)*x$",
    r"(?:NOFORN|NOCONTRACT|NODIS)+",      # alternatives that part at their third letter
    r"^(?P<level>{{level}})(?P<caveats>(?:\s*(?:--|/)?\s*{{caveat}})*)$",  # README's banner
    r"(?:SEC RET){e<=1}(?:\s+\w+){0,3}",  # fuzzy syntax of the regex module
    r"(?:\w|\d)+",                        # one character class once parsed
    r"(?:(?:a|aa)b)+",                    # every round ends at its b
    r"(?r)(?:ab)+",                       # regex-only syntax re cannot read: not judged
])
def test_safe_patterns_are_accepted(pattern):
    assert catastrophic(pattern) is None


def test_no_shipped_pattern_is_refused():
    for path in sorted((ROOT / "rules").rglob("*.yaml")):
        for marking in load(path.read_text(encoding="utf-8")).get("markings") or []:
            written = [marking["pattern"]] if "pattern" in marking else marking.get(
                "patterns", [])
            for pattern in written:
                assert catastrophic(pattern) is None, (path, marking["id"])


# --- checks that read what no marking produces ----------------------------------------------

PACK = """\
    levels: [CONFIDENTIAL, SECRET]
    markings:
      - id: banner.line
        kind: banner
        pattern: '^(?P<level>{{level}})$'
        fields: {level: level}
      - id: stamp.release
        kind: release
        pattern: 'RELEASED (?P<date>\\d{4}-\\d\\d-\\d\\d)'
        fields: {date: date}
        set: {issuer: NARA}
    checks:
"""


@pytest.mark.parametrize(("check", "where", "field"), [
    ("- {id: c, type: date_order, marking: banner.line, not_after: today}", "13:5", "date"),
    ("- {id: c, type: top_bottom_agree, marking: stamp.*, field: level}", "13:62", "level"),
    ("- {id: c, type: format, marking: stamp.release, field: number, pattern: '\\d+'}",
     "13:58", "number"),
    ("- {id: c, type: era, marking: stamp.release, until: 2000-01-01, where: {agency: X}}",
     "13:74", "agency"),
])
def test_check_reading_a_field_no_marking_produces(tmp_path, check, where, field):
    path = write(tmp_path, PACK + "      " + check + "\n")
    [problem] = problems(path)
    assert problem.startswith(f"{path}:{where}: check 'c': reads field '{field}', which none "
                              "of its markings (")
    assert "their fields: " in problem


@pytest.mark.parametrize("check", [
    "- {id: c, type: top_bottom_agree, marking: banner.line, field: value}",
    "- {id: c, type: format, marking: stamp.release, field: issuer, pattern: NARA}",  # `set`
    "- {id: c, type: date_order, marking: 'stamp.*', not_after: today}",
    "- {id: c, type: consistent, marking: [banner.line, stamp.release], field: date}",
])
def test_check_reading_a_field_some_marking_produces_is_accepted(tmp_path, check):
    load_rules([write(tmp_path, PACK + "      " + check + "\n")])


def test_levels_no_marking_can_carry_are_reported(tmp_path):
    path = write(tmp_path, """\
        description: levels matched, never read
        levels: [CONFIDENTIAL, SECRET]
        markings:
          - {id: banner.line, kind: banner, pattern: '^{{level}}$'}
        """)
    [problem] = problems(path)
    assert problem.startswith(f"{path}:2:1: no marking can carry these levels")
    assert "'level' parser" in problem


def test_a_file_of_levels_alone_is_not_judged(tmp_path):
    load_rules([write(tmp_path, "levels: [CONFIDENTIAL, SECRET]\n")])


# --- rules test --update --------------------------------------------------------------------

WRONG = """\
# The seed memorandum, checked by hand.
# A second comment line.
document: {document}   # where the text is
kinds: [banner, release]
markings:
  - {{rule: banner.classification, page: 1, line: 28}}
findings: []
"""


def test_update_rewrites_a_wrong_expectation_which_then_passes(tmp_path):
    expect = tmp_path / "seed.expect.yaml"
    expect.write_text(WRONG.format(document=FIXTURES / "frus-1962-10-27-inr.txt"),
                      encoding="utf-8")
    assert run_markaudit("rules", "test", str(expect)).returncode == 1

    result = run_markaudit("rules", "test", "--update", str(tmp_path))
    assert result.returncode == 0
    assert f"updated    {expect}" in result.stdout
    assert "1 of 1 expectation files updated" in result.stdout
    text = expect.read_text(encoding="utf-8")
    assert text.startswith("# The seed memorandum, checked by hand.\n# A second comment line.\n"
                           f"document: {FIXTURES / 'frus-1962-10-27-inr.txt'}   # where")
    assert "kinds: [banner, release]\n" in text
    assert ("  - {rule: banner.classification, page: 1, line: 29, zone: bottom, value: TOP "
            "SECRET -- EYES ONLY, fields: {level: TOP SECRET, caveats: [EYES ONLY]}}") in text
    assert "control-number" not in text  # only the kinds the file compares
    assert "  - {rule: banner.every-page, page: 1, severity: warning}" in text
    assert [p.name for p in tmp_path.iterdir()] == [expect.name]  # written atomically

    passed = run_markaudit("rules", "test", str(expect))
    assert passed.returncode == 0, passed.stdout
    again = run_markaudit("rules", "test", "--update", str(expect))
    assert f"unchanged  {expect}" in again.stdout
    assert expect.read_text(encoding="utf-8") == text


def test_update_of_a_file_without_kinds_keeps_comparing_the_rules_it_named(tmp_path):
    expect = tmp_path / "seed.expect.yaml"
    expect.write_text(f"document: {FIXTURES / 'frus-1962-10-27-inr.txt'}\nmarkings:\n"
                      "  - {rule: release.frus, page: 1, line: 36}\n", encoding="utf-8")
    result = run_markaudit("rules", "test", "--update", str(expect))
    assert result.returncode == 0
    text = expect.read_text(encoding="utf-8")
    assert "\nrules: [release.frus]\npages: 2\n" in text  # the scope, written out
    assert "banner.classification" not in text  # a rule the file did not name
    markings = text.split("\nmarkings:\n")[1].split("\nfindings:")[0].splitlines()
    assert [line.split(",")[:3] for line in markings] == [
            ["  - {rule: release.frus", " page: 1", " line: 37"],
            ["  - {rule: release.frus", " page: 2", " line: 68"]]
    assert run_markaudit("rules", "test", str(expect)).returncode == 0


def test_update_leaves_a_file_whose_document_cannot_be_read(tmp_path):
    expect = tmp_path / "gone.expect.yaml"
    expect.write_text("document: gone.txt\nmarkings: []\n", encoding="utf-8")
    result = run_markaudit("rules", "test", "--update", str(expect))
    assert result.returncode == 2
    assert f"markaudit: {expect}: document not audited, file left as it was" in result.stderr
    assert expect.read_text(encoding="utf-8") == "document: gone.txt\nmarkings: []\n"


def test_expectation_files_in_a_rule_folder_are_not_read_as_rules(tmp_path):
    write(tmp_path, "markings:\n  - {id: a, kind: banner, pattern: '^SECRET$'}\n")
    write(tmp_path, "document: memo.txt\nmarkings: []\n", "memo.expect.yaml")
    assert [rule.id for rule in load_rules([tmp_path]).markings] == ["a"]
