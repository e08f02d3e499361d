"""The HTML report: one self-contained page for reviewers who read an audit in a browser.

The page holds the roll-up, a table of every finding (sortable by a click on a column header,
filterable by text and severity) and, per document, a collapsible section with its
classification, its findings and its pages' text with every marking highlighted. It needs no
network: the CSS and the small script are inline, the fonts are the system's. Everything is
readable without JavaScript; the script only sorts, filters and opens the section a link points
to.

Filtering is kept in the URL fragment (`report.html#filter=banner&severity=warning&sort=-page`):
the page applies it when it opens and rewrites it as the reader types, so a filtered view is a
link one can send. A fragment without `=` (`#doc-3`) is an ordinary anchor.

Streaming: a document's section (its text above all) is written to a spooled temporary file as
soon as the document arrives and then forgotten, so memory stays flat however many pages a batch
has; at the end the sections are copied into the page worst first (most errors, then most
warnings). Only what the findings table needs (one short pre-escaped row per finding, sorted by
severity at the end) is kept in memory. The table and the roll-up come last in the file; CSS
flex `order` shows them first, the summary opening on the documents that need attention.

Documents are untrusted input: every piece of their text, their paths, rule messages and marking
values is escaped. The DocumentReport does not hold the text: the run hands this format each
document as the audit read it (`text`, before its report), so standard input and URLs show their
text, and a file edited since never shows highlights in the wrong place. A document the run has
no text of (the Python API's `render` without documents) shows its findings only.
"""

from __future__ import annotations

import html
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from markaudit.core.model import (
    SEVERITIES,
    SEVERITY_RANK,
    Document,
    DocumentReport,
    Finding,
    Marking,
    Page,
)
from markaudit.report.base import Reporter, RunInfo, plural
from markaudit.report.pictures import (
    CROP_QUALITY,
    THUMBNAIL_QUALITY,
    Pictures,
    crop,
    thumbnail,
)
from markaudit.run.rollup import Counts, Rollup

if TYPE_CHECKING:
    from markaudit.read.ocr import OcrOptions

MAX_PAGES = 200  # text shown per document: a 2,000-page file would make a page too big to open
MAX_ATTENTION = 100  # documents listed under "Needs attention"; the rest are in Documents

COLUMNS = (("document", "text"), ("page", "number"), ("line", "number"),
           ("severity", "number"), ("rule", "text"), ("message", "text"))

# C0 controls other than tab are parse errors in HTML; show them as their control pictures.
_CONTROLS = {c: 0x2400 + c for c in range(0x20) if c != 0x09}
_CONTROLS[0x7F] = 0x2421


def _esc(text: object) -> str:
    """Text made safe for an element's content or a quoted attribute."""
    return html.escape(str(text), quote=True).translate(_CONTROLS)


def _title(*lines: str) -> str:
    """A tooltip: each line's runs of white space (a description's folded line ends, a
    marking read over two lines) as one space, the lines apart on lines of their own."""
    return "&#10;".join(_esc(" ".join(line.split())) for line in lines)


def _css_name(text: str) -> str:
    """A rule-defined name (a marking kind) as a safe class name."""
    return re.sub(r"[^a-z0-9-]", "-", text.lower())


def _level(document: DocumentReport) -> str:
    if document.classification is None:
        return "no classification marked"
    classification = document.classification
    return " -- ".join([classification.level, "/".join(classification.caveats)]
                       if classification.caveats else [classification.level])


