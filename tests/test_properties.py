"""Property-based tests: whatever the bytes or text, the reader and the engine never fail.

Hypothesis builds inputs from pieces of real markings, OCR debris and arbitrary characters, so
that the generated pages come near the patterns (where the bugs are) and not only far from them.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import markaudit
from markaudit.core.errors import InputError, RuleFileError
from markaudit.engine.rules import RuleSet, load_rules
from markaudit.read import document_from_bytes, document_from_text
from markaudit.run.audit import audit_document, rule_paths

PIECES = [
    "TOP SECRET", "T0P SECRFT", "S E C R E T", "SECRET//NOFORN", "(S)", "(TS//SI)", "-2-",
    "Page 3 of 4", "GROUP 3", "Approved For Release 2001/09/04 : CIA-RDP80-00630A000200050001-3",
    "DECLASSIFIED Authority NND 959000", "Classified By: 054979", "Declassify On: OADR",
    "NW 50953 DocId:32296678 Page 2", "MEMORANDUM FOR", "October 27, 1962", "EYES ONLY",
    "\f", "\n", "\n\n", "\r\n", "\t", "  ", "--", "—", "“", "\u00a0", "\x00", "ÿ", "Ш", "(((",
    "$$$", "\\", "{{level}}", "%s", "{page}",
]
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=60).map(
    "".join)
QUICK = settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "60")), deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def _rules() -> RuleSet:
    return load_rules(rule_paths())


@QUICK
@given(st.binary(max_size=2000))
def test_any_bytes_read_as_a_document_or_a_clear_input_error(data: bytes):
    try:
        document = document_from_bytes(data, "scan.txt")
    except InputError as error:
        assert error.path == "scan.txt" and error.reason
        return
    assert document.pages
    numbers = [line.number for page in document.pages for line in page.lines]
    assert numbers == sorted(numbers)  # a form feed inside a line puts one line on two pages


@QUICK
@given(TEXT)
def test_pages_cover_every_line_once_in_order(text: str):
    document = document_from_text(text or "x")
    assert [page.number for page in document.pages] == list(range(1, len(document.pages) + 1))
    numbers = [line.number for page in document.pages for line in page.lines]
    # Every line with text, in order; a form feed inside a line puts it on two pages.
    source = (text or "x").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    with_text = {n for n, line in enumerate(source, 1) if line.replace("\f", "").strip()}
    assert with_text <= set(numbers) and numbers == sorted(numbers)
    assert all(line.page == page.number for page in document.pages for line in page.lines)


@QUICK
@given(TEXT)
def test_every_marking_and_finding_points_inside_the_document(text: str):
    document = document_from_text(text or "x")
    report = audit_document(document, _rules())
    places = {(line.page, line.number) for page in document.pages for line in page.lines}
    for marking in report.markings:
        assert (marking.page, marking.line) in places
        assert 0.0 <= marking.confidence <= 1.0
        assert marking.text.strip()
    for finding in report.findings:
        assert finding.page is None or 1 <= finding.page <= len(document.pages)
        assert finding.line is None or (finding.page, finding.line) in places


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
       st.integers(min_value=0, max_value=5))
def test_any_phrase_and_tolerance_is_a_working_rule_or_a_clear_rule_error(phrase: str,
                                                                         edits: int):
    rule = (f"markings:\n  - id: local.stamp\n    kind: release\n"
            f"    phrase: {json.dumps(phrase)}\n    ocr_edits: {edits}\n")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "local.yaml"
        path.write_text(rule, encoding="utf-8")
        try:
            report = markaudit.audit_text("TOP SECRET\n" + phrase + "\n", rules=[path])
        except RuleFileError as error:
            assert all(str(problem).startswith(str(path)) for problem in error.problems)
            return
    assert len(report.documents) == 1


@settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "60")) // 6 or 1,
          deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXT, min_size=2, max_size=5))
def test_one_worker_and_two_give_the_same_reports(texts: list[str]):
    from markaudit.run.batch import audit_sources
    from markaudit.run.source import Settings
    from markaudit.run.sources import Source

    rules = _rules()
    settings = Settings()
    with tempfile.TemporaryDirectory() as folder:
        sources = []
        for number, text in enumerate(texts):
            path = Path(folder) / f"{number}.txt"
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            sources.append(Source(str(path)))
        one = [r.report for r in audit_sources(sources, rules, settings, jobs=1)]
        two = [r.report for r in audit_sources(sources, rules, settings, jobs=2)]
    assert one == two
    assert [r.path for r in one] == [s.path for s in sources]
