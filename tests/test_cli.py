"""The command line as a user meets it: reports, exit codes, errors without tracebacks."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SEED, run_markaudit


def test_audit_of_the_seed_prints_document_findings_and_summary():
    result = run_markaudit("audit", str(SEED))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "frus-1962-10-27-inr.txt" in out
    assert "2 pages" in out
    assert "TOP SECRET -- EYES ONLY" in out
    assert "banner.every-page" in out
    assert "page 1: no classification banner at the top" in out
    assert "1 document, 2 pages: 0 errors, 1 warning, 0 info" in out


def test_plain_output_has_no_escape_codes_when_not_a_terminal():
    result = run_markaudit("audit", str(SEED))
    assert "\x1b[" not in result.stdout


def test_no_color_is_respected():
    result = run_markaudit("audit", str(SEED), env={"NO_COLOR": "1"})
    assert "\x1b[" not in result.stdout


def test_show_markings_lists_every_marking_with_its_place():
    result = run_markaudit("audit", str(SEED), "--show-markings")
    lines = result.stdout.splitlines()
    banner_rows = [line for line in lines if line.startswith("banner ")]
    assert len(banner_rows) == 3
    assert any(" 29 " in row and "bottom" in row for row in banner_rows)
    assert any("desensitization" in line and "Category A" in line for line in lines)
    assert any(line.startswith("page-number") and " 48 " in line for line in lines)
    without = run_markaudit("audit", str(SEED)).stdout
    assert "desensitization" not in without


@pytest.mark.parametrize(("fail_on", "code"), [("error", 0), ("warning", 1), ("info", 1)])
def test_fail_on_sets_the_exit_code(fail_on, code):
    assert run_markaudit("audit", str(SEED), "--fail-on", fail_on).returncode == code


def test_error_finding_fails_by_default(tmp_path):
    doc = tmp_path / "late.txt"
    doc.write_text("October 27, 1962\n\nTransmitted to O/R/INR on 10/26/62\n", encoding="utf-8")
    result = run_markaudit("audit", str(doc))
    assert result.returncode == 1
    assert "dates.stamp-before-document" in result.stdout
    assert "1 error" in result.stdout


def test_json_report_to_stdout_parses_and_has_the_documented_shape():
    result = run_markaudit("audit", str(SEED), "--format", "json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["tool"]["name"] == "markaudit"
    assert report["summary"] == {"documents": 1, "pages": 2, "partial": False,
                                 "findings": {"error": 0, "warning": 1, "info": 0}}


def test_output_file_is_written_and_stdout_stays_clean(tmp_path):
    target = tmp_path / "report.json"
    result = run_markaudit("audit", str(SEED), "-f", "json", "-o", str(target))
    assert result.returncode == 0
    assert result.stdout == ""
    assert "report written to" in result.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["pages"] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary left behind


def test_console_report_to_a_file(tmp_path):
    target = tmp_path / "report.txt"
    assert run_markaudit("audit", str(SEED), "-o", str(target)).returncode == 0
    assert "banner.every-page" in target.read_text(encoding="utf-8")


def test_unwritable_output_is_a_one_line_error(tmp_path):
    result = run_markaudit("audit", str(SEED), "-o", str(tmp_path / "missing" / "r.json"))
    assert result.returncode == 2
    assert "cannot write report" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_document_is_reported_and_the_run_goes_on(tmp_path):
    result = run_markaudit("audit", str(tmp_path / "nope.txt"), str(SEED), "-f", "json")
    assert result.returncode == 1
    assert f"{tmp_path / 'nope.txt'}: no such file" in result.stderr
    report = json.loads(result.stdout)
    assert [d["errors"] for d in report["documents"]] == [["no such file"], []]
    assert report["documents"][1]["pages"] == 2
    assert "Traceback" not in result.stderr


def test_binary_document_is_not_audited(tmp_path):
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"%PDF-1.4\x00\x01\x02")
    result = run_markaudit("audit", str(binary))
    assert result.returncode == 1
    assert "binary content" in result.stderr


def test_folder_is_searched_for_documents(tmp_path):
    (tmp_path / "box1").mkdir()
    (tmp_path / "box1" / "a.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "box1" / "notes.csv").write_text("x,y\n", encoding="utf-8")
    result = run_markaudit("audit", str(tmp_path), "-f", "json")
    paths = [d["path"] for d in json.loads(result.stdout)["documents"]]
    assert paths == [str(tmp_path / "box1" / "a.txt")]


def test_bad_rule_file_is_file_and_line_and_exit_2(tmp_path):
    rules = tmp_path / "bad.yaml"
    rules.write_text("markings:\n  - id: x\n    kind: banner\n    pattern: '(unclosed'\n",
                     encoding="utf-8")
    result = run_markaudit("audit", str(SEED), "--rules", str(rules))
    assert result.returncode == 2
    assert f"{rules}:4:14: marking 'x': bad regular expression" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_extra_rules_add_markings(tmp_path):
    rules = tmp_path / "mine.yaml"
    rules.write_text(
        "markings:\n  - id: my.soviet\n    kind: keyword\n    phrase: Soviet Reaction\n",
        encoding="utf-8")
    report = json.loads(run_markaudit("audit", str(SEED), "-r", str(rules), "-f", "json").stdout)
    found = [m for m in report["documents"][0]["markings"] if m["rule"] == "my.soviet"]
    assert [(m["page"], m["line"]) for m in found] == [(2, 58)]


def test_no_default_rules_drops_the_pack(tmp_path):
    rules = tmp_path / "mine.yaml"
    rules.write_text("markings:\n  - id: my.cuba\n    kind: keyword\n    phrase: Cuba\n",
                     encoding="utf-8")
    result = run_markaudit("audit", str(SEED), "--no-default-rules", "-r", str(rules),
                           "-f", "json")
    rules_seen = {m["rule"] for m in json.loads(result.stdout)["documents"][0]["markings"]}
    assert rules_seen == {"my.cuba"}


def test_no_rules_at_all_is_a_usage_error():
    result = run_markaudit("audit", str(SEED), "--no-default-rules")
    assert result.returncode == 2
    assert "no marking rules loaded" in result.stderr


@pytest.mark.parametrize("args", [["audit"], ["audit", "x", "--format", "xml"],
                                  ["audit", "x", "--fail-on", "fatal"], ["frobnicate"]])
def test_usage_errors_exit_2_without_traceback(args):
    result = run_markaudit(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_version():
    result = run_markaudit("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("markaudit 0.")