class HtmlReporter(Reporter):
    """Writes the page head at start, each document's section as it comes, the rest at finish."""

    def __init__(self, stream: TextIO, run: RunInfo) -> None:
        super().__init__(stream, run)
        self._rows: list[tuple[int, int, str]] = []  # (-severity rank, arrival, row)
        self._count = 0
        # Sections are held in a spooled file and written worst first at the end: (sort key,
        # offset, length) each; memory keeps only these.
        self._sections: list[tuple[tuple[int, int, int], int, int]] = []
        self._held = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed in finish()
            max_size=4 << 20, mode="w+", encoding="utf-8",
            errors="surrogateescape")
        self._attention: list[tuple[int, int, int, str, str]] = []
        self._anchors: dict[str, str] = {}  # path -> section id, for the roll-up's links
        self._descriptions: dict[str, str] = {}
        if run.rules is not None:
            self._descriptions = {c.id: c.description for c in run.rules.checks}
        self._pictures = run.pictures or Pictures("embed")
        self._text: Document | None = None  # the next document's, as the audit read it

    def start(self) -> None:
        self.stream.write(_head(self.run.version))

    shows_text = True

    def text(self, document: Document) -> None:
        self._text = document

    def document(self, document: DocumentReport) -> None:
        text, self._text = self._text, None
        self._count += 1
        anchor = f"doc-{self._count}"
        self._anchors.setdefault(document.path, anchor)
        self._rows.extend((-SEVERITY_RANK[f.severity], len(self._rows),
                           self._row(document, anchor, f)) for f in document.findings)
        counts = Counter(f.severity for f in document.findings)
        worst = (-counts["error"], -counts["warning"], self._count)
        if counts["error"] or counts["warning"]:
            self._attention.append((*worst, document.path, anchor))
        if not self.run.statistics_only:
            section = _document_section(document, anchor, self._descriptions, text,
                                        self.run.ocr, self._pictures)
            self._sections.append((worst, self._held.tell(), len(section)))
            self._held.write(section)

    def finish(self, rollup: Rollup) -> None:
        # The documents that need attention first: most errors, then most warnings.
        for _, offset, length in sorted(self._sections):
            self._held.seek(offset)
            self.stream.write(self._held.read(length))
        self._held.close()
        parts = ["</section>\n"]
        if not self.run.statistics_only:
            parts.append(_findings_section([row for *_, row in sorted(self._rows)]))
        parts.append(_rollup_section(rollup, self._anchors, sorted(self._attention)))
        parts.append(f"<script>{SCRIPT}</script>\n</body>\n</html>\n")
        self.stream.write("".join(parts))
        self.stream.flush()

    def _row(self, document: DocumentReport, anchor: str, finding: Finding) -> str:
        line = str(finding.line or "-")
        if finding.page:
            line = f'<a href="#{_finding_target(anchor, finding)}">{line}</a>'
        rule = _esc(finding.rule)
        description = self._descriptions.get(finding.rule)
        title = f' title="{_title(description)}"' if description else ""
        return (
            f'<tr class="sev-{finding.severity}" data-severity="{finding.severity}">'
            f'<td><a href="#{anchor}">{_esc(document.path)}</a></td>'
            f'<td class="num" data-v="{finding.page or ""}">{finding.page or "-"}</td>'
            f'<td class="num" data-v="{finding.line or ""}">{line}</td>'
            f'<td data-v="{SEVERITY_RANK[finding.severity]}">'
            f'<span class="sev">{finding.severity}</span></td>'
            f"<td{title}><code>{rule}</code></td><td>{_esc(finding.message)}</td></tr>\n")


def _finding_target(anchor: str, finding: Finding) -> str:
    """The id a finding links to: its line, else its page, else its document."""
    if finding.page and finding.line:
        return f"{anchor}-p{finding.page}-l{finding.line}"
    if finding.page:
        return f"{anchor}-p{finding.page}"
    return anchor


# ---------------------------------------------------------------------------------------------
# one document


def _document_section(document: DocumentReport, anchor: str, descriptions: dict[str, str],
                      text: Document | None, ocr: OcrOptions | None = None,
                      pictures: Pictures | None = None) -> str:
    parts = [f'<details class="doc" id="{anchor}">\n<summary>{_summary(document)}</summary>\n'
             '<div class="doc-body">\n']
    if document.errors:
        parts.append(f'<p class="not-audited">Not audited: {_esc("; ".join(document.errors))}'
                     "</p>\n</div>\n</details>\n")
        return "".join(parts)
    parts.append(_facts(document))
    if text is None:
        parts.append(_document_findings(document, anchor, descriptions, {}))
        parts.append('<p class="note">The text cannot be shown: this run did not keep it.</p>\n')
    else:
        scans = _scans(text, document, anchor, ocr, pictures or Pictures("none"))
        parts.append(_document_findings(document, anchor, descriptions, scans.crops))
        parts.append(_pages(text, document, anchor, scans.figures))
    parts.append("</div>\n</details>\n")
    return "".join(parts)


def _summary(document: DocumentReport) -> str:
    bits = [f'<span class="path">{_esc(document.path)}</span>']
    if document.errors:
        bits.append('<span class="sev-error"><span class="sev">not audited</span></span>')
        return " · ".join(bits)
    bits.append(plural(document.pages, "page"))
    bits.append(_esc(_level(document)))
    counts = Counter(f.severity for f in document.findings)
    bits.extend(f'<span class="sev-{s}"><span class="sev">{plural(counts[s], s)}</span></span>'
                for s in SEVERITIES if counts[s])
    if not document.findings:
        bits.append("no findings")
    return " · ".join(bits)


