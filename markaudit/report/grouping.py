"""One finding for a cause repeated on many pages: "pages 2-18: no classification banner ...".

A check reports per page (a page without its banner), and OCR loses banners on most pages of a
document: a report of one line per page buries the few findings that matter. After the
project's severities, baseline and ignores have done their work on the findings of each page,
the findings of one check, at one severity, whose messages differ only in the page they name,
become one finding (the first page's line, every page's markings). Its message names the pages
as ranges and counts them; `pages` lists every one, so that JSON, SARIF and CSV still carry
each page.

Grouping comes last, so the cache and the baseline keep seeing one finding per page: a baseline
accepts pages one by one, and a page that loses its banner later is reported on its own.

Messages that differ in one word besides the page ("... at the top", "... at the bottom") join in
one finding too, the word naming its pages where they differ: "pages 2-9: no classification
banner at the top (pages 2-5) and bottom (pages 6-9) (8 pages)". A message that does not name
its page, the same on several pages, is led by them: "pages 19-22: banner says SECRET where ...".
"""

from __future__ import annotations

from dataclasses import replace

import regex

from markaudit.core.model import DocumentReport, Finding

PAGE_SLOT = "\x00"  # where a message names its own page
EN_DASH = "\u2013"  # between the first and last page of a range, as typeset: "pages 2\u201318"


def group_findings(report: DocumentReport) -> DocumentReport:
    """The report with each cause repeated on several pages reported once."""
    groups: dict[tuple[str, str, int], list[tuple[Finding, list[str]]]] = {}
    ungrouped: list[Finding] = []
    for finding in report.findings:
        words = _template(finding)
        if words is None:
            ungrouped.append(finding)
            continue
        key = (finding.rule, finding.severity, len(words))
        groups.setdefault(key, []).append((finding, words))
    if all(len({f.page for f, _ in members}) < 2 for members in groups.values()):
        return report
    findings = list(ungrouped)
    for members in groups.values():
        findings.extend(_joined(members))
    findings.sort(key=lambda f: (f.page or 0, f.line or 0, f.rule))
    return replace(report, findings=tuple(findings))


def _template(finding: Finding) -> list[str] | None:
    """The finding's message as words (and the spaces and marks between them), with its own
    page number as a slot; None for a finding of the whole document."""
    if finding.page is None or finding.pages:
        return None
    pattern = rf"\bpage {finding.page}\b"
    if regex.search(pattern, finding.message):
        slotted = regex.sub(pattern, f"page {PAGE_SLOT}", finding.message)
    else:  # the same words on many pages ("banner says SECRET where ..."): the pages lead
        slotted = f"page {PAGE_SLOT}: {finding.message}"
    # Words and what stands between them, apart: "top;" and "bottom;" differ in one word.
    return regex.findall(r"\w+|\W+", slotted)


def _joined(members: list[tuple[Finding, list[str]]]) -> list[Finding]:
    """The members as few findings as possible: one per set of messages that differ in at
    most one word besides the page; a member alone on its page stays as it was."""
    clusters: list[tuple[int | None, list[tuple[Finding, list[str]]]]] = []
    for member in members:
        for index, (varying, cluster) in enumerate(clusters):
            place = _differs_at(cluster[0][1], member[1])
            if place == -1 or (place is not None and varying in (None, place)):
                clusters[index] = (varying if place == -1 else place, [*cluster, member])
                break
        else:
            clusters.append((None, [member]))
    out: list[Finding] = []
    for varying, cluster in clusters:
        pages = sorted({f.page for f, _ in cluster if f.page is not None})
        if len(pages) < 2:
            out.extend(f for f, _ in cluster)
            continue
        out.append(_one(cluster, varying, pages))
    return out


def _differs_at(first: list[str], other: list[str]) -> int | None:
    """-1 when the word lists are equal, the place of the one word they differ in, else None."""
    places = [i for i, (a, b) in enumerate(zip(first, other, strict=True)) if a != b]
    if not places:
        return -1
    return places[0] if len(places) == 1 else None


def _one(cluster: list[tuple[Finding, list[str]]], varying: int | None,
         pages: list[int]) -> Finding:
    first = cluster[0][0]
    words = list(cluster[0][1])
    if varying is not None:
        variants: dict[str, list[int]] = {}
        for finding, member_words in cluster:
            variants.setdefault(member_words[varying], []).append(finding.page or 0)
        same_pages = len({tuple(sorted(set(p))) for p in variants.values()}) == 1
        words[varying] = " and ".join(
            word if same_pages else f"{word} ({page_list(sorted(set(p)))})"
            for word, p in variants.items())
    message = "".join(words).replace(f"page {PAGE_SLOT}", page_list(pages))
    markings = tuple(m for finding, _ in cluster for m in finding.markings)
    return Finding(rule=first.rule, severity=first.severity,
                   message=f"{message} ({len(pages)} pages)", page=pages[0], line=first.line,
                   markings=markings, pages=tuple(pages))


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
