"""One finding per document and check: "pages 2-18: no banner at the top (17 pages); ...".

A check reports per page (a page without its banner), and OCR loses banners on most pages of a
document: a report of one line per page buries the few findings that matter. After the
project's severities, baseline and ignores have done their work on the findings of each page,
the findings of one check in one document become one finding (where they stand on several
pages, or are about a page rather than a line: two findings of lines on one page stay apart,
each a place to correct). Its message names each cause
with its pages, as ranges and counted, the worst first:

    pages 2-18: no classification banner at the bottom (17 pages); pages 3, 5: no
    classification banner at the top and bottom (2 pages); OCR may have lost it, check the scan

A clause every cause ends with ("; OCR may have lost it ...") is said once, at the end. Two
findings of one page whose messages differ in one word join as one cause ("at the top and
bottom"): the page lost both banners. The finding's severity is the worst of its causes;
`pages` lists every page and `causes` each cause with its own message, severity and pages, so
that JSON, SARIF and CSV still carry every page.

Grouping comes last, so the cache and the baseline keep seeing one finding per page: a baseline
accepts pages one by one (a baseline made before grouping keeps matching), a page that loses its
banner later is reported, and `--severity info` groups only the info pages.
"""

from __future__ import annotations

from dataclasses import replace

import regex

from markaudit.core.model import SEVERITY_RANK, Cause, DocumentReport, Finding, Severity

PAGE_SLOT = "\x00"  # where a message names its own page
EN_DASH = "\u2013"  # between the first and last page of a range, as typeset: "pages 2\u201318"


def group_findings(report: DocumentReport) -> DocumentReport:
    """The report with the findings of each check on several pages reported as one."""
    by_rule: dict[str, list[Finding]] = {}
    findings: list[Finding] = []
    for finding in report.findings:
        if finding.page is None or finding.pages:  # of the whole document, or grouped already
            findings.append(finding)
        else:
            by_rule.setdefault(finding.rule, []).append(finding)
    if not any(map(_joins, by_rule.values())):
        return report
    for members in by_rule.values():
        if _joins(members):
            findings.append(_one(members))
        else:
            findings.extend(members)
    findings.sort(key=lambda f: (f.page or 0, f.line or 0, f.rule))
    return replace(report, findings=tuple(findings))


def _joins(members: list[Finding]) -> bool:
    """Whether a check's findings become one: they stand on several pages, or they are about
    a page (a missing banner) rather than a line; findings of lines on one page stay apart, each
    its own place to correct."""
    return len(members) > 1 and (len({f.page for f in members}) > 1 or
                                 all(f.line is None for f in members))


def _template(finding: Finding) -> str:
    """The finding's message with its own page number as a slot."""
    pattern = rf"\bpage {finding.page}\b"
    if regex.search(pattern, finding.message):
        return regex.sub(pattern, f"page {PAGE_SLOT}", finding.message)
    # The same words on many pages ("banner says SECRET where ..."): the pages lead.
    return f"page {PAGE_SLOT}: {finding.message}"


def _one(members: list[Finding]) -> Finding:
    """The findings of one check as one finding, cause by cause."""
    by_page: dict[int, list[Finding]] = {}
    for finding in members:
        by_page.setdefault(finding.page or 0, []).append(finding)
    # A cause is its words and severity: the same words at two severities (a page whose banner
    # stands mid-page, and one without any) are two causes, so that each page keeps its own.
    causes: dict[tuple[str, Severity], list[int]] = {}
    for page, on_page in sorted(by_page.items()):
        for cause in _page_causes(on_page):
            causes.setdefault(cause, []).append(page)
    tail = _shared_tail([template for template, _ in causes])
    ordered = sorted(causes.items(), key=lambda item: (-SEVERITY_RANK[item[0][1]], item[1]))
    # The message says each set of words once, with every page it stands on (at any severity).
    worded: dict[str, list[int]] = {}
    for (template, _), pages in ordered:
        worded[template] = sorted({*worded.get(template, []), *pages})
    said = [_said(template[:len(template) - len(tail)], pages)
            for template, pages in worded.items()]
    first = min(members, key=lambda f: (f.page or 0, f.line or 0))
    return Finding(
        rule=first.rule, severity=ordered[0][0][1], message="; ".join(said) + tail,
        page=first.page, line=first.line, markings=tuple(m for f in members for m in f.markings),
        pages=tuple(sorted(by_page)),
        causes=tuple(Cause(message=_said(template[:len(template) - len(tail)], pages) + tail,
                           severity=severity, pages=tuple(pages))
                     for (template, severity), pages in ordered))


def _page_causes(on_page: list[Finding]) -> list[tuple[str, Severity]]:
    """The causes of one page: its findings' templates, those that differ in one word joined
    ("at the top" and "at the bottom": "at the top and bottom")."""
    merged: list[tuple[list[str], Severity, int | None]] = []
    for finding in on_page:
        words = regex.findall(r"\w+|\W+", _template(finding))
        for index, (joined, severity, varying) in enumerate(merged):
            place = _differs_at(joined, words)
            if place == -1 or (place is not None and varying in (None, place)):
                if place not in (-1, None) and words[place] not in joined[place].split(" and "):
                    joined = [*joined[:place], f"{joined[place]} and {words[place]}",
                              *joined[place + 1:]]
                merged[index] = (joined, _worse(severity, finding.severity),
                                 varying if place == -1 else place)
                break
        else:
            merged.append((words, finding.severity, None))
    return [("".join(words), severity) for words, severity, _ in merged]


def _differs_at(first: list[str], other: list[str]) -> int | None:
    """-1 when the word lists are equal, the place of the one word they differ in, else None."""
    if len(first) != len(other):
        return None
    places = [i for i, (a, b) in enumerate(zip(first, other, strict=True))
              if a != b and b not in a.split(" and ")]
    if not places:
        return -1
    return places[0] if len(places) == 1 else None


def _worse(one: Severity, other: Severity) -> Severity:
    return one if SEVERITY_RANK[one] >= SEVERITY_RANK[other] else other


def _shared_tail(templates: list[str]) -> str:
    """The last clause ("; OCR may have lost it, check the scan") every cause ends with, if any:
    said once, after every cause."""
    if "; " not in templates[0]:
        return ""
    tail = templates[0][templates[0].rindex("; "):]
    return tail if all(t.endswith(tail) and len(t) > len(tail) for t in templates) else ""


def _said(template: str, pages: list[int]) -> str:
    """A cause in words: its pages in place of the slot, counted when they are several."""
    text = template.replace(f"page {PAGE_SLOT}", page_list(pages))
    return text if len(pages) < 2 else f"{text} ({len(pages)} pages)"


def page_list(pages: list[int]) -> str:
    """`page 4`, `pages 2-5, 7, 9-18`: sorted page numbers as ranges."""
    if len(pages) == 1:
        return f"page {pages[0]}"
    spans: list[str] = []
    start = previous = pages[0]
    for page in [*pages[1:], None]:
        if page is not None and page == previous + 1:
            previous = page
            continue
        spans.append(str(start) if start == previous else
                     f"{start}{EN_DASH}{previous}" if previous > start + 1 else
                     f"{start}, {previous}")
        if page is not None:
            start = previous = page
    return f"pages {', '.join(spans)}"