def _facts(document: DocumentReport) -> str:
    rows = [("classification", _esc(_level(document))),
            ("pages", str(document.pages)), ("encoding", _esc(document.encoding or "-"))]
    if len(document.parts) > 1:
        spans = ", ".join(f"{p.first_page}-{p.last_page}" if p.last_page > p.first_page
                          else str(p.first_page) for p in document.parts)
        rows.append(("sub-documents", f"{len(document.parts)} (pages {spans})"))
    kinds = Counter(m.kind for m in document.markings)
    if kinds:
        rows.append(("markings", ", ".join(
            f'<span class="swatch kind-{_css_name(k)}">{_esc(k)}</span> {n}'
            for k, n in kinds.most_common())))
    cells = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return f'<dl class="facts">{cells}</dl>\n'


def _document_findings(document: DocumentReport, anchor: str, descriptions: dict[str, str],
                       crops: dict[int, str]) -> str:
    if not document.findings:
        return '<p class="note">No findings.</p>\n'
    rows = []
    for index, finding in enumerate(document.findings):
        where = f"{finding.page or '-'}:{finding.line or '-'}"
        if finding.page:
            where = f'<a href="#{_finding_target(anchor, finding)}">{where}</a>'
        description = descriptions.get(finding.rule)
        title = f' title="{_title(description)}"' if description else ""
        rows.append(f'<tr class="sev-{finding.severity}"><td><span class="sev">'
                    f'{finding.severity}</span></td><td{title}><code>{_esc(finding.rule)}'
                    f'</code></td><td class="num">{where}</td><td>{_esc(finding.message)}</td>'
                    + (f'<td class="on-scan">{crops.get(index, "")}</td>' if crops else "")
                    + "</tr>\n")
    scan = "<th>on the scan</th>" if crops else ""
    return ('<table class="doc-findings"><thead><tr><th>severity</th><th>rule</th>'
            f'<th>page:line</th><th>message</th>{scan}</tr></thead><tbody>\n'
            f'{"".join(rows)}</tbody></table>\n')


# ---------------------------------------------------------------------------------------------
# the pictures of a scan's pages


@dataclass
class _Scans:
    figures: dict[int, str] = field(default_factory=dict)  # page number -> <figure>
    crops: dict[int, str] = field(default_factory=dict)  # finding index -> linked crop


def _scans(text: Document, document: DocumentReport, anchor: str, ocr: OcrOptions | None,
           pictures: Pictures) -> _Scans:
    """Each page that has a picture (a scan OCR'd, an hOCR or ALTO page naming its image),
    shown with the boxes of its markings, and the crop of the page where each finding stands.

    A page is drawn once: its picture is made, used and dropped before the next page's."""
    scans = _Scans()
    if not pictures.enabled:
        return scans
    from markaudit.read.images import page_picture
    from markaudit.read.ocr import DEFAULT_DPI

    flagged = {_spot(m) for f in document.findings for m in f.markings}
    dpi = ocr.dpi if ocr is not None else DEFAULT_DPI
    for page in text.pages[:MAX_PAGES]:
        if page.image is None or not page.width or not page.height:
            continue
        picture = page_picture(document.path, page.number, page.image, dpi)
        if picture is None:
            continue
        size = (page.width, page.height)
        target = f"{anchor}-p{page.number}-scan"
        small = thumbnail(picture)
        source = pictures.source(small, target, THUMBNAIL_QUALITY)
        markings = [m for m in document.markings if m.page == page.number and m.box is not None]
        scans.figures[page.number] = _figure(page, target, source, small.size, size, markings,
                                             flagged)
        for index, finding in enumerate(document.findings):
            if finding.page != page.number:
                continue
            boxes = [m.box for m in finding.markings if m.box is not None and m.page == page.number]
            if not boxes:
                scans.crops[index] = f'<a href="#{target}">page {page.number}</a>'
                continue
            union = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                     max(b[2] for b in boxes), max(b[3] for b in boxes))
            part = crop(picture, union, size)
            crop_source = pictures.source(part, f"{anchor}-f{index + 1}", CROP_QUALITY)
            scans.crops[index] = (
                f'<a href="#{target}" title="the whole page"><img class="crop" '
                f'src="{_esc(crop_source)}" width="{part.width}" height="{part.height}" '
                f'alt="{_esc(finding.rule)} on page {page.number} of the scan"></a>')
    return scans


