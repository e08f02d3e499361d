"""Detection: a Document and the marking rules -> the markings it carries.

Each page is matched as one text (so that a stamp may run over several lines) in its normalised
view; every marking reports the raw text it stands on, its page, line, column and zone, and a
confidence that falls with every OCR edit the match needed.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

import regex

from markaudit.engine.fields import ParseContext, render_value
from markaudit.engine.normalize import NormalizedText, normalize
from markaudit.engine.rules import MarkingRule, RuleSet
from markaudit.model import Document, Line, Marking, Page


def detect(document: Document, rules: RuleSet) -> list[Marking]:
    """Every marking of the document, in reading order."""
    found: list[Marking] = []
    for page in document.pages:
        found.extend(detect_page(page, rules))
    found.sort(key=lambda m: (m.page, m.line, m.column, m.rule))
    return found


def detect_page(page: Page, rules: RuleSet) -> Iterator[Marking]:
    if not page.lines:
        return
    view = normalize(page.text)
    starts: list[int] = []
    offset = 0
    for line in page.lines:
        starts.append(offset)
        offset += len(line.text) + 1
    for rule in rules.markings:
        if rule.first_page_only and page.number != 1:
            continue
        context = ParseContext(rules.vocabularies, rule.ocr_edits)
        taken: list[tuple[int, int]] = []
        for pattern in rule.compiled:
            for match in pattern.finditer(view.text):
                marking = _marking(rule, match, view, page, starts, context)
                if marking is None:
                    continue
                span = match.span()
                if any(a < span[1] and span[0] < b for a, b in taken):
                    continue  # another pattern of the same rule already took this text
                taken.append(span)
                yield marking


def _marking(rule: MarkingRule, match: regex.Match[str], view: NormalizedText, page: Page,
             starts: list[int], context: ParseContext) -> Marking | None:
    start, end = match.span()
    raw_start, raw_end = view.raw_span(start, end)
    text = view.raw[raw_start:raw_end]
    stripped = text.strip()
    if not stripped:
        return None
    raw_start += len(text) - len(text.lstrip())
    line_index = bisect.bisect_right(starts, raw_start) - 1
    line: Line = page.lines[line_index]
    if line.zone not in rule.zones:
        return None
    if any(x.search(line.text) or x.search(stripped) for x in rule.exclude):
        return None
    edits = sum(match.fuzzy_counts) + view.fixes_in(start, end)
    confidence = round(max(0.0, 1.0 - edits / max(len(stripped), 1)), 3)
    if confidence < rule.min_confidence:
        return None
    fields: dict[str, object] = {}
    for spec in rule.fields:
        captured = match.group(spec.group)
        if captured is None or not captured.strip():
            continue
        value = spec.parse(captured, context)
        if value not in (None, "", []):
            fields[spec.name] = value
    fields.update(rule.constants)
    value = render_value(rule.value, fields) if rule.value else " ".join(stripped.split())
    return Marking(
        rule=rule.id, kind=rule.kind, text=stripped, value=value, page=page.number, line=line.number,
        column=raw_start - starts[line_index] + 1, zone=line.zone, confidence=confidence,
        fields=fields,
    )
