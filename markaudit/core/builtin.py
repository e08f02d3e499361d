"""The findings markaudit makes itself, beside the checks of the rule pack: one registry.

A search a time limit stopped is an audit not done in full: an error by default, so that the run
fails (exit 1 at the default --fail-on), as semgrep --strict fails on a timeout.

The configuration reads it (a project may set these findings' severity, select or ignore them by
id, as any check's), `markaudit rules explain markaudit.not-audited` shows an entry, and the
stages that make them take their id and default severity from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BuiltinFinding:
    """A finding no rule file declares: its id, default severity, who makes it, and why."""

    id: str
    severity: str  # "error", "warning" or "info" (model.Severity: not imported, model reads this)
    made_by: str  # the stage that makes it, for `rules explain`
    description: str


RULE_TIMEOUT = BuiltinFinding(
    "markaudit.rule-timeout", "error", "the search for markings",
    "A marking rule's pattern ran too long on a page and was stopped there, so that one careless "
    "rule cannot hang a batch. The page was not fully searched: markings on it may be missing.")
PAGE_TIMEOUT = BuiltinFinding(
    "markaudit.page-timeout", "error", "the search for markings",
    "The search of one page ran past its time limit (a page without line breaks, or a careless "
    "rule) and was stopped, so that one page cannot hold up a batch. The markings found before "
    "are kept; checks on the page were not run.")
DOCUMENT_TIMEOUT = BuiltinFinding(
    "markaudit.document-timeout", "error", "the search for markings",
    "The search of a document ran past `--timeout` and was stopped at the page named. The "
    "markings found before are kept; checks on the pages not searched were not run.")
NEEDS_OCR = BuiltinFinding(
    "markaudit.needs-ocr", "warning", "reading",
    "A PDF page that is a scanned image without a text layer. Its text was never read, so its "
    "markings could not be checked: run OCR on it (OCRmyPDF, Tesseract) and audit it again.")
NOT_AUDITED = BuiltinFinding(
    "markaudit.not-audited", "error", "reading",
    "A document that could not be read (missing, binary, an image without OCR, too large): "
    "none of its markings were checked. The message says why and what to do.")
MISSPELLED_MARKING = BuiltinFinding(
    "markaudit.misspelled-marking", "error", "--fix (transcriptions)",
    "A transcribed banner or stamp that differs by a typing error from the form the other "
    "pages carry; an error where the correction is unambiguous (--fix applies it), a warning "
    "where it is not.")
UNUSED_BASELINE_ENTRY = BuiltinFinding(
    "markaudit.unused-baseline-entry", "info", "the baseline",
    "A baseline entry that matched no finding of this run: the finding it accepted is gone, "
    "and `markaudit baseline update` drops the entry.")

BUILTIN_FINDINGS: dict[str, BuiltinFinding] = {finding.id: finding for finding in (
    RULE_TIMEOUT, PAGE_TIMEOUT, DOCUMENT_TIMEOUT, NEEDS_OCR, NOT_AUDITED, MISSPELLED_MARKING,
    UNUSED_BASELINE_ENTRY)}