def _spot(marking: Marking) -> tuple[str, int, int, int]:
    """A marking told apart from the others (a finding's copy, from the cache, is not the same
    object as the document's)."""
    return marking.rule, marking.page, marking.line, marking.column


def _figure(page: Page, target: str, source: str, shown: tuple[int, int],
            size: tuple[float, float], markings: Sequence[Marking],
            flagged: set[tuple[str, int, int, int]]) -> str:
    """A page's picture with a box over each marking (red where a finding concerns it)."""
    boxes = []
    # Boxes a finding concerns are drawn last, over any box they touch.
    for marking in sorted(markings, key=lambda m: _spot(m) in flagged):
        assert marking.box is not None
        x0, y0, x1, y1 = marking.box
        kind = f"box kind-{_css_name(marking.kind)}" + (" flagged" if _spot(marking) in flagged
                                                        else "")
        boxes.append(f'<rect class="{kind}" x="{x0:g}" y="{y0:g}" width="{x1 - x0:g}" '
                     f'height="{y1 - y0:g}"><title>{_esc(marking.rule)} · '
                     f"{_esc(marking.value)} · {marking.confidence:.2f}</title></rect>")
    return (f'<figure class="scan" id="{target}"><div class="scan-frame">'
            f'<img src="{_esc(source)}" width="{shown[0]}" height="{shown[1]}" '
            f'alt="page {page.number} as scanned">'
            f'<svg viewBox="0 0 {size[0]:g} {size[1]:g}" preserveAspectRatio="none" '
            f'aria-hidden="true">{"".join(boxes)}</svg></div>'
            f"<figcaption>{_esc(page.image)}</figcaption></figure>")


# ---------------------------------------------------------------------------------------------
# a document's text, with its markings highlighted


def _pages(text: Document, document: DocumentReport, anchor: str,
           figures: dict[int, str]) -> str:
    by_page: dict[int, list[Marking]] = {}
    for marking in document.markings:
        by_page.setdefault(marking.page, []).append(marking)
    flagged: dict[tuple[int, int], list[Finding]] = {}
    for finding in document.findings:
        # A finding of many pages (report/grouping.py) flags the line of each of its markings.
        spots = {(m.page, m.line) for m in finding.markings} if finding.pages else set()
        if finding.page and finding.line:
            spots.add((finding.page, finding.line))
        for spot in sorted(spots):
            flagged.setdefault(spot, []).append(finding)
    parts: list[str] = []
    if len(text.pages) != document.pages:
        parts.append('<p class="note">The file has changed since it was audited: '
                     "highlights may be misplaced.</p>\n")
    lost = 0
    for page in text.pages[:MAX_PAGES]:
        rendered, missed = _page(page, by_page.get(page.number, []), anchor, flagged,
                                 figures.get(page.number, ""))
        parts.append(rendered)
        lost += missed
    if lost:
        parts.append(f'<p class="note">{plural(lost, "marking")} could not be found in the text '
                     "as re-read (has the file changed since the audit?).</p>\n")
    if len(text.pages) > MAX_PAGES:
        parts.append(f'<p class="note capped">Text shown for the first {MAX_PAGES} of '
                     f"{len(text.pages)} pages only; the findings above cover them all.</p>\n")
    return "".join(parts)


def _page(page: Page, markings: Sequence[Marking], anchor: str,
          flagged: dict[tuple[int, int], list[Finding]], figure: str = "") -> tuple[str, int]:
    """A page as a <pre> of numbered lines, beside its picture when it has one; also how many
    markings could not be placed."""
    starts: list[int] = []
    offset = 0
    for line in page.lines:
        starts.append(offset)
        offset += len(line.text) + 1
    text = page.text
    located = [_locate(m, page, text, starts) for m in markings]
    spans = _laminar(s for s in located if s is not None)
    # Line numbers are a CSS counter and only lines a finding points at carry an id: per-line
    # markup is most of the file's size over a large batch.
    first = page.lines[0].number - 1 if page.lines else 0
    out = [f'<section class="page" id="{anchor}-p{page.number}"><h4>page {page.number}</h4>'
           + (f'<div class="page-body">{figure}' if figure else "")
           + f'<pre style="counter-reset: l {first}">']
    for line, start in zip(page.lines, starts, strict=True):
        end = start + len(line.text)
        # A marking over several lines is highlighted on each, so every line stays one element.
        inside = sorted(((max(a, start) - start, min(b, end) - start, tag)
                         for a, b, tag in spans if a < end and b > start),
                        key=lambda s: (s[0], -s[1]))
        findings = flagged.get((page.number, line.number))
        attributes = _flag(findings, f"{anchor}-p{page.number}-l{line.number}") if findings \
            else ' class="l"'
        out.append(f"<span{attributes}>{_highlight(line.text, inside)}</span>\n")
    out.append("</pre></div></section>\n" if figure else "</pre></section>\n")
    return "".join(out), located.count(None)


