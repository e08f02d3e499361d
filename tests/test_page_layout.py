"""The page layout a rule pack declares (`page_layout:`): the banner words, foot legends and
cover forms by which a plain text without page breaks is split into pages."""

from __future__ import annotations

import json
from pathlib import Path

from markaudit.core.page_layout import DEFAULT_LAYOUT, PageLayout, RecordForm
from markaudit.engine import packdata
from markaudit.engine.rules import load_rules
from markaudit.read import document_from_text
from tests.conftest import ROOT, run_markaudit

PROSE = ("The contraband control officers report that the neutral steamers now declare",
         "their cargoes of wolfram as ballast, and that the manifests they carry are made",
         "out at the ports of loading to agree with the declarations, so that the cargo is",
         "seen only when it is landed; we propose that every such cargo be weighed ashore.")
LEGEND = "RETURN TO THE CENTRAL REGISTRY WHEN FINISHED WITH"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _pages(report: str) -> int:
    return json.loads(report)["documents"][0]["pages"]


def _minute(foot: str, head: str = "") -> str:
    """A minute of two typed pages run together by OCR: prose, the first page's foot line,
    the second page's head line, prose."""
    return "\n".join(["MINISTRY OF BLOCKADE", "", *PROSE, foot, *([head] if head else []),
                      *PROSE]) + "\n"


def test_a_pack_that_adds_a_foot_legend_splits_where_the_shipped_pack_does_not(tmp_path):
    # The legend as OCR read it: three letters wrong.
    document = _write(tmp_path, "minute.txt", _minute("RETURN T0 THE CENTRAL REGlSTRY WHEN "
                                                      "FINISHED WlTH"))
    pack = _write(tmp_path, "registry.yaml", f"page_layout:\n  foot_legends:\n    - {LEGEND}\n")
    shipped = run_markaudit("audit", str(document), "--format", "json", "--no-cache")
    extended = run_markaudit("audit", str(document), "--rules", str(pack), "--format", "json",
                             "--no-cache")
    assert _pages(shipped.stdout) == 1
    assert _pages(extended.stdout) == 2


def test_a_pack_that_adds_a_banner_word_splits_between_two_banners(tmp_path):
    # RESTRICTED at one page's foot, misread at the next page's head: not a running line
    # (the two readings differ), and not a US banner word by default.
    text = _minute("RESTRICTED", "RESTRlCTED")
    default = document_from_text(text)
    extended = load_rules([ROOT / "rules", _write(tmp_path, "uk.yaml",
                                                  "page_layout:\n  banner_words: [RESTRICTED]\n")])
    split = document_from_text(text, layout=extended.layout)
    assert len(default.pages) == 1
    assert [page.boundary for page in split.pages] == ["start", "repeated-line"]
    assert split.pages[1].lines[0].text == "RESTRlCTED"
    # The shipped banner words are kept beside the added one.
    assert extended.layout.banner_words == ("TOP SECRET", "SECRET", "CONFIDENTIAL", "RESTRICTED")


def test_a_pack_of_its_own_replaces_the_default_lists_it_names(tmp_path):
    own = load_rules([_write(tmp_path, "own.yaml", "page_layout:\n  foot_legends: []\n")])
    assert own.layout == PageLayout(foot_legends=())
    assert load_rules([_write(tmp_path, "none.yaml", "description: no layout\n")]).layout \
        == DEFAULT_LAYOUT
    text = _minute("REPRODUCTION BY OTHER THAN THE ISSUING OFFICE")
    assert len(document_from_text(text).pages) == 2
    assert len(document_from_text(text, layout=own.layout).pages) == 1


def test_the_shipped_pack_declares_the_default_layout():
    # rules/layout.yaml and the defaults the readers use without a pack must not drift apart:
    # a document is split alike by `document_from_text` and by an audit with the shipped pack.
    assert load_rules([ROOT / "rules" / "layout.yaml"]).layout == DEFAULT_LAYOUT


def test_a_bad_page_layout_entry_fails_validation_at_its_line(tmp_path):
    pack = _write(tmp_path, "bad.yaml", "page_layout:\n"
                                        "  banner_words:\n"
                                        "    - SECRET\n"
                                        "    - TOP-SECRET\n"
                                        "  foot_legends: [COPY 2]\n"
                                        "  forms:\n"
                                        "    - last_field: COMMENTS\n"
                                        "  footers: []\n")
    result = run_markaudit("rules", "validate", str(pack))
    assert result.returncode == 2
    assert (f"{pack}:4:7: page_layout: banner_words entry 'TOP-SECRET' is a level in letters "
            "and spaces") in result.stderr
    assert f"{pack}:5:18: page_layout: foot_legends entry 'COPY 2' is the legend's text, " \
           "twelve letters at least" in result.stderr
    assert f"{pack}:7:7: page_layout: forms entry" in result.stderr
    assert "is {last_field: NAME, dated_field: NAME}" in result.stderr
    assert f"{pack}:8:3: page_layout: unknown key 'footers'" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_layout_is_kept_with_the_compiled_pack_and_changes_the_cache_key(tmp_path):
    document = _write(tmp_path, "minute.txt", _minute(LEGEND))
    pack = _write(tmp_path, "registry.yaml", f"page_layout:\n  foot_legends: [{LEGEND}]\n")
    cache = tmp_path / "cache"
    audit = ("audit", str(document), "--format", "json", "--cache-dir", str(cache))
    assert _pages(run_markaudit(*audit).stdout) == 1
    # Another layout is another cache key: the report cached with the shipped one is not used.
    assert _pages(run_markaudit(*audit, "--rules", str(pack)).stdout) == 2
    # With the reports gone, the next run audits again with the pack read back from the cache
    # folder (not from its YAML): its layout comes back with it.
    assert list((cache / "packs").glob("*.json"))
    for entry in cache.glob("??/*.json"):
        entry.unlink()
    assert _pages(run_markaudit(*audit, "--rules", str(pack)).stdout) == 2


def test_a_kept_pack_with_a_damaged_layout_is_not_read_back(tmp_path):
    rules = load_rules([ROOT / "rules" / "layout.yaml",
                        _write(tmp_path, "forms.yaml", "page_layout:\n  forms:\n"
                               "    - {last_field: REMARKS, dated_field: DATE RECEIVED}\n")])
    data = packdata.to_data(rules)
    back = packdata.from_data(json.loads(json.dumps(data)), list(rules.sources))
    assert back is not None and back.layout == rules.layout
    assert back.layout.forms == (*DEFAULT_LAYOUT.forms, RecordForm("REMARKS", "DATE RECEIVED"))
    data["layout"]["banner_words"] = ["TOP-SECRET"]
    assert packdata.from_data(data, list(rules.sources)) is None
