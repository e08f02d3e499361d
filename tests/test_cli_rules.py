"""`markaudit rules ...`: list, explain, validate and test rule packs from the command line."""

from __future__ import annotations

from tests.conftest import FIXTURES, ROOT, run_markaudit


def test_rules_list_shows_markings_and_checks_with_their_files():
    result = run_markaudit("rules", "list")
    assert result.returncode == 0
    rows = result.stdout.splitlines()
    assert any(r.startswith("banner.classification") and "banners.yaml" in r for r in rows)
    assert any(r.startswith("banner.every-page") and "every_page" in r and "info" in r
               for r in rows)


def test_rules_explain_a_check_prints_its_options_and_type_documentation():
    result = run_markaudit("rules", "explain", "banner.every-page")
    assert result.returncode == 0
    assert "type: every_page" in result.stdout
    assert "zones: ['top', 'bottom']" in result.stdout
    assert "32 CFR 2001.20" in result.stdout  # from the check type's docstring


def test_rules_explain_a_marking_prints_patterns_and_examples():
    result = run_markaudit("rules", "explain", "banner.classification")
    assert "{{level}}" in result.stdout
    assert "matches: 'T0P SECRFT'" in result.stdout
    assert "does not match: 'SECRETARY OF STATE'" in result.stdout


def test_rules_explain_a_check_type():
    result = run_markaudit("rules", "explain", "date_order")
    assert result.returncode == 0
    assert "not_before" in result.stdout


def test_rules_explain_unknown_name_exits_2():
    result = run_markaudit("rules", "explain", "no.such.rule")
    assert result.returncode == 2
    assert "no rule or check type named 'no.such.rule'" in result.stderr


def test_rules_validate_reports_every_problem_at_once(tmp_path):
    first = tmp_path / "a.yaml"
    first.write_text("markings:\n  - id: a\n    kind: banner\n    pattern: '('\n",
                     encoding="utf-8")
    second = tmp_path / "b.yaml"
    second.write_text("checks:\n  - id: b\n    type: every_page\n    marking: nothing\n",
                      encoding="utf-8")
    result = run_markaudit("rules", "validate", str(tmp_path))
    assert result.returncode == 2
    assert f"{first}:4:14: marking 'a': bad regular expression" in result.stderr
    assert f"{second}:4:14: check 'b': 'marking' names marking 'nothing'" in result.stderr


def test_rules_validate_the_shipped_pack_is_clean():
    result = run_markaudit("rules", "validate", str(ROOT / "rules"))
    assert result.returncode == 0
    assert "no problem found" in result.stdout


def test_rules_test_passes_on_the_seed_fixture():
    result = run_markaudit("rules", "test", str(FIXTURES / "frus-1962-10-27-inr.expect.yaml"))
    assert result.returncode == 0
    assert "1 passed, 0 failed" in result.stdout


def test_rules_test_prints_misses_and_fails(tmp_path):
    expect = tmp_path / "seed.expect.yaml"
    expect.write_text(
        f"document: {FIXTURES / 'frus-1962-10-27-inr.txt'}\nkinds: [banner]\nmarkings:\n"
        "  - {rule: banner.classification, page: 1, line: 29}\n", encoding="utf-8")
    result = run_markaudit("rules", "test", str(expect))
    assert result.returncode == 1
    assert "FAIL" in result.stdout
    assert "unexpected marking: rule='banner.classification', page=2, line=46" in result.stdout