def _flag(findings: Sequence[Finding], line_id: str) -> str:
    """The attributes of a line findings point at: its worst severity, an id, the messages."""
    worst = max(findings, key=lambda f: SEVERITY_RANK[f.severity]).severity
    messages = _title(*(f"{f.severity}: {f.message}" for f in findings))
    return f' class="l flag-{worst}" id="{line_id}" title="{messages}"'


def _locate(marking: Marking, page: Page, text: str,
            starts: list[int]) -> tuple[int, int, str] | None:
    """Where a marking stands in the page text, as (start, end, opening tag).

    `column` is 1-based (see engine/detect.py). Where the text there is not the marking's (the
    file changed since the audit), its first occurrence from its line on is taken, else none.
    """
    index = next((i for i, line in enumerate(page.lines) if line.number == marking.line), None)
    if index is None:
        return None
    start = starts[index] + marking.column - 1
    if text[start:start + len(marking.text)] != marking.text:
        start = text.find(marking.text, starts[index])
        if start < 0:
            return None
    title = f"{marking.rule} · {marking.value} · {marking.confidence:.2f}"
    if marking.box is not None:  # read from a scan: where to look on it
        x0, y0, x1, y1 = (f"{n:g}" for n in marking.box)
        title += f" · p. {marking.page}, box {x0},{y0}\u2013{x1},{y1}"
        if marking.image:
            title += f" of {marking.image}"
    tag = f'<mark class="kind-{_css_name(marking.kind)}" title="{_title(title)}">'
    return start, start + len(marking.text), tag


