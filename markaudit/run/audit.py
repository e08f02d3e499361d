"""An audit: Document + RuleSet -> markings -> findings -> DocumentReport.

Also the small Python API for notebooks:

    >>> import markaudit
    >>> report = markaudit.audit_text(open("memo.txt").read())
    >>> report.documents[0].classification
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from markaudit.checks import CHECK_TYPES
from markaudit.checks.base import CheckContext, level_readings
from markaudit.core import builtin
from markaudit.core.model import (
    Classification,
    Document,
    DocumentReport,
    Finding,
    Marking,
    Report,
    count_occurrences,
)
from markaudit.core.version import __version__
from markaudit.engine.detect import RULE_TIMEOUT, Stop, Timeout, detect
from markaudit.engine.rules import CheckRule, RuleSet, load_rules
from markaudit.read import document_from_text
from markaudit.read.parts import Part, split

CLASSIFYING_KINDS = ("banner", "portion")


def default_rules_path() -> Path:
    """The shipped rule pack: inside the installed package, or `rules/` beside a checkout."""
    package = Path(__file__).parent.parent  # markaudit/
    packaged = package / "rules"
    return packaged if packaged.is_dir() else package.parent / "rules"


def rule_paths(extra: Sequence[str | Path] = (), default_rules: bool = True) -> list[Path]:
    return ([default_rules_path()] if default_rules else []) + [Path(p) for p in extra]


def classification(markings: Iterable[Marking], levels: Sequence[str]) -> Classification | None:
    """The highest level marked by a banner or portion mark, with every caveat marked; a weak
    reading counts only where another agrees (checks.base.level_readings)."""
    best: int | None = None
    caveats: list[str] = []
    for marking in level_readings(markings):
        level = marking.fields.get("level")
        if level in levels:
            best = max(best if best is not None else -1, levels.index(level))
        for caveat in marking.fields.get("caveats", ()):
            if caveat not in caveats:
                caveats.append(caveat)
    if best is None:
        return None
    return Classification(level=levels[best], caveats=tuple(caveats))


def run_checks(document: Document, markings: Sequence[Marking], rules: RuleSet,
               parts: Sequence[Part] | None = None) -> list[Finding]:
    """Every check on every part (sub-document) of the document; `whole_file` checks once.

    A part without a document date of its own takes the date of the part before it: the date
    on a record's cover form is the date of the record that follows it.
    """
    whole = CheckContext(document=document, markings=tuple(markings), levels=rules.levels)
    findings = _check_part(whole, [c for c in rules.checks if c.whole_file])
    part_checks = [c for c in rules.checks if not c.whole_file]
    date: Marking | None = None
    for part in parts or [Part(1, len(document.pages), "start")]:
        own = tuple(m for m in markings if part.holds(m.page))
        dates = [m for m in own if m.kind == "document-date" and m.fields.get("date")]
        date = dates[0] if dates else date
        inherited = (date,) if date is not None and not dates else ()
        context = CheckContext(
            document=Document(document.path, document.pages[part.first_page - 1:part.last_page],
                              document.encoding),
            markings=inherited + own, levels=rules.levels)
        findings += _check_part(context, part_checks)
    findings.sort(key=lambda f: (f.page or 0, f.line or 0, f.rule))
    return findings


def _check_part(context: CheckContext, checks: Sequence[CheckRule]) -> list[Finding]:
    findings: list[Finding] = []
    for check in checks:
        module = CHECK_TYPES[check.type]
        for violation in module.run(check.options, context):
            values = {"page": violation.page, "line": violation.line, "id": check.id,
                      **violation.details}
            findings.append(Finding(
                rule=check.id,
                severity=violation.severity or check.severity,  # type: ignore[arg-type]
                message=check.message.format_map(_Blank(values)),
                page=violation.page, line=violation.line, markings=violation.markings,
            ))
    return findings


class _Blank(dict):
    """Template values: a placeholder a violation does not fill renders as empty."""

    def __missing__(self, key: str) -> str:
        return ""


def audit_document(document: Document, rules: RuleSet, split_parts: bool = True,
                   time_limit: float | None = None) -> DocumentReport:
    """Audit one document; its search for markings stops after `time_limit` seconds.

    When a time limit stops the search, the markings found so far are kept and checked, a
    warning says where the search stopped, and the checks' findings on the pages not fully
    searched are left out: a marking missing there may only be one not looked for.
    """
    timeouts: list[Timeout] = []
    stops: list[Stop] = []
    markings = detect(document, rules, timeouts, time_limit=time_limit, stops=stops)
    parts = split(document, markings) if split_parts else [Part(1, len(document.pages), "start")]
    findings = run_checks(document, markings, rules, parts)
    if stops:
        unsearched = _unsearched(stops, len(document.pages))
        findings = [f for f in findings if f.page not in unsearched]
    timed_out = builtin.RULE_TIMEOUT
    findings += [Finding(rule=timed_out.id, severity=timed_out.severity, page=t.page, message=(
        f"rule {t.rule} stopped after {RULE_TIMEOUT:g} s on page {t.page}: its pattern "
        "backtracks too much on this text, so the page was not fully searched"))
        for t in timeouts]
    findings += [_stop_finding(stop, document) for stop in stops]
    findings = _unread_pages(document, findings)
    return DocumentReport(
        path=document.path,
        pages=len(document.pages),
        encoding=document.encoding,
        classification=classification(markings, rules.levels),
        markings=tuple(markings),
        findings=tuple(count_occurrences(findings)),
        parts=tuple(parts),
        page_lines=tuple(page.lines[0].number if page.lines else 0 for page in document.pages),
    )


def _unread_pages(document: Document, findings: list[Finding]) -> list[Finding]:
    """A PDF page without a text layer is reported as needing OCR; what the checks say of its
    missing markings is dropped, since the page was never read, not found unmarked."""
    unread = [page.number for page in document.pages if page.needs_ocr]
    if not unread:
        return findings
    kept = [f for f in findings if f.page not in unread]
    kept += [Finding(rule=builtin.NEEDS_OCR.id, severity=builtin.NEEDS_OCR.severity, page=number,
                     message=f"page {number} has no text layer: it needs OCR")
             for number in unread]
    kept.sort(key=lambda f: (f.page or 0, f.line or 0, f.rule))
    return kept


def _unsearched(stops: Sequence[Stop], pages: int) -> set[int]:
    """The pages a time limit kept from being fully searched."""
    unsearched: set[int] = set()
    for stop in stops:
        last = pages if stop.limit == "document" else stop.page
        unsearched.update(range(stop.page, last + 1))
    return unsearched


def _stop_finding(stop: Stop, document: Document) -> Finding:
    page, pages = stop.page, len(document.pages)
    if stop.limit == "page":
        size = sum(len(line.text) + 1 for line in document.pages[page - 1].lines)
        made = builtin.PAGE_TIMEOUT
        return Finding(rule=made.id, severity=made.severity, page=page, message=(
            f"page {page} ({size:,} characters) took more than {stop.seconds:g} s to search, "
            "so its search was stopped: markings on it may be missing"))
    rest = f"page {page}" if page == pages else f"pages {page} to {pages}"
    made = builtin.DOCUMENT_TIMEOUT
    return Finding(rule=made.id, severity=made.severity, page=page, message=(
        f"the document's time limit ({stop.seconds:g} s, see --timeout) ran out on page {page} of "
        f"{pages}: {rest} not fully searched; the markings found before are reported"))


def ruleset_of(rules: RuleSet | Sequence[str | Path] | None, default_rules: bool) -> RuleSet:
    if isinstance(rules, RuleSet):
        return rules
    return load_rules(rule_paths(rules or (), default_rules))


def audit_text(text: str, rules: RuleSet | Sequence[str | Path] | None = None, *,
               default_rules: bool = True, path: str = "<text>") -> Report:
    """Audit a string (a page or a whole document) with the shipped pack plus `rules`."""
    ruleset = ruleset_of(rules, default_rules)
    document = document_from_text(text, path=path, layout=ruleset.layout)
    return Report(documents=(audit_document(document, ruleset),), version=__version__)