def _laminar(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Spans that nest or stand apart, so that the markup is well formed.

    Markings of different kinds may overlap (a desensitization stamp running into a transmittal
    note). Taken longest first among those starting together, a span crossing one already kept
    is shortened to the part outside it: both stay highlighted, neither is lost.
    """
    kept: list[tuple[int, int, str]] = []
    for start, end, tag in sorted(spans, key=lambda s: (s[0], -s[1])):
        changed = True
        while changed and start < end:
            changed = False
            for a, b, _ in kept:
                if a < start < b < end:
                    start, changed = b, True
                elif start < a < end < b:
                    end, changed = a, True
        if start < end:
            kept.append((start, end, tag))
    return kept


def _highlight(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
    """`text` escaped, with each (start, end, tag) span wrapped in its tag; spans nest."""
    out: list[str] = []
    position = 0
    ends: list[int] = []
    for start, end, tag in spans:
        if start >= end:
            continue
        while ends and ends[-1] <= start:
            position = _close(out, text, position, ends.pop())
        out.append(_esc(text[position:start]) + tag)
        position = start
        ends.append(end)
    while ends:
        position = _close(out, text, position, ends.pop())
    out.append(_esc(text[position:]))
    return "".join(out)


def _close(out: list[str], text: str, position: int, end: int) -> int:
    out.append(_esc(text[position:end]) + "</mark>")
    return end


# ---------------------------------------------------------------------------------------------
# the findings table and the roll-up


def _findings_section(rows: list[str]) -> str:
    headers = "".join(f'<th data-key="{key}" data-type="{kind}">{key}</th>'
                      for key, kind in COLUMNS)
    options = "".join(f'<option value="{s}">{s}</option>' for s in SEVERITIES)
    body = "".join(rows) if rows else (
        f'<tr class="empty"><td colspan="{len(COLUMNS)}">No findings.</td></tr>\n')
    return (
        '<section id="findings">\n<h2>Findings</h2>\n'
        '<form id="filters" class="filters" hidden>'
        '<label>Filter <input type="search" id="filter-text" placeholder="rule, message, path…">'
        '</label> <label>Severity <select id="filter-severity">'
        f'<option value="">all</option>{options}</select></label> '
        '<a id="view-link" href="#">link to this view</a></form>\n'
        f'<p id="findings-count" aria-live="polite">{plural(len(rows), "finding")}</p>\n'
        f'<table id="findings-table"><thead><tr>{headers}</tr></thead><tbody>\n'
        f"{body}</tbody></table>\n</section>\n")


def _rollup_section(rollup: Rollup, anchors: dict[str, str],
                    attention: Sequence[tuple[int, int, int, str, str]] = ()) -> str:
    total = rollup.total
    parts = ['<section id="summary">\n<h2>Summary</h2>\n']
    if rollup.partial:
        parts.append('<p class="not-audited">The run was interrupted: these counts cover only '
                     "the documents audited.</p>\n")
    parts.append(_tiles(total))
    if attention:
        parts.append(_attention_list(attention))
    tables = [_counts_table("Documents by overall level", "level", total.levels.most_common())]
    if total.issuers:
        tables.append(_counts_table("Release stamps by issuer", "issuer",
                                    total.issuers.most_common()))
    if total.checks:
        tables.append(_counts_table("Findings by check", "check", total.checks.most_common(),
                                    code=True))
    if rollup.most_errors:
        linked = [(f'<a href="#{anchors[p]}">{_esc(p)}</a>' if p in anchors else _esc(p), n)
                  for p, n in rollup.most_errors]
        tables.append(_counts_table(f"Documents with errors ({rollup.with_errors:,})",
                                    "document", linked,
                                    escaped=True))
    if rollup.group_by_folder and rollup.folders:
        tables.append(_folders_table(rollup.folders))
    parts.append(f'<div class="tables">{"".join(tables)}</div>\n</section>\n')
    return "".join(parts)


def _attention_list(attention: Sequence[tuple[int, int, int, str, str]]) -> str:
    """The documents with errors or warnings, worst first, each a link to its section."""
    items = []
    for errors, warnings, _, path, anchor in attention[:MAX_ATTENTION]:
        counts = [f'<span class="sev-{s}"><span class="sev">{plural(-n, s)}</span></span>'
                  for s, n in (("error", errors), ("warning", warnings)) if n]
        items.append(f'<li><a href="#{anchor}">{_esc(path)}</a> · {" · ".join(counts)}</li>')
    more = len(attention) - MAX_ATTENTION
    if more > 0:
        items.append(f"<li>and {plural(more, 'other document')} (see Documents)</li>")
    return (f'<div id="attention"><h3>Needs attention ({len(attention):,})</h3>'
            f'<ol>{"".join(items)}</ol></div>\n')


def _tiles(total: Counts) -> str:
    tiles = [("documents", total.documents), ("pages", total.pages)]
    tiles += [(s if s == "info" else s + "s", total.severities[s]) for s in SEVERITIES]
    if total.not_audited:
        tiles.append(("not audited", total.not_audited))
    cells = "".join(f'<div class="tile tile-{name.rstrip("s").replace(" ", "-")}">'
                    f"<b>{count:,}</b> {name}</div>" for name, count in tiles)
    return f'<div class="tiles">{cells}</div>\n'


def _counts_table(title: str, label: str, counts: Iterable[tuple[str, int]], *,
                  code: bool = False, escaped: bool = False) -> str:
    rows = []
    for name, count in counts:
        shown = name if escaped else _esc(name)
        rows.append(f"<tr><td>{f'<code>{shown}</code>' if code else shown}</td>"
                    f'<td class="num">{count:,}</td></tr>')
    return (f'<table class="counts"><caption>{title}</caption><thead><tr><th>{label}</th>'
            f'<th class="num">count</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _folders_table(folders: dict[str, Counts]) -> str:
    heads = ("folder", "documents", "pages", "errors", "warnings", "info", "not audited")
    rows = []
    for name, counts in sorted(folders.items()):
        numbers = [counts.documents, counts.pages,
                   *(counts.severities[s] for s in SEVERITIES), counts.not_audited]
        rows.append(f"<tr><td>{_esc(name)}</td>"
                    + "".join(f'<td class="num">{n:,}</td>' for n in numbers) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in heads)
    return (f'<table class="counts"><caption>By folder</caption><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _head(version: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="markaudit {_esc(version)}">\n'
        f"<title>markaudit report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f'<header><h1>markaudit report</h1><p class="note">markaudit {_esc(version)} · '
        '<a href="#summary">summary</a> · <a href="#findings">findings</a> · '
        '<a href="#documents">documents</a></p></header>\n'
        '<section id="documents">\n<h2>Documents</h2>\n')


STYLE = """
:root { color-scheme: light; --line: #d8dce3; --muted: #5b6472; }
body { display: flex; flex-direction: column; gap: 1.5rem; max-width: 90rem; margin: 0 auto;
  padding: 1rem 1.5rem 3rem; background: #f7f8fa; color: #1d232b; line-height: 1.45;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { order: 0; } #summary { order: 1; } #findings { order: 2; } #documents { order: 3; }
h1 { font-size: 1.5rem; margin: 0; } h2 { font-size: 1.2rem; margin: 0 0 .6rem; }
h4 { margin: .8rem 0 .2rem; font-size: .85rem; color: var(--muted); }
a { color: #1f5fbf; }
.note { color: var(--muted); }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
table { border-collapse: collapse; background: #fff; }
th, td { border-bottom: 1px solid var(--line); padding: .25rem .6rem; text-align: left;
  vertical-align: top; }
th { background: #eef1f5; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
#findings-table { width: 100%; }
th button { font: inherit; font-weight: 600; border: 0; background: none; padding: 0;
  cursor: pointer; color: inherit; }
th[aria-sort=ascending] button::after { content: " ▲"; }
th[aria-sort=descending] button::after { content: " ▼"; }
.filters { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; margin-bottom: .4rem; }
.filters input { min-width: 18rem; }
.sev { font-weight: 600; }
.sev-error .sev { color: #b3261e; } .sev-warning .sev { color: #8a5a00; }
.sev-info .sev { color: #2b6cb0; }
.tiles { display: flex; gap: .8rem; flex-wrap: wrap; margin-bottom: 1rem; }
.tile { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .5rem 1rem; }
.tile b { font-size: 1.3rem; display: block; }
.tile-error b { color: #b3261e; } .tile-warning b { color: #8a5a00; }
.tile-info b { color: #2b6cb0; }
.tables { display: flex; gap: 1.5rem; flex-wrap: wrap; align-items: flex-start; }
details.doc { background: #fff; border: 1px solid var(--line); border-radius: 6px;
  margin-bottom: .5rem; }
details.doc > summary { padding: .5rem .8rem; cursor: pointer; }
.path { font-weight: 600; overflow-wrap: anywhere; }
.doc-body { padding: 0 .8rem .8rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; }
.not-audited { color: #b3261e; font-weight: 600; }
pre { background: #fcfcfd; border: 1px solid var(--line); padding: .5rem 0; overflow-x: auto;
  font-size: 13px; line-height: 1.4; margin: 0; }
pre .l::before { counter-increment: l; content: counter(l); display: inline-block;
  width: 4.5em; padding-right: 1em; text-align: right; color: #9aa3af; user-select: none; }
pre .l[class*=flag-]::before { font-weight: 700; }
pre .flag-error::before { color: #b3261e; } pre .flag-warning::before { color: #8a5a00; }
pre .flag-info::before { color: #2b6cb0; }
pre .l:target { background: #fff3c4; }
mark, .swatch { background: #fff1a8; color: inherit; border-radius: 2px; }
mark mark { outline: 1px solid #b08900; }
.kind-banner { background: #ffc9c4; } .kind-portion { background: #ffd9b0; }
.kind-release { background: #c8eec9; } .kind-authority { background: #cfe3ff; }
.kind-downgrading { background: #e3d7ff; } .kind-exemption { background: #e6e6e6; }
.kind-desensitization, .kind-transmittal { background: #d2f1ef; }
.kind-page-number, .kind-control-number, .kind-document-date,
.kind-document-start, .kind-copy-control { background: #eef0c2; }
.page-body { display: flex; gap: 1rem; align-items: flex-start; }
.page-body pre { flex: 1 1 auto; min-width: 0; }
.scan { flex: 0 0 auto; width: min(46%, 560px); margin: 0; }
.scan-frame { position: relative; border: 1px solid var(--line); line-height: 0; }
.scan img { width: 100%; height: auto; display: block; }
.scan svg { position: absolute; inset: 0; width: 100%; height: 100%; }
.scan rect { fill: none; stroke: #1f5fbf; stroke-width: 2px; vector-effect: non-scaling-stroke; }
.scan rect.flagged { stroke: #d0021b; stroke-width: 3px; }
.scan figcaption { font-size: .8rem; color: var(--muted); overflow-wrap: anywhere; }
.scan:target .scan-frame { outline: 3px solid #fff3c4; }
td.on-scan img.crop { display: block; max-width: 28rem; height: auto;
  border: 1px solid var(--line); }
"""

# Reads only the DOM and the URL fragment, never data from the report: nothing to escape here.
SCRIPT = r"""
(function () {
  "use strict";
  var table = document.getElementById("findings-table");
  var docs = document.querySelectorAll("details.doc");
  if (docs.length === 1) docs[0].open = true;
  window.addEventListener("hashchange", onHash);
  if (!table) { reveal(); return; }
  var body = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var keys = heads.map(function (th) { return th.getAttribute("data-key"); });
  var rows = Array.prototype.filter.call(body.rows, function (row) {
    return !row.classList.contains("empty");
  });
  var haystacks = rows.map(function (row) {
    return Array.prototype.map.call(row.cells, function (cell) {
      return cell.textContent;
    }).join(" ").toLowerCase();
  });
  var text = document.getElementById("filter-text");
  var severity = document.getElementById("filter-severity");
  var count = document.getElementById("findings-count");
  var link = document.getElementById("view-link");
  var sortKey = "", sortDown = false;
  document.getElementById("filters").hidden = false;
  heads.forEach(function (th) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    button.title = "sort by " + th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      var key = th.getAttribute("data-key");
      sortDown = key === sortKey ? !sortDown : false;
      sortKey = key;
      sort();
      save();
    });
  });
  text.addEventListener("input", function () { filter(); save(); });
  severity.addEventListener("change", function () { filter(); save(); });
  document.getElementById("filters").addEventListener("submit", function (e) {
    e.preventDefault();
  });
  if (!load()) reveal();

  function filter() {
    var terms = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    var wanted = severity.value, shown = 0;
    rows.forEach(function (row, i) {
      var ok = (!wanted || row.getAttribute("data-severity") === wanted) &&
        terms.every(function (t) { return haystacks[i].indexOf(t) >= 0; });
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = shown === rows.length ? rows.length + " findings" :
      shown + " of " + rows.length + " findings shown";
  }

  function value(row, column, numeric) {
    var cell = row.cells[column];
    var v = cell.hasAttribute("data-v") ? cell.getAttribute("data-v") : cell.textContent;
    if (!numeric) return v.toLowerCase();
    return v === "" ? -1 : Number(v);
  }

  function sort() {
    var column = keys.indexOf(sortKey);
    heads.forEach(function (th) { th.removeAttribute("aria-sort"); });
    if (column < 0) { sortKey = ""; return; }
    var numeric = heads[column].getAttribute("data-type") === "number";
    var items = rows.map(function (row, i) {
      return { row: row, i: i, v: value(row, column, numeric) };
    });
    items.sort(function (a, b) {
      var c = a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
      return (sortDown ? -c : c) || a.i - b.i;
    });
    items.forEach(function (item) { body.appendChild(item.row); });
    heads[column].setAttribute("aria-sort", sortDown ? "descending" : "ascending");
  }

  function state() {
    var p = new URLSearchParams();
    if (text.value) p.set("filter", text.value);
    if (severity.value) p.set("severity", severity.value);
    if (sortKey) p.set("sort", (sortDown ? "-" : "") + sortKey);
    return p.toString();
  }

  function save() {
    var s = state();
    link.href = "#" + s;
    try {
      history.replaceState(null, "", s ? "#" + s : location.pathname + location.search);
    } catch (e) { /* some browsers refuse history edits on file: pages; the link still works */ }
  }

  function load() {
    var hash = location.hash.slice(1);
    if (hash.indexOf("=") < 0) return false;
    var p = new URLSearchParams(hash);
    text.value = p.get("filter") || "";
    var s = p.get("severity") || "";
    severity.value = ["error", "warning", "info"].indexOf(s) >= 0 ? s : "";
    var key = p.get("sort") || "";
    sortDown = key.charAt(0) === "-";
    sortKey = sortDown ? key.slice(1) : key;
    sort();
    filter();
    link.href = "#" + state();
    return true;
  }

  function onHash() { if (!table || !load()) reveal(); }

  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    target.scrollIntoView();
  }
})();
"""
